"""Paths: spaces, non-ASCII and undecodable names, a leading dash, symlinks, hard links, tmpfs.

Decisions tested here (and written in docs/reliability.md):

- a symlink is written *through*: its target is replaced, the link stays a link to it;
  the temporary file is made beside the target, so the rename never crosses file systems;
- a hard link is not followed: the name given gets the new file, other names of the old
  inode keep the original (as with any editor that saves by rename);
- the temporary file is always beside the file it replaces (``TMPDIR`` plays no part), so a
  file on another file system than /tmp (a tmpfs here) is replaced by a rename on its own.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import ffmpeg_chapters, file_md5
from tests.reliability.harness import CliServer, run_cli
from tests.reliability.test_faults import SLOW_CLI, leftovers, start, wait_for_temp

OUTLINE = "Épisode test\n\n- 0'00 Accueil\n- 0'04 Débat\n- 0'08 Questions\n"
TITLES = ["Accueil", "Débat", "Questions"]


@pytest.fixture(scope="module")
def server() -> Iterator[CliServer]:
    running = CliServer()
    yield running
    running.close()


def plan_in(folder: Path, name: str = "plan.md") -> Path:
    path = folder / name
    path.write_text(OUTLINE, "utf-8")
    return path


def titles(path: Path) -> list[object]:
    return [chapter["title"] for chapter in ffmpeg_chapters(path)]


NAMES = {
    "spaces": "épisode 12 — débat  final .mp3",
    "non-ascii": "日本語の回 « round table ».m4a",
    "emoji": "🎙 émission spéciale.ogg",
    "quotes": "l'épisode \"spécial\" & co ;$(x).flac",
    "undecodable": os.fsdecode(b"caf\xe9 latin-1.mp3"),  # a Latin-1 name on a UTF-8 system
}


@pytest.mark.parametrize("kind", NAMES)
def test_odd_file_names_are_tagged_shown_and_stripped(server, audio_copy, tmp_path, kind):
    name = NAMES[kind]
    audio = audio_copy(Path(name).suffix[1:], name=name)
    plan = plan_in(tmp_path, name.rsplit(".", 1)[0] + " plan.md")
    tagged = server.run(["tag", audio, plan])
    assert tagged.returncode == 0, tagged.describe()
    assert titles(audio) == TITLES
    shown = server.run(["show", audio])
    assert shown.returncode == 0 and "Débat" in shown.stdout, shown.describe()
    stripped = server.run(["strip", audio])
    assert stripped.returncode == 0 and "removed 3 chapters" in stripped.stdout, stripped.describe()
    assert titles(audio) == []
    assert leftovers(tmp_path) == []


def test_a_leading_dash_needs_a_double_dash_or_a_dot_slash(audio_copy, tmp_path):
    audio = audio_copy("mp3", name="-episode.mp3")
    plan_in(tmp_path, "-plan.md")
    before = file_md5(audio)

    # Without either, it is an option podcast-tool does not know: a usage error, nothing written.
    refused = run_cli(["tag", "-episode.mp3", "-plan.md"], cwd=tmp_path)
    assert refused.returncode == 2
    assert "No such option" in refused.stderr and "Traceback" not in refused.stderr
    assert file_md5(audio) == before

    after_double_dash = run_cli(["tag", "--", "-episode.mp3", "-plan.md"], cwd=tmp_path)
    assert after_double_dash.returncode == 0, after_double_dash.describe()
    assert "wrote 3 chapters to -episode.mp3" in after_double_dash.stdout
    assert titles(audio) == TITLES
    shown = run_cli(["show", "--", "-episode.mp3"], cwd=tmp_path)
    assert shown.returncode == 0 and "Questions" in shown.stdout

    stripped = run_cli(["strip", "./-episode.mp3"], cwd=tmp_path)
    assert stripped.returncode == 0 and "-episode.mp3: removed 3 chapters" in stripped.stdout
    with_dot_slash = run_cli(["tag", "./-episode.mp3", "./-plan.md"], cwd=tmp_path)
    assert with_dot_slash.returncode == 0, with_dot_slash.describe()
    assert titles(audio) == TITLES
    assert leftovers(tmp_path) == []


# --- links --------------------------------------------------------------------------------

@pytest.mark.parametrize("how", ["absolute", "relative", "chain of two"])
def test_a_symlink_is_written_through_and_stays_a_link(server, audio_copy, tmp_path, how):
    target = audio_copy("m4a", name="master.m4a")
    links = tmp_path / "links"
    links.mkdir()
    link = links / "episode.m4a"
    if how == "absolute":
        link.symlink_to(target)
    elif how == "relative":
        link.symlink_to(Path("..") / target.name)
    else:
        middle = links / "middle.m4a"
        middle.symlink_to(target)
        link.symlink_to(middle.name)
    inode = target.stat().st_ino
    link_text = os.readlink(link)

    result = server.run(["tag", link, plan_in(tmp_path)])

    assert result.returncode == 0, result.describe()
    assert link.is_symlink() and os.readlink(link) == link_text  # the link is untouched
    assert link.resolve() == target
    # The moov after the audio takes the chapters in place: the target itself was edited.
    assert target.stat().st_ino == inode
    assert titles(target) == TITLES and titles(link) == TITLES
    assert leftovers(links) == [] and leftovers(tmp_path) == []


def test_a_dangling_symlink_is_a_clear_error(server, tmp_path):
    link = tmp_path / "gone.mp3"
    link.symlink_to(tmp_path / "deleted.mp3")
    for args in (["tag", link, plan_in(tmp_path)], ["show", link], ["strip", link]):
        result = server.run(args)
        assert result.returncode == 1, result.describe()
        assert f"{link}: error: no such file" in result.stderr
    assert link.is_symlink()


def test_a_hard_link_keeps_the_original_under_its_other_name(server, audio_copy, tmp_path):
    audio = audio_copy("flac")
    other = tmp_path / "other-name.flac"
    os.link(audio, other)
    before = file_md5(other)
    result = server.run(["tag", audio, plan_in(tmp_path)])
    assert result.returncode == 0, result.describe()
    assert titles(audio) == TITLES
    assert file_md5(other) == before and titles(other) == []
    assert audio.stat().st_nlink == 1 and other.stat().st_nlink == 1


# --- another file system than the temporary folder -------------------------------------------

@pytest.fixture
def shm_folder(tmp_path: Path) -> Iterator[Path]:
    folder = Path("/dev/shm") / f"podcast-tool-test-{os.getpid()}-{tmp_path.name}"
    folder.mkdir()
    try:
        yield folder
    finally:
        shutil.rmtree(folder)


def test_a_file_on_tmpfs_is_written_with_its_temporary_file_beside_it(make_media, tmp_path, shm_folder):
    audio = shm_folder / "episode.mp3"
    shutil.copyfile(make_media("mp3", seconds=60), audio)
    assert audio.stat().st_dev != tmp_path.stat().st_dev  # really another file system
    plan = plan_in(tmp_path)

    # A slowed run: the temporary file shows up in the tmpfs folder, nowhere else.
    before_elsewhere = set(os.listdir(tmp_path))
    writer = start(SLOW_CLI, "tag", audio, plan)
    assert wait_for_temp(shm_folder, set(), writer), "no temporary file beside the target"
    assert set(os.listdir(tmp_path)) == before_elsewhere
    writer.communicate(timeout=60)
    assert writer.returncode == 0
    assert titles(audio) == TITLES
    assert leftovers(shm_folder) == []

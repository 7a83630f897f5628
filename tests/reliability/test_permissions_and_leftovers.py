"""Permission bits as a user reads them, sidecars inside ROOT, leftovers of a killed export.

- root ignores permission bits (``os.access`` says yes), so a 0444 file or a file in a 0555
  folder used to be overwritten by ``tag`` run as root; now a file (or folder) without write
  permission for its owner is refused unless ``--force``, as ``chattr +i`` and read-only file
  systems still are (``test_faults.py``);
- ``batch --export`` sidecars obey the ROOT rule (resolved, then checked), and an existing
  sidecar that is a symlink is refused unless ``--allow-outside``;
- a killed ``export -o`` leaves a temporary file beside the output: the next run removes it,
  unless a live process is still writing it.
"""

from __future__ import annotations

import fcntl
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from podcast_tool import safewrite
from podcast_tool.cli import main
from tests.conftest import ffmpeg_chapters, file_md5
from tests.reliability.test_faults import leftovers

OUTLINE = "- 0'00 Accueil\n- 0'04 Débat\n- 0'08 Questions\n"
READ_ONLY = "the file is read-only; nothing was written"
READ_ONLY_FOLDER = ("its folder is read-only, so the file cannot be replaced safely; "
                    "nothing was written")


def run(*args: object):  # noqa: ANN201 - click's Result
    return CliRunner().invoke(main, [str(arg) for arg in args])


def plan_in(folder: Path) -> Path:
    path = folder / "plan.md"
    path.write_text(OUTLINE, "utf-8")
    return path


@pytest.fixture
def media(audio_copy, tmp_path):  # noqa: ANN001, ANN201
    folder = tmp_path / "media"
    folder.mkdir()
    audio = audio_copy("mp3")
    moved = folder / audio.name
    shutil.move(audio, moved)
    return moved, plan_in(tmp_path)


def test_a_file_without_owner_write_permission_is_refused_even_as_root(media):
    audio, plan = media
    audio.chmod(0o444)
    before = file_md5(audio)
    result = run("tag", audio, plan)
    assert result.exit_code == 1, result.output
    assert f"{audio}: error: {READ_ONLY}" in result.stderr
    assert "--force" in result.stderr  # the hint says how to write it anyway
    assert file_md5(audio) == before
    forced = run("tag", "--force", audio, plan)
    assert forced.exit_code == 0, forced.output
    assert len(ffmpeg_chapters(audio)) == 3
    assert audio.stat().st_mode & 0o777 == 0o444  # still read-only, as it was
    tagged = file_md5(audio)
    result = run("strip", audio)
    assert result.exit_code == 1 and f"{audio}: error: {READ_ONLY}" in result.stderr
    assert file_md5(audio) == tagged
    assert run("strip", "--force", audio).exit_code == 0
    assert ffmpeg_chapters(audio) == []


def test_a_file_in_a_folder_without_owner_write_permission_is_refused(media):
    audio, plan = media
    audio.parent.chmod(0o555)
    try:
        before = file_md5(audio)
        result = run("tag", audio, plan)
        assert result.exit_code == 1, result.output
        assert f"{audio}: error: {READ_ONLY_FOLDER}" in result.stderr
        assert file_md5(audio) == before
        assert leftovers(audio.parent) == []
        assert run("tag", "--force", audio, plan).exit_code == 0
        assert len(ffmpeg_chapters(audio)) == 3
    finally:
        audio.parent.chmod(0o755)


def test_read_only_outputs_of_export_and_snap_are_refused(media, tmp_path):
    audio, plan = media
    out = tmp_path / "out.json"
    out.write_text("{}", "utf-8")
    out.chmod(0o444)
    result = run("export", plan, "-o", out)
    assert result.exit_code == 1 and f"{out}: error: {READ_ONLY}" in result.stderr
    assert out.read_text() == "{}"
    assert run("export", plan, "-o", out, "--force").exit_code == 0
    assert '"Débat"' in out.read_text("utf-8")
    plan.chmod(0o444)
    result = run("snap", audio, plan, "--in-place")
    assert result.exit_code == 1 and f"{plan}: error: {READ_ONLY}" in result.stderr


# --- batch sidecars and ROOT ---------------------------------------------------------------

@pytest.fixture
def batch_root(audio_copy, tmp_path):  # noqa: ANN001, ANN201
    root = tmp_path / "root"
    (root / "audio").mkdir(parents=True)
    (root / "chapters").mkdir()
    shutil.move(audio_copy("mp3"), root / "audio" / "ep.mp3")
    (root / "chapters" / "ep.md").write_text(OUTLINE, "utf-8")
    return root


@pytest.mark.parametrize("link", ["absolute", "relative", "dangling"])
def test_a_sidecar_that_is_a_symlink_out_of_root_is_refused(batch_root, tmp_path, link):
    victim = tmp_path / "elsewhere" / "victim.json"
    victim.parent.mkdir()
    if link != "dangling":
        victim.write_text("precious", "utf-8")
    sidecar = batch_root / "audio" / "ep.json"
    sidecar.symlink_to(os.path.relpath(victim, sidecar.parent) if link == "relative" else victim)
    result = run("batch", batch_root, "--export", "json")
    assert result.exit_code == 1, result.output
    assert "ep.json is a symbolic link" in result.output
    if link != "dangling":
        assert victim.read_text("utf-8") == "precious"
    else:
        assert not victim.exists()
    assert sidecar.is_symlink()
    assert ffmpeg_chapters(batch_root / "audio" / "ep.mp3") == []  # refused before anything
    allowed = run("batch", batch_root, "--export", "json", "--allow-outside")
    assert allowed.exit_code == 0, allowed.output
    assert '"Débat"' in victim.read_text("utf-8") and sidecar.is_symlink()


def test_a_sidecar_inside_root_through_a_symlink_is_still_refused(batch_root):
    """The rule is on the link itself: an existing link is never written through silently."""
    inside = batch_root / "kept.json"
    inside.write_text("kept", "utf-8")
    (batch_root / "audio" / "ep.json").symlink_to(inside)
    result = run("batch", batch_root, "--export", "json")
    assert result.exit_code == 1 and "is a symbolic link" in result.output
    assert inside.read_text("utf-8") == "kept"


def test_a_sidecar_in_a_folder_linked_out_of_root_is_refused(audio_copy, tmp_path):
    root = tmp_path / "root"
    (root / "chapters").mkdir(parents=True)
    outside = tmp_path / "outside-audio"
    outside.mkdir()
    shutil.move(audio_copy("mp3"), outside / "ep.mp3")
    (root / "audio").symlink_to(outside)
    (root / "chapters" / "ep.md").write_text(OUTLINE, "utf-8")
    result = run("batch", root, "--export", "json")
    assert result.exit_code == 1
    assert "outside the batch folder" in result.output
    assert not (outside / "ep.json").exists()


# --- leftovers of a killed export -o --------------------------------------------------------

def test_a_killed_export_leaves_a_temporary_file_the_next_run_removes(media, tmp_path):
    _, plan = media
    out = tmp_path / "out.json"
    stale = safewrite.temp_name_for(out)
    stale.write_bytes(b"half an export")  # what a kill -9 during the write leaves
    live = safewrite.temp_name_for(out)
    live.write_bytes(b"another podcast-tool writing right now")
    with open(live, "rb") as held:
        fcntl.flock(held, fcntl.LOCK_EX)  # as a live writer holds its temporary file
        result = run("export", plan, "-o", out)
        assert result.exit_code == 0, result.output
        assert not stale.exists()
        assert live.exists()  # a live writer's file is never removed under it
    assert '"Débat"' in out.read_text("utf-8")
    # And a new output: the first run already cleans what an earlier killed run left.
    fresh = tmp_path / "new.vtt"
    leftover = safewrite.temp_name_for(fresh)
    leftover.write_bytes(b"x")
    assert run("export", plan, "--audio", media[0], "-o", fresh).exit_code == 0
    assert not leftover.exists() and fresh.exists()

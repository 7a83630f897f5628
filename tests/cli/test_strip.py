"""podcast-tool strip AUDIO… [--dry-run], through click's CliRunner."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from podcast_tool import containers
from podcast_tool.cli import main
from podcast_tool.model import Chapter, Episode
from tests.conftest import decoded_md5, ffmpeg_chapters, file_md5
from tests.containers.test_vorbis import SEED_CHAPTERS, SHORT_CHAPTERS

ALL = ("mp3", "ogg", "opus", "flac", "wav")
SEED_TITLES = [chapter.title for chapter in SEED_CHAPTERS]


def invoke(*args: str):
    return CliRunner().invoke(main, ["strip", *args])


def test_strips_every_container_in_one_run_and_says_how_many(audio_copy):
    paths = []
    for count, ext in enumerate(ALL, start=1):
        path = audio_copy(ext)
        chapters = [Chapter(index * 2000, title) for index, title in enumerate(SEED_TITLES[:count])]
        containers.write_chapters(path, Episode(chapters=chapters))
        assert len(ffmpeg_chapters(path)) == count
        paths.append(path)
    audio_before = [decoded_md5(path) for path in paths]

    result = invoke(*map(str, paths))

    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        f"{paths[0]}: removed 1 chapter",
        f"{paths[1]}: removed 2 chapters",
        f"{paths[2]}: removed 3 chapters",
        f"{paths[3]}: removed 4 chapters",
        f"{paths[4]}: removed 5 chapters",
    ]
    assert result.stderr == ""
    for path, before in zip(paths, audio_before, strict=True):
        assert ffmpeg_chapters(path) == []
        assert containers.read_chapters(path).chapters == []
        assert decoded_md5(path) == before


@pytest.mark.parametrize("ext", ALL)
def test_a_file_without_chapters_is_left_untouched(audio_copy, ext):
    path = audio_copy(ext)
    before = file_md5(path)
    result = invoke(str(path))
    assert result.exit_code == 0
    assert result.stdout == f"{path}: no chapters; nothing to remove\n"
    assert file_md5(path) == before


def test_dry_run_counts_and_writes_nothing(audio_copy):
    flac, ogg = audio_copy("flac"), audio_copy("ogg")
    containers.write_chapters(flac, Episode(chapters=list(SHORT_CHAPTERS)))
    containers.write_chapters(ogg, Episode(chapters=[Chapter(1000, "Seul")]))
    before = [file_md5(flac), file_md5(ogg)]

    result = invoke("--dry-run", str(flac), str(ogg))

    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        f"{flac}: would remove 4 chapters; nothing was written",
        f"{ogg}: would remove 1 chapter; nothing was written",
    ]
    assert [file_md5(flac), file_md5(ogg)] == before


def test_show_then_strip_then_show(audio_copy):
    path = audio_copy("opus")
    containers.write_chapters(path, Episode(chapters=list(SHORT_CHAPTERS)))
    shown = CliRunner().invoke(main, ["show", str(path)])
    assert shown.exit_code == 0
    assert all(chapter.title in shown.stdout for chapter in SHORT_CHAPTERS)

    assert invoke(str(path)).stdout == f"{path}: removed 4 chapters\n"
    shown = CliRunner().invoke(main, ["show", str(path)])
    assert shown.exit_code == 0
    assert shown.stdout == f"{path}: no chapters\n"


def test_errors_name_the_file_and_exit_1(tmp_path):
    missing = tmp_path / "absent.mp3"
    result = invoke(str(missing))
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == f"{missing}: error: no such file\n"


def test_no_file_is_a_usage_error():
    result = invoke()
    assert result.exit_code == 2
    assert "Missing argument 'AUDIO...'" in result.stderr

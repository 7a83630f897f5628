"""Re-tagging M4A in place: only moov, the chapter mdat and the room after them change.

The whole-file write leaves a free box after the chapter data of a faststart file (a
moov-at-end file grows at its end); a later tag or strip that fits is patched where it
stands, through the undo journal, and the audio mdat never moves.
"""

from __future__ import annotations

import hashlib
import random
import struct
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from mutagen.mp4 import MP4, MP4Cover

from podcast_tool import containers, inplace
from podcast_tool.cli import main
from podcast_tool.containers.mp4.room import MIN_HEADROOM
from podcast_tool.model import Chapter, Episode
from tests.conftest import decoded_md5, ffmpeg_chapters, file_md5, run_ffmpeg
from tests.inplace_faults import (
    RETAG_BUDGET,
    disk_full_midway,
    full_disk_while_journaling,
    kill_9_midway,
    tear_then_recover,
)


def episode(*titles: str) -> Episode:
    return Episode(title="Webinaire", chapters=[Chapter(i * 3000, t) for i, t in enumerate(titles)])


FIRST = episode("Accueil", "Table ronde 1", "Questions du public")
SECOND = episode("Mot d'accueil de Daniel Delaveau", "Table ronde 1 : pourquoi ?",
                 "Questions du public", "Conclusion et remerciements")


def tops(path: Path) -> list[tuple[bytes, int, int]]:
    """(kind, offset, size) of the top-level boxes."""
    data, found, at = path.read_bytes(), [], 0
    while at + 8 <= len(data):
        size, kind = struct.unpack_from(">I4s", data, at)
        size = struct.unpack_from(">Q", data, at + 8)[0] if size == 1 else size or len(data) - at
        found.append((kind, at, size))
        at += size
    return found


def audio_mdat(path: Path) -> tuple[int, str]:
    """Where the audio mdat stands and an md5 of its bytes (the biggest mdat)."""
    _kind, offset, size = max((box for box in tops(path) if box[0] == b"mdat"), key=lambda b: b[2])
    with path.open("rb") as handle:
        handle.seek(offset)
        return offset, hashlib.md5(handle.read(size)).hexdigest()


@pytest.fixture
def faststart(make_media: Callable[..., Path], tmp_path: Path) -> Path:
    path = tmp_path / "replay.m4a"
    run_ffmpeg("-i", make_media("m4a"), "-c", "copy", "-movflags", "+faststart",
               "-metadata", "title=Bruit rose", path)
    assert not containers.write_chapters(path, FIRST).in_place  # whole, and reserves room
    return path


def test_the_first_write_reserves_room_after_the_chapters(faststart: Path) -> None:
    kinds = [kind for kind, _offset, _size in tops(faststart)]
    assert kinds[kinds.index(b"moov"):] == [b"moov", b"mdat", b"free", b"mdat"]
    assert next(size for kind, _o, size in tops(faststart) if kind == b"free") >= MIN_HEADROOM


def test_a_retag_edits_in_place_and_keeps_the_audio(faststart: Path) -> None:
    inode, size = faststart.stat().st_ino, faststart.stat().st_size
    audio, pcm = audio_mdat(faststart), decoded_md5(faststart)
    report = containers.write_chapters(faststart, SECOND)
    assert report.in_place and report.bytes_written is not None
    assert report.bytes_written < RETAG_BUDGET
    assert (faststart.stat().st_ino, faststart.stat().st_size) == (inode, size)
    assert audio_mdat(faststart) == audio and decoded_md5(faststart) == pcm
    titles = [c.title for c in SECOND.chapters]
    assert [c["title"] for c in ffmpeg_chapters(faststart)] == titles
    assert [c.title for c in MP4(faststart).chapters] == titles  # type: ignore[union-attr]
    assert [c.title for c in containers.read_chapters(faststart).chapters] == titles
    assert not inplace.journal_path(faststart).exists()


def test_ten_retags_and_a_strip_stay_in_place(faststart: Path) -> None:
    inode, size = faststart.stat().st_ino, faststart.stat().st_size
    for round_ in range(10):
        assert containers.write_chapters(faststart, SECOND if round_ % 2 else FIRST).in_place
    assert containers.strip_chapters(faststart) == len(SECOND.chapters)
    assert (faststart.stat().st_ino, faststart.stat().st_size) == (inode, size)
    assert ffmpeg_chapters(faststart) == [] and MP4(faststart).chapters is None
    assert containers.write_chapters(faststart, FIRST).in_place  # the room is still there


def test_a_moov_at_the_end_grows_and_shrinks_in_place(audio_copy: Callable[..., Path]) -> None:
    path = audio_copy("m4a")
    audio, pcm = audio_mdat(path), decoded_md5(path)
    inode = path.stat().st_ino
    assert containers.write_chapters(path, FIRST).in_place  # even the first: the audio stays
    assert tops(path)[-2][0] == b"moov" and tops(path)[-1][0] == b"mdat"
    assert audio_mdat(path) == audio
    inode = path.stat().st_ino
    size = path.stat().st_size
    assert containers.write_chapters(path, SECOND).in_place
    assert path.stat().st_size > size
    assert containers.strip_chapters(path) == len(SECOND.chapters)
    assert path.stat().st_ino == inode and ffmpeg_chapters(path) == []
    assert audio_mdat(path) == audio and decoded_md5(path) == pcm


def test_a_tag_that_outgrows_its_room_falls_back_to_a_whole_rewrite(faststart: Path) -> None:
    long_titles = Episode(chapters=[Chapter(i * 150, f"Chapitre {i} " + "x" * 400)
                                    for i in range(70)])
    pcm = decoded_md5(faststart)
    assert not containers.write_chapters(faststart, long_titles).in_place
    assert len(ffmpeg_chapters(faststart)) == 70
    assert containers.write_chapters(faststart, FIRST).in_place  # and reserved room again
    assert [c["title"] for c in ffmpeg_chapters(faststart)] == [c.title for c in FIRST.chapters]
    assert decoded_md5(faststart) == pcm


def test_a_long_recording_retag_writes_under_64_kb(make_media: Callable[..., Path],
                                                   tmp_path: Path) -> None:
    big = tmp_path / "replay.m4a"
    run_ffmpeg("-stream_loop", "-1", "-i", make_media("m4a"), "-fs", "74500000", "-c", "copy",
               "-movflags", "+faststart", big)
    assert big.stat().st_size > 74_000_000
    containers.write_chapters(big, FIRST)
    report = containers.write_chapters(big, SECOND)
    assert report.in_place and report.bytes_written is not None
    assert report.bytes_written < RETAG_BUDGET
    assert [c["title"] for c in ffmpeg_chapters(big)] == [c.title for c in SECOND.chapters]


@pytest.fixture(params=["faststart re-tag", "moov at the end, first tag", "moov at the end, re-tag"])
def in_place_case(request: pytest.FixtureRequest, make_media: Callable[..., Path],
                  tmp_path: Path) -> tuple[Path, Episode]:
    """A file and the chapters whose write edits it in place, for each in-place path."""
    if request.param == "faststart re-tag":
        return request.getfixturevalue("faststart"), SECOND
    path = tmp_path / "replay.m4a"
    run_ffmpeg("-i", make_media("m4a"), "-c", "copy", "-metadata", "title=Bruit rose", path)
    assert tops(path)[-1][0] == b"moov"
    if request.param == "moov at the end, re-tag":
        assert containers.write_chapters(path, FIRST).in_place
    return path, SECOND


def read_back_by_others(path: Path, chapters: Episode, pcm: str) -> None:
    """ffmpeg's demuxer and mutagen read the chapters, the other tags and the same audio."""
    titles = [c.title for c in chapters.chapters]
    assert [c["title"] for c in ffmpeg_chapters(path)] == titles
    tags = MP4(path)
    assert [c.title for c in tags.chapters] == titles  # type: ignore[union-attr]
    assert tags.tags is not None and tags.tags["\xa9nam"] == ["Bruit rose"]
    assert decoded_md5(path) == pcm


def test_every_in_place_path_keeps_the_audio_and_the_other_tags(
        in_place_case: tuple[Path, Episode]) -> None:
    path, chapters = in_place_case
    audio, pcm = audio_mdat(path), decoded_md5(path)
    inode = path.stat().st_ino
    report = containers.write_chapters(path, chapters)
    assert report.in_place and report.bytes_written is not None
    assert path.stat().st_ino == inode and audio_mdat(path) == audio
    read_back_by_others(path, chapters, pcm)


@pytest.mark.parametrize("torn_at", [0.0, 0.001, 0.3, 0.999])
def test_a_torn_in_place_write_is_undone_by_the_next_command(
        in_place_case: tuple[Path, Episode], monkeypatch: pytest.MonkeyPatch, torn_at: float) -> None:
    path, chapters = in_place_case
    tear_then_recover(path, chapters, torn_at, monkeypatch)
    assert containers.write_chapters(path, chapters).in_place  # the next write still fits


def test_kill_9_during_an_in_place_write_then_recovery(in_place_case: tuple[Path, Episode]) -> None:
    path, _chapters = in_place_case
    chapters = ffmpeg_chapters(path)
    pcm = decoded_md5(path)
    before = kill_9_midway(path)
    result = CliRunner().invoke(main, ["show", str(path)])
    assert "restored the file" in result.stderr
    assert file_md5(path) == before
    assert ffmpeg_chapters(path) == chapters and decoded_md5(path) == pcm


def test_a_full_disk_while_journaling_leaves_the_original(
        in_place_case: tuple[Path, Episode], monkeypatch: pytest.MonkeyPatch) -> None:
    full_disk_while_journaling(*in_place_case, monkeypatch)


def test_a_full_disk_midway_restores_the_old_bytes_at_once(
        in_place_case: tuple[Path, Episode], monkeypatch: pytest.MonkeyPatch) -> None:
    disk_full_midway(*in_place_case, monkeypatch)


@pytest.mark.parametrize("faststart_layout", [True, False])
def test_a_retag_that_adds_chapters_leaves_the_cover_art_unwritten(
        make_media: Callable[..., Path], tmp_path: Path, faststart_layout: bool) -> None:
    path = tmp_path / "replay.m4a"
    run_ffmpeg("-i", make_media("m4a"), "-c", "copy",
               *(["-movflags", "+faststart"] if faststart_layout else []), path)
    cover = bytes([0xFF, 0xD8, 0xFF, 0xE0]) + random.Random(7).randbytes(200_000)
    tags = MP4(path)
    tags["covr"] = [MP4Cover(cover, imageformat=MP4Cover.FORMAT_JPEG)]
    tags.save()
    containers.write_chapters(path, FIRST)
    pcm = decoded_md5(path)
    report = containers.write_chapters(path, SECOND)  # one chapter more: the track grows
    assert report.in_place and report.bytes_written is not None
    assert report.bytes_written < RETAG_BUDGET
    assert bytes(MP4(path).tags["covr"][0]) == cover  # type: ignore[index]
    assert [c["title"] for c in ffmpeg_chapters(path)] == [c.title for c in SECOND.chapters]
    assert decoded_md5(path) == pcm

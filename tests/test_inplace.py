"""Re-tagging in place: only the tag's bytes are written, through an undo journal.

The first write reserves room after the frames; a later tag or strip that fits in it edits
the file where it stands (same inode, audio never moved) and writes a few kilobytes whatever
the recording's size. An interruption at any byte of that edit is undone by the next command.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from mutagen.id3 import ID3

from podcast_tool import containers, inplace
from podcast_tool.cli import main
from podcast_tool.containers.id3.mp3 import MIN_PADDING, tag_size
from podcast_tool.errors import WriteError
from podcast_tool.model import Chapter, Episode
from tests.conftest import ROOT, decoded_md5, ffmpeg_chapters, file_md5, run_ffmpeg
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


def audio_bytes(path: Path) -> str:
    data = path.read_bytes()
    return hashlib.md5(data[tag_size(data[:10]):]).hexdigest()


@pytest.fixture
def tagged_mp3(audio_copy: Callable[..., Path]) -> Path:
    path = audio_copy("mp3")
    report = containers.write_chapters(path, FIRST)
    assert not report.in_place  # the first write is whole, and reserves room
    return path


def test_the_first_write_reserves_room_for_later_ones(tagged_mp3: Path) -> None:
    tag = ID3(tagged_mp3)
    assert tag_size(tagged_mp3.read_bytes()[:10]) - tag.size + MIN_PADDING >= 0
    assert tag.size >= MIN_PADDING


def test_a_retag_edits_in_place_and_writes_only_the_tag(tagged_mp3: Path) -> None:
    inode, size = tagged_mp3.stat().st_ino, tagged_mp3.stat().st_size
    audio, pcm = audio_bytes(tagged_mp3), decoded_md5(tagged_mp3)
    report = containers.write_chapters(tagged_mp3, SECOND)
    assert report.in_place and report.bytes_written is not None
    assert report.bytes_written < RETAG_BUDGET
    assert (tagged_mp3.stat().st_ino, tagged_mp3.stat().st_size) == (inode, size)
    assert audio_bytes(tagged_mp3) == audio and decoded_md5(tagged_mp3) == pcm
    assert [c["title"] for c in ffmpeg_chapters(tagged_mp3)] == [c.title for c in SECOND.chapters]
    assert [c.title for c in containers.read_chapters(tagged_mp3).chapters] == \
        [c.title for c in SECOND.chapters]
    assert not inplace.journal_path(tagged_mp3).exists()


def test_ten_retags_and_a_strip_stay_in_place(tagged_mp3: Path) -> None:
    inode, size = tagged_mp3.stat().st_ino, tagged_mp3.stat().st_size
    for round_ in range(10):
        chapters = SECOND if round_ % 2 else FIRST
        assert containers.write_chapters(tagged_mp3, chapters).in_place
    assert containers.strip_chapters(tagged_mp3) == len(SECOND.chapters)  # the last round's
    assert (tagged_mp3.stat().st_ino, tagged_mp3.stat().st_size) == (inode, size)
    assert ffmpeg_chapters(tagged_mp3) == []


def test_a_tag_that_outgrows_its_room_falls_back_to_a_whole_rewrite(tagged_mp3: Path) -> None:
    long_titles = Episode(chapters=[Chapter(i * 150, f"Chapitre {i} " + "x" * 400) for i in range(60)])
    report = containers.write_chapters(tagged_mp3, long_titles)
    assert not report.in_place
    assert len(ffmpeg_chapters(tagged_mp3)) == 60
    assert containers.write_chapters(tagged_mp3, FIRST).in_place  # and reserved room again


def test_a_long_recording_retag_writes_under_64_kb(tmp_path: Path, make_media) -> None:
    piece = tmp_path / "piece.mp3"
    run_ffmpeg("-i", make_media("mp3"), "-c", "copy", "-id3v2_version", "0", "-write_xing", "0",
               piece)
    frames = piece.read_bytes()
    big = tmp_path / "replay.mp3"
    with big.open("wb") as out:  # MPEG frames concatenated: a valid 74 MB CBR stream
        for _ in range(74_000_000 // len(frames) + 1):
            out.write(frames)
    containers.write_chapters(big, FIRST)
    report = containers.write_chapters(big, SECOND)
    assert report.in_place and report.bytes_written is not None
    assert report.bytes_written < RETAG_BUDGET
    assert big.stat().st_size > 74_000_000


@pytest.mark.parametrize("torn_at", [0.0, 0.001, 0.3, 0.5, 0.999])
def test_a_torn_in_place_write_is_undone_by_the_next_command(
        tagged_mp3: Path, monkeypatch: pytest.MonkeyPatch, torn_at: float) -> None:
    tear_then_recover(tagged_mp3, SECOND, torn_at, monkeypatch)


def test_kill_9_during_an_in_place_write_then_recovery(tagged_mp3: Path) -> None:
    before = kill_9_midway(tagged_mp3)
    result = CliRunner().invoke(main, ["tag", str(tagged_mp3), str(ROOT / "chapters" /
                                                                  "travail-pair-2020-12-18.md"),
                                       "--dry-run"])
    assert "restored the file" in result.stderr
    assert file_md5(tagged_mp3) == before


def test_a_full_disk_while_journaling_leaves_the_original(
        tagged_mp3: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    full_disk_while_journaling(tagged_mp3, SECOND, monkeypatch)


def test_a_full_disk_midway_restores_the_old_bytes_at_once(
        tagged_mp3: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    disk_full_midway(tagged_mp3, SECOND, monkeypatch)


def test_a_write_error_midway_restores_the_old_bytes_at_once(
        tagged_mp3: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = file_md5(tagged_mp3)
    calls = [0]

    def failing_pwrite(fd: int, data: bytes, offset: int) -> int:
        calls[0] += 1
        if calls[0] > 1:
            raise OSError(5, "Input/output error")
        return os.pwrite(fd, data[:3], offset)

    monkeypatch.setattr(inplace, "write_at", failing_pwrite)
    with pytest.raises(WriteError, match="the original is intact"):
        containers.write_chapters(tagged_mp3, SECOND)
    assert file_md5(tagged_mp3) == before
    assert not inplace.journal_path(tagged_mp3).exists()


def test_a_journal_that_fails_its_checksum_is_dropped_untouched(tagged_mp3: Path) -> None:
    before = file_md5(tagged_mp3)
    inplace.journal_path(tagged_mp3).write_bytes(inplace.JOURNAL_MAGIC + b"cut short")
    assert containers.read_chapters(tagged_mp3).chapters
    assert file_md5(tagged_mp3) == before
    assert not inplace.journal_path(tagged_mp3).exists()


def test_a_journal_killed_before_its_rename_is_removed_by_the_next_command(
        tagged_mp3: Path) -> None:
    before = file_md5(tagged_mp3)
    half_written = inplace.journal_temp_path(tagged_mp3)
    half_written.write_bytes(inplace.JOURNAL_MAGIC + b"killed while writing")
    result = CliRunner().invoke(main, ["show", str(tagged_mp3)])
    assert result.exit_code == 0, result.output
    assert not half_written.exists() and not inplace.journal_path(tagged_mp3).exists()
    assert file_md5(tagged_mp3) == before


def test_changed_spans_cover_every_difference() -> None:
    old = bytes(range(256)) * 40
    new = bytearray(old)
    for index in (0, 5, 300, 301, 5000, len(new) - 1):
        new[index] ^= 0xFF
    patched = bytearray(old)
    for patch in inplace.changed_spans(old, bytes(new)):
        patched[patch.offset:patch.offset + len(patch.data)] = patch.data
    assert bytes(patched) == bytes(new)
    # Near differences merge (at most a block apart); each run is trimmed to its differing bytes.
    assert sum(len(p.data) for p in inplace.changed_spans(old, bytes(new))) <= 2 * inplace.COMPARE_BLOCK

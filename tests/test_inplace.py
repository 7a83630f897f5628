"""Re-tagging in place: only the tag's bytes are written, through an undo journal.

The first write reserves room after the frames; a later tag or strip that fits in it edits
the file where it stands (same inode, audio never moved) and writes a few kilobytes whatever
the recording's size. An interruption at any byte of that edit is undone by the next command.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
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

#: What a re-tag of any recording may write, journal included.
RETAG_BUDGET = 64 * 1024


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


def patch_bytes(path: Path, chapters: Episode) -> int:
    """How many bytes the in-place write of ``chapters`` into a copy of ``path`` sends."""
    trial = path.with_name("trial" + path.suffix)
    shutil.copyfile(path, trial)
    counted = [0]
    real = inplace.write_at

    def counting(fd: int, data: bytes, offset: int) -> int:
        counted[0] += len(data)
        return real(fd, data, offset)

    inplace.write_at = counting
    try:
        containers.write_chapters(trial, chapters)
    finally:
        inplace.write_at = real
        trial.unlink()
    return counted[0]


@pytest.mark.parametrize("torn_at", [0.0, 0.001, 0.3, 0.5, 0.999])
def test_a_torn_in_place_write_is_undone_by_the_next_command(
        tagged_mp3: Path, monkeypatch: pytest.MonkeyPatch, torn_at: float) -> None:
    total = patch_bytes(tagged_mp3, SECOND)
    torn_after = int(total * torn_at)
    assert torn_after < total
    before = file_md5(tagged_mp3)

    class PowerCut(BaseException):
        pass

    budget = [torn_after]

    def tearing_pwrite(fd: int, data: bytes, offset: int) -> int:
        if budget[0] <= 0:
            raise PowerCut
        count = min(len(data), budget[0])
        budget[0] -= count
        return os.pwrite(fd, data[:count], offset)

    monkeypatch.setattr(inplace, "write_at", tearing_pwrite)
    with pytest.raises(PowerCut):
        containers.write_chapters(tagged_mp3, SECOND)
    monkeypatch.undo()
    assert inplace.journal_path(tagged_mp3).exists()
    result = CliRunner().invoke(main, ["show", str(tagged_mp3), "--json"])
    assert result.exit_code == 0, result.output
    assert "restored the file as it was before an interrupted edit" in result.stderr
    assert file_md5(tagged_mp3) == before
    assert not inplace.journal_path(tagged_mp3).exists()


KILLED_IN_PLACE = """
import os, sys, time
from pathlib import Path
from podcast_tool import containers, inplace
from podcast_tool.model import Chapter, Episode

def half_then_hang(fd, data, offset):
    done = os.pwrite(fd, data[: len(data) // 2], offset)
    os.fsync(fd)
    print("half written", flush=True)
    time.sleep(60)
    return done

inplace.write_at = half_then_hang
containers.write_chapters(Path(sys.argv[1]), Episode(chapters=[
    Chapter(0, "Un titre tout neuf"), Chapter(4000, "Et un autre, plus long que le premier")]))
"""


def test_kill_9_during_an_in_place_write_then_recovery(tagged_mp3: Path) -> None:
    before = file_md5(tagged_mp3)
    writer = subprocess.Popen([sys.executable, "-c", KILLED_IN_PLACE, str(tagged_mp3)], cwd=ROOT,
                              env={**os.environ, "PYTHONPATH": str(ROOT)}, stdout=subprocess.PIPE)
    try:
        assert writer.stdout is not None and writer.stdout.readline() == b"half written\n"
    finally:
        writer.send_signal(signal.SIGKILL)
        writer.wait()
    assert file_md5(tagged_mp3) != before  # the file really is mixed until recovery
    result = CliRunner().invoke(main, ["tag", str(tagged_mp3), str(ROOT / "chapters" /
                                                                  "travail-pair-2020-12-18.md"),
                                       "--dry-run"])
    assert "restored the file" in result.stderr
    assert file_md5(tagged_mp3) == before


def test_a_full_disk_while_journaling_leaves_the_original(
        tagged_mp3: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = file_md5(tagged_mp3)

    def no_space(fd: int, data: bytes) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(inplace, "_write_all", no_space)
    with pytest.raises(WriteError, match="no space left on the device"):
        containers.write_chapters(tagged_mp3, SECOND)
    assert file_md5(tagged_mp3) == before
    assert sorted(os.listdir(tagged_mp3.parent)) == [tagged_mp3.name]


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

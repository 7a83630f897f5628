"""Re-tagging M4A in place: only moov, the chapter mdat and the room after them change.

The whole-file write leaves a free box after the chapter data of a faststart file (a
moov-at-end file grows at its end); a later tag or strip that fits is patched where it
stands, through the undo journal, and the audio mdat never moves.
"""

from __future__ import annotations

import hashlib
import os
import signal
import struct
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from mutagen.mp4 import MP4

from podcast_tool import containers, inplace
from podcast_tool.cli import main
from podcast_tool.containers.mp4.room import MIN_HEADROOM
from podcast_tool.errors import WriteError
from podcast_tool.model import Chapter, Episode
from tests.conftest import ROOT, decoded_md5, ffmpeg_chapters, file_md5, run_ffmpeg

RETAG_BUDGET = 64 * 1024


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
    run_ffmpeg("-i", make_media("m4a"), "-c", "copy", "-movflags", "+faststart", path)
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
    assert not containers.write_chapters(path, FIRST).in_place  # the first write is whole
    assert tops(path)[-2][0] == b"moov" and tops(path)[-1][0] == b"mdat"
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


def patch_bytes(path: Path, chapters: Episode, monkeypatch: pytest.MonkeyPatch) -> int:
    """How many bytes the in-place write of ``chapters`` into a copy of ``path`` sends."""
    trial = path.with_name("trial" + path.suffix)
    trial.write_bytes(path.read_bytes())
    counted = [0]

    def counting(fd: int, data: bytes, offset: int) -> int:
        counted[0] += len(data)
        return os.pwrite(fd, data, offset)

    with monkeypatch.context() as patched:
        patched.setattr(inplace, "write_at", counting)
        assert containers.write_chapters(trial, chapters).in_place
    trial.unlink()
    return counted[0]


@pytest.mark.parametrize("torn_at", [0.0, 0.3, 0.999])
def test_a_torn_in_place_write_is_undone_by_the_next_command(
        faststart: Path, monkeypatch: pytest.MonkeyPatch, torn_at: float) -> None:
    total = patch_bytes(faststart, SECOND, monkeypatch)
    budget = [int(total * torn_at)]
    before = file_md5(faststart)

    class PowerCut(BaseException):
        pass

    def tearing_pwrite(fd: int, data: bytes, offset: int) -> int:
        if budget[0] <= 0:
            raise PowerCut
        count = min(len(data), budget[0])
        budget[0] -= count
        return os.pwrite(fd, data[:count], offset)

    monkeypatch.setattr(inplace, "write_at", tearing_pwrite)
    with pytest.raises(PowerCut):
        containers.write_chapters(faststart, SECOND)
    monkeypatch.undo()
    assert inplace.journal_path(faststart).exists()
    result = CliRunner().invoke(main, ["show", str(faststart), "--json"])
    assert result.exit_code == 0, result.output
    assert "restored the file as it was before an interrupted edit" in result.stderr
    assert file_md5(faststart) == before
    assert not inplace.journal_path(faststart).exists()


KILLED_IN_PLACE = """
import os, sys, time
from pathlib import Path
from podcast_tool import containers, inplace
from podcast_tool.model import Chapter, Episode

def half_then_hang(fd, data, offset):
    done = os.pwrite(fd, data[: max(1, len(data) // 2)], offset)
    os.fsync(fd)
    print("half written", flush=True)
    time.sleep(60)
    return done

inplace.write_at = half_then_hang
containers.write_chapters(Path(sys.argv[1]), Episode(chapters=[
    Chapter(0, "Un titre tout neuf"), Chapter(4000, "Et un autre, plus long que le premier")]))
"""


def test_kill_9_during_an_in_place_write_then_recovery(faststart: Path) -> None:
    before = file_md5(faststart)
    writer = subprocess.Popen([sys.executable, "-c", KILLED_IN_PLACE, str(faststart)], cwd=ROOT,
                              env={**os.environ, "PYTHONPATH": str(ROOT)}, stdout=subprocess.PIPE)
    try:
        assert writer.stdout is not None and writer.stdout.readline() == b"half written\n"
    finally:
        writer.send_signal(signal.SIGKILL)
        writer.wait()
    assert file_md5(faststart) != before  # the file really is mixed until recovery
    result = CliRunner().invoke(main, ["show", str(faststart)])
    assert "restored the file" in result.stderr
    assert file_md5(faststart) == before
    assert [c["title"] for c in ffmpeg_chapters(faststart)] == [c.title for c in FIRST.chapters]


def test_a_full_disk_while_journaling_leaves_the_original(
        faststart: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = file_md5(faststart)

    def no_space(fd: int, data: bytes) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(inplace, "_write_all", no_space)
    with pytest.raises(WriteError, match="no space left on the device"):
        containers.write_chapters(faststart, SECOND)
    assert file_md5(faststart) == before
    assert sorted(os.listdir(faststart.parent)) == [faststart.name]

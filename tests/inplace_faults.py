"""Faults injected into the in-place write layer, shared by every container's in-place tests.

Each helper interrupts one in-place write of ``chapters`` into ``path`` (a torn write that stops
after a share of its bytes, a kill -9 halfway, a full disk while journaling), then checks that
the file is the old one: at once, or after the next command has rolled the journal back.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from podcast_tool import containers, inplace
from podcast_tool.cli import main
from podcast_tool.errors import WriteError
from podcast_tool.model import Episode
from tests.conftest import ROOT, file_md5

#: What a re-tag of any recording may write, journal included.
RETAG_BUDGET = 64 * 1024


class PowerCut(BaseException):
    """The machine stopping mid-write: nothing after it runs, no handler cleans up."""


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
        assert containers.write_chapters(trial, chapters).in_place
    finally:
        inplace.write_at = real
        trial.unlink()
    return counted[0]


def tear_then_recover(path: Path, chapters: Episode, torn_at: float,
                      monkeypatch: pytest.MonkeyPatch) -> None:
    """Stop the in-place write after ``torn_at`` of its bytes; the next command restores it."""
    total = patch_bytes(path, chapters)
    budget = [int(total * torn_at)]
    assert budget[0] < total
    before = file_md5(path)

    def tearing_pwrite(fd: int, data: bytes, offset: int) -> int:
        if budget[0] <= 0:
            raise PowerCut
        count = min(len(data), budget[0])
        budget[0] -= count
        return os.pwrite(fd, data[:count], offset)

    with monkeypatch.context() as patched:
        patched.setattr(inplace, "write_at", tearing_pwrite)
        with pytest.raises(PowerCut):
            containers.write_chapters(path, chapters)
    assert inplace.journal_path(path).exists()
    result = CliRunner().invoke(main, ["show", str(path), "--json"])
    assert result.exit_code == 0, result.output
    assert "restored the file as it was before an interrupted edit" in result.stderr
    assert file_md5(path) == before
    assert not inplace.journal_path(path).exists()


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


def kill_9_midway(path: Path) -> str:
    """Kill a process halfway through its in-place write; return the file's md5 from before.

    The file really is mixed afterwards: the caller runs the next command and checks it."""
    before = file_md5(path)
    writer = subprocess.Popen([sys.executable, "-c", KILLED_IN_PLACE, str(path)], cwd=ROOT,
                              env={**os.environ, "PYTHONPATH": str(ROOT)}, stdout=subprocess.PIPE)
    try:
        assert writer.stdout is not None and writer.stdout.readline() == b"half written\n"
    finally:
        writer.send_signal(signal.SIGKILL)
        writer.wait()
    assert file_md5(path) != before
    assert inplace.journal_path(path).exists()
    return before


def full_disk_while_journaling(path: Path, chapters: Episode,
                               monkeypatch: pytest.MonkeyPatch) -> None:
    """The journal cannot be written: the write fails, the file and its folder are untouched."""
    before = file_md5(path)
    listing = sorted(os.listdir(path.parent))

    def no_space(fd: int, data: bytes) -> None:
        raise OSError(28, "No space left on device")

    with monkeypatch.context() as patched:
        patched.setattr(inplace, "_write_all", no_space)
        with pytest.raises(WriteError, match="no space left on the device"):
            containers.write_chapters(path, chapters)
    assert file_md5(path) == before
    assert sorted(os.listdir(path.parent)) == listing


def disk_full_midway(path: Path, chapters: Episode, monkeypatch: pytest.MonkeyPatch) -> None:
    """The disk fills after the journal and a first few bytes: the old bytes are put back at
    once, the journal removed, and the user told the original is intact."""
    before = file_md5(path)
    calls = [0]

    def filling_pwrite(fd: int, data: bytes, offset: int) -> int:
        calls[0] += 1
        if calls[0] > 1:
            raise OSError(28, "No space left on device")
        return os.pwrite(fd, data[:3], offset)

    with monkeypatch.context() as patched:
        patched.setattr(inplace, "write_at", filling_pwrite)
        with pytest.raises(WriteError, match="the original is intact"):
            containers.write_chapters(path, chapters)
    assert file_md5(path) == before
    assert not inplace.journal_path(path).exists()

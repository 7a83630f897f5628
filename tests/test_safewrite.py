"""A write interrupted at any point leaves the original or the complete new file, never a mix.

Failures are injected into the real write path (the temporary file's writes
and the kernel copy), a writer process is killed with SIGKILL mid-write, and
read-only files and folders are refused. Tests run as root in CI, where
permission bits are not enforced: read-only is then made with ``chattr +i``,
and every such test first checks that ``os.access`` really reports it.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import os
import random
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from podcast_tool import containers, safewrite
from podcast_tool.cli import main
from podcast_tool.containers import audiofile, recovery
from podcast_tool.errors import LockedError, WriteError
from podcast_tool.model import Chapter, Episode
from podcast_tool.safewrite import copy_range, file_lock, rewrite
from tests.conftest import ROOT, decoded_md5, ffmpeg_chapters, file_md5

WRITE_PATHS = ("mp3", "ogg", "flac", "wav")  # ID3 assembly, mutagen on a copy (twice), RIFF rebuild


def episode(count: int = 4, prefix: str = "Chapitre") -> Episode:
    return Episode(chapters=[Chapter(index * 1000, f"{prefix} {index}") for index in range(count)])


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if safewrite.TEMP_MARK in p.name)


# --- failures injected after N bytes -------------------------------------------------------

class Budget:
    """Bytes the write path may still write before the injected failure."""

    def __init__(self, limit: int, code: int) -> None:
        self.left, self.code, self.fired = limit, code, False

    def take(self, wanted: int) -> int:
        allowed = min(wanted, self.left)
        self.left -= allowed
        return allowed

    def fail(self) -> None:
        self.fired = True
        raise OSError(self.code, os.strerror(self.code))


class FailingFile:
    """The temporary file, failing once its budget is spent (after a partial write)."""

    def __init__(self, inner: Any, budget: Budget) -> None:
        self._inner, self._budget = inner, budget

    def write(self, data: Any) -> int:
        data = bytes(data)
        allowed = self._budget.take(len(data))
        if allowed < len(data):
            self._inner.write(data[:allowed])
            self._budget.fail()
        return self._inner.write(data)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    def __enter__(self) -> FailingFile:
        return self

    def __exit__(self, *exc: Any) -> Any:
        return self._inner.__exit__(*exc)


@contextlib.contextmanager
def failing_writes(monkeypatch: pytest.MonkeyPatch, limit: int, code: int = errno.EIO) -> Iterator[Budget]:
    """Make podcast-tool's temporary-file writes and kernel copies fail after ``limit`` bytes."""
    budget = Budget(limit, code)
    real_fdopen, real_copy = os.fdopen, os.copy_file_range

    def fdopen(fd: int, *args: Any, **kwargs: Any) -> Any:
        handle = real_fdopen(fd, *args, **kwargs)
        if safewrite.TEMP_MARK in os.readlink(f"/proc/self/fd/{fd}"):
            return FailingFile(handle, budget)
        return handle

    def copy_file_range(src: int, dst: int, count: int, *offsets: Any) -> int:
        allowed = budget.take(count)
        if not allowed:
            budget.fail()
        return real_copy(src, dst, allowed, *offsets)

    with monkeypatch.context() as patch:
        patch.setattr(os, "fdopen", fdopen)
        patch.setattr(os, "copy_file_range", copy_file_range)
        yield budget


@pytest.mark.parametrize("ext", WRITE_PATHS)
@pytest.mark.parametrize("where", ["start", "first byte", "half", "last copied byte", "after the copy"])
def test_io_error_after_n_bytes_leaves_the_original(audio_copy, monkeypatch, ext, where):
    path = audio_copy(ext)
    containers.write_chapters(path, episode(3, "Ancien"))
    before = file_md5(path)
    size = path.stat().st_size
    limit = {"start": 0, "first byte": 1, "half": size // 2, "last copied byte": size - 1,
             "after the copy": size + 16}[where]

    # Titles too long for the room the first write reserved: a whole-file rewrite, the path
    # this test breaks (tests/test_inplace.py breaks the in-place one).
    with failing_writes(monkeypatch, limit) as budget, pytest.raises(WriteError) as caught:
        containers.write_chapters(path, episode(6, "Nouveau " + "x" * 3000))

    assert budget.fired
    assert caught.value.message.endswith("the original is intact")
    assert caught.value.path == str(path)
    assert file_md5(path) == before
    assert leftovers(path.parent) == []
    assert [c.title for c in containers.read_chapters(path).chapters] == ["Ancien 0", "Ancien 1", "Ancien 2"]


@pytest.mark.parametrize("ext", WRITE_PATHS)
def test_disk_full_is_reported_and_the_original_kept(audio_copy, monkeypatch, ext):
    path = audio_copy(ext)
    before = file_md5(path)
    with failing_writes(monkeypatch, path.stat().st_size // 3, errno.ENOSPC) as budget:
        result = CliRunner().invoke(main, ["strip", str(path)])
        with pytest.raises(WriteError, match="no space left on the device"):
            containers.write_chapters(path, episode())
    assert budget.fired
    assert result.exit_code == 0  # nothing to strip: nothing was written, so nothing failed
    assert file_md5(path) == before
    assert leftovers(path.parent) == []


def test_disk_full_through_the_cli_exits_1_with_the_message(audio_copy, monkeypatch):
    path = audio_copy("flac")
    containers.write_chapters(path, episode())
    before = file_md5(path)
    with failing_writes(monkeypatch, 1000, errno.ENOSPC):
        result = CliRunner().invoke(main, ["strip", str(path)])
    assert result.exit_code == 1
    assert result.stderr == (f"{path}: error: no space left on the device while writing "
                             f"{path.name}; the original is intact\n")
    assert file_md5(path) == before


def test_any_exception_inside_rewrite_removes_the_temp_and_keeps_the_original(tmp_path):
    path = tmp_path / "f.bin"
    path.write_bytes(b"original")
    with pytest.raises(ZeroDivisionError), rewrite(path) as out:
        out.write(b"half a new fi")
        assert len(leftovers(tmp_path)) == 1
        _ = 1 / 0
    assert path.read_bytes() == b"original"
    assert leftovers(tmp_path) == []


def test_a_file_changed_by_another_program_meanwhile_is_not_replaced(tmp_path):
    path = tmp_path / "f.bin"
    path.write_bytes(b"original")
    with pytest.raises(WriteError, match="changed while it was being tagged"), rewrite(path) as out:
        out.write(b"new")
        with path.open("ab") as other:
            other.write(b" + an editor's change")
    assert path.read_bytes() == b"original + an editor's change"
    assert leftovers(tmp_path) == []


def test_copy_range_refuses_a_short_source(tmp_path):
    source = tmp_path / "short.bin"
    source.write_bytes(b"0123456789")
    path = tmp_path / "target.bin"
    path.write_bytes(b"original")
    with source.open("rb") as handle, pytest.raises(WriteError, match="ended 5 bytes early"), \
            rewrite(path) as out:
        copy_range(handle, out, 5, 10)
    assert path.read_bytes() == b"original"
    with source.open("rb") as handle, rewrite(path) as out:
        assert copy_range(handle, out, 2, 3) == 3
        assert copy_range(handle, out, 7) == 3
    assert path.read_bytes() == b"234789"


def test_mode_kept_and_symlink_written_through(audio_copy, tmp_path):
    path = audio_copy("ogg")
    path.chmod(0o640)
    link = tmp_path / "link.ogg"
    link.symlink_to(path)
    containers.write_chapters(link, episode())
    assert link.is_symlink() and link.resolve() == path
    assert path.stat().st_mode & 0o777 == 0o640
    assert len(ffmpeg_chapters(path)) == 4


def test_a_name_near_the_length_limit_can_still_be_tagged(audio_copy, tmp_path):
    name = "Réplique " + "é" * 115 + ".flac"  # 245 bytes: too long for a naive temp name
    assert len(name.encode()) == 245
    path = audio_copy("flac", name=name)
    neighbour = safewrite.temp_name_for(tmp_path / ("Réplique " + "é" * 115 + "-bis.flac"))
    neighbour.write_bytes(b"leftover of another file with the same long beginning")
    stale = safewrite.temp_name_for(path)
    assert len(stale.name.encode()) <= 255
    stale.write_bytes(b"interrupted run")

    containers.write_chapters(path, episode())

    assert len(ffmpeg_chapters(path)) == 4
    # Our own leftover is cleaned; the other file's is not.
    assert leftovers(tmp_path) == [neighbour.name]


# --- read-only files and folders -----------------------------------------------------------

@contextlib.contextmanager
def read_only(path: Path) -> Iterator[None]:
    """Make ``path`` read-only for real, also for root (``chattr +i``); undo afterwards."""
    mode = path.stat().st_mode
    path.chmod(mode & ~0o222)
    immutable = False
    try:
        if os.access(path, os.W_OK):  # root ignores permission bits
            subprocess.run(["chattr", "+i", str(path)], check=True, capture_output=True)
            immutable = True
        assert not os.access(path, os.W_OK), f"could not make {path} read-only"
        yield
    finally:
        if immutable:
            subprocess.run(["chattr", "-i", str(path)], check=True, capture_output=True)
        path.chmod(mode)


@pytest.mark.parametrize("ext", ("mp3", "opus", "wav"))
def test_read_only_file_is_refused_clearly(audio_copy, ext):
    path = audio_copy(ext)
    before = file_md5(path)
    with read_only(path):
        with pytest.raises(WriteError, match="the file is read-only; nothing was written"):
            containers.write_chapters(path, episode())
        assert file_md5(path) == before
    containers.write_chapters(path, episode())  # writable again: the same call works
    assert len(ffmpeg_chapters(path)) == 4


def test_read_only_folder_is_refused_clearly(audio_copy, tmp_path):
    path = audio_copy("flac")
    containers.write_chapters(path, episode())
    before = file_md5(path)
    with read_only(tmp_path):
        assert os.access(path, os.W_OK)  # the file itself is writable: only its folder is not
        result = CliRunner().invoke(main, ["strip", str(path)])
        assert result.exit_code == 1
        assert "its folder is read-only, so the file cannot be replaced safely" in result.stderr
        assert result.stderr.startswith(f"{path}: error:")
        assert file_md5(path) == before
        assert leftovers(tmp_path) == []


# --- kill -9 and concurrent writers ---------------------------------------------------------

#: A writer process. The kernel copy is slowed (small chunks, short sleeps) so that a
#: kill lands in the middle of the write rather than before or after it.
WRITER = r"""
import os, sys, time
from pathlib import Path
from podcast_tool import containers
from podcast_tool.model import Chapter, Episode
from podcast_tool.safewrite import file_lock

real_copy = os.copy_file_range
def slow_copy(src, dst, count, *offsets):
    time.sleep(0.003)
    return real_copy(src, dst, min(count, 32 * 1024), *offsets)
os.copy_file_range = slow_copy

mode, path, count, prefix = sys.argv[1], Path(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
if mode == "hold":
    with file_lock(path):
        print("locked", flush=True)
        sys.stdin.read()
    sys.exit(0)
episode = Episode(chapters=[Chapter(i * 1000, f"{prefix} {i}") for i in range(count)])
for kind in containers.CONTAINERS:  # import the containers' parsers (and mutagen) before "ready"
    kind.open(path)  # reads nothing yet
print("ready", flush=True)
if mode == "go":
    sys.stdin.readline()
containers.write_chapters(path, episode)
print("done", flush=True)
"""


def start_writer(mode: str, path: Path, count: int = 6, prefix: str = "Nouveau") -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen([sys.executable, "-c", WRITER, mode, str(path), str(count), prefix],
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env, text=True)
    assert process.stdout is not None
    expected = "locked" if mode == "hold" else "ready"
    assert process.stdout.readline().strip() == expected
    return process


@pytest.mark.parametrize(("ext", "seconds"), [("flac", 12), ("mp3", 60)])  # about 1 MB and 360 KB
def test_kill_9_mid_write_leaves_original_or_complete_file(make_media, tmp_path, ext, seconds):
    original = make_media(ext, seconds=seconds)
    reference = tmp_path / f"reference.{ext}"
    shutil.copyfile(original, reference)
    containers.write_chapters(reference, episode(6, "Nouveau"))
    outcomes = {file_md5(original): "original", file_md5(reference): "complete"}
    assert len(outcomes) == 2

    path = tmp_path / f"episode.{ext}"
    rng = random.Random(f"kill-9-{ext}")
    for _ in range(5):  # killed after a random short delay: before, during or after the write
        shutil.copyfile(original, path)
        temps_before = set(leftovers(tmp_path))
        writer = start_writer("run", path)
        time.sleep(rng.uniform(0.0, 0.15))
        writer.kill()
        writer.communicate()
        assert writer.returncode in (-9, 0)
        outcome = outcomes[file_md5(path)]  # KeyError: a mix of both
        if set(leftovers(tmp_path)) - temps_before:  # killed mid-write
            assert outcome == "original"

    # Killed for sure mid-write: as soon as its temporary file exists, plus a random moment.
    shutil.copyfile(original, path)
    temps_before = set(leftovers(tmp_path))
    writer = start_writer("run", path)
    deadline = time.monotonic() + 10
    while not set(leftovers(tmp_path)) - temps_before and time.monotonic() < deadline:
        time.sleep(0.001)
    time.sleep(rng.uniform(0.0, 0.01))
    writer.kill()
    writer.communicate()
    assert writer.returncode == -9
    assert file_md5(path) == file_md5(original)
    assert set(leftovers(tmp_path)) - temps_before

    # The next run cleans the leftovers and writes the complete file.
    containers.write_chapters(path, episode(6, "Nouveau"))
    assert leftovers(tmp_path) == []
    assert file_md5(path) == file_md5(reference)
    assert decoded_md5(path) == decoded_md5(original)


def test_a_locked_file_is_refused_with_a_clear_message(audio_copy, monkeypatch):
    path = audio_copy("ogg")
    before = file_md5(path)
    holder = start_writer("hold", path)
    try:
        with pytest.raises(LockedError, match="another podcast-tool process is writing this file"), \
                file_lock(path, wait_seconds=0.2):
            pass
        impatient = functools.partial(file_lock, wait_seconds=0.2)
        monkeypatch.setattr(audiofile, "file_lock", impatient)
        monkeypatch.setattr(recovery, "file_lock", impatient)
        result = CliRunner().invoke(main, ["strip", str(path)])
        assert result.exit_code == 1
        assert result.stderr == (f"{path}: error: another podcast-tool process is writing this file; "
                                 "try again later\n")
        assert file_md5(path) == before
    finally:
        holder.communicate("")
    assert holder.returncode == 0
    with file_lock(path, wait_seconds=0.2):  # released with the holder
        pass


def test_two_processes_tagging_at_once_never_corrupt_the_file(audio_copy, tmp_path):
    path = audio_copy("flac", seconds=60)
    original = path.read_bytes()
    # What each order of the two writes gives, computed one after the other.
    expected = set()
    for first, second in (("Alpha", "Beta"), ("Beta", "Alpha")):
        scratch = tmp_path / f"order-{first}.flac"
        scratch.write_bytes(original)
        containers.write_chapters(scratch, episode(5 if first == "Alpha" else 7, first))
        containers.write_chapters(scratch, episode(5 if second == "Alpha" else 7, second))
        expected.add(file_md5(scratch))

    writers = [start_writer("go", path, 5, "Alpha"), start_writer("go", path, 7, "Beta")]
    for writer in writers:
        assert writer.stdin is not None
        writer.stdin.write("go\n")
        writer.stdin.flush()
    results = [writer.communicate() for writer in writers]

    assert [writer.returncode for writer in writers] == [0, 0], results  # the second one waited
    assert file_md5(path) in expected
    titles = [c["title"] for c in ffmpeg_chapters(path)]
    assert titles in ([f"Alpha {i}" for i in range(5)], [f"Beta {i}" for i in range(7)])
    assert leftovers(tmp_path) == []

"""Faults during ``podcast-tool tag``, through the real command line: the recording survives.

- kill -9 at seeded random moments of ``python -m podcast_tool tag`` on MP3, M4A and FLAC:
  the file is always byte for byte the original or the complete result; a temporary file
  an interrupted run leaves is ignored by ``show`` and removed by the next ``tag``;
- a real full disk (a small tmpfs mounted in a private mount namespace): a clear message,
  the original intact, no temporary file left;
- a read-only file, a read-only folder, a read-only file system: refused clearly, intact;
- two ``tag`` processes on one file: the second waits for the first (the result is one
  complete write or the other), and one that cannot get the lock in time says so.

The kill runs slow the kernel copy (small chunks, short sleeps) before running the
``podcast_tool`` module as ``__main__``, so that a kill lands inside the write as often
as outside it; nothing else in the program changes.
"""

from __future__ import annotations

import hashlib
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from podcast_tool import inplace, safewrite
from tests.conftest import run_ffmpeg
from tests.reliability.harness import ROOT, run_cli
from tests.test_safewrite import read_only

#: m4a (moov after the audio) takes its first tag in place, through the undo journal;
#: m4a-faststart (moov first, no room) and the others through a temporary file.
CONTAINERS = ("mp3", "m4a", "m4a-faststart", "flac")
#: Kills at a random moment of the whole run, and kills at a random moment of the write itself.
RANDOM_KILLS = 6
WRITE_KILLS = 4

OUTLINE_A = "Webinaire test\n\n- 0'00 Accueil\n- 0'04 Premier débat\n- 0'09 Questions\n"
OUTLINE_B = "- 0'00 Ouverture\n- 0'02 Table ronde\n- 0'05 Échanges\n- 0'08 Clôture\n"
#: Seconds of each recording: about 360 KB of MP3, 400 KB of M4A, 1 MB of FLAC. (A FLAC made
#: longer by looping keeps the piece's length in its header, so FLAC stays a real 12 s.)
SECONDS = {"mp3": 60, "m4a": 60, "m4a-faststart": 60, "flac": 12}

#: The real CLI, with the kernel copy and the in-place writes slowed so a kill can land mid-write.
SLOW_CLI = r"""
import os, runpy, sys, time
from podcast_tool import inplace
real_copy = os.copy_file_range
def slow_copy(src, dst, count, *offsets):
    time.sleep(0.004)
    return real_copy(src, dst, min(count, 16 * 1024), *offsets)
os.copy_file_range = slow_copy
def slow_pwrite(fd, data, offset):
    time.sleep(0.004)
    return os.pwrite(fd, data[:256], offset)
inplace.write_at = slow_pwrite
sys.argv = ["podcast-tool", *sys.argv[1:]]
runpy.run_module("podcast_tool", run_name="__main__", alter_sys=True)
"""

#: The real CLI, waiting at most half a second for another process's lock (10 s by default).
IMPATIENT_CLI = r"""
import runpy, sys
from podcast_tool import safewrite
from podcast_tool.containers import audiofile, recovery
def impatient_lock(path, wait_seconds=10.0, on_wait=None):
    return safewrite.file_lock(path, wait_seconds=min(wait_seconds, 0.5), on_wait=on_wait)
audiofile.file_lock = recovery.file_lock = impatient_lock
sys.argv = ["podcast-tool", *sys.argv[1:]]
runpy.run_module("podcast_tool", run_name="__main__", alter_sys=True)
"""

#: Holds the lock of a file until its standard input closes.
LOCK_HOLDER = r"""
import sys
from podcast_tool.safewrite import file_lock
with file_lock(sys.argv[1]):
    print("locked", flush=True)
    sys.stdin.read()
"""


def md5(path: Path) -> str:
    return hashlib.md5(path.read_bytes()).hexdigest()


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if safewrite.TEMP_MARK in p.name)


def journals(folder: Path) -> list[str]:
    """Undo journals (whole, or still being written) an interrupted in-place edit left."""
    return sorted(p.name for p in folder.iterdir() if inplace.JOURNAL_SUFFIX in p.name)


def env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT)}


def start(code: str, *args: str | Path, stdin: int | None = subprocess.DEVNULL) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", code, *map(str, args)], stdin=stdin,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env(), text=True)


def outline(folder: Path, text: str, name: str = "plan.md") -> Path:
    path = folder / name
    path.write_text(text, "utf-8")
    return path


@pytest.fixture
def recording(make_media: Callable[..., Path], tmp_path: Path) -> Callable[[str], tuple[Path, Path]]:
    """``recording(ext)``: (an original, never written; a copy to tag in ``tmp_path``)."""
    def make(ext: str) -> tuple[Path, Path]:
        original = make_media(ext.split("-")[0], seconds=SECONDS[ext])
        if ext == "m4a-faststart":
            moved = tmp_path / "original-faststart.m4a"
            run_ffmpeg("-i", original, "-c", "copy", "-movflags", "+faststart", moved)
            original, ext = moved, "m4a"
        path = tmp_path / f"episode.{ext}"
        shutil.copyfile(original, path)
        return original, path
    return make


def wait_for_temp(folder: Path, before: set[str], process: subprocess.Popen, limit: float = 10) -> bool:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline and process.poll() is None:
        if set(leftovers(folder)) - before or journals(folder):
            return True
        time.sleep(0.0005)
    return False


@pytest.mark.parametrize("ext", CONTAINERS)
def test_kill_9_during_tag_leaves_the_original_or_the_complete_file(recording, tmp_path, ext):
    original, path = recording(ext)
    plan = outline(tmp_path, OUTLINE_A)
    complete_copy = tmp_path / f"complete{path.suffix}"
    shutil.copyfile(original, complete_copy)
    done = run_cli(["tag", str(complete_copy), str(plan)])
    assert done.returncode == 0, done.describe()
    outcomes = {md5(original): "original", md5(complete_copy): "complete"}
    assert len(outcomes) == 2
    complete_copy.unlink()

    # An uninterrupted slowed run gives the same file, and tells how long a run lasts.
    began = time.monotonic()
    slow = start(SLOW_CLI, "tag", path, plan)
    assert slow.wait(timeout=60) == 0, slow.communicate()
    run_seconds = time.monotonic() - began
    assert outcomes[md5(path)] == "complete"

    rng = random.Random(f"kill-9-tag-{ext}")
    seen = {"original": 0, "complete": 0, "mid-write": 0}
    in_place = 0
    for attempt in range(RANDOM_KILLS + WRITE_KILLS):
        shutil.copyfile(original, path)
        before = set(leftovers(tmp_path))
        writer = start(SLOW_CLI, "tag", path, plan)
        if attempt < RANDOM_KILLS:  # anywhere in the run: start-up, parsing, writing, renaming
            time.sleep(rng.uniform(0, run_seconds * 1.1))
        else:  # once the temporary file exists, a random moment into the write
            assert wait_for_temp(tmp_path, before, writer), "the write never started"
            time.sleep(rng.uniform(0, 0.05))
        writer.send_signal(signal.SIGKILL)
        writer.communicate()
        if journals(tmp_path):  # killed inside an in-place edit: the next command undoes it
            seen["mid-write"] += 1
            in_place += 1
            shown = run_cli(["show", str(path)])
            assert shown.returncode == 0, shown.describe()
            assert journals(tmp_path) == [] and outcomes.get(md5(path)) == "original", attempt
            continue
        outcome = outcomes.get(md5(path), "a mix")
        assert outcome in ("original", "complete"), f"kill {attempt}: the file is {outcome}"
        seen[outcome] += 1
        if set(leftovers(tmp_path)) - before:
            seen["mid-write"] += 1
            assert outcome == "original"
    assert seen["mid-write"] >= WRITE_KILLS, seen
    if in_place == seen["mid-write"]:  # an in-place edit leaves nothing for show to ignore
        assert leftovers(tmp_path) == []
        return

    # The leftovers of the killed runs: show ignores them, the next tag removes them.
    shutil.copyfile(original, path)
    assert leftovers(tmp_path)
    shown = run_cli(["show", str(path)])
    assert shown.returncode == 0 and "no chapters" in shown.stdout, shown.describe()
    again = run_cli(["tag", str(path), str(plan)])
    assert again.returncode == 0, again.describe()
    assert leftovers(tmp_path) == []
    assert outcomes[md5(path)] == "complete"


# --- a full disk, for real --------------------------------------------------------------

def in_small_tmpfs(script: str, size: int) -> subprocess.CompletedProcess[str]:
    """Run ``script`` (sh) with ``$MNT`` a fresh tmpfs of ``size`` bytes in a private mount namespace.

    The mount disappears with the namespace when the script ends: nothing to clean up.
    """
    wrapped = f'MNT=$(mktemp -d) && mount -t tmpfs -o size={size} tmpfs "$MNT" && cd "$MNT" && {script}'
    return subprocess.run(["unshare", "--mount", "sh", "-c", wrapped], capture_output=True,
                          text=True, env={**env(), "PYTHON": sys.executable}, timeout=60)


@pytest.mark.parametrize("ext", CONTAINERS)
def test_disk_full_during_tag_says_so_and_keeps_the_original(recording, tmp_path, ext):
    original, path = recording(ext)
    name = path.name
    plan = outline(tmp_path, OUTLINE_A)
    size = original.stat().st_size
    # Room for the recording and a third of a copy: the temporary file fills the disk. An
    # in-place edit needs room only for its undo journal: none is left beside the recording.
    spare = 0 if ext == "m4a" else size // 3
    result = in_small_tmpfs(
        f'cp "{original}" {name} && md5sum {name} '
        f'&& "$PYTHON" -m podcast_tool tag {name} "{plan}"; echo "exit=$?"; '
        f'md5sum {name}; ls -A; df -B1 --output=avail . | tail -1', size + spare)
    lines = result.stdout.splitlines()
    assert lines[0].split()[0] == md5(original), result
    assert "exit=1" in lines, result
    assert lines[lines.index("exit=1") + 1].split()[0] == md5(original)
    assert lines[-2] == name  # ls: no temporary file or journal left
    assert int(lines[-1]) >= spare - 8192  # and the space it took is free again
    assert (f"{name}: error: no space left on the device while writing {name}; "
            "the original is intact") in result.stderr
    assert "Traceback" not in result.stderr


# --- read-only file, folder, file system ---------------------------------------------------

@pytest.mark.parametrize("what", ["file", "folder"])
def test_read_only_file_or_folder_is_refused_clearly(recording, tmp_path, what):
    _, path = recording("m4a")
    plan_folder = tmp_path / "plans"
    plan_folder.mkdir()
    plan = outline(plan_folder, OUTLINE_A)
    before = md5(path)
    with read_only(path if what == "file" else tmp_path):
        result = run_cli(["tag", str(path), str(plan)])
        assert md5(path) == before
        assert leftovers(tmp_path) == []
    assert result.returncode == 1, result.describe()
    message = ("the file is read-only; nothing was written" if what == "file" else
               "its folder is read-only, so the file cannot be replaced safely; nothing was written")
    assert f"{path}: error: {message}" in result.stderr
    assert "Traceback" not in result.stderr


def test_read_only_file_system_is_refused_clearly(recording, tmp_path):
    original, _ = recording("flac")
    plan = outline(tmp_path, OUTLINE_A)
    size = original.stat().st_size
    result = in_small_tmpfs(
        f'cp "{original}" episode.flac && mount -o remount,ro "$MNT" '
        f'&& "$PYTHON" -m podcast_tool tag episode.flac "{plan}"; echo "exit=$?"; md5sum episode.flac',
        size * 3)
    assert "exit=1" in result.stdout, result
    assert result.stdout.split()[-2] == md5(original)
    assert "episode.flac: error: the file is read-only; nothing was written" in result.stderr


# --- two writers at once ------------------------------------------------------------------

def test_two_tag_processes_at_once_never_corrupt_the_file(recording, tmp_path):
    original, path = recording("flac")
    plans = [outline(tmp_path, OUTLINE_A, "a.md"), outline(tmp_path, OUTLINE_B, "b.md")]
    expected = set()
    for order in (plans, plans[::-1]):
        scratch = tmp_path / "scratch.flac"
        shutil.copyfile(original, scratch)
        for plan in order:
            assert run_cli(["tag", str(scratch), str(plan)]).returncode == 0
        expected.add(md5(scratch))
    scratch.unlink()
    assert len(expected) == 2

    writers = [start(SLOW_CLI, "tag", path, plan) for plan in plans]
    results = [writer.communicate(timeout=60) for writer in writers]
    assert [writer.returncode for writer in writers] == [0, 0], results  # one waited for the other
    assert md5(path) in expected
    assert leftovers(tmp_path) == []


def test_a_tag_that_cannot_get_the_lock_says_so_and_writes_nothing(recording, tmp_path):
    _, path = recording("mp3")
    plan = outline(tmp_path, OUTLINE_A)
    before = md5(path)
    holder = start(LOCK_HOLDER, path, stdin=subprocess.PIPE)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        waiter = start(IMPATIENT_CLI, "tag", path, plan)
        _, stderr = waiter.communicate(timeout=30)
        assert waiter.returncode == 1
        assert stderr == (f"{path}: another podcast-tool process is writing this file; waiting "
                          "for it to finish…\n"
                          f"{path}: error: another podcast-tool process is writing this file; "
                          "try again later\n")
        assert md5(path) == before
        # With the default patience, a tag started while the lock is held waits, then writes.
        patient = start(SLOW_CLI, "tag", path, plan)
        # It says it waits once it reaches the lock, however long the machine takes to get it there.
        assert patient.stderr is not None
        first_line = patient.stderr.readline()
        assert "waiting for it to finish" in first_line
        assert patient.poll() is None
    finally:
        holder.communicate("")
    _, stderr = patient.communicate(timeout=30)
    assert patient.returncode == 0, first_line + stderr
    assert md5(path) != before

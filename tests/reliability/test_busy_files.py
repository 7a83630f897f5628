"""A recording still being written (a recorder, a copy, a sync client) is refused, never cut.

Replacing a file by rename while another program appends to it would send every byte written
after the rename to the old, unlinked inode: lost. So ``safewrite.rewrite`` refuses a file
that another process holds open for writing (a read lease cannot be had on it), one that
changed between the start of the work and the moment just before the rename, and one whose
old inode changed right after the rename (the original is then put back, with what was
appended to it). ``batch`` lists such a recording as "busy".
"""

from __future__ import annotations

import errno
import fcntl
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from podcast_tool import busy, containers, safewrite
from podcast_tool.errors import BusyError
from podcast_tool.model import Chapter, Episode
from tests.reliability.harness import run_cli
from tests.reliability.test_faults import SLOW_CLI, env, leftovers

BUSY = "the file is still being written; try again when the recording has finished"
OUTLINE = "- 0'00 Accueil\n- 0'04 Débat\n- 0'08 Questions\n"
CHUNK = 4096

#: Appends numbered chunks to a file every 10 ms, at least COUNT of them and until its standard
#: input closes: holding the file open (a recorder), or reopening it for each chunk (a sync
#: client writing by pieces). Says "started" after the first chunk, and at the end how many.
APPENDER = r"""
import os, select, sys, time
path, mode, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
def chunk(i):
    return (b"%08d" % i) * 512
held = open(path, "ab", buffering=0) if mode == "held" else None
i = 0
while True:
    if held is None:
        with open(path, "ab", buffering=0) as out:
            out.write(chunk(i))
    else:
        held.write(chunk(i))
    i += 1
    if i == 1:
        print("started", flush=True)
    if i >= count and select.select([sys.stdin], [], [], 0)[0]:
        break
    time.sleep(0.01)
if held is not None:
    held.close()
print(i, flush=True)
"""


def appended(count: int) -> bytes:
    return b"".join((b"%08d" % i) * 512 for i in range(count))


class Appender:
    def __init__(self, path: Path, mode: str, count: int) -> None:
        self.process = subprocess.Popen([sys.executable, "-c", APPENDER, str(path), mode,
                                         str(count)], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, text=True, env=env())
        assert self.process.stdout is not None
        assert self.process.stdout.readline().strip() == "started"

    def stop(self) -> bytes:
        """Stop appending; everything it appended."""
        out, _ = self.process.communicate("", timeout=30)
        return appended(int(out.split()[-1]))


def tag_slowly(audio: Path, plan: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", SLOW_CLI, "tag", str(audio), str(plan)],
                          capture_output=True, text=True, env=env(), timeout=60)


def plan_in(folder: Path) -> Path:
    path = folder / "plan.md"
    path.write_text(OUTLINE, "utf-8")
    return path


@pytest.mark.parametrize("ext", ["mp3", "m4a", "flac"])
def test_a_file_held_open_for_writing_is_refused_and_nothing_appended_is_lost(audio_copy, tmp_path,
                                                                             ext):
    audio = audio_copy(ext)
    original = audio.read_bytes()
    plan = plan_in(tmp_path)
    writer = Appender(audio, "held", 50)
    result = tag_slowly(audio, plan)
    written = writer.stop()
    assert result.returncode == 1, result
    assert f"{audio}: error: {BUSY}" in result.stderr
    assert audio.read_bytes() == original + written  # every byte where it belongs
    assert leftovers(tmp_path) == []


def test_a_file_appended_by_pieces_keeps_every_byte(audio_copy, tmp_path):
    """A writer that reopens the file for each piece holds no descriptor a lease would see."""
    audio = audio_copy("mp3")
    original = audio.read_bytes()
    plan = plan_in(tmp_path)
    outcomes = set()
    for _ in range(2):
        audio.write_bytes(original)
        writer = Appender(audio, "pieces", 50)
        result = tag_slowly(audio, plan)
        written = writer.stop()
        data = audio.read_bytes()
        assert data.endswith(written), result  # nothing appended went to a dead inode
        if result.returncode == 0:
            outcomes.add("tagged")
            assert len(containers.read_chapters(audio).chapters) == 3
        else:
            outcomes.add("busy")
            assert f"{audio}: error: {BUSY}" in result.stderr, result
            assert data == original + written
    assert "busy" in outcomes  # it writes every 10 ms all along the tag: it cannot miss them all
    assert leftovers(tmp_path) == []


def test_writes_to_the_old_inode_after_the_rename_put_the_original_back(audio_copy, monkeypatch):
    """The last window: a writer's bytes landing in the old inode just after the rename."""
    audio = audio_copy("flac")
    original = audio.read_bytes()
    late = b"written just after the rename"
    real_replace = os.replace

    def replace_then_append(source: str, destination: str) -> None:
        with open(audio, "rb+") as writer:  # opened on the old inode, as a recorder holds it
            real_replace(source, destination)
            writer.seek(0, os.SEEK_END)
            writer.write(late)

    monkeypatch.setattr(safewrite.os, "replace", replace_then_append)
    with pytest.raises(BusyError, match=BUSY):
        containers.write_chapters(audio, Episode(chapters=[Chapter(0, "Accueil")]))
    assert audio.read_bytes() == original + late
    assert leftovers(audio.parent) == []


def test_without_leases_a_file_modified_a_moment_ago_is_watched_for_a_settle_time(audio_copy,
                                                                               monkeypatch):
    audio = audio_copy("mp3")
    real_fcntl = fcntl.fcntl

    def no_leases(fd: int, command: int, *args: int) -> object:
        if command == busy.F_SETLEASE:
            raise OSError(errno.EINVAL, "leases not supported here")
        return real_fcntl(fd, command, *args)

    monkeypatch.setattr(busy.fcntl, "fcntl", no_leases)
    writer = Appender(audio, "held", 1)
    began = time.monotonic()
    with pytest.raises(BusyError, match=BUSY):
        containers.write_chapters(audio, Episode(chapters=[Chapter(0, "Accueil")]))
    writer.stop()
    assert time.monotonic() - began < busy.SETTLE_SECONDS + 1.0
    # Quiet for longer than the settle time: written at once.
    os.utime(audio, (time.time() - 60, time.time() - 60))
    containers.write_chapters(audio, Episode(chapters=[Chapter(0, "Accueil")]))
    assert len(containers.read_chapters(audio).chapters) == 1


def test_batch_lists_a_recording_still_being_written_as_busy(audio_copy, tmp_path):
    root = tmp_path / "root"
    (root / "audio").mkdir(parents=True)
    (root / "chapters").mkdir()
    for name in ("live", "done"):
        shutil.copyfile(audio_copy("mp3", name=f"{name}-src.mp3"), root / "audio" / f"{name}.mp3")
        (root / "chapters" / f"{name}.md").write_text(OUTLINE, "utf-8")
    writer = Appender(root / "audio" / "live.mp3", "held", 1)
    try:
        result = run_cli(["batch", str(root), "--json", "--jobs", "1"], timeout=30)
    finally:
        writer.stop()
    recordings = {r["name"]: r for r in json.loads(result.stdout)["recordings"]}
    assert {name: r["status"] for name, r in recordings.items()} == {
        "audio/live.mp3": "busy", "audio/done.mp3": "tagged"}, [r["error"] for r in recordings.values()]
    assert result.returncode == 1  # not everything was tagged: run it again later
    assert BUSY in recordings["audio/live.mp3"]["error"]["message"]
    again = run_cli(["batch", str(root), "--jobs", "1"], timeout=30)  # the recording has finished
    assert again.returncode == 0, again.describe()
    assert "1 tagged, 1 unchanged" in again.stdout

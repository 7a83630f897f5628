"""Paths that are not regular files, and text too large to be an outline: refused, never a hang.

Every path podcast-tool reads or writes is checked to be a regular file (or, for an output, a
missing one) before it is opened, without blocking: a FIFO would block ``open`` or ``read``
forever, a device like ``/dev/zero`` would be read until memory runs out. Text files (outlines,
sidecars, manifests) are read to at most ``MAX_TEXT_BYTES``. Each case runs in a forked child
of ``harness.CliServer``, killed at the timeout, its peak memory measured.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from podcast_tool.pipeline import MAX_TEXT_BYTES
from tests.reliability.harness import MEMORY_BOUND_MB, CliServer, Outcome

OUTLINE = "- 0'00 Accueil\n- 0'04 Débat\n- 0'08 Questions\n"
#: A refusal is immediate; a hang is killed well before the suite would notice.
TIMEOUT = 5.0


@pytest.fixture(scope="module")
def server() -> Iterator[CliServer]:
    running = CliServer()
    yield running
    running.close()


@pytest.fixture
def fifo(tmp_path: Path) -> Path:
    path = tmp_path / "plan.md"
    os.mkfifo(path)
    return path


def refused(outcome: Outcome, path: Path | str, message: str, code: int = 1) -> None:
    assert not outcome.timed_out, f"hung: {outcome.describe()}"
    assert outcome.returncode == code, outcome.describe()
    assert "Traceback" not in outcome.stderr, outcome.describe()
    assert f"{path}: error: {message}" in outcome.stderr, outcome.describe()
    assert outcome.peak_rss_mb is not None and outcome.peak_rss_mb < MEMORY_BOUND_MB, outcome.describe()


FIFO_MESSAGE = "is a named pipe (FIFO), not a regular file"
DEVICE_MESSAGE = "is a device, not a regular file"


@pytest.mark.parametrize("args", [["check", "{fifo}"], ["check", "--json", "{fifo}"],
                                  ["show", "{fifo}"], ["export", "{fifo}"],
                                  ["tag", "{audio}", "{fifo}"], ["snap", "{audio}", "{fifo}"]])
def test_a_fifo_as_input_is_refused_without_blocking(server, audio_copy, fifo, args):
    audio = audio_copy("mp3")
    before = audio.read_bytes()
    outcome = server.run([a.format(fifo=fifo, audio=audio) for a in args], timeout=TIMEOUT)
    refused(outcome, fifo, FIFO_MESSAGE)
    assert audio.read_bytes() == before


def test_a_fifo_as_output_is_refused_without_blocking(server, audio_copy, tmp_path):
    plan = tmp_path / "plan.md"
    plan.write_text(OUTLINE, "utf-8")
    out = tmp_path / "out.json"
    os.mkfifo(out)
    refused(server.run(["export", plan, "-o", out], timeout=TIMEOUT), out, FIFO_MESSAGE)
    corrected = tmp_path / "corrected.md"
    os.mkfifo(corrected)
    refused(server.run(["snap", audio_copy("mp3"), plan, "-o", corrected], timeout=TIMEOUT),
            corrected, FIFO_MESSAGE)


def test_a_fifo_as_audio_manifest_or_chapter_image_is_refused(server, audio_copy, tmp_path):
    plan = tmp_path / "plan.md"
    plan.write_text(OUTLINE, "utf-8")
    audio = tmp_path / "live.mp3"
    os.mkfifo(audio)
    refused(server.run(["tag", audio, plan], timeout=TIMEOUT), audio, FIFO_MESSAGE)
    refused(server.run(["check", plan, "--audio", audio], timeout=TIMEOUT), audio, FIFO_MESSAGE)
    manifest = tmp_path / "list.csv"
    os.mkfifo(manifest)
    refused(server.run(["batch", tmp_path, "--manifest", manifest], timeout=TIMEOUT), manifest,
            FIFO_MESSAGE, code=2)  # a manifest that cannot be read is a usage error
    image = tmp_path / "cover.jpg"
    os.mkfifo(image)
    with_image = tmp_path / "images.json"
    with_image.write_text('{"chapters": [{"startTime": 0, "title": "A", "img": "cover.jpg"}]}')
    real_audio = audio_copy("mp3")
    outcome = server.run(["tag", real_audio, with_image], timeout=TIMEOUT)
    assert not outcome.timed_out and outcome.returncode == 1, outcome.describe()
    assert "cover.jpg) is a named pipe (FIFO), not a regular file" in outcome.stderr


@pytest.mark.parametrize("args", [["show", "/dev/zero"], ["check", "/dev/zero"],
                                  ["export", "/dev/urandom"], ["check", "--json", "/dev/zero"]])
def test_a_device_is_refused_in_bounded_memory(server, args):
    refused(server.run(args, timeout=TIMEOUT), args[-1], DEVICE_MESSAGE)


def test_a_device_as_output_is_refused(server, tmp_path):
    plan = tmp_path / "plan.md"
    plan.write_text(OUTLINE, "utf-8")
    # A null device of our own: were the refusal broken, the system's /dev/null would be replaced.
    device = tmp_path / "null.json"
    os.mknod(device, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    refused(server.run(["export", plan, "-o", device], timeout=TIMEOUT), device, DEVICE_MESSAGE)
    assert stat.S_ISCHR(device.stat().st_mode)


def test_a_text_file_over_the_bound_is_refused_with_a_message(server, tmp_path):
    plan = tmp_path / "plan.md"
    with plan.open("wb") as out:
        out.write(OUTLINE.encode())
        out.truncate(MAX_TEXT_BYTES + 1)  # sparse: the size is what counts
    for args in (["check", plan], ["show", plan], ["export", plan]):
        outcome = server.run(args, timeout=TIMEOUT)
        refused(outcome, plan, f"too large for a chapter file ({MAX_TEXT_BYTES + 1:,} bytes; "
                               f"at most {MAX_TEXT_BYTES:,})")

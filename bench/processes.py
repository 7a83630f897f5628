"""Whole processes, as users run them: ``podcast-tool …`` against ``ffmpeg …`` or a script.

Both sides start a process, so start-up counts on both; byte-code caches are warmed by a first
untimed run, and the input's dirty pages are synced before each timed run so that neither side
pays for the other's writes.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

#: Runs the CLI in this process, then prints the bytes this process sent to storage.
_MEASURED_CLI = """
import sys
from podcast_tool.cli import main
try:
    main(sys.argv[1:])
except SystemExit as done:
    code = done.code or 0
else:
    code = 0
io = dict(line.split(": ") for line in open("/proc/self/io").read().splitlines())
print("write_bytes", io["write_bytes"], file=sys.stderr)
sys.exit(code)
"""


def environment() -> dict[str, str]:
    """This environment, but with byte-code caches written (as a user's Python does)."""
    return {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def podcast_tool(*args: str | Path) -> list[str]:
    return [sys.executable, "-m", "podcast_tool", *map(str, args)]


def run(command: list[str]) -> None:
    subprocess.run(command, check=True, capture_output=True, cwd=ROOT, env=environment())


def synced(action):  # type: ignore[no-untyped-def]
    """``action`` preceded by a sync, for ``best_of``'s untimed setup."""

    def setup() -> None:
        if action is not None:
            action()
        os.sync()

    return setup


def bytes_written_by_cli(*args: str | Path) -> int:
    """What a whole ``podcast-tool`` process wrote to storage (``/proc/self/io`` write_bytes)."""
    done = subprocess.run([sys.executable, "-c", _MEASURED_CLI, *map(str, args)], check=True,
                          capture_output=True, text=True, cwd=ROOT, env=environment())
    line = next(line for line in done.stderr.splitlines() if line.startswith("write_bytes "))
    return int(line.split()[1])

"""Run the real command line in a child process: bounded in time, its peak memory measured.

Two ways, the same measurements:

- ``run_cli(args)`` starts ``python -m podcast_tool ARGS`` (the program exactly as a user
  runs it) and collects its resource usage with ``os.wait4``;
- ``CliServer`` is a small process that imports podcast-tool once, then forks one child
  per request, in which click's ``main(ARGS)`` runs as it does under ``python -m``.
  Forking costs a few milliseconds where starting Python costs a hundred, so hundreds of
  hostile files can go through ``show``, ``strip`` and ``tag`` within the suite's budget.

Either way a child that outlives its timeout is killed (and reported as timed out).
Peak resident memory is measured for the server's children only: ``ru_maxrss`` survives
``exec``, so a process started by ``subprocess`` from the (large) pytest process reports
at least pytest's own size, whereas a child forked by the small server starts from the
server's few tens of MB and reports its own peak (read from ``wait4``).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
#: What a hostile input may cost a podcast-tool process at most.
MEMORY_BOUND_MB = 200
#: A run that takes longer than this has hung (real runs here take well under a second).
TIMEOUT_SECONDS = 10.0


@dataclass
class Outcome:
    args: list[str]
    #: Exit code; None when the child was killed at the timeout.
    returncode: int | None
    stdout: str
    stderr: str
    seconds: float
    #: Peak resident memory (None for ``run_cli``: see the module's docstring).
    peak_rss_mb: float | None
    timed_out: bool

    def describe(self) -> str:
        memory = f"{self.peak_rss_mb:.0f} MB" if self.peak_rss_mb is not None else "memory not measured"
        return (f"{self.args}: exit {self.returncode}, {self.seconds:.2f} s, {memory}\n"
                f"stdout: {self.stdout[-800:]}\nstderr: {self.stderr[-1500:]}")


def _exit_code(status: int) -> int:
    return os.waitstatus_to_exitcode(status)


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "200"}


def run_cli(args: list[str], *, timeout: float = TIMEOUT_SECONDS, cwd: Path | None = None,
            stdin: str | None = None) -> Outcome:
    """``python -m podcast_tool ARGS`` in its own process, killed after ``timeout`` seconds."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.monotonic()
        process = subprocess.Popen([sys.executable, "-m", "podcast_tool", *args], cwd=cwd,
                                   stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
                                   stdout=out, stderr=err, env=_env())
        if stdin is not None:
            assert process.stdin is not None
            process.stdin.write(stdin.encode())
            process.stdin.close()
        status, _, timed_out = _wait(process.pid, start + timeout)
        process.returncode = _exit_code(status)  # reaped by wait4: tell Popen
        seconds = time.monotonic() - start
        out.seek(0)
        err.seek(0)
        return Outcome(args, None if timed_out else process.returncode,
                       out.read().decode("utf-8", "replace"), err.read().decode("utf-8", "replace"),
                       seconds, None, timed_out)


def _wait(pid: int, deadline: float) -> tuple[int, os.struct_rusage, bool]:
    delay = 0.001
    while True:
        done, status, usage = os.wait4(pid, os.WNOHANG)
        if done:
            return status, usage, False
        if time.monotonic() > deadline:
            os.kill(pid, 9)
            _, status, usage = os.wait4(pid, 0)
            return status, usage, True
        time.sleep(delay)
        delay = min(delay * 2, 0.02)


#: The fork server. One JSON request per line; one JSON answer per line.
SERVER = r"""
import importlib, json, os, sys, time, traceback
from podcast_tool.cli import main
from pathlib import Path
from podcast_tool import containers, formats
for kind in containers.CONTAINERS:
    kind.open(Path(os.devnull))  # imports the container's parser; reads nothing yet
formats.all_formats()
for name in ("show", "strip", "tag"):
    importlib.import_module("podcast_tool.cli." + name)
import mutagen.mp3, mutagen.mp4, mutagen.flac, mutagen.oggvorbis, mutagen.oggopus
try:
    import podcast_tool.pipeline
except ImportError:
    pass
reply = sys.stdout
# VmHWM is this process's own peak (ru_maxrss would include pytest's, inherited through exec).
with open("/proc/self/status") as status:
    peak_kb = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
reply.write(json.dumps({"baseline_mb": peak_kb / 1024}) + "\n")
reply.flush()
for line in sys.stdin:
    request = json.loads(line)
    sys.stdout.flush()
    sys.stderr.flush()
    start = time.monotonic()
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            os.dup2(os.open(request["out"], os.O_WRONLY | os.O_TRUNC), 1)
            os.dup2(os.open(request["err"], os.O_WRONLY | os.O_TRUNC), 2)
            os.chdir(request["cwd"])
            try:
                if "python" in request:
                    exec(request["python"], {})
                    code = 0
                else:
                    main(request["args"], prog_name="podcast-tool")
                    code = 0
            except SystemExit as stop:
                code = stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 1)
            except BaseException:
                traceback.print_exc()
                code = 1
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)
    deadline = start + request["timeout"]
    timed_out = False
    while True:
        done, status, usage = os.wait4(pid, os.WNOHANG)
        if done:
            break
        if time.monotonic() > deadline:
            os.kill(pid, 9)
            _, status, usage = os.wait4(pid, 0)
            timed_out = True
            break
        time.sleep(0.001)
    reply.write(json.dumps({"returncode": os.waitstatus_to_exitcode(status), "timed_out": timed_out,
                            "seconds": time.monotonic() - start,
                            "peak_rss_mb": usage.ru_maxrss / 1024}) + "\n")
    reply.flush()
"""


class CliServer:
    """Forks a ready podcast-tool process per request (see the module's docstring)."""

    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="cli-server-"))
        self.process = subprocess.Popen([sys.executable, "-c", SERVER], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, env=_env(), text=True)
        #: Peak memory of the server itself after its imports (each child starts from it).
        self.baseline_mb = float(self._answer()["baseline_mb"])
        self.runs = 0

    def _answer(self) -> dict[str, object]:
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        assert line, "the CLI server died"
        return json.loads(line)

    def _request(self, payload: dict[str, object], timeout: float, cwd: Path | None) -> Outcome:
        out, err = self.folder / "out", self.folder / "err"
        out.write_bytes(b"")
        err.write_bytes(b"")
        assert self.process.stdin is not None
        self.process.stdin.write(json.dumps({**payload, "out": str(out), "err": str(err),
                                             "timeout": timeout, "cwd": str(cwd or ROOT)}) + "\n")
        self.process.stdin.flush()
        answer = self._answer()
        self.runs += 1
        timed_out = bool(answer["timed_out"])
        return Outcome(list(payload.get("args", ["<python>"])),  # type: ignore[arg-type]
                       None if timed_out else int(answer["returncode"]),  # type: ignore[arg-type]
                       out.read_text("utf-8", "replace"), err.read_text("utf-8", "replace"),
                       float(answer["seconds"]), float(answer["peak_rss_mb"]),  # type: ignore[arg-type]
                       timed_out)

    def run(self, args: list[str], *, timeout: float = TIMEOUT_SECONDS, cwd: Path | None = None
            ) -> Outcome:
        return self._request({"args": [str(arg) for arg in args]}, timeout, cwd)

    def python(self, code: str, *, timeout: float = TIMEOUT_SECONDS) -> Outcome:
        """Run Python code in a forked child (to check the harness itself can see a failure)."""
        return self._request({"python": code}, timeout, None)

    def close(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        self.process.wait(timeout=10)
        for name in ("out", "err"):
            (self.folder / name).unlink(missing_ok=True)
        self.folder.rmdir()

"""Opening a 2.5-hour replay in the studio, as the user meets it: a whole process each time.

* First opening (no cache: neither peaks nor frame index): from starting
  ``podcast-tool studio FILE OUTLINE --no-browser`` to the whole waveform served over HTTP,
  against a plain full decode of the same file by the same ffmpeg to PCM, also a whole
  process (target: ratio ≤ 0.6; the MP3 is decoded in two halves at once).
* The page usable: from starting the command to the page, its script, the chapters and the
  first peaks answered over HTTP (target: under 1 s), while the waveform is still decoding.
* A second opening (peaks cached): the same, whole waveform served (target: under 1 s).
* The server's peak memory (VmHWM) once the whole waveform is in (target: under 300 MB).

Byte-code caches are warm (a first untimed opening), and the file's pages are synced before
each timed run.
"""

from __future__ import annotations

import http.cookiejar
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, replace
from pathlib import Path

from bench.common import long_recording, report, timed
from bench.processes import environment, synced
from podcast_tool.ffmpeg import ffmpeg_exe

ROOT = Path(__file__).resolve().parent.parent
OUTLINE = ROOT / "chapters" / "travail-pair-2020-12-18.md"
RUNS = 3
#: How often the page asks for more peaks (PEAKS_POLL_MS in studio.js).
POLL_SECONDS = 0.25


def plain_decode(path: Path) -> None:
    subprocess.run([ffmpeg_exe(), "-hide_banner", "-nostdin", "-loglevel", "error", "-i",
                    str(path), "-f", "s16le", "-"], stdout=subprocess.DEVNULL, check=True)


def peak_memory_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1)) / 1024  # type: ignore[union-attr]


@dataclass(frozen=True)
class Opening:
    #: Seconds from the command's start to the page, script, chapters and first peaks.
    usable: float
    #: Seconds from the command's start to the whole waveform served.
    whole: float
    peaks: int
    memory_mb: float
    #: CPU seconds of the studio process and its ffmpeg processes (see ``bench.common.timed``).
    cpu: float = 0.0


def open_studio(audio: Path, cache: Path) -> Opening:
    env = {**environment(), "XDG_CACHE_HOME": str(cache)}
    started = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-m", "podcast_tool", "studio", str(audio),
                                str(OUTLINE), "--no-browser"], stderr=subprocess.PIPE,
                               stdout=subprocess.DEVNULL, text=True, env=env, cwd=ROOT)
    try:
        assert process.stderr is not None
        url = None
        while url is None:
            line = process.stderr.readline()
            if not line:
                raise SystemExit("the studio did not start")
            found = re.search(r"(http://127\.0\.0\.1:\d+)/\?token=([\w-]+)", line)
            if found:
                url, token = found.group(1), found.group(2)
        # The page's address sets the session cookie and redirects; a browser keeps the cookie.
        opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        for path in ("/", "/static/studio.js", "/api/state", "/api/peaks"):
            with opener.open(f"{url}{path}?token={token}", timeout=60) as response:
                body = response.read()
                done = response.headers.get("x-peaks-done")
        usable = time.perf_counter() - started
        peaks = len(body)
        while done != "1":
            time.sleep(POLL_SECONDS)
            with opener.open(f"{url}/api/peaks?start={peaks}&token={token}",
                             timeout=60) as response:
                peaks += len(response.read())
                done = response.headers.get("x-peaks-done")
        whole = time.perf_counter() - started
        return Opening(usable, whole, peaks, peak_memory_mb(process.pid))
    finally:
        process.terminate()
        process.wait(timeout=10)


def openings(audio: Path, fresh_cache: bool) -> list[Opening]:
    """``RUNS`` openings, each with an empty cache (first openings) or a warm one."""
    results = []
    with tempfile.TemporaryDirectory() as folder:
        cache = Path(folder)
        open_studio(audio, cache)  # byte-code caches (and, for the warm runs, the peaks)
        for _ in range(RUNS):
            if fresh_cache:
                shutil.rmtree(cache)
                cache.mkdir()
            os.sync()
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            opening = open_studio(audio, cache)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            results.append(replace(opening, cpu=after.ru_utime - before.ru_utime
                                   + after.ru_stime - before.ru_stime))
    return results


def main() -> None:
    audio = long_recording("mp3")
    size = audio.stat().st_size >> 20
    theirs, theirs_cpu = timed(lambda: plain_decode(audio), repeat=RUNS, setup=synced(None))
    first = openings(audio, fresh_cache=True)
    whole = statistics.median(o.whole for o in first)
    report(f"studio, first opening of a 2.5-hour MP3 ({size} MB, no cache), whole waveform "
           "served vs a plain ffmpeg decode to PCM (whole processes)", whole, theirs, target=0.6)
    report("  CPU time of that first opening (studio and its ffmpeg processes) vs the plain "
           "decode's", statistics.median(o.cpu for o in first), theirs_cpu)
    usable = statistics.median(o.usable for o in first)
    print(f"  page usable (page, script, chapters, first peaks) in {usable * 1000:.0f} ms "
          f"(target < 1000 ms); server peak memory {max(o.memory_mb for o in first):.0f} MB "
          f"(target < 300 MB); {first[0].peaks} peaks", flush=True)
    second = openings(audio, fresh_cache=False)
    again = statistics.median(o.whole for o in second)
    print(f"studio, second opening (peaks cached): whole waveform served {again * 1000:.0f} ms "
          f"after the command started (target < 1000 ms)", flush=True)


if __name__ == "__main__":
    main()

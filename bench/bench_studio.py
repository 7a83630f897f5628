"""Opening a 2.5-hour replay in the studio.

* The whole waveform on first opening: ``decode_peaks`` (one ffmpeg decode to mono 4 kHz PCM,
  bucketed with numpy) against a plain full decode of the same file by the same ffmpeg to PCM
  (target: ratio ≤ 1.1).
* A second opening: the peaks read from the cache (target: under 0.5 s).
* The page usable: from starting ``podcast-tool studio FILE --no-browser`` to the page, its
  script, the chapters and the first peaks answered over HTTP (target: under 1 s), while the
  waveform is still decoding.
* The server's peak memory (VmHWM) once the whole waveform is in (target: under 300 MB).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from bench.common import best_of, long_recording, report
from podcast_tool.ffmpeg import ffmpeg_exe

ROOT = Path(__file__).resolve().parent.parent
OUTLINE = ROOT / "chapters" / "travail-pair-2020-12-18.md"


def plain_decode(path: Path) -> None:
    subprocess.run([ffmpeg_exe(), "-hide_banner", "-nostdin", "-loglevel", "error", "-i",
                    str(path), "-f", "s16le", "-"], stdout=subprocess.DEVNULL, check=True)


def peak_memory_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1)) / 1024  # type: ignore[union-attr]


def open_studio(audio: Path, cache: Path) -> None:
    env = {**os.environ, "XDG_CACHE_HOME": str(cache)}
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
        import http.cookiejar

        # The page's address sets the session cookie and redirects; a browser keeps the cookie.
        opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        for path in ("/", "/static/studio.js", "/api/state", "/api/peaks"):
            with opener.open(f"{url}{path}?token={token}", timeout=30) as response:
                body = response.read()
                done = response.headers.get("x-peaks-done")
        usable = time.perf_counter() - started
        print(f"page usable (page, script, chapters, first {len(body)} peaks) in "
              f"{usable * 1000:.0f} ms (target < 1000 ms; waveform complete: {done == '1'})",
              flush=True)
        while done != "1":
            time.sleep(0.2)
            with urllib.request.urlopen(f"{url}/api/peaks?start=0&token={token}",
                                        timeout=30) as response:
                response.read()
                done = response.headers.get("x-peaks-done")
        whole = time.perf_counter() - started
        print(f"whole waveform served {whole:.2f} s after the command started; server peak "
              f"memory {peak_memory_mb(process.pid):.0f} MB (target < 300 MB)", flush=True)
    finally:
        process.terminate()
        process.wait(timeout=10)


def main() -> None:
    from podcast_tool.studio import peaks

    audio = long_recording("mp3")
    with tempfile.TemporaryDirectory() as cache:
        os.environ["XDG_CACHE_HOME"] = cache
        theirs = best_of(lambda: plain_decode(audio), repeat=3)
        ours = best_of(lambda: peaks.decode_peaks(audio), repeat=3)
        report("waveform of a 2.5-hour MP3: decode_peaks vs a plain ffmpeg decode to PCM",
               ours, theirs, target=1.1)
        peaks.load_peaks(audio)
        cached = best_of(lambda: peaks.load_peaks(audio), repeat=5)
        print(f"second opening, peaks from the cache: {cached * 1000:.1f} ms (target < 500 ms)",
              flush=True)
    with tempfile.TemporaryDirectory() as cache:
        open_studio(audio, Path(cache))


if __name__ == "__main__":
    main()

"""Shared by the benchmarks: long test recordings (cached in bench/out/) and timing."""

from __future__ import annotations

import statistics
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

from podcast_tool.ffmpeg import ffmpeg_exe

OUT = Path(__file__).resolve().parent / "out"
#: 2.5 hours, the length of the seed webinar's replay.
REPLAY_SECONDS = 9000


def ffmpeg(*args: str | Path) -> None:
    subprocess.run([ffmpeg_exe(), "-hide_banner", "-nostdin", "-loglevel", "error", "-y",
                    *map(str, args)], check=True)


def long_recording(ext: str, seconds: int = REPLAY_SECONDS, extra: tuple[str, ...] = ()) -> Path:
    """A long mono recording (tone + noise), generated once and kept in bench/out/."""
    OUT.mkdir(exist_ok=True)
    tag = "-".join(a.strip("-").replace(" ", "") for a in extra) or "plain"
    path = OUT / f"long-{seconds}s-{tag}.{ext}"
    if not path.exists():
        codec = {"mp3": ["-c:a", "libmp3lame", "-b:a", "64k"],
                 "m4a": ["-c:a", "aac", "-b:a", "64k"],
                 "m4b": ["-c:a", "aac", "-b:a", "64k", "-brand", "M4B "],
                 "ogg": ["-c:a", "libvorbis", "-q:a", "0"],
                 "flac": ["-c:a", "flac"]}[ext]
        source = (f"sine=frequency=220:sample_rate=22050:duration={seconds},volume=0.3[a];"
                  f"anoisesrc=color=pink:amplitude=0.05:sample_rate=22050:duration={seconds}[b];"
                  "[a][b]amix=inputs=2")
        partial = path.with_suffix(".partial" + path.suffix)
        ffmpeg("-f", "lavfi", "-i", source, "-ac", "1", *codec, *extra, partial)
        partial.rename(path)
    return path


def best_of(action: Callable[[], object], repeat: int = 5, setup: Callable[[], object] | None = None
            ) -> float:
    """Median wall time of ``action`` over ``repeat`` runs (``setup`` untimed before each)."""
    return timed(action, repeat, setup)[0]


def timed(action: Callable[[], object], repeat: int = 5, setup: Callable[[], object] | None = None
          ) -> tuple[float, float]:
    """Median wall time and median CPU time of the processes ``action`` ran and waited for.

    The CPU time (user and system, of the children and theirs) does not grow when other work
    shares the machine, as the wall time does: on a busy machine it is the steadier figure.
    """
    import resource

    times, cpu = [], []
    for _ in range(repeat):
        if setup is not None:
            setup()
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return statistics.median(times), statistics.median(cpu)


def report(label: str, ours: float, theirs: float, target: float | None = None) -> None:
    ratio = ours / theirs if theirs else float("inf")
    verdict = ""
    if target is not None:
        verdict = f"  (target ≤ {target:.2f}: {'met' if ratio <= target else 'NOT met'})"
    print(f"{label}: ours {ours * 1000:.1f} ms, theirs {theirs * 1000:.1f} ms, "
          f"ratio {ratio:.3f}{verdict}", flush=True)

"""Snapping the seed outline's boundaries in the seed webinar's full-length replay.

The replay (2 h 34 min, MP3 64 kb/s) is synthesized by tests/snap/replay.py with a true pause near
each boundary of the seed outline (9 chapter starts and 3 lone written ends), and cached in
bench/out/. Compared:

* ours: ``podcast-tool snap REPLAY OUTLINE --json``, a whole process (it decodes only a window
  around each boundary), with the frame index cached (a second snap of the file, or after the
  studio opened it) and without (the first snap of a file builds it);
* one full decode of the file to PCM with ffmpeg, and ``ffmpeg -i REPLAY -f null -``, whole
  processes (what any whole-file analysis costs at least);
* ffmpeg's ``silencedetect`` over the whole file (noise -30 dB, at least 1.75 s), what
  m4b-tool does, with its placement (middle of the nearest silence within the window) scored
  on the same truth;
* pydub's ``detect_silence`` on a few minutes only, extrapolated: why we do not use it.

Byte-code caches are warm (a first untimed run) and the file's pages synced before each run.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import OUT, best_of, report, timed
from bench.processes import environment, podcast_tool, synced
from podcast_tool.ffmpeg import ffmpeg_exe
from tests.snap.replay import ReplayPlan, plan_replay, render_chunks, write_replay

ROOT = Path(__file__).resolve().parent.parent

SEED_OUTLINE = ROOT / "chapters" / "travail-pair-2020-12-18.md"
#: The seed outline's last written end is 2'33''12; the recording runs a little past it.
REPLAY_SECONDS = 9240
SEED = 2020


def seed_episode():  # type: ignore[no-untyped-def]
    from podcast_tool.pipeline import load_chapters

    episode, _ = load_chapters(SEED_OUTLINE)
    return episode


def replay_plan(written_ms: list[int]) -> ReplayPlan:
    return plan_replay(REPLAY_SECONDS, written_ms, seed=SEED)


def replay_file(plan: ReplayPlan) -> Path:
    OUT.mkdir(exist_ok=True)
    path = OUT / f"replay-seed-{REPLAY_SECONDS}s-{SEED}.mp3"
    if not path.exists():
        print(f"synthesizing {path.name} (once; cached in bench/out/)…", flush=True)
        partial = path.with_suffix(".partial.mp3")
        write_replay(plan, partial, "mp3")
        partial.rename(path)
    return path


def full_decode(path: Path) -> None:
    subprocess.run([ffmpeg_exe(), "-hide_banner", "-nostdin", "-loglevel", "error", "-i",
                    str(path), "-f", "s16le", "-"], stdout=subprocess.DEVNULL, check=True)


def null_decode(path: Path) -> None:
    subprocess.run([ffmpeg_exe(), "-hide_banner", "-nostdin", "-loglevel", "error", "-i",
                    str(path), "-f", "null", "-"], check=True)


def snap_process(audio: Path) -> dict[str, object]:
    """The JSON a whole ``podcast-tool snap … --json`` process prints."""
    done = subprocess.run(podcast_tool("snap", audio, SEED_OUTLINE, "--json"), check=True,
                          capture_output=True, cwd=ROOT, env=environment())
    return json.loads(done.stdout)  # type: ignore[no-any-return]


def silencedetect(path: Path) -> list[tuple[int, int]]:
    result = subprocess.run([ffmpeg_exe(), "-hide_banner", "-nostdin", "-nostats", "-i",
                             str(path), "-af", "silencedetect=noise=-30dB:d=1.75", "-f", "null",
                             "-"], capture_output=True, text=True, check=True)
    starts = [float(s) for s in re.findall(r"silence_start: (-?[\d.]+)", result.stderr)]
    ends = [float(s) for s in re.findall(r"silence_end: ([\d.]+)", result.stderr)]
    return [(round(a * 1000), round(b * 1000)) for a, b in zip(starts, ends, strict=False)]


def m4b_tool_choice(written_ms: int, silences: list[tuple[int, int]], window_ms: int) -> int:
    """m4b-tool's rule: the middle of the nearest silence within the allowance, else unchanged."""
    near = [(abs((a + b) // 2 - written_ms), (a + b) // 2) for a, b in silences
            if abs((a + b) // 2 - written_ms) <= window_ms]
    return min(near)[1] if near else written_ms


def score(plan: ReplayPlan, kinds: list[str], snapped: list[int], lead_ms: int
          ) -> dict[str, tuple[int, int, float]]:
    """Per kind: (inside the true pause, count, mean |error| in ms against the ideal place)."""
    results: dict[str, tuple[int, int, float]] = {}
    for kind in ("start", "end"):
        indexes = [i for i, k in enumerate(kinds) if k == kind and plan.pauses[i] is not None]
        inside = sum(plan.pauses[i].contains(snapped[i]) for i in indexes)  # type: ignore[union-attr]
        errors = [abs(snapped[i] - plan.ideal_ms(i, lead_ms, end=kind == "end"))  # type: ignore[operator]
                  for i in indexes]
        results[kind] = (inside, len(indexes), sum(errors) / max(1, len(errors)))
    return results


def print_score(label: str, results: dict[str, tuple[int, int, float]]) -> None:
    parts = [f"{kind}s {inside}/{count} inside the true pause, mean error {error:.0f} ms"
             for kind, (inside, count, error) in results.items() if count]
    print(f"{label}: " + "; ".join(parts), flush=True)


def peak_memory_mb(audio: Path) -> tuple[float, float]:
    """Peak RSS (MB) of a fresh Python process snapping the seed outline, and of one ffmpeg.

    Read from /proc (VmHWM): on Linux ``ru_maxrss`` of a spawned process starts from its
    parent's, which would count the benchmark's own memory.
    """
    code = (
        "from pathlib import Path\n"
        "from podcast_tool import containers\n"
        "from podcast_tool.snap.placement import SnapOptions, snap_episode\n"
        "from podcast_tool.pipeline import load_chapters\n"
        f"episode, _ = load_chapters(Path({str(SEED_OUTLINE)!r}))\n"
        f"episode.duration_ms = containers.audio_duration_ms(Path({str(audio)!r}))\n"
        f"snap_episode(Path({str(audio)!r}), episode, SnapOptions())\n"
        "status = open('/proc/self/status').read()\n"
        "print(status.split('VmHWM:')[1].split()[0])\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True, cwd=ROOT)
    python_kb = int(result.stdout.split()[-1])
    # A bare launcher (about 10 MB) runs one window's ffmpeg; its children's peak is ffmpeg's.
    from podcast_tool.snap.pauses import window_args

    launcher = ("import resource, subprocess, sys\n"
                "subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, check=True)\n"
                "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n")
    args = [ffmpeg_exe(), "-loglevel", "error", *map(str, window_args(audio, 4_000_000, 28_000))]
    result = subprocess.run([sys.executable, "-c", launcher, *args], capture_output=True,
                            text=True, check=True)
    return python_kb / 1024, int(result.stdout.split()[-1]) / 1024


def pydub_detect_silence(seconds: int) -> float:
    """Seconds pydub's detect_silence takes on ``seconds`` of the replay (8 kHz mono)."""
    import numpy as np

    from podcast_tool.sound import segment_from_samples

    plan = plan_replay(seconds, [seconds * 500], seed=SEED)
    samples = np.concatenate(list(render_chunks(plan)))
    segment = segment_from_samples(samples[::2], 8000)  # 16 kHz → 8 kHz, as we decode
    from pydub.silence import detect_silence

    start = time.perf_counter()
    detect_silence(segment, min_silence_len=800, silence_thresh=segment.dBFS - 16)
    return time.perf_counter() - start


def main() -> None:
    from podcast_tool import containers
    from podcast_tool.snap.placement import LEAD_MS, SnapOptions, collect_boundaries

    episode = seed_episode()
    boundaries = [b for b in collect_boundaries(episode) if b.written_ms > 0]
    written = [b.written_ms for b in boundaries]
    kinds = [b.kind for b in boundaries]
    plan = replay_plan(written)
    audio = replay_file(plan)
    episode.duration_ms = containers.audio_duration_ms(audio)
    options = SnapOptions()
    print(f"{audio.name}: {episode.duration_ms / 3.6e6:.2f} h, {audio.stat().st_size >> 20} MB; "
          f"{kinds.count('start')} chapter starts and {kinds.count('end')} lone ends to snap",
          flush=True)

    cache = Path(tempfile.mkdtemp(prefix="bench-snap-cache-"))
    os.environ["XDG_CACHE_HOME"] = str(cache)  # seen by the processes (bench.processes)

    def empty_cache() -> None:
        shutil.rmtree(cache, ignore_errors=True)

    results: list[dict[str, object]] = []
    snap_process(audio)  # byte-code caches, and the frame index
    warm, warm_cpu = timed(lambda: results.append(snap_process(audio)), repeat=5,
                           setup=synced(None))
    cold, cold_cpu = timed(lambda: snap_process(audio), repeat=3, setup=synced(empty_cache))
    decode, decode_cpu = timed(lambda: full_decode(audio), repeat=3, setup=synced(None))
    null, null_cpu = timed(lambda: null_decode(audio), repeat=3, setup=synced(None))
    label = f"snap {len(written)} boundaries (whole process"
    report(f"{label}, frame index cached) vs one full decode to PCM", warm, decode, target=0.05)
    report(f"{label}, frame index cached) vs ffmpeg -i X -f null -", warm, null, target=0.05)
    report(f"{label}, first snap of the file: no cache) vs one full decode to PCM", cold, decode,
           target=0.05)
    report("  CPU time, frame index cached, vs one full decode to PCM's",
           warm_cpu, decode_cpu)
    report("  CPU time, no cache, vs one full decode to PCM's", cold_cpu, decode_cpu)
    report("  CPU time, frame index cached, vs ffmpeg -i X -f null -'s", warm_cpu, null_cpu)
    silences: list[tuple[int, int]] = []
    detect = best_of(lambda: silences.extend(silencedetect(audio)), repeat=1)
    report(f"{label}, frame index cached) vs ffmpeg silencedetect over the whole file", warm,
           detect)

    rows = results[-1]["snap"]["boundaries"]  # type: ignore[index]
    by_written = {row["written_ms"]: row["snapped_ms"] for row in rows}  # type: ignore[index]
    print_score("ours", score(plan, kinds, [by_written[w] for w in written], LEAD_MS))
    theirs = [m4b_tool_choice(w, silences, options.window_ms) for w in written]
    print_score("silencedetect + middle of nearest silence (m4b-tool)",
                score(plan, kinds, theirs, LEAD_MS))
    outline_error = sum(abs(w - plan.ideal_ms(i, LEAD_MS, end=k == "end"))  # type: ignore[operator]
                        for i, (w, k) in enumerate(zip(written, kinds, strict=True))) / len(written)
    print(f"for scale: the written times are {outline_error / 1000:.1f} s from the ideal on average",
          flush=True)

    from podcast_tool.snap.placement import MAX_DECODERS

    own_mb, ffmpeg_mb = peak_memory_mb(audio)
    print(f"peak memory snapping the 2.5-hour file: {own_mb:.0f} MB of Python and "
          f"{MAX_DECODERS} × {ffmpeg_mb:.0f} MB of ffmpeg at most: "
          f"{own_mb + MAX_DECODERS * ffmpeg_mb:.0f} MB in all", flush=True)

    short, longer = pydub_detect_silence(30), pydub_detect_silence(120)
    per_hour = longer / 120 * 3600
    whole = per_hour * REPLAY_SECONDS / 3600
    print(f"pydub detect_silence: {short:.2f} s for 30 s of audio, {longer:.2f} s for 120 s "
          f"(8 kHz mono, already decoded): about {whole:.0f} s for the 2.5-hour file, "
          f"{whole / warm:.0f}× our whole snap, before decoding it all (which it needs in "
          f"memory: {REPLAY_SECONDS * 16000 / 2**20:.0f} MB at 8 kHz)", flush=True)

    shutil.rmtree(cache, ignore_errors=True)


if __name__ == "__main__":
    main()

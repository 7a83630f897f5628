"""Tagging a 2.5-hour MP3 with the seed's chapters, against the ffmpeg remux users run today.

Theirs: ``ffmpeg -i in.mp3 -i meta.txt -map 0 -map_metadata 1 -map_chapters 1 -c copy out.mp3``.
Ours: ``podcast-tool tag`` through the library (validation, ID3 encoding, temp file + rename).
Also the start-up time of ``podcast-tool --help`` against a bare ``python -c pass``.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from bench.common import OUT, best_of, ffmpeg, long_recording, report

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "chapters" / "travail-pair-2020-12-18.md"


def bench_tagging() -> None:
    from podcast_tool import pipeline
    from podcast_tool.formats import ExportOptions, get_format
    from podcast_tool.pipeline import load_chapters

    original = long_recording("mp3", seconds=9200)
    work = OUT / "work-tag.mp3"
    out = OUT / "work-ffmpeg.mp3"
    meta = OUT / "seed.ffmetadata"
    episode, _ = load_chapters(SEED)
    text, _ = get_format("ffmetadata").dump(episode, ExportOptions(duration_ms=9_200_000))
    meta.write_text(text, encoding="utf-8")

    def fresh_copy() -> None:
        shutil.copyfile(original, work)

    def ours() -> None:
        pipeline.write(pipeline.prepare(work, SEED))

    def theirs() -> None:
        ffmpeg("-i", original, "-i", meta, "-map", "0", "-map_metadata", "1",
               "-map_chapters", "1", "-c", "copy", out)

    size_mb = original.stat().st_size / 1e6
    report(f"tag 2.5-hour MP3 ({size_mb:.0f} MB) vs ffmpeg remux",
           best_of(ours, setup=fresh_copy), best_of(theirs), target=0.15)
    out.unlink(missing_ok=True)
    work.unlink(missing_ok=True)


def bench_startup() -> None:
    def ours() -> None:
        subprocess.run([sys.executable, "-m", "podcast_tool", "--help"], check=True,
                       capture_output=True, cwd=ROOT)

    def bare() -> None:
        subprocess.run([sys.executable, "-c", "pass"], check=True, capture_output=True)

    report("podcast-tool --help start-up vs bare python", best_of(ours, 7), best_of(bare, 7))


def main() -> None:
    bench_tagging()
    bench_startup()


if __name__ == "__main__":
    main()

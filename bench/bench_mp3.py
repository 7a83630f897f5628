"""Tagging a 2.5-hour MP3 with the seed's chapters, whole processes side by side in one run.

Ours: ``podcast-tool tag REPLAY OUTLINE`` on a fresh copy (the first tag: a whole new file, with
room reserved for later tags), then a re-tag after a title changed (in place).
Theirs: ``ffmpeg -i in.mp3 -i meta.txt -map 0 -map_metadata 1 -map_chapters 1 -c copy out.mp3``,
and an eyeD3 script writing the same chapters and top-level CTOC (ID3v2.3).
Also the bytes a re-tag writes, and the start-up time of ``podcast-tool --help``.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

from bench.common import OUT, best_of, ffmpeg, long_recording, report
from bench.processes import bytes_written_by_cli, podcast_tool, run, synced

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "chapters" / "travail-pair-2020-12-18.md"
SECONDS = 9200

EYED3_SCRIPT = """
import json, sys
import eyed3
eyed3.log.setLevel("ERROR")
path, title, chapters = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
audio = eyed3.load(path)
if audio.tag is None:
    audio.initTag(version=(2, 3, 0))
tag = audio.tag
ids = []
for index, (start, end, name) in enumerate(chapters):
    element_id = f"chp{index}".encode()
    chapter = tag.chapters.set(element_id, (start, end))
    chapter.title = name
    ids.append(element_id)
tag.table_of_contents.set(b"toc", toplevel=True, ordered=True, child_ids=ids, description=title)
tag.save(version=(2, 3, 0))
"""


def seed_chapters() -> tuple[str, list[tuple[int, int, str]]]:
    from podcast_tool.model import effective_ends
    from podcast_tool.pipeline import load_chapters

    episode, _ = load_chapters(SEED)
    ends = effective_ends(episode.chapters, SECONDS * 1000)
    return episode.title or "", [(c.start_ms, end or SECONDS * 1000, c.title)
                                 for c, end in zip(episode.chapters, ends, strict=True)]


def bench_tagging() -> None:
    from podcast_tool.formats import ExportOptions, get_format
    from podcast_tool.pipeline import load_chapters

    original = long_recording("mp3", seconds=SECONDS)
    work, out, eyed3_work = OUT / "work-tag.mp3", OUT / "work-ffmpeg.mp3", OUT / "work-eyed3.mp3"
    meta, retitled = OUT / "seed.ffmetadata", OUT / "seed-retitled.md"
    episode, _ = load_chapters(SEED)
    episode.duration_ms = SECONDS * 1000
    text, _ = get_format("ffmetadata").dump(episode, ExportOptions())
    meta.write_text(text, encoding="utf-8")
    retitled.write_text(SEED.read_text(encoding="utf-8").replace("Questions du public",
                                                                 "Questions de la salle", 1),
                        encoding="utf-8")
    title, chapters = seed_chapters()

    ours = podcast_tool("tag", work, SEED)
    eyed3 = [sys.executable, "-c", EYED3_SCRIPT, str(eyed3_work), title, json.dumps(chapters)]
    remux = lambda: ffmpeg("-i", original, "-i", meta, "-map", "0", "-map_metadata", "1",  # noqa: E731
                           "-map_chapters", "1", "-c", "copy", out)
    size_mb = original.stat().st_size / 1e6
    first = best_of(lambda: run(ours), setup=synced(lambda: shutil.copyfile(original, work)))
    report(f"first tag, 2.5-hour MP3 ({size_mb:.0f} MB): podcast-tool tag vs ffmpeg remux",
           first, best_of(remux, setup=synced(None)), target=0.15)
    theirs = best_of(lambda: run(eyed3),
                     setup=synced(lambda: shutil.copyfile(original, eyed3_work)))
    report("first tag, 2.5-hour MP3: podcast-tool tag vs an eyeD3 script", first, theirs,
           target=1.0)
    check_eyed3_wrote_them(eyed3_work, len(chapters))
    flush = fsync_of_a_copy(original, eyed3_work)
    report("  of which the one fsync of the new file (eyeD3 does not fsync) vs the eyeD3 script",
           flush, theirs)
    report("  first tag without that fsync (derived: ours minus it) vs the eyeD3 script",
           max(first - flush, 0.0), theirs, target=1.0)

    retag = podcast_tool("tag", work, retitled)
    again = best_of(lambda: run(retag), setup=synced(lambda: run(ours)))
    report("re-tag, 2.5-hour MP3: podcast-tool tag (in place) vs the first tag", again, first)
    run(ours)
    written = bytes_written_by_cli("tag", work, retitled)
    print(f"re-tag of a {size_mb:.0f} MB MP3 wrote {written} bytes "
          f"(target < 65536: {'met' if written < 65536 else 'NOT met'})", flush=True)
    for path in (out, work, eyed3_work):
        path.unlink(missing_ok=True)


def fsync_of_a_copy(original: Path, copy: Path) -> float:
    """Median time of the fsync that follows writing a copy of ``original`` (as ``tag`` does)."""
    import os
    import statistics
    import time

    times = []
    for _ in range(5):
        copy.unlink(missing_ok=True)
        os.sync()
        shutil.copyfile(original, copy)
        with copy.open("rb+") as handle:
            start = time.perf_counter()
            os.fsync(handle.fileno())
            times.append(time.perf_counter() - start)
    return statistics.median(times)


def check_eyed3_wrote_them(path: Path, count: int) -> None:
    from mutagen.id3 import ID3

    found = len(ID3(path).getall("CHAP"))
    if found != count:
        raise RuntimeError(f"the eyeD3 script wrote {found} chapters, expected {count}")


def bench_startup() -> None:
    def ours() -> None:
        run(podcast_tool("--help"))

    def bare() -> None:
        run([sys.executable, "-c", "pass"])

    report("podcast-tool --help start-up vs bare python", best_of(ours, 7), best_of(bare, 7))


def main() -> None:
    bench_tagging()
    bench_startup()


if __name__ == "__main__":
    main()

"""Tagging a 2.5-hour M4A with the seed's chapters vs the ffmpeg remux, whole processes.

Ours: ``podcast-tool tag REPLAY OUTLINE``: when moov stands after the audio, the new moov and
chapter data are written where the old moov stood, through the undo journal, the audio unmoved;
when moov stands first with no room after it (faststart), the audio is copied in the kernel into
a temporary file, fsynced, renamed. Theirs:
``ffmpeg -i in.m4a -i meta.txt -map 0 -map_chapters 1 -c copy out.m4a`` (no fsync).
Both measured in the same run, on faststart and non-faststart files; then the bytes a re-tag
(one title changed) writes, which the room left by the first tag keeps to the changed bytes.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from bench.common import OUT, best_of, ffmpeg, long_recording, report
from bench.processes import bytes_written_by_cli, podcast_tool, run, synced

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "chapters" / "travail-pair-2020-12-18.md"
SECONDS = 9200
TARGET = 0.1


def main() -> None:
    from podcast_tool import containers
    from podcast_tool.formats import ExportOptions, get_format
    from podcast_tool.pipeline import load_chapters

    episode, _ = load_chapters(SEED)
    episode.duration_ms = SECONDS * 1000
    meta = OUT / "bench-mp4-chapters.ffmetadata"
    text, _ = get_format("ffmetadata").dump(episode, ExportOptions())
    meta.write_text(text, encoding="utf-8")
    retitled = OUT / "bench-mp4-retitled.md"
    retitled.write_text(SEED.read_text(encoding="utf-8").replace("Questions du public",
                                                                 "Questions de la salle", 1),
                        encoding="utf-8")
    for label, extra in (("non-faststart", ()), ("faststart", ("-movflags", "+faststart"))):
        source = long_recording("m4a", seconds=SECONDS, extra=extra)
        work = OUT / f"bench-mp4-work-{label}.m4a"
        remuxed = OUT / f"bench-mp4-ffmpeg-{label}.m4a"
        try:
            ours = best_of(lambda work=work: run(podcast_tool("tag", work, SEED)),
                           setup=synced(lambda source=source, work=work: shutil.copyfile(source, work)))
            written = len(containers.read_chapters(work).chapters)
            if written != len(episode.chapters):
                raise RuntimeError(f"read back {written} chapters, expected {len(episode.chapters)}")
            theirs = best_of(lambda source=source, remuxed=remuxed: ffmpeg(
                "-i", source, "-i", meta, "-map", "0", "-map_chapters", "1", "-c", "copy", remuxed),
                setup=synced(None))
            retag_written = bytes_written_by_cli("tag", work, retitled)
            synced(lambda source=source, work=work: shutil.copyfile(source, work))()
            first_written = bytes_written_by_cli("tag", work, SEED)
        finally:
            work.unlink(missing_ok=True)
            remuxed.unlink(missing_ok=True)
        mb = source.stat().st_size / 1e6
        report(f"tag 2.5 h M4A ({label}, {mb:.0f} MB): podcast-tool tag vs ffmpeg remux", ours, theirs,
               TARGET)
        print(f"re-tag of a {mb:.0f} MB {label} M4A wrote {retag_written} bytes "
              f"(target < 65536: {'met' if retag_written < 65536 else 'NOT met'}); its first tag "
              f"wrote {first_written} bytes", flush=True)


if __name__ == "__main__":
    main()

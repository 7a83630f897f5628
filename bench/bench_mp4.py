"""Tag a 2.5-hour M4A with the seed outline's 9 chapters vs the ffmpeg remux users run today.

Ours: ``containers.write_chapters`` (new moov + chapter mdat, audio copied with
copy_file_range into a temp file, fsync, rename). Theirs:
``ffmpeg -i in.m4a -i meta.txt -map 0 -map_chapters 1 -c copy out.m4a`` (no fsync).
Both measured in the same run, on faststart and non-faststart files.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from bench.common import OUT, best_of, ffmpeg, long_recording, report
from podcast_tool import containers
from podcast_tool.model import Chapter, Episode

#: The 9 chapters of chapters/travail-pair-2020-12-18.md (starts in ms).
SEED_CHAPTERS = [
    (20_000, "Mot d'accueil de Daniel Delaveau"),
    (420_000, "Introduction du sujet par Adrien Bréger"),
    (860_000, "Tableau Ronde 1 : Pourquoi développer le travail pair ?"),
    (3_515_000, "Questions du public"),
    (3_817_000, "Anne Postic, Commissaire à la Stratégie de prévention et de lutte contre la "
                "pauvreté dans les Pays de la Loire"),
    (4_665_000, "Ludovic Magnier, Commissaire à la Stratégie de prévention et de lutte contre la "
                "pauvreté en Bretagne"),
    (5_440_000, "Tableau Ronde 2 : Comment réunir les conditions nécessaires à la réussite du "
                "travail pair ?"),
    (8_165_000, "Questions du public"),
    (8_905_000, "Jean-Claude Laurent, Président de la FAS des Pays de la Loire : Conclusion et "
                "remerciements"),
]
TARGET = 0.15


def ffmetadata(path: Path) -> Path:
    lines = [";FFMETADATA1"]
    for start, title in SEED_CHAPTERS:
        lines += ["[CHAPTER]", "TIMEBASE=1/1000", f"START={start}", f"END={start}", f"title={title}"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def main() -> None:
    episode = Episode(chapters=[Chapter(start_ms=start, title=title)
                                for start, title in SEED_CHAPTERS])
    meta = ffmetadata(OUT / "bench-mp4-chapters.txt")
    for label, extra in (("non-faststart", ()), ("faststart", ("-movflags", "+faststart"))):
        source = long_recording("m4a", extra=extra)
        work = OUT / f"bench-mp4-work-{label}.m4a"
        remuxed = OUT / f"bench-mp4-ffmpeg-{label}.m4a"
        try:
            ours = best_of(lambda work=work: containers.write_chapters(work, episode),
                           setup=lambda source=source, work=work: shutil.copyfile(source, work))
            written = len(containers.read_chapters(work).chapters)
            if written != len(SEED_CHAPTERS):
                raise RuntimeError(f"read back {written} chapters, expected {len(SEED_CHAPTERS)}")
            theirs = best_of(lambda source=source, remuxed=remuxed: ffmpeg(
                "-i", source, "-i", meta, "-map", "0", "-map_chapters", "1", "-c", "copy", remuxed))
        finally:
            work.unlink(missing_ok=True)
            remuxed.unlink(missing_ok=True)
        mb = source.stat().st_size / 1e6
        report(f"tag 2.5 h M4A ({label}, {mb:.0f} MB) vs ffmpeg remux", ours, theirs, TARGET)


if __name__ == "__main__":
    main()

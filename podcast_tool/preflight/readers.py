"""How apps turn the stored chapters into a list: the readings several apps share."""

from __future__ import annotations

from dataclasses import replace

from podcast_tool.model import Chapter
from podcast_tool.preflight.facts import ROLE_LABELS, Facts, Sidecar
from podcast_tool.preflight.rules import Reading


def id3_chapters(facts: Facts, *, file_order: bool = False) -> list[Chapter]:
    """The CHAP frames as chapters, by start time (or as they stand in the file)."""
    if facts.id3 is None:
        return []
    chapters = [Chapter(start_ms=c.start_ms, end_ms=c.end_ms, title=c.title or "",
                        description=c.description, url=c.url, image_data=c.image,
                        image_mime=c.image_mime)
                for c in facts.id3.chapters]
    return chapters if file_order else sorted(chapters, key=lambda c: c.start_ms)


def track_chapters(facts: Facts) -> list[Chapter]:
    """Every sample of the QuickTime chapter track, a leading untitled one included."""
    if facts.mp4 is None or not facts.mp4.track:
        return []
    return [Chapter(start_ms=s.start_ms, end_ms=s.end_ms, title=s.title, url=s.href,
                    image_data=s.image) for s in facts.mp4.track]


def chpl_chapters(facts: Facts) -> list[Chapter]:
    if facts.mp4 is None or not facts.mp4.chpl:
        return []
    return [Chapter(start_ms=e.start_ms, title=e.title) for e in facts.mp4.chpl]


def vorbis_chapters(facts: Facts) -> list[Chapter]:
    from podcast_tool.containers.vorbis.comments import chapters_from_comments

    return chapters_from_comments(facts.vorbis or [])


def from_sidecar(sidecar: Sidecar | None, **shows: bool) -> Reading:
    if sidecar is None or not sidecar.chapters:
        return Reading()
    return Reading(source=f"{ROLE_LABELS[sidecar.role or '']} {sidecar.path.name}",
                   chapters=[replace(c) for c in sidecar.chapters], **shows)


def embedded(facts: Facts, label: str, chapters: list[Chapter], **shows: bool) -> Reading:
    if not chapters:
        return Reading()
    return Reading(source=label, chapters=chapters, **shows)


ID3_LABEL = "MP3 ID3 CHAP"
TRACK_LABEL = "MP4 chapter track"
CHPL_LABEL = "MP4 chpl"
VORBIS_LABEL = "Vorbis comments"

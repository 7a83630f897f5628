"""The simple chapters.txt of mp3chaps and mp4v2: one ``HH:MM:SS.mmm Title`` line per chapter.

The title runs to the end of the line, so it cannot hold a line break (the
export fails on one); no end times.
"""

from __future__ import annotations

import re
from pathlib import Path

from podcast_tool.errors import ChapterFormatError
from podcast_tool.formats import ExportOptions
from podcast_tool.formats.common import check_text, export_chapters, parse_hms
from podcast_tool.i18n import N_, _
from podcast_tool.model import Chapter, Diagnostic, Episode
from podcast_tool.outline.timecodes import format_hms_ms

LINE_RE = re.compile(r"(\d+:\d\d:\d\d(?:[.,]\d+)?)(?:[ \t](.*))?")
SNIFF_RE = re.compile(r"\d{2,}:\d\d:\d\d\.\d{3}(?: .*)?")


class ChaptersTxtFormat:
    name = "chapters-txt"
    label = N_("chapters.txt (mp3chaps, mp4v2)")
    extensions = (".txt",)
    keeps: frozenset[str] = frozenset()

    def sniff(self, text: str) -> bool:
        lines = [line for line in text.removeprefix("\ufeff").split("\n") if line.strip()]
        return bool(lines) and all(SNIFF_RE.fullmatch(line) for line in lines[:20])

    def dump(self, episode: Episode, options: ExportOptions) -> tuple[str, list[Diagnostic]]:
        lines = []
        for chapter in export_chapters(episode, options):
            check_text(chapter.title, "the title", self.label, chapter, episode.source, allowed="\t")
            time = format_hms_ms(chapter.start_ms)
            lines.append(f"{time} {chapter.title}" if chapter.title else time)
        return "".join(line + "\n" for line in lines), []

    def load(self, text: str, source: Path | None = None) -> tuple[Episode, list[Diagnostic]]:
        chapters = []
        for number, line in enumerate(text.removeprefix("\ufeff").split("\n"), start=1):
            if not line.strip():
                continue
            match = LINE_RE.fullmatch(line.lstrip())
            start = parse_hms(match.group(1)) if match else None
            if match is None or start is None:
                raise ChapterFormatError(_("expected a chapter line like 00:07:00.000 Title"),
                                         path=source, line=number, column=1)
            chapters.append(Chapter(start_ms=start, title=match.group(2) or "", line=number))
        chapters.sort(key=lambda c: c.start_ms)
        return Episode(chapters=chapters, source=source), []


FORMAT = ChaptersTxtFormat()

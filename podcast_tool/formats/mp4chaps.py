"""OGM / mp4chaps chapter text: ``CHAPTER01=00:00:20.000`` then ``CHAPTER01NAME=title``.

Numbers have two digits, more past 99. A name runs to the end of its line, so it
cannot hold a line break (the export fails on one); no end times.
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

LINE_RE = re.compile(r"CHAPTER(\d+)(NAME)?=(.*)", re.IGNORECASE)


class Mp4ChapsFormat:
    name = "mp4chaps"
    label = N_("OGM / mp4chaps chapters")
    extensions = (".txt", ".chapters")
    keeps: frozenset[str] = frozenset()

    def sniff(self, text: str) -> bool:
        first = next((line for line in text.removeprefix("\ufeff").split("\n") if line.strip()), "")
        return re.match(r"CHAPTER\d+=", first.strip(), re.IGNORECASE) is not None

    def dump(self, episode: Episode, options: ExportOptions) -> tuple[str, list[Diagnostic]]:
        chapters = export_chapters(episode, options)
        width = max(2, len(str(len(chapters))))
        lines = []
        for number, chapter in enumerate(chapters, start=1):
            check_text(chapter.title, "the title", self.label, chapter, episode.source, allowed="\t")
            key = f"CHAPTER{number:0{width}d}"
            lines += [f"{key}={format_hms_ms(chapter.start_ms)}", f"{key}NAME={chapter.title}"]
        return "".join(line + "\n" for line in lines), []

    def load(self, text: str, source: Path | None = None) -> tuple[Episode, list[Diagnostic]]:
        by_number: dict[int, Chapter] = {}
        names: dict[int, str] = {}
        for line_number, line in enumerate(text.removeprefix("\ufeff").split("\n"), start=1):
            if not line.strip():
                continue
            match = LINE_RE.match(line.lstrip())
            if match is None:
                raise ChapterFormatError(_("expected CHAPTERnn=HH:MM:SS.mmm or CHAPTERnnNAME=title"),
                                         path=source, line=line_number, column=1)
            number = int(match.group(1))
            if match.group(2):
                names[number] = match.group(3)
                continue
            start = parse_hms(match.group(3).strip())
            if start is None:
                raise ChapterFormatError(_("{group!r} is not a time like 00:07:00.000").format(
                                             group=match.group(3)),
                                         path=source, line=line_number,
                                         column=line.index("=") + 2)
            if number in by_number:
                raise ChapterFormatError(_("CHAPTER{group} is given twice").format(group=match.group(1)),
                                         path=source, line=line_number)
            by_number[number] = Chapter(start_ms=start, title="", line=line_number)
        for number, name in names.items():
            if number not in by_number:
                raise ChapterFormatError(_("CHAPTER{number:02d}NAME without CHAPTER{number:02d}=").format(
                                             number=number),
                                         path=source)
            by_number[number].title = name
        chapters = sorted(by_number.values(), key=lambda c: c.start_ms)
        return Episode(chapters=chapters, source=source), []


FORMAT = Mp4ChapsFormat()

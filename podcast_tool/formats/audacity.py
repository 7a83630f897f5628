"""Audacity label tracks: ``start<TAB>end<TAB>label``, seconds with six decimals.

A chapter with a written end becomes a region label, one without a point label
(start = end), so ends round-trip exactly. Reading also skips the ``\\<TAB>low<TAB>high``
frequency lines Audacity writes after spectral labels, and accepts a comma as the
decimal mark (some locales). A label cannot hold a tab or a line break: such a
title makes the export fail.
"""

from __future__ import annotations

import re
from pathlib import Path

from podcast_tool.errors import ChapterFormatError
from podcast_tool.formats import ExportOptions
from podcast_tool.formats.common import check_text, export_chapters, parse_seconds
from podcast_tool.i18n import N_, _
from podcast_tool.model import Chapter, Diagnostic, Episode

SECONDS = r"\d+(?:[.,]\d*)?"
SNIFF_RE = re.compile(rf"{SECONDS}\t{SECONDS}(?:\t.*)?")


def six_decimals(ms: int) -> str:
    seconds, millis = divmod(ms, 1000)
    return f"{seconds}.{millis:03d}000"


class AudacityFormat:
    name = "audacity"
    label = N_("Audacity labels")
    extensions = (".txt",)
    keeps = frozenset({"end"})

    def sniff(self, text: str) -> bool:
        first = next((line for line in text.removeprefix("\ufeff").split("\n") if line.strip()), "")
        return SNIFF_RE.fullmatch(first) is not None

    def dump(self, episode: Episode, options: ExportOptions) -> tuple[str, list[Diagnostic]]:
        lines = []
        for chapter in export_chapters(episode, options):
            check_text(chapter.title, "the label", self.label, chapter, episode.source)
            end = chapter.end_ms if chapter.end_ms is not None else chapter.start_ms
            lines.append(f"{six_decimals(chapter.start_ms)}\t{six_decimals(end)}\t{chapter.title}")
        return "".join(line + "\n" for line in lines), []

    def load(self, text: str, source: Path | None = None) -> tuple[Episode, list[Diagnostic]]:
        chapters = []
        for number, line in enumerate(text.removeprefix("\ufeff").split("\n"), start=1):
            if not line.strip() or line.startswith("\\"):
                continue  # blank, or the frequency range of the spectral label above
            fields = line.split("\t", 2)
            start = parse_seconds(fields[0].strip())
            if start is None:
                raise ChapterFormatError(
                    _("a label line starts with its time in seconds, not {fields!r}").format(
                        fields=fields[0]),
                    path=source, line=number, column=1)
            end: int | None = None
            title = ""
            if len(fields) >= 2:
                end = parse_seconds(fields[1].strip())
                if end is None:
                    if len(fields) == 3:
                        raise ChapterFormatError(
                            _("the second column is the end time in seconds, not {fields!r}").format(
                                fields=fields[1]),
                            path=source, line=number, column=len(fields[0]) + 2)
                    title = fields[1]  # "start<TAB>label": a point label
                elif len(fields) == 3:
                    title = fields[2]
            chapters.append(Chapter(start_ms=start, end_ms=None if end == start else end,
                                    title=title, line=number))
        chapters.sort(key=lambda c: c.start_ms)
        return Episode(chapters=chapters, source=source), []


FORMAT = AudacityFormat()

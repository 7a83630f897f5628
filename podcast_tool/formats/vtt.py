"""WebVTT chapters, for HTML5 ``<track kind="chapters">``.

Every cue needs an end: a chapter's written end, else the next chapter's start,
else the audio's duration (``--audio``); without any of them the export fails
rather than invent one. On reading, an end equal to the next start is the
implied one and comes back as "no written end", so ends round-trip as effective
ends. Cue text is chapter title text: ``&``, ``<`` and ``>`` are escaped, and a
title may span lines as long as none of them is blank or holds ``-->``.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

from podcast_tool.errors import ChapterFormatError
from podcast_tool.formats import ExportOptions
from podcast_tool.formats.common import (
    check_text,
    drop_implied_ends,
    export_chapters,
    fraction_ms,
    required_ends,
)
from podcast_tool.i18n import N_, _
from podcast_tool.model import Chapter, Diagnostic, Episode, Severity
from podcast_tool.outline.timecodes import format_hms_ms

TIMESTAMP = r"(?:(\d{2,}):)?([0-5]\d):([0-5]\d)\.(\d{3})"
TIMING_RE = re.compile(rf"\s*{TIMESTAMP}\s+-->\s+{TIMESTAMP}(?:\s+.*)?")
TAG_RE = re.compile(r"<[^>]*>")


def timestamp_ms(hours: str | None, minutes: str, seconds: str, millis: str) -> int:
    return ((int(hours or 0) * 60 + int(minutes)) * 60 + int(seconds)) * 1000 + fraction_ms(millis)


def escape(title: str) -> str:
    return title.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class WebVttFormat:
    name = "vtt"
    label = N_("WebVTT chapters")
    extensions = (".vtt",)
    keeps = frozenset({"end"})

    def sniff(self, text: str) -> bool:
        return re.match(r"\ufeff?WEBVTT(?:[ \t\n]|$)", text) is not None

    def dump(self, episode: Episode, options: ExportOptions) -> tuple[str, list[Diagnostic]]:
        chapters = export_chapters(episode, options)
        ends = required_ends(chapters, episode, options, self.label)
        blocks = ["WEBVTT"]
        for chapter, end in zip(chapters, ends, strict=True):
            check_text(chapter.title, "the title", self.label, chapter, episode.source, allowed="\t\n")
            lines = chapter.title.split("\n")
            if len(lines) > 1 and any(not line.strip() for line in lines):
                raise ChapterFormatError(
                    _("{label} cannot hold a blank line inside the title {title!r}").format(
                        label=_(self.label), title=chapter.title),
                    path=episode.source, line=chapter.line)
            if "-->" in chapter.title:
                raise ChapterFormatError(
                    _('{label} cannot hold "-->" in the title {title!r}').format(
                        label=_(self.label), title=chapter.title),
                    path=episode.source, line=chapter.line, hint=_('write it as "->" or "→"'))
            timing = f"{format_hms_ms(chapter.start_ms)} --> {format_hms_ms(end)}"
            blocks.append(f"{timing}\n{escape(chapter.title)}")
        return "\n\n".join(blocks) + "\n", []

    def load(self, text: str, source: Path | None = None) -> tuple[Episode, list[Diagnostic]]:
        lines = text.removeprefix("\ufeff").split("\n")
        if not self.sniff(lines[0] + "\n"):
            raise ChapterFormatError(_("not WebVTT: the first line must be WEBVTT"), path=source, line=1)
        diagnostics: list[Diagnostic] = []
        chapters: list[Chapter] = []
        for first_line, block in _blocks(lines):
            if first_line == 1 or re.match(r"(NOTE|STYLE|REGION)(?:[ \t]|$)", block[0]):
                continue  # the header, comments, style sheets and regions hold no chapter
            timing_index = next((i for i, line in enumerate(block[:2]) if "-->" in line), None)
            if timing_index is None:
                diagnostics.append(Diagnostic(
                    Severity.WARNING, "vtt-not-a-cue", _("a block without a cue timing line; skipped"),
                    file=str(source) if source else None, line=first_line))
                continue
            line_number = first_line + timing_index
            match = TIMING_RE.fullmatch(block[timing_index])
            if match is None:
                raise ChapterFormatError(
                    _("malformed cue timing (expected like 00:00:20.000 --> 00:07:00.000)"),
                    path=source, line=line_number)
            start = timestamp_ms(*match.groups()[:4])
            end = timestamp_ms(*match.groups()[4:])
            payload = "\n".join(block[timing_index + 1:])
            title = html.unescape(TAG_RE.sub("", payload))
            chapters.append(Chapter(start_ms=start, end_ms=end, title=title, line=line_number))
        chapters.sort(key=lambda c: c.start_ms)
        drop_implied_ends(chapters)
        return Episode(chapters=chapters, source=source), diagnostics


def _blocks(lines: list[str]) -> list[tuple[int, list[str]]]:
    """Blocks of non-blank lines, each with its first (1-based) line number."""
    blocks: list[tuple[int, list[str]]] = []
    current: list[str] = []
    for number, line in enumerate(lines, start=1):
        if line.strip():
            if not current:
                blocks.append((number, current))
            current.append(line)
        else:
            current = []
    return blocks


FORMAT = WebVttFormat()

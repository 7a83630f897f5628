"""FFmetadata, ffmpeg's own metadata file (``ffmpeg -i audio -i meta.txt -map_chapters 1``).

Written: ``;FFMETADATA1``, the episode title, then per chapter ``[CHAPTER]`` with
``TIMEBASE=1/1000``, ``START``, ``END`` and ``title`` in the order ffmpeg's reader
expects. Every chapter needs an END (see vtt.py for the rule). Values escape
``=``, ``;``, ``#``, ``\\`` and line breaks with a backslash, as ffmpeg does; a
carriage return or other control character cannot be written. Reading honours
any TIMEBASE (ffmpeg's default, without one, is nanoseconds).
"""

from __future__ import annotations

import re
from fractions import Fraction
from pathlib import Path

from podcast_tool.errors import ChapterFormatError
from podcast_tool.formats import ExportOptions
from podcast_tool.formats.common import check_text, drop_implied_ends, export_chapters, required_ends
from podcast_tool.i18n import _
from podcast_tool.model import Chapter, Diagnostic, Episode, Severity

HEADER = ";FFMETADATA1"
SPECIAL = "=;#\\\n"
#: ffmpeg's reader assumes nanoseconds when a chapter has no TIMEBASE.
DEFAULT_TIMEBASE = Fraction(1, 1_000_000_000)


def escape(value: str) -> str:
    return "".join("\\" + c if c in SPECIAL else c for c in value)


class LogicalLine:
    """One ``key=value`` line after unescaping, with the first physical line it started on."""

    def __init__(self, number: int) -> None:
        self.number = number
        self.chars: list[str] = []
        #: Index of the first unescaped ``=``, if any.
        self.equals: int | None = None
        self.first_escaped = False

    @property
    def text(self) -> str:
        return "".join(self.chars)


def logical_lines(text: str) -> list[LogicalLine]:
    """Split on unescaped line breaks, unescaping as we go (an escaped break continues the line)."""
    lines: list[LogicalLine] = []
    number = 1
    current = LogicalLine(number)
    index = 0
    while index < len(text):
        character = text[index]
        if character == "\\" and index + 1 < len(text):
            index += 1
            character = text[index]
            if not current.chars:
                current.first_escaped = True
            current.chars.append(character)
            if character == "\n":
                number += 1
        elif character == "\n":
            lines.append(current)
            number += 1
            current = LogicalLine(number)
        else:
            if character == "=" and current.equals is None:
                current.equals = len(current.chars)
            current.chars.append(character)
        index += 1
    lines.append(current)
    return lines


class FfmetadataFormat:
    name = "ffmetadata"
    label = "FFmetadata"
    extensions = (".ffmetadata", ".ffmeta")
    keeps = frozenset({"end"})

    def sniff(self, text: str) -> bool:
        return text.removeprefix("\ufeff").startswith(HEADER)

    def dump(self, episode: Episode, options: ExportOptions) -> tuple[str, list[Diagnostic]]:
        chapters = export_chapters(episode, options)
        ends = required_ends(chapters, episode, options, self.label)
        lines = [HEADER]
        if episode.title:
            check_text(episode.title, "the episode title", self.label, None, episode.source,
                       allowed="\t\n")
            lines.append(f"title={escape(episode.title)}")
        for chapter, end in zip(chapters, ends, strict=True):
            check_text(chapter.title, "the title", self.label, chapter, episode.source, allowed="\t\n")
            lines += ["", "[CHAPTER]", "TIMEBASE=1/1000", f"START={chapter.start_ms}", f"END={end}",
                      f"title={escape(chapter.title)}"]
        return "\n".join(lines) + "\n", []

    def load(self, text: str, source: Path | None = None) -> tuple[Episode, list[Diagnostic]]:
        text = text.removeprefix("\ufeff")
        if not text.startswith(HEADER):
            raise ChapterFormatError(_("not FFmetadata: the first line must be {header}").format(
                                         header=HEADER),
                                     path=source, line=1)
        file = str(source) if source else None
        diagnostics: list[Diagnostic] = []
        title: str | None = None
        section: str | None = None
        chapters: list[Chapter] = []
        fields: list[dict[str, str]] = []
        for line in logical_lines(text)[1:]:
            raw = line.text
            if not raw or (not line.first_escaped and raw[0] in ";#"):
                continue
            if raw.startswith("[") and raw.endswith("]") and line.equals is None:
                section = raw[1:-1].upper()
                if section == "CHAPTER":
                    chapters.append(Chapter(start_ms=-1, title="", line=line.number))
                    fields.append({})
                continue
            if line.equals is None:
                raise ChapterFormatError(_("expected key=value"), path=source, line=line.number)
            key, value = raw[:line.equals], raw[line.equals + 1:]
            if section is None and key.lower() == "title":
                title = value
            elif section == "CHAPTER":
                is_time = key.upper() in ("TIMEBASE", "START", "END")
                fields[-1][key.upper() if is_time else key.lower()] = value
        for chapter, values in zip(chapters, fields, strict=True):
            self._fill(chapter, values, source)
        chapters.sort(key=lambda c: c.start_ms)
        drop_implied_ends(chapters)
        if any("TIMEBASE" not in values for values in fields):
            diagnostics.append(Diagnostic(
                Severity.INFO, "ffmetadata-timebase",
                _("a [CHAPTER] has no TIMEBASE: its START and END were read in nanoseconds, as "
                  "ffmpeg does"),
                file=file))
        return Episode(chapters=chapters, title=title or None, source=source), diagnostics

    def _fill(self, chapter: Chapter, values: dict[str, str], source: Path | None) -> None:
        timebase = DEFAULT_TIMEBASE
        if "TIMEBASE" in values:
            match = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+)\s*", values["TIMEBASE"])
            if match is None or int(match.group(1)) == 0 or int(match.group(2)) == 0:
                raise ChapterFormatError(_("TIMEBASE={values} is not like 1/1000").format(
                                             values=values['TIMEBASE']),
                                         path=source, line=chapter.line)
            timebase = Fraction(int(match.group(1)), int(match.group(2)))
        if "START" not in values:
            raise ChapterFormatError(_("this [CHAPTER] has no START"), path=source, line=chapter.line)
        chapter.start_ms = self._time(values["START"], "START", timebase, chapter, source)
        if "END" in values:
            chapter.end_ms = self._time(values["END"], "END", timebase, chapter, source)
        chapter.title = values.get("title", "")

    def _time(self, value: str, key: str, timebase: Fraction, chapter: Chapter,
              source: Path | None) -> int:
        if not re.fullmatch(r"\s*\d+\s*", value):
            raise ChapterFormatError(_("{key}={value} is not a whole number of time units").format(
                                         key=key, value=value),
                                     path=source, line=chapter.line)
        return round(int(value) * timebase * 1000)


FORMAT = FfmetadataFormat()

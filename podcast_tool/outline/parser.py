"""The outline parser: chapters from the timestamped text people already write.

Rules:

- A line whose first words are a time or a time range starts a chapter. Before the time may stand
  list markers (``-`` ``*`` ``+`` ``1.``), quote marks ``>``, heading ``#``s, emphasis, ``[`` or
  ``(``, and ``de``/``from``. Times: ``0'20``, ``1'03''37``, ``2’28’’25``, ``0:20``,
  ``01:03:37.500``, ``20 s``, ``7 min 10``, ``1h03m37s``; ranges ``A à B``, ``de A à B``,
  ``A - B``, ``A – B``, ``A — B``, ``A to B``.
- The rest of the line is the title (Markdown removed); ``**Title** *Description*`` gives both.
  ``[text](https://…)`` gives the chapter's URL (the title keeps ``text``), ``![alt](image.jpg)``
  its image; links and images in the notes count when the line has none.
- ``{hidden}`` (or ``{masqué}``, ``{toc: false}``) at the end of a chapter line marks it hidden:
  a chapter for metadata only (Podcasting 2.0 JSON ``toc: false``), not for tables of contents.
- The lines after a chapter, up to the next one, are its notes (kept as Markdown for show notes).
  A note line that must begin with a time escapes it with a backslash: ``\\0:20 …``.
- Two-field times (``1'30``, ``1:30``) are minutes and seconds, unless that would put a chapter
  before the previous one (or an end before its start) while hours and minutes would not: the
  hours reading is then taken and reported as an info diagnostic.
- The episode's title is the first ``# Heading`` before the first chapter, else the last line
  before the first chapter when it ends with ``:`` or carries a date (see
  ``outline_text.document_title`` for how the title text is trimmed).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from podcast_tool.errors import OutlineError
from podcast_tool.i18n import _
from podcast_tool.model import Chapter, Diagnostic, Episode, Severity
from podcast_tool.outline.text import (
    CONTROL_CHARACTERS,
    document_title,
    extract_links,
    find_date,
    first_links,
    is_web_url,
    remove_controls,
    split_title,
)
from podcast_tool.outline.timecodes import TimeToken, TimeValueError, match_time, render_like

#: An ambiguous ``1'30`` is read as 1 h 30 only if that is at most this long after the chapter
#: before it (or after its own start, for an end)…
MAX_HOURS_READING_JUMP_MS = 90 * 60_000
#: …and only once the outline is this far in (earlier, a time going backwards is a typo).
MIN_HOURS_READING_CONTEXT_MS = 30 * 60_000
#: How far into a line the time may stand (markers, emphasis, brackets before it).
MAX_PREFIX = 40
_PREFIX_CHARACTERS = frozenset(" \t\u00a0\u202f\ufeff>#-*+•_[(~`")
#: Spaces, including the no-break spaces French typography puts before ``:`` and units.
_SPACE = "[ \t\u00a0\u202f]"
_ORDERED_MARKER = re.compile(rf"\d{{1,9}}[.)]{_SPACE}")
_LEAD_WORD = re.compile(rf"(?:de|du|from){_SPACE}{{1,3}}", re.IGNORECASE)
_CLOSERS = re.compile(r"[*_\])]{0,4}")
_OPENERS = re.compile(r"[*_\[(]{0,4}")
_RANGE_SEPARATOR = re.compile(
    rf"{_SPACE}{{1,4}}(?:à|a|au|to|jusqu['’]à){_SPACE}{{1,4}}|{_SPACE}{{0,4}}(?:--?>?|–|—|→|~){_SPACE}{{0,4}}",
    re.IGNORECASE)
_LINKED_TIME = re.compile(r"\((?P<target>[^()\s]{0,2000})\)")
_TITLE_SEPARATOR = re.compile(rf"{_SPACE}{{0,8}}(?:[-–—|:>→]{_SPACE}{{0,8}}|[.,;]{_SPACE}{{1,8}})?")
_HEADING = re.compile(r"[ \t]{0,3}#[ \t]+(?P<text>.{0,300})")
_BLANK_RUNS = re.compile(r"\n{3,}")
#: ``{hidden}`` ending a chapter line: a chapter left out of tables of contents.
HIDDEN_MARK = re.compile(r"[ \t]{0,20}\{[ \t]{0,5}(?:hidden|masqu[ée]|toc[ \t]{0,3}[:=][ \t]{0,3}false)"
                         r"[ \t]{0,5}\}[ \t]{0,20}$", re.IGNORECASE)


@dataclass
class LineTimes:
    """Where a chapter line's times stand, and the rest of the line."""

    start: TimeToken
    end: TimeToken | None
    rest: str
    #: ``**`` or ``__`` opened before the time and not closed after it.
    open_bold: str | None = None
    #: A link around the time itself: ``[00:20](https://…) Title``.
    url: str | None = None


@dataclass
class ChapterLine:
    chapter: Chapter
    times: LineTimes
    #: Offset of the line in the text (token offsets are relative to their line).
    offset: int
    notes: list[str] = field(default_factory=list)


@dataclass
class Scan:
    chapters: list[ChapterLine]
    preamble: list[str]
    diagnostics: list[Diagnostic]


def _time_position(line: str, position: int = 0) -> tuple[int, bool] | None:
    """Where a chapter's time would stand in ``line``, and whether a backslash escapes it."""
    length = min(len(line), MAX_PREFIX)
    while position < length:
        char = line[position]
        if char.isdigit():
            return position, False
        if char in _PREFIX_CHARACTERS:
            position += 1
        elif char == "\\":
            run_end = position
            while run_end < length and line[run_end] == "\\":
                run_end += 1
            return (run_end, True) if line[run_end:run_end + 1].isdigit() else None
        else:
            lead = _LEAD_WORD.match(line, position)
            if lead is None or not line[lead.end():lead.end() + 1].isdigit():
                return None
            position = lead.end()
    return None


def read_line_times(line: str) -> LineTimes | None:
    """The times that start ``line`` as a chapter, or None. Raises ``TimeValueError``."""
    found = _time_position(line)
    start = None
    while start is None:
        if found is None or found[1]:
            return None
        start = match_time(line, found[0])
        if start is None:
            # ``1. 0:20 Title``: an ordered list marker before the time.
            marker = _ORDERED_MARKER.match(line, found[0])
            found = _time_position(line, marker.end()) if marker else None
    prefix = line[:start.start]
    times = LineTimes(start=start, end=None, rest="")
    position = _CLOSERS.match(line, start.end).end()
    closers = line[start.end:position]
    end = _range_end(line, start.end)
    if end is not None:
        times.end = end
        position = _CLOSERS.match(line, end.end).end()
        closers += line[end.end:position]
    elif "]" in closers and line.startswith("(", position):
        target = _LINKED_TIME.match(line, position)
        if target is not None:
            times.url = target["target"] if is_web_url(target["target"]) else None
            position = target.end()
    for marker in ("**", "__"):
        if prefix.count(marker) > closers.count(marker):
            times.open_bold = marker
    position = _TITLE_SEPARATOR.match(line, position).end()
    times.rest = line[position:]
    return times


def _range_end(line: str, position: int) -> TimeToken | None:
    position = _CLOSERS.match(line, position).end()
    separator = _RANGE_SEPARATOR.match(line, position)
    if separator is None or separator.end() == position:
        return None
    position = _OPENERS.match(line, separator.end()).end()
    try:
        return match_time(line, position)
    except TimeValueError:
        return None


def _lines(text: str) -> Iterator[tuple[int, int, str]]:
    """(number, offset, line without its newline or carriage return) for each line."""
    offset = 0
    for number, raw in enumerate(text.split("\n"), start=1):
        yield number, offset, raw[:-1] if raw.endswith("\r") else raw
        offset += len(raw) + 1


def scan(text: str, file: str | None = None) -> Scan:
    """Every chapter line with its times, notes and diagnostics (shared by parse and retime)."""
    chapters: list[ChapterLine] = []
    preamble: list[str] = []
    diagnostics: list[Diagnostic] = []
    for number, offset, line in _lines(text):
        try:
            times = read_line_times(line)
        except TimeValueError as error:
            diagnostics.append(Diagnostic(
                Severity.WARNING, "invalid-time",
                _("{error}; the line was read as text").format(error=error), file, number,
                _("fix the time (minutes and seconds go from 00 to 59) to make this line a chapter")))
            times = None
        if times is None:
            (chapters[-1].notes if chapters else preamble).append(line)
            continue
        previous = chapters[-1].chapter.start_ms + 1 if chapters else 0
        start_ms = _resolve(times.start, previous, "start", file, number, diagnostics)
        end_ms = None
        if times.end is not None:
            end_ms = _resolve(times.end, start_ms + 1, "end", file, number, diagnostics)
        chapters.append(ChapterLine(_chapter(times, start_ms, end_ms, number, file, diagnostics),
                                    times, offset))
    for chapter_line in chapters:
        _attach_notes(chapter_line)
    return Scan(chapters, preamble, diagnostics)


def _resolve(token: TimeToken, not_before: int, role: str, file: str | None, number: int,
             diagnostics: list[Diagnostic]) -> int:
    """A two-field time read as hours and minutes when minutes and seconds break the order.

    Only where writing hours and minutes is plausible: the outline is already half an hour in,
    and the hours reading is at least an hour and lands soon after ``not_before``. ``1'30`` after
    1 h 20 is 1 h 30; ``3:00`` after ``5:00`` or ``1:20 à 1:10`` are typos that validation
    reports, not chapters at 3 hours or ending at 1 h 10.
    """
    if not token.ambiguous or token.ms >= not_before or not_before < MIN_HOURS_READING_CONTEXT_MS:
        return token.ms
    hours_minutes = token.as_hours_minutes()
    if hours_minutes < 3_600_000 or hours_minutes > not_before + MAX_HOURS_READING_JUMP_MS:
        return token.ms
    message = (_("read {text} as {hours} (hours and minutes): as minutes and seconds it would come "
                 "before the previous chapter's start") if role == "start"
               else _("read {text} as {hours} (hours and minutes): as minutes and seconds it would "
                      "come before the chapter's start"))
    hours = render_like(token, hours_minutes)
    diagnostics.append(Diagnostic(
        Severity.INFO, "ambiguous-time", message.format(text=token.text, hours=hours), file, number,
        _("write {hours} to say so explicitly").format(hours=hours)))
    return hours_minutes


def _chapter(times: LineTimes, start_ms: int, end_ms: int | None, number: int, file: str | None,
             diagnostics: list[Diagnostic]) -> Chapter:
    if CONTROL_CHARACTERS.search(times.rest):
        diagnostics.append(Diagnostic(
            Severity.INFO, "control-characters",
            _("removed invisible control characters from the title"),
            file, number, _("they usually come from copying text out of another program")))
    rest = remove_controls(times.rest)
    hidden = HIDDEN_MARK.search(rest)
    if hidden:
        rest = rest[:hidden.start()]
    links = extract_links(rest)
    title, description = split_title(links.text, times.open_bold)
    return Chapter(start_ms=start_ms, title=title, end_ms=end_ms, description=description,
                   url=times.url or links.url, image=links.image, toc=hidden is None, line=number)


def _attach_notes(chapter_line: ChapterLine) -> None:
    lines = [_unescape_time(remove_controls(line)).rstrip()
             for line in chapter_line.notes]
    notes = _BLANK_RUNS.sub("\n\n", "\n".join(lines)).strip("\n")
    chapter = chapter_line.chapter
    chapter.notes = notes
    if notes and (chapter.url is None or chapter.image is None) and "](" in notes:
        links = first_links(notes)
        chapter.url = chapter.url or links.url
        chapter.image = chapter.image or links.image


def _unescape_time(line: str) -> str:
    """``\\0:20 …`` in notes: the backslash only kept the line from starting a chapter.

    One backslash of a run before a digit goes, so any line can be written escaped (see
    ``escape_note_line``).
    """
    found = _time_position(line) if "\\" in line[:MAX_PREFIX] else None
    if found is not None and found[1]:
        return line[:found[0] - 1] + line[found[0]:]
    return line


def escape_note_line(line: str) -> str:
    """A notes line, with a backslash before a time that would otherwise start a chapter
    (or before backslashes the parser would take for such an escape)."""
    found = _time_position(line)
    if found is None:
        return line
    try:
        times = read_line_times(line)
    except TimeValueError:
        times = None
    position = times.start.start if times is not None else found[0]
    if times is None and not found[1]:
        return line
    return line[:position] + "\\" + line[position:]


def _episode_title(preamble: list[str], has_chapters: bool) -> tuple[str | None, dt.date | None]:
    heading = next((found["text"] for line in preamble if (found := _HEADING.match(line))), None)
    last_line = next((line.strip() for line in reversed(preamble) if line.strip()), "")
    title: str | None = None
    date: dt.date | None = None
    if heading is not None:
        title, date = document_title(heading.lstrip("\\"))
    title_like = last_line.endswith(":") or find_date(last_line[:300]) is not None
    if has_chapters and last_line and last_line[0] not in ">-*+|" and len(last_line) <= 300 and title_like:
        line_title, line_date = document_title(last_line)
        title = title or line_title
        date = date or line_date
    return title, date


def parse_outline(text: str, source: Path | None = None) -> tuple[Episode, list[Diagnostic]]:
    """The chapters of an outline (decoded text) and what was assumed while reading it."""
    file = str(source) if source is not None else None
    result = scan(text, file)
    title, date = _episode_title(result.preamble, bool(result.chapters))
    notations = Counter(line.times.start.notation for line in result.chapters)
    episode = Episode(
        chapters=[line.chapter for line in result.chapters],
        title=title,
        date=date,
        source=source,
        notation=notations.most_common(1)[0][0] if notations else None,
    )
    return episode, result.diagnostics


def retime_outline(text: str, new_times: list[tuple[int, int | None]]) -> str:
    """``text`` with each chapter's written times replaced by ``new_times`` (start, end).

    Each new time is written in the notation and style of the time it replaces; a chapter whose
    end was not written keeps none, and an end of None keeps the written one. Everything else
    is left byte for byte.
    """
    chapter_lines = scan(text).chapters
    if len(new_times) != len(chapter_lines):
        raise OutlineError(_("the outline has {chapters} chapters but {times} new times were "
                             "given").format(chapters=len(chapter_lines), times=len(new_times)),
                           hint=_("the outline may have changed meanwhile"))
    replacements: list[tuple[int, int, str]] = []
    for chapter_line, (start_ms, end_ms) in zip(chapter_lines, new_times, strict=True):
        times, offset = chapter_line.times, chapter_line.offset
        replacements.append((offset + times.start.start, offset + times.start.end,
                             render_like(times.start, start_ms)))
        if times.end is not None and end_ms is not None:
            replacements.append((offset + times.end.start, offset + times.end.end,
                                 render_like(times.end, end_ms)))
    pieces = []
    position = 0
    for begin, end, replacement in replacements:
        pieces += [text[position:begin], replacement]
        position = end
    pieces.append(text[position:])
    return "".join(pieces)

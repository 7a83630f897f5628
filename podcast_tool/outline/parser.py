"""The outline parser: chapters from the timestamped text people already write.

Rules:

- A line with a time or a time range at its start (after list markers, emphasis, symbols or
  emoji), at its end after a separator (``Accueil (0'00)``), or in a table cell is a chapter
  line; see ``outline.lines`` for the shapes and ``outline.timecodes`` for the notations. A line
  shaped like one that cannot be read gets a diagnostic: no line is ever dropped silently.
- The rest of the line is the title (Markdown removed); ``**Title** *Description*`` gives both.
  ``[text](https://…)`` gives the chapter's URL (the title keeps ``text``), ``![alt](image.jpg)``
  its image; links and images in the notes count when the line has none.
- ``{hidden}`` (or ``{masqué}``, ``{toc: false}``) at the end of a chapter line marks it hidden:
  a chapter for metadata only (Podcasting 2.0 JSON ``toc: false``), not for tables of contents.
- The lines after a chapter, up to the next one, are its notes (kept as Markdown for show notes).
  A note line that must begin (or end) with a time escapes it with a backslash: ``\\0:20 …``.
- HTML entities (``&#39;``, ``&nbsp;``) are decoded, with one info diagnostic.
- Two-field times (``1'30``, ``1:30``) are minutes and seconds, unless that would put a chapter
  before the previous one (or an end before its start) while hours and minutes would not: the
  hours reading is then taken and reported as an info diagnostic.
- The episode's title is the first ``# Heading`` before the first chapter, else the last line
  before the first chapter when it ends with ``:`` or carries a date (see
  ``outline_text.document_title`` for how the title text is trimmed).
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from podcast_tool.errors import OutlineError
from podcast_tool.i18n import _
from podcast_tool.model import Chapter, Diagnostic, Episode, Severity
from podcast_tool.outline.lines import (
    MAX_PREFIX,
    LineNotRead,
    LineTimes,
    read_line_times,
    read_table_row,
    read_trailing_times,
    table_cells,
)
from podcast_tool.outline.lines import time_position as _time_position
from podcast_tool.outline.text import (
    CONTROL_CHARACTERS,
    document_title,
    extract_links,
    find_date,
    first_links,
    plain_text,
    remove_controls,
    split_title,
)
from podcast_tool.outline.timecodes import TimeToken, TimeValueError, render_like

#: An ambiguous ``1'30`` is read as 1 h 30 only if that is at most this long after the chapter
#: before it (or after its own start, for an end)…
MAX_HOURS_READING_JUMP_MS = 90 * 60_000
#: …and only once the outline is this far in (earlier, a time going backwards is a typo).
MIN_HOURS_READING_CONTEXT_MS = 30 * 60_000
_HEADING = re.compile(r"[ \t]{0,3}#[ \t]+(?P<text>.{0,300})")
_BLANK_RUNS = re.compile(r"\n{3,}")
#: ``{hidden}`` ending a chapter line: a chapter left out of tables of contents.
HIDDEN_MARK = re.compile(r"[ \t]{0,20}\{[ \t]{0,5}(?:hidden|masqu[ée]|toc[ \t]{0,3}[:=][ \t]{0,3}false)"
                         r"[ \t]{0,5}\}[ \t]{0,20}$", re.IGNORECASE)
#: A character reference (``&#39;``, ``&#x27;``) or a named entity (``&nbsp;``, ``&eacute;``).
_ENTITY = re.compile(r"&(?:#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")


@dataclass
class ChapterLine:
    chapter: Chapter
    times: LineTimes
    #: Offset of the line in the text (token offsets are relative to their line).
    offset: int
    notes: list[str] = field(default_factory=list)
    #: The line with its HTML entities decoded, when it had any (``times`` refer to it).
    decoded: str | None = None
    #: Length of the line as written.
    length: int = 0


@dataclass
class Scan:
    chapters: list[ChapterLine]
    preamble: list[str]
    diagnostics: list[Diagnostic]


def _read_times(line: str) -> LineTimes | None:
    """A chapter line's times, whatever its shape: a table row, time first, or title first."""
    if line.lstrip(" \u00a0").startswith("|"):
        return read_table_row(line, table_cells(line) or [])
    times = read_line_times(line)
    if times is not None:
        if "\t" in times.rest.strip():
            # ``0'20<tab>Accueil<tab>Marie``: a table copied out of a word processor.
            cells = [cell for cell in times.rest.split("\t") if cell.strip()]
            times.rest, times.cells = cells[0], cells[1:]
        return times
    if "\t" in line.strip():
        row = read_table_row(line, table_cells(line) or [])
        if row is not None:
            return row
    return read_trailing_times(line)


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
    decoded_any = False
    for number, offset, written in _lines(text):
        line = written
        if "&" in line and _ENTITY.search(line):
            line = html.unescape(line)
            if not decoded_any:
                decoded_any = True
                diagnostics.append(Diagnostic(
                    Severity.INFO, "html-entities",
                    _("decoded HTML entities (&#39;, &nbsp;, &eacute;…) into the characters they "
                      "stand for"),
                    file, number, _("they usually come from copying text out of a web page's source")))
        try:
            times = _read_times(line)
        except TimeValueError as error:
            diagnostics.append(Diagnostic(
                Severity.WARNING, "invalid-time",
                _("{error}; the line was read as text").format(error=error), file, number,
                _("fix the time (minutes and seconds go from 00 to 59) to make this line a chapter")))
            times = None
        except LineNotRead as error:
            diagnostics.append(Diagnostic(Severity.INFO, "time-like-text", str(error), file, number,
                                          error.hint))
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
                                    times, offset, decoded=line if line is not written else None,
                                    length=len(written)))
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
    if times.cells:
        cells = [plain_text(extract_links(remove_controls(cell)).text) for cell in times.cells]
        description = " – ".join(part for part in [description, *cells] if part)
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


def _safe_read(line: str) -> LineTimes | None:
    try:
        return _read_times(line)
    except (TimeValueError, LineNotRead):
        return None


#: Backslash runs before a digit further in the line (a trailing time, a table cell) that may
#: escape a time; only the first few are tried, so that a line costs linear time.
_ESCAPE_RUN = re.compile(r"\\{1,8}(?=\d)")
_MAX_ESCAPE_RUNS = 4


def _escaped_run(line: str) -> tuple[int, int] | None:
    """The backslash run (start, end) that keeps a trailing or table time from being read."""
    for index, run in enumerate(_ESCAPE_RUN.finditer(line)):
        if index == _MAX_ESCAPE_RUNS:
            break
        begin, end = run.span()
        times = _safe_read(line[:begin] + line[end:])
        if times is not None and times.start.start == begin:
            return begin, end
    return None


def _unescape_time(line: str) -> str:
    """``\\0:20 …`` in notes: the backslash only kept the line from being a chapter.

    One backslash of a run before a digit goes, so any line can be written escaped (see
    ``escape_note_line``): before a leading time, a trailing one (``Durée – \\7'00``) or a
    table cell's.
    """
    if "\\" not in line:
        return line
    found = _time_position(line) if "\\" in line[:MAX_PREFIX] else None
    if found is not None and found[1]:
        return line[:found[0] - 1] + line[found[0]:]
    run = _escaped_run(line)
    if run is not None:
        return line[:run[1] - 1] + line[run[1]:]
    return line


def keep_entities(line: str) -> str:
    """``line`` written so that reading it back gives it as it is: a line holding text that looks
    like an HTML entity (``&#0;``, ``&nbsp;``) would be decoded, so each of its ``&`` is written
    ``&amp;``."""
    return line.replace("&", "&amp;") if "&" in line and _ENTITY.search(line) else line


def escape_note_line(line: str) -> str:
    """A notes line, with a backslash before a time that would otherwise make it a chapter
    (or before backslashes the parser would take for such an escape)."""
    times = _safe_read(line)
    if times is not None:
        position = times.start.start
        return line[:position] + "\\" + line[position:]
    found = _time_position(line)
    if found is not None and found[1]:
        return line[:found[0]] + "\\" + line[found[0]:]
    if "\\" in line and (run := _escaped_run(line)) is not None:
        return line[:run[1]] + "\\" + line[run[1]:]
    return line


def _episode_title(preamble: list[str], has_chapters: bool
                   ) -> tuple[str | None, dt.date | None, set[int]]:
    """The title, the date, and the indexes of the preamble lines they were read from."""
    used: set[int] = set()
    heading_index = next((i for i, line in enumerate(preamble) if _HEADING.match(line)), None)
    last_index = next((i for i in reversed(range(len(preamble))) if preamble[i].strip()), None)
    last_line = preamble[last_index].strip() if last_index is not None else ""
    title: str | None = None
    date: dt.date | None = None
    if heading_index is not None:
        title, date = document_title(_HEADING.match(preamble[heading_index])["text"].lstrip("\\"))
        used.add(heading_index)
    title_like = last_line.endswith(":") or find_date(last_line[:300]) is not None
    if has_chapters and last_line and last_line[0] not in ">-*+|" and len(last_line) <= 300 and title_like:
        line_title, line_date = document_title(last_line)
        title = title or line_title
        date = date or line_date
        used.add(last_index)  # type: ignore[arg-type]
    return title, date, used


def _introduction(preamble: list[str], used: set[int]) -> str:
    lines = [remove_controls(line).rstrip() for i, line in enumerate(preamble) if i not in used]
    return _BLANK_RUNS.sub("\n\n", "\n".join(lines)).strip("\n")


def parse_outline(text: str, source: Path | None = None) -> tuple[Episode, list[Diagnostic]]:
    """The chapters of an outline (decoded text) and what was assumed while reading it."""
    file = str(source) if source is not None else None
    result = scan(text, file)
    title, date, title_lines = _episode_title(result.preamble, bool(result.chapters))
    notations = Counter(line.times.start.notation for line in result.chapters)
    episode = Episode(
        chapters=[line.chapter for line in result.chapters],
        title=title,
        date=date,
        source=source,
        notation=notations.most_common(1)[0][0] if notations else None,
        introduction=_introduction(result.preamble, title_lines),
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
        line_replacements = [(times.start.start, times.start.end, render_like(times.start, start_ms))]
        if times.end is not None and end_ms is not None:
            line_replacements.append((times.end.start, times.end.end, render_like(times.end, end_ms)))
        line_replacements.sort()
        if chapter_line.decoded is None:
            replacements += [(offset + begin, offset + end, new) for begin, end, new in line_replacements]
        else:
            # Token offsets refer to the decoded line: the whole line is written back decoded.
            replacements.append((offset, offset + chapter_line.length,
                                 _replace_spans(chapter_line.decoded, line_replacements)))
    return _replace_spans(text, replacements)


def _replace_spans(text: str, replacements: list[tuple[int, int, str]]) -> str:
    pieces = []
    position = 0
    for begin, end, replacement in replacements:
        pieces += [text[position:begin], replacement]
        position = end
    pieces.append(text[position:])
    return "".join(pieces)

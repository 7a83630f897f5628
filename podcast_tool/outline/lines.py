"""Where a chapter line's times stand: at its start, at its end, or in a table cell.

Shapes read here (the parser turns them into chapters):

- the time first, after list markers, quote marks, headings, emphasis, brackets, symbols or
  emoji (``- 0'20``, ``**0'20**``, ``🕐 10'00``, ``→ 3'20``, ``1. 0:20``, ``de 7'00 à 14'10``);
- the title first and the time last, after a separator (``Accueil (0'00)``,
  ``Présentation – 3'20``, ``Table ronde : 12'45``, ``Questions ........ 25'10``);
- a table row (``| 0'20 | Accueil | Marie |``, or cells separated by tabs): the time cell gives
  the start (and end), the first text cell the title, the others the description.

A line shaped like a chapter that cannot be read raises ``LineNotRead`` (or ``TimeValueError``
for impossible values): the parser turns both into a diagnostic on that line, never silence.
Every function looks at a bounded window of the line (``MAX_PREFIX``, ``MAX_SUFFIX``) or splits
it once, so reading a line costs time linear in its length.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace

from podcast_tool.i18n import _
from podcast_tool.outline.text import is_web_url
from podcast_tool.outline.timecodes import (
    DOUBLE_QUOTES,
    MINUTE_WORDS_PATTERN,
    SINGLE_QUOTES,
    SPACE,
    SPACES,
    TimeToken,
    TimeValueError,
    match_time,
)

#: How far into a line the time may stand (markers, emphasis, brackets, emoji before it).
MAX_PREFIX = 40
#: How far from the end of a line a trailing time may start (a range, closing brackets).
MAX_SUFFIX = 48
_PREFIX_CHARACTERS = frozenset(" \t\u00a0\u202f\ufeff>#-*+•_[(~`")
#: Symbols, punctuation, emoji and their modifiers (variation selectors, joiners, keycaps):
#: decoration before a time, never part of the title.
_PREFIX_CATEGORIES = frozenset({"So", "Sm", "Sk", "Pd", "Ps", "Pe", "Pi", "Pf", "Po", "Mn", "Me",
                                "Cf", "Zs"})
_ORDERED_MARKER = re.compile(rf"\d{{1,9}}[.)]{SPACE}")
_LEAD_WORD = re.compile(rf"(?:de|du|from|dès){SPACE}{{1,3}}", re.IGNORECASE)
_CLOSERS = re.compile(r"[*_\])]{0,4}")
_OPENERS = re.compile(r"[*_\[(]{0,4}")
_RANGE_SEPARATOR = re.compile(
    rf"{SPACE}{{1,4}}(?:à|a|au|to|jusqu['’]à|until){SPACE}{{1,4}}"
    rf"|{SPACE}{{0,4}}(?:--?>?|[–—‐‑‒−→~]){SPACE}{{0,4}}",
    re.IGNORECASE)
_LINKED_TIME = re.compile(r"\((?P<target>[^()\s]{0,2000})\)")
_TITLE_SEPARATOR = re.compile(
    rf"{SPACE}{{0,8}}(?:[-–—‐‑‒−|:>→]{SPACE}{{0,8}}|[.,;]{SPACE}{{1,8}})?")
#: After a spelt-out unit (``7 minutes``), what makes it a time: a mark, the line's end, or a
#: title's capital, digit or emphasis (``7 minutes de pause`` is a sentence).
_MARKED_SEPARATOR = re.compile(rf"{SPACE}{{0,8}}(?:[-–—‐‑‒−|:>→*_\[(«\"“]|$)|{SPACE}{{1,8}}(?=[^\W_a-zà-ÿ])")
#: Text shaped like the start of a time: digits and a quote, ``:``, ``h`` or a minute unit.
_TIME_LIKE = re.compile(
    rf"\d{{1,5}}{SPACE}?(?:[{SINGLE_QUOTES}{DOUBLE_QUOTES}]|:\d|[hH](?![^\W\d_])|[hH]\d|mn|min)")
#: What may stand between a title and its trailing time.
_TRAILING_MARKS = "(-–—‐‑‒−:|[→>.…·"
_END_CLOSERS = SPACES + ")]*_"
_TRAILING_LEAD_WORD = re.compile(rf"(?:^|{SPACE})(?:de|du|from|dès)$", re.IGNORECASE)
#: List markers, quote marks and heading marks before a title whose time ends the line.
_TITLE_MARKERS = re.compile(
    rf"{SPACE}{{0,8}}(?:[>#]{{1,6}}{SPACE}{{0,3}}){{0,4}}(?:(?:[-*+•]|\d{{1,9}}[.)]){SPACE}{{1,4}})?")
_TABLE_SEPARATOR_CELL = re.compile(r":?-{1,}:?|=+|\+?")


class LineNotRead(ValueError):
    """A line shaped like a chapter that was kept as text; says why, and how to write it."""

    def __init__(self, message: str, hint: str) -> None:
        super().__init__(message)
        self.hint = hint


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
    #: A table row's other text cells, for the description (None when not a table row).
    cells: list[str] | None = None


def quoted_time(text: str, message: str) -> str:
    from podcast_tool.i18n import quoted

    return message.format(text=quoted(text))


def _is_prefix(char: str) -> bool:
    return char in _PREFIX_CHARACTERS or unicodedata.category(char) in _PREFIX_CATEGORIES


def time_position(line: str, position: int = 0) -> tuple[int, bool] | None:
    """Where a chapter's time would stand in ``line``, and whether a backslash escapes it."""
    length = min(len(line), MAX_PREFIX)
    while position < length:
        char = line[position]
        if char.isdigit():
            return position, False
        if char == "\\":
            run_end = position
            while run_end < length and line[run_end] == "\\":
                run_end += 1
            return (run_end, True) if line[run_end:run_end + 1].isdigit() else None
        if _is_prefix(char):
            position += 1
            continue
        if MINUTE_WORDS_PATTERN.match(line, position):
            return position, False
        lead = _LEAD_WORD.match(line, position)
        if lead is None or not (line[lead.end():lead.end() + 1].isdigit()
                                or MINUTE_WORDS_PATTERN.match(line, lead.end())):
            return None
        position = lead.end()
    return None


def read_line_times(line: str) -> LineTimes | None:
    """The times that start ``line`` as a chapter, or None.

    Raises ``TimeValueError`` (impossible values) or ``LineNotRead`` (a time-like start that is
    not a time).
    """
    found = time_position(line)
    start = None
    while start is None:
        if found is None or found[1]:
            return None
        start = match_time(line, found[0])
        if start is None:
            if line[found[0] + 1:found[0] + 2] in ("\ufe0f", "\u20e3"):
                found = time_position(line, found[0] + 1)  # a keycap emoji: 1️⃣
                continue
            # ``1. 0:20 Title``: an ordered list marker before the time.
            marker = _ORDERED_MARKER.match(line, found[0])
            if marker is None:
                _refuse_time_like(line, found[0])
                return None
            found = time_position(line, marker.end())
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
    if start.spelt_out and end is None and not closers and not _MARKED_SEPARATOR.match(line, position):
        raise LineNotRead(quoted_time(start.text, _("{text} at the start of the line may be a time; "
                                                    "the line was read as text")),
                          _("to make it a chapter, write {time} : Title, or 7'00 Title").format(
                              time=start.text))
    for marker in ("**", "__"):
        if prefix.count(marker) > closers.count(marker):
            times.open_bold = marker
    position = _TITLE_SEPARATOR.match(line, position).end()
    times.rest = line[position:]
    return times


def _refuse_time_like(line: str, position: int) -> None:
    found = _TIME_LIKE.match(line, position)
    if found is None:
        return
    end = position
    while end < len(line) and end < position + 20 and not line[end].isspace():
        end += 1
    raise LineNotRead(quoted_time(line[position:end], _("{text} looks like a time but could not be "
                                                        "read; the line was kept as text")),
                      _("write the time as 0'20, 1'03''37, 00:20 or 1h03, followed by a space and "
                        "the title"))


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


def read_trailing_times(line: str) -> LineTimes | None:
    """The times that end ``line`` after its title (``Accueil (0'00)``), or None.

    Raises ``LineNotRead`` when a time ends the line with no separator before it (``pause à
    14h00`` reads as a sentence, not a chapter).
    """
    core_end = len(line.rstrip(_END_CLOSERS))
    if core_end == 0 or not line[core_end - 1].isdigit() and line[core_end - 1] not in (
            SINGLE_QUOTES + DOUBLE_QUOTES + "snehm"):
        return None
    core = line[:core_end]
    for position in range(max(1, core_end - MAX_SUFFIX), core_end):
        char = core[position]
        if not (char.isdigit() or char in "mMàaA") or core[position - 1].isalnum() \
                or core[position - 1] in ":'’.,\\":
            continue
        try:
            start = match_time(core, position)
        except TimeValueError:
            continue
        if start is None:
            continue
        end = None
        if start.end != core_end:
            end = _range_end(core, start.end)
            if end is None or end.end != core_end:
                continue
        return _trailing(core, position, start, end)
    return None


def _trailing(core: str, position: int, start: TimeToken, end: TimeToken | None) -> LineTimes | None:
    head = _TRAILING_LEAD_WORD.sub("", core[:position].rstrip(SPACES))
    title = head.rstrip(SPACES + _TRAILING_MARKS)
    gap = core[len(title):position]
    separated = any(char in _TRAILING_MARKS for char in gap) or "\t" in gap or "  " in gap
    if not any(char.isalpha() for char in title):
        return None
    if not separated:
        written = core[position:]
        raise LineNotRead(quoted_time(written, _("the line ends with {text}, which may be a time; the "
                                                 "line was read as text")),
                          _("to make it a chapter, write {time} Title, or Title – {time}").format(
                              time=written))
    return LineTimes(start=start, end=end, rest=title[_TITLE_MARKERS.match(title).end():])


def table_cells(line: str) -> list[tuple[int, str]] | None:
    """A table row's cells with their offsets: ``| a | b |`` or cells separated by tabs."""
    stripped = line.lstrip(" \u00a0")
    if stripped.startswith("|"):
        cells, offset = [], len(line) - len(stripped) + 1
        pieces = stripped[1:].split("|")
        if pieces and not pieces[-1].strip():
            pieces.pop()
    elif "\t" in line.strip():
        cells, offset = [], 0
        pieces = line.split("\t")
    else:
        return None
    for piece in pieces:
        cells.append((offset, piece))
        offset += len(piece) + 1
    return cells


def read_table_row(line: str, cells: list[tuple[int, str]]) -> LineTimes | None:
    """The chapter of a table row: its first time cell and its text cells (None: no time)."""
    found: LineTimes | None = None
    texts: list[str] = []
    for offset, cell in cells:
        text = cell.strip()
        if not text:
            continue
        lead = len(cell) - len(cell.lstrip())
        times = read_line_times(text) if found is None or found.end is None else None
        if times is None:
            if found is None and not texts:
                _refuse_time_like(text, 0)
            if not _TABLE_SEPARATOR_CELL.fullmatch(text):
                texts.append(text)
            continue
        shift = offset + lead
        start = replace(times.start, start=times.start.start + shift, end=times.start.end + shift)
        end = times.end and replace(times.end, start=times.end.start + shift, end=times.end.end + shift)
        if found is None:
            found = LineTimes(start=start, end=end, rest="", url=times.url, open_bold=times.open_bold)
            if times.rest.strip():
                texts.append(times.rest)
        elif not times.rest.strip() and not texts:
            found.end = start  # ``| 0'20 | 7'00 | Accueil |``: start and end in two cells
        else:
            texts.append(text)
    if found is None:
        return None
    found.rest = texts[0] if texts else ""
    found.cells = texts[1:]
    return found

"""Write the studio's edits back into the outline text, leaving every other byte as it was.

An edit names, for each chapter, the outline chapter it came from (``origin``, an index into the
outline's chapters) or none for a chapter added in the studio. Times are rewritten in the
notation and style of the time they replace (``render_like``); a changed title or description
replaces its own words in the line where they stand verbatim, else the line's text after the
times is written anew (``**Title** *Description*``, keeping the chapter's link and image).
A deleted chapter loses its line (its notes stay, now under the chapter before); an added one
gets a line styled like its neighbour's.

The result is read back with the outline parser and must give exactly the edited chapters; if
it would not, nothing is returned and the caller writes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from podcast_tool.errors import OutlineError
from podcast_tool.i18n import _
from podcast_tool.outline.parser import ChapterLine, parse_outline, scan
from podcast_tool.outline.text import escape_markdown
from podcast_tool.outline.timecodes import TimeToken, render_like

#: What of a neighbour's line an added chapter copies before its time: list markers, quotes,
#: headings (never emphasis, which would need closing).
_KEPT_PREFIX = frozenset(" \t>#-+•\u00a0")


@dataclass
class EditedChapter:
    origin: int | None
    start_ms: int
    end_ms: int | None
    title: str
    description: str = ""


def _line_end(text: str, offset: int) -> int:
    newline = text.find("\n", offset)
    return len(text) if newline < 0 else newline


def _times_text(token: TimeToken, start_ms: int, end_ms: int | None) -> str:
    text = render_like(token, start_ms)
    if end_ms is not None:
        text += (" à " if token.notation == "fr" else " - ") + render_like(token, end_ms)
    return text


def _new_rest(line: ChapterLine, title: str, description: str) -> str:
    """The text after the times for a changed title or description."""
    old = line.chapter
    rest = line.times.rest
    candidate = rest
    for before, after in ((old.title, title), (old.description, description)):
        if before == after:
            continue
        if not before or candidate.count(before) != 1:
            candidate = None  # type: ignore[assignment]
            break
        candidate = candidate.replace(before, escape_markdown(after) if after else "")
    if candidate is not None and _reads_as(line, candidate, title, description):
        return candidate
    shown = escape_markdown(" ".join(title.split()))
    if old.url:
        shown = f"[{shown}]({old.url})"
    if line.times.open_bold:
        text = f"{shown}{line.times.open_bold}"
    else:
        text = f"**{shown}**" if (description or rest.lstrip().startswith(("**", "__"))) else shown
    if description:
        text += f" *{escape_markdown(' '.join(description.split()))}*"
    if old.image and old.image not in text:
        text += f" ![]({old.image})"
    return text


def _reads_as(line: ChapterLine, rest: str, title: str, description: str) -> bool:
    from podcast_tool.outline.parser import read_line_times

    prefix_and_times = _whole_line_head(line)
    try:
        times = read_line_times(prefix_and_times + rest)
    except ValueError:
        return False
    if times is None:
        return False
    chapters = parse_outline(prefix_and_times + rest)[0].chapters
    return bool(chapters) and chapters[0].title == title and chapters[0].description == description


def _whole_line_head(line: ChapterLine) -> str:
    """The chapter line up to where its title text starts (``times.rest`` is the line's tail)."""
    return line.text[:len(line.text) - len(line.times.rest)] if line.times.rest else line.text


def edit_outline(text: str, edits: list[EditedChapter]) -> str:
    """``text`` with ``edits`` applied; raises ``OutlineError`` if that cannot be done exactly."""
    lines = scan(text).chapters
    for line in lines:
        end = _line_end(text, line.offset)
        line.text = text[line.offset:end]  # type: ignore[attr-defined]
    origins = [edit.origin for edit in edits if edit.origin is not None]
    if any(o < 0 or o >= len(lines) for o in origins) or origins != sorted(set(origins)):
        raise OutlineError(_("the edited chapters do not match the outline's"),
                           hint=_("the outline may have changed meanwhile; reload the page"))
    kept = set(origins)
    # (begin, end, replacement) over the original text, in order.
    changes: list[tuple[int, int, str]] = []
    blank_separated = any(text[_line_end(text, line.offset) + 1:].startswith("\n") for line in lines)
    for index, line in enumerate(lines):
        if index in kept:
            continue
        begin, end = line.offset, _line_end(text, line.offset)
        end = min(end + 1, len(text))
        if blank_separated and text[end:end + 1] == "\n" and (begin == 0 or text[begin - 2:begin] == "\n\n"):
            end += 1
        changes.append((begin, end, ""))
    pending: list[EditedChapter] = []
    for edit in edits:
        if edit.origin is None:
            pending.append(edit)
            continue
        line = lines[edit.origin]
        if pending:
            changes.append((line.offset, line.offset,
                            "".join(_new_line(lines, edit.origin, p) + "\n"
                                    + ("\n" if blank_separated else "") for p in pending)))
            pending = []
        changes += _line_changes(line, edit)
    if pending:
        tail = "" if text.endswith("\n") or not text else "\n"
        reference = origins[-1] if origins else (len(lines) - 1 if lines else None)
        for edit in pending:
            tail += ("\n" if blank_separated else "") + _new_line(lines, reference, edit) + "\n"
        changes.append((len(text), len(text), tail))
    changes.sort(key=lambda change: (change[0], change[1]))
    pieces: list[str] = []
    position = 0
    for begin, end, replacement in changes:
        pieces += [text[position:begin], replacement]
        position = max(position, end)
    pieces.append(text[position:])
    new_text = "".join(pieces)
    _check(new_text, edits)
    return new_text


def _line_changes(line: ChapterLine, edit: EditedChapter) -> list[tuple[int, int, str]]:
    times, offset, old = line.times, line.offset, line.chapter
    changes = []
    if edit.start_ms != old.start_ms:
        changes.append((offset + times.start.start, offset + times.start.end,
                        render_like(times.start, edit.start_ms)))
    if times.end is not None and edit.end_ms is None:
        changes.append((offset + times.start.end, offset + times.end.end, ""))
    elif times.end is not None and edit.end_ms != old.end_ms:
        changes.append((offset + times.end.start, offset + times.end.end,
                        render_like(times.end, edit.end_ms)))  # type: ignore[arg-type]
    elif times.end is None and edit.end_ms is not None:
        joiner = " à " if times.start.notation == "fr" else " - "
        changes.append((offset + times.start.end, offset + times.start.end,
                        joiner + render_like(times.start, edit.end_ms)))
    if (edit.title, edit.description) != (old.title, old.description):
        rest = _new_rest(line, edit.title, edit.description)
        line_end = offset + len(line.text)  # type: ignore[attr-defined]
        changes.append((line_end - len(times.rest), line_end, rest))
    return changes


def _new_line(lines: list[ChapterLine], reference: int | None, edit: EditedChapter) -> str:
    if reference is None:
        from podcast_tool.outline.timecodes import format_clock

        times = format_clock(edit.start_ms)
        if edit.end_ms is not None:
            times += " - " + format_clock(edit.end_ms)
        prefix = ""
    else:
        line = lines[reference]
        prefix = "".join(c for c in line.text[:line.times.start.start]  # type: ignore[attr-defined]
                         if c in _KEPT_PREFIX)
        times = _times_text(line.times.start, edit.start_ms, edit.end_ms)
    title = escape_markdown(" ".join(edit.title.split()))
    text = f"{prefix}{times} **{title}**"
    if edit.description:
        text += f" *{escape_markdown(' '.join(edit.description.split()))}*"
    return text


def _check(new_text: str, edits: list[EditedChapter]) -> None:
    chapters = parse_outline(new_text)[0].chapters
    wanted = [(e.start_ms, e.end_ms, " ".join(e.title.split()), " ".join(e.description.split()))
              for e in edits]
    found = [(c.start_ms, c.end_ms, c.title, c.description) for c in chapters]
    if found != wanted:
        raise OutlineError(_("the outline cannot hold these changes exactly as made; nothing was "
                             "written"),
                           hint=_("simplify the titles (line breaks, leading times) or edit the "
                                  "outline in a text editor"))

"""Formatted runs of text (bold, italic, links) written as the outline's Markdown lines.

A word processor's bold and italic mean what ``**`` and ``*`` mean in a Markdown outline (title
and description), so every document reader turns its runs into the same Markdown text, one line
per paragraph, and the outline parser reads that. Each line remembers the paragraph (or source
line) it came from, for diagnostics.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from podcast_tool.outline.text import is_web_url

#: Marks the outline parser would read as emphasis or escapes: escaped when they are text.
_MARKS = re.compile(r"[*`]|\\(?=[\\`*_\[\]~!(){}#+\-.|>])")
_WHITESPACE = re.compile(r"[ \t\r\n\f\v]+")


@dataclass
class _Run:
    text: str
    bold: bool
    italic: bool
    url: str | None


@dataclass
class DocumentLines:
    """The Markdown lines of a document and where each comes from."""

    lines: list[str] = field(default_factory=list)
    #: For each line, its paragraph number (or source line, for web pages), from 1.
    places: list[int] = field(default_factory=list)
    _runs: list[_Run] = field(default_factory=list)
    _prefix: str = ""
    _place: int = 0

    def start(self, place: int, prefix: str = "") -> None:
        """Begin a paragraph (ending the one before)."""
        self.end()
        self._place, self._prefix = place, prefix

    def add(self, text: str, *, bold: bool = False, italic: bool = False,
            url: str | None = None) -> None:
        if text:
            self._runs.append(_Run(text, bold, italic, url if url and is_web_url(url) else None))

    def add_plain(self, text: str) -> None:
        """Text already in the outline's Markdown (table rows the reader builds)."""
        if text:
            self._runs.append(_Run(text, False, False, "\0raw"))

    def end(self) -> None:
        """End the current paragraph: its line breaks give several lines, at the same place."""
        if not self._runs:
            return
        text = _render(self._runs)
        self._runs = []
        for line in text.split("\n"):
            self.lines.append(self._prefix + line.rstrip() if line.strip() else "")
            self.places.append(self._place)

    def text(self) -> str:
        self.end()
        return "\n".join(self.lines) + "\n"


def collapse_spaces(text: str) -> str:
    """HTML's whitespace: runs of spaces, tabs and newlines are one space."""
    return _WHITESPACE.sub(" ", text)


def _escape(text: str) -> str:
    return _MARKS.sub(lambda found: "\\" + found.group(0), text)


def _render(runs: list[_Run]) -> str:
    """Runs merged where their formatting agrees; spaces kept outside the emphasis marks."""
    merged: list[_Run] = []
    for run in runs:
        if merged and (merged[-1].bold, merged[-1].italic, merged[-1].url) == (
                run.bold, run.italic, run.url):
            merged[-1] = _Run(merged[-1].text + run.text, run.bold, run.italic, run.url)
        else:
            merged.append(run)
    pieces = []
    for run in merged:
        if run.url == "\0raw":
            pieces.append(run.text)
            continue
        for index, part in enumerate(run.text.split("\n")):
            if index:
                pieces.append("\n")
            pieces.append(_emphasis(part, run))
    return "".join(pieces)


def _emphasis(text: str, run: _Run) -> str:
    core = text.strip(" \t\u00a0")
    if not core:
        return text
    lead = text[:len(text) - len(text.lstrip(" \t\u00a0"))]
    trail = text[len(text.rstrip(" \t\u00a0")):]
    body = _escape(core)
    if run.url:
        body = f"[{body}]({run.url})"
    marks = ("**" if run.bold else "") + ("*" if run.italic else "")
    return f"{lead}{marks}{body}{marks[::-1]}{trail}"

"""Saved web pages (.html, .htm), read with the standard library's ``html.parser``.

The page's main text only: inside ``<main>``, ``<article>`` or ``role="main"`` when the page has
one; never navigation, headers, footers, asides, forms, scripts or styles. Blocks (paragraphs,
list items, headings, table rows, line breaks) are lines; ``<strong>``/``<b>`` and ``<em>``/``<i>``
mean title and description, as ``**`` and ``*`` do in Markdown; ``<a href="https://…">`` is a link.
Each line is numbered by the source line it starts on.

The parser is a tokenizer, not a tree builder: the handlers below keep counters, never a stack of
open elements, so 100,000 nested tags cost what 100,000 sibling tags do.
"""

from __future__ import annotations

import codecs
import re
from html.parser import HTMLParser

from podcast_tool.outline.documents.markup import DocumentLines, collapse_spaces

#: Elements whose content is never the outline.
_SKIPPED = frozenset({"script", "style", "noscript", "template", "svg", "math", "head", "nav",
                      "header", "footer", "aside", "form", "button", "select", "textarea", "iframe",
                      "object", "canvas", "dialog"})
_SKIPPED_ROLES = frozenset({"navigation", "banner", "contentinfo", "complementary", "search",
                            "menu", "menubar"})
_BLOCKS = frozenset({"p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "section",
                     "article", "main", "dd", "dt", "dl", "pre", "ul", "ol", "table", "thead",
                     "tbody", "tfoot", "hr", "figure", "figcaption", "address", "center", "details",
                     "summary", "caption"})
_BOLD = frozenset({"strong", "b"})
_ITALIC = frozenset({"em", "i", "cite"})
_VOID = frozenset({"br", "img", "hr", "input", "meta", "link", "wbr", "source", "area", "base",
                   "col", "embed", "param", "track"})
_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?([A-Za-z0-9_.:-]{1,40})""", re.IGNORECASE)


def decode_page(data: bytes) -> str:
    """A page's text: by its BOM, else its ``<meta charset>``, else UTF-8, else Windows-1252."""
    for bom, encoding in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16"),
                          (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            return data.decode(encoding, errors="replace").lstrip("\ufeff")
    declared = _CHARSET.search(data[:4096])
    if declared:
        try:
            return data.decode(codecs.lookup(declared.group(1).decode("ascii")).name, errors="replace")
        except LookupError:
            pass
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


class _PageReader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines = DocumentLines()
        self.main_lines = DocumentLines()
        self.skip_tag: str | None = None
        self.skip_depth = 0
        self.main_depth = 0
        self.bold = self.italic = self.quote = self.pre = 0
        self.url: str | None = None
        self.row: list[str] | None = None
        self.cell: list[str] | None = None
        self.open_line = False
        self.prefix = ""

    def _target(self) -> DocumentLines:
        return self.main_lines if self.main_depth else self.lines

    def _break(self, prefix: str = "") -> None:
        self.lines.end()
        self.main_lines.end()
        self.open_line = False
        self.prefix = prefix

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.skip_depth:
            if tag == self.skip_tag:
                self.skip_depth += 1
            return
        values = dict(attrs)
        role = (values.get("role") or "").lower()
        if tag in _SKIPPED or role in _SKIPPED_ROLES or "hidden" in values:
            if tag not in _VOID:
                self.skip_tag, self.skip_depth = tag, 1
            return
        if tag in ("main", "article") or role == "main":
            self._break()
            self.main_depth += 1
        if tag == "tr":
            self._break()
            self.row = []
        elif tag in ("td", "th") and self.row is not None:
            self.cell = []
        elif self.cell is not None and (tag in _BLOCKS or tag == "br"):
            self.cell.append(" ")
        elif tag == "br":
            self._break(self.prefix if self.quote else "")
        elif tag in _BLOCKS:
            level = tag[1] if tag[0] == "h" and tag[1:].isdigit() else ""
            quote = "> " * min(self.quote + (tag == "blockquote"), 4)
            self._break(quote + ("#" * int(level) + " " if level else "- " if tag == "li" else ""))
            self.quote += tag == "blockquote"
            self.pre += tag == "pre"
        elif tag in _BOLD:
            self.bold += 1
        elif tag in _ITALIC:
            self.italic += 1
        elif tag == "a":
            self.url = values.get("href")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in _VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if self.skip_depth:
            if tag == self.skip_tag:
                self.skip_depth -= 1
            return
        if tag in ("td", "th") and self.row is not None and self.cell is not None:
            self.row.append(collapse_spaces("".join(self.cell)).strip().replace("|", "\\|"))
            self.cell = None
        elif tag == "tr" and self.row is not None:
            cells, self.row, self.cell = self.row, None, None
            if any(cells):
                self._target().start(self.getpos()[0])
                self._target().add_plain("| " + " | ".join(cells) + " |")
            self._break()
        elif tag in _BLOCKS and self.cell is None:
            self.quote -= tag == "blockquote" and self.quote > 0
            self.pre -= tag == "pre" and self.pre > 0
            self._break("> " * self.quote)
        elif tag in _BOLD:
            self.bold = max(0, self.bold - 1)
        elif tag in _ITALIC:
            self.italic = max(0, self.italic - 1)
        elif tag == "a":
            self.url = None
        if tag in ("main", "article") and self.main_depth:
            self._break()
            self.main_depth -= 1

    def handle_data(self, data: str) -> None:
        if self.skip_depth:
            return
        if self.cell is not None:
            self.cell.append(data)
            return
        text = data if self.pre else collapse_spaces(data)
        if not self.open_line:
            text = text.lstrip()
            if not text:
                return
            self._target().start(self.getpos()[0], self.prefix)
            self.open_line = True
        self._target().add(text, bold=self.bold > 0, italic=self.italic > 0, url=self.url)


def read_html(data: bytes) -> DocumentLines:
    reader = _PageReader()
    reader.feed(decode_page(data))
    reader.close()
    reader.lines.end()
    reader.main_lines.end()
    return reader.main_lines if any(reader.main_lines.lines) else reader.lines

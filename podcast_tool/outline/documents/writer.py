"""OpenDocument text (.odt: LibreOffice Writer), read with odfpy.

Paragraphs and headings, lists, sections and tables in document order; each paragraph (or table
row) is one paragraph number. Bold and italic come from the automatic and named styles of spans
and paragraphs (``fo:font-weight="bold"``, ``fo:font-style="italic"``), following parent styles.
The walk keeps its own stack, so deeply nested elements cost no recursion.
"""

from __future__ import annotations

import io
from typing import Any

from podcast_tool.outline.documents.markup import DocumentLines

_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
_STYLE = "urn:oasis:names:tc:opendocument:xmlns:style:1.0"
_FO = "urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"
_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_XLINK = "http://www.w3.org/1999/xlink"
#: Elements whose text is no part of the outline: notes, annotations, tracked deletions.
_SKIPPED = frozenset({"note", "annotation", "tracked-changes", "sequence-decls", "table-of-content",
                      "bookmark", "bookmark-start", "bookmark-end", "soft-page-break"})
#: Deeper nesting than this is no document a person wrote: its content is ignored.
MAX_DEPTH = 200


def read_odt(data: bytes) -> DocumentLines:
    from odf.opendocument import load

    document = load(io.BytesIO(data))
    styles = _styles(document)
    lines = DocumentLines()
    place = 0
    # (element, depth, in a list) triples; blocks are handled in document order.
    stack: list[tuple[Any, int, bool]] = [(child, 0, False)
                                          for child in reversed(document.text.childNodes)]
    while stack:
        element, depth, in_list = stack.pop()
        name = _name(element)
        if name in ("p", "h"):
            place += 1
            prefix = "- " if in_list else ""
            if name == "h":
                level = element.attributes.get((_TEXT, "outline-level")) or "1"
                prefix = "#" * min(max(int(level) if level.isdigit() else 1, 1), 6) + " "
            lines.start(place, prefix)
            bold, italic = styles.get(element.attributes.get((_TEXT, "style-name")), (None, None))
            _inline(lines, element, styles, bool(bold), bool(italic))
        elif name == "table-row":
            place += 1
            lines.start(place)
            cells = []
            for cell in element.childNodes:
                if _name(cell) != "table-cell":
                    continue
                cell_lines = DocumentLines()
                for paragraph in cell.childNodes:
                    if _name(paragraph) in ("p", "h"):
                        cell_lines.start(0)
                        bold, italic = styles.get(paragraph.attributes.get((_TEXT, "style-name")),
                                                  (None, None))
                        _inline(cell_lines, paragraph, styles, bool(bold), bool(italic))
                cell_lines.end()
                cell_text = " ".join(line for line in cell_lines.lines if line)
                cells.append(cell_text.replace("|", "\\|"))
            lines.add_plain("| " + " | ".join(cells) + " |")
        elif name not in _SKIPPED and depth < MAX_DEPTH and getattr(element, "childNodes", None):
            stack.extend((child, depth + 1, in_list or name == "list-item")
                         for child in reversed(element.childNodes))
    return lines


def _name(element: Any) -> str:
    qname = getattr(element, "qname", None)
    return qname[1] if qname else ""


def _styles(document: Any) -> dict[str, tuple[bool | None, bool | None]]:
    """Each style's (bold, italic), its parents' where it says nothing."""
    own: dict[str, tuple[bool | None, bool | None, str | None]] = {}
    for container in (document.styles, document.automaticstyles):
        for style in container.childNodes:
            if _name(style) != "style":
                continue
            bold = italic = None
            for child in style.childNodes:
                if _name(child) == "text-properties":
                    weight = child.attributes.get((_FO, "font-weight"))
                    slant = child.attributes.get((_FO, "font-style"))
                    if weight is not None:
                        bold = weight == "bold" or (weight.isdigit() and int(weight) >= 600)
                    if slant is not None:
                        italic = slant in ("italic", "oblique")
            own[style.attributes.get((_STYLE, "name"))] = (
                bold, italic, style.attributes.get((_STYLE, "parent-style-name")))
    resolved: dict[str, tuple[bool | None, bool | None]] = {}
    for name in own:
        bold = italic = None
        current, depth = name, 0
        while current in own and depth < 20 and (bold is None or italic is None):
            own_bold, own_italic, parent = own[current]
            bold = own_bold if bold is None else bold
            italic = own_italic if italic is None else italic
            current, depth = parent, depth + 1
        resolved[name] = (bold, italic)
    return resolved


def _inline(lines: DocumentLines, paragraph: Any, styles: dict[str, tuple[bool | None, bool | None]],
            bold: bool, italic: bool) -> None:
    """A paragraph's text: spans, spaces, tabs, line breaks and links, with an explicit stack."""
    stack: list[tuple[Any, bool, bool, str | None, int]] = [
        (child, bold, italic, None, 0) for child in reversed(paragraph.childNodes)]
    while stack:
        node, node_bold, node_italic, url, depth = stack.pop()
        if node.nodeType == node.TEXT_NODE:
            lines.add(node.data.replace("\n", " "), bold=node_bold, italic=node_italic, url=url)
            continue
        name = _name(node)
        if name == "s":
            count = node.attributes.get((_TEXT, "c")) or "1"
            lines.add(" " * min(int(count) if count.isdigit() else 1, 100),
                      bold=node_bold, italic=node_italic, url=url)
        elif name == "tab":
            lines.add("\t", bold=node_bold, italic=node_italic, url=url)
        elif name == "line-break":
            lines.add("\n", bold=node_bold, italic=node_italic, url=url)
        elif name not in _SKIPPED and depth < MAX_DEPTH:
            if name == "span":
                span_bold, span_italic = styles.get(node.attributes.get((_TEXT, "style-name")),
                                                    (None, None))
                node_bold = node_bold if span_bold is None else span_bold
                node_italic = node_italic if span_italic is None else span_italic
            elif name == "a":
                url = node.attributes.get((_XLINK, "href")) or url
            stack.extend((child, node_bold, node_italic, url, depth + 1)
                         for child in reversed(node.childNodes))

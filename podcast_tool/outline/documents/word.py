"""Word documents (.docx), read with python-docx: paragraphs, runs, links, tables, in body order.

Each body paragraph is one paragraph number; each table row one more, written as a Markdown table
row. Bold and italic come from the run, else from its character style, else from the paragraph's
style (a heading style's bold is not a title's: headings are written as ``#`` lines).
"""

from __future__ import annotations

import io
from typing import Any

from podcast_tool.outline.documents.markup import DocumentLines

_HEADING_STYLES = ("heading", "titre", "title", "überschrift", "encabezado")


def read_docx(data: bytes) -> DocumentLines:
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    document = docx.Document(io.BytesIO(data))
    styles = _Styles()
    lines = DocumentLines()
    place = 0
    for element in document.element.body.iterchildren():
        tag = element.tag.rsplit("}", 1)[-1]
        if tag == "p":
            place += 1
            _paragraph(lines, Paragraph(element, document), place, styles)
        elif tag == "tbl":
            for row in Table(element, document).rows:
                place += 1
                lines.start(place)
                cells = []
                for cell in _unique_cells(row):
                    cell_lines = DocumentLines()
                    for paragraph in cell.paragraphs:
                        _paragraph(cell_lines, paragraph, 0, styles)
                    cell_lines.end()
                    cells.append(" ".join(line for line in cell_lines.lines if line).replace("|", "\\|"))
                lines.add_plain("| " + " | ".join(cells) + " |")
    return lines


def _unique_cells(row: Any) -> list[Any]:
    """A row's cells, a merged cell once (python-docx repeats it for each grid column)."""
    seen: list[Any] = []
    for cell in row.cells:
        if not any(cell._tc is other._tc for other in seen):
            seen.append(cell)
    return seen


def _style_flag(style: Any, name: str) -> bool | None:
    depth = 0
    while style is not None and depth < 10:
        value = getattr(style.font, name, None)
        if value is not None:
            return bool(value)
        style, depth = style.base_style, depth + 1
    return None


class _Styles:
    """Each style's name, bold and italic, looked up once (python-docx scans every style per lookup)."""

    def __init__(self) -> None:
        self.paragraphs: dict[str | None, tuple[str, bool | None, bool | None]] = {}
        self.runs: dict[str | None, tuple[bool | None, bool | None]] = {}

    def paragraph(self, paragraph: Any) -> tuple[str, bool | None, bool | None]:
        key = paragraph._p.style
        if key not in self.paragraphs:
            style = paragraph.style
            self.paragraphs[key] = ((style.name or "").lower() if style is not None else "",
                                    _style_flag(style, "bold"), _style_flag(style, "italic"))
        return self.paragraphs[key]

    def run(self, run: Any) -> tuple[bool | None, bool | None]:
        key = run._r.style
        if key not in self.runs:
            style = run.style
            self.runs[key] = (_style_flag(style, "bold"), _style_flag(style, "italic"))
        return self.runs[key]


def _paragraph(lines: DocumentLines, paragraph: Any, place: int, styles: _Styles) -> None:
    from docx.text.hyperlink import Hyperlink

    style_name, style_bold, style_italic = styles.paragraph(paragraph)
    heading = style_name.startswith(_HEADING_STYLES)
    prefix = ""
    if heading:
        level = next((int(char) for char in style_name if char.isdigit()), 1)
        prefix = "#" * min(max(level, 1), 6) + " "
    elif paragraph._p.pPr is not None and paragraph._p.pPr.numPr is not None:
        prefix = "- "
    lines.start(place, prefix)
    paragraph_bold = None if heading else style_bold
    paragraph_italic = None if heading else style_italic
    for item in _inner_content(paragraph._p, paragraph):
        if isinstance(item, Hyperlink):
            url = item.address or None
            for run in item.runs:
                _run(lines, run, paragraph_bold, paragraph_italic, url, styles)
        else:
            _run(lines, item, paragraph_bold, paragraph_italic, None, styles)


#: Wrappers whose runs are the paragraph's text as it reads now: tracked insertions and moves
#: (the document as shown, changes accepted), smart tags, content controls, simple fields.
_TRANSPARENT = frozenset({"ins", "moveTo", "smartTag", "customXml", "sdt", "sdtContent",
                          "fldSimple"})


def _inner_content(parent: Any, paragraph: Any) -> Any:
    """The runs and links of a paragraph in order, through the wrappers python-docx does not
    open (its ``iter_inner_content`` skips tracked insertions); tracked deletions are left out."""
    from docx.text.hyperlink import Hyperlink
    from docx.text.run import Run

    for child in parent.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1] if isinstance(child.tag, str) else ""
        if tag == "r":
            yield Run(child, paragraph)
        elif tag == "hyperlink":
            yield Hyperlink(child, paragraph)
        elif tag in _TRANSPARENT:
            yield from _inner_content(child, paragraph)


def _run(lines: DocumentLines, run: Any, paragraph_bold: bool | None, paragraph_italic: bool | None,
         url: str | None, styles: _Styles) -> None:
    bold, italic = run.bold, run.italic
    if bold is None or italic is None:
        style_bold, style_italic = styles.run(run)
        bold = style_bold if bold is None else bold
        italic = style_italic if italic is None else italic
    lines.add(run.text, bold=bool(paragraph_bold if bold is None else bold),
              italic=bool(paragraph_italic if italic is None else italic), url=url)

"""Outlines given as documents: the seed as Word, LibreOffice, a saved web page and RTF gives the
seed's chapters; broken, hostile and huge documents give a clear error, exit 1, no traceback."""

from __future__ import annotations

import functools
import html
import io
import re
import time
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from podcast_tool.cli import main
from podcast_tool.outline.parser import parse_outline
from podcast_tool.pipeline import load_chapters
from tests.conftest import SEED_OUTLINE

SEED_LINES = SEED_OUTLINE.read_text(encoding="utf-8").split("\n")
_INLINE = re.compile(r"(\*\*[^*]+\*\*|\*[^*\s][^*]*\*|\[[^\]]*\]\([^)]*\))")


def runs(line: str) -> list[tuple[str, bool, bool]]:
    """A Markdown line's text as (text, bold, italic) runs, links as their text."""
    found = []
    for piece in _INLINE.split(line):
        if not piece:
            continue
        if piece.startswith("**"):
            found.append((piece[2:-2], True, False))
        elif piece.startswith("*") and piece.endswith("*") and len(piece) > 2:
            found.append((piece[1:-1], False, True))
        elif piece.startswith("["):
            found.append((piece[1:piece.index("]")], False, False))
        else:
            found.append((piece, False, False))
    return found


def split_marker(line: str) -> tuple[str, str]:
    for marker in ("> ", "- "):
        if line.startswith(marker):
            return marker, line[2:]
    return "", line


@functools.cache
def seed_docx() -> bytes:
    import docx

    document = docx.Document()
    document.add_paragraph()  # python-docx's template starts empty: paragraph 1 is ours
    body = document.element.body
    body.remove(body[0])
    for line in SEED_LINES[:-1] if SEED_LINES[-1] == "" else SEED_LINES:
        marker, text = split_marker(line)
        paragraph = document.add_paragraph(style="List Bullet" if marker == "- " else None)
        for piece, bold, italic in runs(text):
            run = paragraph.add_run(piece)
            run.bold, run.italic = bold or None, italic or None
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


@functools.cache
def seed_odt() -> bytes:
    from odf.opendocument import OpenDocumentText
    from odf.style import Style, TextProperties
    from odf.text import List, ListItem, P, Span

    document = OpenDocumentText()
    bold = Style(name="Gras", family="text")
    bold.addElement(TextProperties(fontweight="bold"))
    italic = Style(name="Italique", family="text")
    italic.addElement(TextProperties(fontstyle="italic"))
    document.automaticstyles.addElement(bold)
    document.automaticstyles.addElement(italic)
    for line in SEED_LINES[:-1] if SEED_LINES[-1] == "" else SEED_LINES:
        marker, text = split_marker(line)
        paragraph = P()
        for piece, is_bold, is_italic in runs(text):
            if is_bold or is_italic:
                span = Span(stylename=bold if is_bold else italic)
                span.addText(piece)
                paragraph.addElement(span)
            else:
                paragraph.addText(piece)
        if marker == "- ":
            item_list, item = List(), ListItem()
            item.addElement(paragraph)
            item_list.addElement(item)
            document.text.addElement(item_list)
        else:
            document.text.addElement(paragraph)
    buffer = io.BytesIO()
    document.write(buffer)
    return buffer.getvalue()


@functools.cache
def seed_web_page() -> bytes:
    """The seed as the association's website shows it: navigation, scripts and a footer around it."""
    body = []
    for line in SEED_LINES:
        marker, text = split_marker(line)
        if not text.strip():
            continue
        inline = "".join(f"<strong>{html.escape(piece)}</strong>" if bold else
                         f"<em>{html.escape(piece)}</em>" if italic else html.escape(piece)
                         for piece, bold, italic in runs(text))
        if marker == "> ":
            body.append(f"<blockquote><p>{inline}</p></blockquote>")
        elif marker == "- ":
            body.append(f"<ul>\n  <li>{inline}</li>\n</ul>")
        else:
            body.append(f"<p>{inline}</p>")
    page = ("<!DOCTYPE html>\n<html lang=\"fr\"><head><meta charset=\"utf-8\"><title>Travail pair</title>"
            "<style>p { margin: 0 } /* 0'00 Style */</style>"
            "<script>var agenda = \"0'00 Piège\";</script></head>\n<body>\n"
            "<header><nav><ul><li><a href=\"/\">0'00 Accueil du site</a></li></ul></nav></header>\n"
            "<main>\n<article>\n" + "\n".join(body) + "\n</article>\n</main>\n"
            "<aside><p>1'00 À lire aussi</p></aside>\n<footer><p>2'00 Mentions légales</p></footer>\n"
            "</body></html>\n")
    return page.encode("utf-8")


@functools.cache
def seed_rtf() -> bytes:
    def escape(text: str) -> str:
        text = text.replace("\\", "\\\\").replace("{", "\\{").replace("}", "\\}")
        return "".join(char if ord(char) < 128 else f"\\u{ord(char) - (65536 if ord(char) >= 32768 else 0)}?"
                       for char in text)

    paragraphs = "".join(escape(line.replace("**", "").replace("*", "")) + "\\par\n" for line in SEED_LINES)
    head = "{\\rtf1\\ansi\\ansicpg1252\\deff0{\\fonttbl{\\f0 Calibri;}}\n"
    return (head + paragraphs + "}").encode("ascii")


def chapters_of(path: Path) -> list[tuple[int, int | None, str]]:
    episode, _ = load_chapters(path)
    return [(c.start_ms, c.end_ms, c.title) for c in episode.chapters]


SEED = [(c.start_ms, c.end_ms, c.title) for c in parse_outline(SEED_OUTLINE.read_text("utf-8"))[0].chapters]
BUILDERS = {"seed.docx": seed_docx, "seed.odt": seed_odt, "seed.html": seed_web_page}


def test_the_seed_as_rtf_gives_the_seeds_times(tmp_path: Path) -> None:
    """striprtf keeps no bold or italic: a description stays in the title."""
    path = tmp_path / "seed.rtf"
    path.write_bytes(seed_rtf())
    found = chapters_of(path)
    assert [(start, end) for start, end, _ in found] == [(start, end) for start, end, _ in SEED]
    assert all(title.startswith(seed) for (_, _, title), (_, _, seed) in zip(found, SEED, strict=True))


@pytest.mark.parametrize("name", list(BUILDERS))
def test_the_seed_as_a_document_gives_the_seeds_nine_chapters(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(BUILDERS[name]())
    assert len(SEED) == 9
    assert chapters_of(path) == SEED
    # Detected by content, whatever the name says.
    renamed = tmp_path / "outline.txt"
    renamed.write_bytes(path.read_bytes())
    assert chapters_of(renamed) == SEED


def test_descriptions_come_from_italic_runs(tmp_path: Path) -> None:
    for name in ("seed.docx", "seed.odt", "seed.html"):
        path = tmp_path / name
        path.write_bytes(BUILDERS[name]())
        episode, _ = load_chapters(path)
        assert episode.chapters[1].description.startswith("Définitions, champs professionnels"), name
        assert episode.title == 'Webinaire "Travail Pair : Passons à l\'action !"', name


def check(*args: object) -> Result:
    result = CliRunner().invoke(main, ["check", *map(str, args)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    return result


def test_diagnostics_name_the_paragraph(tmp_path: Path) -> None:
    path = tmp_path / "seed.docx"
    path.write_bytes(seed_docx())
    result = check(path)
    assert result.exit_code == 0
    # One paragraph per line of the Markdown seed: the same numbers.
    assert f"{path}:15: warning: the first chapter starts at 0'20" in result.stderr
    assert f"{path}:52: warning: 7 min 55 s in no chapter" in result.stderr


def test_word_tables_links_headings_and_line_breaks(tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    document.add_heading("Programme du 18 décembre 2020", level=1)
    table = document.add_table(rows=3, cols=3)
    for row, cells in zip(table.rows, [("Heure", "Séquence", "Intervenant"),
                                       ("0'20", "Accueil", "Marie"), ("7'00 à 14'10", "Débat", "Paul")],
                          strict=True):
        for cell, text in zip(row.cells, cells, strict=True):
            cell.text = text
    paragraph = document.add_paragraph("15'00 Questions")
    paragraph.add_run().add_break()
    paragraph.add_run("20'00 Conclusion")
    path = tmp_path / "programme.docx"
    document.save(path)
    episode, diagnostics = load_chapters(path)
    assert [(c.start_ms, c.end_ms, c.title, c.description, c.line) for c in episode.chapters] == [
        (20_000, None, "Accueil", "Marie", 3), (420_000, 850_000, "Débat", "Paul", 4),
        (900_000, None, "Questions", "", 5), (1_200_000, None, "Conclusion", "", 5)]
    assert episode.title == "Programme"


def test_word_tracked_changes_read_as_accepted(tmp_path: Path) -> None:
    """Text inserted with Track Changes on is part of the line; deleted text is not."""
    import docx
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    def change(kind: str, text_tag: str, text: str, ident: str) -> object:
        wrapper = OxmlElement(kind)
        for name, value in (("w:id", ident), ("w:author", "Marie"), ("w:date", "2020-12-18T10:00:00Z")):
            wrapper.set(qn(name), value)
        run, piece = OxmlElement("w:r"), OxmlElement(text_tag)
        piece.text = text
        run.append(piece)
        wrapper.append(run)
        return wrapper

    document = docx.Document()
    paragraph = document.add_paragraph("0'00 Accueil ")
    paragraph._p.append(change("w:ins", "w:t", "des participants", "1"))
    paragraph._p.append(change("w:del", "w:delText", " SUPPRIMÉ", "2"))
    inserted = document.add_paragraph()
    inserted._p.append(change("w:ins", "w:t", "7'00 Table ronde", "3"))
    path = tmp_path / "suivi.docx"
    document.save(path)
    episode, _diagnostics = load_chapters(path)
    assert [(c.start_ms, c.title, c.line) for c in episode.chapters] == [
        (0, "Accueil des participants", 1), (420_000, "Table ronde", 2)]


def test_web_page_tables_entities_and_links(tmp_path: Path) -> None:
    page = ("<html><body><table><tr><th>Heure</th><th>Titre</th></tr>"
            "<tr><td>0&#39;20</td><td>Mot d&rsquo;accueil</td></tr>\n"
            "<tr><td>7&#x27;00</td><td>D&eacute;bat</td></tr></table>\n"
            "<p>12'00 <a href=\"https://fas.example/questions\">Questions</a></p></body></html>")
    path = tmp_path / "page.htm"
    path.write_text(page, encoding="utf-8")
    episode, _ = load_chapters(path)
    assert [(c.start_ms, c.title, c.url, c.line) for c in episode.chapters] == [
        (20_000, "Mot d’accueil", None, 1), (420_000, "Débat", None, 2),
        (720_000, "Questions", "https://fas.example/questions", 3)]


def test_a_page_of_100000_nested_tags_reads_in_bounded_time(tmp_path: Path) -> None:
    path = tmp_path / "bomb.html"
    path.write_text("<html><body>" + "<div><span>" * 50_000 + "0'20 Accueil" + "</span></div>" * 50_000
                    + "</body></html>", encoding="utf-8")
    started = time.monotonic()
    assert chapters_of(path) == [(20_000, None, "Accueil")]
    assert time.monotonic() - started < 20


def zip_bytes(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        for name, data in members.items():
            package.writestr(name, data)
    return buffer.getvalue()


DOCX_TYPES = (b'<?xml version="1.0"?><Types><Override PartName="/word/document.xml" ContentType='
              b'"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>')
BROKEN = {
    "corrupt.docx": (lambda: seed_docx()[:3000], "damaged"),
    "garbage.docx": (lambda: b"PK\x03\x04" + bytes(range(256)) * 40, "damaged"),
    "not-xml.odt": (lambda: zip_bytes({"mimetype": b"application/vnd.oasis.opendocument.text",
                                       "content.xml": b"<office:document-content> not <xml"}), "damaged"),
    "no-content.odt": (lambda: zip_bytes({"mimetype": b"application/vnd.oasis.opendocument.text"}),
                       "no content.xml"),
    "bomb.docx": (lambda: zip_bytes({"[Content_Types].xml": DOCX_TYPES,
                                     "word/document.xml": b"<" + b"a" * 50_000_000}), "ZIP bomb"),
    "huge.html": (lambda: b"<html><body><p>" + b"0'20 Accueil " * 4_000_000 + b"</p></body></html>",
                  "too large"),
    "old.doc": (lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "old Word .doc"),
    "broken.rtf": (lambda: b"{\\rtf1 \\u99999999999999999999? 0'20 Accueil", None),
}


@pytest.mark.parametrize("name", list(BROKEN))
def test_broken_documents_give_a_clear_error_naming_the_file(tmp_path: Path, name: str) -> None:
    build, message = BROKEN[name]
    path = tmp_path / name
    path.write_bytes(build())
    result = check(path)
    if message is None:  # readable after all: whatever it holds, no traceback
        assert result.exit_code in (0, 1)
        return
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith(f"{path}: error: "), result.stderr
    assert message in result.stderr


def test_snap_writes_a_corrected_markdown_outline_beside_a_document(
        tmp_path: Path, make_media) -> None:  # type: ignore[no-untyped-def]
    import docx

    document = docx.Document()
    document.add_paragraph("0'00 Accueil")
    paragraph = document.add_paragraph("0'05 ")
    paragraph.add_run("Débat").bold = True
    outline = tmp_path / "programme.docx"
    document.save(outline)
    before = outline.read_bytes()
    audio = make_media("mp3", 12.0)
    result = CliRunner().invoke(main, ["snap", str(audio), str(outline), "--in-place"])
    assert result.exit_code == 0, result.output
    written = tmp_path / "programme.md"
    assert outline.read_bytes() == before
    assert f"wrote the corrected outline to {written}" in result.stdout
    assert "left unchanged" in result.stderr
    episode, _ = parse_outline(written.read_text(encoding="utf-8"))
    assert [c.title for c in episode.chapters] == ["Accueil", "Débat"]
    again = CliRunner().invoke(main, ["snap", str(audio), str(outline), "-o", str(tmp_path / "x.docx")])
    assert again.exit_code == 0, again.output
    assert (tmp_path / "x.md").is_file() and not (tmp_path / "x.docx").exists()


@pytest.mark.parametrize("name", list(BUILDERS))
def test_export_a_document(tmp_path: Path, name: str) -> None:
    import json

    path = tmp_path / name
    path.write_bytes(BUILDERS[name]())
    result = CliRunner().invoke(main, ["export", str(path), "-f", "json"])
    assert result.exit_code == 0, result.output
    chapters = json.loads(result.stdout)["chapters"]
    assert [(round(c["startTime"] * 1000), c["title"]) for c in chapters] == [
        (start, title) for start, _, title in SEED]

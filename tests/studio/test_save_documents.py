"""The studio's Save on an outline given as a LibreOffice document, a saved web page or RTF.

As for a Word outline: the document's bytes stay as they were, the corrected outline is
written as Markdown beside it (NAME.md, or NAME.corrected.md when NAME.md exists), and the
recording is tagged from that Markdown.
"""

from __future__ import annotations

import html
import io
from collections.abc import Callable
from pathlib import Path

import pytest

from podcast_tool.studio.session import StudioSession
from tests.conftest import ffmpeg_chapters
from tests.outline.test_documents import runs
from tests.studio.helpers import OUTLINE
from tests.studio.test_api import ORIGIN, client_for, episode, originals  # noqa: F401 - fixtures

LINES = [line for line in OUTLINE.splitlines() if line.strip()]


def outline_as_odt() -> bytes:
    """Bold titles and italic descriptions as LibreOffice writes them: automatic text styles."""
    from odf.opendocument import OpenDocumentText
    from odf.style import Style, TextProperties
    from odf.text import H, P, Span

    document = OpenDocumentText()
    bold = Style(name="T1", family="text")
    bold.addElement(TextProperties(fontweight="bold"))
    italic = Style(name="T2", family="text")
    italic.addElement(TextProperties(fontstyle="italic"))
    document.automaticstyles.addElement(bold)
    document.automaticstyles.addElement(italic)
    for line in LINES:
        heading = line.startswith("# ")
        paragraph = H(outlinelevel=1) if heading else P()
        for piece, is_bold, is_italic in runs(line.removeprefix("# ")):
            if is_bold or is_italic:
                span = Span(stylename=bold if is_bold else italic)
                span.addText(piece)
                paragraph.addElement(span)
            else:
                paragraph.addText(piece)
        document.text.addElement(paragraph)
    buffer = io.BytesIO()
    document.write(buffer)
    return buffer.getvalue()


def outline_as_web_page() -> bytes:
    body = []
    for line in LINES:
        if line.startswith("# "):
            body.append(f"<h1>{html.escape(line[2:])}</h1>")
            continue
        inline = "".join(f"<strong>{html.escape(piece)}</strong>" if bold else
                         f"<em>{html.escape(piece)}</em>" if italic else html.escape(piece)
                         for piece, bold, italic in runs(line))
        body.append(f"<p>{inline}</p>")
    page = ("<!DOCTYPE html>\n<html lang=\"fr\"><head><meta charset=\"utf-8\">"
            "<title>Webinaire</title></head>\n<body>\n<nav><a href=\"/\">0'00 Accueil du site</a></nav>\n"
            "<main>\n" + "\n".join(body) + "\n</main>\n</body></html>\n")
    return page.encode("utf-8")


def outline_as_rtf() -> bytes:
    """As WordPad saves it: accented letters as \\'xx in the ANSI code page, bold as \\b."""
    def escape(text: str) -> str:
        text = text.replace("\\", "\\\\").replace("{", "\\{").replace("}", "\\}")
        return "".join(char if ord(char) < 128 else f"\\'{char.encode('cp1252')[0]:02x}"
                       for char in text)

    paragraphs = []
    for line in LINES:
        pieces = "".join("{\\b " + escape(piece) + "}" if bold else "{\\i " + escape(piece) + "}"
                         if italic else escape(piece) for piece, bold, italic in runs(line))
        paragraphs.append(pieces + "\\par\n")
    head = "{\\rtf1\\ansi\\ansicpg1252\\deff0{\\fonttbl{\\f0\\fnil Calibri;}}\n\\pard\\f0\\fs22 "
    return (head + "".join(paragraphs) + "}").encode("ascii")


BUILDERS: dict[str, Callable[[], bytes]] = {".odt": outline_as_odt, ".html": outline_as_web_page,
                                            ".rtf": outline_as_rtf}
#: RTF as striprtf reads it has no bold or italic: the whole line after the time is the title.
TITLES = {".odt": ["Mot d'accueil", "Introduction du sujet", "Table ronde", "Questions du public"],
          ".html": ["Mot d'accueil", "Introduction du sujet", "Table ronde", "Questions du public"],
          ".rtf": ["Mot d'accueil", "Introduction du sujet Définitions et historique", "Table ronde",
                   "Questions du public"]}


def write_document(outline: Path, suffix: str) -> Path:
    document = outline.with_suffix(suffix)
    document.write_bytes(BUILDERS[suffix]())
    return document


@pytest.mark.parametrize("suffix", list(BUILDERS))
def test_save_writes_markdown_beside_the_document(episode: tuple[Path, Path],  # noqa: F811
                                                   suffix: str) -> None:
    audio, outline = episode
    document = write_document(outline, suffix)
    outline.unlink()
    original = document.read_bytes()
    client = client_for(StudioSession(audio, document))
    state = client.get("/api/state").json()
    assert state["kind"] == "document" and state["outline_target"] == "webinaire.md"
    chapters = state["chapters"]
    assert [c["title"] for c in chapters] == TITLES[suffix]
    chapters[2]["title"] = "Table ronde 1"
    saved = client.post("/api/save", json={"revision": 0, "chapters": chapters}, headers=ORIGIN)
    assert saved.status_code == 200, saved.text
    assert saved.json()["written"] == {"outline": "webinaire.md", "audio": "webinaire.mp3"}
    assert document.read_bytes() == original
    written = outline.read_text(encoding="utf-8")
    assert "0'21 **Table ronde 1**" in written
    assert "Webinaire de test — 18 décembre 2020" in written
    assert [c["title"] for c in ffmpeg_chapters(audio)] == [*TITLES[suffix][:2], "Table ronde 1",
                                                             TITLES[suffix][3]]
    # The page now edits the Markdown it wrote; a second Save writes that file again.
    state = saved.json()
    assert state["kind"] == "outline" and state["outline_target"] == "webinaire.md"
    chapters = state["chapters"]
    chapters[3]["title"] = "Questions de la salle"
    again = client.post("/api/save", json={"revision": state["revision"], "chapters": chapters},
                        headers=ORIGIN)
    assert again.status_code == 200, again.text
    assert "0'30 **Questions de la salle**" in outline.read_text(encoding="utf-8")
    assert document.read_bytes() == original


@pytest.mark.parametrize("suffix", list(BUILDERS))
def test_save_keeps_an_existing_markdown_file(episode: tuple[Path, Path],  # noqa: F811
                                              suffix: str) -> None:
    audio, outline = episode
    document = write_document(outline, suffix)
    before, original = outline.read_bytes(), document.read_bytes()
    client = client_for(StudioSession(audio, document))
    state = client.get("/api/state").json()
    assert state["outline_target"] == "webinaire.corrected.md"
    saved = client.post("/api/save", json={"revision": 0, "chapters": state["chapters"]},
                        headers=ORIGIN)
    assert saved.status_code == 200, saved.text
    assert saved.json()["written"]["outline"] == "webinaire.corrected.md"
    assert outline.read_bytes() == before
    assert document.read_bytes() == original
    corrected = outline.with_name("webinaire.corrected.md").read_text("utf-8")
    assert "0'21 **Table ronde**" in corrected
    assert [c["title"] for c in ffmpeg_chapters(audio)] == TITLES[suffix]


@pytest.mark.parametrize("suffix", list(BUILDERS))
def test_a_document_whose_name_does_not_say_so_is_never_rewritten(
        episode: tuple[Path, Path], suffix: str) -> None:  # noqa: F811
    """Recognised by its content, as every command reads it: Save writes Markdown beside it."""
    audio, outline = episode
    document = outline.with_name("notes.txt")
    document.write_bytes(BUILDERS[suffix]())
    original = document.read_bytes()
    client = client_for(StudioSession(audio, document))
    state = client.get("/api/state").json()
    assert state["kind"] == "document" and state["outline_target"] == "notes.md"
    assert [c["title"] for c in state["chapters"]] == TITLES[suffix]
    saved = client.post("/api/save", json={"revision": 0, "chapters": state["chapters"]},
                        headers=ORIGIN)
    assert saved.status_code == 200, saved.text
    assert saved.json()["written"]["outline"] == "notes.md"
    assert document.read_bytes() == original
    assert "0'21 **Table ronde**" in outline.with_name("notes.md").read_text("utf-8")

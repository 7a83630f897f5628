"""Chapter text files read once and written back: an outline, a document or a sidecar.

Reading keeps what a write-back needs (the bytes, so their encoding, BOM and newlines survive;
the document or the decoded text and its format); the corrected outline ``snap`` writes goes
back in the outline's own notation and encoding, and a document's as Markdown beside it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from podcast_tool import fileaccess
from podcast_tool.errors import OutlineError, UsageError
from podcast_tool.fileaccess import MAX_TEXT_BYTES
from podcast_tool.i18n import _
from podcast_tool.model import Diagnostic, Episode, Severity

if TYPE_CHECKING:
    from podcast_tool.formats import ChapterFormat
    from podcast_tool.outline.documents import DocumentText


def decode_text(data: bytes, source: Path | None = None) -> tuple[str, list[Diagnostic]]:
    """UTF-8 (with or without BOM), else Windows-1252 with an info diagnostic."""
    name = str(source) if source else None
    if b"\x00" in data[:8192]:
        raise OutlineError(_("this is a binary file, not a text outline"), path=source)
    try:
        text = data.decode("utf-8-sig")
        diagnostics: list[Diagnostic] = []
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
        diagnostics = [Diagnostic(Severity.INFO, "encoding-cp1252",
                                  _("the file is not UTF-8; read it as Windows-1252"),
                                  file=name, line=None,
                                  hint=_("save the outline as UTF-8 to be sure of accented letters"))]
    return text.replace("\r\n", "\n").replace("\r", "\n"), diagnostics


def read_text(path: Path) -> bytes:
    """A chapter file's bytes: a regular file (never a FIFO or a device), bounded in size."""
    try:
        return fileaccess.read_regular(path, MAX_TEXT_BYTES)
    except fileaccess.TooLargeError as error:
        raise OutlineError(_("too large for a chapter file ({size})").format(size=error.strerror),
                           path=path) from None
    except OSError as error:
        raise OutlineError(fileaccess.describe(error), path=path) from None


def text_format(text: str, path: Path, from_format: str | None = None) -> ChapterFormat:
    """The format a chapter text is read (and written back) in: the one named, else detected."""
    from podcast_tool import formats

    return formats.get_format(from_format) if from_format else formats.guess_format(text, path)


@dataclass
class OutlineText:
    """A chapter text file read once: its bytes (whose encoding, BOM and newlines a write-back
    keeps), and the document it is or else its decoded text and format."""

    path: Path
    raw: bytes
    text: str
    notes: list[Diagnostic]
    document: DocumentText | None = None
    chapter_format: ChapterFormat | None = None


def read_outline(path: Path, from_format: str | None = None) -> OutlineText:
    """Read and recognise a chapter text file (an outline, a document or a sidecar) once."""
    raw = read_text(path)
    document = read_document(raw, path) if from_format in (None, "outline") else None
    if document is not None:
        return OutlineText(path, raw, document.text, [], document=document)
    text, notes = decode_text(raw, path)
    return OutlineText(path, raw, text, notes, chapter_format=text_format(text, path, from_format))


def parse_outline(outline: OutlineText) -> tuple[Episode, list[Diagnostic]]:
    """The chapters of a chapter text file read by ``read_outline``."""
    if outline.document is not None:
        return load_document(outline.document, outline.path)
    assert outline.chapter_format is not None
    episode, more = outline.chapter_format.load(outline.text, outline.path)
    episode.source = outline.path
    return episode, list(outline.notes) + more


def read_document(data: bytes, path: Path) -> DocumentText | None:
    """The outline text of a Word, OpenDocument, web page or RTF file (by content), else None."""
    from podcast_tool.outline import documents

    kind = documents.detect_document(data, path)
    return documents.read_document(kind, data, path) if kind is not None else None


def load_document(document: DocumentText, path: Path) -> tuple[Episode, list[Diagnostic]]:
    """Parse a document's text; lines become the paragraphs (or source lines) they came from."""
    from dataclasses import replace

    from podcast_tool.formats import get_format

    episode, diagnostics = get_format("outline").load(document.text, path)
    for chapter in episode.chapters:
        chapter.line = document.place(chapter.line)
    episode.source = path
    return episode, [replace(d, line=document.place(d.line)) for d in diagnostics]


def corrected_target(outline: Path, target: Path, document: DocumentText) -> tuple[Path, Diagnostic]:
    """Where a document's corrected outline goes: Markdown, never the document itself."""
    from podcast_tool.outline.documents import DOCUMENT_EXTENSIONS, KIND_NAMES

    kind = _(KIND_NAMES[document.kind])
    markdown = target
    derived = target == outline or target.suffix.lower() in DOCUMENT_EXTENSIONS
    if derived:
        markdown = target.with_suffix(".md")
        if markdown.exists() and target == outline:
            raise UsageError(_("{markdown} already exists: the corrected outline of this file "
                               "({kind}) would replace it").format(markdown=markdown, kind=kind),
                             path=outline, hint=_("name the corrected outline with -o FILE.md"))
    note = Diagnostic(Severity.INFO, "corrected-outline-markdown",
                      _("OUTLINE is a {kind}: the corrected outline is written as Markdown to "
                        "{markdown}; the document itself is left unchanged").format(
                          kind=kind, markdown=markdown),
                      str(outline), None, _("copy the corrected times into the document, or keep "
                                            "the Markdown outline from now on"))
    return markdown, note


def _written_times(snapped: Episode, clock_start_ms: int) -> list[tuple[int, int | None]]:
    """Each chapter's times as the outline writes them (times of day with ``--clock-start``)."""
    return [(c.start_ms + clock_start_ms, None if c.end_ms is None else c.end_ms + clock_start_ms)
            for c in snapped.chapters]


def write_corrected(source: OutlineText, target: Path, original: Episode, snapped: Episode, *,
                    clock_start_ms: int = 0) -> list[Diagnostic]:
    """Write ``snapped``'s times to ``target`` in the outline's own notation, encoding, newlines.

    With ``clock_start_ms``, the outline was written in times of day: they are written back so.
    A document's corrected outline is Markdown in UTF-8.
    """
    from podcast_tool.formats import ExportOptions
    from podcast_tool.safewrite import write_file

    diagnostics: list[Diagnostic] = []
    if source.document is not None or (source.chapter_format is not None
                                       and source.chapter_format.name == "outline"):
        from podcast_tool.outline.parser import retime_outline

        new_text = retime_outline(source.text, _written_times(snapped, clock_start_ms))
    else:
        assert source.chapter_format is not None
        new_text, diagnostics = source.chapter_format.dump(snapped, ExportOptions(
            notation=original.notation or "clock"))
    if source.document is not None:
        write_file(target, new_text.encode("utf-8"))
    else:
        write_file(target, encode_like(source.raw, source.notes, new_text))
    return diagnostics


def encode_like(raw: bytes, notes: list[Diagnostic], new_text: str) -> bytes:
    """``new_text`` in the encoding, BOM and newlines of the file read as ``raw`` (with ``notes``
    from ``decode_text``)."""
    if b"\r\n" in raw:
        new_text = new_text.replace("\n", "\r\n")
    encoding = "cp1252" if any(n.code == "encoding-cp1252" for n in notes) else "utf-8"
    try:
        data = new_text.encode(encoding)
    except UnicodeEncodeError:
        data, encoding = new_text.encode("utf-8"), "utf-8"
    if raw.startswith(b"\xef\xbb\xbf") and encoding == "utf-8":
        data = b"\xef\xbb\xbf" + data
    return data

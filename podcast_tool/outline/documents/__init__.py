"""Outlines given as documents: Word (.docx), LibreOffice (.odt), saved web pages, RTF.

Each reader turns the document into the outline's Markdown lines (bold and italic keep their
meaning of title and description), which the outline parser reads; every line remembers its
paragraph (or, for web pages, its source line), and diagnostics name it: ``FILE:PARAGRAPH:``.

Documents are recognised by their content (a ZIP package's declared type, ``{\\rtf``, HTML
markup), the extension only deciding for a web page that does not say what it is. Limits are
checked before anything is inflated or parsed; a damaged document is an ``OutlineError``
naming the file, never a traceback.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from podcast_tool.errors import OutlineError
from podcast_tool.i18n import N_, _

if TYPE_CHECKING:
    import zipfile

#: The extensions of the documents read here (the outline format declares them too).
DOCUMENT_EXTENSIONS = (".docx", ".odt", ".html", ".htm", ".rtf")
#: Larger web pages and RTF files are not outlines; refused before parsing.
MAX_DOCUMENT_TEXT_BYTES = 16 * 1024 * 1024
#: A package's text part (word/document.xml, content.xml), inflated, at most this large…
MAX_PACKAGE_TEXT_BYTES = 32 * 1024 * 1024
#: …and all its members together (images, fonts…), which the libraries inflate when loading.
MAX_PACKAGE_BYTES = 160 * 1024 * 1024
MAX_PACKAGE_MEMBERS = 5_000
#: A member that inflates more than this many times its stored size is a ZIP bomb.
MAX_COMPRESSION_RATIO = 200

KIND_NAMES = {"docx": N_("Word document"), "odt": N_("OpenDocument text"), "html": N_("web page"),
              "rtf": N_("RTF document")}
_SAVE_AGAIN = N_("open it in its program and save it again")
_ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"
_DOCX_MAIN = b"wordprocessingml.document.main+xml"
_HTML_START = re.compile(rb"\s*(?:<!--.{0,2000}?-->\s*)*<(?:!doctype\s+html|html|head|body|meta|title)\b",
                         re.IGNORECASE | re.DOTALL)
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@dataclass
class DocumentText:
    """A document as outline text: one line per paragraph (or more, for line breaks)."""

    kind: str
    text: str
    #: ``places[n]``: the paragraph (or source line) of line ``n + 1`` of ``text``.
    places: list[int]

    def place(self, line: int | None) -> int | None:
        if line is None or not 1 <= line <= len(self.places):
            return line
        return self.places[line - 1]


def detect_document(data: bytes, path: Path | None = None) -> str | None:
    """"docx", "odt", "html" or "rtf" when ``data`` is such a document, else None."""
    head = data[:4096].lstrip(b"\xef\xbb\xbf")
    if head.startswith(b"{\\rtf"):
        return "rtf"
    if head.startswith(b"PK\x03\x04"):
        return _package_kind(data)
    if head.startswith(_OLE_MAGIC):
        return "doc"
    if _HTML_START.match(head):
        return "html"
    if path is not None and path.suffix.lower() in (".html", ".htm") and b"<" in head:
        return "html"
    return None


def _package_kind(data: bytes) -> str | None:
    import zipfile  # here: a plain-text outline, the common case, never needs it

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            names = set(package.namelist())
            if "mimetype" in names:
                return "odt" if _read_small(package, "mimetype").strip() == _ODT_MIMETYPE else None
            if "[Content_Types].xml" in names and _DOCX_MAIN in _read_small(package, "[Content_Types].xml"):
                return "docx"
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError):
        return "broken-zip"
    return None


def _read_small(package: zipfile.ZipFile, name: str) -> bytes:
    info = package.getinfo(name)
    if info.file_size > 1024 * 1024:
        return b""
    return package.read(name)


def read_document(kind: str, data: bytes, path: Path) -> DocumentText:
    """The outline text of a document ``detect_document`` named; ``OutlineError`` if damaged."""
    if kind == "doc":
        raise OutlineError(_("this is an old Word .doc file, which podcast-tool does not read"),
                           path=path, hint=_("open it in Word or LibreOffice and save it as .docx or .odt"))
    if kind == "broken-zip":
        raise OutlineError(_("this document is damaged: it is not a readable ZIP package"),
                           path=path, hint=_("open it in Word or LibreOffice and save it again"))
    name = _(KIND_NAMES[kind])
    if kind in ("docx", "odt"):
        _check_package(data, path, name, "word/document.xml" if kind == "docx" else "content.xml")
    elif len(data) > MAX_DOCUMENT_TEXT_BYTES:
        raise OutlineError(_("too large for an outline ({size} bytes; an outline as a {kind} holds at "
                             "most {most} MiB)").format(size=len(data), kind=name,
                                                       most=MAX_DOCUMENT_TEXT_BYTES // (1024 * 1024)),
                           path=path)
    try:
        lines = _read(kind, data)
    except RecursionError:
        raise OutlineError(_("this file ({kind}) nests its elements too deeply to be an outline")
                           .format(kind=name), path=path) from None
    except _library_errors() as error:
        raise OutlineError(_("this file ({kind}) is damaged and cannot be read ({error})").format(
            kind=name, error=_short(error)), path=path, hint=_(_SAVE_AGAIN)) from None
    return DocumentText(kind, lines.text(), lines.places)


def _read(kind: str, data: bytes):  # type: ignore[no-untyped-def]
    if kind == "docx":
        from podcast_tool.outline.documents.word import read_docx

        return read_docx(data)
    if kind == "odt":
        from podcast_tool.outline.documents.writer import read_odt

        return read_odt(data)
    if kind == "html":
        from podcast_tool.outline.documents.web import read_html

        return read_html(data)
    from podcast_tool.outline.documents.rtf import read_rtf

    return read_rtf(data)


def _library_errors() -> tuple[type[BaseException], ...]:
    """What python-docx, odfpy, lxml, expat and zipfile raise on a damaged file."""
    import xml.parsers.expat
    import xml.sax
    import zipfile

    errors: list[type[BaseException]] = [zipfile.BadZipFile, KeyError, ValueError, EOFError, OSError,
                                          xml.sax.SAXException, xml.parsers.expat.ExpatError,
                                          UnicodeError, AttributeError, IndexError, TypeError,
                                          NotImplementedError, OverflowError]
    try:
        from lxml import etree

        errors.append(etree.LxmlError)
    except ImportError:  # pragma: no cover - lxml comes with python-docx
        pass
    try:
        from defusedxml import DefusedXmlException

        errors.append(DefusedXmlException)
    except ImportError:  # pragma: no cover - defusedxml comes with odfpy
        pass
    return tuple(errors)


def _short(error: BaseException) -> str:
    text = str(error).splitlines()[0] if str(error) else type(error).__name__
    return text if len(text) <= 120 else text[:119] + "…"


def _check_package(data: bytes, path: Path, name: str, text_member: str) -> None:
    """Refuse a package whose members would inflate beyond the limits, before inflating any."""
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            members = package.infolist()
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as error:
        raise OutlineError(_("this file ({kind}) is damaged: {error}").format(
            kind=name, error=_short(error)), path=path, hint=_(_SAVE_AGAIN)) from None
    if len(members) > MAX_PACKAGE_MEMBERS:
        raise OutlineError(_("this file ({kind}) holds {count} files: not an outline").format(
            kind=name, count=len(members)), path=path)
    total = 0
    for member in members:
        total += member.file_size
        ratio = member.file_size / max(member.compress_size, 1)
        if ratio > MAX_COMPRESSION_RATIO and member.file_size > 1024 * 1024:
            raise OutlineError(_("this file ({kind}) is a ZIP bomb: {member} would inflate {ratio} "
                                 "times, to {size} bytes").format(
                kind=name, member=member.filename, ratio=round(ratio), size=member.file_size),
                path=path)
        if member.filename == text_member and member.file_size > MAX_PACKAGE_TEXT_BYTES:
            raise OutlineError(_("too large for an outline: its text is {size} bytes (at most {most} "
                                 "MiB)").format(size=member.file_size,
                                                most=MAX_PACKAGE_TEXT_BYTES // (1024 * 1024)),
                               path=path)
    if total > MAX_PACKAGE_BYTES:
        raise OutlineError(_("this file ({kind}) would inflate to {size} bytes: too large for an "
                             "outline").format(kind=name, size=total), path=path)
    if text_member not in {member.filename for member in members}:
        raise OutlineError(_("this file ({kind}) is damaged: it has no {member}").format(
            kind=name, member=text_member), path=path, hint=_(_SAVE_AGAIN))

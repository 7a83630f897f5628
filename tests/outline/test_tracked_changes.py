"""Outlines edited with Track Changes on: read as the document shows with the changes accepted.

Inserted text is part of its line, deleted text is not, in every document format that records
changes (Word's is tested with the other Word documents, in test_documents).
"""

from __future__ import annotations

import io
from pathlib import Path

from click.testing import CliRunner

from podcast_tool.cli import main
from podcast_tool.outline.documents.rtf import without_deleted_text
from podcast_tool.pipeline import load_chapters


def chapters_of(path: Path) -> list[tuple[int, str, str, int | None]]:
    episode, _ = load_chapters(path)
    return [(c.start_ms, c.title, c.description, c.line) for c in episode.chapters]


# ------------------------------------------------------------------ OpenDocument


def tracked_odt() -> bytes:
    """As LibreOffice Writer records changes (ODF 1.2, 5.5): the changed regions listed first in
    ``text:tracked-changes``, the deleted text kept there, the inserted text in the body between
    ``text:change-start`` and ``text:change-end``, a deletion marked by ``text:change``."""
    from odf.dc import Creator, Date
    from odf.namespaces import TEXTNS, XMLNS
    from odf.office import ChangeInfo
    from odf.opendocument import OpenDocumentText
    from odf.style import Style, TextProperties
    from odf.table import Table, TableCell, TableColumn, TableRow
    from odf.text import (
        Change,
        ChangedRegion,
        ChangeEnd,
        ChangeStart,
        Deletion,
        Insertion,
        P,
        Span,
        TrackedChanges,
    )

    document = OpenDocumentText()
    bold = Style(name="T1", family="text")
    bold.addElement(TextProperties(fontweight="bold"))
    italic = Style(name="T2", family="text")
    italic.addElement(TextProperties(fontstyle="italic"))
    document.automaticstyles.addElement(bold)
    document.automaticstyles.addElement(italic)

    def styled(style: Style, text: str) -> Span:
        span = Span(stylename=style)
        span.addText(text)
        return span

    def info() -> ChangeInfo:
        change_info = ChangeInfo()
        creator, date = Creator(), Date()
        creator.addText("Marie")
        date.addText("2020-12-18T10:00:00")
        change_info.addElement(creator)
        change_info.addElement(date)
        return change_info

    def region(ident: str, kind: type, *deleted: P) -> ChangedRegion:
        # LibreOffice names each region twice, as ODF 1.2 asks (xml:id) and as 1.1 did (text:id).
        changed = ChangedRegion(qattributes={(XMLNS, "id"): ident, (TEXTNS, "id"): ident})
        record = kind()
        record.addElement(info())
        for paragraph in deleted:
            record.addElement(paragraph)
        changed.addElement(record)
        return changed

    def paragraph(*pieces: object) -> P:
        made = P()
        for piece in pieces:
            if isinstance(piece, str):
                made.addText(piece)
            else:
                made.addElement(piece)
        return made

    changes = TrackedChanges()
    changes.addElement(region("ct1", Insertion))
    changes.addElement(region("ct2", Deletion, paragraph(styled(bold, " SUPPRIMÉ"))))
    changes.addElement(region("ct3", Insertion))
    # A whole chapter line deleted, with its paragraph.
    changes.addElement(region("ct4", Deletion, paragraph("3'00 ", styled(bold, "Chapitre retiré"))))
    changes.addElement(region("ct5", Deletion, paragraph("12'00")))
    changes.addElement(region("ct6", Insertion))
    document.text.addElement(changes)

    document.text.addElement(paragraph(
        "0'00 ", styled(bold, "Accueil "), ChangeStart(changeid="ct1"), styled(bold, "des participants"),
        ChangeEnd(changeid="ct1"), Change(changeid="ct2"), " ", styled(italic, "Daniel Delaveau")))
    document.text.addElement(paragraph(Change(changeid="ct4")))
    document.text.addElement(paragraph(
        ChangeStart(changeid="ct3"), "7'00 ", styled(bold, "Table ronde"), ChangeEnd(changeid="ct3")))
    # A table row: the time cell's old time deleted, the new one inserted.
    table = Table(name="Programme")
    table.addElement(TableColumn(numbercolumnsrepeated=2))
    row = TableRow()
    for content in ((Change(changeid="ct5"), ChangeStart(changeid="ct6"), "14'20",
                     ChangeEnd(changeid="ct6")), ("Questions du public",)):
        cell = TableCell()
        cell.addElement(paragraph(*content))
        row.addElement(cell)
    table.addElement(row)
    document.text.addElement(table)
    buffer = io.BytesIO()
    document.write(buffer)
    return buffer.getvalue()


def test_odt_tracked_changes_read_as_accepted(tmp_path: Path) -> None:
    path = tmp_path / "suivi.odt"
    path.write_bytes(tracked_odt())
    assert chapters_of(path) == [(0, "Accueil des participants", "Daniel Delaveau", 1),
                                 (420_000, "Table ronde", "", 3),
                                 (860_000, "Questions du public", "", 4)]


def test_odt_tracked_deletions_never_reach_a_corrected_outline(tmp_path: Path) -> None:
    path = tmp_path / "suivi.odt"
    path.write_bytes(tracked_odt())
    result = CliRunner().invoke(main, ["export", str(path), "-f", "outline"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "Accueil des participants" in result.stdout
    for deleted in ("SUPPRIMÉ", "Chapitre retiré", "12'00", "Marie"):
        assert deleted not in result.stdout


# ------------------------------------------------------------------------- RTF


#: As Word saves revision marks: the authors' table, deleted text under \deleted (with its
#: author and time), inserted text under \revised; accented letters as \'xx and \uN.
TRACKED_RTF = (
    "{\\rtf1\\ansi\\ansicpg1252\\deff0{\\fonttbl{\\f0\\froman Times New Roman;}}"
    "{\\*\\revtbl {Unknown;}{Marie;}}\n"
    "\\pard\\plain\\f0 0'00 {\\b Accueil }{\\b\\revised\\revauth1\\revdttm1234567 des participants}"
    "{\\b\\deleted\\revauthdel1\\revdttmdel1234567  SUPPRIM\\'c9 \\u233?t\\'e9}\\par\n"
    # A whole chapter line deleted, its paragraph mark with it.
    "\\pard\\plain\\f0{\\deleted\\revauthdel1 3'00 {\\b Chapitre retir\\'e9}\\par }"
    "\\pard\\plain\\f0 7'00 Table {\\deleted\\revauthdel1 Ronde\\~1}{\\revised\\revauth1 ronde}\\par\n"
    # \deleted as a toggle within a group, ended by \deleted0 and by \plain.
    "{0'1\\deleted 2\\deleted0 4'20 Questions \\deleted du public\\plain de la salle}\\par\n"
    "}")


def test_rtf_revision_marks_read_as_accepted(tmp_path: Path) -> None:
    path = tmp_path / "suivi.rtf"
    path.write_bytes(TRACKED_RTF.encode("ascii"))
    assert chapters_of(path) == [(0, "Accueil des participants", "", 1),
                                 (420_000, "Table ronde", "", 2),
                                 (860_000, "Questions de la salle", "", 3)]


def test_rtf_without_revision_marks_is_left_as_it_is() -> None:
    plain = "{\\rtf1\\ansi 0'00 {\\b Accueil}\\par 7'00 D\\'e9bat\\par}"
    assert without_deleted_text(plain) is plain


def test_rtf_binary_data_under_a_deletion_is_copied_whole() -> None:
    """A picture's \\bin bytes are not RTF: braces among them must not end a group."""
    rtf = "{\\rtf1 A{\\deleted B{\\pict\\bin2 }}}C}D\\par}"
    assert without_deleted_text(rtf) == "{\\rtf1 A{\\deleted {\\pict\\bin2 }}}}D\\par}"

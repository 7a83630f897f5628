"""Writing the studio's edits back into an outline: only what changed changes."""

from __future__ import annotations

import pytest

from podcast_tool.errors import OutlineError
from podcast_tool.outline.parser import parse_outline
from podcast_tool.studio.outline_edit import EditedChapter, edit_outline
from tests.conftest import SEED_OUTLINE


def edits_of(text: str) -> list[EditedChapter]:
    chapters = parse_outline(text)[0].chapters
    return [EditedChapter(i, c.start_ms, c.end_ms, c.title, c.description)
            for i, c in enumerate(chapters)]


def test_no_edit_leaves_the_seed_outline_byte_for_byte() -> None:
    text = SEED_OUTLINE.read_text(encoding="utf-8")
    assert edit_outline(text, edits_of(text)) == text


def test_seed_outline_retitled_and_retimed_in_its_own_notation() -> None:
    text = SEED_OUTLINE.read_text(encoding="utf-8")
    edits = edits_of(text)
    edits[1].start_ms, edits[1].end_ms = 421_500, 852_000
    edits[2].title = "Table ronde 1 : pourquoi développer le travail pair ?"
    new = edit_outline(text, edits)
    assert "7'01,5 à 14'12 **Introduction du sujet par Adrien Bréger** *Définitions" in new
    assert "14'20 à 58'35 **Table ronde 1 : pourquoi développer le travail pair ?**" in new
    changed = [(a, b) for a, b in zip(text.splitlines(), new.splitlines(), strict=True) if a != b]
    assert len(changed) == 2


def test_list_items_and_clock_times_keep_their_style() -> None:
    text = "Programme\n\n- 00:00 - Accueil\n- 00:12:30 - Atelier\n- 00:40:00 - Clôture\n"
    edits = edits_of(text)
    edits[1].title = "Atelier pratique"
    edits.insert(2, EditedChapter(None, 1_800_000, None, "Pause café"))
    del edits[3]
    new = edit_outline(text, edits)
    assert new == ("Programme\n\n- 00:00 - Accueil\n- 00:12:30 - Atelier pratique\n"
                   "- 00:30:00 **Pause café**\n")


def test_ends_added_and_removed() -> None:
    text = "0'20 **Accueil**\n7'00 à 14'10 **Introduction**\n"
    edits = edits_of(text)
    edits[0].end_ms = 400_000
    edits[1].end_ms = None
    assert edit_outline(text, edits) == "0'20 à 6'40 **Accueil**\n7'00 **Introduction**\n"


def test_a_description_is_added_in_the_outline_markup() -> None:
    text = "0'20 Accueil\n"
    edits = edits_of(text)
    edits[0].description = "Par la présidente"
    new = edit_outline(text, edits)
    assert new == "0'20 **Accueil** *Par la présidente*\n"


def test_markdown_in_a_new_title_is_escaped() -> None:
    text = "0'20 **Accueil**\n"
    edits = edits_of(text)
    edits[0].title = "**pas gras** et <b>ni balise</b> [lien](x)"
    new = edit_outline(text, edits)
    assert parse_outline(new)[0].chapters[0].title == edits[0].title


def test_chapters_that_do_not_match_the_outline_are_refused() -> None:
    text = "0'20 **Accueil**\n"
    with pytest.raises(OutlineError):
        edit_outline(text, [EditedChapter(3, 0, None, "x")])
    with pytest.raises(OutlineError):
        edit_outline(text, [EditedChapter(0, 0, None, "un\ntitre"), EditedChapter(0, 10, None, "y")])

"""Formats and the outline parser together: the seed outline through every format, and Markdown
show notes, which the outline parser reads back (podcast_tool.outline.parser, from the parser branch)."""

from __future__ import annotations

import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

from podcast_tool.formats import ExportOptions, get_format
from podcast_tool.model import Chapter, Episode
from tests.conftest import SEED_OUTLINE
from tests.formats.test_roundtrip import ANY_TITLE, FORMATS, PROPERTY_SETTINGS, expected_for, round_trip
from tests.formats.test_seed import GOLDENS, expected_view, loaded_view, render, seed_episode

MARKDOWN_GOLDENS = [golden for golden in GOLDENS if golden.format_name == "markdown"]
SEED_DURATION = 9_250_000


def parsed_seed() -> Episode:
    from podcast_tool.outline.parser import parse_outline

    return parse_outline(SEED_OUTLINE.read_text(encoding="utf-8"), SEED_OUTLINE)[0]


@pytest.mark.parametrize("golden", MARKDOWN_GOLDENS, ids=lambda g: g.file_name)
def test_markdown_matches_golden_file_and_reads_back_to_the_seed(golden) -> None:  # type: ignore[no-untyped-def]
    assert render(golden) == golden.path.read_text(encoding="utf-8")
    episode, _ = get_format("markdown").load(golden.path.read_text(encoding="utf-8"), golden.path)
    assert episode.title == seed_episode().title
    assert loaded_view(episode.chapters, "markdown") == expected_view(seed_episode().chapters, "markdown")


@pytest.mark.parametrize("format_name", [*FORMATS, "markdown"])
def test_the_seed_outline_round_trips_through_every_format(format_name: str) -> None:
    episode = parsed_seed()
    loaded, _ = round_trip(episode, format_name, SEED_DURATION)
    assert (loaded_view(loaded.chapters, format_name, SEED_DURATION)
            == expected_for(episode, format_name, SEED_DURATION))


@pytest.mark.parametrize("notation", ["fr", "clock"])
def test_show_notes_keep_notes_links_images_and_milliseconds(notation: str) -> None:
    episode = parsed_seed()
    chapters = episode.chapters
    chapters[0].url = "https://fas-bretagne.fr/accueil?x=1&y=2"
    chapters[1].image = "images/intro.jpg"
    chapters[2].start_ms += 500
    chapters[3].notes = "12:30 la pause déjeuner\n\n1'03''37 une heure plus tard\n- 0:20 en liste"
    chapters[4].title = "Titre avec *étoiles*, _soulignés_, [crochets] et \\ barre"
    chapters[4].description = "Une *description* aussi"
    text, diagnostics = get_format("markdown").dump(episode, ExportOptions(notation=notation))
    assert diagnostics == []
    assert "\\12:30 la pause" in text  # a note line starting with a time is escaped
    loaded, _ = get_format("markdown").load(text)
    for before, after in zip(chapters, loaded.chapters, strict=True):
        assert (after.start_ms, after.end_ms, after.title, after.description, after.url, after.image,
                after.notes) == (before.start_ms, before.end_ms, before.title, before.description,
                                 before.url, before.image, before.notes)


def test_show_notes_warn_where_markdown_simplifies_a_title() -> None:
    episode = Episode([Chapter(0, "Deux\tcolonnes"), Chapter(10_000, "Simple")])
    text, diagnostics = get_format("markdown").dump(episode, ExportOptions())
    assert "**Deux colonnes**" in text
    assert [(d.code, d.message.startswith('"Deux colonnes"')) for d in diagnostics] == [
        ("markdown-simplified", True)]


def test_show_notes_refuse_links_markdown_cannot_hold() -> None:
    from podcast_tool.errors import ChapterFormatError

    episode = Episode([Chapter(0, "A", image="mes images/a.jpg", line=3)])
    with pytest.raises(ChapterFormatError, match="spaces or parentheses"):
        get_format("markdown").dump(episode, ExportOptions())


MARKDOWN_CHARACTERS = string.ascii_letters + string.digits + " éàçœ«»’'\"=;#\\&<>!?.,*_[]()-:"
PLAIN_TITLE = (st.text(st.sampled_from(MARKDOWN_CHARACTERS), min_size=1, max_size=30)
               .map(lambda t: " ".join(t.split())).filter(bool))


@st.composite
def show_notes(draw: st.DrawFn, titles: st.SearchStrategy[str]) -> Episode:
    count = draw(st.integers(1, 6))
    starts = sorted(draw(st.lists(st.integers(0, 36_000_000), min_size=count, max_size=count, unique=True)))
    chapters = []
    for index, start in enumerate(starts):
        limit = starts[index + 1] if index + 1 < count else start + 3_600_000
        chapters.append(Chapter(
            start_ms=start, end_ms=draw(st.none() | st.integers(start + 1, limit)), title=draw(titles),
            description=draw(st.just("") | titles),
            url=draw(st.none() | st.sampled_from(["https://example.org/a?b=1&c=2", "http://x.fr/"])),
            image=draw(st.none() | st.sampled_from(["https://example.org/c.jpg", "img/c.png"]))))
    return Episode(chapters=chapters)


@pytest.mark.parametrize("notation", ["fr", "clock"])
@PROPERTY_SETTINGS
@given(episode=show_notes(PLAIN_TITLE))
def test_printable_show_notes_read_back_exactly(notation: str, episode: Episode) -> None:
    text, diagnostics = get_format("markdown").dump(episode, ExportOptions(notation=notation))
    assert diagnostics == [], text
    loaded, _ = get_format("markdown").load(text)
    assert loaded_view(loaded.chapters, "markdown") == expected_view(episode.chapters, "markdown"), text


@PROPERTY_SETTINGS
@given(episode=show_notes(ANY_TITLE))
def test_any_show_notes_read_back_or_say_what_changed(episode: Episode) -> None:
    text, diagnostics = get_format("markdown").dump(episode, ExportOptions(notation="fr"))
    loaded, _ = get_format("markdown").load(text)
    expected = expected_view(episode.chapters, "markdown")
    got = loaded_view(loaded.chapters, "markdown")
    if got != expected:
        assert any(d.code == "markdown-simplified" for d in diagnostics), text

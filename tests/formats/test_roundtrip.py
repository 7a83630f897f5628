"""Chapters → format → chapters, for every format: exact where the format allows it.

Deterministic cases first (the seed with links, images and hidden chapters), then property
tests: random chapter lists with unicode, quotes, tabs, line breaks and ``=;#\\`` in titles
either come back as the format promises, or the export refuses them with ChapterFormatError.
Markdown needs the outline parser to read back: its round trips are in test_formats_markdown.py.
"""

from __future__ import annotations

import string
from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from podcast_tool.errors import ChapterFormatError
from podcast_tool.formats import ExportOptions, all_formats, get_format
from podcast_tool.formats.cue import typographic_quotes
from podcast_tool.model import Chapter, Diagnostic, Episode
from podcast_tool.pipeline import decode_text
from tests.formats.test_seed import expected_view, loaded_view, seed_episode

FORMATS = [f.name for f in all_formats() if f.name not in ("markdown", "outline")]
#: Formats that keep the episode's own title.
KEEP_EPISODE_TITLE = {"json", "cue", "ffmetadata"}
SEED_DURATION = 9_250_000


def round_trip(episode: Episode, format_name: str, duration_ms: int | None
               ) -> tuple[Episode, list[Diagnostic]]:
    """Write (for a recording of ``duration_ms``), encode as a file would be, decode as the
    pipeline does, and read back."""
    chapter_format = get_format(format_name)
    text, diagnostics = chapter_format.dump(replace(episode, duration_ms=duration_ms), ExportOptions())
    decoded, _ = decode_text(text.encode("utf-8"))
    loaded, _ = chapter_format.load(decoded)
    return loaded, diagnostics


def expected_for(episode: Episode, format_name: str, duration: int | None) -> list[dict[str, object]]:
    rows = expected_view(episode.chapters, format_name, duration)
    if format_name == "cue":
        for row in rows:
            row["title"] = typographic_quotes(str(row["title"]))
    return rows


def rich_episode() -> Episode:
    episode = seed_episode()
    chapters = episode.chapters
    chapters[0].url = "https://fas-bretagne.fr/travail-pair?année=2020&x=<1>"
    chapters[0].image = "https://fas-bretagne.fr/images/accueil.jpg"
    chapters[1].image = "images/intro.png"
    chapters[3].toc = False
    chapters[2].start_ms += 123  # milliseconds, where formats keep them
    chapters[5].title = "Ludovic Magnier : « 100 % » d'accord ; =#\\ & <b>"
    return episode


@pytest.mark.parametrize("format_name", FORMATS)
def test_seed_with_links_images_and_milliseconds_round_trips(format_name: str) -> None:
    episode = rich_episode()
    loaded, _ = round_trip(episode, format_name, SEED_DURATION)
    assert (loaded_view(loaded.chapters, format_name, SEED_DURATION)
            == expected_for(episode, format_name, SEED_DURATION))
    if format_name in KEEP_EPISODE_TITLE:
        title = episode.title or ""
        assert loaded.title == (typographic_quotes(title) if format_name == "cue" else title)


def test_the_formats_are_the_ones_the_issue_names() -> None:
    names = {f.name for f in all_formats() if f.name != "outline"}
    assert names >= {"json", "psc", "vtt", "cue", "ffmetadata", "audacity", "mp4chaps",
                     "chapters-txt", "youtube", "markdown"}
    for chapter_format in all_formats():
        assert chapter_format.keeps <= {"end", "description", "url", "image", "toc"}
        assert chapter_format.extensions and all(e.startswith(".") for e in chapter_format.extensions)


# --- Property tests ---------------------------------------------------------------------------

#: Titles: any printable unicode, plus the troublemakers (control characters: see test_formats_errors).
TROUBLE = "\"'\t\n\r\x1b=;#\\<>&*_[]()-–:|"
ANY_TITLE = st.text(st.characters(blacklist_categories=("Cs", "Cc")) | st.sampled_from(TROUBLE),
                    min_size=1, max_size=30).map(str.strip).filter(bool)
#: Printable titles every format must keep (CUE turns its straight double quotes typographic).
PLAIN_TITLE = st.text(st.sampled_from(string.ascii_letters + string.digits + " éàçœ«»’'\"=;#\\&<>!?.,"),
                      min_size=1, max_size=30).map(str.strip).filter(lambda t: t and t[0].isalnum())
URLS = st.none() | st.sampled_from(["https://example.org/a?b=1&c=2", "https://ex.org/é \"q\"",
                                    "http://example.org/"])
IMAGES = st.none() | st.sampled_from(["https://example.org/c.jpg", "images/chapitre 1.png", "c.jpg"])


@st.composite
def episodes(draw: st.DrawFn, titles: st.SearchStrategy[str]) -> tuple[Episode, int]:
    """Chapters in distinct seconds (YouTube's precision), at any millisecond up to .986 of it
    (so CUE's frames stay distinct too); ends anywhere up to the next start."""
    count = draw(st.integers(1, 6))
    seconds = draw(st.lists(st.integers(0, 10 * 3600), min_size=count, max_size=count, unique=True))
    starts = sorted(second * 1000 + draw(st.integers(0, 986)) for second in seconds)
    chapters = []
    for index, start in enumerate(starts):
        limit = starts[index + 1] if index + 1 < count else start + 3_600_000
        end = draw(st.none() | st.integers(start + 1, limit))
        chapters.append(Chapter(start_ms=start, end_ms=end, title=draw(titles), url=draw(URLS),
                                image=draw(IMAGES), toc=draw(st.booleans())))
    duration = max(chapters[-1].end_ms or 0, starts[-1]) + draw(st.integers(1, 600_000))
    return Episode(chapters=chapters, title=draw(st.none() | titles)), duration


PROPERTY_SETTINGS = settings(max_examples=40, deadline=None,
                             suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])


@pytest.mark.parametrize("format_name", FORMATS)
@PROPERTY_SETTINGS
@given(case=episodes(ANY_TITLE))
def test_random_chapters_survive_or_are_refused(format_name: str, case: tuple[Episode, int]) -> None:
    episode, duration = case
    try:
        loaded, diagnostics = round_trip(episode, format_name, duration)
    except ChapterFormatError as error:
        assert error.message  # refused, clearly: never a corrupted file
        return
    assert loaded_view(loaded.chapters, format_name, duration) == expected_for(episode, format_name, duration)
    if format_name in KEEP_EPISODE_TITLE:
        expected_title = episode.title
        if format_name == "cue" and expected_title:
            expected_title = typographic_quotes(expected_title)
        assert loaded.title == expected_title
    if format_name == "cue" and any('"' in c.title for c in episode.chapters):
        assert any(d.code == "cue-quotes" for d in diagnostics)


@pytest.mark.parametrize("format_name", FORMATS)
@PROPERTY_SETTINGS
@given(case=episodes(PLAIN_TITLE))
def test_printable_titles_are_never_refused(format_name: str, case: tuple[Episode, int]) -> None:
    episode, duration = case
    loaded, _ = round_trip(episode, format_name, duration)
    assert loaded_view(loaded.chapters, format_name, duration) == expected_for(episode, format_name, duration)

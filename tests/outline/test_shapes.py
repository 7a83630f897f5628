"""Outlines as people write them: every notation and shape, and no chapter-like line ever lost."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from podcast_tool.model import Severity
from podcast_tool.outline.parser import parse_outline, retime_outline
from podcast_tool.outline.timecodes import SPACES

S = 1_000
M = 60_000
H = 3_600_000


def chapters(text: str) -> list[tuple[int, int | None, str, str]]:
    episode, _ = parse_outline(text)
    return [(c.start_ms, c.end_ms, c.title, c.description) for c in episode.chapters]


NOTATIONS = [
    ("1h03'37 Débat", H + 3 * M + 37 * S), ("1h03''37 Débat", H + 3 * M + 37 * S),
    ("1:03'37 Débat", H + 3 * M + 37 * S), ("1h03:37 Débat", H + 3 * M + 37 * S),
    ("1h03mn Débat", H + 3 * M), ("1h10mn Débat", H + 10 * M), ("1h15mn30 Débat", H + 15 * M + 30 * S),
    ("7mn30 Débat", 7 * M + 30 * S), ("0mn Débat", 0), ("00h20 Débat", 20 * M),
    ("20'' Débat", 20 * S), ("7' Débat", 7 * M), ("7 minutes Débat", 7 * M),
    ("7 minutes : le débat", 7 * M), ("1 heure 03 Débat", H + 3 * M), ("1 h 10 mn Débat", H + 10 * M),
    ("min 7 Débat", 7 * M), ("à la minute 15 Débat", 15 * M), ("7e minute Débat", 7 * M),
]


@pytest.mark.parametrize(("line", "start"), NOTATIONS)
def test_every_notation(line: str, start: int) -> None:
    assert chapters(line) == [(start, None, line.split(" ")[-1] if "le débat" not in line
                               else "le débat", "")]


@pytest.mark.parametrize("space", ["\u00a0", "\u202f", "\u2009", "\u200a", "\u2007", "\t", " "])
@pytest.mark.parametrize("dash", ["-", "–", "—", "à", "jusqu'à", "jusqu’à"])
def test_every_space_around_dashes_and_times(space: str, dash: str) -> None:
    assert chapters(f"0'20{space}{dash}{space}7{space}min{space}10 Accueil") == [
        (20 * S, 7 * M + 10 * S, "Accueil", "")]


SHAPES = [
    ("🕐 10'00 Questions", 10 * M, None, "Questions", ""),
    ("▶️ 15'00 Questions", 15 * M, None, "Questions", ""),
    ("• 3'20 Questions", 3 * M + 20 * S, None, "Questions", ""),
    ("→ 3'20 Questions", 3 * M + 20 * S, None, "Questions", ""),
    ("1️⃣ 3'20 Questions", 3 * M + 20 * S, None, "Questions", ""),
    ("| 0'20 | Accueil | Marie |", 20 * S, None, "Accueil", "Marie"),
    ("| 0'20 à 7'00 | **Accueil** | Marie | Salle A |", 20 * S, 7 * M, "Accueil", "Marie – Salle A"),
    ("| 0'20 | 7'00 | Accueil |", 20 * S, 7 * M, "Accueil", ""),
    ("| Accueil | 0'20 |", 20 * S, None, "Accueil", ""),
    ("0'20\tAccueil\tMarie", 20 * S, None, "Accueil", "Marie"),
    ("Accueil\t0'20", 20 * S, None, "Accueil", ""),
    ("Accueil (0'00)", 0, None, "Accueil", ""),
    ("Présentation de l'étude – 3'20", 3 * M + 20 * S, None, "Présentation de l'étude", ""),
    ("Table ronde : 12'45", 12 * M + 45 * S, None, "Table ronde", ""),
    ("Questions du public ........ 25'10", 25 * M + 10 * S, None, "Questions du public", ""),
    ("Questions du public …… 25'10", 25 * M + 10 * S, None, "Questions du public", ""),
    ("**Débat** – de 7'00 à 14'10", 7 * M, 14 * M + 10 * S, "Débat", ""),
    ("- Accueil [0:20]", 20 * S, None, "Accueil", ""),
    ("0&#39;20 Accueil&nbsp;: l&rsquo;&eacute;quipe", 20 * S, None, "Accueil : l’équipe", ""),
]


@pytest.mark.parametrize(("line", "start", "end", "title", "description"), SHAPES)
def test_every_shape(line: str, start: int, end: int | None, title: str, description: str) -> None:
    assert chapters(line) == [(start, end, title, description)]


def test_a_markdown_table_with_its_header_and_separator() -> None:
    text = ("| Heure | Séquence | Intervenant |\n|:---|---|---|\n| 0'20 | Accueil | Marie |\n"
            "| 7'00 à 14'10 | Introduction | Adrien |\n")
    episode, diagnostics = parse_outline(text)
    assert [(c.start_ms, c.end_ms, c.title, c.description, c.line) for c in episode.chapters] == [
        (20 * S, None, "Accueil", "Marie", 3), (7 * M, 14 * M + 10 * S, "Introduction", "Adrien", 4)]
    assert diagnostics == []


def test_prose_that_ends_with_a_time_is_text_with_a_note() -> None:
    episode, diagnostics = parse_outline("0'00 Accueil\nLa pause aura lieu à 14h00\n", None)
    assert [c.title for c in episode.chapters] == ["Accueil"]
    assert episode.chapters[0].notes == "La pause aura lieu à 14h00"
    assert [(d.code, d.line, d.severity) for d in diagnostics] == [
        ("time-like-text", 2, Severity.INFO)]


@pytest.mark.parametrize("line", ["0'5 Accueil", "12h30x Accueil", "0'20Accueil", "7 minutes de pause"])
def test_a_time_like_start_that_cannot_be_read_is_reported(line: str) -> None:
    episode, diagnostics = parse_outline(f"0:00 Start\n{line}\n")
    assert [c.title for c in episode.chapters] == ["Start"]
    assert [(d.code, d.line) for d in diagnostics] == [("time-like-text", 2)]
    assert diagnostics[0].hint


def test_entities_are_decoded_once_noted_and_retimed() -> None:
    text = "0&#39;20 Accueil&nbsp;!\n7&#39;00 D&eacute;bat\nnote &amp; suite\n"
    episode, diagnostics = parse_outline(text)
    assert [c.title for c in episode.chapters] == ["Accueil !", "Débat"]
    assert episode.chapters[1].notes == "note & suite"
    assert [d.code for d in diagnostics] == ["html-entities"]
    assert retime_outline(text, [(21 * S, None), (7 * M, None)]) == (
        "0'21 Accueil\u00a0!\n7'00 Débat\nnote &amp; suite\n")


@pytest.mark.parametrize("text", ["Accueil (0'00)\nDébat – 7'00\n", "| 0'20 | Accueil |\n",
                                  "🕐 1h03'37 Débat\n", "min 7 Débat\n"])
def test_retime_every_shape(text: str) -> None:
    episode, _ = parse_outline(text)
    new = [(c.start_ms + S, None) for c in episode.chapters]
    again, _ = parse_outline(retime_outline(text, new))
    assert [c.start_ms for c in again.chapters] == [start for start, _ in new]
    assert [c.title for c in again.chapters] == [c.title for c in episode.chapters]


# --- No line lost: every chapter-like line is a chapter or a diagnostic on that line -----------

def _time(draw: st.DrawFn) -> str:
    hours, minutes, seconds = draw(st.integers(0, 3)), draw(st.integers(0, 59)), draw(st.integers(0, 59))
    space = draw(st.sampled_from(["", " ", "\u00a0", "\u202f", "\u2009"]))
    quote = draw(st.sampled_from(["'", "’", "′"]))
    forms = [f"{minutes}{quote}{seconds:02d}", f"{hours}{quote}{minutes:02d}{quote * 2}{seconds:02d}",
             f"{minutes}:{seconds:02d}", f"{hours}:{minutes:02d}:{seconds:02d}",
             f"{hours:02d}:{minutes:02d}:{seconds:02d}.500", f"{hours}h{minutes:02d}",
             f"{hours}h{minutes:02d}{quote}{seconds:02d}", f"{hours}:{minutes:02d}{quote}{seconds:02d}",
             f"{hours}{space}h{space}{minutes:02d}{space}mn", f"{minutes}{space}min{space}{seconds:02d}",
             f"{minutes}mn{seconds:02d}", f"{minutes}{quote}", f"{seconds}{quote * 2}",
             f"{seconds}{space}s", f"{minutes} minutes", f"min {minutes}", f"{minutes}e minute",
             f"à la minute {minutes}"]
    return draw(st.sampled_from(forms))


@st.composite
def chapter_line(draw: st.DrawFn) -> str:
    start = _time(draw)
    if draw(st.booleans()):
        joiner = draw(st.sampled_from([" à ", " - ", "\u00a0–\u00a0", " jusqu’à ", "-", " — "]))
        start += joiner + _time(draw)
    title = draw(st.text(st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")), max_size=12))
    letter = draw(st.sampled_from("AaÉéZ"))
    if draw(st.integers(0, 3)) == 0:
        separator = draw(st.sampled_from([" – ", " : ", " (", " ........ ", " | ", "\t"]))
        return f"{letter}{title}{separator}{start}" + (")" if separator == " (" else "")
    prefix = draw(st.sampled_from(["", "- ", "* ", "1. ", "> ", "## ", "• ", "→ ", "🕐 ", "▶️ ", "**",
                                   "[", "(", "| ", "de ", "\u00a0", "\t", "+ "]))
    space = draw(st.sampled_from(SPACES[:8]))
    return f"{prefix}{start}{space}{letter}{title}"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(chapter_line(), st.sampled_from(["", "Une note.", "« Question ? »",
                                                           "- un point"])),
                min_size=1, max_size=6))
def test_no_chapter_line_is_ever_lost(lines: list[tuple[str, str]]) -> None:
    text_lines: list[str] = []
    expected: list[int] = []
    for line, note in lines:
        text_lines.append(line)
        expected.append(len(text_lines))
        if note:
            text_lines.append(note)
    episode, diagnostics = parse_outline("\n".join(text_lines) + "\n")
    seen = {c.line for c in episode.chapters} | {d.line for d in diagnostics}
    lost = [text_lines[number - 1] for number in expected if number not in seen]
    assert lost == []


@pytest.mark.parametrize("note", ["Durée – 7'00", "| 0'20 | Accueil |", "Accueil (0'00)",
                                  "Durée – \\7'00", "Durée – \\\\7'00", "0'20 Accueil", "\\0'20 x",
                                  "Accueil\t0'20", "pause à 14h00"])
def test_notes_shaped_like_chapters_round_trip_escaped(note: str) -> None:
    from podcast_tool.outline.parser import escape_note_line

    text = f"0'00 Accueil\n{escape_note_line(note)}\n"
    episode, _ = parse_outline(text)
    assert [(c.title, c.notes) for c in episode.chapters] == [("Accueil", note)]

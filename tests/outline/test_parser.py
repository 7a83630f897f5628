"""The outline parser: the seed outline, every notation and shape, links, retiming, fuzzing."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from podcast_tool import formats
from podcast_tool.errors import OutlineError, PodcastToolError
from podcast_tool.formats import ExportOptions
from podcast_tool.formats.outline import FORMAT
from podcast_tool.model import Chapter, Episode, Severity
from podcast_tool.outline.parser import parse_outline, retime_outline
from tests.conftest import SEED_OUTLINE

S = 1_000
M = 60_000
H = 3_600_000

SEED_STARTS_S = [20, 420, 860, 3515, 3817, 4665, 5440, 8165, 8905]
SEED_ENDS_S = [None, 850, 3515, 3817, 4665, 4965, 8165, 8905, 9192]
SEED_LINES = [15, 17, 19, 39, 43, 52, 58, 76, 86]
SEED_TITLES = [
    "Mot d'accueil de Daniel Delaveau",
    "Introduction du sujet par Adrien Bréger",
    "Tableau Ronde 1 : Pourquoi développer le travail pair ?",
    "Questions du public",
    "Anne Postic, Commissaire à la Stratégie de prévention et de lutte contre la pauvreté dans les "
    "Pays de la Loire",
    "Ludovic Magnier, Commissaire à la Stratégie de prévention et de lutte contre la pauvreté en Bretagne",
    "Tableau Ronde 2 : Comment réunir les conditions nécessaires à la réussite du travail pair ?",
    "Questions du public",
    "Jean-Claude Laurent, Président de la FAS des Pays de la Loire : Conclusion et remerciements",
]


def seed_text() -> str:
    return SEED_OUTLINE.read_text(encoding="utf-8")


def only(text: str) -> tuple[int, int | None, str, str]:
    """The single chapter of ``text``: (start, end, title, description)."""
    episode, _ = parse_outline(text)
    assert len(episode.chapters) == 1, [c.title for c in episode.chapters]
    chapter = episode.chapters[0]
    return chapter.start_ms, chapter.end_ms, chapter.title, chapter.description


# --- The seed outline -------------------------------------------------------------------------

def test_seed_chapters() -> None:
    episode, diagnostics = parse_outline(seed_text(), SEED_OUTLINE)
    assert [c.start_ms for c in episode.chapters] == [s * S for s in SEED_STARTS_S]
    assert [c.end_ms for c in episode.chapters] == [e * S if e else None for e in SEED_ENDS_S]
    assert [c.title for c in episode.chapters] == SEED_TITLES
    assert [c.line for c in episode.chapters] == SEED_LINES
    assert diagnostics == []
    assert episode.source == SEED_OUTLINE
    assert episode.notation == "fr"


def test_seed_descriptions_notes_and_metadata() -> None:
    episode, _ = parse_outline(seed_text())
    chapters = episode.chapters
    assert chapters[1].description == ("Définitions, champs professionnels concernés, éléments historiques "
                                       "et questionnements autour du sujet.")
    assert [bool(c.description) for c in chapters] == [False, True] + [False] * 7
    assert episode.title == 'Webinaire "Travail Pair : Passons à l\'action !"'
    assert episode.date == dt.date(2020, 12, 18)
    # Notes: the following lines, trimmed; the list items of chapter 5 stay notes, not chapters.
    assert chapters[0].notes == ""
    assert chapters[2].notes.startswith(
        "Audrey Dallavalle, Déléguée Régionale FAS Bourgogne-Franche Comté\n\n« Comment le sujet")
    assert "- 1. l'investissement dans l'accompagnement" in chapters[4].notes
    assert chapters[5].notes.endswith("il faut dorénavant donner de la perspective.")
    assert "\n\n\n" not in chapters[2].notes
    # The [ICI](#) placeholders of the introduction are not links.
    assert all(c.url is None and c.image is None for c in chapters)
    assert not any("*" in c.title or "*" in c.description for c in chapters)


# --- Notations and shapes ----------------------------------------------------------------------

SHAPES = [
    ("- 0:20 Title", 20 * S, None, "Title"),
    ("* **0'20** — Title", 20 * S, None, "Title"),
    ("[00:20] Title", 20 * S, None, "Title"),
    ("(7'00) Title", 7 * M, None, "Title"),
    ("00:20 - Title", 20 * S, None, "Title"),
    ("00:20 | Title", 20 * S, None, "Title"),
    ("00:20: Title", 20 * S, None, "Title"),
    ("## 0'20 Title", 20 * S, None, "Title"),
    ("> 0'20 Title", 20 * S, None, "Title"),
    ("1. 0:20 Title", 20 * S, None, "Title"),
    ("   + 0:20 Title", 20 * S, None, "Title"),
    ("**0'20 Title**", 20 * S, None, "Title"),
    ("_0'20_ Title", 20 * S, None, "Title"),
    ("0'20 **Mot d'accueil**", 20 * S, None, "Mot d'accueil"),
    ("0′20″ Title", 20 * S, None, "Title"),
    ("1'03''37 Title", 3_817_000, None, "Title"),
    ("2’28’’25 Title", 8_905_000, None, "Title"),
    ("01:03:37.500 Title", 3_817_500, None, "Title"),
    ("1:03:37,5 Title", 3_817_500, None, "Title"),
    ("20s Title", 20 * S, None, "Title"),
    ("20 s Title", 20 * S, None, "Title"),
    ("7 min Title", 7 * M, None, "Title"),
    ("7 min 10 Title", 7 * M + 10 * S, None, "Title"),
    ("1h03 Title", H + 3 * M, None, "Title"),
    ("1 h 03 min 37 s Title", 3_817_000, None, "Title"),
    ("1h03m37s Title", 3_817_000, None, "Title"),
    # Ranges.
    ("7'00 à 14'10 Title", 7 * M, 14 * M + 10 * S, "Title"),
    ("de 7'00 à 14'10 Title", 7 * M, 14 * M + 10 * S, "Title"),
    ("De 7'00 à 14'10 : Title", 7 * M, 14 * M + 10 * S, "Title"),
    ("7:00 - 14:10 Title", 7 * M, 14 * M + 10 * S, "Title"),
    ("7:00 – 14:10 Title", 7 * M, 14 * M + 10 * S, "Title"),
    ("7:00 — 14:10 Title", 7 * M, 14 * M + 10 * S, "Title"),
    ("7:00-14:10 Title", 7 * M, 14 * M + 10 * S, "Title"),
    ("7:00 to 14:10 Title", 7 * M, 14 * M + 10 * S, "Title"),
    ("from 7:00 to 14:10 Title", 7 * M, 14 * M + 10 * S, "Title"),
    ("7 min à 14 min 10 Title", 7 * M, 14 * M + 10 * S, "Title"),
    ("58'35 à 1'03''37 **Questions du public**", 3_515_000, 3_817_000, "Questions du public"),
    ("[00:20 - 07:00] Title", 20 * S, 7 * M, "Title"),
    ("**0'20** à **7'00** Title", 20 * S, 7 * M, "Title"),
    # French typography's no-break spaces.
    ("0'20\u00a0: Mot d'accueil", 20 * S, None, "Mot d'accueil"),
    ("20\u202fs\u00a0— Accueil", 20 * S, None, "Accueil"),
    ("1\u00a0h\u00a003 à 1\u00a0h\u00a010 Débat", H + 3 * M, H + 10 * M, "Débat"),
    # A range separator not followed by a time belongs to the title.
    ("0'20 à la une", 20 * S, None, "à la une"),
    ("00:20 - 2 intervenants", 20 * S, None, "2 intervenants"),
]


@pytest.mark.parametrize(("line", "start", "end", "title"), SHAPES)
def test_every_shape(line: str, start: int, end: int | None, title: str) -> None:
    assert only(line)[:3] == (start, end, title)


@pytest.mark.parametrize("line", [
    "Mot d'accueil de Daniel Delaveau",
    "L'association c'est d'abord l'accueil",
    "- 1. l'investissement dans l'accompagnement*",
    "« Comment le sujet de la pair-aidance a émergé ? »",
    "> Pour redécouvrir en podcast, c'est par [ICI](#)",
    "2020 : une année particulière",
    "18 décembre 2020",
    "De nombreux postes",
    "De 2018 à 2020, nous avons",
    "20 secondes plus tard",
    "7 minutes de pause",
    "1 heure de débat",
    "qu'1'20 ne soit pas lu",
    "Le 0'20 au milieu d'une phrase",
    "\\0:20 échappé",
])
def test_prose_lines_are_never_chapters(line: str) -> None:
    episode, _ = parse_outline(f"0:00 Start\n{line}\n")
    assert [c.title for c in episode.chapters] == ["Start"]
    assert episode.chapters[0].notes == line.replace("\\0:20", "0:20")


def test_bold_then_italic_gives_title_and_description() -> None:
    assert only("7'00 **Intro** *Définitions et historique.*")[2:] == ("Intro", "Définitions et historique.")
    assert only("**7'00 Intro** _Définitions_")[2:] == ("Intro", "Définitions")
    assert only("7'00 **Questions** du public")[2:] == ("Questions du public", "")
    assert only("7'00 Questions du *public*")[2:] == ("Questions du public", "")
    assert only("7'00 snake_case et `code` et ~~barré~~")[2] == "snake_case et code et barré"


def test_notation_is_the_one_mostly_used() -> None:
    assert parse_outline("0'20 A\n1:00 B\n2'00 C\n")[0].notation == "fr"
    assert parse_outline("00:20 A\n01:00 B\n2'00 C\n")[0].notation == "clock"
    assert parse_outline("20 s A\n1 min B\n")[0].notation == "units"
    assert parse_outline("rien\n")[0].notation is None


def test_crlf_and_bom_are_tolerated() -> None:
    episode, _ = parse_outline("\ufeff0:20 A\r\nnote\r\n1:00 B\r\n")
    assert [(c.start_ms, c.title, c.notes) for c in episode.chapters] == [(20 * S, "A", "note"),
                                                                          (60 * S, "B", "")]


# --- Ambiguity and invalid times ---------------------------------------------------------------

def test_ambiguous_time_is_resolved_by_order_and_reported() -> None:
    text = "# Débat\n\n1'10''00 Premier\n1'20 Deuxième\n1'30 à 1'40 Troisième\n"
    episode, diagnostics = parse_outline(text, Path("o.md"))
    assert [c.start_ms for c in episode.chapters] == [70 * M, 80 * M, 90 * M]
    assert episode.chapters[2].end_ms == 100 * M
    infos = [(d.code, d.line, d.severity) for d in diagnostics]
    assert infos == [("ambiguous-time", 4, Severity.INFO), ("ambiguous-time", 5, Severity.INFO),
                     ("ambiguous-time", 5, Severity.INFO)]
    assert "1'20''00" in diagnostics[0].message and diagnostics[0].file == "o.md"


def test_clock_notation_is_resolved_the_same_way() -> None:
    episode, diagnostics = parse_outline("1:20:00 A\n1:30 B\n")
    assert [c.start_ms for c in episode.chapters] == [H + 20 * M, H + 30 * M]
    assert [(d.code, d.line) for d in diagnostics] == [("ambiguous-time", 2)]


def test_hours_reading_only_when_plausible() -> None:
    # 1'03 right after 58'35: the writer dropped the seconds of 1'03''00.
    episode, diagnostics = parse_outline("58'35 A\n1'03 B\n")
    assert [c.start_ms for c in episode.chapters] == [58 * M + 35 * S, H + 3 * M]
    assert [d.code for d in diagnostics] == ["ambiguous-time"]
    # 3:00 after 5:00 (a jump of hours) and 0'10 after 1'00 (under an hour) are typos: kept as
    # written, for validation to report.
    for text in ("0:00 A\n5:00 B\n3:00 C\n", "0'00 A\n1'00 B\n0'10 C\n", "1:00:00 A\n3:00 B\n"):
        episode, diagnostics = parse_outline(text)
        assert episode.chapters[-1].start_ms < episode.chapters[-2].start_ms, text
        assert diagnostics == []
    episode, diagnostics = parse_outline("0:00 A\n1:20 à 1:10 B\n")
    assert (episode.chapters[1].end_ms, diagnostics) == (70 * S, [])


def test_unambiguous_order_keeps_minutes_and_seconds() -> None:
    episode, diagnostics = parse_outline("0'20 A\n1'30 B\n1:40 C\n")
    assert [c.start_ms for c in episode.chapters] == [20 * S, 90 * S, 100 * S]
    assert diagnostics == []


def test_invalid_time_is_a_warning_and_the_line_stays_text() -> None:
    episode, diagnostics = parse_outline("0'20 A\n7'75 Faute de frappe\n8'00 B\n", Path("o.md"))
    assert [c.title for c in episode.chapters] == ["A", "B"]
    assert episode.chapters[0].notes == "7'75 Faute de frappe"
    assert [(d.severity, d.code, d.line) for d in diagnostics] == [(Severity.WARNING, "invalid-time", 2)]


# --- Links, images, control characters ---------------------------------------------------------

def test_links_and_images_on_the_chapter_line() -> None:
    episode, _ = parse_outline(
        "0'20 **[Mot d'accueil](https://fas.example/accueil)** ![logo](images/fas.jpg) [ICI](#)\n")
    chapter = episode.chapters[0]
    assert chapter.title == "Mot d'accueil ICI"
    assert chapter.url == "https://fas.example/accueil"
    assert chapter.image == "images/fas.jpg"


def test_links_and_images_in_notes() -> None:
    text = ("0:00 Accueil\nVoir [ICI](#) et [le site](http://fas.example/a) puis [autre](https://b.example)\n"
            "![photo](https://img.example/p.png)\n1:00 Suite [lien](https://c.example)\nvoir [x](https://d.example)\n")
    first, second = parse_outline(text)[0].chapters
    assert (first.url, first.image) == ("http://fas.example/a", "https://img.example/p.png")
    assert first.title == "Accueil"
    assert "[le site](http://fas.example/a)" in first.notes
    assert (second.title, second.url, second.image) == ("Suite lien", "https://c.example", None)


def test_linked_time() -> None:
    episode, _ = parse_outline("[00:20](https://youtu.be/x?t=20) Accueil\n")
    assert (episode.chapters[0].title, episode.chapters[0].url) == ("Accueil", "https://youtu.be/x?t=20")


def test_control_characters_are_removed() -> None:
    episode, diagnostics = parse_outline("0:20 Mot\x00 d'ac\x07cueil\x1b\u0085\n\tnote\x00\n", Path("o.md"))
    chapter = episode.chapters[0]
    assert chapter.title == "Mot d'accueil"
    assert chapter.notes == "\tnote"
    assert [(d.code, d.line, d.severity) for d in diagnostics] == [("control-characters", 1, Severity.INFO)]


# --- Document title and date -------------------------------------------------------------------

@pytest.mark.parametrize(("head", "title", "date"), [
    ("# Webinaire Travail pair\n", "Webinaire Travail pair", None),
    ("# **Colloque** du 3 juin 2021\n", "Colloque", dt.date(2021, 6, 3)),
    ("# Atelier — 2021-10-18\n", "Atelier", dt.date(2021, 10, 18)),
    ("Programme de la table ronde du vendredi 10 décembre 2021 :\n", "Table ronde", dt.date(2021, 12, 10)),
    ("Déroulé du webinaire :\n", "Webinaire", None),
    ("Rencontre du 1er août 2022\n", "Rencontre", dt.date(2022, 8, 1)),
    ("Une phrase ordinaire avant les chapitres.\n", None, None),
    ("> Citation du 18 décembre 2020 :\n", None, None),
    ("", None, None),
])
def test_document_title_and_date(head: str, title: str | None, date: dt.date | None) -> None:
    episode, _ = parse_outline(f"{head}\n0:00 Accueil\n")
    assert (episode.title, episode.date) == (title, date)
    assert [c.title for c in episode.chapters] == ["Accueil"]


# --- Retiming ----------------------------------------------------------------------------------

def test_retime_seed_keeps_everything_but_the_times() -> None:
    text = seed_text()
    episode, _ = parse_outline(text)
    new_times = [(c.start_ms + 1_500, c.end_ms + 2_000 if c.end_ms else None) for c in episode.chapters]
    retimed = retime_outline(text, new_times)
    again, diagnostics = parse_outline(retimed)
    assert [(c.start_ms, c.end_ms) for c in again.chapters] == new_times
    assert [c.title for c in again.chapters] == SEED_TITLES
    assert diagnostics == []
    # Only the chapter lines changed, each in its own notation and quote marks.
    old_lines, new_lines = text.split("\n"), retimed.split("\n")
    changed = [n for n, (a, b) in enumerate(zip(old_lines, new_lines, strict=True), 1) if a != b]
    assert changed == SEED_LINES
    assert new_lines[14] == "0'21,5 **Mot d'accueil de Daniel Delaveau**"
    assert new_lines[16].startswith("7'01,5 à 14'12 **Introduction")
    assert new_lines[85].startswith("2’28’’26,5 à 2’33’’14 Jean-Claude")
    assert retime_outline(text, [(c.start_ms, c.end_ms) for c in episode.chapters]) == text


def test_retime_each_notation() -> None:
    text = "Intro\n- [00:20] A\n7 min à 14 min 10 B\n* **1h03m37s** — C\n"
    retimed = retime_outline(text, [(21_000, None), (7 * M + 5 * S, 15 * M), (H + 5 * S, None)])
    assert retimed == "Intro\n- [00:21] A\n7 min 05 s à 15 min B\n* **1h00m05s** — C\n"
    assert [(c.start_ms, c.end_ms) for c in parse_outline(retimed)[0].chapters] == [
        (21_000, None), (7 * M + 5 * S, 15 * M), (H + 5 * S, None)]


def test_retime_keeps_crlf_and_ambiguous_tokens_become_explicit() -> None:
    text = "Intro\r\n1'10''00 A\r\n1'20 B\r\nnote\r\n"
    retimed = retime_outline(text, [(70 * M, None), (80 * M + 5 * S, None)])
    assert retimed == "Intro\r\n1'10''00 A\r\n1'20''05 B\r\nnote\r\n"


def test_retime_needs_one_time_per_chapter() -> None:
    with pytest.raises(OutlineError, match="2 chapters but 1"):
        retime_outline("0:20 A\n0:30 B\n", [(0, None)])


# --- Hostile input -----------------------------------------------------------------------------

TIME_ALPHABET = st.sampled_from(list("0123456789'’′″\":.,hmsin àde-–—|*_#>[]()!\\ \n\tabc\x00\r\u2028é"))
times_heavy_text = st.lists(TIME_ALPHABET, max_size=200).map("".join)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.one_of(st.text(max_size=300), times_heavy_text))
def test_fuzz_parse_returns_or_raises_our_errors(text: str) -> None:
    try:
        episode, diagnostics = parse_outline(text)
    except PodcastToolError:
        return
    for chapter in episode.chapters:
        assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]", chapter.title + chapter.description)
        assert chapter.start_ms >= 0 and chapter.line is not None
    # Retiming with the same times gives an outline with the same times.
    times = [(c.start_ms, c.end_ms) for c in episode.chapters]
    again = parse_outline(retime_outline(text, times))[0]
    assert [(c.start_ms, c.end_ms) for c in again.chapters] == times


NOTATION_SAMPLES = ["0'20", "1'03''37", "2’28’’25", "0:20", "07:00", "01:03:37.500", "20 s", "7 min 10",
                    "1h03m37s"]


@settings(max_examples=150, deadline=None)
@given(data=st.data(), count=st.integers(min_value=1, max_value=8))
def test_retime_round_trip_for_any_notation(data: st.DataObject, count: int) -> None:
    starts = sorted(data.draw(st.lists(st.integers(0, 10 * H), min_size=count, max_size=count, unique=True)))
    lines = []
    for number, _ in enumerate(starts):
        start = data.draw(st.sampled_from(NOTATION_SAMPLES))
        end = data.draw(st.one_of(st.none(), st.sampled_from(NOTATION_SAMPLES)))
        lines.append(f"{start} à {end} Chapitre {number}" if end else f"- {start} Chapitre {number}")
        lines.append("une note d'accueil")
    text = "\n".join(lines)
    new_times = []
    for start in starts:
        new_times.append((start, start + data.draw(st.integers(1, 3 * H))))
    written = [(s, e if "à" in line else None) for (s, e), line in zip(new_times, lines[::2], strict=True)]
    retimed = retime_outline(text, written)
    assert [(c.start_ms, c.end_ms) for c in parse_outline(retimed)[0].chapters] == written
    assert retimed.split("\n")[1::2] == text.split("\n")[1::2]


# --- The outline format (export and import) ----------------------------------------------------

KEPT = ("start_ms", "end_ms", "title", "description", "url", "image", "notes")


def kept(chapters: list[Chapter]) -> list[tuple[object, ...]]:
    return [tuple(getattr(c, name) for name in KEPT) for c in chapters]


def test_format_is_registered_as_the_fallback() -> None:
    assert formats.get_format("outline") is FORMAT
    assert FORMAT.label == "Outline (text/Markdown with times)"
    assert FORMAT.extensions == (".md", ".txt", ".markdown", ".docx", ".odt", ".html", ".htm", ".rtf")
    assert FORMAT.keeps == {"end", "description", "url", "image", "toc"}
    assert not FORMAT.sniff(seed_text())
    assert formats.guess_format(seed_text(), SEED_OUTLINE) is FORMAT
    episode, diagnostics = FORMAT.load(seed_text(), SEED_OUTLINE)
    assert len(episode.chapters) == 9 and diagnostics == []


@pytest.mark.parametrize("notation", ["fr", "clock"])
def test_dump_reads_back_to_the_same_chapters(notation: str) -> None:
    episode, _ = parse_outline(seed_text())
    text, diagnostics = FORMAT.dump(episode, ExportOptions(notation=notation))
    assert diagnostics == []
    again, more = parse_outline(text)
    assert more == []
    assert kept(again.chapters) == kept(episode.chapters)
    assert (again.title, again.date) == (episode.title, episode.date)
    lines = text.split("\n")
    assert lines[0] == '# Webinaire "Travail Pair : Passons à l\'action !" — 18 décembre 2020'
    if notation == "fr":
        assert lines[2] == "0'20 **Mot d'accueil de Daniel Delaveau**"
        assert lines[4].startswith("7'00 à 14'10 **Introduction du sujet par Adrien Bréger** *Définitions,")
        assert "2'28''25 à 2'33''12 **Jean-Claude Laurent" in text
    else:
        assert lines[2] == "0:20 **Mot d'accueil de Daniel Delaveau**"
        assert "2:28:25 - 2:33:12 **Jean-Claude Laurent" in text


def test_dump_keeps_links_images_and_time_like_notes() -> None:
    episode = Episode(chapters=[
        Chapter(0, "Accueil [1] *premier*", url="https://fas.example/a_b", image="img/accueil.png",
                notes="0:20 n'est pas un chapitre\n- 1'30 non plus\n\n\\ fin"),
        Chapter(90_000, "", description="Sans titre", end_ms=120_000),
        Chapter(130_000, "", image="https://img.example/x.jpg"),
    ])
    text, diagnostics = FORMAT.dump(episode, ExportOptions(notation="fr", add_zero_chapter=True))
    assert diagnostics == []
    assert kept(parse_outline(text)[0].chapters) == kept(episode.chapters)


def test_dump_with_a_zero_chapter() -> None:
    episode = Episode(chapters=[Chapter(20_000, "Accueil")])
    text, _ = FORMAT.dump(episode, ExportOptions(add_zero_chapter=True, zero_chapter_title="Ouverture"))
    assert [(c.start_ms, c.title) for c in parse_outline(text)[0].chapters] == [
        (0, "Ouverture"), (20_000, "Accueil")]


def test_dump_warns_where_a_title_cannot_be_kept() -> None:
    episode = Episode(chapters=[Chapter(0, "Ligne 1\nLigne 2\x00"), Chapter(60_000, "  deux  espaces ")])
    text, diagnostics = FORMAT.dump(episode, ExportOptions())
    assert [c.title for c in parse_outline(text)[0].chapters] == ["Ligne 1 Ligne 2", "deux espaces"]
    assert [(d.code, d.severity) for d in diagnostics] == [("outline-simplified", Severity.WARNING)] * 2
    assert "title" in diagnostics[0].message


titles = st.text(st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")), max_size=40).map(
    lambda text: " ".join(text.split()))


@settings(max_examples=200, deadline=None)
@given(chapter_titles=st.lists(st.tuples(titles, titles), min_size=1, max_size=6),
       notation=st.sampled_from(["fr", "clock"]))
def test_any_clean_title_survives_the_outline_format(chapter_titles: list[tuple[str, str]],
                                                     notation: str) -> None:
    episode = Episode(chapters=[Chapter(start_ms=index * 61_500, title=title, description=description)
                                for index, (title, description) in enumerate(chapter_titles)])
    text, diagnostics = FORMAT.dump(episode, ExportOptions(notation=notation))
    assert diagnostics == []
    assert kept(parse_outline(text)[0].chapters) == kept(episode.chapters)


@pytest.mark.parametrize(("title", "description"), [("", "&#0;"), ("R&D &nbsp; &copy", ""),
                                                     ("Tom &amp; Jerry", "&eacute;té")])
def test_text_that_looks_like_an_html_entity_reads_back_as_written(title: str, description: str) -> None:
    episode = Episode(chapters=[Chapter(0, "Accueil"), Chapter(61_500, title, description=description)])
    text, diagnostics = FORMAT.dump(episode, ExportOptions())
    assert diagnostics == []
    assert kept(parse_outline(text)[0].chapters) == kept(episode.chapters)

"""Golden files: every format written from the seed webinar's chapters, compared byte for byte.

The seed's chapters are built here from the table of its outline (not parsed), so these tests
stand on their own. After a deliberate change of a format's output, regenerate the files with

    PYTHONPATH=. python tests/formats/test_seed.py --regenerate

and review the diff of tests/golden/ before committing it.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from podcast_tool.formats import ExportOptions, all_formats, get_format
from podcast_tool.formats.cue import frames_to_ms, ms_to_frames
from podcast_tool.model import Chapter, Episode, effective_ends

GOLDEN = Path(__file__).resolve().parent.parent / "golden"
SEED_TITLE = 'Webinaire "Travail Pair : Passons à l\'action !"'
SEED_AUDIO = "travail-pair-2020-12-18.mp3"
#: (start ms, end ms or None, title, description) of the seed outline's nine chapters.
SEED_TABLE = [
    (20000, None, "Mot d'accueil de Daniel Delaveau", ""),
    (420000, 850000, "Introduction du sujet par Adrien Bréger",
     "Définitions, champs professionnels concernés, éléments historiques et questionnements "
     "autour du sujet."),
    (860000, 3515000, "Tableau Ronde 1 : Pourquoi développer le travail pair ?", ""),
    (3515000, 3817000, "Questions du public", ""),
    (3817000, 4665000, "Anne Postic, Commissaire à la Stratégie de prévention et de lutte contre la "
     "pauvreté dans les Pays de la Loire", ""),
    (4665000, 4965000, "Ludovic Magnier, Commissaire à la Stratégie de prévention et de lutte contre "
     "la pauvreté en Bretagne", ""),
    (5440000, 8165000, "Tableau Ronde 2 : Comment réunir les conditions nécessaires à la réussite "
     "du travail pair ?", ""),
    (8165000, 8905000, "Questions du public", ""),
    (8905000, 9192000, "Jean-Claude Laurent, Président de la FAS des Pays de la Loire : Conclusion et "
     "remerciements", ""),
]
#: Formats whose writing needs the outline parser (merged from its own branch).
NEEDS_PARSER = {"markdown"}


def seed_episode() -> Episode:
    chapters = [Chapter(start_ms=start, end_ms=end, title=title, description=description)
                for start, end, title, description in SEED_TABLE]
    return Episode(chapters=chapters, title=SEED_TITLE)


@dataclass(frozen=True)
class Golden:
    format_name: str
    file_name: str
    options: ExportOptions = field(default_factory=ExportOptions)

    @property
    def path(self) -> Path:
        return GOLDEN / self.file_name


#: Options a format's own golden file is rendered with, where not the defaults.
GOLDEN_OPTIONS = {"cue": ExportOptions(audio_name=SEED_AUDIO)}
#: Formats whose golden files are variants only (below), not ``seed-NAME.EXT``.
VARIANTS_ONLY = {"markdown", "outline"}
#: Every format has its golden file ``seed-NAME.EXT`` (EXT: its first extension): a new
#: format needs only that file. Variants with other options follow.
GOLDENS = [
    Golden(f.name, f"seed-{f.name}{f.extensions[0]}", GOLDEN_OPTIONS.get(f.name, ExportOptions()))
    for f in all_formats() if f.name not in VARIANTS_ONLY
] + [
    Golden("psc", "seed-psc-snippet.xml", ExportOptions(snippet=True)),
    Golden("youtube", "seed-youtube-zero.txt", ExportOptions(add_zero_chapter=True)),
    Golden("markdown", "seed-markdown-fr.md", ExportOptions(notation="fr")),
    Golden("markdown", "seed-markdown-clock.md", ExportOptions(notation="clock")),
]
FORMAT_NAMES = sorted({golden.format_name for golden in GOLDENS})


def render(golden: Golden) -> str:
    return get_format(golden.format_name).dump(seed_episode(), golden.options)[0]


def expected_view(chapters: list[Chapter], format_name: str, duration_ms: int | None = None
                  ) -> list[dict[str, object]]:
    """What ``format_name`` is meant to give back of ``chapters`` (its precision, its fields)."""
    chapter_format = get_format(format_name)
    ends = effective_ends(chapters, duration_ms)
    rows = []
    for chapter, end in zip(chapters, ends, strict=True):
        start = chapter.start_ms
        title = chapter.title
        if format_name == "cue":
            start = frames_to_ms(ms_to_frames(start))
        elif format_name == "youtube":
            start, title = start // 1000 * 1000, title.strip()
        elif format_name == "markdown":
            title = " ".join(title.split())
        row: dict[str, object] = {"start": start, "title": title}
        if format_name in ("vtt", "ffmetadata"):
            row["end"] = end  # effective ends: every cue and [CHAPTER] has one
        elif "end" in chapter_format.keeps:
            row["end"] = chapter.end_ms
        for feature in ("description", "url", "image"):
            if feature in chapter_format.keeps:
                row[feature] = getattr(chapter, feature) or None
        if "toc" in chapter_format.keeps:
            row["toc"] = chapter.toc
        rows.append(row)
    return rows


def loaded_view(chapters: list[Chapter], format_name: str, duration_ms: int | None = None
                ) -> list[dict[str, object]]:
    """The same fields read from what a format loaded (no rounding: it is already applied)."""
    exact = [Chapter(start_ms=c.start_ms, end_ms=c.end_ms, title=c.title, description=c.description,
                     url=c.url, image=c.image, toc=c.toc) for c in chapters]
    rows = expected_view(exact, format_name, duration_ms)
    if format_name == "cue":  # already on frames: rounding again is the identity
        for row, chapter in zip(rows, chapters, strict=True):
            row["start"] = chapter.start_ms
    return rows


def regenerate() -> None:
    GOLDEN.mkdir(exist_ok=True)
    for golden in GOLDENS:
        golden.path.write_text(render(golden), encoding="utf-8", newline="")
        print(f"wrote {golden.path}")


def _needs_parser(golden: Golden) -> bool:
    return golden.format_name in NEEDS_PARSER


BASIC = [g for g in GOLDENS if not _needs_parser(g)]


@pytest.mark.parametrize("golden", BASIC, ids=lambda g: g.file_name)
def test_export_matches_golden_file(golden: Golden) -> None:
    assert render(golden) == golden.path.read_text(encoding="utf-8")


@pytest.mark.parametrize("golden", BASIC, ids=lambda g: g.file_name)
def test_golden_file_loads_back_to_the_seed(golden: Golden) -> None:
    chapter_format = get_format(golden.format_name)
    episode, _ = chapter_format.load(golden.path.read_text(encoding="utf-8"), golden.path)
    expected = seed_episode().chapters
    if golden.options.add_zero_chapter:
        expected.insert(0, Chapter(start_ms=0, title=golden.options.zero_chapter_title))
    assert loaded_view(episode.chapters, golden.format_name) == expected_view(expected, golden.format_name)


@pytest.mark.parametrize("golden", BASIC, ids=lambda g: g.file_name)
def test_only_its_own_format_recognises_a_golden_file(golden: Golden) -> None:
    from podcast_tool.formats import all_formats

    text = golden.path.read_text(encoding="utf-8")
    claiming = [f.name for f in all_formats() if f.name != "outline" and f.sniff(text)]
    # YouTube descriptions and Markdown are outlines to the eye: they are chosen with --from.
    assert claiming == ([] if golden.format_name in ("youtube", "markdown") else [golden.format_name])


def test_no_sidecar_format_claims_the_seed_outline() -> None:
    from podcast_tool.formats import all_formats
    from tests.conftest import SEED_OUTLINE

    text = SEED_OUTLINE.read_text(encoding="utf-8")
    assert [f.name for f in all_formats() if f.name != "outline" and f.sniff(text)] == []


def test_the_parsed_seed_outline_is_the_table() -> None:
    from podcast_tool.pipeline import load_chapters
    from tests.conftest import SEED_OUTLINE

    episode, _ = load_chapters(SEED_OUTLINE)
    assert episode.title == SEED_TITLE
    assert [(c.start_ms, c.end_ms, c.title, c.description) for c in episode.chapters] == SEED_TABLE


def test_seed_golden_files_say_what_the_seed_says() -> None:
    """Spot checks against the outline as written, independent of our own writers."""
    read = {golden.file_name: golden.path.read_text(encoding="utf-8") for golden in GOLDENS}
    assert '"startTime": 3817,' in read["seed-json.json"]
    assert "Anne Postic" in read["seed-json.json"].split('"startTime": 3817,')[1].split("}")[0]
    assert '<psc:chapter start="01:03:37.000" title="Anne Postic' in read["seed-psc.psc"]
    assert "01:03:37.000 --> 01:17:45.000\nAnne Postic" in read["seed-vtt.vtt"]
    assert "TRACK 05 AUDIO\n    TITLE \"Anne Postic" in read["seed-cue.cue"]
    assert "INDEX 01 63:37:00" in read["seed-cue.cue"]  # minutes past 59, as CUE counts them
    assert "START=3817000\nEND=4665000\ntitle=Anne Postic" in read["seed-ffmetadata.ffmetadata"]
    assert "3817.000000\t4665.000000\tAnne Postic" in read["seed-audacity.txt"]
    assert "CHAPTER05=01:03:37.000\nCHAPTER05NAME=Anne Postic" in read["seed-mp4chaps.txt"]
    assert "01:03:37.000 Anne Postic" in read["seed-chapters-txt.txt"]
    assert "1:03:37 Anne Postic" in read["seed-youtube.txt"]
    assert read["seed-youtube-zero.txt"].startswith("00:00 Introduction\n00:20 Mot d'accueil")
    assert "- 1'03''37 à 1'17''45 **Anne Postic" in read["seed-markdown-fr.md"]
    assert "- 1:03:37 – 1:17:45 **Anne Postic" in read["seed-markdown-clock.md"]


if __name__ == "__main__":
    if sys.argv[1:] != ["--regenerate"]:
        sys.exit(__doc__)
    regenerate()

"""Validation: each error, warning and info, on the line it concerns, in words a user follows."""

from __future__ import annotations

from pathlib import Path

import pytest

from podcast_tool.model import Chapter, Episode, Severity
from podcast_tool.outline.parser import parse_outline
from podcast_tool.validate import ENDS_BEFORE_AUDIO_MS, SHORT_CHAPTER_MS, chapter_limit, validate
from tests.conftest import SEED_OUTLINE

ERROR, WARNING, INFO = Severity.ERROR, Severity.WARNING, Severity.INFO


Found = list[tuple[Severity, str, int | None]]


def found(text: str, duration_ms: int | None = None, **options: int) -> Found:
    episode, _ = parse_outline(text, Path("outline.md"))
    episode.duration_ms = duration_ms
    diagnostics = validate(episode, **options)
    assert all(d.file == "outline.md" for d in diagnostics)
    assert all(d.message and d.hint for d in diagnostics)
    return [(d.severity, d.code, d.line) for d in diagnostics]


def test_seed_has_no_errors_six_warnings_two_infos() -> None:
    episode, _ = parse_outline(SEED_OUTLINE.read_text(encoding="utf-8"), SEED_OUTLINE)
    diagnostics = validate(episode)
    assert [(d.severity, d.code, d.line) for d in diagnostics] == [
        (WARNING, "first-not-at-zero", 15),
        (INFO, "short-gap", 17),
        (WARNING, "long-title", 43),
        (WARNING, "long-title", 52),
        (WARNING, "gap", 52),
        (WARNING, "long-title", 58),
        (INFO, "duplicate-title", 76),
        (WARNING, "long-title", 86),
    ]
    by_code = {d.code: d for d in diagnostics}
    assert "7 min 55 s" in by_code["gap"].message
    assert "1'22''45" in by_code["gap"].message and "1'30''40" in by_code["gap"].message
    assert "10 s" in by_code["short-gap"].message and "14'10" in by_code["short-gap"].message
    assert "0'20" in by_code["first-not-at-zero"].message
    assert "Questions du public" in by_code["duplicate-title"].message
    assert "line 39" in by_code["duplicate-title"].message
    assert by_code["gap"].format() == f"{SEED_OUTLINE}:52: warning: {by_code['gap'].message}"


def test_seed_against_a_recording_of_the_right_length() -> None:
    episode, _ = parse_outline(SEED_OUTLINE.read_text(encoding="utf-8"))
    episode.duration_ms = 9_200_000
    codes = [d.code for d in validate(episode)]
    assert "past-audio-end" not in codes and "ends-before-audio" not in codes


def test_no_chapters() -> None:
    assert found("Juste du texte\nsans aucun horaire.\n") == [(ERROR, "no-chapters", None)]
    assert found("") == [(ERROR, "no-chapters", None)]


def test_start_not_increasing() -> None:
    assert found("0:00 A\n5:00 B\n3:00 C\n3:00 D\n") == [
        (ERROR, "start-not-increasing", 3), (ERROR, "start-not-increasing", 4)]


def test_end_before_start() -> None:
    assert found("0:00 A\n5:00 à 4:00 B\n6:00 à 6:00 C\n") == [
        (ERROR, "end-before-start", 2), (ERROR, "end-before-start", 3)]


def test_overlap() -> None:
    assert found("0:00 à 5:30 A\n5:00 B\n") == [(ERROR, "overlap", 1)]


def test_empty_title() -> None:
    assert found("0:00 A\n1:00 **  **\n2:00 C\n") == [(ERROR, "empty-title", 2)]


def test_past_audio_end_and_end_past_audio_end() -> None:
    text = "0:00 A\n1:00 à 3:00 B\n3:00 C\n"
    assert found(text, duration_ms=120_000) == [(WARNING, "end-past-audio-end", 2),
                                                (ERROR, "past-audio-end", 3)]


def test_gap_threshold() -> None:
    text = "0:00 à 1:00 A\n1:31 B\n"
    assert found(text) == [(WARNING, "gap", 1)]
    assert found(text, gap_warning_ms=31_000) == [(INFO, "short-gap", 1)]
    assert found("0:00 à 1:00 A\n1:00 B\n") == []


def test_first_not_at_zero() -> None:
    assert found("\n\n0:01 A\n") == [(WARNING, "first-not-at-zero", 3)]


def test_an_agenda_with_times_of_day_is_flagged() -> None:
    agenda = "Programme\n\n9h30 Accueil\n10h15 Table ronde\n11h30 Questions\n"
    assert found(agenda) == [(WARNING, "time-of-day", 3)]
    (diagnostic,) = validate(parse_outline(agenda)[0])
    assert "9 h 30 min into the recording" in diagnostic.message
    assert diagnostic.hint is not None and "9h30 is 0'00" in diagnostic.hint
    assert found("\n59'59 Juste avant une heure\n") == [(WARNING, "first-not-at-zero", 2)]


def test_short_chapter() -> None:
    short = SHORT_CHAPTER_MS // 1000 - 1
    assert found(f"0:00 A\n1:00 B\n1:{short:02d} C\n") == [(WARNING, "short-chapter", 2)]
    assert found(f"0:00 à 0:{short:02d} A\n0:{short:02d} B\n") == [(WARNING, "short-chapter", 1)]
    # The last chapter runs to the end of the recording.
    assert found("0:00 A\n1:00 B\n", duration_ms=65_000) == [(WARNING, "short-chapter", 2)]
    assert found(f"0:00 A\n0:{SHORT_CHAPTER_MS // 1000:02d} B\n") == []


def test_ends_before_audio() -> None:
    text = "0:00 A\n1:00 à 2:00 B\n"
    assert found(text, duration_ms=120_000 + ENDS_BEFORE_AUDIO_MS) == []
    assert found(text, duration_ms=121_000 + ENDS_BEFORE_AUDIO_MS) == [(WARNING, "ends-before-audio", 2)]
    assert found("0:00 A\n1:00 B\n", duration_ms=3_600_000) == []


def test_too_many_chapters() -> None:
    # Without an audio file, the tightest limit of any container applies: ID3's CTOC and MP4's
    # chpl count their entries in one byte.
    assert chapter_limit() == (255, "MP3, M4A/M4B and WAV")
    text = "".join(f"{minute}:00 Chapitre {minute}\n" for minute in range(256))
    assert found(text) == [(WARNING, "too-many-chapters", 256)]
    assert found(text.rsplit("\n", 2)[0] + "\n") == []


def test_too_many_chapters_for_the_container_written() -> None:
    from podcast_tool.containers.vorbis import OGG_VORBIS

    episode = Episode([Chapter(minute * 60_000, f"Chapitre {minute}") for minute in range(1001)])
    capabilities = OGG_VORBIS.capabilities
    assert [d.code for d in validate(episode, capabilities=capabilities)] == ["too-many-chapters"]
    episode.chapters = episode.chapters[:1000]
    assert validate(episode, capabilities=capabilities) == []


def test_duplicate_titles_ignore_case_and_spacing() -> None:
    assert found("0:00 Questions du public\n1:00 Autre\n2:00 questions  du PUBLIC\n") == [
        (INFO, "duplicate-title", 3)]


def test_diagnostics_are_in_line_order_and_use_the_outline_notation() -> None:
    episode, _ = parse_outline("0'00 A\n1'00 à 0'30 B\n0'10 C\n")
    diagnostics = validate(episode)
    assert [(d.code, d.line) for d in diagnostics] == [("end-before-start", 2), ("start-not-increasing", 3)]
    assert "0'30" in diagnostics[0].message and "1'00" in diagnostics[0].message


@pytest.mark.parametrize("duration", [None, 5_000])
def test_episodes_from_other_sources(duration: int | None) -> None:
    """Chapters without lines or file (JSON, audio files) are checked all the same."""
    episode = Episode(chapters=[Chapter(10_000, "A"), Chapter(10_000, "")], duration_ms=duration)
    diagnostics = validate(episode)
    codes = [d.code for d in diagnostics]
    assert "start-not-increasing" in codes and "empty-title" in codes
    assert all(d.file is None and d.line is None for d in diagnostics)
    assert ("past-audio-end" in codes) == (duration is not None)


def test_validate_never_prints(capsys: pytest.CaptureFixture[str]) -> None:
    episode = parse_outline("0:10 A\n0:05 B\n")[0]
    episode.duration_ms = 1
    validate(episode)
    assert capsys.readouterr() == ("", "")


def test_long_titles_are_flagged_with_a_hint() -> None:
    title = "Présentation détaillée de l'étude régionale sur le travail pair en 2020"
    assert len(title) > 60
    assert found(f"0'00 Accueil\n1'00 {title}\n2'00 **Court** *{title}*\n") == [
        (WARNING, "long-title", 2)]


@pytest.mark.parametrize("last", ["Fin", "End", "fin de l'enregistrement", "The end."])
def test_a_last_end_line_is_kept_with_a_note(last: str) -> None:
    episode, _ = parse_outline(f"0'00 Accueil\n20'00 Questions\n25'00 {last}\n", Path("o.md"))
    diagnostics = validate(episode)
    assert [(d.severity, d.code, d.line) for d in diagnostics] == [(INFO, "end-chapter", 3)]
    assert len(episode.chapters) == 3
    assert diagnostics[0].hint.endswith("20'00 à 25'00 Questions")


def test_end_inside_a_title_is_no_end_line() -> None:
    assert found("0'00 Accueil\n20'00 Fin du débat et questions\n") == []


def test_a_zoom_transcript_is_not_an_outline() -> None:
    lines = [f"[00:00:{second:02d}] {name} : {text}" for second, name, text in [
        (3, "Marie Dupont", "Bonjour à tous"), (7, "Paul", "Bonjour Marie"),
        (12, "Marie Dupont", "On commence"), (15, "Paul", "Oui"), (21, "Marie Dupont", "Alors"),
        (24, "Paul", "Merci"), (29, "Marie Dupont", "Voilà")]]
    diagnostics = found("\n".join(lines) + "\n", duration_ms=60_000)
    assert (WARNING, "transcript", 1) in diagnostics
    assert not any(code == "short-chapter" for _, code, _ in diagnostics)


def test_speakers_with_long_parts_are_an_outline() -> None:
    text = "".join(f"{minute}'00 Intervenant {minute} : sujet\n" for minute in range(0, 60, 8))
    assert not any(code == "transcript" for _, code, _ in found(text))


def test_time_of_day_hint_names_clock_start() -> None:
    episode, _ = parse_outline("14h00 Accueil\n14h20 Débat\n")
    time_of_day = [d for d in validate(episode) if d.code == "time-of-day"]
    assert "--clock-start 14h00" in time_of_day[0].hint


def test_teams_webvtt_captions_are_not_an_outline(tmp_path: Path) -> None:
    from podcast_tool.pipeline import load_chapters

    cues = "".join(f"\n{index}\n00:00:{index * 3:02d}.000 --> 00:00:{index * 3 + 3:02d}.000\n"
                   f"<v Marie Dupont>Phrase numéro {index}</v>\n" for index in range(8))
    path = tmp_path / "captions.vtt"
    path.write_text("WEBVTT\n" + cues, encoding="utf-8")
    episode, _ = load_chapters(path)
    assert [d.code for d in validate(episode) if d.severity is WARNING] == ["transcript"]

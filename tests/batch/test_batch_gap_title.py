"""podcast-tool batch --gap-title: the title of an MP4's long pauses, from the command or a manifest.

ffmpeg (an independent reader) lists every sample of the MP4 chapter track as a chapter,
the pause samples included, so it shows the title each pause really got.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from tests.batch.test_batch import by_name, cli, report_of, statuses
from tests.conftest import ENCODINGS, ffmpeg_chapters, file_md5, synthesize

#: A chapter ending at 0'20 and the next starting at 1'00: a pause of 40 s, over the 30 s that
#: get a sample of their own.
OUTLINE = "0'00 à 0'20 **Accueil**\n\n1'00 **Débat avec la salle**\n"


def track_titles(path: Path) -> list[tuple[int, str]]:
    return [(round(int(c["start_ms"]) / 1000), str(c.get("title", ""))) for c in ffmpeg_chapters(path)]


@pytest.fixture
def m4a_root(tmp_path: Path, make_media: Callable[..., Path]) -> Path:
    root = tmp_path / "root"
    (root / "audio").mkdir(parents=True)
    (root / "chapters").mkdir()
    for name in ("atelier", "webinaire"):
        shutil.copyfile(make_media("m4a", 90.0), root / "audio" / f"{name}.m4a")
        (root / "chapters" / f"{name}.md").write_text(OUTLINE, encoding="utf-8")
    return root


def test_default_pause_title_is_pause(m4a_root: Path) -> None:
    result = cli(m4a_root, "--json")
    assert result.exit_code == 0, result.output
    assert track_titles(m4a_root / "audio" / "atelier.m4a") == [
        (0, "Accueil"), (20, "Pause"), (60, "Débat avec la salle")]


def test_gap_title_option_titles_every_recordings_pauses(m4a_root: Path) -> None:
    result = cli(m4a_root, "--gap-title", "Pause café", "--json")
    assert result.exit_code == 0, result.output
    for name in ("atelier", "webinaire"):
        assert track_titles(m4a_root / "audio" / f"{name}.m4a") == [
            (0, "Accueil"), (20, "Pause café"), (60, "Débat avec la salle")], name


def test_empty_gap_title_leaves_the_pause_in_the_chapter_before(m4a_root: Path) -> None:
    result = cli(m4a_root, "--gap-title", "", "--json")
    assert result.exit_code == 0, result.output
    assert track_titles(m4a_root / "audio" / "atelier.m4a") == [
        (0, "Accueil"), (60, "Débat avec la salle")]


def test_manifest_gap_title_overrides_the_commands(m4a_root: Path) -> None:
    manifest = m4a_root / "recordings.toml"
    manifest.write_text(
        '[[recording]]\naudio = "audio/atelier.m4a"\nchapters = "chapters/atelier.md"\n'
        'gap_title = "Intermède musical"\n\n'
        '[[recording]]\naudio = "audio/webinaire.m4a"\nchapters = "chapters/webinaire.md"\n'
        'gap_title = ""\n', encoding="utf-8")
    result = cli(m4a_root, "--manifest", manifest, "--gap-title", "Entracte", "--json")
    assert result.exit_code == 0, result.output
    assert statuses(report_of(result)) == {"audio/atelier.m4a": "tagged",
                                           "audio/webinaire.m4a": "tagged"}
    assert track_titles(m4a_root / "audio" / "atelier.m4a") == [
        (0, "Accueil"), (20, "Intermède musical"), (60, "Débat avec la salle")]
    assert track_titles(m4a_root / "audio" / "webinaire.m4a") == [
        (0, "Accueil"), (60, "Débat avec la salle")]


def test_csv_manifest_column_and_the_commands_title_where_it_is_empty(m4a_root: Path) -> None:
    manifest = m4a_root / "recordings.csv"
    manifest.write_text("audio;chapters;gap_title\n"
                        "audio/atelier.m4a;chapters/atelier.md;Questions en suspens\n"
                        "audio/webinaire.m4a;chapters/webinaire.md;\n", encoding="utf-8")
    result = cli(m4a_root, "--manifest", manifest, "--gap-title", "Entracte", "--json")
    assert result.exit_code == 0, result.output
    assert track_titles(m4a_root / "audio" / "atelier.m4a")[1] == (20, "Questions en suspens")
    assert track_titles(m4a_root / "audio" / "webinaire.m4a")[1] == (20, "Entracte")


def test_a_manifest_gap_title_that_is_not_text_names_the_entry(m4a_root: Path) -> None:
    manifest = m4a_root / "recordings.toml"
    manifest.write_text('[[recording]]\naudio = "audio/atelier.m4a"\n'
                        'chapters = "chapters/atelier.md"\ngap_title = 3\n', encoding="utf-8")
    before = (m4a_root / "audio" / "atelier.m4a").read_bytes()
    result = cli(m4a_root, "--manifest", manifest)
    assert result.exit_code == 2
    assert "[[recording]] #1: gap_title must be a text, not 3" in result.stderr
    assert "Traceback" not in result.output
    assert (m4a_root / "audio" / "atelier.m4a").read_bytes() == before


def change_of(result: Result, name: str = "audio/atelier.m4a") -> tuple[str, str]:
    recording = by_name(report_of(result))[name]
    return recording["status"], recording["change"]


def test_a_rerun_retitles_the_pauses_only_when_they_change(m4a_root: Path) -> None:
    mp3 = m4a_root / "audio" / "notes.mp3"
    synthesize(mp3, 90.0, ENCODINGS["mp3"])
    (m4a_root / "chapters" / "notes.md").write_text(OUTLINE, encoding="utf-8")
    atelier = m4a_root / "audio" / "atelier.m4a"
    assert cli(m4a_root, "--json").exit_code == 0
    mp3_before = file_md5(mp3)

    again = cli(m4a_root, "--json")
    assert change_of(again) == ("unchanged", "chapters already match")

    retitled = cli(m4a_root, "--gap-title", "Pause café", "--json")
    assert change_of(retitled) == ("tagged", 'pauses retitled "Pause" → "Pause café"')
    assert track_titles(atelier)[1] == (20, "Pause café")
    assert by_name(report_of(retitled))["audio/notes.mp3"]["status"] == "unchanged"
    assert file_md5(mp3) == mp3_before  # an MP3 keeps the pause as time in no chapter
    assert change_of(cli(m4a_root, "--gap-title", "Pause café", "--json"))[0] == "unchanged"

    dry = cli(m4a_root, "--json", "--dry-run")  # back to the default title: would retitle
    assert change_of(dry) == ("would-tag", 'pauses retitled "Pause café" → "Pause"')
    assert track_titles(atelier)[1] == (20, "Pause café")

    merged = cli(m4a_root, "--gap-title", "", "--json")
    assert change_of(merged) == ("tagged", "pauses go back into the chapters before them")
    assert track_titles(atelier) == [(0, "Accueil"), (60, "Débat avec la salle")]
    assert change_of(cli(m4a_root, "--gap-title", "", "--json"))[0] == "unchanged"

    split = cli(m4a_root, "--json")
    assert change_of(split) == ("tagged", 'pauses become chapters titled "Pause"')
    assert track_titles(atelier)[1] == (20, "Pause")


def test_a_pause_taken_out_of_the_outline_leaves_the_file(m4a_root: Path) -> None:
    assert cli(m4a_root, "--json").exit_code == 0
    (m4a_root / "chapters" / "atelier.md").write_text(
        "0'00 **Accueil**\n\n1'00 **Débat avec la salle**\n", encoding="utf-8")
    result = cli(m4a_root, "--json")
    assert change_of(result) == ("tagged", "pauses go back into the chapters before them")
    assert track_titles(m4a_root / "audio" / "atelier.m4a") == [
        (0, "Accueil"), (60, "Débat avec la salle")]
    assert change_of(result, "audio/webinaire.m4a")[0] == "unchanged"

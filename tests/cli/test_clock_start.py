"""``--clock-start``: programmes written in times of day, on every command that loads an outline."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from mutagen.id3 import ID3

from podcast_tool.cli import main
from podcast_tool.outline.clock import parse_clock_of_day

PROGRAMME = "# Journée du 18 décembre 2020\n\n1) 14h00 Accueil\n2) 14h00m05 Table ronde\n3) 14h00m09 Fin\n"


def run(*args: object) -> Result:
    result = CliRunner().invoke(main, [str(arg) for arg in args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


@pytest.mark.parametrize(("text", "ms"), [("14h00", 14 * 3_600_000), ("14h", 14 * 3_600_000),
                                          ("14:00", 14 * 3_600_000), ("9h30", 9.5 * 3_600_000),
                                          ("09:30:15", (9 * 3600 + 30 * 60 + 15) * 1000)])
def test_times_of_day_parse(text: str, ms: float) -> None:
    assert parse_clock_of_day(text) == ms


def test_check_subtracts_the_start_and_the_warning_names_the_option(tmp_path: Path) -> None:
    outline = tmp_path / "programme.md"
    outline.write_text(PROGRAMME, encoding="utf-8")
    plain = run("check", outline)
    assert "--clock-start 14h00" in plain.stderr and "time-of-day" not in plain.stdout
    result = run("check", outline, "--clock-start", "14h00", "--json")
    data = json.loads(result.stdout)
    assert [c["start_ms"] for c in data["chapters"]] == [0, 5_000, 9_000]
    assert not any(d["code"] == "time-of-day" for d in data["diagnostics"])


def test_a_chapter_before_the_start_is_an_error(tmp_path: Path) -> None:
    outline = tmp_path / "programme.md"
    outline.write_text(PROGRAMME, encoding="utf-8")
    result = run("check", outline, "--clock-start", "14h01")
    assert result.exit_code == 1
    assert f"{outline}:3: error: the chapter at 14h00" in result.stderr


def test_a_bad_time_of_day_is_a_usage_error(tmp_path: Path) -> None:
    outline = tmp_path / "programme.md"
    outline.write_text(PROGRAMME, encoding="utf-8")
    for command in (["check", outline], ["export", outline]):
        result = run(*command, "--clock-start", "25h00")
        assert result.exit_code == 2 and "not a time of day" in result.output


def test_export_tag_and_batch_manifest(tmp_path: Path, make_media: Callable[..., Path]) -> None:
    outline = tmp_path / "chapters" / "journee.md"
    outline.parent.mkdir()
    outline.write_text(PROGRAMME, encoding="utf-8")
    exported = json.loads(run("export", outline, "-f", "json", "--clock-start", "14:00").stdout)
    assert [c["startTime"] for c in exported["chapters"]] == [0, 5, 9]
    audio = tmp_path / "audio" / "journee.mp3"
    audio.parent.mkdir()
    shutil.copyfile(make_media("mp3", 12.0), audio)
    assert run("tag", audio, outline, "--clock-start", "14h00").exit_code == 0
    assert len(ID3(audio).getall("CHAP")) == 3
    manifest = tmp_path / "recordings.csv"
    manifest.write_text("audio,chapters,clock_start\naudio/journee.mp3,chapters/journee.md,14h00\n",
                        encoding="utf-8")
    report = json.loads(run("batch", tmp_path, "--manifest", manifest, "--json").stdout)
    assert [r["status"] for r in report["recordings"]] == ["unchanged"]
    manifest.write_text("audio,chapters,clock_start\naudio/journee.mp3,chapters/journee.md,26h\n",
                        encoding="utf-8")
    result = run("batch", tmp_path, "--manifest", manifest)
    assert result.exit_code == 2 and "clock_start" in result.output

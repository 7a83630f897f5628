"""``podcast-tool check``: exit codes, compiler-style diagnostics, JSON, and no traceback ever."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from podcast_tool.cli import main
from tests.conftest import SEED_OUTLINE


def check(*args: str | Path) -> Result:
    result = CliRunner().invoke(main, ["check", *map(str, args)])
    # Only deliberate exits: a crash would leave another exception here.
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    return result


def write(tmp_path: Path, text: str | bytes, name: str = "outline.md") -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def test_seed_passes_with_warnings_and_notes() -> None:
    result = check(SEED_OUTLINE)
    assert result.exit_code == 0
    assert f"{SEED_OUTLINE}:15: warning: the first chapter starts at 0'20" in result.stderr
    assert f"{SEED_OUTLINE}:52: warning: 7 min 55 s in no chapter" in result.stderr
    assert f"{SEED_OUTLINE}:17: info: 10 s between the end of" in result.stderr
    assert f"{SEED_OUTLINE}:76: info: « Questions du public » is also the title" in result.stderr
    assert "  hint: players keep showing the chapter before it" in result.stderr
    assert "error:" not in result.stderr
    assert "Mot d'accueil de Daniel Delaveau" in result.stdout
    assert f"{SEED_OUTLINE}:43: warning: « Anne Postic, Commissaire à la Stratégie de préven… » is " \
           "110 characters long" in result.stderr
    assert "9 chapters, 0 errors, 6 warnings, 2 notes" in result.stdout
    lines = [int(line.split(":")[1]) for line in result.stderr.splitlines()
             if line.startswith(str(SEED_OUTLINE))]
    assert lines == [15, 17, 43, 52, 52, 58, 76, 86]


def test_strict_fails_on_the_seed_warnings() -> None:
    assert check(SEED_OUTLINE, "--strict").exit_code == 1


def test_errors_exit_1_with_file_and_line(tmp_path: Path) -> None:
    path = write(tmp_path, "# Atelier\n\n0:00 Accueil\n5:00 à 4:00 Débat\n3:00 Clôture\n")
    result = check(path)
    assert result.exit_code == 1
    assert f"{path}:4: error: « Débat » ends at 4:00, before it starts (5:00)" in result.stderr
    assert f"{path}:5: error: « Clôture » starts at 3:00" in result.stderr
    assert "3 chapters, 2 errors, 0 warnings, 0 notes" in result.stdout
    assert "-" not in "".join(line.split("│")[4] for line in result.stdout.splitlines()
                              if line.count("│") > 4)  # no negative duration in the table


def test_json_output() -> None:
    result = check(SEED_OUTLINE, "--json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["ok"] is True
    assert data["title"] == 'Webinaire "Travail Pair : Passons à l\'action !"'
    assert data["date"] == "2020-12-18"
    assert [c["start_ms"] for c in data["chapters"]] == [s * 1000 for s in
                                                         (20, 420, 860, 3515, 3817, 4665, 5440, 8165, 8905)]
    assert [c["line"] for c in data["chapters"]][:3] == [15, 17, 19]
    assert [(d["severity"], d["code"], d["line"]) for d in data["diagnostics"]] == [
        ("warning", "first-not-at-zero", 15), ("info", "short-gap", 17), ("warning", "long-title", 43),
        ("warning", "long-title", 52), ("warning", "gap", 52), ("warning", "long-title", 58),
        ("info", "duplicate-title", 76), ("warning", "long-title", 86)]
    strict = json.loads(check(SEED_OUTLINE, "--json", "--strict").stdout)
    assert strict["ok"] is False


@pytest.mark.parametrize("args", [(), ("--bogus",), (str(SEED_OUTLINE), "--from", "nope")])
def test_usage_errors_exit_2(args: tuple[str, ...]) -> None:
    result = check(*args)
    assert result.exit_code == 2
    assert result.stderr.strip()


@pytest.mark.parametrize(("content", "message"), [
    ("", "error: no chapter found"),
    ("Un compte rendu sans aucun horaire.\nDeux lignes d'accueil.\n", "error: no chapter found"),
    (b"\x00\x01\x02binary\xff\xfe" * 50, "error: this is a binary file, not a text outline"),
    (bytes(range(256)) * 40, "error: this is a binary file"),
    (b"\xff\xd8\xff\xe0 not really a JPEG but random bytes \x93\x94 without NUL", "error: no chapter found"),
])
def test_bad_outlines_give_a_message_not_a_traceback(tmp_path: Path, content: str | bytes,
                                                     message: str) -> None:
    path = write(tmp_path, content)
    result = check(path)
    assert result.exit_code == 1
    assert message in result.stderr
    assert str(path) in result.stderr


def test_missing_file(tmp_path: Path) -> None:
    result = check(tmp_path / "absent.md")
    assert result.exit_code == 1
    assert f"{tmp_path / 'absent.md'}: error: no such file" in result.stderr


def test_windows_1252_outline_is_read_with_a_note(tmp_path: Path) -> None:
    path = write(tmp_path, "0'00 Accueil\r\n7'00 Débat à l'écoute\r\n".encode("cp1252"))
    result = check(path, "--json")
    data = json.loads(result.stdout)
    assert [c["title"] for c in data["chapters"]] == ["Accueil", "Débat à l'écoute"]
    assert [d["code"] for d in data["diagnostics"]] == ["encoding-cp1252"]
    assert result.exit_code == 0


def test_against_the_audio(tmp_path: Path, make_media: Callable[..., Path]) -> None:
    audio = make_media("mp3", seconds=12)
    fits = write(tmp_path, "0:00 Accueil\n0:05 Débat\n", "fits.md")
    assert check(fits, "--audio", audio).exit_code == 0
    result = check(SEED_OUTLINE, "--audio", audio)
    assert result.exit_code == 1
    assert f"{SEED_OUTLINE}:15: error: « Mot d'accueil de Daniel Delaveau » starts at 0'20, after the end " \
           "of the recording" in result.stderr
    not_audio = check(fits, "--audio", fits)
    assert not_audio.exit_code == 1
    assert f"{fits}: error: not an audio file" in not_audio.stderr

"""The command line in French and English: --lang, the environment, help, and stable JSON."""

from __future__ import annotations

import os
import re
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result

from podcast_tool.cli import COMMANDS, main
from podcast_tool.cli.localized import LocalizedMixin
from podcast_tool.i18n import LOCALE_DIR, catalogue_path
from tests.conftest import ROOT, SEED_OUTLINE

GOLDEN = ROOT / "tests" / "golden"
SEED_RELATIVE = SEED_OUTLINE.relative_to(ROOT).as_posix()


def invoke(*args: str, env: dict[str, str] | None = None) -> Result:
    # COLUMNS fixes click's and rich's width: what a user sees in an 80-column terminal.
    result = CliRunner(env={"COLUMNS": "80", **(env or {})}).invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def test_check_on_the_seed_outline_in_french_matches_the_golden_file(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    result = invoke("--lang", "fr", "check", SEED_RELATIVE)
    assert result.exit_code == 0
    golden = GOLDEN / "seed-check.fr.txt"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(result.output, encoding="utf-8")
    assert result.output == golden.read_text(encoding="utf-8")


def test_french_diagnostics_use_french_typography_and_the_outline_notation() -> None:
    result = invoke("--lang", "fr", "check", str(SEED_OUTLINE))
    assert "attention\u00a0: 7 min 55 s hors de tout chapitre" in result.stderr
    assert "(1'22''45) et le chapitre suivant (1'30''40)" in result.stderr
    assert "«\u00a0Questions du public\u00a0» est aussi le titre" in result.stderr
    assert "9 chapitres, 0 erreur, 6 avertissements, 2 notes" in result.stdout


@pytest.mark.parametrize("env", [{"PODCAST_TOOL_LANG": "fr"},
                                 {"PODCAST_TOOL_LANG": "", "LANG": "fr_FR.UTF-8"},
                                 {"PODCAST_TOOL_LANG": "", "LC_ALL": "fr_CA.UTF-8", "LANG": "C"}])
def test_the_environment_chooses_french(env: dict[str, str]) -> None:
    assert "Utilisation\u00a0:" in invoke("check", "--help", env=env).output


def test_lang_overrides_the_environment_and_may_follow_help() -> None:
    french = {"PODCAST_TOOL_LANG": "fr"}
    assert invoke("--lang", "en", "--help", env=french).output.startswith("Usage: ")
    assert invoke("--help", "--lang", "fr").output.startswith("Utilisation\u00a0: ")
    assert invoke("--lang=fr", "--help").output.startswith("Utilisation\u00a0: ")


def test_an_unknown_language_is_a_usage_error() -> None:
    result = invoke("--lang", "de", "check", str(SEED_OUTLINE))
    assert result.exit_code == 2
    assert "'de' is not one of 'en', 'fr'" in result.stderr


def test_click_usage_errors_speak_french() -> None:
    result = invoke("--lang", "fr", "check", "--nope")
    assert result.exit_code == 2
    assert "Erreur\u00a0: L’option «\u00a0--nope\u00a0» n’existe pas." in result.stderr
    missing = invoke("--lang", "fr", "check")
    assert "Argument manquant" in missing.stderr


def test_json_output_and_exit_codes_do_not_change_with_the_language() -> None:
    english = invoke("check", str(SEED_OUTLINE), "--json")
    french = invoke("--lang", "fr", "check", str(SEED_OUTLINE), "--json")
    assert french.exit_code == english.exit_code == 0
    assert french.stdout == english.stdout
    assert '"code": "gap"' in french.stdout


def test_a_french_run_then_an_english_one_in_the_same_process() -> None:
    assert "fichier" in invoke("--lang", "fr", "check", "--help").output.lower()
    english = invoke("check", "--help").output
    assert "Usage:" in english and "Afficher" not in english and "FICHIER" not in english


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("command", [None, *COMMANDS])
def test_help_fits_80_columns(language: str, command: str | None) -> None:
    result = invoke("--lang", language, *([command] if command else []), "--help")
    assert result.exit_code == 0
    too_wide = [line for line in result.output.splitlines() if len(line) > 80]
    assert not too_wide


@pytest.mark.parametrize("name", list(COMMANDS))
def test_every_command_translates_its_help(name: str) -> None:
    """Each command is a localized one, and each of its texts is in the French catalogue."""
    from babel.messages.pofile import read_po

    command = main.get_command(None, name)  # type: ignore[arg-type]
    assert isinstance(command, LocalizedMixin)
    msgids = set()
    for path in (catalogue_path("fr"), LOCALE_DIR / "fr" / "LC_MESSAGES" / "click.po"):
        with path.open("rb") as po:
            msgids |= {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(po) if m.id}
    texts = [command.__dict__.get("help")]
    texts += [param.__dict__.get("help") for param in command.params]
    # An argument's name in the usage line is its metavar: without one, click shows it in English.
    unnamed = [param.name for param in command.params
               if isinstance(param, click.Argument) and param.__dict__.get("metavar") is None]
    assert not unnamed, f"give these arguments metavar=N_(\"NAME\"): {unnamed}"
    texts += [param.__dict__.get("metavar") for param in command.params
              if isinstance(param, click.Argument)]
    missing = [text for text in texts if text and text not in msgids]
    assert not missing, f"mark these with N_() and translate them: {missing}"


def shown_placeholders(help_text: str) -> set[str]:
    """The names the usage line and the option list give to arguments and option values."""
    usage, _, rest = help_text.partition("\n\n")
    options = rest.split("\n\n")[-1]
    return set(re.findall(r"\b[A-ZÉÈ][A-ZÉÈ|]+\b", usage + "\n" + options))


def metavars(language: str) -> set[str]:
    """Every argument and option-value name the commands declare, as ``language`` shows them."""
    from podcast_tool import i18n

    names = {param.__dict__["metavar"] for name in COMMANDS
             for param in main.get_command(None, name).params  # type: ignore[union-attr]
             if param.__dict__.get("metavar")}
    with i18n.language(language):
        return {i18n.gettext(name) for name in names} | names


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("name", list(COMMANDS))
def test_the_help_names_only_placeholders_its_usage_shows(language: str, name: str) -> None:
    """A description that says ROOT where the usage line says DOSSIER leaves a user guessing."""
    text = invoke("--lang", language, name, "--help").output
    description = text.partition("\n\n")[2].rsplit("\n\n", 1)[0]
    named = set(re.findall(r"\b[A-ZÉÈ][A-ZÉÈ|]+\b", description)) & metavars(language)
    assert named <= shown_placeholders(text), named - shown_placeholders(text)
    if language == "fr":
        assert "[required" not in text and "required]" not in text


@pytest.mark.parametrize(("language", "usage", "missing"), [
    ("fr", "Utilisation\u00a0: main tag [OPTIONS] AUDIO CHAPITRES",
     "Erreur\u00a0: Argument manquant «\u00a0CHAPITRES\u00a0»."),
    ("en", "Usage: main tag [OPTIONS] AUDIO CHAPTERS", "Error: Missing argument 'CHAPTERS'."),
])
def test_argument_names_speak_the_language(language: str, usage: str, missing: str) -> None:
    assert usage in invoke("--lang", language, "tag", "--help").output
    result = invoke("--lang", language, "tag", "recording.mp3")
    assert result.exit_code == 2
    assert missing in result.stderr
    optional = invoke("--lang", language, "preflight", "--help").output
    assert ("[ANNEXES]..." if language == "fr" else "[SIDECARS]...") in optional


@pytest.mark.parametrize(("language", "expected"), [
    ("fr", "«\u00a0--window\u00a0»\u00a0: «\u00a0abc\u00a0» n’est pas un nombre décimal valable"),
    ("en", "'--window': 'abc' is not a valid float range"),
])
def test_click_type_names_speak_the_language(language: str, expected: str) -> None:
    result = invoke("--lang", language, "tag", "--window", "abc", "a.mp3", "b.md")
    assert result.exit_code == 2
    assert expected in result.stderr


@pytest.mark.parametrize(("language", "same", "before"), [
    ("fr", "commence à 0'30, en même temps que le chapitre précédent",
     "commence à 0'10, avant le chapitre au-dessus (0'30)"),
    ("en", "starts at 0'30, the same time as the chapter before it",
     "starts at 0'10, before the chapter above it (0'30)"),
])
def test_out_of_order_chapters_say_which_case(tmp_path: Path, language: str, same: str,
                                              before: str) -> None:
    outline = tmp_path / "outline.md"
    outline.write_text("0'00 Accueil\n0'30 Table ronde\n0'30 Questions\n0'10 Conclusion\n",
                       encoding="utf-8")
    result = invoke("--lang", language, "check", str(outline))
    assert result.exit_code == 1
    assert same in result.stderr
    assert before in result.stderr


def test_french_help_of_check(tmp_path: Path) -> None:
    output = invoke("--lang", "fr", "check", "--help").output
    assert "Utilisation\u00a0: main check [OPTIONS] DÉROULÉ" in output
    assert "Options\u00a0:" in output
    assert "--audio FICHIER" in output
    assert "Afficher cette aide et quitter." in output


@pytest.mark.parametrize(("language", "shown", "hint", "summary"), [
    ("fr", "Page web\u00a0: problème", "conseil\u00a0: chapitrez un MP3 ou un M4A",
     "montrent les chapitres\u202f; aucun chapitre dans"),
    ("en", "Web page: problem", "hint: tag an MP3 or M4A with the chapters",
     "show the chapters; none in"),
])
def test_preflight_names_apps_and_hints_in_the_language(audio_copy, language: str, shown: str,
                                                        hint: str, summary: str) -> None:
    untagged = audio_copy("mp3")
    result = invoke("--lang", language, "preflight", str(untagged))
    assert result.exit_code == 1
    assert shown in result.output and hint in result.output and summary in result.output
    as_json = invoke("--lang", language, "preflight", "--json", str(untagged))
    assert '"name": "Web page"' in as_json.stdout  # machine-readable output stays English

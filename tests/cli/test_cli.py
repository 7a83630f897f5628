"""The CLI as users run it: entry points, exit codes, messages, lazy start-up."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from podcast_tool.cli import COMMANDS, main
from tests.conftest import ROOT, SEED_OUTLINE, ffmpeg_chapters

SEED_STARTS_S = [20, 420, 860, 3515, 3817, 4665, 5440, 8165, 8905]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, cwd=ROOT,
                          check=False)


def test_three_entry_points_run_the_same_cli():
    outputs = [run("cli.py", "--help"), run("-m", "podcast_tool", "--help")]
    for result in outputs:
        assert result.returncode == 0, result.stderr
        for name in COMMANDS:
            assert f"  {name} " in result.stdout
    assert outputs[0].stdout.replace("cli.py", "X") == outputs[1].stdout.replace(
        "python -m podcast_tool", "X")


def test_help_imports_no_heavy_module():
    code = ("import sys; from podcast_tool.cli import main\n"
            "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
            "heavy = [m for m in ('numpy', 'mutagen', 'pydub', 'rich', 'imageio_ffmpeg') "
            "if m in sys.modules]\nprint('HEAVY=' + ','.join(heavy))")
    result = run("-c", code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "HEAVY="


#: What no command below needs: another command's machinery, the decoders, the templates.
NEVER_FOR_CHAPTERS = ("podcast_tool.snap", "podcast_tool.studio", "podcast_tool.publish",
                      "podcast_tool.batch", "podcast_tool.convert", "podcast_tool.outline.documents.word",
                      "numpy", "pydub", "jinja2", "imageio_ffmpeg", "zipfile")


def modules_imported_by(*args: str) -> set[str]:
    """The modules a whole ``podcast-tool ARGS…`` run imported (its output checked: exit 0 or 1)."""
    code = ("import sys, threading\nfrom podcast_tool.cli import main\n"
            "try:\n    main(sys.argv[1:])\nexcept SystemExit as done:\n    code = done.code or 0\n"
            "else:\n    code = 0\n"
            "for thread in threading.enumerate():\n"
            "    if thread is not threading.main_thread():\n        thread.join()\n"
            "print('MODULES=' + ','.join(sorted(sys.modules)), file=sys.stderr)\n"
            "sys.exit(code)")
    result = run("-c", code, *args)
    assert result.returncode in (0, 1), result.stderr
    line = next(line for line in result.stderr.splitlines() if line.startswith("MODULES="))
    return set(line.removeprefix("MODULES=").split(","))


def _loaded(modules: set[str], names: tuple[str, ...]) -> list[str]:
    return sorted(m for m in modules if any(m == n or m.startswith(n + ".") for n in names))


def test_tag_show_and_check_import_only_what_they_need(audio_copy):
    """By module name, not by time: a module imported by mistake shows here on any machine."""
    path = audio_copy("mp3", seconds=9195)
    tagged = modules_imported_by("tag", str(path), str(SEED_OUTLINE))
    assert _loaded(tagged, NEVER_FOR_CHAPTERS) == []
    # It prints a table and the preflight summary: those it needs.
    assert {"rich.table", "podcast_tool.preflight"} <= tagged
    for args in (("show", str(path), "--json"), ("check", str(SEED_OUTLINE), "--json"),
                 ("check", str(SEED_OUTLINE), "--audio", str(path), "--json")):
        modules = modules_imported_by(*args)
        assert _loaded(modules, NEVER_FOR_CHAPTERS + ("podcast_tool.preflight", "rich")) == [], args
    shown = modules_imported_by("show", str(path))
    assert "rich.table" in shown
    assert _loaded(shown, NEVER_FOR_CHAPTERS + ("podcast_tool.preflight",)) == []
    dry = modules_imported_by("tag", str(path), str(SEED_OUTLINE), "--dry-run")
    assert _loaded(dry, NEVER_FOR_CHAPTERS + ("podcast_tool.preflight",)) == []


def test_usage_errors_exit_2():
    runner = CliRunner()
    assert runner.invoke(main, ["no-such-command"]).exit_code == 2
    assert runner.invoke(main, ["tag"]).exit_code == 2
    result = runner.invoke(main, ["export", str(SEED_OUTLINE), "--format", "nope"])
    assert result.exit_code == 2
    assert "unknown chapter format 'nope'" in result.output


def test_missing_audio_is_a_clear_error(tmp_path):
    result = CliRunner().invoke(main, ["tag", str(tmp_path / "absent.mp3"), str(SEED_OUTLINE)])
    assert result.exit_code == 1
    assert f"{tmp_path / 'absent.mp3'}: error: no such file" in result.output
    assert "Traceback" not in result.output


def test_tag_show_export_on_the_seed(audio_copy):
    path = audio_copy("mp3", seconds=9195)
    runner = CliRunner()
    result = runner.invoke(main, ["tag", str(path), str(SEED_OUTLINE)])
    assert result.exit_code == 0, result.output
    assert f"wrote 9 chapters to {path}" in result.output
    assert "warning: " in result.output  # the seed's 7 min 55 s gap
    starts = [round(c["start_ms"] / 1000) for c in ffmpeg_chapters(path)]
    assert starts == SEED_STARTS_S

    shown = runner.invoke(main, ["show", str(path), "--json"])
    assert shown.exit_code == 0
    data = json.loads(shown.stdout)
    assert [c["start_ms"] // 1000 for c in data["chapters"]] == SEED_STARTS_S
    assert data["chapters"][3]["title"] == "Questions du public"

    exported = runner.invoke(main, ["export", str(path), "--format", "json"])
    assert exported.exit_code == 0
    document = json.loads(exported.stdout)
    assert document["version"] == "1.2.0"
    assert [c["startTime"] for c in document["chapters"]] == SEED_STARTS_S
    assert all("endTime" in c for c in document["chapters"])  # from audio: every end is known


def test_export_json_reflects_the_outline_exactly():
    result = CliRunner().invoke(main, ["export", str(SEED_OUTLINE), "--format", "json"])
    assert result.exit_code == 0, result.output
    chapters = json.loads(result.stdout)["chapters"]
    assert [c["startTime"] for c in chapters] == SEED_STARTS_S  # nothing invented at 0
    assert "endTime" not in chapters[0]  # "0'20 Mot d'accueil" has no written end
    assert chapters[1]["endTime"] == 850
    assert chapters[0]["title"] == "Mot d'accueil de Daniel Delaveau"
    zero = CliRunner().invoke(main, ["export", str(SEED_OUTLINE), "--add-zero-chapter"])
    assert json.loads(zero.stdout)["chapters"][0]["startTime"] == 0


def test_dry_run_writes_nothing(audio_copy):
    path = audio_copy("mp3", seconds=9195)
    before = path.read_bytes()
    result = CliRunner().invoke(main, ["tag", str(path), str(SEED_OUTLINE), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "dry run: 9 chapters would be written" in result.output
    assert path.read_bytes() == before


def test_validation_errors_stop_the_write(audio_copy, tmp_path):
    path = audio_copy("mp3")  # 12 s: the seed's chapters lie past its end
    before = path.read_bytes()
    result = CliRunner().invoke(main, ["tag", str(path), str(SEED_OUTLINE)])
    assert result.exit_code == 1
    assert "error:" in result.output and "nothing was written" in result.output
    assert path.read_bytes() == before


def test_show_never_prints_terminal_control_characters_from_a_file(audio_copy):
    from podcast_tool import containers
    from podcast_tool.model import Chapter, Episode

    path = audio_copy("mp3")
    hostile = "Rouge \x1b[31mALERTE\x1b[0m \x1b]0;titre\x07 [/b] fin"
    containers.write_chapters(path, Episode(chapters=[Chapter(0, hostile, description="\x9bdesc")]))
    result = CliRunner().invoke(main, ["show", str(path)])
    assert result.exit_code == 0, result.output
    assert not any(ch in result.output for ch in "\x1b\x07\x9b")
    assert "Rouge �[31mALERTE�[0m" in result.output and "[/b] fin" in result.output
    data = json.loads(CliRunner().invoke(main, ["show", str(path), "--json"]).stdout)
    assert data["chapters"][0]["title"] == hostile  # JSON keeps the text exactly, escaped


def _imported_modules(path) -> set[str]:
    import ast

    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def test_commands_share_only_the_cli_helpers():
    """A command parses options, calls the pipeline and prints: it never calls another command."""
    shared = {"podcast_tool.cli", "podcast_tool.cli.common", "podcast_tool.cli.tables",
              "podcast_tool.cli.localized"}
    for path in sorted((ROOT / "podcast_tool" / "cli").glob("*.py")):
        others = {name for name in _imported_modules(path)
                  if name.startswith("podcast_tool.cli") and name not in shared
                  and not name.startswith(("podcast_tool.cli.common.", "podcast_tool.cli.tables.",
                                           "podcast_tool.cli.localized."))}
        assert not others, f"{path.name} imports {sorted(others)}"


#: What a command module may import from the package: the shared CLI helpers, the service
#: layer (``pipeline``, and the feature a command fronts: batch, publish, preflight, studio, demo),
#: and the leaves every layer uses (errors, messages, the chapter model, time formatting).
SERVICE_LAYER = ("podcast_tool.cli", "podcast_tool.pipeline", "podcast_tool.batch",
                 "podcast_tool.publish", "podcast_tool.preflight", "podcast_tool.studio",
                 "podcast_tool.demo", "podcast_tool.errors", "podcast_tool.i18n", "podcast_tool.model",
                 "podcast_tool.outline.timecodes")
SHARED_CLI_MODULES = ("__init__.py", "common.py", "tables.py", "localized.py")


def test_commands_reach_the_core_only_through_the_service_layer():
    """No command orchestrates: containers, formats, snapping, validation and safe writes are
    reached through ``pipeline`` (or the feature's own service), never put together in cli/."""
    for path in sorted((ROOT / "podcast_tool" / "cli").glob("*.py")):
        if path.name in SHARED_CLI_MODULES:
            continue
        core = {name for name in _imported_modules(path)
                if name.startswith("podcast_tool.")
                and not any(name == allowed or name.startswith(allowed + ".")
                            for allowed in SERVICE_LAYER)}
        assert not core, f"{path.name} imports {sorted(core)}"


def test_only_the_cli_and_the_studio_server_import_click_and_rich():
    package = ROOT / "podcast_tool"
    for path in sorted(package.rglob("*.py")):
        relative = path.relative_to(package)
        if relative.parts[0] == "cli" or relative == Path("studio", "server.py"):
            continue
        ui = {name for name in _imported_modules(path) if name.split(".")[0] in ("click", "rich")}
        assert not ui, f"{path.relative_to(ROOT)} imports {sorted(ui)}"

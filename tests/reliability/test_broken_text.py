"""Text no file can hold (lone surrogates, control characters), from every reader.

A JSON sidecar may spell a lone surrogate (``"a\\udfffb"``): decoded, it is a Python string
no UTF-8 output can encode. Every reader's chapters are checked the same way
(``invalid-characters``, as ``tag`` always did): ``check`` reports it and exits 1, ``export``
and ``snap -o`` refuse to write it, ``show`` shows it as U+FFFD with a warning; ``--json``
keeps it, escaped. None of them may crash while printing (they used to, with a
``UnicodeEncodeError`` traceback). Runs in forked children of ``harness.CliServer``, whose
standard output encodes UTF-8 as a terminal's does.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.reliability.harness import CliServer, Outcome

#: As a JSON file spells them: a lone low and high surrogate, an undecodable byte's escape, ESC.
BROKEN = {"low": "\\udfff", "high": "\\ud800", "escaped-byte": "\\udce9", "escape": "\\u001b"}


@pytest.fixture(scope="module")
def server() -> Iterator[CliServer]:
    running = CliServer()
    yield running
    running.close()


def sidecar(folder: Path, broken: str) -> Path:
    path = folder / "chapitres.json"
    path.write_text('{"chapters": [{"startTime": 0, "title": "Accueil"}, '
                    f'{{"startTime": 20, "title": "D\\u00e9{broken}bat"}}]}}', "ascii")
    return path


def no_crash(outcome: Outcome) -> None:
    assert not outcome.timed_out, outcome.describe()
    assert "Traceback" not in outcome.stderr and "Error" not in outcome.stderr, outcome.describe()


def code_point(broken: str) -> str:
    return f"U+{broken[2:].upper()}"


@pytest.mark.parametrize("broken", BROKEN.values(), ids=BROKEN.keys())
def test_check_reports_broken_characters_and_prints_without_crashing(server, tmp_path, broken):
    plan = sidecar(tmp_path, broken)
    checked = server.run(["check", plan])
    no_crash(checked)
    assert checked.returncode == 1, checked.describe()
    assert (f"{plan}: error: the title of the chapter at 0:20 contains {code_point(broken)}"
            in checked.stderr), checked.describe()
    assert "Dé\ufffdbat" in checked.stdout
    as_json = server.run(["check", "--json", plan])
    no_crash(as_json)
    assert as_json.returncode == 1
    data = json.loads(as_json.stdout)
    assert data["ok"] is False
    assert data["chapters"][1]["title"] == json.loads(f'"Dé{broken}bat"')  # kept, escaped
    assert [d["code"] for d in data["diagnostics"]] == ["invalid-characters"]


@pytest.mark.parametrize("broken", BROKEN.values(), ids=BROKEN.keys())
def test_export_and_snap_refuse_to_write_broken_characters(server, audio_copy, tmp_path, broken):
    plan = sidecar(tmp_path, broken)
    message = f"{plan}: error: the title of the chapter at 0:20 contains {code_point(broken)}"
    for args in (["export", plan], ["export", plan, "-f", "vtt"],
                 ["export", plan, "-o", tmp_path / "out.json"],
                 ["snap", audio_copy("mp3", seconds=30), plan, "-o", tmp_path / "snapped.json"]):
        outcome = server.run(args)
        no_crash(outcome)
        assert outcome.returncode == 1, outcome.describe()
        assert message in outcome.stderr, outcome.describe()
        assert outcome.stdout == "", outcome.describe()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["chapitres.json", "episode.mp3"]


@pytest.mark.parametrize("broken", BROKEN.values(), ids=BROKEN.keys())
def test_show_shows_broken_characters_as_replacement_with_a_warning(server, tmp_path, broken):
    plan = sidecar(tmp_path, broken)
    shown = server.run(["show", plan])
    no_crash(shown)
    assert shown.returncode == 0, shown.describe()
    assert "Dé\ufffdbat" in shown.stdout
    assert (f"{plan}: warning: the title of the chapter at 0:20 contains {code_point(broken)}"
            in shown.stderr), shown.describe()
    as_json = server.run(["show", "--json", plan])
    no_crash(as_json)
    assert json.loads(as_json.stdout)["chapters"][1]["title"] == json.loads(f'"Dé{broken}bat"')


def test_a_file_name_with_undecodable_bytes_is_printed_without_crashing(server, tmp_path):
    plan = tmp_path / "caf\udce9.md"  # a Latin-1 name on a UTF-8 system
    plan.write_text("- 0'00 Accueil\n- 0'20 Débat\n", "utf-8")
    for args in (["check", plan], ["show", plan], ["export", plan, "-f", "psc"]):
        outcome = server.run(args)
        no_crash(outcome)
        assert outcome.returncode == 0, outcome.describe()


@pytest.mark.parametrize("content", ["# Plan\n\nno time on any line\n", '{"chapters": []}'])
def test_export_of_no_chapter_is_an_error_like_check(server, tmp_path, content):
    plan = tmp_path / ("vide.json" if content.startswith("{") else "vide.md")
    plan.write_text(content, "utf-8")
    out = tmp_path / "out.json"
    checked = server.run(["check", plan])
    assert checked.returncode == 1, checked.describe()
    for args in (["export", plan], ["export", plan, "-o", out]):
        exported = server.run(args)
        no_crash(exported)
        assert exported.returncode == 1 and exported.stdout == "", exported.describe()
        assert f"{plan}: error: no chapter found: no line starts with a time" in exported.stderr
        assert f"{plan}: error: no chapters; nothing was written" in exported.stderr
    assert not out.exists()


def test_export_of_an_audio_file_without_chapters_is_an_error(server, audio_copy):
    audio = audio_copy("flac")
    exported = server.run(["export", audio])
    assert exported.returncode == 1 and exported.stdout == "", exported.describe()
    assert f"{audio}: error: the file holds no chapters; nothing to export" in exported.stderr

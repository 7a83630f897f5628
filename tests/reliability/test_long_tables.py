"""``check`` (and ``show``, ``tag``) print in time linear in what they read.

A chapter table of thousands of rows, or a title of a megabyte, used to make ``check`` take
quadratic time in rich's layout (16,000 chapters: 22 s; a 100 KB title of backslashes: 18 s).
Now a long table shows its first and last rows and says how many it leaves out (``--json``
lists them all), and a long title is cut in the table (never in the file, nor in ``--json``).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from podcast_tool.cli.tables import MAX_TABLE_ROWS, MAX_TITLE_CHARACTERS
from podcast_tool.outline.timecodes import format_clock
from tests.reliability.harness import CliServer

#: Well past the former quadratic run's 22 s would be a hang; a linear run takes about 1 s.
TIMEOUT = 10.0


@pytest.fixture(scope="module")
def server() -> Iterator[CliServer]:
    running = CliServer()
    yield running
    running.close()


def many_chapters(folder: Path, count: int) -> Path:
    path = folder / f"plan-{count}.md"
    path.write_text("".join(f"- {format_clock(i * 30_000)} Intervention n°{i}\n"
                            for i in range(count)), "utf-8")
    return path


def test_a_table_of_16000_chapters_is_summarised_in_bounded_time(server, tmp_path):
    plan = many_chapters(tmp_path, 16_000)
    checked = server.run(["check", plan], timeout=TIMEOUT)
    assert not checked.timed_out, checked.describe()
    assert checked.returncode == 0, checked.describe()
    assert "Intervention n°0 " in checked.stdout and "Intervention n°15999" in checked.stdout
    assert "Intervention n°8000" not in checked.stdout
    left_out = 16_000 - MAX_TABLE_ROWS
    assert f"… {left_out:,} more chapters not shown (--json lists them all)" in checked.stdout
    assert "16000 chapters" in checked.stdout or "16,000 chapters" in checked.stdout
    rows = [line for line in checked.stdout.splitlines() if "Intervention n°" in line]
    assert len(rows) == MAX_TABLE_ROWS
    as_json = server.run(["check", "--json", plan], timeout=TIMEOUT)
    assert len(json.loads(as_json.stdout)["chapters"]) == 16_000
    shown = server.run(["show", plan], timeout=TIMEOUT)
    assert not shown.timed_out and shown.returncode == 0, shown.describe()
    assert "more chapters not shown" in shown.stdout


@pytest.mark.parametrize("unit", ["\\", "**", "[a](", "é", "🎙"])
def test_a_megabyte_title_is_cut_in_the_table_and_kept_in_json(server, tmp_path, unit):
    title = unit * (1_000_000 // len(unit.encode()))
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps({"chapters": [{"startTime": 0, "title": "Accueil"},
                                             {"startTime": 60, "title": title}]}), "utf-8")
    checked = server.run(["check", plan], timeout=TIMEOUT)
    assert not checked.timed_out, checked.describe()
    assert checked.returncode == 0, checked.describe()
    assert len(checked.stdout) < 20 * MAX_TITLE_CHARACTERS
    assert "…" in checked.stdout
    as_json = server.run(["check", "--json", plan], timeout=TIMEOUT)
    assert json.loads(as_json.stdout)["chapters"][1]["title"] == title

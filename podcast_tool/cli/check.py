"""podcast-tool check OUTLINE [--audio FILE] [--strict] [--json]"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from podcast_tool.cli.common import handles_errors, print_diagnostics, print_json, stdout_console
from podcast_tool.cli.tables import chapter_table, episode_to_dict
from podcast_tool.model import Severity


@click.command("check")
@click.argument("outline", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--audio", type=click.Path(path_type=Path, dir_okay=False),
              help="Also check the chapters against this recording's duration.")
@click.option("--strict", is_flag=True, help="Exit 1 on warnings too.")
@click.option("--json", "as_json", is_flag=True, help="Print chapters and diagnostics as JSON.")
@click.option("--from", "from_format", metavar="FORMAT",
              help="Chapter format of OUTLINE (default: detected).")
@handles_errors
def command(outline: Path, audio: Path | None, strict: bool, as_json: bool,
            from_format: str | None) -> None:
    """Validate OUTLINE and print its chapters and diagnostics."""
    from podcast_tool import pipeline

    checked = pipeline.check(outline, audio, from_format=from_format)
    episode, diagnostics, duration = checked.episode, checked.diagnostics, checked.duration_ms
    failing = {Severity.ERROR, Severity.WARNING} if strict else {Severity.ERROR}
    failed = any(d.severity in failing for d in diagnostics)
    if as_json:
        data = episode_to_dict(episode, duration)
        data["diagnostics"] = [d.to_dict() for d in diagnostics]
        data["ok"] = not failed
        print_json(data)
    else:
        if episode.chapters:
            stdout_console().print(chapter_table(episode, duration))
        print_diagnostics(diagnostics)
        counts = {s: sum(d.severity is s for d in diagnostics) for s in Severity}
        summary = ", ".join(_count(number, word) for number, word in (
            (len(episode.chapters), "chapter"), (counts[Severity.ERROR], "error"),
            (counts[Severity.WARNING], "warning"), (counts[Severity.INFO], "note")))
        stdout_console().print(summary)
    sys.exit(1 if failed else 0)


def _count(number: int, word: str) -> str:
    return f"{number} {word}{'' if number == 1 else 's'}"

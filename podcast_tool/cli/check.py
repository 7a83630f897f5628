"""podcast-tool check OUTLINE [--audio FILE] [--strict] [--json]"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from podcast_tool.cli.common import (
    clock_start_option,
    handles_errors,
    print_diagnostics,
    print_json,
    stdout_console,
)
from podcast_tool.cli.localized import Command
from podcast_tool.cli.tables import chapter_table, episode_to_dict
from podcast_tool.i18n import N_, ngettext
from podcast_tool.model import Diagnostic, Severity


@click.command("check", cls=Command,
               help=N_("Validate OUTLINE and print its chapters and diagnostics."))
@click.argument("outline", metavar=N_("OUTLINE"), type=click.Path(path_type=Path, dir_okay=False))
@click.option("--audio", type=click.Path(path_type=Path, dir_okay=False),
              help=N_("Also check the chapters against this recording's duration."))
@click.option("--strict", is_flag=True, help=N_("Exit 1 on warnings too."))
@click.option("--json", "as_json", is_flag=True, help=N_("Print chapters and diagnostics as JSON."))
@click.option("--from", "from_format", metavar="FORMAT",
              help=N_("Chapter format of OUTLINE (default: detected)."))
@clock_start_option
@handles_errors
def command(outline: Path, audio: Path | None, strict: bool, as_json: bool,
            from_format: str | None,
            clock_start: int | None) -> None:
    from podcast_tool import pipeline

    checked = pipeline.check(outline, audio, from_format=from_format, clock_start_ms=clock_start)
    episode, diagnostics = checked.episode, checked.diagnostics
    failing = {Severity.ERROR, Severity.WARNING} if strict else {Severity.ERROR}
    failed = any(d.severity in failing for d in diagnostics)
    if as_json:
        data = episode_to_dict(episode)
        data["diagnostics"] = [d.to_dict() for d in diagnostics]
        data["ok"] = not failed
        print_json(data)
    else:
        if episode.chapters:
            stdout_console().print(chapter_table(episode))
        print_diagnostics(diagnostics)
        stdout_console().print(summary(len(episode.chapters), diagnostics))
    sys.exit(1 if failed else 0)


def summary(chapters: int, diagnostics: list[Diagnostic]) -> str:
    """``12 chapters, 0 errors, 1 warning, 2 notes``."""
    counts = {s: sum(d.severity is s for d in diagnostics) for s in Severity}
    parts = [
        ngettext("{count} chapter", "{count} chapters", chapters).format(count=chapters),
        ngettext("{count} error", "{count} errors", counts[Severity.ERROR]).format(
            count=counts[Severity.ERROR]),
        ngettext("{count} warning", "{count} warnings", counts[Severity.WARNING]).format(
            count=counts[Severity.WARNING]),
        ngettext("{count} note", "{count} notes", counts[Severity.INFO]).format(
            count=counts[Severity.INFO]),
    ]
    return ", ".join(parts)

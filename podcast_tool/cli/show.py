"""podcast-tool show FILE [--json]"""

from __future__ import annotations

from pathlib import Path

import click

from podcast_tool.cli.common import (
    handles_errors,
    print_diagnostics,
    print_json,
    shown,
    stdout_console,
)
from podcast_tool.cli.localized import Command
from podcast_tool.cli.tables import chapter_table, episode_to_dict
from podcast_tool.i18n import N_, _


@click.command("show", cls=Command,
               help=N_("Show the chapters stored in SOURCE (an audio file, or any chapter file)."))
@click.argument("source", metavar=N_("SOURCE"), type=click.Path(path_type=Path, dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help=N_("Print the chapters as JSON."))
@click.option("--from", "from_format", metavar="FORMAT",
              help=N_("Chapter format of SOURCE when it is not audio (default: detected)."))
@handles_errors
def command(source: Path, as_json: bool, from_format: str | None) -> None:
    from podcast_tool import pipeline

    episode, diagnostics = pipeline.show(source, from_format)
    print_diagnostics(diagnostics)
    if as_json:
        print_json(episode_to_dict(episode))
        return
    console = stdout_console()
    if not episode.chapters:
        console.print(_("{source}: no chapters").format(source=shown(str(source))))
        return
    console.print(chapter_table(episode))

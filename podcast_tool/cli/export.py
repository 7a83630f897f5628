"""podcast-tool export SOURCE --format F [-o OUT]"""

from __future__ import annotations

from pathlib import Path

import click

from podcast_tool.cli.common import (
    clock_start_option,
    force_option,
    handles_errors,
    print_diagnostics,
)
from podcast_tool.cli.localized import Command
from podcast_tool.i18n import N_


@click.command("export", cls=Command,
               help=N_("Convert the chapters of SOURCE (outline, sidecar or tagged audio) to another "
                    "format."))
@click.argument("source", metavar=N_("SOURCE"), type=click.Path(path_type=Path, dir_okay=False))
@click.option("--format", "-f", "format_name", metavar="FORMAT",
              help=N_("Output format (see `podcast-tool formats`; default: from the -o extension, "
                   "else json)."))
@click.option("--from", "from_format", metavar="FORMAT", help=N_("Input format (default: detected)."))
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False),
              help=N_("Write here instead of standard output."))
@click.option("--audio", type=click.Path(path_type=Path, dir_okay=False),
              help=N_("The recording: gives the last chapter its end and CUE its FILE line."))
@click.option("--notation", type=click.Choice(["clock", "fr"]),
              help=N_("Time notation for Markdown/outline output (default: the source's, else clock)."))
@click.option("--add-zero-chapter", is_flag=True,
              help=N_("Add a chapter at 0:00 when the first starts later (YouTube requires one)."))
@click.option("--zero-title", default="Introduction", show_default=True,
              help=N_("Title of the chapter --add-zero-chapter adds."))
@click.option("--snippet", is_flag=True,
              help=N_("Podlove: print only the <psc:chapters> element, to paste into an RSS <item>."))
@clock_start_option
@force_option
@handles_errors
def command(source: Path, format_name: str | None, from_format: str | None, output: Path | None,
            audio: Path | None, notation: str | None, add_zero_chapter: bool, zero_title: str,
            snippet: bool,
            clock_start: int | None) -> None:
    from podcast_tool import pipeline
    from podcast_tool.errors import ValidationFailed

    try:
        text, diagnostics = pipeline.export(
            source, format_name, output=output, from_format=from_format,
            audio=audio, notation=notation, add_zero_chapter=add_zero_chapter,
            zero_chapter_title=zero_title, snippet=snippet, clock_start_ms=clock_start)
    except ValidationFailed as error:
        print_diagnostics(error.diagnostics, show_info=False)
        raise
    print_diagnostics([d for d in diagnostics if d.severity.value != "info"])
    if output is None:
        click.echo(text, nl=False)

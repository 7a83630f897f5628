"""podcast-tool export SOURCE --format F [-o OUT]"""

from __future__ import annotations

from pathlib import Path

import click

from podcast_tool.cli.common import handles_errors, print_diagnostics


@click.command("export")
@click.argument("source", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--format", "-f", "format_name", metavar="FORMAT",
              help="Output format (see `podcast-tool formats`; default: from the -o extension, "
                   "else json).")
@click.option("--from", "from_format", metavar="FORMAT", help="Input format (default: detected).")
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False),
              help="Write here instead of standard output.")
@click.option("--audio", type=click.Path(path_type=Path, dir_okay=False),
              help="The recording: gives the last chapter its end and CUE its FILE line.")
@click.option("--notation", type=click.Choice(["clock", "fr"]),
              help="Time notation for Markdown/outline output (default: the source's, else clock).")
@click.option("--add-zero-chapter", is_flag=True,
              help="Add a chapter at 0:00 when the first starts later (YouTube requires one).")
@click.option("--zero-title", default="Introduction", show_default=True,
              help="Title of the chapter --add-zero-chapter adds.")
@click.option("--snippet", is_flag=True,
              help="Podlove: print only the <psc:chapters> element, to paste into an RSS <item>.")
@handles_errors
def command(source: Path, format_name: str | None, from_format: str | None, output: Path | None,
            audio: Path | None, notation: str | None, add_zero_chapter: bool, zero_title: str,
            snippet: bool) -> None:
    """Convert the chapters of SOURCE (outline, sidecar or tagged audio) to another format."""
    from podcast_tool import pipeline
    from podcast_tool.formats import format_for_output

    text, diagnostics = pipeline.export(
        source, format_name or format_for_output(output), from_format=from_format, audio=audio,
        notation=notation, add_zero_chapter=add_zero_chapter, zero_chapter_title=zero_title,
        snippet=snippet)
    print_diagnostics([d for d in diagnostics if d.severity.value != "info"])
    if output is None:
        click.echo(text, nl=False)
        return
    from podcast_tool.safewrite import write_file

    write_file(output, text.encode("utf-8"))

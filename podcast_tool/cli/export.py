"""podcast-tool export SOURCE --format F [-o OUT]"""

from __future__ import annotations

from pathlib import Path

import click

from podcast_tool.cli.common import handles_errors, print_diagnostics
from podcast_tool.errors import WriteError


@click.command("export")
@click.argument("source", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--format", "-f", "format_name", default="json", show_default=True,
              help="Output format (see `podcast-tool formats`).")
@click.option("--from", "from_format", metavar="FORMAT", help="Input format (default: detected).")
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False),
              help="Write here instead of standard output.")
@click.option("--audio", type=click.Path(path_type=Path, dir_okay=False),
              help="The recording: gives the last chapter its end and CUE its FILE line.")
@click.option("--notation", type=click.Choice(["clock", "fr"]), default="clock",
              show_default=True, help="Time notation for Markdown/outline output.")
@click.option("--add-zero-chapter", is_flag=True,
              help="Add an untitled chapter at 0:00 when the first starts later.")
@handles_errors
def command(source: Path, format_name: str, from_format: str | None, output: Path | None,
            audio: Path | None, notation: str, add_zero_chapter: bool) -> None:
    """Convert the chapters of SOURCE (outline, sidecar or tagged audio) to another format."""
    from podcast_tool import containers
    from podcast_tool.formats import ExportOptions, get_format
    from podcast_tool.sources import load_chapters

    target = get_format(format_name)
    episode, diagnostics = load_chapters(source, from_format)
    duration = containers.audio_duration_ms(audio) if audio else episode.duration_ms
    audio_name = audio.name if audio else (
        source.name if episode.duration_ms is not None else None)
    options = ExportOptions(audio_name=audio_name, notation=notation,
                            add_zero_chapter=add_zero_chapter, duration_ms=duration)
    text, more = target.dump(episode, options)
    print_diagnostics([d for d in diagnostics + more if d.severity.value != "info"])
    if output is None:
        click.echo(text, nl=False)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as error:
        raise WriteError(f"cannot write ({error.strerror})", path=output) from error

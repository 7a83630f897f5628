"""podcast-tool export SOURCE --format F [-o OUT]"""

from __future__ import annotations

from pathlib import Path

import click

from podcast_tool.cli.common import handles_errors, print_diagnostics
from podcast_tool.errors import UsageError


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
    from podcast_tool import containers
    from podcast_tool.formats import ExportOptions, get_format
    from podcast_tool.pipeline import load_chapters

    target = get_format(format_name or _format_for(output))
    if from_format is not None:
        get_format(from_format)  # an unknown name is a usage error before any reading
    episode, diagnostics = load_chapters(source, from_format)
    duration = containers.audio_duration_ms(audio) if audio else episode.duration_ms
    audio_name = audio.name if audio else (
        source.name if episode.duration_ms is not None else None)
    if notation is None:
        notation = episode.notation if episode.notation in ("fr", "clock") else "clock"
    options = ExportOptions(audio_name=audio_name, notation=notation,
                            add_zero_chapter=add_zero_chapter, zero_chapter_title=zero_title,
                            duration_ms=duration, snippet=snippet)
    text, more = target.dump(episode, options)
    print_diagnostics([d for d in diagnostics + more if d.severity.value != "info"])
    if output is None:
        click.echo(text, nl=False)
        return
    from podcast_tool.safewrite import write_file

    write_file(output, text.encode("utf-8"))


def _format_for(output: Path | None) -> str:
    """The format an output file's extension names, when only one format uses it."""
    if output is None:
        return "json"
    from podcast_tool.formats import all_formats

    suffix = output.suffix.lower()
    claimed = [f.name for f in all_formats() if suffix in f.extensions and f.name != "outline"]
    if len(claimed) == 1:
        return claimed[0]
    if not claimed:
        return "json"
    raise UsageError(f"several formats write {suffix} files ({', '.join(claimed)}); "
                     "choose one with --format")

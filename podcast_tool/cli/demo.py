"""podcast-tool demo: synthesize the seed webinar's replay, tag it, read it back."""

from __future__ import annotations

from pathlib import Path

import click

from podcast_tool.cli.common import handles_errors, print_diagnostics, stdout_console
from podcast_tool.cli.localized import Command
from podcast_tool.cli.tables import chapter_table
from podcast_tool.i18n import N_, _, ngettext

SEED = Path("chapters/travail-pair-2020-12-18.md")


@click.command("demo", cls=Command,
               help=N_("Synthesize a replay of the seed webinar, tag it from its outline, show the "
                    "result."))
@click.option("--outline", type=click.Path(path_type=Path, dir_okay=False), default=SEED,
              show_default=True, help=N_("The outline to build the replay from."))
@click.option("--output", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help=N_("Where to write the replay [default: audio/<outline name>.mp3]."))
@click.option("--fresh", is_flag=True, help=N_("Synthesize again even if the replay exists."))
@handles_errors
def command(outline: Path, output: Path | None, fresh: bool) -> None:
    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

    from podcast_tool import demo, pipeline
    from podcast_tool.outline.timecodes import format_duration

    console = stdout_console()
    output = output or Path("audio") / f"{outline.stem}.mp3"
    episode = pipeline.load_chapters(outline)[0]
    duration_ms, pauses = demo.plan_replay(episode)
    if fresh or not output.exists():
        encoding = _("encoding")
        with Progress(TextColumn(f"[bold]{encoding}[/] {{task.description}}"), BarColumn(),
                      TextColumn("{task.percentage:>3.0f}%"), TimeRemainingColumn(),
                      console=console) as progress:
            task = progress.add_task(f"{output} ({format_duration(duration_ms)})",
                                     total=duration_ms)
            demo.synthesize_replay(output, duration_ms, pauses, title=episode.title,
                                   progress=lambda done, _total: progress.update(task, completed=done))
    else:
        console.print(_("using the existing {output} (--fresh to synthesize it again)").format(
                          output=output))
    result = pipeline.prepare(output, outline)
    pipeline.write(result)
    print_diagnostics(result.diagnostics, show_info=False)
    count = len(result.episode.chapters)
    console.print(ngettext("tagged {output} with {count} chapter from {outline}",
                           "tagged {output} with {count} chapters from {outline}", count).format(
                               output=output, count=count, outline=outline))
    console.print(_("read back from the file:"))
    console.print(chapter_table(pipeline.load_chapters(output)[0]))

"""podcast-tool demo: synthesize the seed webinar's replay, tag it, read it back."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from podcast_tool.cli.common import handles_errors, print_diagnostics, stdout_console
from podcast_tool.cli.localized import Command
from podcast_tool.cli.tables import chapter_table
from podcast_tool.i18n import N_, _, ngettext

if TYPE_CHECKING:
    from rich.console import Console
    from rich.progress import Progress, TaskID

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
    from podcast_tool import demo

    console = stdout_console()
    output = output or Path("audio") / f"{outline.stem}.mp3"
    bar = _EncodingBar(console, output)
    try:
        replay = demo.make_demo(outline, output, fresh=fresh, progress=bar.update)
    finally:
        bar.stop()
    if not replay.synthesized:
        console.print(_("using the existing {output} (--fresh to synthesize it again)").format(
                          output=output))
    result = replay.tagged
    print_diagnostics(result.diagnostics, show_info=False)
    count = len(result.episode.chapters)
    console.print(ngettext("tagged {output} with {count} chapter from {outline}",
                           "tagged {output} with {count} chapters from {outline}", count).format(
                               output=output, count=count, outline=outline))
    console.print(_("read back from the file:"))
    console.print(chapter_table(replay.read_back))


class _EncodingBar:
    """The synthesis's progress bar, shown from its first step to its last (or a failure)."""

    def __init__(self, console: Console, output: Path) -> None:
        self.console, self.output = console, output
        self.progress: Progress | None = None
        self.task: TaskID | None = None

    def update(self, done_ms: int, total_ms: int) -> None:
        from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

        from podcast_tool.outline.timecodes import format_duration

        if self.progress is None:
            encoding = _("encoding")
            self.progress = Progress(TextColumn(f"[bold]{encoding}[/] {{task.description}}"),
                                     BarColumn(), TextColumn("{task.percentage:>3.0f}%"),
                                     TimeRemainingColumn(), console=self.console)
            self.task = self.progress.add_task(
                f"{self.output} ({format_duration(total_ms)})", total=total_ms)
            self.progress.start()
        assert self.task is not None
        self.progress.update(self.task, completed=done_ms)
        if done_ms >= total_ms:
            self.stop()

    def stop(self) -> None:
        if self.progress is not None:
            self.progress.stop()
            self.progress = None

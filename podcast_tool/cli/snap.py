"""podcast-tool snap AUDIO OUTLINE [--window S] [--min-pause S] [--json] [-o FILE | --in-place]"""

from __future__ import annotations

from pathlib import Path

import click

from podcast_tool.cli.common import (
    MIN_PAUSE_HELP,
    WINDOW_HELP,
    clock_start_option,
    force_option,
    handles_errors,
    print_diagnostics,
    print_json,
    shown,
    stdout_console,
)
from podcast_tool.cli.localized import Command
from podcast_tool.cli.tables import episode_to_dict, snap_summary, snap_table
from podcast_tool.errors import UsageError
from podcast_tool.i18n import N_, _


@click.command("snap", cls=Command,
               help=N_("Propose moving each time of OUTLINE to a real pause nearby in AUDIO.\n\nNothing "
                    "is written unless -o FILE or --in-place is given; AUDIO is never changed (use "
                    "`tag --snap` to write snapped chapters into it)."))
@click.argument("audio", metavar=N_("AUDIO"), type=click.Path(path_type=Path, dir_okay=False))
@click.argument("outline", metavar=N_("OUTLINE"), type=click.Path(path_type=Path, dir_okay=False))
@click.option("--from", "from_format", metavar="FORMAT",
              help=N_("Chapter format of OUTLINE (default: detected)."))
@click.option("--window", type=click.FloatRange(min=0.5, max=600), default=10.0,
              show_default=True, metavar=N_("SECONDS"), help=WINDOW_HELP)
@click.option("--min-pause", type=click.FloatRange(min=0.05, max=60), default=0.8,
              show_default=True, metavar=N_("SECONDS"), help=MIN_PAUSE_HELP)
@click.option("--json", "as_json", is_flag=True, help=N_("Print the moves as JSON."))
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False),
              help=N_("Write the corrected outline to FILE, in the notation of OUTLINE."))
@click.option("--in-place", is_flag=True, help=N_("Overwrite OUTLINE with the corrected times."))
@clock_start_option
@force_option
@handles_errors
def command(audio: Path, outline: Path, from_format: str | None, window: float, min_pause: float,
            as_json: bool, output: Path | None, in_place: bool,
            clock_start: int | None) -> None:
    from podcast_tool import pipeline
    from podcast_tool.errors import ValidationFailed

    if output is not None and in_place:
        raise UsageError(_("use either -o FILE or --in-place, not both"))
    if output is not None and output.exists() and output.resolve() == outline.resolve():
        raise UsageError(_("-o names the outline itself; use --in-place to overwrite it"),
                         path=output)
    try:
        result = pipeline.snap(audio, outline, pipeline.snap_options(window, min_pause),
                               from_format=from_format, target=outline if in_place else output,
                               clock_start_ms=clock_start)
    except ValidationFailed as error:
        print_diagnostics(error.diagnostics)
        raise
    report, target, diagnostics = result.report, result.written, result.diagnostics
    if as_json:
        print_json({"audio": str(audio), "outline": str(outline),
                    "written": str(target) if target is not None else None,
                    "snap": report.to_dict(),
                    "chapters": episode_to_dict(result.snapped)["chapters"],
                    "diagnostics": [d.to_dict() for d in diagnostics]})
        return
    print_diagnostics(diagnostics)
    console = stdout_console()
    console.print(snap_table(report))
    console.print(snap_summary(report))
    if target is not None:
        console.print(_("wrote the corrected outline to {target}").format(target=shown(str(target))))

"""podcast-tool tag AUDIO CHAPTERS [--id3v2 3|4|keep] [--gap-title TEXT] [--dry-run]
[--to m4a|mp3 -o OUT] [--snap [--window S] [--min-pause S]]"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from podcast_tool.cli.common import (
    clock_start_option,
    force_option,
    handles_errors,
    import_meanwhile,
    print_diagnostics,
    shown,
    stderr_console,
    stdout_console,
)
from podcast_tool.cli.localized import Command
from podcast_tool.cli.tables import chapter_table, snap_summary, snap_table
from podcast_tool.errors import UsageError
from podcast_tool.i18n import N_, _, ngettext

if TYPE_CHECKING:
    from podcast_tool.pipeline import ConversionPlan


@click.command("tag", cls=Command,
               help=N_("Write the chapters of CHAPTERS (an outline or any chapter file) into AUDIO."))
@click.argument("audio", metavar=N_("AUDIO"), type=click.Path(path_type=Path, dir_okay=False))
@click.argument("chapters", metavar=N_("CHAPTERS"), type=click.Path(path_type=Path, dir_okay=False))
@click.option("--from", "from_format", metavar="FORMAT",
              help=N_("Chapter format of CHAPTERS (default: detected)."))
@click.option("--id3v2", "id3v2_version", type=click.Choice(["3", "4", "keep"]), default="3",
              show_default=True,
              help=N_("ID3v2 version for MP3 (2.3 is read most widely; keep: the file's own)."))
@click.option("--gap-title", default="Pause", show_default=True, metavar=N_("TEXT"),
              help=N_("MP4: title of a pause of 30 s or more between a chapter's written end "
                      "and the next start ('' leaves it in the chapter before)."))
@click.option("--dry-run", is_flag=True, help=N_("Validate and show the chapters; write nothing."))
@click.option("--to", "to", type=click.Choice(["m4a", "mp3"]),
              help=N_("Tag a copy of AUDIO in this container, written to -o OUT (raw AAC and MP3 "
                      "in WAV are copied without re-encoding; WAV, AIFF and others are "
                      "converted)."))
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False),
              help=N_("With --to: the new file (AUDIO itself is never replaced)."))
@click.option("--snap", is_flag=True,
              help=N_("Move each time to a real pause nearby in AUDIO before writing."))
@click.option("--window", type=click.FloatRange(min=0.5, max=600), metavar=N_("SECONDS"),
              help=N_("Search this many seconds on each side of every written time. With --snap. "
                      "[default: 10]"))
@click.option("--min-pause", type=click.FloatRange(min=0.05, max=60), metavar=N_("SECONDS"),
              help=N_("Shortest silence, in seconds, that counts as a pause (breaths are shorter). "
                      "With --snap. [default: 0.8]"))
@clock_start_option
@force_option
@handles_errors
def command(audio: Path, chapters: Path, from_format: str | None, id3v2_version: str,
            gap_title: str, dry_run: bool, to: str | None, output: Path | None, snap: bool,
            window: float | None, min_pause: float | None, clock_start: int | None) -> None:
    if not snap and (window is not None or min_pause is not None):
        raise UsageError(_("--window and --min-pause only apply with --snap"))
    if output is not None and to is None:
        raise UsageError(_("-o goes with --to (tag writes chapters into AUDIO itself otherwise)"))
    if to is None:
        _tag(audio, chapters, from_format, id3v2_version, gap_title, dry_run, snap, window,
             min_pause, clock_start)
        return
    if output is None:
        raise UsageError(_("--to needs -o OUT: the converted copy is a new file, the original "
                           "is never replaced"))
    from podcast_tool import pipeline

    plan = pipeline.plan_conversion(audio, output, to)
    stderr_console().print(f"{shown(plan.describe())}")
    if dry_run:
        stdout_console().print(_("dry run: {output} would be made, then tagged; nothing was "
                                 "written").format(output=shown(str(output))))
        sys.exit(0)
    _convert_with_progress(plan)
    with pipeline.tagging_the_copy(plan) as copy:
        _tag(copy, chapters, from_format, id3v2_version, gap_title, False, snap, window,
             min_pause, clock_start)


def _convert_with_progress(plan: ConversionPlan) -> None:
    """The conversion, with a progress bar on a terminal (and silence in a log)."""
    from podcast_tool import pipeline

    console = stderr_console()
    if not console.is_terminal:
        pipeline.convert(plan)
        return
    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

    converting = _("converting")
    with Progress(TextColumn(converting), BarColumn(), TextColumn("{task.percentage:>3.0f} %"),
                  TimeRemainingColumn(), console=console, transient=True) as progress:
        task = progress.add_task(converting, total=plan.duration_ms or None)
        pipeline.convert(plan, lambda done_ms: progress.update(task, completed=done_ms))


def _preflight_apps() -> None:
    from podcast_tool.preflight import all_apps

    all_apps()


def _tag(audio: Path, chapters: Path, from_format: str | None, id3v2_version: str,
         gap_title: str, dry_run: bool, snap: bool, window: float | None,
         min_pause: float | None, clock_start: int | None) -> None:
    from podcast_tool import pipeline
    from podcast_tool.errors import ValidationFailed

    options = pipeline.snap_options(window, min_pause) if snap else None

    try:
        result = pipeline.prepare(audio, chapters, from_format=from_format, snap_options=options,
                                  clock_start_ms=clock_start)
    except ValidationFailed as error:
        print_diagnostics(error.diagnostics)
        raise
    if result.snap_report is not None:
        stdout_console().print(snap_table(result.snap_report))
        stdout_console().print(snap_summary(result.snap_report))
    if dry_run:
        print_diagnostics(result.diagnostics)
        console = stdout_console()
        console.print(chapter_table(result.episode))
        count = len(result.episode.chapters)
        console.print(ngettext("dry run: {count} chapter would be written to {audio}; nothing was "
                               "written", "dry run: {count} chapters would be written to {audio}; "
                               "nothing was written", count).format(count=count,
                                                                      audio=shown(str(audio))))
        sys.exit(0)
    def say_waiting(target: Path) -> None:
        stderr_console().print(_("{target}: another podcast-tool process is writing this file; "
                                 "waiting for it to finish…").format(
                                   target=shown(str(target))))

    version = None if id3v2_version == "keep" else int(id3v2_version)
    import_meanwhile("rich.console", "rich.markup", "rich.table", "podcast_tool.preflight",
                     then=_preflight_apps)
    pipeline.write(result, pipeline.WriteOptions(id3v2_version=version, on_lock_wait=say_waiting,
                                                 gap_title=gap_title), preflight=True)
    print_diagnostics(result.diagnostics)
    # Built only now: rich, which it imports, was loading while the recording was written.
    console = stdout_console()
    console.print(chapter_table(result.episode))
    count = len(result.episode.chapters)
    console.print(ngettext("wrote {count} chapter to {audio}", "wrote {count} chapters to {audio}",
                           count).format(count=count, audio=shown(str(audio))))
    console.print(_("{summary} (details: podcast-tool preflight)").format(
        summary=shown(result.preflight or "")))

"""podcast-tool batch [ROOT] [--manifest FILE] [--snap] [--export FORMATS] [--gap-title TEXT]
[--jobs N] [--dry-run] [--force] [--allow-outside] [--json]"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click
from rich.table import Table

from podcast_tool.cli.common import (
    clock_start_option,
    handles_errors,
    print_diagnostics,
    print_error,
    print_json,
    shown,
    stdout_console,
)
from podcast_tool.cli.localized import Command
from podcast_tool.i18n import N_, _, clauses, decimal, ngettext

if TYPE_CHECKING:
    from rich.console import Console

    from podcast_tool.batch.report import BatchPlan, BatchReport, Job, RecordingResult, RunSettings

STATUS_STYLE = {"tagged": "green", "unchanged": "dim", "would-tag": "cyan", "busy": "yellow",
                "failed": "bold red", "unpaired": "yellow"}
#: What a recording's status and a sidecar's state are called on screen (--json keeps the values).
STATUS_TEXT = {"tagged": N_("tagged"), "unchanged": N_("unchanged"), "would-tag": N_("would-tag"),
               "busy": N_("busy"), "failed": N_("failed"), "written": N_("written"),
               "would-write": N_("would-write"), "unpaired": N_("unpaired")}


def status_text(value: str) -> str:
    return _(STATUS_TEXT[value]) if value in STATUS_TEXT else value


def default_jobs() -> int:
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


@click.command("batch", cls=Command,
               help=N_("Tag every recording under ROOT (default: this folder) from its outline.\n\nPairs "
                    "audio/NAME.mp3 (or .m4a .m4b .ogg .opus .flac) with chapters/NAME.md (or .txt, "
                    ".json, .vtt, .cue…). A manifest lists the pairs instead: a CSV file with the "
                    "columns audio,chapters and optionally snap,id3v2,from,export,clock_start,"
                    "gap_title, or a TOML file of "
                    "[[recording]] tables with the same keys; its relative paths are relative to the "
                    "manifest's folder, and its options override the command's for that "
                    "recording.\n\nRecordings whose chapters already match their outline are skipped "
                    "(--force rewrites them). Exit codes: 0 all tagged or unchanged, 1 a recording "
                    "failed, 2 usage error."))
@click.argument("root", metavar=N_("ROOT"), required=False, default=".",
                type=click.Path(path_type=Path, file_okay=False))
@click.option("--manifest", type=click.Path(path_type=Path, dir_okay=False),
              help=N_("CSV or TOML file listing the recordings and their chapter files."))
@click.option("--snap", is_flag=True, help=N_("Move chapter times to the real pauses first."))
@click.option("--export", "export", metavar="FORMATS",
              help=N_("Sidecar formats to write beside each recording, e.g. json,vtt,psc."))
@click.option("--from", "from_format", metavar="FORMAT",
              help=N_("Chapter format of the chapter files (default: detected per file)."))
@click.option("--id3v2", "id3v2_version", type=click.Choice(["3", "4", "keep"]), default="3",
              show_default=True, help=N_("ID3v2 version for MP3 (keep: the file's own)."))
@click.option("--gap-title", default="Pause", show_default=True, metavar=N_("TEXT"),
              help=N_("MP4: title of a pause of 30 s or more between a chapter's written end "
                      "and the next start ('' leaves it in the chapter before)."))
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
              help=N_("Recordings tagged at once (default: the number of cores)."))
@click.option("--dry-run", is_flag=True, help=N_("Validate and show what would change; write nothing."))
@click.option("--force", is_flag=True, help=N_("Rewrite recordings whose chapters already match."))
@click.option("--allow-outside", is_flag=True,
              help=N_("Tag files outside ROOT (manifest paths, symbolic links)."))
@click.option("--json", "as_json", is_flag=True, help=N_("Print a machine-readable report."))
@clock_start_option
@handles_errors
def command(root: Path, manifest: Path | None, snap: bool, export: str | None,
            from_format: str | None, id3v2_version: str, gap_title: str, jobs: int | None,
            dry_run: bool,
            force: bool, allow_outside: bool, as_json: bool,
            clock_start: int | None) -> None:
    from podcast_tool.batch.plan import parse_export, plan_folder, plan_manifest
    from podcast_tool.batch.report import RecordingOptions, RunSettings

    version = None if id3v2_version == "keep" else int(id3v2_version)
    options = RecordingOptions(snap=snap, id3v2_version=version, from_format=from_format,
                               export=parse_export(export or ""), clock_start_ms=clock_start,
                               gap_title=gap_title)
    if manifest is not None:
        plan = plan_manifest(manifest, root, options, allow_outside=allow_outside)
    else:
        plan = plan_folder(root, options, allow_outside=allow_outside)
    settings = RunSettings(dry_run=dry_run, force=force)
    workers = jobs or default_jobs()
    if as_json:
        from podcast_tool.batch.run import run_batch

        report = run_batch(plan, settings, workers=workers)
        print_json(report.to_dict())
        sys.exit(report.exit_code)
    print_diagnostics(plan.warnings)
    console = stdout_console()
    if not plan.jobs and not plan.rejected:
        console.print(_("no recording to tag under {root} (recordings go in audio/, their outlines "
                        "in chapters/, with the same name)").format(
                          root=shown(str(root))))
        sys.exit(0)
    if console.is_terminal:
        report = _run_with_progress(plan, settings, workers, console)
    else:
        report = _run_with_lines(plan, settings, workers)
    console.print(summary_table(report))
    for result in report.results:
        if result.preflight:
            console.print(_("{name}: {what}").format(name=shown(result.name), what=shown(result.preflight)))
    _print_problems(report)
    console.print(summary_line(report))
    sys.exit(report.exit_code)


def _run_with_lines(plan: BatchPlan, settings: RunSettings, workers: int) -> BatchReport:
    """Not a terminal (a log, a pipe, CI): one plain line per finished recording."""
    from podcast_tool.batch.run import run_batch

    total, done = len(plan.jobs) + len(plan.rejected), 0

    def on_done(result: RecordingResult) -> None:
        nonlocal done
        done += 1
        line = _("{status}: {name} ({note}, {seconds} s)").format(
            status=status_text(result.status.value), name=result.name, note=result_note(result),
            seconds=decimal(result.seconds))
        click.echo(f"[{done}/{total}] {line}")

    return run_batch(plan, settings, workers=workers, on_done=on_done)


def _run_with_progress(plan: BatchPlan, settings: RunSettings, workers: int,
                       console: Console) -> BatchReport:
    """On a terminal: an overall bar, and below it the recordings being tagged right now."""
    from rich.console import Group
    from rich.live import Live
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        SpinnerColumn,
        TaskID,
        TextColumn,
        TimeElapsedColumn,
    )

    from podcast_tool.batch.run import run_batch

    overall = Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
                       TimeElapsedColumn(), console=console)
    current = Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(),
                       console=console)
    overall_task = overall.add_task(_("dry run") if settings.dry_run else _("tagging"),
                                    total=len(plan.jobs) + len(plan.rejected))
    tasks: dict[Path, TaskID] = {}

    def on_start(job: Job) -> None:
        tasks[job.audio] = current.add_task(shown(job.name))

    def on_done(result: RecordingResult) -> None:
        if result.audio in tasks:  # refused recordings never started
            current.remove_task(tasks.pop(result.audio))
        overall.advance(overall_task)
        style = STATUS_STYLE[result.status.value]
        status = status_text(result.status.value)
        console.print(f"[{style}]{status}[/] {shown(result.name)}")

    with Live(Group(overall, current), console=console, refresh_per_second=8):
        return run_batch(plan, settings, workers=workers, on_start=on_start, on_done=on_done)


def result_note(result: RecordingResult) -> str:
    """One short phrase: the error, or what changed and which sidecars were written."""
    if result.error is not None:
        return result.error.message
    parts = [result.change] if result.change else []
    for sidecar in result.sidecars:
        if sidecar.state.value != "unchanged":
            parts.append(f"{sidecar.path.name} {status_text(sidecar.state.value)}")
    return clauses(parts)


def summary_table(report: BatchReport) -> Table:
    table = Table(title=_("dry run: nothing was written") if report.dry_run else None,
                  title_justify="left")
    table.add_column(_("file"), overflow="fold")
    table.add_column(_("chapters"), justify="right")
    table.add_column(_("status"))
    table.add_column(_("warnings"), justify="right")
    table.add_column(_("time"), justify="right")
    table.add_column(_("note"))
    for result in report.results + report.unpaired:
        style = STATUS_STYLE[result.status.value]
        table.add_row(
            shown(result.name),
            "—" if result.chapter_count is None else str(result.chapter_count),
            f"[{style}]{status_text(result.status.value)}[/]",
            str(result.warning_count) if result.warning_count else "",
            f"{decimal(result.seconds)} s" if result.seconds else "",
            shown(result_note(result)),
        )
    return table


def _print_problems(report: BatchReport) -> None:
    """Each failure and warning in full, compiler style, on stderr."""
    for result in report.results:
        print_diagnostics(result.diagnostics, show_info=False)
        if result.error is not None:
            print_error(result.error)


def summary_line(report: BatchReport) -> str:
    counts = {status: count for status, count in report.counts().items() if count}
    total = len(report.results)
    parts = ", ".join(f"{count} {status_text(status)}" for status, count in counts.items())
    line = ngettext("{count} recording: {parts} in {seconds} s",
                    "{count} recordings: {parts} in {seconds} s", total).format(
        count=total, parts=parts, seconds=decimal(report.seconds))
    if report.unpaired:
        line += ngettext("; {count} file unpaired", "; {count} files unpaired",
                         len(report.unpaired)).format(count=len(report.unpaired))
    if report.dry_run:
        line = _("{summary} (dry run: nothing was written)").format(summary=line)
    return line

"""podcast-tool snap AUDIO OUTLINE [--window S] [--min-pause S] [--json] [-o FILE | --in-place]"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click
from rich.table import Table

from podcast_tool.cli.common import handles_errors, print_diagnostics, print_json, shown, stdout_console
from podcast_tool.errors import UsageError

if TYPE_CHECKING:
    from podcast_tool.model import Diagnostic, Episode
    from podcast_tool.snap.placement import SnapOptions, SnapReport

WINDOW_HELP = "Search this many seconds on each side of every written time."
MIN_PAUSE_HELP = "Shortest silence, in seconds, that counts as a pause (breaths are shorter)."
STATUS_TEXT = {"no-pause": "kept: no pause", "flat": "kept: no speech", "edge": "edge",
               "past-end": "kept: past the end", "no-room": "kept: no room"}
CONFIDENCE_STYLE = {"high": "green", "medium": "yellow", "low": "red"}


def snap_options(window: float | None, min_pause: float | None) -> SnapOptions:
    from podcast_tool.snap.placement import DEFAULT_MIN_PAUSE_MS, DEFAULT_WINDOW_MS, SnapOptions

    return SnapOptions(
        window_ms=DEFAULT_WINDOW_MS if window is None else round(window * 1000),
        min_pause_ms=DEFAULT_MIN_PAUSE_MS if min_pause is None else round(min_pause * 1000))


def _seconds(ms: int, signed: bool = False) -> str:
    text = f"{ms / 1000:+.1f} s" if signed else f"{ms / 1000:.1f} s"
    return text.replace("-", "−")


def snap_table(report: SnapReport) -> Table:
    """Written time → snapped time, shift, pause length and confidence, one row per boundary."""
    from podcast_tool.outline.timecodes import format_clock

    options = report.options
    table = Table(title=f"Snapping to pauses (±{options.window_ms / 1000:g} s, "
                        f"pauses of {options.min_pause_ms / 1000:g} s or more)",
                  title_justify="left")
    table.add_column("#", justify="right", style="dim")
    table.add_column("chapter")
    table.add_column("written", justify="right")
    table.add_column("snapped", justify="right")
    table.add_column("shift", justify="right")
    table.add_column("pause", justify="right")
    table.add_column("confidence")
    for row in report.rows:
        numbers = ",".join(map(str, row.chapters))
        if row.status == "moved":
            label = row.confidence_label
            confidence = f"[{CONFIDENCE_STYLE[label]}]{row.confidence:.2f} {label}[/]"
            snapped = f"[bold]{format_clock(row.snapped_ms)}[/]"
            shift = _seconds(row.shift_ms, signed=True)
        else:
            confidence = f"[dim]{STATUS_TEXT.get(row.status, row.status)}[/]"
            snapped = f"[dim]{format_clock(row.snapped_ms)}[/]"
            shift = "[dim]—[/]"
        pause = _seconds(row.pause_ms) if row.pause_ms is not None else "—"
        table.add_row(numbers, shown(row.title), format_clock(row.written_ms), snapped, shift, pause,
                      confidence)
    return table


def summary(report: SnapReport) -> str:
    kept = sum(row.status not in ("moved", "edge") for row in report.rows)
    text = f"moved {report.moved} of {len(report.rows)} boundaries"
    return text + (f"; kept {kept} at the written time" if kept else "")


@click.command("snap")
@click.argument("audio", type=click.Path(path_type=Path, dir_okay=False))
@click.argument("outline", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--from", "from_format", metavar="FORMAT",
              help="Chapter format of OUTLINE (default: detected).")
@click.option("--window", type=click.FloatRange(min=0.5, max=600), default=10.0,
              show_default=True, metavar="SECONDS", help=WINDOW_HELP)
@click.option("--min-pause", type=click.FloatRange(min=0.05, max=60), default=0.8,
              show_default=True, metavar="SECONDS", help=MIN_PAUSE_HELP)
@click.option("--json", "as_json", is_flag=True, help="Print the moves as JSON.")
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False),
              help="Write the corrected outline to FILE, in the notation of OUTLINE.")
@click.option("--in-place", is_flag=True, help="Overwrite OUTLINE with the corrected times.")
@handles_errors
def command(audio: Path, outline: Path, from_format: str | None, window: float, min_pause: float,
            as_json: bool, output: Path | None, in_place: bool) -> None:
    """Propose moving each time of OUTLINE to a real pause nearby in AUDIO.

    Nothing is written unless -o FILE or --in-place is given; AUDIO is never changed
    (use `tag --snap` to write snapped chapters into it).
    """
    from podcast_tool import containers
    from podcast_tool.errors import UnsupportedAudioError
    from podcast_tool.pipeline import load_chapters
    from podcast_tool.snap.placement import snap_episode

    if output is not None and in_place:
        raise UsageError("use either -o FILE or --in-place, not both")
    if output is not None and output.exists() and output.resolve() == outline.resolve():
        raise UsageError("-o names the outline itself; use --in-place to overwrite it",
                         path=output)
    target = outline if in_place else output
    options = snap_options(window, min_pause)
    episode, diagnostics = load_chapters(outline, from_format)
    if target is not None and from_format is None and containers.is_audio(outline):
        raise UsageError("OUTLINE is an audio file: there is no outline text to correct "
                         "(use `tag --snap` to snap an audio file's own chapters)", path=outline)
    try:
        episode.duration_ms = containers.audio_duration_ms(audio)
    except UnsupportedAudioError:
        # Snapping only needs ffmpeg to decode the file; a container we cannot chapter (WAV,
        # say) has no duration we read, and windows simply end where the audio ends.
        episode.duration_ms = None
    snapped, more, report = snap_episode(audio, episode, options)
    diagnostics += more
    if target is not None:
        diagnostics += write_corrected(outline, target, from_format, episode, snapped)
    if as_json:
        from podcast_tool.cli.tables import episode_to_dict

        print_json({"audio": str(audio), "outline": str(outline),
                    "written": str(target) if target is not None else None,
                    "snap": report.to_dict(),
                    "chapters": episode_to_dict(snapped, episode.duration_ms)["chapters"],
                    "diagnostics": [d.to_dict() for d in diagnostics]})
        return
    print_diagnostics(diagnostics)
    console = stdout_console()
    console.print(snap_table(report))
    console.print(summary(report))
    if target is not None:
        console.print(f"wrote the corrected outline to {shown(str(target))}")


def write_corrected(outline: Path, target: Path, from_format: str | None, original: Episode,
                    snapped: Episode) -> list[Diagnostic]:
    """Write ``snapped``'s times to ``target`` in OUTLINE's own notation, encoding, newlines."""
    from podcast_tool.formats import ExportOptions
    from podcast_tool.pipeline import decode_text, read_text, text_format

    raw = read_text(outline)  # again: the raw bytes tell the encoding, BOM and newlines to keep
    text, notes = decode_text(raw, outline)
    chapter_format = text_format(text, outline, from_format)
    diagnostics: list[Diagnostic] = []
    if chapter_format.name == "outline":
        from podcast_tool.outline.parser import retime_outline

        new_text = retime_outline(text, [(c.start_ms, c.end_ms) for c in snapped.chapters])
    else:
        new_text, diagnostics = chapter_format.dump(snapped, ExportOptions(
            notation=original.notation or "clock", duration_ms=original.duration_ms))
    if b"\r\n" in raw:
        new_text = new_text.replace("\n", "\r\n")
    encoding = "cp1252" if any(n.code == "encoding-cp1252" for n in notes) else "utf-8"
    try:
        data = new_text.encode(encoding)
    except UnicodeEncodeError:
        data = new_text.encode("utf-8")
    if raw.startswith(b"\xef\xbb\xbf") and encoding == "utf-8":
        data = b"\xef\xbb\xbf" + data
    from podcast_tool.safewrite import write_file

    write_file(target, data)
    return diagnostics

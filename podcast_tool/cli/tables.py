"""Rich tables shared by check, show, snap and tag."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.table import Table

from podcast_tool.cli.common import shown
from podcast_tool.model import Episode, effective_ends
from podcast_tool.outline.timecodes import format_clock, format_duration

if TYPE_CHECKING:
    from podcast_tool.snap.placement import SnapReport

STATUS_TEXT = {"no-pause": "kept: no pause", "flat": "kept: no speech", "edge": "edge",
               "past-end": "kept: past the end", "no-room": "kept: no room"}
CONFIDENCE_STYLE = {"high": "green", "medium": "yellow", "low": "red"}


def chapter_table(episode: Episode, duration_ms: int | None = None) -> Table:
    title = episode.title or (episode.source.name if episode.source else None)
    # Titles and file names are the user's text, never rich markup ("[/b]" would crash rich).
    table = Table(title=shown(title) if title else None, title_justify="left")
    table.add_column("#", justify="right", style="dim")
    table.add_column("start", justify="right")
    table.add_column("end", justify="right")
    table.add_column("duration", justify="right")
    table.add_column("title")
    ends = effective_ends(episode.chapters, duration_ms or episode.duration_ms)
    for index, (chapter, end) in enumerate(zip(episode.chapters, ends, strict=True), start=1):
        written_end = chapter.end_ms is not None
        end_text = format_clock(end) if end is not None else "—"
        if end is not None and not written_end:
            end_text = f"[dim]{end_text}[/]"
        # Out-of-order chapters (an error check reports) have no meaningful duration.
        ordered = end is not None and end >= chapter.start_ms
        length = format_duration(end - chapter.start_ms) if ordered else "—"
        title = shown(chapter.title)
        if chapter.description:
            title += f"\n[dim]{shown(chapter.description)}[/]"
        table.add_row(str(index), format_clock(chapter.start_ms), end_text, length, title)
    return table


def episode_to_dict(episode: Episode, duration_ms: int | None = None) -> dict[str, object]:
    ends = effective_ends(episode.chapters, duration_ms or episode.duration_ms)
    return {
        "title": episode.title,
        "date": episode.date.isoformat() if episode.date else None,
        "source": str(episode.source) if episode.source else None,
        "duration_ms": duration_ms or episode.duration_ms,
        "chapters": [
            {
                "start_ms": chapter.start_ms,
                "end_ms": chapter.end_ms,
                "effective_end_ms": end,
                "title": chapter.title,
                "description": chapter.description or None,
                "url": chapter.url,
                "image": chapter.image,
                "line": chapter.line,
            }
            for chapter, end in zip(episode.chapters, ends, strict=True)
        ],
    }


def _seconds(ms: int, signed: bool = False) -> str:
    text = f"{ms / 1000:+.1f} s" if signed else f"{ms / 1000:.1f} s"
    return text.replace("-", "−")


def snap_table(report: SnapReport) -> Table:
    """Written time → snapped time, shift, pause length and confidence, one row per boundary."""
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


def snap_summary(report: SnapReport) -> str:
    kept = sum(row.status not in ("moved", "edge") for row in report.rows)
    text = f"moved {report.moved} of {len(report.rows)} boundaries"
    return text + (f"; kept {kept} at the written time" if kept else "")

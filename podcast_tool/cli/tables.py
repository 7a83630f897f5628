"""Rich tables shared by check, show, snap and tag."""

from __future__ import annotations

from typing import TYPE_CHECKING

from podcast_tool.cli.common import shown
from podcast_tool.i18n import N_, _, decimal, ngettext, number
from podcast_tool.model import Episode, effective_ends
from podcast_tool.outline.timecodes import format_clock, format_duration

if TYPE_CHECKING:
    from rich.table import Table

    from podcast_tool.snap.placement import SnapReport

STATUS_TEXT = {"no-pause": N_("kept: no pause"), "flat": N_("kept: no speech"), "edge": N_("edge"),
               "past-end": N_("kept: past the end"), "no-room": N_("kept: no room")}
CONFIDENCE_STYLE = {"high": "green", "medium": "yellow", "low": "red"}
CONFIDENCE_LABEL = {"high": N_("high"), "medium": N_("medium"), "low": N_("low")}


#: Rows a chapter table shows at most: the first ones and the last ones, the rest summarised.
MAX_TABLE_ROWS = 200
TAIL_ROWS = 20
#: Characters of a title (or description) a table shows; the rest is cut, never lost.
MAX_TITLE_CHARACTERS = 200


def cut(text: str, limit: int = MAX_TITLE_CHARACTERS) -> str:
    """``text`` to at most ``limit`` characters, an ellipsis marking a cut (a table's cell:
    laying out a megabyte of text costs rich quadratic time)."""
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _shown_rows(count: int) -> tuple[range, range]:
    """Indexes of the rows a table shows: all, or the first ones and the last ones."""
    if count <= MAX_TABLE_ROWS:
        return range(count), range(0)
    return range(MAX_TABLE_ROWS - TAIL_ROWS), range(count - TAIL_ROWS, count)


def chapter_table(episode: Episode) -> Table:
    from rich.table import Table

    title = episode.title or (episode.source.name if episode.source else None)
    # Titles and file names are the user's text, never rich markup ("[/b]" would crash rich).
    table = Table(title=shown(cut(title)) if title else None, title_justify="left")
    table.add_column("#", justify="right", style="dim")
    table.add_column(_("start"), justify="right")
    table.add_column(_("end"), justify="right")
    table.add_column(_("duration"), justify="right")
    table.add_column(_("title"))
    ends = effective_ends(episode.chapters, episode.duration_ms)
    head, tail = _shown_rows(len(episode.chapters))
    for position in [*head, *tail]:
        if tail and position == tail.start:
            left_out = tail.start - head.stop
            table.add_row("…", "", "", "", "[dim]" + _(
                "… {count} more chapters not shown (--json lists them all)").format(
                    count=f"{left_out:,}") + "[/]")
        chapter, end, index = episode.chapters[position], ends[position], position + 1
        written_end = chapter.end_ms is not None
        end_text = format_clock(end) if end is not None else "—"
        if end is not None and not written_end:
            end_text = f"[dim]{end_text}[/]"
        # Out-of-order chapters (an error check reports) have no meaningful duration.
        ordered = end is not None and end >= chapter.start_ms
        length = format_duration(end - chapter.start_ms) if ordered else "—"
        title = shown(cut(chapter.title))
        if chapter.description:
            title += f"\n[dim]{shown(cut(chapter.description))}[/]"
        table.add_row(str(index), format_clock(chapter.start_ms), end_text, length, title)
    return table


def episode_to_dict(episode: Episode) -> dict[str, object]:
    ends = effective_ends(episode.chapters, episode.duration_ms)
    return {
        "title": episode.title,
        "date": episode.date.isoformat() if episode.date else None,
        "source": str(episode.source) if episode.source else None,
        "duration_ms": episode.duration_ms,
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
    text = decimal(ms / 1000, 1)
    if signed and ms >= 0:
        text = "+" + text
    return f"{text} s".replace("-", "−")


def snap_table(report: SnapReport) -> Table:
    """Written time → snapped time, shift, pause length and confidence, one row per boundary."""
    from rich.table import Table

    options = report.options
    title = _("Snapping to pauses (±{window} s, pauses of {pause} s or more)").format(
        window=number(options.window_ms / 1000), pause=number(options.min_pause_ms / 1000))
    table = Table(title=title, title_justify="left")
    table.add_column("#", justify="right", style="dim")
    table.add_column(_("chapter"))
    table.add_column(_("written"), justify="right")
    table.add_column(_("snapped"), justify="right")
    table.add_column(_("shift"), justify="right")
    table.add_column(_("pause"), justify="right")
    table.add_column(_("confidence"))
    for row in report.rows:
        numbers = ",".join(map(str, row.chapters))
        if row.status == "moved":
            label = row.confidence_label
            shown_label = _(CONFIDENCE_LABEL[label])
            confidence = (f"[{CONFIDENCE_STYLE[label]}]{decimal(row.confidence, 2)} "
                          f"{shown_label}[/]")
            snapped = f"[bold]{format_clock(row.snapped_ms)}[/]"
            shift = _seconds(row.shift_ms, signed=True)
        else:
            status = _(STATUS_TEXT[row.status]) if row.status in STATUS_TEXT else row.status
            confidence = f"[dim]{status}[/]"
            snapped = f"[dim]{format_clock(row.snapped_ms)}[/]"
            shift = "[dim]—[/]"
        pause = _seconds(row.pause_ms) if row.pause_ms is not None else "—"
        table.add_row(numbers, shown(row.title), format_clock(row.written_ms), snapped, shift, pause,
                      confidence)
    return table


def snap_summary(report: SnapReport) -> str:
    kept = sum(row.status not in ("moved", "edge") for row in report.rows)
    total = len(report.rows)
    moved = ngettext("moved {moved} of {count} boundary", "moved {moved} of {count} boundaries",
                     total).format(moved=report.moved, count=total)
    if not kept:
        return moved
    return _("{moved}; kept {kept} at the written time").format(moved=moved, kept=kept)

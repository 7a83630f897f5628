"""Rich tables shared by check, show and tag."""

from __future__ import annotations

from rich.table import Table

from podcast_tool.cli.common import shown
from podcast_tool.model import Episode, effective_ends
from podcast_tool.outline.timecodes import format_clock, format_duration


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

"""The outline itself as a format: read any timestamped text, write a plain outline.

Writing gives one line per chapter, ``START[ à END] **Title** *Description*``, optional link and
image, then the notes; reading it back with ``parse_outline`` gives the same chapters.
"""

from __future__ import annotations

from pathlib import Path

from podcast_tool.formats import ExportOptions
from podcast_tool.model import Chapter, Diagnostic, Episode, Severity
from podcast_tool.outline import escape_note_line, parse_outline
from podcast_tool.outline_text import escape_markdown, french_date
from podcast_tool.timecodes import format_time


def _title_markdown(chapter: Chapter) -> str:
    title = escape_markdown(_one_line(chapter.title))
    if chapter.url:
        title = f"[{title}]({chapter.url})"
    text = f"**{title}**" if title or chapter.description else ""
    if chapter.description:
        text += f" *{escape_markdown(_one_line(chapter.description))}*"
    if chapter.image:
        text += f" ![]({chapter.image})"
    return text


def _one_line(text: str) -> str:
    return " ".join(text.split())


class OutlineFormat:
    name = "outline"
    label = "Outline (text/Markdown with times)"
    extensions = (".md", ".txt", ".markdown")
    keeps = frozenset({"end", "description", "url", "image"})

    def sniff(self, text: str) -> bool:
        # The fallback: it reads any text, so it never claims one by content.
        return False

    def load(self, text: str, source: Path | None = None) -> tuple[Episode, list[Diagnostic]]:
        return parse_outline(text, source)

    def dump(self, episode: Episode, options: ExportOptions) -> tuple[str, list[Diagnostic]]:
        notation = options.notation if options.notation in ("fr", "clock") else "clock"
        joiner = " à " if notation == "fr" else " - "
        lines: list[str] = []
        if episode.title or episode.date:
            heading = escape_markdown(_one_line(episode.title or ""))
            if episode.date:
                heading = f"{heading} — {french_date(episode.date)}".strip(" —")
            lines += [escape_note_line(f"# {heading}"), ""]
        chapters = list(episode.chapters)
        if options.add_zero_chapter and chapters and chapters[0].start_ms > 0:
            chapters.insert(0, Chapter(start_ms=0, title=""))
        for chapter in chapters:
            times = format_time(chapter.start_ms, notation)
            if chapter.end_ms is not None:
                times += joiner + format_time(chapter.end_ms, notation)
            lines.append(f"{times} {_title_markdown(chapter)}".rstrip())
            if chapter.notes.strip():
                lines += ["", *(escape_note_line(line) for line in chapter.notes.strip("\n").split("\n"))]
            lines.append("")
        text = "\n".join(lines)
        return text, _changes(chapters, parse_outline(text)[0].chapters)


def _changes(written: list[Chapter], read: list[Chapter]) -> list[Diagnostic]:
    """Warn where reading the outline back would not give the chapter as it was."""
    diagnostics = []
    for number, (before, after) in enumerate(zip(written, read, strict=False), start=1):
        kept = ("start_ms", "end_ms", "title", "description", "url", "image", "notes")
        changed = [name for name in kept if getattr(before, name) != getattr(after, name)
                   and not (name == "notes" and before.notes.strip() == after.notes)]
        if changed:
            diagnostics.append(Diagnostic(
                Severity.WARNING, "outline-simplified",
                f"chapter {number} ({_one_line(before.title)[:40]!r}): its {', '.join(changed)} "
                "will read back simplified (line breaks, tabs, control characters, repeated spaces "
                "or Markdown are not kept as they were)", hint="check the outline reads as you want"))
    if len(read) != len(written):
        diagnostics.append(Diagnostic(
            Severity.WARNING, "outline-simplified",
            f"the outline reads back as {len(read)} chapters, not {len(written)}"))
    return diagnostics


FORMAT = OutlineFormat()

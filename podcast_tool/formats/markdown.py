"""Markdown show notes: the episode as a list of chapters, with descriptions, links, images and notes.

One list item per chapter, in the chosen notation (``fr``: ``1'03''37``, ``clock``: ``1:03:37``)::

    # Travail Pair : Passons à l'action ! — 18 décembre 2020

    - 0'20 **Mot d'accueil de Daniel Delaveau**
    - 7'00 à 14'10 **[Introduction du sujet](https://…)** *Définitions…* ![](intro.jpg)

    notes of the chapter, as written in the outline

It is an outline the outline parser reads back to the same chapters (rules in
podcast_tool/outline.py): the time starts the line, ``**title**`` then
``*description*``; the chapter's link wraps the title, its image follows; a
note line that would start with a time has it escaped with a backslash.
Markdown keeps neither line breaks, tabs nor runs of spaces in a title: they
are written as one space and the export warns about each chapter that reads
back different. Reading is the outline parser's.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from podcast_tool.errors import ChapterFormatError
from podcast_tool.formats import ExportOptions
from podcast_tool.formats.common import export_chapters
from podcast_tool.i18n import N_, _
from podcast_tool.model import Chapter, Diagnostic, Episode, Severity
from podcast_tool.outline.timecodes import format_time

RANGE_JOINERS = {"fr": " à ", "clock": " – "}
#: Link and image targets the outline parser reads: no spaces, no parentheses.
TARGET_RE = re.compile(r"[^()\s]+")
KEPT = ("start_ms", "end_ms", "title", "description", "url", "image", "toc", "notes")


def one_line(text: str) -> str:
    return " ".join(text.split())


class MarkdownFormat:
    """Writes chapters as Markdown lines the outline parser reads back.

    One class serves two formats: ``markdown`` (show notes, one list item per
    chapter) and ``outline`` (plain chapter lines, formats/outline.py).
    """

    def __init__(self, *, name: str, label: str, extensions: tuple[str, ...], bullet: str,
                 range_joiners: dict[str, str], notes_spacing: tuple[int, int]) -> None:
        self.name = name
        self.label = label
        self.extensions = extensions
        self.keeps = frozenset({"end", "description", "url", "image", "toc"})
        self.bullet = bullet
        self.range_joiners = range_joiners
        #: Blank lines before and after a chapter's notes.
        self.notes_spacing = notes_spacing

    def sniff(self, text: str) -> bool:
        return False  # any Markdown with times is an outline: the outline format reads it

    def load(self, text: str, source: Path | None = None) -> tuple[Episode, list[Diagnostic]]:
        from podcast_tool.outline.parser import parse_outline

        return parse_outline(text, source)

    def dump(self, episode: Episode, options: ExportOptions) -> tuple[str, list[Diagnostic]]:
        from podcast_tool.outline.parser import escape_note_line, keep_entities, parse_outline
        from podcast_tool.outline.text import escape_markdown, french_date

        notation = options.notation if options.notation in self.range_joiners else "clock"
        chapters = export_chapters(episode, options)
        lines: list[str] = []
        if episode.title or episode.date:
            heading = escape_markdown(one_line(episode.title or ""))
            if episode.date:
                heading = f"{heading} — {french_date(episode.date)}".strip(" —")
            lines += [escape_note_line(f"# {heading}"), ""]
        before_notes, after_notes = self.notes_spacing
        for chapter in chapters:
            times = format_time(chapter.start_ms, notation)
            if chapter.end_ms is not None:
                times += self.range_joiners[notation] + format_time(chapter.end_ms, notation)
            line = f"{self.bullet}{times} {self._line(chapter, episode.source, escape_markdown)}"
            lines.append(line.rstrip())
            if chapter.notes.strip():
                notes = chapter.notes.strip("\n").split("\n")
                lines += [""] * before_notes + [escape_note_line(n) for n in notes]
                lines += [""] * after_notes
            elif not self.bullet:
                lines.append("")
        text = "\n".join(keep_entities(line) for line in lines).rstrip("\n") + "\n"
        read_back = parse_outline(text, episode.source)[0].chapters
        return text, self._changes(chapters, read_back, episode.source)

    def _line(self, chapter: Chapter, source: Path | None,
              escape_markdown: Callable[[str], str]) -> str:
        for what, target in (("link", chapter.url), ("image", chapter.image)):
            if target and not TARGET_RE.fullmatch(target):
                raise ChapterFormatError(
                    _('Markdown links cannot hold spaces or parentheses: the {what} of "{title}" '
                      "is {target!r}").format(
                        what=what, title=chapter.title, target=target), path=source, line=chapter.line,
                    hint=_("percent-encode them (%20, %28, %29) or rename the file"))
        title = escape_markdown(one_line(chapter.title))
        if chapter.url:
            title = f"[{title}]({chapter.url})"
        text = f"**{title}**" if title or chapter.description else ""
        if chapter.description:
            text += f" *{escape_markdown(one_line(chapter.description))}*"
        if chapter.image:
            text += f" ![]({chapter.image})"
        if not chapter.toc:
            text += " {hidden}"
        return text

    def _changes(self, written: list[Chapter], read: list[Chapter],
                 source: Path | None) -> list[Diagnostic]:
        """Warn where reading the text back would not give the chapter as it was."""
        file = str(source) if source else None
        code = f"{self.name}-simplified"
        if len(read) != len(written):
            return [Diagnostic(Severity.WARNING, code,
                               _("the {name} reads back as {read_count} chapters, not "
                                 "{written_count}").format(
                                   name=self.name, read_count=len(read), written_count=len(written)),
                               file=file)]
        diagnostics = []
        for before, after in zip(written, read, strict=True):
            changed = [name for name in KEPT if getattr(before, name) != getattr(after, name)
                       and not (name == "notes" and before.notes.strip() == after.notes)]
            if changed:
                diagnostics.append(Diagnostic(
                    Severity.WARNING, code,
                    _('"{title}": its {fields} will read back simplified (Markdown keeps no line '
                      "break, tab or repeated space in a title)").format(
                        title=one_line(before.title)[:60], fields=", ".join(changed)),
                    file=file, line=before.line, hint=_("check the text reads as you want")))
        return diagnostics


FORMAT = MarkdownFormat(name="markdown", label=N_("Markdown show notes"), extensions=(".md", ".markdown"),
                        bullet="- ", range_joiners=RANGE_JOINERS, notes_spacing=(1, 1))

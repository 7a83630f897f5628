"""YouTube (and Spotify, Apple Podcasts) description timestamps: ``00:20 Title`` lines.

Times are whole seconds (``MM:SS``, ``H:MM:SS`` past an hour), rounded down so
a chapter never starts after its first word. The export checks YouTube's rules
(first chapter at 00:00, at least three chapters, each at least ten seconds) and
warns where they are broken; ``add_zero_chapter`` adds the 00:00 chapter, titled
``ExportOptions.zero_chapter_title``. Reading takes every line that starts with a
timestamp (after a list marker or bracket, before an optional ``-``/``–``/``|``
separator) and ignores the rest of the description.
"""

from __future__ import annotations

import re
from pathlib import Path

from podcast_tool.errors import ChapterFormatError
from podcast_tool.formats import ExportOptions
from podcast_tool.formats.common import check_start_order, check_text, export_chapters, export_ends
from podcast_tool.i18n import N_, _
from podcast_tool.model import Chapter, Diagnostic, Episode, Severity

MIN_CHAPTERS = 3
MIN_SECONDS = 10
SEPARATOR = r"[-–—|:]"
LINE_RE = re.compile(
    rf"\s*(?:[-*•]\s+)?[\[(]?(?:(\d+):)?(\d+):([0-5]\d)[\])]?(?:\s*{SEPARATOR}(?:\s+|$)|\s+|$)(.*)")


def format_seconds(seconds: int) -> str:
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes:02d}:{seconds:02d}"


class YouTubeFormat:
    name = "youtube"
    label = N_("YouTube description timestamps")
    extensions = (".txt",)
    keeps: frozenset[str] = frozenset()

    def sniff(self, text: str) -> bool:
        # Any text with a few timestamped lines looks like this; the outline parser reads
        # those just as well, so YouTube descriptions are chosen with --from youtube.
        return False

    def dump(self, episode: Episode, options: ExportOptions) -> tuple[str, list[Diagnostic]]:
        chapters = export_chapters(episode, options)
        starts = [chapter.start_ms // 1000 for chapter in chapters]
        check_start_order(chapters, starts, self.label, episode.source, "second")
        lines = []
        for chapter, seconds in zip(chapters, starts, strict=True):
            title = chapter.title.strip()
            check_text(title, "the title", self.label, chapter, episode.source)
            if re.match(rf"{SEPARATOR}(?:\s|$)", title):
                raise ChapterFormatError(
                    _("the title {title!r} would be read as a separator after the timestamp").format(
                        title=title),
                    path=episode.source, line=chapter.line, hint=_("reword the start of the title"))
            lines.append(f"{format_seconds(seconds)} {title}".rstrip())
        return "".join(line + "\n" for line in lines), self._rules(chapters, starts, episode, options)

    def _rules(self, chapters: list[Chapter], starts: list[int], episode: Episode,
               options: ExportOptions) -> list[Diagnostic]:
        file = str(episode.source) if episode.source else None
        found: list[Diagnostic] = []
        if starts and starts[0] != 0:
            found.append(Diagnostic(
                Severity.WARNING, "youtube-first-not-zero",
                _("YouTube shows chapters only if the first starts at 00:00 (it starts at "
                  "{start})").format(start=format_seconds(starts[0])), file=file,
                line=chapters[0].line,
                hint=_("--add-zero-chapter adds one at 00:00")))
        if len(chapters) < MIN_CHAPTERS:
            found.append(Diagnostic(
                Severity.WARNING, "youtube-too-few",
                _("YouTube shows chapters only when there are at least {min_chapters} (there are "
                  "{chapters_count})").format(
                    min_chapters=MIN_CHAPTERS, chapters_count=len(chapters)), file=file))
        ends = export_ends(chapters, episode, options)
        # YouTube chapters run from one timestamp to the next: gaps count in the chapter before.
        lengths = [following - seconds for seconds, following in zip(starts, starts[1:], strict=False)]
        if ends and ends[-1] is not None:
            lengths.append(ends[-1] // 1000 - starts[-1])
        for chapter, length in zip(chapters, lengths, strict=False):
            if length < MIN_SECONDS:
                found.append(Diagnostic(
                    Severity.WARNING, "youtube-too-short",
                    _('"{title}" lasts {length} s; YouTube needs at least {min_seconds} s per '
                      "chapter").format(
                        title=chapter.title, length=length, min_seconds=MIN_SECONDS),
                    file=file, line=chapter.line))
        return found

    def load(self, text: str, source: Path | None = None) -> tuple[Episode, list[Diagnostic]]:
        chapters = []
        for number, line in enumerate(text.removeprefix("\ufeff").split("\n"), start=1):
            match = LINE_RE.fullmatch(line)
            if match is None:
                continue  # description prose
            hours, minutes, seconds, title = match.groups()
            if hours is not None and int(minutes) > 59:
                continue
            start = ((int(hours or 0) * 60 + int(minutes)) * 60 + int(seconds)) * 1000
            chapters.append(Chapter(start_ms=start, title=title.strip(), line=number))
        if not chapters:
            raise ChapterFormatError(_("no line starting with a timestamp like 00:00 or 1:02:03"),
                                     path=source)
        chapters.sort(key=lambda c: c.start_ms)
        return Episode(chapters=chapters, source=source), []


FORMAT = YouTubeFormat()

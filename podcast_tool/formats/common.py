"""What the text chapter formats share: export preparation, title checks, strict time parsing.

Each format's own syntax lives in its module; here are the rules they have in
common, so that "a format that cannot hold a title fails clearly" means the same
thing everywhere.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from podcast_tool.characters import is_web_url, unsupported_characters
from podcast_tool.errors import ChapterFormatError
from podcast_tool.formats import ExportOptions
from podcast_tool.model import Chapter, Diagnostic, Episode, Severity, effective_ends
from podcast_tool.outline.timecodes import fraction_ms

#: ``HH:MM:SS.mmm`` or ``H:MM:SS`` (hours any width, fraction any length, ``.`` or ``,``).
HMS_RE = re.compile(r"(\d+):([0-5]\d):([0-5]\d)(?:[.,](\d+))?")


def export_chapters(episode: Episode, options: ExportOptions) -> list[Chapter]:
    """The chapters to write: the episode's, plus a chapter at 0 when asked and needed."""
    chapters = list(episode.chapters)
    if options.add_zero_chapter and chapters and chapters[0].start_ms > 0:
        chapters.insert(0, Chapter(start_ms=0, title=options.zero_chapter_title))
    return chapters


def export_ends(chapters: list[Chapter], episode: Episode, options: ExportOptions) -> list[int | None]:
    """Effective ends, the last one from the audio's duration when known."""
    duration = options.duration_ms if options.duration_ms is not None else episode.duration_ms
    return effective_ends(chapters, duration)


def required_ends(chapters: list[Chapter], episode: Episode, options: ExportOptions,
                  format_label: str) -> list[int]:
    """Effective ends for formats that must write one per chapter; a clear error if one is unknown."""
    ends = export_ends(chapters, episode, options)
    if chapters and ends[-1] is None:
        raise ChapterFormatError(
            f"{format_label} needs an end for every chapter, and the last one "
            f"(\"{chapters[-1].title}\") has none",
            path=episode.source, line=chapters[-1].line,
            hint="give the recording with --audio, or write the last chapter's end in the outline")
    return [end for end in ends if end is not None]


def check_text(text: str, what: str, format_label: str, chapter: Chapter | None,
               source: Path | None, *, allowed: str = "", forbidden: str = "") -> None:
    """Raise ChapterFormatError when ``text`` holds a character the format cannot keep."""
    bad = unsupported_characters(text, allowed) + [c for c in text if c in forbidden]
    if bad:
        names = ", ".join(dict.fromkeys(character_name(c) for c in bad))
        raise ChapterFormatError(
            f"{format_label} cannot hold the {names} in {what} {text!r}",
            path=source, line=chapter.line if chapter else None,
            hint="remove it from the outline, or export to a format that keeps it (JSON, Podlove)")


def character_name(character: str) -> str:
    names = {"\n": "line break", "\r": "carriage return", "\t": "tab", '"': "double quote"}
    if character in names:
        return names[character]
    return unicodedata.name(character, f"character U+{ord(character):04X}")


def check_start_order(chapters: list[Chapter], starts: list[int], format_label: str,
                      source: Path | None, unit: str) -> None:
    """After rounding to the format's precision, starts must still be strictly increasing."""
    for index in range(1, len(starts)):
        if starts[index] <= starts[index - 1]:
            first, second = chapters[index - 1], chapters[index]
            raise ChapterFormatError(
                f"{format_label} keeps times to the {unit}: \"{first.title}\" and "
                f"\"{second.title}\" would start at the same time",
                path=source, line=second.line,
                hint="move the chapters further apart, or export to a format that keeps milliseconds")


def parse_hms(text: str) -> int | None:
    """``HH:MM:SS[.fff]`` to milliseconds, or None if ``text`` is not exactly that."""
    match = HMS_RE.fullmatch(text)
    if match is None:
        return None
    hours, minutes, seconds, fraction = match.groups()
    return ((int(hours) * 60 + int(minutes)) * 60 + int(seconds)) * 1000 + fraction_ms(fraction)


def parse_seconds(text: str) -> int | None:
    """A decimal number of seconds (``12``, ``12.5``, ``12,500000``) to milliseconds, else None."""
    match = re.fullmatch(r"(\d+)(?:[.,](\d*))?", text)
    if match is None:
        return None
    return int(match.group(1)) * 1000 + fraction_ms(match.group(2))


def local_image_warnings(chapters: list[Chapter], format_label: str,
                         source: Path | None) -> list[Diagnostic]:
    """Feed formats reference images by URL: a local path there is a broken link for listeners."""
    file = str(source) if source else None
    return [
        Diagnostic(Severity.WARNING, "image-not-url",
                   f"{format_label}: the image of \"{chapter.title}\" is a local file "
                   f"({chapter.image}); podcast apps need a web address",
                   file=file, line=chapter.line,
                   hint="upload the image and give its https:// address in the outline")
        for chapter in chapters
        if chapter.image and not is_web_url(chapter.image)
    ]


def drop_implied_ends(chapters: list[Chapter]) -> None:
    """An end equal to the next start is what "no end" means: keep only the others as written."""
    for chapter, following in zip(chapters, chapters[1:], strict=False):
        if chapter.end_ms == following.start_ms:
            chapter.end_ms = None


def hidden_chapters_note(chapters: list[Chapter], holder: str, file: str | None) -> list[Diagnostic]:
    """An info note when hidden chapters (``toc: false``) go where nothing can hide them."""
    hidden = [c for c in chapters if not c.toc]
    if not hidden:
        return []
    return [Diagnostic(Severity.WARNING, "hidden-shown",
                       f"{len(hidden)} hidden chapter(s) (toc: false) written as normal chapters: "
                       f"{holder} has no hidden chapters", file=file,
                       hint="JSON chapters keep them hidden (export --format json)")]

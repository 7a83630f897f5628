"""Chapters as Vorbis comments: ``CHAPTERnnn``, ``…NAME`` and ``…URL``, both ways."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from podcast_tool.containers.vorbis import MAX_CHAPTERS, MAX_START_MS
from podcast_tool.errors import ChapterFormatError
from podcast_tool.i18n import _
from podcast_tool.model import Chapter
from podcast_tool.outline.timecodes import format_hms_ms, fraction_ms

#: Any chapter comment, whatever its case, digit count or suffix (NAME, URL…).
CHAPTER_KEY = re.compile(r"chapter(\d+)(.*)", re.IGNORECASE | re.DOTALL)
#: ``HH:MM:SS.mmm``; also tolerates one-digit hours and fields, and any fraction length.
CHAPTER_TIME = re.compile(r"\s*(\d+):([0-5]?\d):([0-5]?\d)(?:[.,](\d+))?\s*")


def chapter_key_number(key: str) -> int | None:
    """The chapter number of a ``CHAPTERnnn…`` comment key, else None."""
    match = CHAPTER_KEY.fullmatch(key)
    return int(match.group(1)) if match else None


def parse_chapter_time(text: str) -> int | None:
    """Milliseconds of ``HH:MM:SS.mmm`` (``.5`` is 500 ms), None if not a time."""
    match = CHAPTER_TIME.fullmatch(text)
    if not match:
        return None
    hours, minutes, seconds, fraction = match.groups()
    return ((int(hours) * 60 + int(minutes)) * 60 + int(seconds)) * 1000 + fraction_ms(fraction)


def chapter_comments(chapters: list[Chapter], path: Path) -> list[tuple[str, str]]:
    """The comments for ``chapters``, in order; a clear error if they do not fit the format."""
    if len(chapters) > MAX_CHAPTERS:
        raise ChapterFormatError(
            _("{chapters_count} chapters, but Vorbis comments number chapters with three digits "
              "(at most {max_chapters}); nothing was written").format(
                chapters_count=len(chapters), max_chapters=MAX_CHAPTERS),
            path=path, hint=_("merge some chapters"),
        )
    comments: list[tuple[str, str]] = []
    for number, chapter in enumerate(sorted(chapters, key=lambda c: c.start_ms)):
        if not 0 <= chapter.start_ms <= MAX_START_MS:
            raise ChapterFormatError(
                _("chapter {title!r} starts at {start_ms} ms, outside what Vorbis chapter comments "
                  "can hold (0 to 99:59:59.999); nothing was written").format(
                    title=chapter.title, start_ms=chapter.start_ms),
                path=path,
            )
        key = f"CHAPTER{number:03d}"
        comments.append((key, format_hms_ms(chapter.start_ms)))
        comments.append((key + "NAME", chapter.title))
        if chapter.url:
            comments.append((key + "URL", chapter.url))
    return comments


def chapters_from_comments(comments: Iterable[tuple[str, str]]) -> list[Chapter]:
    """Chapters from ``CHAPTERnnn``, ``…NAME`` and ``…URL`` comments, sorted by start."""
    starts: dict[int, int] = {}
    names: dict[int, str] = {}
    urls: dict[int, str] = {}
    for key, value in comments:
        match = CHAPTER_KEY.fullmatch(key)
        if not match:
            continue
        number, suffix = int(match.group(1)), match.group(2).upper()
        if suffix == "":
            start = parse_chapter_time(value)
            if start is not None:
                starts.setdefault(number, start)
        elif suffix == "NAME":
            names.setdefault(number, value)
        elif suffix == "URL":
            urls.setdefault(number, value)
    return [
        Chapter(start_ms=start, title=names.get(number, ""), url=urls.get(number) or None)
        for number, start in sorted(starts.items(), key=lambda item: (item[1], item[0]))
    ]

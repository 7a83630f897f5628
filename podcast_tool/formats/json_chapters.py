"""Podcasting 2.0 JSON chapters, version 1.2.0 (podcast namespace)."""

from __future__ import annotations

import json
import math
from pathlib import Path

from podcast_tool.errors import ChapterFormatError
from podcast_tool.formats import ExportOptions
from podcast_tool.model import Chapter, Diagnostic, Episode

VERSION = "1.2.0"


def seconds(ms: int) -> int | float:
    """Milliseconds as a JSON number of seconds: 20 rather than 20.0."""
    return ms // 1000 if ms % 1000 == 0 else ms / 1000


def to_ms(value: object, where: str, source: Path | None) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ChapterFormatError(f"{where} must be a number of seconds, not {value!r}", path=source)
    if value < 0:
        raise ChapterFormatError(f"{where} must not be negative ({value})", path=source)
    return round(value * 1000)


class JsonChaptersFormat:
    name = "json"
    label = "Podcasting 2.0 JSON chapters"
    extensions = (".json",)
    keeps = frozenset({"end", "url", "image", "toc"})

    def sniff(self, text: str) -> bool:
        stripped = text.lstrip("\ufeff \t\r\n")
        return stripped.startswith("{") and '"chapters"' in text

    def dump(self, episode: Episode, options: ExportOptions) -> tuple[str, list[Diagnostic]]:
        chapters = list(episode.chapters)
        if options.add_zero_chapter and chapters and chapters[0].start_ms > 0:
            chapters.insert(0, Chapter(start_ms=0, title=""))
        document: dict[str, object] = {"version": VERSION}
        if episode.title:
            document["title"] = episode.title
        if options.audio_name:
            document["fileName"] = options.audio_name
        entries = []
        for chapter in chapters:
            entry: dict[str, object] = {"startTime": seconds(chapter.start_ms)}
            if chapter.title:
                entry["title"] = chapter.title
            if chapter.image:
                entry["img"] = chapter.image
            if chapter.url:
                entry["url"] = chapter.url
            if not chapter.toc:
                entry["toc"] = False
            if chapter.end_ms is not None:
                entry["endTime"] = seconds(chapter.end_ms)
            entries.append(entry)
        document["chapters"] = entries
        return json.dumps(document, ensure_ascii=False, indent=2) + "\n", []

    def load(self, text: str, source: Path | None = None) -> tuple[Episode, list[Diagnostic]]:
        try:
            document = json.loads(text)
        except json.JSONDecodeError as error:
            raise ChapterFormatError(f"invalid JSON: {error.msg}", path=source,
                                     line=error.lineno, column=error.colno) from None
        if not isinstance(document, dict) or not isinstance(document.get("chapters"), list):
            raise ChapterFormatError("not JSON chapters: no \"chapters\" array at the top level",
                                     path=source)
        chapters = []
        for index, entry in enumerate(document["chapters"]):
            where = f"chapters[{index}]"
            if not isinstance(entry, dict):
                raise ChapterFormatError(f"{where} must be an object", path=source)
            if "startTime" not in entry:
                raise ChapterFormatError(f"{where} has no startTime", path=source)
            title = entry.get("title", "")
            chapters.append(
                Chapter(
                    start_ms=to_ms(entry["startTime"], f"{where}.startTime", source),
                    end_ms=(to_ms(entry["endTime"], f"{where}.endTime", source)
                            if entry.get("endTime") is not None else None),
                    title=title if isinstance(title, str) else str(title),
                    url=entry.get("url") if isinstance(entry.get("url"), str) else None,
                    image=entry.get("img") if isinstance(entry.get("img"), str) else None,
                    toc=entry.get("toc", True) is not False,
                )
            )
        chapters.sort(key=lambda c: c.start_ms)
        title = document.get("title")
        episode = Episode(chapters=chapters, title=title if isinstance(title, str) else None,
                          source=source)
        return episode, []


FORMAT = JsonChaptersFormat()

"""Podcasting 2.0 JSON chapters, version 1.2.0 (podcast namespace).

Written: ``startTime``, ``title``, ``img``, ``url``, ``toc`` (only when false),
and ``endTime`` only where the source wrote an end (an outline's range, or the
ends stored in a tagged audio file): no end and no chapter is invented.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

from podcast_tool.errors import ChapterFormatError
from podcast_tool.formats import ExportOptions
from podcast_tool.formats.common import export_chapters, local_image_warnings
from podcast_tool.i18n import N_, _
from podcast_tool.model import Chapter, Diagnostic, Episode, Severity

VERSION = "1.2.0"


def seconds(ms: int) -> int | float:
    """Milliseconds as a JSON number of seconds: 20 rather than 20.0."""
    return ms // 1000 if ms % 1000 == 0 else ms / 1000


def to_ms(value: object, where: str, source: Path | None) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ChapterFormatError(_("{where} must be a number of seconds, not {value!r}").format(
                                     where=where, value=value), path=source)
    if value < 0:
        raise ChapterFormatError(_("{where} must not be negative ({value})").format(
                                     where=where, value=value), path=source)
    return round(value * 1000)


def optional_text(entry: dict[str, object], key: str, where: str, source: Path | None,
                  diagnostics: list[Diagnostic]) -> str | None:
    """A string field, or None; a field of the wrong type is dropped with a warning."""
    value = entry.get(key)
    if value is None or isinstance(value, str):
        return value or None
    diagnostics.append(Diagnostic(Severity.WARNING, "json-field-type",
                                  _("{where}.{key} is not a string ({value!r}); ignored").format(
                                      where=where, key=key, value=value),
                                  file=str(source) if source else None))
    return None


class JsonChaptersFormat:
    name = "json"
    label = N_("Podcasting 2.0 JSON chapters")
    extensions = (".json",)
    keeps = frozenset({"end", "url", "image", "toc"})

    def sniff(self, text: str) -> bool:
        stripped = text.lstrip("\ufeff \t\r\n")
        return stripped.startswith("{") and '"chapters"' in text

    def dump(self, episode: Episode, options: ExportOptions) -> tuple[str, list[Diagnostic]]:
        chapters = export_chapters(episode, options)
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
        diagnostics = local_image_warnings(chapters, self.label, episode.source)
        return json.dumps(document, ensure_ascii=False, indent=2) + "\n", diagnostics

    def load(self, text: str, source: Path | None = None) -> tuple[Episode, list[Diagnostic]]:
        try:
            document = json.loads(text)
        except json.JSONDecodeError as error:
            raise ChapterFormatError(_("invalid JSON: {msg}").format(msg=error.msg), path=source,
                                     line=error.lineno, column=error.colno) from None
        except RecursionError:
            raise ChapterFormatError(_("invalid JSON: nested too deeply"), path=source) from None
        if not isinstance(document, dict) or not isinstance(document.get("chapters"), list):
            raise ChapterFormatError(_('not JSON chapters: no "chapters" array at the top level'),
                                     path=source)
        diagnostics: list[Diagnostic] = []
        chapters = []
        for index, entry in enumerate(document["chapters"]):
            where = f"chapters[{index}]"
            if not isinstance(entry, dict):
                raise ChapterFormatError(_("{where} must be an object").format(where=where), path=source)
            if "startTime" not in entry:
                raise ChapterFormatError(_("{where} has no startTime").format(where=where), path=source)
            title = entry.get("title", "")
            chapters.append(
                Chapter(
                    start_ms=to_ms(entry["startTime"], f"{where}.startTime", source),
                    end_ms=(to_ms(entry["endTime"], f"{where}.endTime", source)
                            if entry.get("endTime") is not None else None),
                    title=title if isinstance(title, str) else str(title),
                    url=optional_text(entry, "url", where, source, diagnostics),
                    image=optional_text(entry, "img", where, source, diagnostics),
                    toc=entry.get("toc", True) is not False,
                )
            )
        # Sorted by startTime, as the specification requires of writers (and not all comply).
        chapters.sort(key=lambda c: c.start_ms)
        title = document.get("title")
        episode = Episode(chapters=chapters, title=title if isinstance(title, str) and title else None,
                          source=source)
        return episode, diagnostics


FORMAT = JsonChaptersFormat()

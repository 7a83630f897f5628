"""Chapter formats exchanged as text: a registry, like the containers'.

Each module defines ``FORMAT``, an object with the ``ChapterFormat`` shape.
``load`` returns the episode and any diagnostics (assumptions made, lines
skipped); malformed input raises ``ChapterFormatError`` with line and column.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from podcast_tool.errors import UsageError
from podcast_tool.i18n import _
from podcast_tool.model import Diagnostic, Episode

#: What a format can keep, as shown by ``podcast-tool formats``.
FEATURES = ("end", "description", "url", "image", "toc")


@dataclass
class ExportOptions:
    #: Name of the audio file (CUE's FILE line, JSON's fileName).
    audio_name: str | None = None
    #: Time notation for formats that offer a choice: "fr" or "clock".
    notation: str = "clock"
    #: Insert a chapter at 0 when the first starts later (YouTube requires one).
    add_zero_chapter: bool = False
    #: Title of that inserted chapter.
    zero_chapter_title: str = "Introduction"
    #: Podlove: the bare ``<psc:chapters>`` element to paste into an RSS ``<item>``.
    snippet: bool = False


class ChapterFormat(Protocol):
    #: Name used by ``--format`` and ``--from``.
    name: str
    #: Human name shown by ``podcast-tool formats``.
    label: str
    #: Usual file extensions (with dot), the first being the default.
    extensions: tuple[str, ...]
    #: Subset of FEATURES this format keeps.
    keeps: frozenset[str]

    def sniff(self, text: str) -> bool:
        """True if ``text`` looks like this format (first bytes suffice)."""

    def load(self, text: str, source: Path | None = None) -> tuple[Episode, list[Diagnostic]]:
        """Parse ``text``; raise ChapterFormatError on malformed input."""

    def dump(self, episode: Episode, options: ExportOptions) -> tuple[str, list[Diagnostic]]:
        """Render the episode; diagnostics warn where the format loses or breaks something."""


#: Format modules, in the order they are listed and sniffed (outline last: it accepts anything).
_MODULES = (
    "json_chapters",
    "psc",
    "vtt",
    "cue",
    "ffmetadata",
    "audacity",
    "mp4chaps",
    "chapters_txt",
    "youtube",
    "markdown",
    "outline",
)


def all_formats() -> list[ChapterFormat]:
    found: list[ChapterFormat] = []
    for name in _MODULES:
        found.append(importlib.import_module(f"podcast_tool.formats.{name}").FORMAT)
    return found


def get_format(name: str) -> ChapterFormat:
    for chapter_format in all_formats():
        if chapter_format.name == name:
            return chapter_format
    names = ", ".join(f.name for f in all_formats())
    raise UsageError(_("unknown chapter format '{name}' (known: {names})").format(
                         name=name, names=names))


def guess_format(text: str, path: Path | None = None) -> ChapterFormat:
    """The format of ``text``: by content first, then by extension, else the outline parser."""
    for chapter_format in all_formats():
        if chapter_format.name != "outline" and chapter_format.sniff(text):
            return chapter_format
    if path is not None:
        # Only an extension one format alone claims decides: ".txt" is Audacity's, mp3chaps'…
        # and the outline's, and the outline reads any text.
        claimed = formats_claiming(path)
        if len(claimed) == 1:
            return claimed[0]
    return get_format("outline")


def formats_claiming(path: Path) -> list[ChapterFormat]:
    """The formats whose usual extensions include ``path``'s."""
    suffix = path.suffix.lower()
    return [f for f in all_formats() if suffix in f.extensions]


def format_for_output(output: Path | None) -> str:
    """The format to write ``output`` in: the one its extension names, else JSON."""
    if output is None:
        return "json"
    claimed = [f.name for f in formats_claiming(output) if f.name != "outline"]
    if len(claimed) == 1:
        return claimed[0]
    if not claimed:
        return "json"
    raise UsageError(_("several formats write {extension} files ({formats}); choose one with "
                       "--format").format(extension=output.suffix.lower(), formats=", ".join(claimed)))

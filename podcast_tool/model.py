"""The chapter model shared by every parser, container and format.

Times are integer milliseconds. A chapter's ``end_ms`` is what the source
*wrote*; ``None`` means "until the next chapter" (see ``effective_ends``).
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass, field, replace
from pathlib import Path


@dataclass
class Chapter:
    start_ms: int
    title: str
    end_ms: int | None = None
    description: str = ""
    notes: str = ""
    url: str | None = None
    #: Where the image comes from: a path (relative to the source file) or a URL.
    image: str | None = None
    #: Image bytes, when read from an audio file or loaded for writing.
    image_data: bytes | None = None
    image_mime: str | None = None
    #: False hides the chapter from tables of contents (Podcasting 2.0 ``toc``).
    toc: bool = True
    #: 1-based line in the source file, for diagnostics.
    line: int | None = None

    def with_times(self, start_ms: int, end_ms: int | None) -> Chapter:
        return replace(self, start_ms=start_ms, end_ms=end_ms)


@dataclass
class Episode:
    """Chapters plus what the source says about the episode itself."""

    chapters: list[Chapter] = field(default_factory=list)
    title: str | None = None
    date: dt.date | None = None
    #: The file the chapters came from (outline, sidecar or audio).
    source: Path | None = None
    #: Duration of the audio, when the source is (or names) an audio file.
    duration_ms: int | None = None
    #: Name of the time notation the source used ("fr", "clock", …), for writing back.
    notation: str | None = None
    #: What an outline says before its first chapter, minus its title line (Markdown).
    introduction: str = ""


def effective_ends(chapters: list[Chapter], duration_ms: int | None = None) -> list[int | None]:
    """Each chapter's end: written end, else next start, else the audio's end (else None)."""
    ends: list[int | None] = []
    for index, chapter in enumerate(chapters):
        if chapter.end_ms is not None:
            ends.append(chapter.end_ms)
        elif index + 1 < len(chapters):
            ends.append(chapters[index + 1].start_ms)
        else:
            ends.append(duration_ms)
    return ends


class Severity(enum.Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True)
class Diagnostic:
    severity: Severity
    code: str
    message: str
    file: str | None = None
    line: int | None = None
    hint: str | None = None

    def location(self) -> str:
        parts = [str(p) for p in (self.file, self.line) if p is not None]
        return ":".join(parts)

    def format(self) -> str:
        """Compiler style: ``FILE:LINE: warning: message``."""
        where = self.location()
        head = f"{where}: " if where else ""
        return f"{head}{self.severity.value}: {self.message}"

    def to_dict(self) -> dict[str, object]:
        return {
            "severity": self.severity.value,
            "code": self.code,
            "message": self.message,
            "file": self.file,
            "line": self.line,
            "hint": self.hint,
        }


def has_errors(diagnostics: list[Diagnostic]) -> bool:
    return any(d.severity is Severity.ERROR for d in diagnostics)

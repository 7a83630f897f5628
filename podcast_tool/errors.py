"""The exceptions podcast-tool raises on purpose.

Every error a user can cause is a ``PodcastToolError``: it carries the file (and
line, column where known) so the CLI can print ``FILE:LINE: message`` and exit
with ``exit_code`` instead of a traceback.
"""

from __future__ import annotations

from os import PathLike
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from podcast_tool.model import Diagnostic


class PodcastToolError(Exception):
    """A problem to report to the user, never a bug."""

    exit_code = 1

    def __init__(
        self,
        message: str,
        *,
        path: str | PathLike[str] | None = None,
        line: int | None = None,
        column: int | None = None,
        hint: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.path = str(path) if path is not None else None
        self.line = line
        self.column = column
        self.hint = hint

    def location(self) -> str:
        """``file:line:column`` with whatever parts are known, or ''."""
        parts = [p for p in (self.path, self.line, self.column) if p is not None]
        return ":".join(str(p) for p in parts)

    def __str__(self) -> str:
        where = self.location()
        return f"{where}: {self.message}" if where else self.message


class UsageError(PodcastToolError):
    """The command line itself is wrong (exit code 2)."""

    exit_code = 2


class OutlineError(PodcastToolError):
    """An outline cannot be read at all (not text, unreadable)."""


class ChapterFormatError(PodcastToolError):
    """A chapter sidecar (JSON, XML, CUE, labels…) is malformed, or cannot hold the chapters."""


class AudioFileError(PodcastToolError):
    """An audio file is missing, damaged, or of a kind we cannot handle."""


class UnsupportedAudioError(AudioFileError):
    """An audio container that cannot carry chapters (or that we do not know)."""

    def __init__(self, message: str, *, unsupported: object = None, **where: object) -> None:
        super().__init__(message, **where)  # type: ignore[arg-type]
        #: The recognised format (``containers.unsupported.UnsupportedFormat``), if any.
        self.unsupported = unsupported


class WriteError(PodcastToolError):
    """Writing failed; the original file is intact."""


class LockedError(WriteError):
    """Another process is writing the same file."""


class BusyError(WriteError):
    """Another program (a recorder, a copy) is still writing the file; it was left as it was."""


class ValidationFailed(PodcastToolError):
    """Validation found errors, so nothing was written."""

    def __init__(self, message: str, *, diagnostics: list[Diagnostic] | None = None,
                 path: str | PathLike[str] | None = None) -> None:
        super().__init__(message, path=path)
        #: Every diagnostic of the validation, errors and the rest, for the caller to print.
        self.diagnostics: list[Diagnostic] = list(diagnostics or [])

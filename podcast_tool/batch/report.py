"""Batch tagging: what a run is made of, and the report it gives back.

The work is split in three: ``batch_plan`` finds the recordings (folder pairs
or a manifest) and refuses the unsafe ones, ``batch_run`` tags them in
parallel, and this module holds the data both share plus the report. None of
it prints: the ``batch`` command shows progress and the summary.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from pathlib import Path

from podcast_tool.errors import PodcastToolError
from podcast_tool.model import Diagnostic, Severity

#: Seconds a batch waits for another process writing the same file before giving up on it.
BATCH_LOCK_WAIT_SECONDS = 2.0


class Status(enum.StrEnum):
    TAGGED = "tagged"
    UNCHANGED = "unchanged"
    WOULD_TAG = "would-tag"
    #: Another program is still writing the recording (a recorder, a copy): left as it was.
    BUSY = "busy"
    FAILED = "failed"
    #: An audio file without an outline, or an outline without audio: listed apart
    #: (``BatchReport.unpaired``), never counted as a recording.
    UNPAIRED = "unpaired"


class SidecarState(enum.StrEnum):
    WRITTEN = "written"
    UNCHANGED = "unchanged"
    WOULD_WRITE = "would-write"


@dataclass(frozen=True)
class RecordingOptions:
    """How to tag one recording: the command's options, overridden per manifest entry."""

    snap: bool = False
    #: None keeps the file's own version.
    id3v2_version: int | None = 3
    #: Chapter format of the chapters file (None: detected).
    from_format: str | None = None
    #: Sidecar formats to write beside the audio.
    export: tuple[str, ...] = ()
    #: The time of day the recording began, for outlines written in times of day.
    clock_start_ms: int | None = None
    #: MP4: title of a long pause after a written end ("": the pause stays in the chapter before).
    gap_title: str = "Pause"


@dataclass(frozen=True)
class Job:
    """One recording to tag (everything a worker process needs; picklable)."""

    #: What the report calls it: the audio path relative to ROOT where it can.
    name: str
    audio: Path
    chapters: Path
    options: RecordingOptions = RecordingOptions()
    #: Sidecar format name -> file to write (decided when planning, checked for collisions).
    sidecars: tuple[tuple[str, Path], ...] = ()
    #: An earlier run tagged this recording with --snap (see ``batch.state``).
    tagged_with_snap: bool = False
    #: The title an earlier run gave the recording's pauses (None: not remembered).
    tagged_gap_title: str | None = None


@dataclass(frozen=True)
class RunSettings:
    dry_run: bool = False
    force: bool = False
    lock_wait_seconds: float = BATCH_LOCK_WAIT_SECONDS


@dataclass
class ErrorInfo:
    message: str
    file: str | None = None
    line: int | None = None
    hint: str | None = None

    @classmethod
    def from_error(cls, error: PodcastToolError) -> ErrorInfo:
        return cls(message=error.message, file=error.path, line=error.line, hint=error.hint)

    def location(self) -> str:
        return ":".join(str(p) for p in (self.file, self.line) if p is not None)


@dataclass
class SidecarResult:
    format: str
    path: Path
    state: SidecarState


@dataclass
class RecordingResult:
    name: str
    #: None for an outline without a recording.
    audio: Path | None
    chapters: Path | None
    status: Status = Status.FAILED
    #: Chapters the outline gives (after snapping), when it could be read.
    chapter_count: int | None = None
    #: Chapters the audio file held before.
    previous_count: int | None = None
    #: What tagging changes (or would change), in a few words.
    change: str = ""
    error: ErrorInfo | None = None
    diagnostics: list[Diagnostic] = field(default_factory=list)
    sidecars: list[SidecarResult] = field(default_factory=list)
    seconds: float = 0.0
    #: How the recording on disk is now tagged (with --snap or not); None when not tagged.
    snapped: bool | None = None
    #: The title the recording's pauses now have, in a container that titles them (else None).
    gap_title: str | None = None
    #: The one-line preflight of the tagged file and its sidecars ("" when not tagged).
    preflight: str = ""

    @property
    def warning_count(self) -> int:
        return sum(d.severity is Severity.WARNING for d in self.diagnostics)

    def fail(self, error: PodcastToolError | ErrorInfo, status: Status = Status.FAILED) -> None:
        self.status = status
        self.error = error if isinstance(error, ErrorInfo) else ErrorInfo.from_error(error)

    def to_dict(self) -> dict[str, object]:
        return {
            "name": self.name,
            "audio": str(self.audio) if self.audio is not None else None,
            "chapters": str(self.chapters) if self.chapters is not None else None,
            "status": self.status.value,
            "chapter_count": self.chapter_count,
            "previous_chapter_count": self.previous_count,
            "change": self.change or None,
            "error": vars(self.error).copy() if self.error else None,
            "warnings": self.warning_count,
            "diagnostics": [d.to_dict() for d in self.diagnostics],
            "sidecars": [{"format": s.format, "path": str(s.path), "state": s.state.value}
                         for s in self.sidecars],
            "seconds": round(self.seconds, 3),
            "preflight": self.preflight or None,
        }


@dataclass
class BatchPlan:
    root: Path
    jobs: list[Job] = field(default_factory=list)
    #: Recordings refused while planning (ambiguous, unsafe): failed without running.
    rejected: list[RecordingResult] = field(default_factory=list)
    #: Audio without an outline, outlines without audio.
    warnings: list[Diagnostic] = field(default_factory=list)
    #: The same files, as rows of the summary and the report (status ``unpaired``).
    unpaired: list[RecordingResult] = field(default_factory=list)


@dataclass
class BatchReport:
    root: Path
    results: list[RecordingResult]
    warnings: list[Diagnostic]
    #: Files of the folder left alone: audio without an outline, outlines without audio.
    unpaired: list[RecordingResult] = field(default_factory=list)
    dry_run: bool = False
    force: bool = False
    seconds: float = 0.0

    def counts(self) -> dict[str, int]:
        return {status.value: sum(r.status is status for r in self.results) for status in Status
                if status is not Status.UNPAIRED}

    @property
    def failed(self) -> bool:
        return any(r.status is Status.FAILED for r in self.results)

    @property
    def exit_code(self) -> int:
        # A busy recording is not a failure, but it is not tagged either: run the batch again.
        return 1 if self.failed or any(r.status is Status.BUSY for r in self.results) else 0

    def to_dict(self) -> dict[str, object]:
        return {
            "root": str(self.root),
            "dry_run": self.dry_run,
            "force": self.force,
            "ok": not self.failed,
            "exit_code": self.exit_code,
            "counts": self.counts(),
            "warnings": [d.to_dict() for d in self.warnings],
            "recordings": [r.to_dict() for r in self.results],
            "unpaired": [r.to_dict() for r in self.unpaired],
            "seconds": round(self.seconds, 3),
        }


def display_path(path: Path, root: Path) -> str:
    """``path`` relative to ``root`` when it is inside, else as given."""
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)

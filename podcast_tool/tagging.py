"""The tag pipeline shared by ``tag`` and ``batch``: load, validate, (snap), write."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from podcast_tool import containers
from podcast_tool.containers import WriteOptions
from podcast_tool.errors import ValidationFailed
from podcast_tool.images import load_chapter_images
from podcast_tool.model import Diagnostic, Episode, Severity, has_errors
from podcast_tool.sources import load_chapters
from podcast_tool.validate import validate


@dataclass
class TagResult:
    audio: Path
    episode: Episode
    duration_ms: int
    diagnostics: list[Diagnostic] = field(default_factory=list)
    written: bool = False
    #: Snap report rows when snapping ran (see podcast_tool.snapping).
    snap_report: Any = None


def prepare(
    audio: str | Path,
    chapters_source: str | Path,
    *,
    from_format: str | None = None,
    snap_options: Any = None,
) -> TagResult:
    """Load and validate chapters against the audio; snap them when asked. Writes nothing.

    Raises ``ValidationFailed`` (carrying the diagnostics) when validation finds errors.
    """
    audio = Path(audio)
    duration = containers.audio_duration_ms(audio)  # also rejects what is not audio, first
    episode, diagnostics = load_chapters(chapters_source, from_format)
    # Local chapter images (relative to the chapter file) are embedded; web ones stay references.
    diagnostics += load_chapter_images(episode, Path(chapters_source).parent)
    episode.duration_ms = duration
    diagnostics += validate(episode, duration_ms=duration)
    result = TagResult(audio=audio, episode=episode, duration_ms=duration, diagnostics=diagnostics)
    if has_errors(diagnostics):
        errors = sum(d.severity is Severity.ERROR for d in diagnostics)
        raise ValidationFailed(f"{errors} error(s) in the chapters; nothing was written",
                               diagnostics=diagnostics, path=audio)
    if snap_options is not None:
        from podcast_tool.snapping import snap_episode

        result.episode, snap_diagnostics, result.snap_report = snap_episode(
            audio, episode, snap_options)
        result.diagnostics += snap_diagnostics
    return result


def write(result: TagResult, options: WriteOptions | None = None) -> TagResult:
    report = containers.write_chapters(result.audio, result.episode, options)
    result.diagnostics += report.diagnostics
    result.written = True
    return result

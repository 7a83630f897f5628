"""What every command calls: load chapters from any source, validate, snap, write.

Chapters come from whatever the user names: an outline, a sidecar, or an audio file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from podcast_tool import containers
from podcast_tool.containers import WriteOptions
from podcast_tool.errors import OutlineError, ValidationFailed
from podcast_tool.images import load_chapter_images
from podcast_tool.model import Diagnostic, Episode, Severity, has_errors
from podcast_tool.validate import validate

if TYPE_CHECKING:
    from podcast_tool.formats import ChapterFormat

#: Outlines larger than this are not human outlines; refuse rather than churn.
MAX_TEXT_BYTES = 64 * 1024 * 1024


def decode_text(data: bytes, source: Path | None = None) -> tuple[str, list[Diagnostic]]:
    """UTF-8 (with or without BOM), else Windows-1252 with an info diagnostic."""
    name = str(source) if source else None
    if b"\x00" in data[:8192]:
        raise OutlineError("this is a binary file, not a text outline", path=source)
    try:
        text = data.decode("utf-8-sig")
        diagnostics: list[Diagnostic] = []
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
        diagnostics = [Diagnostic(Severity.INFO, "encoding-cp1252",
                                  "the file is not UTF-8; read it as Windows-1252",
                                  file=name, line=None,
                                  hint="save the outline as UTF-8 to be sure of accented letters")]
    return text.replace("\r\n", "\n").replace("\r", "\n"), diagnostics


def read_text(path: Path) -> bytes:
    try:
        size = path.stat().st_size
        if size > MAX_TEXT_BYTES:
            raise OutlineError(f"too large for an outline ({size} bytes)", path=path)
        return path.read_bytes()
    except FileNotFoundError:
        raise OutlineError("no such file", path=path) from None
    except IsADirectoryError:
        raise OutlineError("is a folder, not a file", path=path) from None
    except OSError as error:
        raise OutlineError(f"cannot read ({error.strerror})", path=path) from error


def text_format(text: str, path: Path, from_format: str | None = None) -> ChapterFormat:
    """The format a chapter text is read (and written back) in: the one named, else detected."""
    from podcast_tool import formats

    return formats.get_format(from_format) if from_format else formats.guess_format(text, path)


def load_chapters(path: str | Path, from_format: str | None = None
                  ) -> tuple[Episode, list[Diagnostic]]:
    """Chapters from ``path``: an audio file's own, or a text file parsed by its format."""

    path = Path(path)
    if from_format is None and (containers.is_audio(path)
                                or path.suffix.lower() in containers.audio_extensions()):
        # An audio extension on a file we cannot recognise means damaged audio, not an
        # outline: reading it reports the audio error rather than "binary file".
        return containers.read_chapters(path), []
    data = read_text(path)
    text, diagnostics = decode_text(data, path)
    episode, more = text_format(text, path, from_format).load(text, path)
    episode.source = path
    return episode, diagnostics + more



@dataclass
class TagResult:
    audio: Path
    episode: Episode
    duration_ms: int
    diagnostics: list[Diagnostic] = field(default_factory=list)
    written: bool = False
    #: Snap report rows when snapping ran (see podcast_tool.snap.placement).
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
    capabilities = containers.detect(audio).capabilities
    episode, diagnostics = load_chapters(chapters_source, from_format)
    # Local chapter images (relative to the chapter file) are embedded; web ones stay references.
    diagnostics += load_chapter_images(episode, Path(chapters_source).parent)
    episode.duration_ms = duration
    diagnostics += validate(episode, duration_ms=duration, capabilities=capabilities)
    result = TagResult(audio=audio, episode=episode, duration_ms=duration, diagnostics=diagnostics)
    if has_errors(diagnostics):
        errors = sum(d.severity is Severity.ERROR for d in diagnostics)
        raise ValidationFailed(f"{errors} error(s) in the chapters; nothing was written",
                               diagnostics=diagnostics, path=audio)
    if snap_options is not None:
        from podcast_tool.snap.placement import snap_episode

        result.episode, snap_diagnostics, result.snap_report = snap_episode(
            audio, episode, snap_options)
        result.diagnostics += snap_diagnostics
    return result


def write(result: TagResult, options: WriteOptions | None = None) -> TagResult:
    report = containers.write_chapters(result.audio, result.episode, options)
    result.diagnostics += report.diagnostics
    result.written = True
    return result

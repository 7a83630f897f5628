"""Load chapters from whatever the user names: an outline, a sidecar, or an audio file."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from podcast_tool.errors import OutlineError
from podcast_tool.model import Diagnostic, Episode, Severity

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
    from podcast_tool import containers

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

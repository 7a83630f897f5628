"""Writing a published folder: only what changed, atomically, so re-runs are cheap and exact."""

from __future__ import annotations

import contextlib
import os
import shutil
from pathlib import Path
from urllib.parse import quote

from podcast_tool.errors import WriteError
from podcast_tool.i18n import _
from podcast_tool.safewrite import temp_name_for, write_file

#: Enclosure and ``<audio>`` types by extension (what web servers and podcast apps expect).
AUDIO_TYPES = {
    ".mp3": "audio/mpeg",
    ".m4a": "audio/mp4",
    ".m4b": "audio/mp4",
    ".mp4": "audio/mp4",
    ".aac": "audio/aac",
    ".ogg": "audio/ogg",
    ".oga": "audio/ogg",
    ".opus": "audio/ogg",
    ".flac": "audio/flac",
    ".wav": "audio/wav",
}


def audio_type(path: Path) -> str:
    return AUDIO_TYPES.get(path.suffix.lower(), "application/octet-stream")


def url_path(*parts: str) -> str:
    """Path segments percent-encoded for a URL (spaces, accents, ``#`` and ``?`` in names)."""
    return "/".join(quote(segment, safe="") for part in parts for segment in part.split("/") if segment)


def join_url(base: str, *parts: str) -> str:
    path = url_path(*parts)
    return base.rstrip("/") + "/" + path if path else base.rstrip("/") + "/"


def write_if_changed(path: Path, data: bytes) -> bool:
    """Write ``data`` unless the file already holds exactly it; True when written."""
    try:
        if path.is_file() and path.stat().st_size == len(data) and path.read_bytes() == data:
            return False
    except OSError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    write_file(path, data)
    return True


def copy_if_changed(source: Path, target: Path) -> bool:
    """Copy a recording unless the target has its size and modification time; True when copied.

    The copy goes to a temporary name first, so a half-copied file never stands under the
    recording's name (an upload tool syncing the folder meanwhile would publish it).
    """
    try:
        if source.resolve() == target.resolve():
            return False
        stat, existing = source.stat(), target.stat() if target.exists() else None
        if existing and existing.st_size == stat.st_size and existing.st_mtime_ns == stat.st_mtime_ns:
            return False
    except OSError as error:
        raise WriteError(_("cannot read ({reason})").format(reason=error.strerror or error),
                         path=source) from error
    target.parent.mkdir(parents=True, exist_ok=True)
    temp = temp_name_for(target)
    try:
        shutil.copy2(source, temp)
        os.replace(temp, target)
    except OSError as error:
        raise WriteError(_("cannot copy the recording here ({reason})").format(
            reason=error.strerror or error), path=target) from error
    finally:
        with contextlib.suppress(OSError):
            os.unlink(temp)
    return True

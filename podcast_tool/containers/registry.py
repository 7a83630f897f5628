"""The container registry: which container a file is, by its content, and what they all hold.

``CONTAINERS`` lists every container's declaration, in sniffing order; the magic bytes
decide and the extension only breaks ties. The declarations are light: detecting a file
imports no container's parser, only ``open`` of the one that matched does.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from podcast_tool import fileaccess
from podcast_tool.containers.declaration import ContainerKind
from podcast_tool.containers.id3 import MP3, WAV
from podcast_tool.containers.mp4 import MP4
from podcast_tool.containers.recovery import recover_interrupted_edit
from podcast_tool.containers.vorbis import FLAC_STREAM, OGG_OPUS, OGG_VORBIS
from podcast_tool.errors import AudioFileError, UnsupportedAudioError
from podcast_tool.i18n import _

if TYPE_CHECKING:
    from podcast_tool.containers.unsupported import UnsupportedFormat

#: Every container, in sniffing order (WAV last: its RIFF sniff is the least specific).
CONTAINERS: tuple[ContainerKind, ...] = (MP3, MP4, OGG_VORBIS, OGG_OPUS, FLAC_STREAM, WAV)

#: How many bytes the registry reads to recognise a file.
SNIFF_BYTES = 64


def all_containers() -> list[ContainerKind]:
    return list(CONTAINERS)


def detect(path: str | Path) -> ContainerKind:
    """The container for ``path``, chosen by content; a clear error if none fits."""
    path = Path(path)
    if path.is_file():
        recover_interrupted_edit(path)
    try:
        # A FIFO or device would block or never end; only regular files are audio files.
        with fileaccess.open_binary(path) as handle:
            head = handle.read(SNIFF_BYTES)
            behind_id3 = _head_behind_id3(handle, head)
    except IsADirectoryError:
        raise AudioFileError(_("is a folder, not an audio file"), path=path) from None
    except OSError as error:
        raise AudioFileError(fileaccess.describe(error), path=path) from error
    if not head:
        raise AudioFileError(_("the file is empty"), path=path)
    if behind_id3:
        # Content beats the MP3 sniff, which accepts anything starting with an ID3 tag.
        for container in CONTAINERS:
            if container.found_behind_id3 and container.sniff(behind_id3):
                return container
        if not MP3.sniff(behind_id3):  # a tag before MPEG audio: an MP3, nothing to refuse
            _refuse_known(_identify(behind_id3), path)
    suffix = path.suffix.lower()
    matches = [c for c in CONTAINERS if c.sniff(head)]
    if not matches:
        _refuse_known(_identify(head, suffix), path)
        raise UnsupportedAudioError(
            _("not an audio file podcast-tool can chapter ({supported_types})").format(
                supported_types=supported_types()), path=path)
    chosen = next((c for c in matches if suffix in c.capabilities.extensions), matches[0])
    _refuse_known(chosen.refuse(head) if chosen.refuse else None, path)
    return chosen


def _identify(head: bytes, suffix: str = "") -> UnsupportedFormat | None:
    from podcast_tool.containers import unsupported  # only for files no container takes

    return unsupported.identify(head, suffix)


def _refuse_known(found: UnsupportedFormat | None, path: Path) -> None:
    """Raise the error naming a format we recognise but cannot chapter, and its fix."""
    if found is not None:
        raise UnsupportedAudioError(found.message(), path=path, hint=found.hint(path.name),
                                    unsupported=found)


def _head_behind_id3(handle: BinaryIO, head: bytes) -> bytes:
    """The first bytes after a leading ID3v2 tag (b"" if none).

    Some taggers put an ID3v2 tag before a FLAC stream; mutagen and ffmpeg skip
    it. The size is read as mutagen's FLAC reader does (no footer).
    """
    if len(head) < 10 or head[:3] != b"ID3":
        return b""
    from podcast_tool.containers.id3.sizes import syncsafe

    handle.seek(10 + syncsafe(head[6:10]))
    return handle.read(SNIFF_BYTES)


def supported_types() -> str:
    """The kinds of audio file podcast-tool chapters, for messages: "MP3, M4A/M4B, …"."""
    return ", ".join(dict.fromkeys(c.capabilities.label for c in CONTAINERS))


def tightest_chapter_limit() -> tuple[int, list[ContainerKind]] | None:
    """The smallest ``max_chapters`` of any container, and the containers it applies to."""
    limited = [c for c in CONTAINERS if c.capabilities.max_chapters is not None]
    if not limited:
        return None
    limit = min(c.capabilities.max_chapters or 0 for c in limited)
    return limit, [c for c in limited if c.capabilities.max_chapters == limit]


def audio_extensions() -> set[str]:
    """Every extension some container claims (``.mp3``, ``.m4b``…)."""
    return {ext for container in CONTAINERS for ext in container.capabilities.extensions}


def episode_extensions() -> tuple[str, ...]:
    """Extensions of the files published as episodes (what a folder batch picks up)."""
    found = (ext for c in CONTAINERS for ext in c.capabilities.episode_extensions)
    return tuple(dict.fromkeys(found))

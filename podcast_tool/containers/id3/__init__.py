"""ID3v2 chapters: MP3 files, WAV files (an ``id3 `` chunk) and the guard that walks a tag first.

This module declares the two containers (their magic bytes and what they hold); their
parsers, ``mp3`` and ``wav`` (and mutagen's ID3 code), are imported when a file is opened.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from podcast_tool.containers.declaration import Capabilities, ContainerKind

if TYPE_CHECKING:
    from podcast_tool.containers.id3.mp3 import Id3File
    from podcast_tool.containers.unsupported import UnsupportedFormat

#: CTOC counts its child entries in one byte.
MAX_TOC_ENTRIES = 255
#: ID3 chapter frames keep everything a chapter carries.
KEEPS_ALL = frozenset({"end", "gap", "description", "url", "image"})


def sniff_mp3(head: bytes) -> bool:
    if head.startswith(b"ID3"):
        return True
    # MPEG audio frame sync with a layer set (ADTS AAC has layer 0).
    return len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0 and head[1] & 0x06 != 0


def is_rf64(head: bytes) -> bool:
    return len(head) >= 12 and head[:4] in (b"RF64", b"BW64") and head[8:12] == b"WAVE"


def sniff_wav(head: bytes) -> bool:
    return (len(head) >= 12 and head[:4] == b"RIFF" and head[8:12] == b"WAVE") or is_rf64(head)


def refuse_wav(head: bytes) -> UnsupportedFormat | None:
    """MP3 inside WAV: a WAV ffmpeg reads no chapters from (the registry refuses it)."""
    if len(head) >= 22 and head[12:16] == b"fmt " and head[20:22] in (b"\x50\x00", b"\x55\x00"):
        from podcast_tool.containers.unsupported import MPEG_IN_WAV

        return MPEG_IN_WAV
    return None


def open_mp3(path: Path) -> Id3File:
    from podcast_tool.containers.id3.mp3 import MP3_TAGGING, Id3File

    return Id3File(MP3_TAGGING, path)


def open_wav(path: Path) -> Id3File:
    from podcast_tool.containers.id3.mp3 import Id3File
    from podcast_tool.containers.id3.wav import WAV_TAGGING

    return Id3File(WAV_TAGGING, path)


MP3 = ContainerKind(
    "mp3", Capabilities(label="MP3", extensions=(".mp3",), episode_extensions=(".mp3",),
                        keeps=KEEPS_ALL, max_chapters=MAX_TOC_ENTRIES),
    sniff_mp3, open_mp3)
# Podcast apps do not play WAV: a master is tagged when named, not swept up by a batch.
WAV = ContainerKind(
    "wav", Capabilities(label="WAV", extensions=(".wav", ".wave"), episode_extensions=(),
                        keeps=KEEPS_ALL, max_chapters=MAX_TOC_ENTRIES),
    sniff_wav, open_wav, refuse=refuse_wav)

"""The MP4 family (M4A, M4B, MP4 video): boxes, the movie's sample tables, the chapter track.

This module declares the container (its magic bytes and what it holds); the box parser and
the chapter writer (``container`` and what it uses) are imported when a file is opened.
"""

from __future__ import annotations

import struct
from pathlib import Path
from typing import TYPE_CHECKING

from podcast_tool.containers.declaration import Capabilities, ContainerKind

if TYPE_CHECKING:
    from podcast_tool.containers.mp4.container import Mp4File

#: Nero ``chpl`` counts its chapters in one byte.
CHPL_MAX_CHAPTERS = 255
#: AntennaPod reads a ``chpl`` title's length byte as signed.
CHPL_MAX_TITLE_BYTES = 127
#: A pause shorter than this between a written end and the next start is the outline's
#: rounding, not a pause to list: it stays in the chapter before.
MIN_GAP_MS = 30_000
#: Top-level boxes a file may start with besides ftyp (old QuickTime files).
OTHER_FIRST_BOXES = (b"moov", b"mdat", b"free", b"skip", b"wide")


def sniff_mp4(head: bytes) -> bool:
    if len(head) < 8:
        return False
    size, kind = struct.unpack_from(">I4s", head)
    if kind == b"ftyp":
        return 8 <= size <= 4096
    if kind not in OTHER_FIRST_BOXES or not (size in (0, 1) or size >= 8):
        return False
    if kind == b"moov":
        return head[12:16] in (b"mvhd", b"cmov", b"")
    if kind in (b"free", b"skip", b"wide") and 8 <= size <= len(head) - 8:
        # A padding box is common to many formats: insist the next box is MP4's too.
        return head[size + 4:size + 8] in (b"ftyp", b"moov", b"mdat", b"free", b"skip", b"wide")
    return True


def open_mp4(path: Path) -> Mp4File:
    from podcast_tool.containers.mp4.container import Mp4File

    return Mp4File(path)


# chpl holds 255 chapters of 127-byte titles; the QuickTime track holds more, longer ones, but
# players reading only chpl see what chpl holds. The track's samples are durations from 0: no
# end times; the opening before a later first chapter and pauses of 30 s or more get titled
# samples of their own.
MP4 = ContainerKind(
    "mp4", Capabilities(
        label="M4A/M4B", extensions=(".m4a", ".m4b", ".mp4", ".m4r", ".m4v", ".mov"),
        episode_extensions=(".m4a", ".m4b"), keeps=frozenset({"url", "image"}),
        max_chapters=CHPL_MAX_CHAPTERS, max_title_bytes=CHPL_MAX_TITLE_BYTES, pads_start=True,
        titled_pause_ms=MIN_GAP_MS),
    sniff_mp4, open_mp4)

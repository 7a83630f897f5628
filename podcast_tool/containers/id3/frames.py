"""The sizes of an ID3v2 tag's chapter sub-frames, as stored: what some readers trip on.

libavformat reads the sizes of the sub-frames inside a CHAP as plain 32-bit integers, also in
ID3v2.4 where they are syncsafe (7 bits a byte). Both readings agree below 128 bytes only, so
in v2.4 a chapter with a title, description or image of 128 bytes or more is misread and
dropped by every ffmpeg-based player. This walks the tag's bytes (bounded by the tag) to find
those sizes; mutagen does not expose them.
"""

from __future__ import annotations

import struct

from podcast_tool.containers.id3.sizes import syncsafe

#: A syncsafe size reads the same as a plain integer only below this.
SYNCSAFE_SAME_BELOW = 128


def frames_in(body: bytes, version: int, start: int) -> list[tuple[str, int, int]]:
    """(frame id, body offset, body size) of the frames in ``body[start:]``, up to padding."""
    frames = []
    offset = start
    while offset + 10 <= len(body) and body[offset] != 0:
        frame_id = body[offset:offset + 4].decode("latin-1")
        raw = body[offset + 4:offset + 8]
        size = syncsafe(raw) if version == 4 else struct.unpack(">I", raw)[0]
        if offset + 10 + size > len(body):
            break
        frames.append((frame_id, offset + 10, size))
        offset += 10 + size
    return frames


def chapter_sub_frames(tag: bytes) -> dict[str, list[tuple[str, int]]]:
    """Each CHAP's sub-frames (id, stored body size), by element ID, in file order."""
    if len(tag) < 10 or tag[:3] != b"ID3" or tag[3] not in (3, 4):
        return {}
    version, flags = tag[3], tag[5]
    body = tag[10:10 + syncsafe(tag[6:10])]
    start = 0
    if flags & 0x40 and len(body) >= 4:
        start = syncsafe(body[:4]) if version == 4 else struct.unpack(">I", body[:4])[0] + 4
    found: dict[str, list[tuple[str, int]]] = {}
    for frame_id, offset, size in frames_in(body, version, start):
        if frame_id != "CHAP":
            continue
        frame = body[offset:offset + size]
        end_of_id = frame.find(b"\x00")
        if end_of_id < 0:
            continue
        subs = frames_in(frame, version, end_of_id + 1 + 16)
        found[frame[:end_of_id].decode("latin-1")] = [(kind, length) for kind, _, length in subs]
    return found


def misread_by_libavformat(tag: bytes) -> list[str]:
    """Element IDs of the chapters libavformat loses: v2.4 sub-frames of 128 bytes or more."""
    if len(tag) < 4 or tag[3] != 4:
        return []
    return [element_id for element_id, subs in chapter_sub_frames(tag).items()
            if any(size >= SYNCSAFE_SAME_BELOW for _, size in subs)]

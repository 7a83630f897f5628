"""What reading an ID3v2 tag with mutagen may cost, checked before mutagen reads it.

mutagen reads a whole tag into memory, copies the rest of the tag after every frame
it splits off (so a tag of many tiny frames costs time quadratic in its size: a 4 MB
tag of empty frames took minutes), and inflates compressed frames without a limit (a
600 KB file inflated to 2.4 GB). A damaged or hostile file could so hang podcast-tool
or exhaust memory. ``check_tag`` walks the frame headers first, a linear pass that
reads no frame bodies, and refuses a tag that:

- claims more than ``MAX_TAG_BYTES``;
- would make mutagen copy more than ``MAX_SPLIT_COPY_BYTES`` while splitting frames
  (top-level frames and the sub-frames of CHAP and CTOC);
- holds compressed frames that inflate to more than ``MAX_TAG_BYTES`` in all.

Real tags, cover art and chapter images included, stay far below these bounds.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Callable

#: Largest tag podcast-tool reads (real tags with cover art take a few MB).
MAX_TAG_BYTES = 64 << 20
#: Bytes mutagen may copy while splitting a tag into frames (about half a second).
MAX_SPLIT_COPY_BYTES = 4 << 30
#: Sub-frames inside sub-frames deeper than this are not looked into (mutagen recurses).
MAX_DEPTH = 4

_FRAMES_WITH_SUBFRAMES = (b"CHAP", b"CTOC")
_COMPRESSED = {3: 0x0080, 4: 0x0008}
_UNSYNCHRONISED_FRAME_24 = 0x0002
_DATA_LENGTH_24 = 0x0001


class CostlyTagError(ValueError):
    """The tag would cost unbounded time or memory to read; the message says why."""


def syncsafe(raw: bytes) -> int:
    value = 0
    for byte in raw:
        value = (value << 7) | (byte & 0x7F)
    return value


def claimed_size(head: bytes) -> int:
    """Bytes an ID3v2 tag starting ``head`` takes, header included (0 if none)."""
    if len(head) < 10 or head[:3] != b"ID3":
        return 0
    return 10 + syncsafe(head[6:10]) + (10 if head[5] & 0x10 else 0)


class _Budget:
    def __init__(self) -> None:
        self.copied = 0
        self.inflated = 0

    def copy(self, count: int) -> None:
        self.copied += count
        if self.copied > MAX_SPLIT_COPY_BYTES:
            raise CostlyTagError("its ID3 tag is made of implausibly many frames; it looks damaged")

    def inflate(self, frame: bytes, version: int, flags: int) -> None:
        if version == 4 and flags & _UNSYNCHRONISED_FRAME_24:
            frame = frame.replace(b"\xff\x00", b"\xff")
        skip = 4 if version == 3 or flags & _DATA_LENGTH_24 else 0
        inflater = zlib.decompressobj()
        room = MAX_TAG_BYTES - self.inflated
        try:
            out = inflater.decompress(frame[skip:], room + 1)
        except zlib.error:
            return  # not inflatable: mutagen drops the frame as junk
        self.inflated += len(out)
        if self.inflated > MAX_TAG_BYTES:
            raise CostlyTagError(f"its ID3 tag's compressed frames inflate to more than "
                                 f"{MAX_TAG_BYTES >> 20} MB; it looks damaged")


def check_tag(head: bytes, read_rest: Callable[[int], bytes]) -> None:
    """Raise ``CostlyTagError`` if the tag that ``head`` (its first 10 bytes) starts is too costly.

    ``read_rest(count)`` returns the ``count`` bytes that follow the header.
    """
    if len(head) < 10 or head[:3] != b"ID3":
        return
    version, flags, size = head[3], head[5], syncsafe(head[6:10])
    if size > MAX_TAG_BYTES:
        raise CostlyTagError(f"its ID3 tag claims {size >> 20} MB, more than the "
                             f"{MAX_TAG_BYTES >> 20} MB podcast-tool reads; it looks damaged")
    if version not in (2, 3, 4):
        return  # mutagen refuses other versions itself
    data = read_rest(size)
    if version < 4 and flags & 0x80:  # whole-tag unsynchronisation, undone before splitting
        data = data.replace(b"\xff\x00", b"\xff")
    start = 0
    if flags & 0x40 and version > 2 and len(data) >= 4:  # extended header
        start = syncsafe(data[:4]) if version == 4 else struct.unpack(">I", data[:4])[0] + 4
    _walk(memoryview(data), start, version, _Budget(), 0)


def _walk(data: memoryview, start: int, version: int, budget: _Budget, depth: int) -> None:
    """Charge what mutagen's frame splitting of ``data[start:]`` copies; look into sub-frames."""
    header = 6 if version == 2 else 10
    end = len(data)
    # ID3v2.4 sizes are syncsafe, but iTunes wrote plain ones and mutagen guesses: try both.
    readings = (True, False) if version == 4 else (False,)
    for as_syncsafe in readings:
        offset = start
        while end - offset >= header:
            name = bytes(data[offset:offset + (3 if version == 2 else 4)])
            if not name.strip(b"\x00"):
                break  # padding
            if version == 2:
                size, flags = int.from_bytes(data[offset + 3:offset + 6], "big"), 0
            else:
                raw_size, flags = struct.unpack_from(">4sH", data, offset + 4)
                size = syncsafe(raw_size) if as_syncsafe else int.from_bytes(raw_size, "big")
            body_start = offset + header
            body_end = min(body_start + size, end)
            offset = body_start + size
            # mutagen copies the frame's body, then the whole rest of the tag.
            budget.copy(body_end - body_start + max(end - offset, 0))
            if size == 0 or body_end <= body_start:
                continue
            body = data[body_start:body_end]
            if version in _COMPRESSED and flags & _COMPRESSED[version]:
                budget.inflate(bytes(body), version, flags)
            elif name in _FRAMES_WITH_SUBFRAMES and depth < MAX_DEPTH:
                _walk(body, _subframes_start(body, name), version, budget, depth + 1)


def _subframes_start(body: memoryview, name: bytes) -> int:
    """Where the sub-frames of a CHAP or CTOC frame begin."""
    raw = bytes(body[:256 + 16])
    element_end = raw.find(b"\x00")
    if element_end < 0:
        return len(body)
    if name == b"CHAP":
        return element_end + 1 + 16
    # CTOC: flags, entry count, then that many NUL-terminated child element IDs.
    position = element_end + 1 + 1
    if position >= len(body):
        return len(body)
    count = body[position]
    position += 1
    for _ in range(count):
        found = bytes(body[position:position + 256]).find(b"\x00")
        if found < 0:
            return len(body)
        position += found + 1
    return position

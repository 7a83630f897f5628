"""What reading an ID3v2 tag with mutagen may cost, checked before mutagen reads it.

mutagen reads a whole tag into memory, copies the rest of the tag after every frame
it splits off (so a tag of many tiny frames costs time quadratic in its size), and
inflates compressed frames without a limit (what that costs is in docs/reliability.md).
A damaged or hostile file could so hang podcast-tool or exhaust memory. ``check_tag``
walks the frame headers first, a linear pass that reads no frame bodies, and refuses a
tag that:

- claims more than ``MAX_TAG_BYTES``;
- would make mutagen copy more than ``MAX_SPLIT_COPY_BYTES`` while splitting frames
  (top-level frames and the sub-frames of CHAP and CTOC);
- holds compressed frames that inflate to more than ``MAX_INFLATED_BYTES`` in all;
- holds more than ``MAX_TEXT_WORK_BYTES`` of text that mutagen decodes one character at a
  time (UTF-16; UTF-8 counts double, as mutagen rewrites it as
  UTF-16 in ID3v2.3, so a tag podcast-tool wrote is always read back).

Real tags, cover art and chapter images included, stay far below these bounds.
"""

from __future__ import annotations

import re
import struct
import zlib
from collections.abc import Callable

from mutagen.id3 import Frames
from mutagen.id3._tags import determine_bpi  # how mutagen reads v2.4 frame sizes (no public API)

from podcast_tool.containers.id3.sizes import syncsafe

#: Largest tag podcast-tool reads (real tags with cover art take a few MB); mutagen holds a
#: tag about four times over while reading and rewriting it.
MAX_TAG_BYTES = 32 << 20
#: Bytes mutagen may copy while splitting a tag into frames (about half a second).
MAX_SPLIT_COPY_BYTES = 4 << 30
#: What compressed frames may inflate to, in all (ID3 compression is rare; mutagen holds the
#: inflated bytes and the text decoded from them at once).
MAX_INFLATED_BYTES = 4 << 20
#: UTF-16 text bytes (UTF-8 counted twice) the text frames may hold: under a second to decode.
MAX_TEXT_WORK_BYTES = 2 << 20
#: Sub-frames inside sub-frames deeper than this are not looked into (mutagen recurses).
MAX_DEPTH = 4

_FRAMES_WITH_SUBFRAMES = (b"CHAP", b"CTOC")
_COMPRESSED = {3: 0x0080, 4: 0x0008}
_UNSYNCHRONISED_FRAME_24 = 0x0002
_DATA_LENGTH_24 = 0x0001
#: Frames whose text mutagen decodes (besides every T… frame), in ID3v2.3/2.4 and v2.2 names.
_TEXT_FRAMES = frozenset({b"COMM", b"USLT", b"APIC", b"GEOB", b"SYLT", b"USER", b"WXXX", b"OWNE",
                          b"COMR", b"IPLS", b"COM", b"ULT", b"PIC", b"GEO", b"SLT", b"WXX", b"IPL"})
#: Text encodings by the cost of decoding them: Latin-1 0, UTF-16 1 (per byte), UTF-8 2.
_TEXT_WEIGHT = {1: 1, 2: 1, 3: 2}
#: Frames whose terminated text fields (that many) come before binary data mutagen never decodes.
_TEXT_THEN_BINARY = {b"APIC": 1, b"PIC": 1, b"GEOB": 2, b"GEO": 2}
#: The end of a UTF-16 string: two NUL bytes at an even offset from its start.
_UTF16_END = re.compile(rb"(?:..)*?\x00\x00", re.DOTALL)


class CostlyTagError(ValueError):
    """The tag would cost unbounded time or memory to read; the message says why."""


class _Budget:
    def __init__(self) -> None:
        self.copied = 0
        self.inflated = 0
        self.text_work = 0

    def copy(self, count: int) -> None:
        self.copied += count
        if self.copied > MAX_SPLIT_COPY_BYTES:
            raise CostlyTagError("its ID3 tag is made of implausibly many frames; it looks damaged")

    def text(self, work: int) -> None:
        self.text_work += work
        if self.text_work > MAX_TEXT_WORK_BYTES:
            raise CostlyTagError(f"its ID3 tag holds more than {MAX_TEXT_WORK_BYTES >> 20} MB of text; "
                                 "it looks damaged")

    def inflate(self, frame: bytes, version: int, flags: int) -> tuple[int, int]:
        """(first byte, size) of the frame once inflated; refused past ``MAX_INFLATED_BYTES``."""
        if version == 4 and flags & _UNSYNCHRONISED_FRAME_24:
            frame = frame.replace(b"\xff\x00", b"\xff")
        skip = 4 if version == 3 or flags & _DATA_LENGTH_24 else 0
        inflater = zlib.decompressobj()
        pending = frame[skip:]
        first, size = -1, 0
        try:
            while pending and not inflater.eof:  # a megabyte at a time, counted and dropped
                out = inflater.decompress(pending, 1 << 20)
                if out and first < 0:
                    first = out[0]
                size += len(out)
                self.inflated += len(out)
                if self.inflated > MAX_INFLATED_BYTES:
                    raise CostlyTagError(f"its ID3 tag's compressed frames inflate to more than "
                                         f"{MAX_INFLATED_BYTES >> 20} MB; it looks damaged")
                pending = inflater.unconsumed_tail
                if not out:
                    break
        except zlib.error:
            return -1, 0  # not inflatable: mutagen drops the frame as junk
        return first, size


def check_tag(head: bytes, read_rest: Callable[[int], bytes]) -> None:
    """Raise ``CostlyTagError`` if the tag that ``head`` (its first 10 bytes) starts is too costly.

    ``read_rest(count)`` returns the ``count`` bytes that follow the header.
    """
    if len(head) < 10 or head[:3] != b"ID3":
        return
    version, flags, size = head[3], head[5], syncsafe(head[6:10])
    if size > MAX_TAG_BYTES:
        raise CostlyTagError(f"its ID3 tag takes {size >> 20} MB, more than the {MAX_TAG_BYTES >> 20} MB "
                             "podcast-tool reads (a damaged file, or huge pictures in the tag)")
    if version not in (2, 3, 4):
        return  # mutagen refuses other versions itself
    data = read_rest(size)
    if version < 4 and flags & 0x80:  # whole-tag unsynchronisation, undone before splitting
        data = data.replace(b"\xff\x00", b"\xff")
    start = 0
    if flags & 0x40 and version > 2 and len(data) >= 4:  # extended header
        start = syncsafe(data[:4]) if version == 4 else struct.unpack(">I", data[:4])[0] + 4
    # ID3v2.4 sizes are syncsafe, but iTunes wrote plain ones: read them as mutagen will.
    as_syncsafe = version == 4 and determine_bpi(data[start:], Frames) is not int
    _walk(memoryview(data), start, version, as_syncsafe, _Budget(), 0)


def _walk(data: memoryview, start: int, version: int, as_syncsafe: bool, budget: _Budget,
          depth: int) -> None:
    """Charge what mutagen's reading of the frames in ``data[start:]`` costs; look into sub-frames."""
    header = 6 if version == 2 else 10
    end = len(data)
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
            encoding, size = budget.inflate(bytes(body), version, flags)
            if name[:1] == b"T" or name in _TEXT_FRAMES:  # inflated text: all of it, at worst
                budget.text(_TEXT_WEIGHT.get(encoding, 0) * size)
        elif name in _FRAMES_WITH_SUBFRAMES and depth < MAX_DEPTH:
            _walk(body, _subframes_start(body, name), version, as_syncsafe, budget, depth + 1)
        else:
            budget.text(_text_work(name, body))


def _text_work(name: bytes, body: memoryview) -> int:
    """Bytes of a frame's text mutagen decodes slowly (weighted as ``_TEXT_WEIGHT``)."""
    if name[:1] != b"T" and name not in _TEXT_FRAMES:
        return 0
    weight = _TEXT_WEIGHT.get(body[0], 0)
    if name not in _TEXT_THEN_BINARY:
        return weight * len(body)
    if body[0] not in (1, 2):
        return 0  # Latin-1 and UTF-8 descriptions end where bytes.find finds a NUL: fast
    # Pictures and objects: only the descriptions before the data are decoded.
    window = bytes(body[:1 + 256 + MAX_TEXT_WORK_BYTES + 2])
    if name == b"PIC":
        start = 1 + 3 + 1  # encoding, image format, picture type
    else:
        mime_end = window.find(b"\x00", 1)
        start = mime_end + 1 + (1 if name == b"APIC" else 0) if mime_end >= 0 else len(window)
    end = start
    for _ in range(_TEXT_THEN_BINARY[name]):
        found = _UTF16_END.match(window, end)
        end = found.end() if found else len(window)
    return max(end - start, 0)


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

"""ISO base media (MP4/QuickTime) boxes: a bounded reader and a writer.

Two levels:

- ``scan_top_level`` walks the file's top-level boxes by their headers only
  (the media data is never read);
- ``parse_box`` turns the bytes of ``moov`` into a tree of ``Box`` objects,
  descending only into the containers chapter writing needs. Every other box
  stays an opaque byte string, so it is written back byte for byte.

Every size read from the file is checked against the bytes that enclose it
before anything is allocated, nesting depth and box counts are capped, and any
inconsistency raises ``BoxError`` (the container turns it into an
``AudioFileError`` naming the file).
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import BinaryIO

#: Containers we descend into; everything else is kept as opaque bytes.
CONTAINER_KINDS = frozenset({b"moov", b"trak", b"mdia", b"minf", b"stbl", b"udta", b"tref"})
#: Deeper nesting than this is not a real MP4 (moov/trak/mdia/minf/stbl is 5 deep).
MAX_DEPTH = 12
#: More top-level boxes than this is not a real MP4; refuse rather than crawl.
MAX_TOP_LEVEL_BOXES = 100_000
#: Largest ``moov`` we read into memory (a 24-hour audiobook's is ~20 MB). Parsing holds
#: about twice this, which keeps podcast-tool under 200 MB whatever a file claims.
MAX_MOOV_BYTES = 64 * 1024 * 1024

_SIZE32 = struct.Struct(">I")
_HEADER = struct.Struct(">I4s")
_LARGE = struct.Struct(">Q")


class BoxError(ValueError):
    """The file's box structure is damaged or implausible."""


def kind_name(kind: bytes) -> str:
    return kind.decode("latin-1")


@dataclass
class TopBox:
    """A top-level box located by its header: where it is, not what it holds."""

    kind: bytes
    offset: int
    header_size: int
    size: int
    #: The file ends inside this box (its header claims more bytes than follow).
    cut: bool = False

    @property
    def end(self) -> int:
        return self.offset + self.size

    @property
    def data_offset(self) -> int:
        return self.offset + self.header_size


def _read_header(handle: BinaryIO, offset: int, limit: int) -> tuple[bytes, int, int]:
    """(kind, header size, box size) of the box at ``offset``; size 0 means 'to ``limit``'."""
    handle.seek(offset)
    head = handle.read(16)
    if len(head) < 8:
        raise BoxError(f"the file ends inside a box header at byte {offset} (truncated?)")
    size, kind = _HEADER.unpack_from(head)
    header_size = 8
    if size == 1:
        if len(head) < 16:
            raise BoxError(f"the file ends inside a box header at byte {offset} (truncated?)")
        size = _LARGE.unpack_from(head, 8)[0]
        header_size = 16
    elif size == 0:
        size = limit - offset
    if size < header_size:
        raise BoxError(f"box '{kind_name(kind)}' at byte {offset} has an impossible size ({size})")
    if offset + size > limit:
        raise BoxError(f"box '{kind_name(kind)}' at byte {offset} claims {size} bytes but the file "
                       f"ends {limit - offset} bytes later (truncated?)")
    return kind, header_size, size


def scan_top_level(handle: BinaryIO, file_size: int) -> tuple[list[TopBox], int]:
    """The top-level boxes, and how many trailing bytes too short to be a box follow them."""
    boxes: list[TopBox] = []
    offset = 0
    while file_size - offset >= 8:
        if len(boxes) >= MAX_TOP_LEVEL_BOXES:
            raise BoxError(f"more than {MAX_TOP_LEVEL_BOXES} top-level boxes; this is not a real MP4")
        try:
            kind, header_size, size = _read_header(handle, offset, file_size)
        except BoxError:
            cut = _cut_media_data(handle, offset, file_size)
            if cut is None:
                raise
            boxes.append(cut)
            return boxes, 0
        boxes.append(TopBox(kind, offset, header_size, size))
        offset += size
    return boxes, file_size - offset


def _cut_media_data(handle: BinaryIO, offset: int, file_size: int) -> TopBox | None:
    """The last box, when it is an ``mdat`` that the file ends inside (a file cut short).

    Its header still claims the full size; the box is kept as the bytes that are there, so
    the file can be read and tagged (``movie.playable_duration`` says how much plays).
    """
    handle.seek(offset)
    head = handle.read(16)
    if len(head) < 8 or head[4:8] != b"mdat":
        return None
    header_size = 16 if _HEADER.unpack_from(head)[0] == 1 else 8
    if file_size - offset < header_size:
        return None
    return TopBox(b"mdat", offset, header_size, file_size - offset, cut=True)


def read_box_bytes(handle: BinaryIO, box: TopBox, limit: int = MAX_MOOV_BYTES) -> bytes:
    """The whole of a (small) top-level box, header included."""
    if box.size > limit:
        raise BoxError(f"box '{kind_name(box.kind)}' is {box.size} bytes; more than the "
                       f"{limit} bytes podcast-tool accepts")
    handle.seek(box.offset)
    data = handle.read(box.size)
    if len(data) != box.size:
        raise BoxError(f"the file ends inside box '{kind_name(box.kind)}' (truncated?)")
    return data


@dataclass
class Box:
    """A box in memory: a leaf holds ``payload``; a container holds ``children``.

    ``tail`` keeps bytes after a container's last child that are no box (the
    32-bit zero terminator QuickTime allows at the end of ``udta``).
    """

    kind: bytes
    payload: bytes = b""
    children: list[Box] | None = None
    tail: bytes = b""

    @classmethod
    def container(cls, kind: bytes, children: list[Box]) -> Box:
        return cls(kind, children=children)

    def body_size(self) -> int:
        if self.children is None:
            return len(self.payload)
        return sum(child.size() for child in self.children) + len(self.tail)

    def size(self) -> int:
        body = self.body_size()
        return body + (8 if body + 8 <= 0xFFFFFFFF else 16)

    def to_bytes(self) -> bytes:
        parts: list[bytes] = []
        self._serialize(parts)
        return b"".join(parts)

    def _serialize(self, parts: list[bytes]) -> None:
        body = self.body_size()
        if body + 8 <= 0xFFFFFFFF:
            parts.append(_HEADER.pack(body + 8, self.kind))
        else:
            parts.append(_HEADER.pack(1, self.kind) + _LARGE.pack(body + 16))
        if self.children is None:
            parts.append(self.payload)
            return
        for child in self.children:
            child._serialize(parts)
        parts.append(self.tail)

    def kids(self) -> list[Box]:
        if self.children is None:
            raise BoxError(f"'{kind_name(self.kind)}' is not a container")
        return self.children

    def find(self, kind: bytes) -> Box | None:
        return next((child for child in self.kids() if child.kind == kind), None)

    def find_all(self, kind: bytes) -> list[Box]:
        return [child for child in self.kids() if child.kind == kind]

    def path(self, *kinds: bytes) -> Box | None:
        """The first box down the given path of kinds, or None."""
        box: Box | None = self
        for kind in kinds:
            if box is None or box.children is None:
                return None
            box = box.find(kind)
        return box

    def walk(self) -> Iterator[Box]:
        yield self
        for child in self.children or ():
            yield from child.walk()


def parse_box(data: bytes) -> Box:
    """Parse one box (header included) that fills ``data``."""
    boxes, tail = _parse_children(data, 0, len(data), depth=0, top=True)
    if len(boxes) != 1 or tail:
        raise BoxError("expected exactly one box")
    return boxes[0]


def _parse_children(data: bytes, start: int, end: int, depth: int, top: bool = False
                    ) -> tuple[list[Box], bytes]:
    if depth > MAX_DEPTH:
        raise BoxError("boxes nested implausibly deep; the file looks damaged")
    boxes: list[Box] = []
    offset = start
    while end - offset >= 8:
        size, kind = _HEADER.unpack_from(data, offset)
        header_size = 8
        if size == 1:
            if end - offset < 16:
                raise BoxError(f"box '{kind_name(kind)}' has a truncated header")
            size = _LARGE.unpack_from(data, offset + 8)[0]
            header_size = 16
        elif size == 0:
            if _all_zero(data, offset, end):
                break  # QuickTime's zero terminator
            size = end - offset  # "extends to the end of its parent"
        if size < header_size or offset + size > end:
            raise BoxError(f"box '{kind_name(kind)}' inside the movie header has an impossible "
                           f"size ({size}); the file looks damaged")
        body_start, body_end = offset + header_size, offset + size
        if kind in CONTAINER_KINDS:
            children, tail = _parse_children(data, body_start, body_end, depth + 1)
            boxes.append(Box(kind, children=children, tail=tail))
        else:
            boxes.append(Box(kind, payload=data[body_start:body_end]))
        offset = body_end
    rest = data[offset:end]
    if rest and (top or not _all_zero(data, offset, end)):
        raise BoxError("stray bytes inside the movie header; the file looks damaged")
    return boxes, rest


def _all_zero(data: bytes, start: int, end: int) -> bool:
    return data.count(0, start, end) == end - start  # counted in place: no copy of a big range


def full_box_header(payload: bytes, kind: bytes, minimum: int) -> int:
    """The version of a full box, after checking it holds at least ``minimum`` bytes."""
    if len(payload) < minimum:
        raise BoxError(f"box '{kind_name(kind)}' is too short ({len(payload)} bytes); "
                       "the file looks damaged")
    return payload[0]


def u32(value: int) -> bytes:
    return _SIZE32.pack(value)


@dataclass
class Relocation:
    """Where byte ranges of the original file land in the new one."""

    #: (original start, original end, displacement), sorted by start.
    moves: list[tuple[int, int, int]] = field(default_factory=list)

    def shift(self, offsets: list[int]) -> list[int]:
        """New file positions for data at ``offsets`` (unchanged where no range covers them)."""
        if not offsets or not self.moves:
            return offsets
        low, high = min(offsets), max(offsets)
        for start, end, delta in self.moves:
            if start <= low and high < end:  # the usual case: all in one mdat
                return offsets if delta == 0 else [value + delta for value in offsets]
        return [value + self._delta(value) for value in offsets]

    def _delta(self, value: int) -> int:
        for start, end, delta in self.moves:
            if start <= value < end:
                return delta
        return 0

"""Reading a chapter track's sample tables: sizes, durations, chunk offsets, and the
samples themselves (text with their ``href`` links, or images), each bounded and checked.
"""

from __future__ import annotations

import struct
from typing import BinaryIO

from podcast_tool.containers.mp4.boxes import Box, BoxError, full_box_header
from podcast_tool.containers.mp4.chapter_track import (
    MAX_CHAPTER_SAMPLES,
    MAX_IMAGE_SAMPLE_BYTES,
    MAX_SAMPLE_BYTES,
)


def read_image_samples(handle: BinaryIO, file_size: int, stbl: Box) -> list[tuple[int, bytes]]:
    """(duration, image bytes) of every sample of a chapter artwork track."""
    return _read_samples(handle, file_size, stbl, MAX_IMAGE_SAMPLE_BYTES,
                         "a chapter image lies outside the file; the file looks damaged")


def read_text_samples(handle: BinaryIO, file_size: int, stbl: Box
                      ) -> list[tuple[int, str]]:
    """(duration in media units, text) of every sample of a text track."""
    return [(duration, _sample_text(data))
            for duration, data in _read_samples(handle, file_size, stbl)]


def read_text_samples_with_links(handle: BinaryIO, file_size: int, stbl: Box
                                 ) -> list[tuple[int, str, str | None]]:
    """(duration, text, ``href`` URL or None) of every sample of a text track."""
    return [(duration, _sample_text(data), sample_href(data))
            for duration, data in _read_samples(handle, file_size, stbl)]


def sample_count(stbl: Box) -> int:
    """How many samples a track holds (its data is not read)."""
    return len(_sample_sizes(stbl))


def _read_samples(handle: BinaryIO, file_size: int, stbl: Box, max_bytes: int = MAX_SAMPLE_BYTES,
                  damaged: str = "a chapter text sample lies outside the file; the file looks damaged"
                  ) -> list[tuple[int, bytes]]:
    sizes = _sample_sizes(stbl)
    durations = _sample_durations(stbl, len(sizes))
    positions = _sample_positions(stbl, sizes)
    samples = []
    for size, duration, position in zip(sizes, durations, positions, strict=True):
        if size > max_bytes or position + size > file_size:
            raise BoxError(damaged)
        handle.seek(position)
        samples.append((duration, handle.read(size)))
    return samples


def sample_href(data: bytes) -> str | None:
    """The URL of a text sample's first ``href`` modifier box (3GPP TS 26.245), else None."""
    if len(data) < 2:
        return None
    offset = 2 + struct.unpack_from(">H", data)[0]
    while offset + 8 <= len(data):
        size, kind = struct.unpack_from(">I4s", data, offset)
        if size < 8 or offset + size > len(data):
            return None
        if kind == b"href" and size >= 8 + 5:
            length = data[offset + 12]
            url = data[offset + 13:offset + 13 + length]
            return url.decode("utf-8", "replace") or None
        offset += size
    return None


def _sample_text(data: bytes) -> str:
    if len(data) < 2:
        return ""
    length = min(struct.unpack_from(">H", data)[0], len(data) - 2)
    text = data[2:2 + length]
    if text.startswith((b"\xfe\xff", b"\xff\xfe")):
        return text.decode("utf-16", "replace")
    return text.decode("utf-8", "replace").rstrip("\x00")


def _table(stbl: Box, kind: bytes, header: int, entry_size: int) -> tuple[bytes, int]:
    """A sample table's payload and entry count, after checking the entries fit."""
    box = stbl.find(kind)
    if box is None:
        raise BoxError(f"the chapter track has no '{kind.decode()}' table; the file looks damaged")
    payload = box.payload
    full_box_header(payload, kind, header)
    count = struct.unpack_from(">I", payload, header - 4)[0]
    if count > MAX_CHAPTER_SAMPLES or header + count * entry_size > len(payload):
        raise BoxError(f"the chapter track's '{kind.decode()}' table is damaged")
    return payload, count


def _sample_sizes(stbl: Box) -> list[int]:
    box = stbl.find(b"stsz")
    if box is None:
        raise BoxError("the chapter track has no 'stsz' table; the file looks damaged")
    full_box_header(box.payload, b"stsz", 12)
    uniform, count = struct.unpack_from(">II", box.payload, 4)
    if count > MAX_CHAPTER_SAMPLES:
        raise BoxError("the chapter track's 'stsz' table is damaged")
    if uniform:
        return [uniform] * count
    payload, count = _table(stbl, b"stsz", 12, 4)
    return list(struct.unpack_from(f">{count}I", payload, 12))


def _sample_durations(stbl: Box, sample_count: int) -> list[int]:
    payload, count = _table(stbl, b"stts", 8, 8)
    durations: list[int] = []
    for index in range(count):
        repeat, delta = struct.unpack_from(">II", payload, 8 + 8 * index)
        durations.extend([delta] * min(repeat, sample_count - len(durations)))
    if len(durations) < sample_count:
        raise BoxError("the chapter track's 'stts' table is shorter than its samples")
    return durations


def chunk_offset_box(stbl: Box) -> tuple[Box, int]:
    """A sample table's stco/co64 and its entry count, after checking the entries fit."""
    box = stbl.find(b"stco") or stbl.find(b"co64")
    if box is None:
        raise BoxError("a track has no chunk offset table ('stco'); the file looks damaged")
    width = 4 if box.kind == b"stco" else 8
    full_box_header(box.payload, box.kind, 8)
    count = struct.unpack_from(">I", box.payload, 4)[0]
    if 8 + count * width > len(box.payload):
        raise BoxError(f"a track's '{box.kind.decode()}' table claims {count} entries but is "
                       "shorter; the file looks damaged")
    return box, count


def chunk_offsets(stbl: Box) -> list[int]:
    """The chunk offsets of a sample table (stco or co64)."""
    box, count = chunk_offset_box(stbl)
    code = "I" if box.kind == b"stco" else "Q"
    return list(struct.unpack_from(f">{count}{code}", box.payload, 8))


def _sample_positions(stbl: Box, sizes: list[int]) -> list[int]:
    offsets = chunk_offsets(stbl)
    payload, count = _table(stbl, b"stsc", 8, 12)
    runs = [struct.unpack_from(">III", payload, 8 + 12 * index)[:2] for index in range(count)]
    positions: list[int] = []
    sample = 0
    for run_index, (first_chunk, per_chunk) in enumerate(runs):
        next_first = runs[run_index + 1][0] if run_index + 1 < len(runs) else len(offsets) + 1
        for chunk in range(first_chunk, min(next_first, len(offsets) + 1)):
            if sample >= len(sizes):
                break
            if chunk < 1:
                raise BoxError("the chapter track's 'stsc' table is damaged")
            position = offsets[chunk - 1]
            for _ in range(min(per_chunk, len(sizes) - sample)):
                positions.append(position)
                position += sizes[sample]
                sample += 1
    if sample < len(sizes):
        raise BoxError("the chapter track's chunks hold fewer samples than it declares")
    return positions

"""The two MP4 chapter forms: Nero ``chpl`` and the QuickTime chapter track.

Pure functions over ``Box`` trees and bytes: building ``chpl`` and a chapter
``trak`` (with the text samples that go in their own ``mdat``), and parsing ``chpl``
back. Reading a track's samples back is ``sample_tables``; where they go, ``layout``.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

from podcast_tool.containers.mp4 import CHPL_MAX_TITLE_BYTES
from podcast_tool.containers.mp4.boxes import Box, BoxError, full_box_header, u32

#: chpl stores start times in 100-nanosecond units.
CHPL_UNITS_PER_MS = 10_000
#: An ``href`` box's URL length field is one byte.
HREF_MAX_URL_BYTES = 255
#: Largest chapter image sample we read back.
MAX_IMAGE_SAMPLE_BYTES = 16 * 1024 * 1024
#: A text sample's length field is 16 bits.
SAMPLE_MAX_TEXT_BYTES = 0xFFFF
#: More samples than this in a chapter track is not a chapter list.
MAX_CHAPTER_SAMPLES = 100_000
#: Largest chapter text sample we read (the format's own limit plus headers).
MAX_SAMPLE_BYTES = 2 + SAMPLE_MAX_TEXT_BYTES + 64

#: Marks the sample text as UTF-8 (QuickTime text sample modifier).
ENCD_UTF8 = bytes.fromhex("0000000c656e636400000100")
#: Text sample description: the tx3g-style body ffmpeg writes, which Apple's
#: players and ffmpeg accept, ending in an ``ftab`` font table with one font.
TEXT_SAMPLE_ENTRY = (
    b"\x00" * 6 + b"\x00\x01"  # reserved, data reference index 1
    + bytes.fromhex("00000001" "0000" "00000000")  # display flags, justification, background
    + bytes(8)  # default text box
    + bytes.fromhex("00000000" "0001" "00" "00" "00000000")  # style record: font 1
    + bytes.fromhex("0000000d" "66746162" "0001" "0001" "00")  # ftab: 1 font, id 1, no name
)
#: Base media header for a QuickTime text track (``gmin`` + ``text``), as ffmpeg writes it.
GMHD_PAYLOAD = bytes.fromhex(
    "00000018676d696e" "00000000" "0040" "800080008000" "0000" "0000"
    "0000002c74657874" "00010000000000000000000000000000000100000000000000000000000000004000"
    "0000"
)
IDENTITY_MATRIX = bytes.fromhex("000100000000000000000000" "000000000001000000000000"
                                "000000000000000040000000")
HANDLER_NAME = b"Chapters\x00"


def cut_utf8(text: str, limit: int) -> tuple[bytes, bool]:
    """``text`` as UTF-8 of at most ``limit`` bytes, cut at a character boundary."""
    data = text.encode("utf-8")
    if len(data) <= limit:
        return data, False
    return data[:limit].decode("utf-8", "ignore").encode("utf-8"), True


# --- chpl ---------------------------------------------------------------------------------

def build_chpl(chapters: list[tuple[int, str]]) -> tuple[Box, list[int]]:
    """A chpl box for (start_ms, title) pairs; also the indexes of titles that were cut."""
    parts = [bytes([1, 0, 0, 0]), bytes(4), bytes([len(chapters)])]
    cut: list[int] = []
    for index, (start_ms, title) in enumerate(chapters):
        encoded, was_cut = cut_utf8(title, CHPL_MAX_TITLE_BYTES)
        if was_cut:
            cut.append(index)
        parts.append(struct.pack(">QB", start_ms * CHPL_UNITS_PER_MS, len(encoded)) + encoded)
    return Box(b"chpl", payload=b"".join(parts)), cut


def parse_chpl(payload: bytes) -> list[tuple[int, str]]:
    """(start_ms, title) pairs of a chpl box (versions 0 and 1)."""
    version = full_box_header(payload, b"chpl", 5)
    offset = 8 if version else 4
    if len(payload) <= offset:
        raise BoxError("box 'chpl' is too short; the file looks damaged")
    count = payload[offset]
    offset += 1
    chapters = []
    for _ in range(count):
        if offset + 9 > len(payload):
            raise BoxError("box 'chpl' ends in the middle of a chapter; the file looks damaged")
        start, length = struct.unpack_from(">QB", payload, offset)
        offset += 9
        title = payload[offset:offset + length].decode("utf-8", "replace")
        offset += length
        chapters.append((round(start / CHPL_UNITS_PER_MS), title))
    return chapters


# --- the QuickTime chapter track ------------------------------------------------------------

@dataclass
class ChapterTrack:
    trak: Box
    #: The text samples, in order, to store in one chunk.
    samples: bytes
    #: The track's chunk offset box: ``set_chunk_offset`` rewrites it once the layout is known.
    chunk_offsets: Box

    def set_chunk_offset(self, offset: int) -> None:
        if offset > 0xFFFFFFFF:
            self.chunk_offsets.kind = b"co64"
            self.chunk_offsets.payload = bytes(4) + u32(1) + struct.pack(">Q", offset)
        else:
            self.chunk_offsets.kind = b"stco"
            self.chunk_offsets.payload = bytes(4) + u32(1) + u32(offset)


def text_sample(title: str, url: str | None = None) -> tuple[bytes, bool]:
    """A chapter text sample: the title, its encoding, and the chapter's link as ``href``."""
    encoded, was_cut = cut_utf8(title, SAMPLE_MAX_TEXT_BYTES)
    sample = struct.pack(">H", len(encoded)) + encoded + ENCD_UTF8
    link = href_box(url, len(encoded.decode("utf-8"))) if url else b""
    return sample + link, was_cut


def href_box(url: str, characters: int) -> bytes:
    """3GPP TS 26.245 ``href``: the link over the whole text (no alternative text)."""
    data = url.encode("utf-8")
    if len(data) > HREF_MAX_URL_BYTES:
        return b""
    body = struct.pack(">HHB", 0, min(characters, 0xFFFF), len(data)) + data + b"\x00"
    return struct.pack(">I4s", 8 + len(body), b"href") + body


def _versioned_times(version_for: int, creation: int, modification: int) -> tuple[int, bytes]:
    """Version and creation+modification fields of a tkhd/mdhd."""
    if version_for > 0xFFFFFFFF or creation > 0xFFFFFFFF or modification > 0xFFFFFFFF:
        return 1, struct.pack(">QQ", creation, modification)
    return 0, struct.pack(">II", creation, modification)


def _duration_field(version: int, duration: int) -> bytes:
    return struct.pack(">Q", duration) if version == 1 else u32(duration)


def build_chapter_track(
    *,
    track_id: int,
    titles: list[str],
    urls: list[str | None] | None = None,
    durations: list[int],
    timescale: int,
    movie_duration: int,
    language: bytes,
    creation: int,
    modification: int,
) -> tuple[ChapterTrack, list[int]]:
    """A disabled text track with one sample per title; also the indexes of cut titles.

    ``durations`` are in ``timescale`` units and sum to the track's length;
    ``movie_duration`` is the same length in the movie's timescale.
    """
    samples: list[bytes] = []
    cut: list[int] = []
    for index, title in enumerate(titles):
        sample, was_cut = text_sample(title, urls[index] if urls else None)
        samples.append(sample)
        if was_cut:
            cut.append(index)
    media_duration = sum(durations)

    version, times = _versioned_times(movie_duration, creation, modification)
    # flags 2 = "in movie" but not enabled: players hide it, chapter readers find it via tref.
    tkhd = Box(b"tkhd", payload=(
        bytes([version, 0, 0, 2]) + times + u32(track_id) + bytes(4)
        + _duration_field(version, movie_duration) + bytes(8)
        + bytes(2) + bytes(2) + bytes(2) + bytes(2)  # layer, alternate group, volume, reserved
        + IDENTITY_MATRIX + bytes(8)  # width, height
    ))
    version, times = _versioned_times(media_duration, creation, modification)
    mdhd = Box(b"mdhd", payload=(
        bytes([version, 0, 0, 0]) + times + u32(timescale)
        + _duration_field(version, media_duration) + language + bytes(2)
    ))
    hdlr = Box(b"hdlr", payload=bytes(8) + b"text" + bytes(12) + HANDLER_NAME)
    dinf = Box(b"dinf", payload=Box(b"dref", payload=bytes(4) + u32(1) + Box(
        b"url ", payload=bytes([0, 0, 0, 1])).to_bytes()).to_bytes())
    stsd = Box(b"stsd", payload=bytes(4) + u32(1) + Box(b"text", payload=TEXT_SAMPLE_ENTRY).to_bytes())
    # One stts entry per sample: what AVFoundation handles best.
    stts = Box(b"stts", payload=bytes(4) + u32(len(durations))
               + b"".join(struct.pack(">II", 1, duration) for duration in durations))
    stsc = Box(b"stsc", payload=bytes(4) + u32(1) + struct.pack(">III", 1, len(samples), 1))
    stsz = Box(b"stsz", payload=bytes(4) + u32(0) + u32(len(samples))
               + b"".join(u32(len(sample)) for sample in samples))
    chunk_offsets = Box(b"stco", payload=bytes(4) + u32(1) + u32(0))
    stbl = Box.container(b"stbl", [stsd, stts, stsc, stsz, chunk_offsets])
    minf = Box.container(b"minf", [Box(b"gmhd", payload=GMHD_PAYLOAD), dinf, stbl])
    mdia = Box.container(b"mdia", [mdhd, hdlr, minf])
    trak = Box.container(b"trak", [tkhd, mdia])
    return ChapterTrack(trak, b"".join(samples), chunk_offsets), cut


@dataclass
class ArtworkTrack:
    trak: Box
    #: The images, each once, to store one after the other.
    data: bytes
    chunk_offsets: Box
    #: Where each sample's image starts in ``data`` (a repeated image is stored once).
    relative: list[int]

    def set_data_offset(self, offset: int) -> None:
        positions = [offset + position for position in self.relative]
        if positions and max(positions) > 0xFFFFFFFF:
            self.chunk_offsets.kind = b"co64"
            self.chunk_offsets.payload = (bytes(4) + u32(len(positions))
                                          + b"".join(struct.pack(">Q", p) for p in positions))
        else:
            self.chunk_offsets.kind = b"stco"
            self.chunk_offsets.payload = (bytes(4) + u32(len(positions))
                                          + b"".join(u32(p) for p in positions))


#: Sample entry types of chapter images, by MIME type (QuickTime's names, as Apple writes them).
IMAGE_ENTRY_TYPES = {"image/jpeg": b"jpeg", "image/png": b"png "}


def _visual_entry(kind: bytes, width: int, height: int) -> Box:
    name = b"\x00" * 32
    return Box(kind, payload=(
        bytes(6) + b"\x00\x01" + bytes(16)  # reserved, data reference 1, pre-defined, reserved
        + struct.pack(">HH", width, height) + bytes.fromhex("0048000000480000") + bytes(4)
        + struct.pack(">H", 1) + name + struct.pack(">Hh", 0x18, -1)))


def build_artwork_track(
    *,
    track_id: int,
    images: list[tuple[bytes, str, int, int]],
    durations: list[int],
    timescale: int,
    movie_duration: int,
    language: bytes,
    creation: int,
    modification: int,
) -> ArtworkTrack:
    """A disabled video track, one image sample (data, MIME type, width, height) per chapter
    sample, as Apple's enhanced podcasts carry chapter artwork; found through tref/chap."""
    kinds = list(dict.fromkeys(IMAGE_ENTRY_TYPES[mime] for _, mime, _, _ in images))
    width = max(w for _, _, w, _ in images)
    height = max(h for _, _, _, h in images)
    stored: dict[bytes, int] = {}
    data = bytearray()
    relative = []
    for image, _, _, _ in images:
        if image not in stored:
            stored[image] = len(data)
            data += image
        relative.append(stored[image])
    version, times = _versioned_times(movie_duration, creation, modification)
    tkhd = Box(b"tkhd", payload=(
        bytes([version, 0, 0, 2]) + times + u32(track_id) + bytes(4)
        + _duration_field(version, movie_duration) + bytes(8) + bytes(8)
        + IDENTITY_MATRIX + struct.pack(">II", width << 16, height << 16)))
    media_duration = sum(durations)
    version, times = _versioned_times(media_duration, creation, modification)
    mdhd = Box(b"mdhd", payload=(bytes([version, 0, 0, 0]) + times + u32(timescale)
                                 + _duration_field(version, media_duration) + language + bytes(2)))
    hdlr = Box(b"hdlr", payload=bytes(8) + b"vide" + bytes(12) + b"Chapter artwork\x00")
    vmhd = Box(b"vmhd", payload=bytes([0, 0, 0, 1]) + bytes(8))
    dinf = Box(b"dinf", payload=Box(b"dref", payload=bytes(4) + u32(1) + Box(
        b"url ", payload=bytes([0, 0, 0, 1])).to_bytes()).to_bytes())
    entries = b"".join(_visual_entry(kind, width, height).to_bytes() for kind in kinds)
    stsd = Box(b"stsd", payload=bytes(4) + u32(len(kinds)) + entries)
    stts = Box(b"stts", payload=bytes(4) + u32(len(durations))
               + b"".join(struct.pack(">II", 1, duration) for duration in durations))
    # One chunk per sample, so a repeated image is stored once; runs name the description.
    runs: list[tuple[int, int]] = []
    for chunk, (_, mime, _, _) in enumerate(images, start=1):
        entry = kinds.index(IMAGE_ENTRY_TYPES[mime]) + 1
        if not runs or runs[-1][1] != entry:
            runs.append((chunk, entry))
    stsc = Box(b"stsc", payload=bytes(4) + u32(len(runs))
               + b"".join(struct.pack(">III", chunk, 1, entry) for chunk, entry in runs))
    stsz = Box(b"stsz", payload=bytes(4) + u32(0) + u32(len(images))
               + b"".join(u32(len(image)) for image, _, _, _ in images))
    chunk_offsets = Box(b"stco", payload=bytes(4) + u32(0))
    stbl = Box.container(b"stbl", [stsd, stts, stsc, stsz, chunk_offsets])
    minf = Box.container(b"minf", [vmhd, dinf, stbl])
    mdia = Box.container(b"mdia", [mdhd, hdlr, minf])
    trak = Box.container(b"trak", [tkhd, mdia])
    track = ArtworkTrack(trak, bytes(data), chunk_offsets, relative)
    track.set_data_offset(0)
    return track

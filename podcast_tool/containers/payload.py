"""The audio payload of each container, as a digest: what a chapter write must never change.

Writing chapters rewrites tags and headers only; the audio itself (MPEG frames, FLAC frames,
Ogg page bodies, MP4 samples, WAV data) must come out byte for byte the same. Before a new
file replaces the original, ``safewrite`` compares the two files' digests from these
functions and refuses the write if they differ: a bug in a writer (an offset off by the size
of a footer, a chunk offset not shifted) becomes a refusal instead of damaged audio.

Each function finds the payload by its own, independent parse (never the writer's), reads
only that and hashes it: linear in the file, nothing decoded. ``None`` means the file's
payload cannot be located (a damaged original); the caller then has nothing to compare.

Where the payload is plain byte ranges (MPEG, FLAC, MP4, WAV), the digest also tells them
(``RangesDigest.ranges``), so that two files can be compared range against range at memory
speed (``RangesDigest.same``) instead of hashing both: stricter than equal digests, and a few times
cheaper on a long recording.
"""

from __future__ import annotations

import os
import struct
from collections.abc import Callable, Iterable
from typing import BinaryIO

BLOCK = 1 << 20
#: How far past an ID3v2 tag the first MPEG frame is looked for (junk, stacked tags).
MPEG_SCAN_BYTES = 1 << 20
MAX_RIFF_CHUNKS = 10_000

Digest = Callable[[BinaryIO], "bytes | None"]
Ranges = list[tuple[int, int]]


def _size(handle: BinaryIO) -> int:
    return os.fstat(handle.fileno()).st_size


def hash_ranges(handle: BinaryIO, ranges: Iterable[tuple[int, int]], digest=None) -> bytes:  # noqa: ANN001
    import hashlib  # here: the MPEG, FLAC, MP4 and WAV payloads are compared, not hashed

    hasher = digest or hashlib.blake2b(digest_size=20)
    for offset, length in ranges:
        handle.seek(offset)
        left = length
        while left > 0:
            data = handle.read(min(left, BLOCK))
            if not data:
                hasher.update(b"<short>")
                break
            hasher.update(data)
            left -= len(data)
    return hasher.digest()


class RangesDigest:
    """The digest of a payload made of byte ranges, which also tells where those ranges are."""

    def __init__(self, ranges: Callable[[BinaryIO], Ranges | None],
                 digest: Digest | None = None) -> None:
        self.ranges = ranges
        self._digest = digest
        self.__doc__ = ranges.__doc__

    def __call__(self, handle: BinaryIO) -> bytes | None:
        if self._digest is not None:
            return self._digest(handle)
        found = self.ranges(handle)
        return None if found is None else hash_ranges(handle, found)

    def same(self, original: BinaryIO, new: BinaryIO) -> bool:
        """Whether ``new`` carries ``original``'s payload, byte for byte (True when the
        original's cannot be located: a damaged original leaves nothing to compare with)."""
        try:
            before = self.ranges(original)
        except Exception:  # noqa: BLE001 - a damaged original: nothing to compare with
            before = None
        if before is None:
            return True
        try:
            after = self.ranges(new)
        except Exception:  # noqa: BLE001 - the new file cannot even be parsed: refuse
            after = None
        return after is not None and same_payload(original, before, new, after)


def same_payload(first: BinaryIO, first_ranges: Ranges, second: BinaryIO,
                 second_ranges: Ranges) -> bool:
    """Whether the bytes of ``first_ranges`` in ``first`` equal those of ``second_ranges`` in
    ``second``, read side by side (the ranges may be cut differently in the two files)."""
    first_ranges, second_ranges = _within(first, first_ranges), _within(second, second_ranges)
    if sum(length for _, length in first_ranges) != sum(length for _, length in second_ranges):
        return False
    left, right = iter(first_ranges), iter(second_ranges)
    left_fd, right_fd = first.fileno(), second.fileno()
    buffers = (bytearray(BLOCK), bytearray(BLOCK))
    (left_at, left_rest), (right_at, right_rest) = next(left, (0, 0)), next(right, (0, 0))
    while left_rest and right_rest:
        size = min(left_rest, right_rest, BLOCK)
        if len(buffers[0]) != size:  # the last piece of a range: rare, so not worth a view
            buffers = (bytearray(size), bytearray(size))
        if os.preadv(left_fd, [buffers[0]], left_at) != size or \
                os.preadv(right_fd, [buffers[1]], right_at) != size or buffers[0] != buffers[1]:
            return False
        left_at, left_rest, right_at, right_rest = (left_at + size, left_rest - size,
                                                    right_at + size, right_rest - size)
        if not left_rest:
            left_at, left_rest = next(left, (0, 0))
        if not right_rest:
            right_at, right_rest = next(right, (0, 0))
    return True


def _within(handle: BinaryIO, ranges: Ranges) -> Ranges:
    """The non-empty parts of ``ranges`` that the file holds: a file cut short (an interrupted
    copy) has sample tables pointing past its end, and its copy carries the same cut."""
    size = _size(handle)
    return [(offset, min(length, size - offset)) for offset, length in ranges
            if length > 0 and offset < size]


def _syncsafe(raw: bytes) -> int:
    value = 0
    for byte in raw:
        value = (value << 7) | (byte & 0x7F)
    return value


def _after_id3(handle: BinaryIO) -> int:
    """Where a leading ID3v2 tag ends (0 if none); a footer counts only where "3DI" is."""
    handle.seek(0)
    head = handle.read(10)
    if len(head) < 10 or head[:3] != b"ID3":
        return 0
    end = 10 + _syncsafe(head[6:10])
    if head[5] & 0x10:
        handle.seek(end)
        if handle.read(3) == b"3DI":
            end += 10
    return end


# --- MPEG audio ------------------------------------------------------------------------

_BITRATES = {  # kbit/s by (MPEG-1?, layer)
    (True, 1): (0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448),
    (True, 2): (0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384),
    (True, 3): (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320),
    (False, 1): (0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256),
    (False, 2): (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),
}
_BITRATES[(False, 3)] = _BITRATES[(False, 2)]
_RATES = {3: (44100, 48000, 32000), 2: (22050, 24000, 16000), 0: (11025, 12000, 8000)}


def mpeg_frame_length(header: bytes) -> int:
    """Bytes of the MPEG audio frame this 4-byte header starts (0 if it is not one)."""
    if len(header) < 4 or header[0] != 0xFF or header[1] & 0xE0 != 0xE0:
        return 0
    version, layer_bits = (header[1] >> 3) & 3, (header[1] >> 1) & 3
    bitrate_index, rate_index = header[2] >> 4, (header[2] >> 2) & 3
    if version == 1 or layer_bits == 0 or bitrate_index in (0, 15) or rate_index == 3:
        return 0
    layer = 4 - layer_bits
    mpeg1 = version == 3
    bitrate = _BITRATES[(mpeg1, layer)][bitrate_index] * 1000
    rate = _RATES[version][rate_index]
    padding = (header[2] >> 1) & 1
    if layer == 1:
        return (12 * bitrate // rate + padding) * 4
    per_frame = 144 if mpeg1 or layer == 2 else 72
    return per_frame * bitrate // rate + padding


def mpeg_ranges(handle: BinaryIO) -> Ranges | None:
    """From the first MPEG frame after the ID3v2 tag to the end of the file.

    The frame is found by a scan (a frame header followed by another where its length says)
    from where the tag ends without a footer: a footer, real or not, is skipped either way.
    """
    handle.seek(0)
    head = handle.read(10)
    start = 10 + _syncsafe(head[6:10]) if len(head) == 10 and head[:3] == b"ID3" else 0
    handle.seek(start)
    first = _first_frame(handle.read(MPEG_SCAN_BYTES + 4))
    begin = start + (first if first is not None else 0)
    return [(begin, max(0, _size(handle) - begin))]


mpeg_digest = RangesDigest(mpeg_ranges)


def _first_frame(window: bytes) -> int | None:
    position = window.find(b"\xff")
    while 0 <= position < len(window) - 4:
        length = mpeg_frame_length(window[position:position + 4])
        if length and (position + length + 4 > len(window)
                       or mpeg_frame_length(window[position + length:position + length + 4])):
            return position
        position = window.find(b"\xff", position + 1)
    return None


# --- FLAC ------------------------------------------------------------------------------

def flac_ranges(handle: BinaryIO) -> Ranges | None:
    """The frames after the last metadata block (behind an ID3v2 tag, if any)."""
    offset = _after_id3(handle)
    handle.seek(offset)
    if handle.read(4) != b"fLaC":
        return None
    offset += 4
    size = _size(handle)
    while True:
        handle.seek(offset)
        header = handle.read(4)
        if len(header) < 4:
            return None
        offset += 4 + int.from_bytes(header[1:4], "big")
        if offset > size:
            return None
        if header[0] & 0x80:
            return [(offset, size - offset)]


flac_digest = RangesDigest(flac_ranges)


# --- Ogg -------------------------------------------------------------------------------

_UNSET_GRANULE = b"\xff" * 8


def ogg_digest(handle: BinaryIO) -> bytes | None:
    """Every audio page's stream, granule position and body; not the header pages, nor the
    sequence numbers and checksums, which a longer comment header legitimately renumbers."""
    import hashlib

    hasher = hashlib.blake2b(digest_size=20)
    handle.seek(0)
    in_audio = False
    pages = 0
    while True:
        header = handle.read(27)
        if len(header) < 27:
            break
        if header[:4] != b"OggS":
            return None if pages == 0 else _finish(hasher, b"<junk>" + header + handle.read())
        segments = handle.read(header[26])
        page = handle.read(sum(segments))
        pages += 1
        granule = header[6:14]
        if not in_audio and granule not in (b"\0" * 8, _UNSET_GRANULE):
            in_audio = True
        if in_audio:
            hasher.update(header[5:6] + granule + header[14:18])
            hasher.update(struct.pack(">I", len(page)))
            hasher.update(page)
    return hasher.digest() if pages else None


def _finish(hasher, tail: bytes) -> bytes:  # noqa: ANN001
    hasher.update(tail)
    return hasher.digest()


# --- MP4 -------------------------------------------------------------------------------

#: Boxes walked into (by seeking: a large 'free' or 'udta' inside 'moov' is never read).
_MP4_CONTAINERS = {b"moov", b"trak", b"mdia", b"minf", b"stbl", b"tref"}
#: Leaf boxes read: what locates each track's samples, and what tells a chapter track.
_MP4_LEAVES = {b"tkhd", b"hdlr", b"stsz", b"stsc", b"stco", b"co64", b"chap"}
MAX_MP4_BOXES = 100_000
MAX_SAMPLE_TABLE_BYTES = 64 * 1024 * 1024


def _mp4_children(handle: BinaryIO, start: int, end: int, found: dict, budget: list[int]) -> None:
    offset = start
    while end - offset >= 8:
        budget[0] -= 1
        if budget[0] < 0:
            raise ValueError("too many boxes")
        handle.seek(offset)
        head = handle.read(16)
        size, kind = struct.unpack_from(">I4s", head)
        header = 8
        if size == 1 and len(head) == 16:
            size, header = struct.unpack_from(">Q", head, 8)[0], 16
        elif size == 0:
            size = end - offset
        if size < header or offset + size > end:
            raise ValueError("a box runs past its parent")
        if kind in _MP4_CONTAINERS:
            child: dict = {}
            _mp4_children(handle, offset + header, offset + size, child, budget)
            found.setdefault(kind, []).append(child)
        elif kind in _MP4_LEAVES:
            if size - header > MAX_SAMPLE_TABLE_BYTES:
                raise ValueError("a sample table too large to be real")
            handle.seek(offset + header)
            found[kind] = handle.read(size - header)
        offset += size


def _mp4_tracks(handle: BinaryIO) -> list[tuple[int, Ranges]] | None:
    """Each track but chapter text tracks: its id and where its samples are, in order."""
    try:
        top: dict = {}
        _mp4_children(handle, 0, _size(handle), top, [MAX_MP4_BOXES])
        moov = top.get(b"moov")
        if not moov or len(moov) != 1:
            return None
        tracks = moov[0].get(b"trak", [])
        chapter_ids = {track_id for trak in tracks for tref in trak.get(b"tref", [])
                       for track_id in _u32s(tref.get(b"chap", b""))}
        found = []
        for trak in tracks:
            track_id = _track_id(trak[b"tkhd"])
            mdia = trak[b"mdia"][0]
            handler = mdia[b"hdlr"][8:12]
            if handler in (b"text", b"sbtl") or track_id in chapter_ids:
                continue
            stbl = mdia[b"minf"][0][b"stbl"][0]
            found.append((track_id, _sample_ranges(stbl, _size(handle))))
        return found
    except (KeyError, IndexError, ValueError, struct.error):
        return None


def mp4_ranges(handle: BinaryIO) -> Ranges | None:
    """The sample bytes of every track but chapter text tracks, track after track."""
    tracks = _mp4_tracks(handle)
    return None if tracks is None else [piece for _, ranges in tracks for piece in ranges]


def _mp4_track_digest(handle: BinaryIO) -> bytes | None:
    tracks = _mp4_tracks(handle)
    if tracks is None:
        return None
    import hashlib

    hasher = hashlib.blake2b(digest_size=20)
    for track_id, ranges in tracks:
        hasher.update(struct.pack(">I", track_id))
        hasher.update(hash_ranges(handle, ranges))
    return hasher.digest()


mp4_digest = RangesDigest(mp4_ranges, _mp4_track_digest)


def _u32s(data: bytes) -> tuple[int, ...]:
    return struct.unpack_from(f">{len(data) // 4}I", data)


def _track_id(tkhd: bytes) -> int:
    return struct.unpack_from(">I", tkhd, 20 if tkhd[0] == 1 else 12)[0]


def _sample_ranges(stbl: dict, file_size: int) -> list[tuple[int, int]]:
    """Byte ranges of a track's samples, in order, adjacent ones merged."""
    uniform, count = struct.unpack_from(">II", stbl[b"stsz"], 4)
    if count > file_size:
        raise ValueError("stsz claims more samples than bytes")
    sizes = [uniform] * count if uniform else list(struct.unpack_from(f">{count}I", stbl[b"stsz"], 12))
    if b"stco" in stbl:
        table, code, width = stbl[b"stco"], "I", 4
    else:
        table, code, width = stbl[b"co64"], "Q", 8
    chunks = struct.unpack_from(">I", table, 4)[0]
    if 8 + chunks * width > len(table):
        raise ValueError("short chunk offset table")
    offsets = struct.unpack_from(f">{chunks}{code}", table, 8)
    stsc = stbl[b"stsc"]
    runs = [struct.unpack_from(">II", stsc, 8 + 12 * i)
            for i in range(struct.unpack_from(">I", stsc, 4)[0])]
    ranges: list[tuple[int, int]] = []
    sample = 0
    for index, (first_chunk, per_chunk) in enumerate(runs):
        last = runs[index + 1][0] if index + 1 < len(runs) else len(offsets) + 1
        for chunk in range(max(first_chunk, 1), min(last, len(offsets) + 1)):
            take = min(per_chunk, count - sample)
            length = sum(sizes[sample:sample + take])
            sample += take
            offset = offsets[chunk - 1]
            if ranges and ranges[-1][0] + ranges[-1][1] == offset:
                ranges[-1] = (ranges[-1][0], ranges[-1][1] + length)
            else:
                ranges.append((offset, length))
    return ranges


# --- WAV -------------------------------------------------------------------------------

def wav_ranges(handle: BinaryIO) -> Ranges | None:
    """The 'data' chunk's bytes."""
    handle.seek(0)
    head = handle.read(12)
    if len(head) < 12 or head[:4] != b"RIFF" or head[8:12] != b"WAVE":
        return None
    offset, size = 12, _size(handle)
    for _ in range(MAX_RIFF_CHUNKS):
        handle.seek(offset)
        chunk = handle.read(8)
        if len(chunk) < 8:
            return None
        length = struct.unpack_from("<I", chunk, 4)[0]
        if chunk[:4] == b"data":
            return [(offset + 8, min(length, size - offset - 8))]
        offset += 8 + length + (length & 1)
    return None


wav_digest = RangesDigest(wav_ranges)


#: Container name -> its payload digest.
DIGESTS: dict[str, Digest] = {"mp3": mpeg_digest, "flac": flac_digest, "ogg": ogg_digest,
                              "opus": ogg_digest, "mp4": mp4_digest, "wav": wav_digest}

"""Where each MPEG audio frame of an MP3 starts: seeking by frame number, not by byte guesses.

A Xing/VBRI table of contents maps percentages of the length to bytes in 1/256ths of the
file: close, never exact, so it cannot say which frame (hence which sample) a byte starts.
The index is one walk of the frame headers (4 bytes a frame, never the audio): the file is
scanned for sync bytes with numpy and the chain of frames followed in Python, so a
2.5-hour file costs a fraction of a decode. Junk between frames is skipped as ffmpeg's
demuxer skips it; the walk stops at a trailing tag, at a frame cut short and at a change of
stream (sample rate, layer); ``stream_length`` counts the frames of the same walk.

``header`` keeps the Xing/Info/VBRI frame: ffmpeg reads the encoder delay and padding from
it. A window decoded from frame ``n`` with that frame put in front of it is trimmed by ffmpeg
exactly as the whole file is, so its sample ``k`` is the whole decode's sample
``n * samples_per_frame + k``, whatever the encoder wrote (LAME, Lavf, none).
"""

from __future__ import annotations

import bisect
import mmap
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from podcast_tool.containers.id3.mpeg import (
    _BITRATES,
    _STREAM_MASK,
    _TAG_MARKERS,
    Frame,
    _first_frame,
    locate_stream,
    map_file,
    parse_frame,
)

if TYPE_CHECKING:
    import numpy as np

#: Bytes scanned for sync bytes at once (the scan's temporary arrays are a few times this).
_SCAN_BYTES = 4 << 20
_MAGIC = b"podcast-tool-frames-1\n"
#: Samples the MPEG decoder's filters delay its output by (ffmpeg adds them to the tag's delay).
_DECODER_DELAY = 529
#: Encoders whose Xing/Info header carries the LAME tag's delays, as ffmpeg reads them.
_LAME_TAGGERS = (b"LAME", b"Lavf", b"Lavc")


@dataclass(frozen=True)
class FrameIndex:
    sample_rate: int
    samples_per_frame: int
    #: The Xing/Info/VBRI frame (empty if the stream has none).
    header: bytes
    #: Byte offset of every audio frame, in order (the header frame is not one of them).
    offsets: np.ndarray
    #: Where the last whole frame ends.
    end: int
    #: The frames follow each other from the start (or the ID3v2 tag) to the end, with nothing
    #: between them. ffmpeg decodes junk differently (it may miss the Xing frame or lose a frame
    #: beside the junk), so only such a stream maps frame numbers to its whole decode's times.
    contiguous: bool = True

    @property
    def frames(self) -> int:
        return len(self.offsets)

    def frame_end(self, number: int) -> int:
        """Where frame ``number`` ends (the next frame's start, or the stream's end)."""
        return int(self.offsets[number + 1]) if number + 1 < self.frames else self.end

    def whole_samples(self) -> int:
        """Samples of a whole decode by ffmpeg: it trims the delay and padding a LAME tag gives."""
        decoded = self.frames * self.samples_per_frame
        delays = _lame_delays(self.header)
        if delays is None:
            return decoded
        claimed, _, end_pad = delays
        if claimed:
            decoded = min(decoded, claimed * self.samples_per_frame - end_pad + _DECODER_DELAY)
        return max(0, decoded - self.start_skip())

    def start_skip(self) -> int:
        """Samples ffmpeg drops at the start: the delays a LAME tag gives, else none."""
        delays = _lame_delays(self.header)
        return 0 if delays is None else delays[1] + _DECODER_DELAY

    def to_bytes(self) -> bytes:
        import numpy as np

        head = np.array([self.sample_rate, self.samples_per_frame, len(self.header), self.end,
                         self.frames, int(self.contiguous)], dtype="<i8")
        return (_MAGIC + head.tobytes() + self.header
                + np.asarray(self.offsets, dtype="<i8").tobytes())

    @classmethod
    def from_bytes(cls, data: bytes) -> FrameIndex | None:
        """The index serialized by ``to_bytes``, or None for anything else (an old cache)."""
        import numpy as np

        if not data.startswith(_MAGIC) or len(data) < len(_MAGIC) + 48:
            return None
        rate, per_frame, header_size, end, count, contiguous = (
            int(v) for v in np.frombuffer(data, dtype="<i8", count=6, offset=len(_MAGIC)))
        start = len(_MAGIC) + 48
        if min(rate, per_frame, header_size, end, count) < 0 or (
                len(data) != start + header_size + 8 * count):
            return None
        header = data[start:start + header_size]
        offsets = np.frombuffer(data, dtype="<i8", offset=start + header_size).copy()
        return cls(rate, per_frame, header, offsets, end, bool(contiguous))


def _frame_sizes(version: int, layer: int, sample_rate: int) -> list[int]:
    """Frame size without padding for each bitrate index (0 where the index is invalid)."""
    sizes = []
    for kbps in _BITRATES[(version, layer)]:
        bitrate = kbps * 1000
        if not bitrate:
            sizes.append(0)
        elif layer == 1:
            sizes.append(12 * bitrate // sample_rate * 4)
        elif layer == 3 and version == 2:
            sizes.append(72 * bitrate // sample_rate)
        else:
            sizes.append(144 * bitrate // sample_rate)
    return sizes + [0]


def _candidates(data: mmap.mmap, start: int, stop: int, stream: int, sizes: list[int],
                padding: int) -> tuple[np.ndarray, np.ndarray]:
    """Offsets in [start, stop) where a header of ``stream`` could start, and each frame's size."""
    import numpy as np

    block = np.frombuffer(data, dtype=np.uint8, count=min(len(data), stop + 3) - start,
                          offset=start)
    if len(block) < 4:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    where = np.flatnonzero(block[:-3] == 0xFF)
    header = ((block[where].astype(np.uint32) << 24) | (block[where + 1].astype(np.uint32) << 16)
              | (block[where + 2].astype(np.uint32) << 8) | block[where + 3])
    del block
    keep = (header & _STREAM_MASK) == stream
    where, header = where[keep], header[keep]
    size = np.asarray(sizes, dtype=np.int64)[(header >> 12) & 15]
    size += ((header >> 9) & 1).astype(np.int64) * padding
    valid = size > 0
    return where[valid] + start, size[valid]


def build_index(path: Path, start: int = 0) -> FrameIndex | None:
    """The frame index of the MPEG audio stream at or after byte ``start`` (None: no frames)."""
    import numpy as np

    with open(path, "rb") as handle:
        data = map_file(handle)
    if data is None:
        return None
    with data:
        stream = locate_stream(data, start)
        if stream is None:
            return None
        first = stream.first
        header = bytes(data[first.offset:first.offset + first.size]) if stream.vbr else b""
        found = np.zeros(0, dtype=np.int64)
        stop = first.offset + first.size
        if stream.audio is not None:
            found = frame_offsets(data, stream.audio, stream.end)
        contiguous = first.offset == start
        if len(found):
            stop = int(found[-1]) + _size_at(data, int(found[-1]))
            sizes = np.diff(found)
            contiguous = (contiguous and int(found[0]) == first.offset + len(header)
                          and bool(np.all(sizes == _sizes_of(data, found[:-1]))))
        return FrameIndex(first.sample_rate, first.samples, header, found, stop, contiguous)


def frame_offsets(data: mmap.mmap, first: Frame, end: int) -> np.ndarray:
    """The offset of every frame of ``first``'s stream from ``first`` on, up to ``end``.

    Walked bytes are dropped from memory as the walk goes: the map would otherwise fill RSS.
    """
    import numpy as np

    stream = first.header & _STREAM_MASK
    sizes = _frame_sizes(first.version, first.layer, first.sample_rate)
    padding = 4 if first.layer == 1 else 1
    offsets: list[np.ndarray] = []
    position = first.offset
    released = position - position % mmap.PAGESIZE
    while position + 4 <= end:
        upto = position - position % mmap.PAGESIZE
        if upto > released:
            data.madvise(mmap.MADV_DONTNEED, released, upto - released)
            released = upto
        scanned = min(end, position + _SCAN_BYTES)
        starts, lengths = _candidates(data, position, scanned, stream, sizes, padding)
        if not len(starts) or int(starts[0]) != position:
            position = _resync(data, position, end, stream)
            if position < 0:
                break
            continue
        # Each candidate's successor: the candidate where its frame ends, if there is one.
        after = starts + lengths
        following = np.searchsorted(starts, after)
        chained = (following < len(starts)) & (
            starts[np.minimum(following, len(starts) - 1)] == after) & (after <= end)
        number = 0
        # Mostly a frame's successor is the very next candidate: follow the chain by runs of
        # those, and step over the sync-like bytes inside frames one by one.
        breaks = np.flatnonzero(~(chained & (following == np.arange(1, len(starts) + 1)))
                                ).tolist()
        successor, linked = following.tolist(), chained.tolist()
        runs = []
        while True:
            stop = breaks[bisect.bisect_left(breaks, number)]
            runs.append(np.arange(number, stop + 1))
            number = stop
            if not linked[number]:
                break
            number = successor[number]
        found = np.concatenate(runs)
        if int(after[number]) > end:
            offsets.append(starts[found[:-1]])  # the last frame is cut short
            break
        offsets.append(starts[found])
        position = int(after[number])
        if position < scanned:
            position = _resync(data, position, end, stream)
            if position < 0:
                break
    return np.concatenate(offsets) if offsets else np.zeros(0, dtype=np.int64)


def _resync(data: mmap.mmap, position: int, end: int, stream: int) -> int:
    """The next frame of ``stream`` after junk at ``position``, or -1 (a tag, another stream)."""
    if bytes(data[position:position + 8]).startswith(_TAG_MARKERS):
        return -1
    resync = _first_frame(data, position + 1, end)
    if resync is None or resync.header & _STREAM_MASK != stream:
        return -1
    return resync.offset


def _size_at(data: mmap.mmap, offset: int) -> int:
    frame = parse_frame(data, offset)
    return frame.size if frame is not None else 0


def _sizes_of(data: mmap.mmap, offsets: np.ndarray) -> np.ndarray:
    """The size each frame's header gives (a gap between frames means junk)."""
    import numpy as np

    first = parse_frame(data, int(offsets[0])) if len(offsets) else None
    if first is None:
        return np.zeros(0, dtype=np.int64)
    view = np.frombuffer(data, dtype=np.uint8)
    rate_and_pad = (view[offsets + 2].astype(np.int64))
    sizes = np.asarray(_frame_sizes(first.version, first.layer, first.sample_rate),
                       dtype=np.int64)[rate_and_pad >> 4]
    result = sizes + ((rate_and_pad >> 1) & 1) * (4 if first.layer == 1 else 1)
    del view
    return result


def _xing_position(header: bytes) -> int | None:
    """Where the Xing/Info marker stands in a header frame (None: it is no such frame)."""
    frame = parse_frame(header, 0) if header else None
    if frame is None:
        return None
    mono = frame.mode == 3
    position = (21 if mono else 36) if frame.version == 1 else (13 if mono else 21)
    return position if header[position:position + 4] in (b"Xing", b"Info") else None


def _lame_delays(header: bytes) -> tuple[int, int, int] | None:
    """(frames the header claims, encoder delay, padding) from a LAME tag, as ffmpeg reads it."""
    position = _xing_position(header)
    if position is None:
        return None
    flags = int.from_bytes(header[position + 4:position + 8], "big")
    position += 8
    claimed = 0
    if flags & 1:
        claimed = int.from_bytes(header[position:position + 4], "big")
        position += 4
    position += (4 if flags & 2 else 0) + (100 if flags & 4 else 0) + (4 if flags & 8 else 0)
    if header[position:position + 4] not in _LAME_TAGGERS or len(header) < position + 24:
        return None
    delays = int.from_bytes(header[position + 21:position + 24], "big")
    return claimed, delays >> 12, delays & 0xFFF

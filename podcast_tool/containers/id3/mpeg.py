"""How long an MPEG audio stream (MP3) plays, from its frame headers.

mutagen takes a VBR file's length from its Xing/Info or VBRI header, and without
one guesses it from the first frame's bitrate and the file size: a VBR file with
no such header (written by some streaming tools and phone recorders) then comes
out far too short or too long. A header can also lie: a file cut short (an
interrupted upload) still claims its full length.

``stream_length`` reads the headers only (4 bytes a frame, never the audio):
when a Xing/VBRI header gives both a frame count and a byte count that the file
really holds, it is trusted; otherwise every frame header is walked, by the same
walk that indexes the frames for seeking (``frameindex.frame_offsets``), which is
linear in the file size and bounded by it (the file is memory-mapped, not read
into memory).
"""

from __future__ import annotations

import mmap
from dataclasses import dataclass
from typing import BinaryIO

_BITRATES = {
    (1, 1): (0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448),
    (1, 2): (0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384),
    (1, 3): (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320),
    (2, 1): (0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256),
    (2, 2): (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),
}
_BITRATES[(2, 3)] = _BITRATES[(2, 2)]
#: Version bits -> (MPEG version for the tables, sample rates).
_VERSIONS = {0: (2, (11025, 12000, 8000)), 2: (2, (22050, 24000, 16000)), 3: (1, (44100, 48000, 32000))}
#: A header stripped of the bits that change between frames (bitrate, padding, private, mode…).
_STREAM_MASK = 0xFFFE0C00
#: Trailing tags a walk stops at.
_TAG_MARKERS = (b"TAG", b"APETAGEX", b"LYRICS", b"ID3")
#: Junk (bytes that are no frame) skipped before giving up on finding more frames.
MAX_JUNK_BYTES = 1 << 20
#: A header's byte count counts as "all there" within this margin (a last frame, a tag).
_BYTES_SLACK = 4096


@dataclass(frozen=True)
class Frame:
    offset: int
    size: int
    samples: int
    sample_rate: int
    layer: int
    version: int
    mode: int
    header: int


def parse_frame(data: bytes | mmap.mmap, offset: int) -> Frame | None:
    """The MPEG audio frame whose header starts at ``offset``, or None if none does."""
    if offset + 4 > len(data):
        return None
    header = int.from_bytes(data[offset:offset + 4], "big")
    if header >> 21 != 0x7FF:
        return None
    version_bits, layer_bits = (header >> 19) & 3, (header >> 17) & 3
    bitrate_index, rate_index = (header >> 12) & 15, (header >> 10) & 3
    if version_bits == 1 or layer_bits == 0 or bitrate_index in (0, 15) or rate_index == 3:
        return None
    version, rates = _VERSIONS[version_bits]
    layer = 4 - layer_bits
    bitrate = _BITRATES[(version, layer)][bitrate_index] * 1000
    sample_rate = rates[rate_index]
    padding = (header >> 9) & 1
    if layer == 1:
        size, samples = (12 * bitrate // sample_rate + padding) * 4, 384
    elif layer == 3 and version == 2:
        size, samples = 72 * bitrate // sample_rate + padding, 576
    else:
        size, samples = 144 * bitrate // sample_rate + padding, 1152
    return Frame(offset, size, samples, sample_rate, layer, version, (header >> 6) & 3, header)


@dataclass(frozen=True)
class VbrHeader:
    #: Audio frames the header says follow it (None if it does not say).
    frames: int | None
    #: Bytes of the stream, header frame included (None if it does not say).
    size: int | None


def vbr_header(data: bytes | mmap.mmap, frame: Frame) -> VbrHeader | None:
    """The Xing/Info or VBRI header inside the first frame, if it is one."""
    if frame.layer != 3:
        return None
    mono = frame.mode == 3
    xing = frame.offset + (21 if mono else 36) if frame.version == 1 else frame.offset + (13 if mono else 21)
    tag = bytes(data[xing:xing + 4])
    if tag in (b"Xing", b"Info"):
        flags = int.from_bytes(data[xing + 4:xing + 8], "big")
        position = xing + 8
        frames = size = None
        if flags & 1:
            frames = int.from_bytes(data[position:position + 4], "big")
            position += 4
        if flags & 2:
            size = int.from_bytes(data[position:position + 4], "big")
        return VbrHeader(frames, size)
    vbri = frame.offset + 36
    if bytes(data[vbri:vbri + 4]) == b"VBRI":
        size = int.from_bytes(data[vbri + 10:vbri + 14], "big")
        frames = int.from_bytes(data[vbri + 14:vbri + 18], "big")
        return VbrHeader(frames, size)
    return None


@dataclass(frozen=True)
class StreamLength:
    #: How long the frames really in the file play.
    playable_ms: int
    #: What a Xing/VBRI header claims, when there is one with a frame count.
    header_ms: int | None

    @property
    def truncated(self) -> bool:
        """The header claims noticeably more than the file holds (a file cut short)."""
        return self.header_ms is not None and self.header_ms - self.playable_ms > max(
            500, self.header_ms // 50)


def _audio_end(data: mmap.mmap, start: int) -> int:
    """Where the audio ends: before a trailing ID3v1 tag and APEv2 tag, if any."""
    end = len(data)
    if end - start >= 128 and data[end - 128:end - 125] == b"TAG":
        end -= 128
    if end - start >= 32 and data[end - 32:end - 24] == b"APETAGEX":
        ape_size = int.from_bytes(data[end - 20:end - 16], "little")
        end = max(start, end - ape_size - (32 if data[end - 9] & 0x80 else 0))
    return end


def _first_frame(data: mmap.mmap, start: int, end: int) -> Frame | None:
    """The first frame that a second frame of the same stream follows (junk can look like a sync)."""
    position = start
    end = min(end, start + MAX_JUNK_BYTES)
    while position < end:
        position = data.find(b"\xff", position, end)
        if position < 0:
            return None
        frame = parse_frame(data, position)
        if frame is not None and frame.size and position + frame.size <= end:
            following = parse_frame(data, position + frame.size)
            if position + frame.size == end or (
                    following is not None and following.header & _STREAM_MASK == frame.header & _STREAM_MASK):
                return frame
        position += 1
    return None


@dataclass(frozen=True)
class StreamStart:
    """Where an MPEG audio stream stands in a file: what every reading of its frames starts from."""

    #: Where the audio ends (before a trailing ID3v1 or APEv2 tag).
    end: int
    #: The first frame (the Xing/Info/VBRI frame, when there is one).
    first: Frame
    vbr: VbrHeader | None
    #: The first frame of audio (None: a header frame followed by nothing of its stream).
    audio: Frame | None


def locate_stream(data: mmap.mmap, start: int) -> StreamStart | None:
    """The stream at or after byte ``start`` of a mapped file (None: no frames)."""
    end = _audio_end(data, start)
    first = _first_frame(data, start, end)
    if first is None:
        return None
    header = vbr_header(data, first)
    audio: Frame | None = first
    if header is not None:
        # The header frame is silent; the audio starts after it.
        audio = parse_frame(data, first.offset + first.size)
        if audio is not None and audio.header & _STREAM_MASK != first.header & _STREAM_MASK:
            audio = None
    return StreamStart(end, first, header, audio)


def map_file(handle: BinaryIO) -> mmap.mmap | None:
    """The whole file mapped read-only (None for an empty file, which cannot be mapped)."""
    try:
        return mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
    except ValueError:
        return None


def stream_length(handle: BinaryIO, start: int) -> StreamLength | None:
    """The length of the MPEG audio stream that starts at or after ``start`` (None: no frames)."""
    data = map_file(handle)
    if data is None:
        return None
    with data:
        stream = locate_stream(data, start)
        if stream is None:
            return None
        first, header = stream.first, stream.vbr
        header_ms = None
        if header is not None and header.frames:
            header_ms = round(header.frames * first.samples * 1000 / first.sample_rate)
            if header.size is not None and stream.end - first.offset + _BYTES_SLACK >= header.size:
                return StreamLength(header_ms, header_ms)
        if stream.audio is None:
            return StreamLength(0, header_ms)
        from podcast_tool.containers.id3.frameindex import frame_offsets

        samples = len(frame_offsets(data, stream.audio, stream.end)) * first.samples
        return StreamLength(round(samples * 1000 / first.sample_rate), header_ms)

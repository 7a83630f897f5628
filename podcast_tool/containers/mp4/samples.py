"""How much of an MP4 movie really plays when the file is cut short.

A recording cut while it was copied or uploaded keeps its ``moov`` (when it comes
first) and loses the end of its ``mdat``: the header still claims the full
duration. ``playable_ms`` finds the samples of the audio track whose bytes lie
wholly inside the file, and adds their durations. It reads only the sample tables
(already in memory with ``moov``) and is vectorised, so it stays fast on hours of
audio; sample counts are bounded by the tables' real sizes, never by what a
damaged header claims.
"""

from __future__ import annotations

import struct

import numpy as np

from podcast_tool.containers.mp4.boxes import Box
from podcast_tool.containers.mp4.movie import MEDIA_HANDLERS, Movie, Track


def _entries(box: Box | None, header: int, width: int) -> tuple[bytes, int]:
    """A table's payload and how many whole entries it really holds (what it claims, at most)."""
    if box is None or len(box.payload) < header:
        return b"", 0
    claimed = struct.unpack_from(">I", box.payload, header - 4)[0]
    return box.payload, min(claimed, (len(box.payload) - header) // width)


#: More samples than this (a hundred hours of AAC) is not a recording: look no further.
MAX_SAMPLES = 1 << 24


def _sample_sizes(stbl: Box, limit: int) -> np.ndarray:
    """The first sizes of the sample size table, at most ``limit`` of them."""
    box = stbl.find(b"stsz")
    if box is None or len(box.payload) < 12:
        return np.zeros(0, dtype=np.int64)
    uniform, claimed = struct.unpack_from(">II", box.payload, 4)
    if uniform:
        return np.full(min(claimed, limit), uniform, dtype=np.int64)
    payload, count = _entries(box, 12, 4)
    count = min(count, limit)
    return np.frombuffer(payload, dtype=">u4", count=count, offset=12).astype(np.int64)


def _chunk_offsets(stbl: Box) -> np.ndarray:
    box = stbl.find(b"stco") or stbl.find(b"co64")
    if box is None:
        return np.zeros(0, dtype=np.int64)
    width = 4 if box.kind == b"stco" else 8
    payload, count = _entries(box, 8, width)
    return np.frombuffer(payload, dtype=">u4" if width == 4 else ">u8", count=count,
                         offset=8).astype(np.int64)


def _samples_per_chunk(stbl: Box, chunks: int) -> np.ndarray:
    payload, count = _entries(stbl.find(b"stsc"), 8, 12)
    per_chunk = np.zeros(chunks, dtype=np.int64)
    runs = np.frombuffer(payload, dtype=">u4", count=count * 3, offset=8).reshape(-1, 3) if count \
        else np.zeros((0, 3), dtype=np.int64)
    for index, (first, samples, _) in enumerate(runs.tolist()):
        following = int(runs[index + 1][0]) if index + 1 < len(runs) else chunks + 1
        if first >= 1:
            per_chunk[first - 1:max(following - 1, first - 1)] = samples
    return per_chunk


def _durations_of_first(stbl: Box, count: int) -> int:
    """The summed duration (media units) of the first ``count`` samples."""
    payload, entries = _entries(stbl.find(b"stts"), 8, 8)
    table = np.frombuffer(payload, dtype=">u4", count=entries * 2, offset=8).reshape(-1, 2) \
        .astype(np.int64) if entries else np.zeros((0, 2), dtype=np.int64)
    taken = np.minimum(table[:, 0], np.maximum(count - (np.cumsum(table[:, 0]) - table[:, 0]), 0))
    return int((taken * table[:, 1]).sum())


def track_playable_units(track: Track, file_size: int) -> int:
    """Media-timescale units of ``track`` whose sample bytes are all in the file (in order)."""
    stbl = track.sample_table
    offsets = _chunk_offsets(stbl)
    per_chunk = _samples_per_chunk(stbl, len(offsets))
    sizes = _sample_sizes(stbl, min(int(per_chunk.sum()), MAX_SAMPLES))
    located = len(sizes)
    if not located:
        return 0
    sizes = sizes[:located]
    chunk_of = np.searchsorted(np.cumsum(per_chunk), np.arange(located), side="right")
    first_of_chunk = np.cumsum(per_chunk) - per_chunk
    ends_in_chunk = np.cumsum(sizes)
    chunk_base = np.concatenate(([0], ends_in_chunk))[first_of_chunk[chunk_of]]
    sample_ends = offsets[chunk_of] + ends_in_chunk - chunk_base
    outside = np.flatnonzero(sample_ends > file_size)
    whole = int(outside[0]) if len(outside) else located
    return _durations_of_first(stbl, whole)


def playable_ms(movie: Movie) -> int:
    """How long the audio that is really in the file plays (for a movie that ``looks_cut``)."""
    media = [track for track in movie.tracks if track.handler in MEDIA_HANDLERS]
    audio = next((track for track in media if track.handler == b"soun"), media[0] if media else None)
    if audio is None:
        return 0
    timescale = audio.media_header()[0]
    if not timescale:
        return 0
    return round(track_playable_units(audio, movie.file_size) * 1000 / timescale)

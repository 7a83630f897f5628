"""Room after ``moov`` for later re-tags, and the patches that use it.

The whole-file write lays out ``moov``, then the chapters' own ``mdat``, then (when other
boxes follow, as the audio ``mdat`` of a faststart file does) a ``free`` box of headroom.
A later tag or strip rewrites only that region: its new ``moov`` and chapter ``mdat``
either fill the old region exactly or leave room for a new ``free`` box, so no other box
moves and no audio chunk offset changes. When the region ends the file (``moov`` at the
end), it may grow or shrink freely. Only the bytes that differ are written, through the
undo journal of ``podcast_tool.inplace``.
"""

from __future__ import annotations

import struct

from podcast_tool.containers.mp4.boxes import TopBox
from podcast_tool.containers.mp4.movie import Movie
from podcast_tool.inplace import Patch, changed_spans

#: Headroom reserved after the chapter data: this much at least, or a tenth of what it follows.
MIN_HEADROOM = 16 * 1024
#: Top-level boxes that hold nothing and may be overwritten.
PADDING_KINDS = (b"free", b"skip")
FREE_HEADER = 8
#: A region larger than this is written whole: comparing and journaling it in place holds
#: several copies of it in memory (a long audiobook's moov stays well under it).
MAX_REGION_BYTES = 16 * 1024 * 1024


def headroom(used: int) -> int:
    """Bytes of ``free`` box to reserve after ``used`` bytes of movie and chapter data."""
    return max(MIN_HEADROOM, used // 10)


#: Filler before udta for the chapter tracks to grow into: this much at least, or a quarter
#: of the tracks.
MIN_UDTA_HEADROOM = 1024


def udta_headroom(tracks: int) -> int:
    return max(MIN_UDTA_HEADROOM, tracks // 4)


def free_box(size: int) -> bytes:
    return struct.pack(">I4s", size, b"free") + bytes(size - FREE_HEADER)


def region(movie: Movie, dropped: list[TopBox], kept_offsets: list[int]) -> list[TopBox]:
    """``moov`` and the boxes right after it that a re-tag may overwrite: padding, and mdats
    only old chapter tracks used (never a box a kept track's chunk points into)."""
    index = movie.tops.index(movie.moov_top)
    found = [movie.moov_top]
    for top in movie.tops[index + 1:]:
        unused = not any(top.offset <= offset < top.end for offset in kept_offsets)
        if top in dropped or (top.kind in PADDING_KINDS and unused):
            found.append(top)
        else:
            break
    return found


def fit(new: bytes, room: int, at_end: bool) -> bytes | None:
    """``new`` padded to ``room`` with a ``free`` box; None when it does not fit.

    A region that ends the file needs no filler: the file grows or shrinks with it."""
    if at_end or len(new) == room:
        return new
    if len(new) + FREE_HEADER <= room:
        return new + free_box(room - len(new))
    return None


def patches(old: bytes, new: bytes, start: int) -> list[Patch]:
    """What turns the region ``old`` at ``start`` into ``new`` (which may be longer)."""
    common = min(len(old), len(new))
    found = changed_spans(old[:common], new[:common], start)
    if len(new) > common:
        found.append(Patch(start + common, new[common:]))
    return found

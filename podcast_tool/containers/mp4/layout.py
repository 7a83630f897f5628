"""Where an edited movie lands in the file, and the write that puts it there.

- In place (``room``) when the new ``moov`` and chapter ``mdat`` fit in the region the
  previous write left (``moov``, the chapter data and the ``free`` box after them), or
  grow at the end of the file when that region ends it;
- otherwise the new file is assembled in a temporary file (``safewrite.rewrite``): the
  new ``moov`` and chapter ``mdat`` are written, every other top-level box is copied with
  ``copy_range`` (an in-kernel copy), and every chunk offset (``stco``/``co64`` of every
  track) moves by however far its box moved. The chapter text samples go in their own
  small ``mdat`` right after ``moov``, so a faststart file stays faststart and the audio
  ``mdat`` is never touched; a ``free`` box of headroom follows them when other boxes do.
"""

from __future__ import annotations

import os
import struct
from pathlib import Path
from typing import BinaryIO

from podcast_tool.containers import WriteReport
from podcast_tool.containers.mp4 import room
from podcast_tool.containers.mp4.boxes import Relocation
from podcast_tool.containers.mp4.chapter_edit import Edit, set_udta_filler, udta_offset
from podcast_tool.errors import AudioFileError, UnsupportedAudioError, WriteError
from podcast_tool.i18n import _
from podcast_tool.inplace import apply
from podcast_tool.safewrite import check_writable, copy_range, rewrite

#: Boxes in ``stbl`` that hold absolute file offsets we do not rewrite.
UNMOVABLE_OFFSET_BOXES = (b"saio",)


def build_chapter_mdat(edit: Edit) -> tuple[bytes, int]:
    """The chapters' own mdat (text samples, then images) and the length of its text part."""
    samples = edit.chapter_track.samples if edit.chapter_track else b""
    artwork = edit.artwork_track.data if edit.artwork_track else b""
    text_length = len(samples)
    samples += artwork
    return (struct.pack(">I4s", 8 + len(samples), b"mdat") + samples if samples else b""), text_length


def place_chapters(edit: Edit, chapter_offset: int, text_length: int) -> None:
    if edit.chapter_track is not None:
        edit.chapter_track.set_chunk_offset(chapter_offset + 8)
    if edit.artwork_track is not None:
        edit.artwork_track.set_data_offset(chapter_offset + 8 + text_length)


def write(path: Path, handle: BinaryIO, edit: Edit) -> WriteReport:
    """Write the edit in place when it fits in the room after moov, else a whole new file."""
    written = write_in_place(path, handle, edit)
    if written is not None:
        return WriteReport(in_place=True, bytes_written=written)
    _pad_udta(edit, None)
    write_whole(path, handle, edit)
    return WriteReport()


def _pad_udta(edit: Edit, keep_at: int | None) -> None:
    """Size the filler before udta: to keep udta at ``keep_at`` when it can, else headroom."""
    movie = edit.movie
    if edit.udta_at is None or not any(box.kind == b"trak" for box in movie.moov.kids()):
        return
    set_udta_filler(movie, 0)
    if edit.chapter_track is None:
        return  # a strip gives the movie back its own layout
    at = udta_offset(movie)
    if at is None:
        return
    if keep_at is not None and (keep_at == at or keep_at - at >= room.FREE_HEADER):
        set_udta_filler(movie, keep_at - at)
    else:
        tracks = edit.chapter_track.trak.size() + (
            edit.artwork_track.trak.size() if edit.artwork_track is not None else 0)
        set_udta_filler(movie, room.udta_headroom(tracks))


def write_in_place(path: Path, handle: BinaryIO, edit: Edit) -> int | None:
    """Rewrite only moov, the chapter mdat and the padding after them; None if it cannot."""
    movie = edit.movie
    kept_offsets = [offset for table in edit.tables for offset in table.offsets]
    area = room.region(movie, edit.dropped, kept_offsets)
    start, end = area[0].offset, area[-1].end
    at_end = end == movie.file_size
    # A moov that ends the file grows there, the audio before it unmoved (even on a first
    # tag); a moov alone before other boxes has no room: a whole write lays the room out.
    if (len(area) == 1 and not at_end) or any(top not in area for top in edit.dropped):
        return None
    _pad_udta(edit, edit.udta_at)
    if end - start > room.MAX_REGION_BYTES or movie.moov.size() > room.MAX_REGION_BYTES:
        return None
    chapter_mdat, text_length = build_chapter_mdat(edit)
    moov_size = movie.moov.size()
    for _round in range(8):
        for table in edit.tables:
            table.apply(Relocation())
        place_chapters(edit, start + moov_size, text_length)
        if movie.moov.size() == moov_size:
            break
        moov_size = movie.moov.size()
    else:
        return None
    new = room.fit(movie.moov.to_bytes() + chapter_mdat, end - start, at_end)
    if new is None:
        return None
    handle.seek(start)
    old = handle.read(end - start)
    if len(old) != end - start or os.fstat(handle.fileno()).st_size != movie.file_size:
        return None  # changed since it was parsed: the whole write checks and says so
    check_writable(path)
    return apply(path, room.patches(old, new, start),
                 new_size=start + len(new) if at_end and len(new) != len(old) else None)


def write_whole(path: Path, handle: BinaryIO, edit: Edit) -> None:
    """Lay the new file out with headroom after the chapter data, fix every chunk offset,
    and write it through a temp file."""
    movie = edit.movie
    chapter_mdat, text_length = build_chapter_mdat(edit)
    kept_offsets = sorted(offset for table in edit.tables for offset in table.offsets)
    # Old padding after moov is replaced by the new headroom.
    padding = [top for top in room.region(movie, edit.dropped, kept_offsets)[1:]
               if top not in edit.dropped]
    kept = [top for top in movie.tops if top not in edit.dropped and top not in padding]
    moov_size = movie.moov.size()
    follows = kept.index(movie.moov_top) < len(kept) - 1 or movie.trailing
    filler = room.headroom(moov_size + len(chapter_mdat)) if follows else 0
    for _round in range(8):  # converges in 1-3 rounds (stco may widen to co64 once)
        relocation = Relocation()
        position = 0
        chapter_offset = 0
        for top in kept:
            if top is movie.moov_top:
                position += moov_size
                chapter_offset = position
                position += len(chapter_mdat) + filler
            else:
                relocation.moves.append((top.offset, top.end, position - top.offset))
                position += top.size
        for table in edit.tables:
            table.apply(relocation)
        place_chapters(edit, chapter_offset, text_length)
        new_size = movie.moov.size()
        if new_size == moov_size:
            break
        moov_size = new_size
    else:
        raise AudioFileError(_("could not lay out the new movie header"), path=path)
    if any(delta for _start, _end, delta in relocation.moves) and any(
            box.kind in UNMOVABLE_OFFSET_BOXES for box in movie.moov.walk()):
        raise UnsupportedAudioError(_("the file carries encryption offsets (saio) that "
                                      "podcast-tool cannot move; it looks DRM-protected"), path=path)
    # New bytes, or (offset, length) ranges of the original, adjacent ranges merged.
    pieces: list[bytes | tuple[int, int]] = []
    for top in kept:
        if top is movie.moov_top:
            pieces += [movie.moov.to_bytes(), chapter_mdat,
                       room.free_box(filler) if filler else b""]
            continue
        last = pieces[-1] if pieces else None
        if isinstance(last, tuple) and sum(last) == top.offset:
            pieces[-1] = (last[0], last[1] + top.size)
        else:
            pieces.append((top.offset, top.size))
    if movie.trailing:
        pieces.append((movie.file_size - movie.trailing, movie.trailing))
    with rewrite(path) as out:
        for piece in pieces:
            if isinstance(piece, bytes):
                out.write(piece)
            elif copy_range(handle, out, *piece) != piece[1]:
                raise WriteError(_("the file got shorter while it was being tagged; nothing was "
                                   "written"), path=path)


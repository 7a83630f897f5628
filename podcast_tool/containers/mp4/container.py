"""MP4 family (.m4a, .m4b, .mp4, .m4r): Nero ``chpl`` and a QuickTime chapter track.

mutagen cannot write MP4 chapters (its issue #295), so this is our own code:

- ``moov`` is parsed (``mp4_movie``); old chapter tracks (whatever ``tref/chap``
  names, ffmpeg's included), their ``tref/chap`` references and ``chpl`` are
  removed, and new ones built (``mp4_chapters``);
- the chapter text samples go in their own small ``mdat`` right after ``moov``,
  so a faststart file stays faststart and the audio ``mdat`` is never touched;
  a ``free`` box of headroom follows them when other boxes do, so that a later
  re-tag that fits is patched in place (``room``) instead of copying the file;
  an ``mdat`` that only old chapter tracks used is dropped, so re-tagging never
  leaves orphans behind;
- otherwise the new file is assembled in a temporary file (``safewrite.rewrite``): the
  new ``moov`` and chapter ``mdat`` are written, every other top-level box is
  copied with ``copy_range`` (an in-kernel copy), and every chunk offset
  (``stco``/``co64`` of every track) moves by however far its box moved.

Everything else (``ftyp``, ``ilst`` tags and cover art, edit lists, gapless
info, other ``udta`` boxes) is written back byte for byte.
"""

from __future__ import annotations

import bisect
import contextlib
import os
import struct
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import BinaryIO

from podcast_tool.containers import (
    AudioLength,
    Capabilities,
    WriteOptions,
    WriteReport,
    not_kept_note,
    truncated_note,
)
from podcast_tool.containers.mp4 import room
from podcast_tool.containers.mp4.boxes import Box, BoxError, Relocation, TopBox
from podcast_tool.containers.mp4.chapter_track import (
    CHPL_MAX_CHAPTERS,
    CHPL_MAX_TITLE_BYTES,
    HREF_MAX_URL_BYTES,
    IMAGE_ENTRY_TYPES,
    ArtworkTrack,
    ChapterTrack,
    build_artwork_track,
    build_chapter_track,
    build_chpl,
    chunk_offset_box,
)
from podcast_tool.containers.mp4.movie import (
    MEDIA_HANDLERS,
    UNDETERMINED_LANGUAGE,
    FragmentedMovieError,
    Movie,
    Track,
    load_movie,
    read_chapters,
)
from podcast_tool.errors import AudioFileError, ChapterFormatError, UnsupportedAudioError, WriteError
from podcast_tool.i18n import _
from podcast_tool.images import picture_info
from podcast_tool.inplace import apply
from podcast_tool.model import Chapter, Diagnostic, Episode, Severity
from podcast_tool.outline.timecodes import format_clock
from podcast_tool.safewrite import check_writable, copy_range, rewrite

#: Top-level boxes a file may start with besides ftyp (old QuickTime files).
OTHER_FIRST_BOXES = (b"moov", b"mdat", b"free", b"skip", b"wide")
#: A pause shorter than this between a written end and the next start is the outline's
#: rounding, not a pause to list: it stays in the chapter before.
MIN_GAP_MS = 30_000
#: Boxes in ``stbl`` that hold absolute file offsets we do not rewrite.
UNMOVABLE_OFFSET_BOXES = (b"saio",)


@contextlib.contextmanager
def _box_errors(path: Path) -> Iterator[None]:
    """Damage found while parsing or laying out boxes becomes an error naming the file."""
    try:
        yield
    except FragmentedMovieError:
        raise UnsupportedAudioError(
            _("fragmented MP4 (moof boxes), which podcast-tool cannot chapter"),
            path=path, hint=_("remux it first: ffmpeg -i IN -c copy OUT.m4a")) from None
    except BoxError as error:
        raise AudioFileError(_("not a valid MP4 file: {error}").format(error=error), path=path) from None
    except (struct.error, IndexError) as error:
        raise AudioFileError(_("not a valid MP4 file: its boxes are inconsistent ({error})").format(
                                 error=error),
                             path=path) from None


class _OffsetTable:
    """A kept track's stco/co64, rewritten from its original offsets for each layout tried."""

    def __init__(self, box: Box, offsets: list[int]) -> None:
        self.box = box
        self.offsets = offsets
        self.original = (box.kind, box.payload)

    def apply(self, relocation: Relocation) -> None:
        moved = relocation.shift(self.offsets)
        if moved is self.offsets:
            self.box.kind, self.box.payload = self.original  # unmoved: the original bytes
            return
        wide = self.original[0] == b"co64" or (bool(moved) and max(moved) > 0xFFFFFFFF)
        self.box.kind = b"co64" if wide else b"stco"
        self.box.payload = (bytes(4) + struct.pack(">I", len(moved))
                            + struct.pack(f">{len(moved)}{'Q' if wide else 'I'}", *moved))


@dataclass
class _Edit:
    """What a write or strip changes, decided before any byte is written."""

    movie: Movie
    #: Top-level boxes dropped (mdats only old chapter tracks used).
    dropped: list[TopBox]
    tables: list[_OffsetTable]
    chapter_track: ChapterTrack | None = None
    artwork_track: ArtworkTrack | None = None
    #: True when moov changed at all (else there is nothing to write).
    changed: bool = False


def _remove_old_chapters(movie: Movie) -> _Edit:
    """Take out chapter tracks, tref/chap and chpl; find mdats left without a user."""
    old = movie.chapter_tracks()
    changed = bool(old)
    removed_offsets: list[int] = []
    for track in old:
        removed_offsets += track.chunk_offsets()
        movie.moov.kids().remove(track.trak)
    tables = []
    for track in movie.tracks:
        tref = track.trak.find(b"tref")
        if tref is not None and tref.find(b"chap") is not None:
            tref.kids()[:] = [box for box in tref.kids() if box.kind != b"chap"]
            if not tref.kids():
                track.trak.kids().remove(tref)
            changed = True
        box, _entries = chunk_offset_box(track.sample_table)
        tables.append(_OffsetTable(box, track.chunk_offsets()))
    udta = movie.udta
    if udta is not None and udta.find(b"chpl") is not None:
        udta.kids()[:] = [box for box in udta.kids() if box.kind != b"chpl"]
        changed = True
    kept = sorted(offset for table in tables for offset in table.offsets)
    dropped = []
    for top in movie.tops:
        if top.kind == b"mdat" and _holds_any(removed_offsets, top) and not _holds_sorted(kept, top):
            dropped.append(top)
    return _Edit(movie, dropped, tables, changed=changed)


def _holds_any(offsets: list[int], box: TopBox) -> bool:
    return any(box.offset <= offset < box.end for offset in offsets)


def _holds_sorted(sorted_offsets: list[int], box: TopBox) -> bool:
    index = bisect.bisect_left(sorted_offsets, box.offset)
    return index < len(sorted_offsets) and sorted_offsets[index] < box.end


def _hms(ms: int) -> str:
    return format_clock(ms, always_hours=True, millis=False)


def _add_chapters(edit: _Edit, chapters: list[Chapter], episode: Episode, path: Path,
                  options: WriteOptions) -> list[Diagnostic]:
    """Build chpl and the chapter track into the movie; return what the user should know."""
    movie = edit.movie
    diagnostics: list[Diagnostic] = []

    def note(severity: Severity, code: str, message: str, chapter: Chapter | None = None,
             hint: str | None = None) -> None:
        if chapter is not None and chapter.line is not None and episode.source is not None:
            where, line = str(episode.source), chapter.line
        else:
            where, line = str(path), None
        diagnostics.append(Diagnostic(severity, code, message, file=where, line=line, hint=hint))

    media = [track for track in movie.tracks if track.handler in MEDIA_HANDLERS]
    if not media:
        raise AudioFileError(_("the file has no audio track to attach chapters to"), path=path)
    movie_duration, movie_timescale = movie.duration()
    audio = next((track for track in media if track.handler == b"soun"), media[0])
    audio_timescale, _duration, language = audio.media_header()
    # The audio's own clock, like ffmpeg: chapter times land on its samples.
    timescale = audio_timescale if audio_timescale >= 1000 else 1000
    total = round(movie_duration * timescale / movie_timescale)
    if total <= 0:
        raise AudioFileError(_("the file reports no duration; cannot place chapters"), path=path)
    starts = [round(chapter.start_ms * timescale / 1000) for chapter in chapters]
    for index, (chapter, start) in enumerate(zip(chapters, starts, strict=True)):
        if start >= total:
            raise ChapterFormatError(
                _("chapter {number} ({title!r}) starts at {start}, at or after the end of the "
                  "audio ({end})").format(
                    number=index + 1, title=chapter.title, start=_hms(chapter.start_ms),
                    end=_hms(round(total * 1000 / timescale))),
                path=path)
        if index and start <= starts[index - 1]:
            raise ChapterFormatError(
                _("chapters {first} and {second} start at the same time ({start})").format(
                    first=index, second=index + 1, start=_hms(chapter.start_ms)), path=path)

    segments = _segments(chapters, starts, total, timescale, episode, path, options)
    for segment in segments:
        if segment.chapter is None and segment.start == 0:
            note(Severity.INFO, "mp4-preroll-titled",
                 _("the QuickTime chapter track starts at 0:00:00: the opening before the first "
                   "chapter ({hms}) is a chapter titled {title!r} in Apple's and ffmpeg's lists").format(
                     hms=_hms(chapters[0].start_ms), title=segment.title),
                 hint=_("add a chapter at 0'00 to title the opening yourself"))
        elif segment.chapter is None:
            note(Severity.INFO, "mp4-gap-titled",
                 _("the pause from {hms} is a chapter titled {title!r} (MP4 chapters have no end "
                   "times)").format(
                     hms=_hms(round(segment.start * 1000 / timescale)), title=segment.title),
                 hint=_("--gap-title sets its title; --gap-title '' merges it into the chapter before"))
    starts = [segment.start for segment in segments]
    titles = [segment.title for segment in segments]
    durations = [end - start for start, end in zip(starts, starts[1:] + [total], strict=True)]

    kept_ids = [track.track_id for track in movie.tracks]
    track_id = max(kept_ids, default=0) + 1
    creation, modification, _timescale, _length = movie.movie_header()
    urls = []
    for segment in segments:
        url = segment.chapter.url if segment.chapter is not None else None
        if url and len(url.encode("utf-8")) > HREF_MAX_URL_BYTES:
            note(Severity.WARNING, "mp4-link-too-long",
                 _("the link of {title!r} is longer than {most} bytes, which a chapter track's "
                   "href cannot hold: it is not written").format(title=segment.title,
                                                                  most=HREF_MAX_URL_BYTES),
                 segment.chapter)
            url = None
        urls.append(url)
    edit.chapter_track, cut_samples = build_chapter_track(
        track_id=track_id, titles=titles, urls=urls, durations=durations, timescale=timescale,
        movie_duration=movie_duration, language=language or UNDETERMINED_LANGUAGE,
        creation=creation, modification=modification)
    for index in cut_samples:
        note(Severity.WARNING, "mp4-title-cut", _("a chapter title longer than 65535 bytes was cut"),
             segments[index].chapter)
    images, left_out = _segment_images(segments)
    for segment in left_out:
        note(Severity.WARNING, "mp4-image-type",
             _("the image of {title!r} is not written: an MP4 chapter artwork track holds one "
               "image type, and most chapter images are of the other (JPEG or PNG)").format(
                 title=segment.title),
             segment.chapter, hint=_("give every chapter image the same type"))
    references = [track_id]
    if images is not None:
        edit.artwork_track = build_artwork_track(
            track_id=track_id + 1, images=images, durations=durations, timescale=timescale,
            movie_duration=movie_duration, language=language or UNDETERMINED_LANGUAGE,
            creation=creation, modification=modification)
        references.append(track_id + 1)

    last_trak = max(index for index, box in enumerate(movie.moov.kids()) if box.kind == b"trak")
    movie.moov.kids().insert(last_trak + 1, edit.chapter_track.trak)
    if edit.artwork_track is not None:
        movie.moov.kids().insert(last_trak + 2, edit.artwork_track.trak)
    for track in media:
        _add_chapter_reference(track, references)
    movie.set_next_track_id(references[-1] + 1)

    # chpl holds the chapters alone: readers of both forms tell the opening and pause samples
    # of the track by their absence from chpl.
    in_chpl = chapters[:CHPL_MAX_CHAPTERS]
    if len(chapters) > CHPL_MAX_CHAPTERS:
        note(Severity.WARNING, "mp4-chpl-too-many",
             _("the Nero chapter list (chpl) holds at most {chpl_max_chapters} chapters; {value} "
               "later ones are only in the QuickTime track").format(
                 chpl_max_chapters=CHPL_MAX_CHAPTERS, value=len(chapters) - CHPL_MAX_CHAPTERS))
    chpl, cut_titles = build_chpl([(chapter.start_ms, chapter.title) for chapter in in_chpl])
    for index in cut_titles:
        note(Severity.WARNING, "mp4-chpl-title-cut",
             _("chapter {value}'s title is longer than {chpl_max_title_bytes} bytes: the Nero "
               "chapter list (chpl) keeps its first {chpl_max_title_bytes} bytes, as AntennaPod "
               "reads title lengths as signed bytes and loses the list from a longer one on (the "
               "QuickTime track keeps the whole title)").format(
                 value=index + 1, chpl_max_title_bytes=CHPL_MAX_TITLE_BYTES), in_chpl[index],
             hint=_("shorter titles read whole everywhere"))
    udta = movie.udta
    if udta is None:
        movie.moov.kids().append(Box.container(b"udta", [chpl]))
    else:
        udta.kids().append(chpl)
    edit.changed = True
    if options.gap_title:
        # Pauses are samples of their own: an end well before the next start is kept.
        total_ms = round(total * 1000 / timescale)
        nexts = [c.start_ms for c in chapters[1:]] + [None]
        chapters = [replace(c, end_ms=None) if c.end_ms is not None and (
            (nxt if nxt is not None else total_ms) - c.end_ms >= MIN_GAP_MS) else c
            for c, nxt in zip(chapters, nexts, strict=True)]
    return diagnostics + not_kept_note(chapters, path, Mp4Container.capabilities,
                                       code="mp4-not-kept",
                                       holds=_("MP4 chapters (chpl and the QuickTime track) "
                                               "hold start, title, link and image"))


@dataclass
class _Segment:
    """One sample of the chapter track: a chapter, or the opening or a pause (no chapter)."""

    start: int
    title: str
    chapter: Chapter | None


def _segments(chapters: list[Chapter], starts: list[int], total: int, timescale: int,
              episode: Episode, path: Path, options: WriteOptions) -> list[_Segment]:
    """The chapter track's samples: samples are durations from 0, so the opening before a
    later first chapter, and a pause between a written end and the next start, get samples
    of their own, titled (an untitled one shows as an untitled chapter in every player)."""
    segments: list[_Segment] = []
    if starts[0] > 0:
        segments.append(_Segment(0, options.preroll_title or episode.title or path.stem, None))
    ends = starts[1:] + [total]
    for chapter, start, following in zip(chapters, starts, ends, strict=True):
        segments.append(_Segment(start, chapter.title, chapter))
        if options.gap_title and chapter.end_ms is not None:
            end = round(chapter.end_ms * timescale / 1000)
            if start < end and following - end >= MIN_GAP_MS * timescale // 1000:
                segments.append(_Segment(end, options.gap_title, None))
    return segments


def _segment_images(segments: list[_Segment]
                    ) -> tuple[list[tuple[bytes, str, int, int]] | None, list[_Segment]]:
    """Each sample's image (data, MIME type, width, height), None if no chapter has one; and
    the chapters whose image could not go in.

    Every sample of an artwork track needs an image: a chapter without one, or a pause, shows
    the image before it; the opening shows the first one. One track holds one image type
    (ffmpeg decodes a whole track with one codec): the type most chapters use."""
    own: list[tuple[bytes, str, int, int] | None] = []
    for segment in segments:
        data = segment.chapter.image_data if segment.chapter is not None else None
        info = picture_info(data) if data else None
        if data is None or info is None or info.mime not in IMAGE_ENTRY_TYPES:
            own.append(None)
            continue
        own.append((data, info.mime, info.width or 0, info.height or 0))  # type: ignore[arg-type]
    mimes = [image[1] for image in own if image is not None]
    if not mimes:
        return None, []
    kind = max(IMAGE_ENTRY_TYPES, key=mimes.count)
    left_out = [segment for segment, image in zip(segments, own, strict=True)
                if image is not None and image[1] != kind]
    own = [image if image is not None and image[1] == kind else None for image in own]
    current = next(image for image in own if image is not None)
    images = []
    for image in own:
        current = image or current
        images.append(current)
    return images, left_out


def _add_chapter_reference(track: Track, chapter_track_ids: list[int]) -> None:
    chap = Box(b"chap", payload=b"".join(struct.pack(">I", i) for i in chapter_track_ids))
    tref = track.trak.find(b"tref")
    if tref is not None:
        tref.kids().append(chap)
        return
    # tref sits before mdia, like ffmpeg and Apple write it.
    children = track.trak.kids()
    mdia = next((index for index, box in enumerate(children) if box.kind == b"mdia"),
                len(children))
    children.insert(mdia, Box.container(b"tref", [chap]))


def _chapter_mdat(edit: _Edit) -> tuple[bytes, int]:
    """The chapters' own mdat (text samples, then images) and the length of its text part."""
    samples = edit.chapter_track.samples if edit.chapter_track else b""
    artwork = edit.artwork_track.data if edit.artwork_track else b""
    text_length = len(samples)
    samples += artwork
    return (struct.pack(">I4s", 8 + len(samples), b"mdat") + samples if samples else b""), text_length


def _place_chapters(edit: _Edit, chapter_offset: int, text_length: int) -> None:
    if edit.chapter_track is not None:
        edit.chapter_track.set_chunk_offset(chapter_offset + 8)
    if edit.artwork_track is not None:
        edit.artwork_track.set_data_offset(chapter_offset + 8 + text_length)


def _write(path: Path, handle: BinaryIO, edit: _Edit) -> WriteReport:
    """Write the edit in place when it fits in the room after moov, else a whole new file."""
    written = _write_in_place(path, handle, edit)
    if written is not None:
        return WriteReport(in_place=True, bytes_written=written)
    _write_whole(path, handle, edit)
    return WriteReport()


def _write_in_place(path: Path, handle: BinaryIO, edit: _Edit) -> int | None:
    """Rewrite only moov, the chapter mdat and the padding after them; None if it cannot."""
    movie = edit.movie
    kept_offsets = [offset for table in edit.tables for offset in table.offsets]
    area = room.region(movie, edit.dropped, kept_offsets)
    # A moov alone was not laid out by a whole write of ours: that write comes first.
    if len(area) == 1 or any(top not in area for top in edit.dropped):
        return None
    start, end = area[0].offset, area[-1].end
    at_end = end == movie.file_size
    chapter_mdat, text_length = _chapter_mdat(edit)
    moov_size = movie.moov.size()
    for _round in range(8):
        for table in edit.tables:
            table.apply(Relocation())
        _place_chapters(edit, start + moov_size, text_length)
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


def _write_whole(path: Path, handle: BinaryIO, edit: _Edit) -> None:
    """Lay the new file out with headroom after the chapter data, fix every chunk offset,
    and write it through a temp file."""
    movie = edit.movie
    chapter_mdat, text_length = _chapter_mdat(edit)
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
        _place_chapters(edit, chapter_offset, text_length)
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


class Mp4Container:
    name = "mp4"
    # chpl holds 255 chapters of 127-byte titles (AntennaPod reads the length byte signed);
    # the QuickTime track holds more, longer ones, but players reading only chpl see what chpl
    # holds. The track's samples are durations from 0: no end times; the opening before a
    # later first chapter and pauses of 30 s or more get titled samples of their own.
    capabilities = Capabilities(
        label="M4A/M4B", extensions=(".m4a", ".m4b", ".mp4", ".m4r", ".m4v", ".mov"),
        episode_extensions=(".m4a", ".m4b"), keeps=frozenset({"url", "image"}),
        max_chapters=CHPL_MAX_CHAPTERS, max_title_bytes=CHPL_MAX_TITLE_BYTES, pads_start=True)

    def sniff(self, head: bytes) -> bool:
        if len(head) < 8:
            return False
        size, kind = struct.unpack_from(">I4s", head)
        if kind == b"ftyp":
            return 8 <= size <= 4096
        if kind not in OTHER_FIRST_BOXES or not (size in (0, 1) or size >= 8):
            return False
        if kind == b"moov":
            return head[12:16] in (b"mvhd", b"cmov", b"")
        if kind in (b"free", b"skip", b"wide") and 8 <= size <= len(head) - 8:
            # A padding box is common to many formats: insist the next box is MP4's too.
            return head[size + 4:size + 8] in (b"ftyp", b"moov", b"mdat", b"free", b"skip", b"wide")
        return True

    def open(self, path: Path) -> Mp4File:
        return Mp4File(path)


class Mp4File:
    """An MP4 file: its movie box parsed once, when first needed.

    A write or strip edits that parse (the registry parses the file again after it).
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._movie: Movie | None = None

    def movie(self) -> Movie:
        if self._movie is None:
            with _box_errors(self.path), self.path.open("rb") as handle:
                self._movie = load_movie(handle)
        return self._movie

    def duration_ms(self) -> int:
        return self.length().duration_ms

    def length(self) -> AudioLength:
        """The movie's duration; what really plays, with a warning, when the file was cut short."""
        with _box_errors(self.path):
            movie = self.movie()
            duration, timescale = movie.duration()
            playable = None
            if movie.looks_cut():
                from podcast_tool.containers.mp4.samples import playable_ms  # numpy: only then

                playable = playable_ms(movie)
        header_ms = round(duration * 1000 / timescale) or self._mutagen_ms()
        if playable is not None and header_ms - playable > max(500, header_ms // 50):
            return AudioLength(playable, [truncated_note(self.path, playable, header_ms)])
        return AudioLength(header_ms)

    def _mutagen_ms(self) -> int:
        from mutagen.mp4 import MP4

        return round(MP4(self.path).info.length * 1000)

    def read(self) -> Episode:
        movie = self.movie()
        with _box_errors(self.path), self.path.open("rb") as handle:
            chapters = read_chapters(handle, movie)
            title = movie.title()
        return Episode(chapters=chapters, title=title, source=self.path,
                       duration_ms=self.duration_ms())

    def write(self, episode: Episode, options: WriteOptions) -> WriteReport:
        chapters = sorted(episode.chapters, key=lambda chapter: chapter.start_ms)
        movie = self.movie()
        with _box_errors(self.path), self.path.open("rb") as handle:
            edit = _remove_old_chapters(movie)
            diagnostics = (_add_chapters(edit, chapters, episode, self.path, options) if chapters
                           else [])
            report = _write(self.path, handle, edit) if edit.changed else WriteReport()
        report.diagnostics = diagnostics
        return report

    def strip(self) -> int:
        movie = self.movie()
        with _box_errors(self.path), self.path.open("rb") as handle:
            count = len(read_chapters(handle, movie))
            edit = _remove_old_chapters(movie)
            if edit.changed:
                _write(self.path, handle, edit)
        return count


CONTAINER = Mp4Container()

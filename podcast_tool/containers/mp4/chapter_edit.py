"""What a write or strip changes in ``moov``, decided before any byte is written.

Old chapter tracks (whatever ``tref/chap`` names, ffmpeg's included), their ``tref/chap``
references and ``chpl`` are removed; mdats only those tracks used are marked to drop, so
re-tagging never leaves orphans behind; new ``chpl`` and chapter (and artwork) tracks are
built into the movie. Where they land in the file is ``layout``'s job.
"""

from __future__ import annotations

import bisect
import struct
from dataclasses import dataclass, replace
from pathlib import Path

from podcast_tool.containers.mp4 import CHPL_MAX_CHAPTERS, CHPL_MAX_TITLE_BYTES, MIN_GAP_MS, MP4
from podcast_tool.containers.mp4.boxes import Box, Relocation, TopBox
from podcast_tool.containers.mp4.chapter_track import (
    HREF_MAX_URL_BYTES,
    IMAGE_ENTRY_TYPES,
    ArtworkTrack,
    ChapterTrack,
    build_artwork_track,
    build_chapter_track,
    build_chpl,
)
from podcast_tool.containers.mp4.movie import MEDIA_HANDLERS, UNDETERMINED_LANGUAGE, Movie, Track
from podcast_tool.containers.mp4.sample_tables import chunk_offset_box
from podcast_tool.containers.results import WriteOptions, not_kept_note
from podcast_tool.errors import AudioFileError, ChapterFormatError
from podcast_tool.i18n import _
from podcast_tool.images import picture_info
from podcast_tool.model import Chapter, Diagnostic, Episode, Severity
from podcast_tool.outline.timecodes import format_clock

#: The padding box a write leaves between the tracks and udta.
FILLER_KIND = b"free"

class OffsetTable:
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
class Edit:
    """What a write or strip changes, decided before any byte is written."""

    movie: Movie
    #: Top-level boxes dropped (mdats only old chapter tracks used).
    dropped: list[TopBox]
    tables: list[OffsetTable]
    chapter_track: ChapterTrack | None = None
    artwork_track: ArtworkTrack | None = None
    #: True when moov changed at all (else there is nothing to write).
    changed: bool = False
    #: Where udta stood inside moov before the edit (None: no udta after the tracks).
    udta_at: int | None = None


def remove_old_chapters(movie: Movie) -> Edit:
    """Take out chapter tracks, tref/chap and chpl; find mdats left without a user."""
    udta_at = udta_offset(movie)
    old = movie.chapter_tracks()
    changed = bool(old)
    removed_offsets: list[int] = []
    kids = movie.moov.kids()
    for track in old:
        removed_offsets += track.chunk_offsets()
        index = kids.index(track.trak)
        del kids[index]
        if index < len(kids) and kids[index].kind == FILLER_KIND and not any(
                box.kind == b"trak" for box in kids[index:]):
            del kids[index]  # the filler a write of ours left before udta
    tables = []
    for track in movie.tracks:
        tref = track.trak.find(b"tref")
        if tref is not None and tref.find(b"chap") is not None:
            tref.kids()[:] = [box for box in tref.kids() if box.kind != b"chap"]
            if not tref.kids():
                track.trak.kids().remove(tref)
            changed = True
        box, _entries = chunk_offset_box(track.sample_table)
        tables.append(OffsetTable(box, track.chunk_offsets()))
    udta = movie.udta
    if udta is not None and udta.find(b"chpl") is not None:
        udta.kids()[:] = [box for box in udta.kids() if box.kind != b"chpl"]
        changed = True
    kept = sorted(offset for table in tables for offset in table.offsets)
    dropped = []
    for top in movie.tops:
        if top.kind == b"mdat" and _holds_any(removed_offsets, top) and not _holds_sorted(kept, top):
            dropped.append(top)
    return Edit(movie, dropped, tables, changed=changed, udta_at=udta_at)


def udta_offset(movie: Movie) -> int | None:
    """Where udta starts inside moov, when it follows the last track (where it usually is)."""
    kids = movie.moov.kids()
    at = movie.moov.size() - movie.moov.body_size()
    seen_track = False
    for box in kids:
        if box.kind == b"udta":
            return at if seen_track and not any(b.kind == b"trak" for b in kids[kids.index(box):]) \
                else None
        seen_track = seen_track or box.kind == b"trak"
        at += box.size()
    return None


def set_udta_filler(movie: Movie, size: int) -> None:
    """Put a ``free`` box of ``size`` bytes (none for 0) between the last track and udta.

    Chapter tracks grow and shrink with the chapters; the filler absorbs that, so udta (and
    the cover art in it) stays where it is and a re-tag does not rewrite it."""
    kids = movie.moov.kids()
    last = max(index for index, box in enumerate(kids) if box.kind == b"trak")
    if last + 1 < len(kids) and kids[last + 1].kind == FILLER_KIND:
        del kids[last + 1]
    if size:
        kids.insert(last + 1, Box(FILLER_KIND, payload=bytes(size - 8)))


def _holds_any(offsets: list[int], box: TopBox) -> bool:
    return any(box.offset <= offset < box.end for offset in offsets)


def _holds_sorted(sorted_offsets: list[int], box: TopBox) -> bool:
    index = bisect.bisect_left(sorted_offsets, box.offset)
    return index < len(sorted_offsets) and sorted_offsets[index] < box.end


def _hms(ms: int) -> str:
    return format_clock(ms, always_hours=True, millis=False)


def add_chapters(edit: Edit, chapters: list[Chapter], episode: Episode, path: Path,
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

    segments = chapter_segments(chapters, starts, total, timescale, episode, path, options)
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
    images, left_out = segment_images(segments)
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
    return diagnostics + not_kept_note(chapters, path, MP4.capabilities,
                                       code="mp4-not-kept",
                                       holds=_("MP4 chapters (chpl and the QuickTime track) "
                                               "hold start, title, link and image"))


@dataclass
class Segment:
    """One sample of the chapter track: a chapter, or the opening or a pause (no chapter)."""

    start: int
    title: str
    chapter: Chapter | None


def chapter_segments(chapters: list[Chapter], starts: list[int], total: int, timescale: int,
              episode: Episode, path: Path, options: WriteOptions) -> list[Segment]:
    """The chapter track's samples: samples are durations from 0, so the opening before a
    later first chapter, and a pause between a written end and the next start, get samples
    of their own, titled (an untitled one shows as an untitled chapter in every player)."""
    segments: list[Segment] = []
    if starts[0] > 0:
        segments.append(Segment(0, options.preroll_title or episode.title or path.stem, None))
    ends = starts[1:] + [total]
    for chapter, start, following in zip(chapters, starts, ends, strict=True):
        segments.append(Segment(start, chapter.title, chapter))
        if options.gap_title and chapter.end_ms is not None:
            end = round(chapter.end_ms * timescale / 1000)
            if start < end and following - end >= MIN_GAP_MS * timescale // 1000:
                segments.append(Segment(end, options.gap_title, None))
    return segments


def segment_images(segments: list[Segment]
                    ) -> tuple[list[tuple[bytes, str, int, int]] | None, list[Segment]]:
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


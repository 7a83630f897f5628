"""An MP4 file's movie structure: top-level boxes, the parsed ``moov``, its tracks.

``load_movie`` reads only the box headers and ``moov`` (never the media data),
and checks what chapter writing relies on. The accessors decode the few fields
we need from ``mvhd``, ``tkhd``, ``mdhd``, ``hdlr`` and ``ilst``.
"""

from __future__ import annotations

import bisect
import os
import struct
from dataclasses import dataclass
from typing import BinaryIO

from podcast_tool.containers.mp4.boxes import (
    Box,
    BoxError,
    TopBox,
    full_box_header,
    parse_box,
    read_box_bytes,
    scan_top_level,
)
from podcast_tool.containers.mp4.chapter_track import parse_chpl
from podcast_tool.containers.mp4.sample_tables import (
    chunk_offset_box,
    chunk_offsets,
    read_image_samples,
    read_text_samples_with_links,
)
from podcast_tool.images import image_mime
from podcast_tool.model import Chapter

#: ISO 639-2 "und" packed as in mdhd.
UNDETERMINED_LANGUAGE = b"\x55\xc4"
#: chpl's one-byte count: a list this long may stop before the track's chapters do.
CHPL_FULL = 255
#: Handlers of tracks that can carry chapter references (the media itself).
MEDIA_HANDLERS = (b"soun", b"vide")


class FragmentedMovieError(BoxError):
    """Fragmented MP4 (moof/mvex): sample data is described outside moov."""


@dataclass
class Track:
    trak: Box

    @property
    def header(self) -> Box:
        tkhd = self.trak.find(b"tkhd")
        if tkhd is None:
            raise BoxError("a track has no header ('tkhd'); the file looks damaged")
        return tkhd

    @property
    def track_id(self) -> int:
        payload = self.header.payload
        version = full_box_header(payload, b"tkhd", 24)
        offset = 20 if version == 1 else 12
        if len(payload) < offset + 4:
            raise BoxError("a track header ('tkhd') is too short; the file looks damaged")
        return int(struct.unpack_from(">I", payload, offset)[0])

    @property
    def duration(self) -> int:
        """Duration in the movie's timescale."""
        payload = self.header.payload
        version = full_box_header(payload, b"tkhd", 36)
        return int(struct.unpack_from(">Q" if version == 1 else ">I", payload,
                                      28 if version == 1 else 20)[0])

    @property
    def handler(self) -> bytes:
        hdlr = self.trak.path(b"mdia", b"hdlr")
        if hdlr is None or len(hdlr.payload) < 12:
            return b""
        return hdlr.payload[8:12]

    def media_header(self) -> tuple[int, int, bytes]:
        """(timescale, duration, packed language) from mdhd."""
        mdhd = self.trak.path(b"mdia", b"mdhd")
        if mdhd is None:
            raise BoxError("a track has no media header ('mdhd'); the file looks damaged")
        payload = mdhd.payload
        version = full_box_header(payload, b"mdhd", 24)
        if version == 1:
            full_box_header(payload, b"mdhd", 36)
            timescale, duration = struct.unpack_from(">IQ", payload, 20)
            language = payload[32:34]
        else:
            timescale, duration = struct.unpack_from(">II", payload, 12)
            language = payload[20:22]
        return timescale, duration, language

    @property
    def sample_table(self) -> Box:
        stbl = self.trak.path(b"mdia", b"minf", b"stbl")
        if stbl is None:
            raise BoxError("a track has no sample table ('stbl'); the file looks damaged")
        return stbl

    def chunk_offsets(self) -> list[int]:
        return chunk_offsets(self.sample_table)

    def chapter_refs(self) -> list[int]:
        """Track IDs named by this track's tref/chap."""
        chap = self.trak.path(b"tref", b"chap")
        if chap is None:
            return []
        count = len(chap.payload) // 4
        return list(struct.unpack_from(f">{count}I", chap.payload))


@dataclass
class Movie:
    file_size: int
    tops: list[TopBox]
    #: Bytes after the last box, too few to be a box (kept as they are).
    trailing: int
    moov_top: TopBox
    moov: Box

    @property
    def tracks(self) -> list[Track]:
        return [Track(trak) for trak in self.moov.find_all(b"trak")]

    @property
    def udta(self) -> Box | None:
        return self.moov.find(b"udta")

    def movie_header(self) -> tuple[int, int, int, int]:
        """(creation time, modification time, timescale, duration) from mvhd."""
        mvhd = self._mvhd()
        payload = mvhd.payload
        if payload[0] == 1:
            full_box_header(payload, b"mvhd", 112)
            return struct.unpack_from(">QQIQ", payload, 4)
        full_box_header(payload, b"mvhd", 100)
        return struct.unpack_from(">IIII", payload, 4)

    def set_next_track_id(self, value: int) -> None:
        mvhd = self._mvhd()
        offset = 108 if mvhd.payload[0] == 1 else 96
        mvhd.payload = mvhd.payload[:offset] + struct.pack(">I", value) + mvhd.payload[offset + 4:]

    def _mvhd(self) -> Box:
        mvhd = self.moov.find(b"mvhd")
        if mvhd is None or not mvhd.payload:
            raise BoxError("the movie has no header ('mvhd'); the file looks damaged")
        return mvhd

    def duration(self) -> tuple[int, int]:
        """(duration, timescale) of the movie; the longest track's when mvhd says 0."""
        _, _, timescale, duration = self.movie_header()
        if timescale == 0:
            raise BoxError("the movie header says its timescale is 0; the file looks damaged")
        if duration in (0, 0xFFFFFFFF, 0xFFFFFFFFFFFFFFFF):
            duration = max((track.duration for track in self.tracks), default=0)
        return duration, timescale

    def looks_cut(self) -> bool:
        """Cheap test: the file ends inside its ``mdat``, or a chunk starts past its end."""
        if any(top.cut for top in self.tops):
            return True
        return any(offset >= self.file_size for track in self.tracks
                   if track.handler in MEDIA_HANDLERS for offset in track.chunk_offsets())

    def chapter_track_ids(self) -> set[int]:
        """IDs of the tracks other tracks name as their chapters (tref/chap)."""
        ids: set[int] = set()
        for track in self.tracks:
            ids.update(track.chapter_refs())
        return ids

    def chapter_tracks(self) -> list[Track]:
        """Chapter tracks to replace: referenced by tref/chap, and not audio themselves."""
        ids = self.chapter_track_ids()
        return [track for track in self.tracks
                if track.track_id in ids and track.handler != b"soun"]

    def title(self) -> str | None:
        """The iTunes title (©nam), if any."""
        meta = self.moov.path(b"udta", b"meta")
        if meta is None:
            return None
        # ISO meta is a full box (4 bytes of version/flags); QuickTime's is not.
        start = 0 if meta.payload[4:8] == b"hdlr" else 4
        try:
            ilst = _find_child(meta.payload, start, b"ilst")
            name = _find_child(ilst, 0, b"\xa9nam") if ilst is not None else None
            data = _find_child(name, 0, b"data") if name is not None else None
        except struct.error:
            return None
        if data is None or len(data) < 8:
            return None
        return data[8:].decode("utf-8", "replace") or None


def _find_child(payload: bytes, start: int, kind: bytes) -> bytes | None:
    """The body of the first child box ``kind`` in ``payload[start:]`` (a light, bounded scan)."""
    offset = start
    while len(payload) - offset >= 8:
        size, found = struct.unpack_from(">I4s", payload, offset)
        if size < 8 or offset + size > len(payload):
            return None
        if found == kind:
            return payload[offset + 8:offset + size]
        offset += size
    return None


def load_movie(handle: BinaryIO) -> Movie:
    file_size = os.fstat(handle.fileno()).st_size
    if file_size < 8:
        raise BoxError("the file is too short to be an MP4")
    tops, trailing = scan_top_level(handle, file_size)
    moovs = [box for box in tops if box.kind == b"moov"]
    if not moovs:
        raise BoxError("no movie header ('moov'): the file is incomplete (an interrupted "
                       "recording or download?) or not an MP4")
    if len(moovs) > 1:
        raise BoxError("the file has two movie headers ('moov'); it looks damaged")
    if any(box.kind == b"moof" for box in tops):
        raise FragmentedMovieError("fragmented MP4")
    moov = parse_box(read_box_bytes(handle, moovs[0]))
    if moov.find(b"mvex") is not None:
        raise FragmentedMovieError("fragmented MP4")
    if moov.find(b"cmov") is not None:
        raise BoxError("the movie header is compressed ('cmov'), which podcast-tool cannot edit")
    movie = Movie(file_size, tops, trailing, moovs[0], moov)
    # Fail early, whatever the operation, on the damage chapter writing would trip on.
    movie.movie_header()
    for track in movie.tracks:
        track.track_id  # noqa: B018 - checks tkhd
        chunk_offset_box(track.sample_table)
    return movie


def _ms(units: int, timescale: int) -> int:
    return round(units * 1000 / timescale)


def _artwork(handle: BinaryIO, movie: Movie, timescale: int) -> list[tuple[int, int, bytes]]:
    """(start ms, end ms, image) of the chapter artwork track's samples (Apple's way)."""
    for track in movie.chapter_tracks():
        if track.handler != b"vide":
            continue
        scale = track.media_header()[0] or timescale
        found, position = [], 0
        for duration, data in read_image_samples(handle, movie.file_size, track.sample_table):
            found.append((_ms(position, scale), _ms(position + duration, scale), data))
            position += duration
        return found
    return []


def _image_at(images: list[tuple[int, int, bytes]], start_ms: int) -> bytes | None:
    return next((data for begin, end, data in images if begin <= start_ms < end), None)


def read_chapters(handle: BinaryIO, movie: Movie) -> list[Chapter]:
    """Chapters from the QuickTime chapter track, else from chpl (ends: next start / end).

    A track sample whose start chpl does not list is not a chapter but the opening before
    the first one or a pause after one (podcast-tool titles them so players show a title):
    the opening is dropped, a pause becomes the end of the chapter before it.
    """
    udta = movie.udta
    chpl = udta.find(b"chpl") if udta is not None else None
    pairs = parse_chpl(chpl.payload) if chpl is not None else []
    for track in movie.chapter_tracks():
        if track.handler not in (b"text", b"sbtl"):
            continue
        timescale = track.media_header()[0]
        if timescale == 0:
            raise BoxError("the chapter track's timescale is 0; the file looks damaged")
        try:
            samples = read_text_samples_with_links(handle, movie.file_size, track.sample_table)
        except BoxError:
            continue  # an unreadable chapter track (emptied tables): the chpl may still be whole
        images = _artwork(handle, movie, timescale)
        chapters = []
        position = 0
        listed = sorted(start for start, _ in pairs)
        tolerance = 1 + 1000 // timescale
        for duration, text, href in samples:
            start, end = _ms(position, timescale), _ms(position + duration, timescale)
            position += duration
            index = bisect.bisect_left(listed, start - tolerance)
            in_chpl = index < len(listed) and listed[index] <= start + tolerance
            # A full chpl (255 entries) lists only the first chapters: past it, all count.
            covered = bool(listed) and (len(listed) < CHPL_FULL or start <= listed[-1])
            if covered and not in_chpl and len(listed) < len(samples):
                if chapters and chapters[-1].end_ms is not None:
                    chapters[-1].end_ms = start  # a pause: the chapter before ends here
                continue
            image = _image_at(images, start)
            chapters.append(Chapter(start_ms=start, title=text, end_ms=end, url=href,
                                    image_data=image, image_mime=image_mime(image) if image
                                    else None))
        # Padding before a first chapter that starts later (untitled, by older writers).
        if len(chapters) > 1 and chapters[0].title == "" and chapters[0].start_ms == 0:
            chapters.pop(0)
        if chapters:
            return chapters
    if chpl is None:
        return []
    duration, timescale = movie.duration()
    end = _ms(duration, timescale)
    return [Chapter(start_ms=start, title=title,
                    end_ms=pairs[index + 1][0] if index + 1 < len(pairs) else max(end, start))
            for index, (start, title) in enumerate(pairs)]

"""What a preflight knows about a recording and its sidecars, read once for every app.

Players differ in *which bytes* they read, so the facts keep the raw details our own
reader smooths over: the ID3 version and each CHAP sub-frame's size, whether a
top-level CTOC exists, the ``chpl`` title lengths in bytes, the QuickTime chapter
track's samples (its untitled leading sample included), the Vorbis comment keys as
written. Sidecars (the chapter files published beside the audio) are loaded by the
format registry and classed by what reads them: feed JSON, Podlove, WebVTT, the
episode description's timestamps.
"""

from __future__ import annotations

import re
import struct
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from podcast_tool.model import Chapter

if TYPE_CHECKING:
    from podcast_tool.containers.mp4.container import Mp4File

#: Sidecar formats apps read, by what they are to the apps.
SIDECAR_ROLES = {"json": "json", "psc": "podlove", "vtt": "webvtt", "youtube": "description",
                 "outline": "description"}
ROLE_LABELS = {"json": "JSON", "podlove": "Podlove", "webvtt": "WebVTT",
               "description": "description"}
PODLOVE_NAMESPACE = "http://podlove.org/simple-chapters"
_PODLOVE_LIKE = re.compile(r"xmlns:?\w*\s*=\s*[\"']([^\"']*podlove\.org/simple-chapters[^\"']*)[\"']",
                           re.IGNORECASE)


@dataclass
class Id3Chapter:
    element_id: str
    start_ms: int
    end_ms: int
    #: None when the CHAP has no TIT2 at all (not the same as an empty title for some readers).
    title: str | None
    description: str = ""
    url: str | None = None
    image: bytes | None = None
    image_mime: str | None = None
    #: (frame id, body size in bytes) of each sub-frame, as stored.
    sub_frames: list[tuple[str, int]] = field(default_factory=list)

    def largest_sub_frame(self) -> int:
        return max((size for _, size in self.sub_frames), default=0)


@dataclass
class Id3Facts:
    #: ID3v2 minor version: 3 or 4.
    version: int
    #: Tag-level unsynchronisation flag.
    unsynchronised: bool
    #: Element IDs the top-level CTOC lists (None: no top-level CTOC).
    toc_children: list[str] | None
    #: CHAP frames in the order they stand in the file.
    chapters: list[Id3Chapter]


@dataclass
class ChplEntry:
    start_ms: int
    #: The title as stored (UTF-8 bytes; its length byte is ``len(raw)``).
    raw: bytes

    @property
    def title(self) -> str:
        return self.raw.decode("utf-8", "replace")


@dataclass
class TrackSample:
    start_ms: int
    end_ms: int
    title: str
    href: str | None = None
    #: The artwork track's image for this sample, if the file has one.
    image: bytes | None = None


@dataclass
class Mp4Facts:
    #: The Nero chapter list (None: no ``chpl`` box).
    chpl: list[ChplEntry] | None
    #: Version 1 with zero reserved bytes: AntennaPod reads the count from byte 5 on.
    chpl_reserved_zero: bool
    #: The QuickTime chapter track's samples, every one (None: no chapter track).
    track: list[TrackSample] | None
    #: Samples of a chapter artwork track (a video track named by tref/chap), None if none.
    artwork: int | None = None


@dataclass
class Sidecar:
    path: Path
    #: Format name in the registry ("json", "psc", "vtt"…).
    format: str
    #: What it is to the apps ("json", "podlove", "webvtt", "description"), None if no app reads it.
    role: str | None
    chapters: list[Chapter]
    #: Podlove: namespace URIs that look like Podlove's but are not exactly it.
    odd_namespaces: list[str] = field(default_factory=list)


@dataclass
class Facts:
    audio: Path
    #: Registry name of the container ("mp3", "mp4", "ogg", "opus", "flac", "wav").
    container: str
    duration_ms: int
    #: Episode title stored in the file, if any.
    title: str | None = None
    id3: Id3Facts | None = None
    mp4: Mp4Facts | None = None
    #: Vorbis comments that are chapter comments, in file order (Ogg, Opus, FLAC).
    vorbis: list[tuple[str, str]] | None = None
    sidecars: list[Sidecar] = field(default_factory=list)

    def sidecar(self, role: str) -> Sidecar | None:
        """The first sidecar with that role (a feed item links one of each)."""
        return next((s for s in self.sidecars if s.role == role), None)


# --- ID3 -------------------------------------------------------------------------------------

def read_id3(path: Path, tags: object) -> Id3Facts:
    """ID3 facts from a mutagen tag (semantics) and the file's bytes (sizes, flags)."""
    from mutagen.id3 import CTOCFlags

    from podcast_tool.containers.id3.frames import chapter_sub_frames, syncsafe

    with path.open("rb") as handle:
        head = handle.read(10)
        size = syncsafe(head[6:10]) if head[:3] == b"ID3" else 0
        tag = head + handle.read(size)
    if tag[:3] != b"ID3":  # a WAV's tag stands in its id3 chunk: mutagen's version, no sizes
        tag = bytes([0x49, 0x44, 0x33, getattr(tags, "version", (2, 3))[1] or 3, 0, 0])
    version = tag[3]
    sizes = chapter_sub_frames(tag)
    toc_children = None
    for toc in tags.getall("CTOC"):  # type: ignore[attr-defined]
        if toc.flags & CTOCFlags.TOP_LEVEL:
            toc_children = list(toc.child_element_ids)
    chapters = []
    for frame in tags.getall("CHAP"):  # type: ignore[attr-defined]
        sub = frame.sub_frames
        title_frame = sub.get("TIT2")
        description = sub.get("TIT3")
        picture = next(iter(sub.getall("APIC")), None)
        url = next((f.url for f in sub.getall("WXXX")), None)
        chapters.append(Id3Chapter(
            element_id=frame.element_id, start_ms=frame.start_time, end_ms=frame.end_time,
            title=str(title_frame.text[0]) if title_frame is not None and title_frame.text else
            ("" if title_frame is not None else None),
            description=str(description.text[0]) if description is not None and description.text
            else "",
            url=url or None, image=picture.data if picture else None,
            image_mime=picture.mime if picture else None,
            sub_frames=sizes.get(frame.element_id, [])))
    # ffmpeg lists CHAP frames in file order; mutagen's dict keeps the order it read them in.
    order = list(sizes)
    chapters.sort(key=lambda c: order.index(c.element_id) if c.element_id in order else len(order))
    return Id3Facts(version=version, unsynchronised=bool(tag[5] & 0x80) if len(tag) > 5 else False,
                    toc_children=toc_children, chapters=chapters)


# --- MP4 -------------------------------------------------------------------------------------

def parse_chpl_raw(payload: bytes) -> tuple[list[ChplEntry], bool]:
    """The entries of a chpl box payload as stored, and whether its reserved bytes are zero."""
    version = payload[0] if payload else 0
    offset = 8 if version else 4
    reserved_zero = version == 1 and payload[4:8] == bytes(4)
    if len(payload) <= offset:
        return [], reserved_zero
    count = payload[offset]
    offset += 1
    entries = []
    for _ in range(count):
        if offset + 9 > len(payload):
            break
        start, length = struct.unpack_from(">QB", payload, offset)
        offset += 9
        entries.append(ChplEntry(round(start / 10_000), payload[offset:offset + length]))
        offset += length
    return entries, reserved_zero


def read_mp4(path: Path, mp4_file: Mp4File) -> tuple[Mp4Facts, str | None]:
    """MP4 facts (both chapter forms as stored) and the file's title."""
    from podcast_tool.containers.mp4.sample_tables import (
        read_image_samples,
        read_text_samples_with_links,
    )

    movie = mp4_file.movie()
    with path.open("rb") as handle:
        udta = movie.udta
        chpl_box = udta.find(b"chpl") if udta is not None else None
        chpl, reserved_zero = (parse_chpl_raw(chpl_box.payload) if chpl_box is not None
                               else (None, True))
        track: list[TrackSample] | None = None
        artwork: int | None = None
        for chapter_track in movie.chapter_tracks():
            timescale = chapter_track.media_header()[0] or 1
            if chapter_track.handler in (b"text", b"sbtl") and track is None:
                track, position = [], 0
                for duration, text, href in read_text_samples_with_links(
                        handle, movie.file_size, chapter_track.sample_table):
                    track.append(TrackSample(round(position * 1000 / timescale),
                                             round((position + duration) * 1000 / timescale),
                                             text, href))
                    position += duration
            elif chapter_track.handler == b"vide" and artwork is None:
                images = read_image_samples(handle, movie.file_size, chapter_track.sample_table)
                artwork = len(images)
        title = movie.title()
        if track is not None and artwork:
            for sample, (_, data) in zip(track, images, strict=False):
                sample.image = data
    return Mp4Facts(chpl=chpl, chpl_reserved_zero=reserved_zero, track=track,
                    artwork=artwork), title


# --- gathering -------------------------------------------------------------------------------

def gather(audio: Path, sidecars: list[Path]) -> Facts:
    """Every fact the apps' rules use; errors name the file, as every command's do."""
    from podcast_tool import containers

    audio_file = containers.open_audio(audio)
    container = audio_file.container
    duration = audio_file.duration_ms()
    facts = Facts(audio=audio, container=container.name, duration_ms=duration)

    def read() -> None:
        parsed: Any = audio_file.parsed()
        if container.name in ("mp3", "wav"):
            facts.id3 = read_id3(audio, parsed.tags())
            facts.title = audio_file.read().title
        elif container.name == "mp4":
            facts.mp4, facts.title = read_mp4(audio, parsed)
        else:
            comments = parsed.comments()
            facts.vorbis = [(key, value) for key, value in comments
                            if re.match(r"chapter\d", key, re.IGNORECASE)]
            facts.title = next((v for k, v in comments if k.lower() == "title" and v), None)

    containers.guarded(audio, read)
    facts.sidecars = [load_sidecar(path) for path in sidecars]
    return facts


def load_sidecar(path: Path) -> Sidecar:
    from podcast_tool import pipeline

    text, _ = pipeline.decode_text(pipeline.read_text(path), path)
    chapter_format = pipeline.text_format(text, path)
    odd = [uri for uri in _PODLOVE_LIKE.findall(text) if uri != PODLOVE_NAMESPACE]
    if odd and chapter_format.name != "psc":
        chapter_format = pipeline.text_format(text, path, "psc")
    if odd:
        # Lenient readers take a near-miss namespace; read it as they would.
        for uri in odd:
            text = text.replace(uri, PODLOVE_NAMESPACE)
    episode, _ = chapter_format.load(text, path)
    return Sidecar(path=path, format=chapter_format.name, role=SIDECAR_ROLES.get(chapter_format.name),
                   chapters=sorted(episode.chapters, key=lambda c: c.start_ms), odd_namespaces=odd)

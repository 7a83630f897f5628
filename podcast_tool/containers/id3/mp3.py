"""MP3: ID3v2 chapter frames (CHAP + one top-level CTOC), written with mutagen.

mutagen encodes the frames; we assemble the file ourselves: new tag, then the
original bytes after the old tag, copied untouched into a temporary file that
replaces the original. So the MPEG audio frames (and any ID3v1/APE tag at the
end) stay byte-identical, and an interruption leaves the original intact.
"""

from __future__ import annotations

import io
import urllib.parse
from pathlib import Path

from mutagen.id3 import APIC, CHAP, CTOC, ID3, TIT2, TIT3, WXXX, CTOCFlags, ID3NoHeaderError
from mutagen.id3._tags import save_frame  # mutagen has no public per-frame encoder

from podcast_tool.containers.id3.frames import misread_by_libavformat
from podcast_tool.containers.id3.guard import CostlyTagError, check_tag
from podcast_tool.containers.id3.mpeg import stream_length
from podcast_tool.containers.id3.sizes import tag_end, tag_size, tag_size_without_footer  # noqa: F401
from podcast_tool.containers.results import AudioLength, WriteOptions, WriteReport, truncated_note
from podcast_tool.errors import AudioFileError
from podcast_tool.i18n import N_, _, clauses
from podcast_tool.inplace import apply, changed_spans
from podcast_tool.model import Chapter, Diagnostic, Episode, Severity, effective_ends
from podcast_tool.safewrite import check_writable, copy_range, rewrite

#: "Ignore the byte offsets, use the times" (ID3v2 Chapter Frame Addendum).
NO_OFFSET = 0xFFFFFFFF
TOC_ID = "toc"
#: Room reserved after the frames on a whole-file write, so that later re-tags (ours or
#: another tagger's) fit in place: at least this much, or a tenth of the tag if larger.
MIN_PADDING = 16 * 1024


class ChapterOrderedID3(ID3):
    """An ID3 tag that writes CTOC then CHAP frames in chronological order.

    mutagen sorts frames by size when it saves, and ffmpeg lists chapters in
    file order, so we take chapter frames out of mutagen's ordering.
    """

    def _write(self, config):  # type: ignore[no-untyped-def]
        chapter_frames = self.getall("CTOC") + sorted(
            self.getall("CHAP"), key=lambda frame: (frame.start_time, frame.element_id)
        )
        others = {key: frame for key, frame in self.items() if frame.FrameID not in ("CHAP", "CTOC")}
        backup = dict(self)
        try:
            self.clear()
            self.update(others)
            data = super()._write(config)
        finally:
            self.clear()
            self.update(backup)
        return data + bytearray().join(save_frame(f, config=config) for f in chapter_frames)


def reserved_padding(frames_size: int) -> int:
    return max(MIN_PADDING, frames_size // 10)


def _text(frames: dict, key: str) -> str:
    frame = frames.get(key)
    return str(frame.text[0]) if frame is not None and frame.text else ""


class Mp3Tagging:
    """Where an MP3 keeps its ID3 tag (at the head of the file), and how it is read and saved.

    ``Id3File`` holds the chapter logic; the WAV container's tagging keeps the tag in a RIFF
    chunk instead (``wav``).
    """

    def _check_tag(self, path: Path) -> None:
        """Refuse a tag mutagen would take unbounded time or memory to read (see id3.guard)."""
        with path.open("rb") as handle:
            try:
                check_tag(handle.read(10), handle.read)
            except CostlyTagError as error:
                raise AudioFileError(str(error), path=path) from None

    def load_tags(self, path: Path) -> ChapterOrderedID3:
        """The file's ID3 tag (an empty one if it has none)."""
        self._check_tag(path)
        try:
            return ChapterOrderedID3(path)
        except ID3NoHeaderError:
            return ChapterOrderedID3()

    def load_length(self, path: Path) -> AudioLength:
        """The frames' real duration (see ``mpeg``), and a warning if the file was cut short."""
        with path.open("rb") as handle:
            length = stream_length(handle, tag_end(handle))
        if length is None:
            raise AudioFileError(_("no MPEG audio frames found; the file looks damaged"),
                                 path=path)
        notes = []
        if length.truncated and length.header_ms is not None:
            notes.append(truncated_note(path, length.playable_ms, length.header_ms))
        return AudioLength(length.playable_ms, notes)

    def write_notes(self, path: Path) -> WriteReport:
        """What a write tells the user besides succeeding."""
        return WriteReport()

    def save(self, path: Path, tags: ID3, version: int) -> tuple[bytes, WriteReport]:
        """Write ``tags``: in place when they fit in the old tag's room, else a whole new file.

        In place, the tag keeps its exact size (the rest is padding), so the audio after it
        never moves and only the bytes that differ are written, through an undo journal.
        Returns the new tag's bytes and what the write did.
        """
        bare = _encode(tags, version, padding=0)
        frames_size = len(bare) - 10
        with path.open("rb") as original:
            head = original.read(10)
            old_size = tag_end(original)
            has_footer = old_size != tag_size_without_footer(head)  # a real "3DI" footer
            if old_size and not has_footer and frames_size + 10 <= old_size:
                original.seek(10)
                old_tag = head + original.read(old_size - 10)
                new_tag = _padded(bare, old_size - 10 - frames_size)
                if len(new_tag) == old_size == len(old_tag):
                    check_writable(path)
                    written = apply(path, changed_spans(old_tag, new_tag))
                    return new_tag, WriteReport(in_place=True, bytes_written=written)
            new_tag = _padded(bare, reserved_padding(frames_size))
            with rewrite(path) as out:
                out.write(new_tag)
                copy_range(original, out, old_size)
        return new_tag, WriteReport()


class Id3File:
    """An MP3 (or WAV) file: its tag and its duration, each read once, when first needed."""

    def __init__(self, tagging: Mp3Tagging, path: Path) -> None:
        self.tagging = tagging
        self.path = path
        self._tags: ChapterOrderedID3 | None = None
        self._length: AudioLength | None = None

    def tags(self) -> ChapterOrderedID3:
        if self._tags is None:
            self._tags = self.tagging.load_tags(self.path)
        return self._tags

    def length(self) -> AudioLength:
        if self._length is None:
            self.tags()  # a tag too costly to read is refused before anything else
            self._length = self.tagging.load_length(self.path)
        return self._length

    def duration_ms(self) -> int:
        return self.length().duration_ms

    def read(self) -> Episode:
        tags = self.tags()
        chapters = []
        for frame in sorted(tags.getall("CHAP"), key=lambda f: f.start_time):
            sub = frame.sub_frames
            url = next((f.url for f in sub.getall("WXXX")), None)
            picture = next(iter(sub.getall("APIC")), None)
            chapters.append(
                Chapter(
                    start_ms=frame.start_time,
                    end_ms=frame.end_time,
                    title=_text(sub, "TIT2"),
                    description=_text(sub, "TIT3"),
                    url=url or None,
                    image_data=picture.data if picture else None,
                    image_mime=picture.mime if picture else None,
                )
            )
        toc_title = ""
        for toc in tags.getall("CTOC"):
            if toc.flags & CTOCFlags.TOP_LEVEL:
                toc_title = _text(toc.sub_frames, "TIT2")
        title = toc_title or _text(tags, "TIT2") or None
        return Episode(chapters=chapters, title=title, source=self.path,
                       duration_ms=self.duration_ms())

    def write(self, episode: Episode, options: WriteOptions) -> WriteReport:
        duration = self.duration_ms()
        tags = self.tags()
        tags.delall("CHAP")
        tags.delall("CTOC")
        chapters = episode.chapters
        ends = effective_ends(chapters, duration)
        ids = [f"chp{index}" for index in range(len(chapters))]
        if chapters:
            toc_frames = [TIT2(encoding=3, text=[episode.title])] if episode.title else []
            tags.add(CTOC(element_id=TOC_ID, flags=CTOCFlags.TOP_LEVEL | CTOCFlags.ORDERED,
                          child_element_ids=ids, sub_frames=toc_frames))
        for element_id, chapter, end in zip(ids, chapters, ends, strict=True):
            tags.add(CHAP(element_id=element_id, start_time=chapter.start_ms,
                          end_time=end if end is not None else duration,
                          start_offset=NO_OFFSET, end_offset=NO_OFFSET,
                          sub_frames=_sub_frames(chapter)))
        version = target_version(tags, options.id3v2_version)
        notes = conversion_notes(tags, version, self.path)
        new_tag, report = self.tagging.save(self.path, tags, version)
        report.diagnostics[:0] = notes
        report.diagnostics += self.tagging.write_notes(self.path).diagnostics
        report.diagnostics += _libavformat_risk(new_tag, ids, chapters, episode, self.path)
        return report

    def strip(self) -> int:
        tags = self.tags()
        count = len(tags.getall("CHAP"))
        if count or tags.getall("CTOC"):
            tags.delall("CHAP")
            tags.delall("CTOC")
            version = 4 if tags.version[1] == 4 else 3
            self.tagging.save(self.path, tags, version)
        return count


def _libavformat_risk(tag: bytes, ids: list[str], chapters: list[Chapter], episode: Episode,
                      path: Path) -> list[Diagnostic]:
    """A warning for each chapter ffmpeg-based players will lose from an ID3v2.4 tag."""
    lost = set(misread_by_libavformat(tag))
    diagnostics = []
    for element_id, chapter in zip(ids, chapters, strict=True):
        if element_id not in lost:
            continue
        where = (str(episode.source), chapter.line) if episode.source and chapter.line else (
            str(path), None)
        diagnostics.append(Diagnostic(
            Severity.WARNING, "id3v24-ffmpeg-lost",
            _("ID3v2.4: chapter {number} ({title!r}) will be MISSING in every ffmpeg-based player "
              "(mpv, VLC, PyAV, many Android apps): its title, description or image takes 128 "
              "bytes or more, and libavformat misreads v2.4 sub-frame sizes, so it drops the "
              "chapter").format(number=chapters.index(chapter) + 1, title=chapter.title[:60]),
            file=where[0], line=where[1],
            hint=_("write ID3v2.3 (--id3v2 3, the default), or shorten the title and description "
                   "and drop the chapter image")))
    return diagnostics


def _encode(tags: ID3, version: int, padding: int) -> bytes:
    buffer = io.BytesIO()
    tags.save(buffer, v1=0, v2_version=version, padding=lambda info: padding)
    return buffer.getvalue()


def _padded(bare: bytes, padding: int) -> bytes:
    """The tag ``_encode`` made with no padding, with ``padding`` zero bytes after its frames
    (what mutagen writes with that padding, without encoding every frame again)."""
    size = len(bare) - 10 + padding
    header = bare[:6] + bytes((size >> shift) & 0x7F for shift in (21, 14, 7, 0))
    return header + bare[10:] + bytes(padding)


#: Frames mutagen drops when it writes ID3v2.3 (they exist only in v2.4), and what they hold.
V24_ONLY_FRAMES = {"TDRL": N_("release date"), "TDTG": N_("tagging date"), "TMOO": N_("mood"),
                   "TPRO": N_("produced notice"), "TSOA": N_("album sort order"),
                   "TSOP": N_("artist sort order"), "TSOT": N_("title sort order"),
                   "TSST": N_("set subtitle"), "TDEN": N_("encoding date"),
                   "RVA2": N_("volume adjustment"), "EQU2": N_("equalisation"),
                   "ASPI": N_("seek index"), "SEEK": N_("seek frame"), "SIGN": N_("signature")}


def file_version(tags: ID3) -> int | None:
    """The minor version of the tag read from the file (None: the file had no tag)."""
    return tags.version[1] if getattr(tags, "_header", None) is not None else None


def target_version(tags: ID3, requested: int | None) -> int:
    """The version to write: the one asked for, or (``None``, "keep") the file's own."""
    if requested is not None:
        return requested
    return 4 if file_version(tags) == 4 else 3


def conversion_notes(tags: ID3, version: int, path: Path) -> list[Diagnostic]:
    """What writing an ID3v2.4 tag as ID3v2.3 changes: values joined, v2.4-only frames dropped."""
    if version != 3 or file_version(tags) != 4:
        return []
    joined = sorted({frame.FrameID for frame in tags.values()
                     if frame.FrameID.startswith("T") and frame.FrameID not in ("TXXX", "TDRC")
                     and len(getattr(frame, "text", ())) > 1}
                    | {f"TXXX:{frame.desc}" for frame in tags.getall("TXXX") if len(frame.text) > 1})
    dropped = sorted({frame.FrameID for frame in tags.values() if frame.FrameID in V24_ONLY_FRAMES})
    if not joined and not dropped:
        return []
    parts = []
    if joined:
        parts.append(_("the values of {frames} were joined with '/' (ID3v2.3 holds one value per "
                       "frame)").format(frames=", ".join(joined)))
    if dropped:
        named = [(name, _(V24_ONLY_FRAMES[name])) for name in dropped]
        parts.append(_("dropped {frames}, which ID3v2.3 has not").format(
            frames=", ".join(f"{name} ({meaning})" for name, meaning in named)))
    return [Diagnostic(Severity.INFO, "id3-v23-conversion",
                       _("the file's ID3v2.4 tag was written as ID3v2.3 (what Apple's players "
                         "read best): {changes}").format(changes=clauses(parts)), file=str(path),
                       hint=_("--id3v2 keep writes the file's tag back in ID3v2.4, values as "
                              "they were"))]


def _sub_frames(chapter: Chapter) -> list:
    frames: list = [TIT2(encoding=3, text=[chapter.title])]
    if chapter.description:
        frames.append(TIT3(encoding=3, text=[chapter.description]))
    if chapter.url:
        # WXXX's URL field is Latin-1 only: percent-encode anything else.
        url = urllib.parse.quote(chapter.url, safe=":/?#[]@!$&'()*+,;=%~")
        frames.append(WXXX(encoding=3, desc="", url=url))
    if chapter.image_data:
        frames.append(APIC(encoding=3, mime=chapter.image_mime or "image/jpeg", type=0,
                           desc="chapter image", data=chapter.image_data))
    return frames


MP3_TAGGING = Mp3Tagging()

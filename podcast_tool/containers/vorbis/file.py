"""Ogg Vorbis, Ogg Opus and FLAC files, read and edited with mutagen.

Re-tagging first removes every ``CHAPTER<digits>…`` comment, whatever its
case or number of digits, then appends the new ones; every other comment
(including ``METADATA_BLOCK_PICTURE`` cover art in Ogg) and every other FLAC
metadata block (``PICTURE``, ``SEEKTABLE``…) stay as they were, except a ``CUESHEET``:
ffmpeg (and every player built on it) reads its tracks as chapters, so after tagging
players would show the cue tracks mixed with ours. A file without chapter comments
shows its cue tracks as chapters ("Track 01"…, from each track's index 01); tagging
and stripping remove the block, with a note.
The episode's title is read from ``TITLE`` but never written: ``TITLE`` is the
track's own tag and belongs to the user.

Writing: the original is copied into ``safewrite.rewrite``'s temporary file
with the kernel's ``copy_file_range``; mutagen then edits the comment packet
(Ogg) or metadata blocks (FLAC) of that copy, and the copy atomically replaces
the original. Audio packets and FLAC frames are never re-encoded (mutagen may
renumber the Ogg pages that follow a grown comment packet; packet bytes stay
the same). A FLAC stream behind an ID3v2 tag keeps that tag.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, BinaryIO

from mutagen import FileType, MutagenError
from mutagen.flac import FLAC
from mutagen.oggopus import OggOpus
from mutagen.oggvorbis import OggVorbis

from podcast_tool import safewrite
from podcast_tool.containers.declaration import ContainerKind
from podcast_tool.containers.id3.sizes import tag_size as claimed_id3_size
from podcast_tool.containers.results import WriteOptions, WriteReport, not_kept_note
from podcast_tool.containers.vorbis import FLAC_STREAM, OGG_OPUS, OGG_VORBIS
from podcast_tool.containers.vorbis.comments import (
    chapter_comments,
    chapter_key_number,
    chapters_from_comments,
)
from podcast_tool.errors import AudioFileError
from podcast_tool.i18n import _, ngettext
from podcast_tool.model import Chapter, Diagnostic, Episode, Severity

#: More metadata blocks than this is no FLAC file (real ones have a handful).
MAX_FLAC_BLOCKS = 1024
#: AntennaPod's reader keys chapters by the number's last two digits: 000 to 099 stay apart.
TWO_DIGIT_READER_MAX = 100


class VorbisTagging:
    """How one of Ogg Vorbis, Ogg Opus, FLAC edits its comments: the same comments, a
    different mutagen class."""

    def __init__(self, kind: ContainerKind, label: str, file_type: type[FileType]) -> None:
        self.name = kind.name
        self.capabilities = kind.capabilities
        #: Human name for messages.
        self.label = label
        self.file_type = file_type

    def parse(self, source: Path | BinaryIO, path: Path) -> FileType:
        try:
            return self.file_type(source)
        except MutagenError as error:
            raise AudioFileError(
                _("not a readable {label} file: its headers look damaged or cut short ({error})").format(
                    label=self.label, error=error),
                path=path,
            ) from error

    def write(self, path: Path, episode: Episode) -> WriteReport:
        new_comments = chapter_comments(episode.chapters, path)

        def replace_chapters(comments: Any) -> None:
            comments[:] = [(k, v) for k, v in comments if chapter_key_number(k) is None]
            comments.extend(new_comments)

        cue_tracks = self._edit(path, replace_chapters)
        notes = _two_digit_reader_warning(episode.chapters, path) + not_kept_note(
            episode.chapters, path, self.capabilities, code="vorbis-not-kept",
            holds=_("Vorbis chapter comments hold start, title and URL"))
        if cue_tracks:
            notes.append(Diagnostic(
                Severity.INFO, "flac-cuesheet-removed",
                ngettext("the file's CUESHEET block ({count} track) was removed: ffmpeg-based "
                         "players read its tracks as chapters and would mix them with these",
                         "the file's CUESHEET block ({count} tracks) was removed: ffmpeg-based "
                         "players read its tracks as chapters and would mix them with these",
                         cue_tracks).format(count=cue_tracks), file=str(path),
                hint=_("the chapters written replace the cue tracks")))
        return WriteReport(diagnostics=notes)

    def strip(self, path: Path, comments: list[tuple[str, str]], cue_tracks: int = 0) -> int:
        numbers = {chapter_key_number(key) for key, _ in comments} - {None}
        if not numbers and not cue_tracks:
            return 0

        def remove_chapters(comments: Any) -> None:
            comments[:] = [(k, v) for k, v in comments if chapter_key_number(k) is None]

        self._edit(path, remove_chapters)
        return len(numbers) or cue_tracks

    def _check_layout(self, path: Path) -> None:
        """Refuse a FLAC file whose metadata block sizes do not lead to its audio frames.

        mutagen reads such a block as it can and writes it back whole, so the audio frames
        would not be the ones a decoder found before: nothing is written to a damaged file.
        """
        if self.name != "flac":
            return
        with path.open("rb") as handle:
            head = handle.read(10)
            position = claimed_id3_size(head)
            handle.seek(position)
            if handle.read(4) != b"fLaC":
                return  # mutagen's own error will say what is wrong
            for _block in range(MAX_FLAC_BLOCKS):
                header = handle.read(4)
                if len(header) < 4:
                    return
                handle.seek(int.from_bytes(header[1:4], "big"), 1)
                if header[0] & 0x80:
                    break
            sync = handle.read(2)
        if sync and (len(sync) < 2 or sync[0] != 0xFF or sync[1] & 0xFE != 0xF8):
            raise AudioFileError(
                _("the FLAC metadata block sizes do not lead to its audio frames (a block is "
                  "shorter or longer than it says): the file is damaged; nothing was written"),
                path=path, hint=_("re-encode it with flac or ffmpeg (ffmpeg -i IN OUT.flac), "
                                  "then tag the copy"))

    def _edit(self, path: Path, change: Callable[[Any], None]) -> int:
        """Apply ``change`` to the comments of a copy of ``path`` that then replaces it.

        A FLAC CUESHEET goes too (players would read its tracks as chapters beside ours):
        returns how many tracks it had.
        """
        self._check_layout(path)
        with path.open("rb") as original, safewrite.rewrite(path, readable=True) as temp:
            safewrite.copy_range(original, temp, 0)
            temp.seek(0)
            audio = self.parse(temp, path)
            if audio.tags is None:  # a FLAC file may have no comment block yet
                audio.add_tags()
            change(audio.tags)
            cue_tracks = _drop_cuesheet(audio)
            temp.seek(0)
            _save_surfacing_os_errors(audio, temp)
        return cue_tracks



class VorbisCommentFile:
    """An Ogg or FLAC file, parsed once by mutagen when first needed."""

    def __init__(self, tagging: VorbisTagging, path: Path) -> None:
        self.tagging = tagging
        self.path = path
        self._audio: FileType | None = None

    def audio(self) -> FileType:
        if self._audio is None:
            self._audio = self.tagging.parse(self.path, self.path)
        return self._audio

    def comments(self) -> list[tuple[str, str]]:
        return list(self.audio().tags or [])

    def duration_ms(self) -> int:
        return round(self.audio().info.length * 1000)

    def read(self) -> Episode:
        comments = self.comments()
        title = next((value for key, value in comments if key.lower() == "title" and value), None)
        # Without chapter comments, a FLAC CUESHEET's tracks are the chapters (as ffmpeg reads them).
        chapters = chapters_from_comments(comments) or cuesheet_chapters(self.audio())
        return Episode(chapters=chapters, title=title, source=self.path,
                       duration_ms=self.duration_ms())

    def write(self, episode: Episode, options: WriteOptions) -> WriteReport:
        return self.tagging.write(self.path, episode)

    def strip(self) -> int:
        return self.tagging.strip(self.path, self.comments(),
                                    len(cuesheet_chapters(self.audio())))


def cuesheet_chapters(audio: FileType) -> list[Chapter]:
    """The tracks of a FLAC CUESHEET as chapters (none for other files): index 01 starts each."""
    sheet = getattr(audio, "cuesheet", None)
    rate = getattr(audio.info, "sample_rate", 0)
    if sheet is None or not rate:
        return []
    chapters = []
    for track in sheet.tracks:
        if track.track_number in (170, 255):  # the lead-out (CD-DA and other)
            continue
        index = next((i.index_offset for i in track.indexes if i.index_number == 1), 0)
        chapters.append(Chapter(start_ms=round((track.start_offset + index) * 1000 / rate),
                                title=_("Track {number}").format(
                                    number=f"{track.track_number:02d}")))
    return sorted(chapters, key=lambda c: c.start_ms)


def _drop_cuesheet(audio: FileType) -> int:
    """Remove a FLAC file's CUESHEET block before saving; how many tracks it had."""
    sheet = getattr(audio, "cuesheet", None)
    if sheet is None:
        return 0
    tracks = len(cuesheet_chapters(audio))
    audio.metadata_blocks[:] = [block for block in audio.metadata_blocks if block is not sheet]
    audio.cuesheet = None
    return tracks


def _two_digit_reader_warning(chapters: list[Chapter], path: Path) -> list[Diagnostic]:
    """AntennaPod takes a chapter's id from two digits of its number: CHAPTER100 collides."""
    if len(chapters) <= TWO_DIGIT_READER_MAX:
        return []
    return [Diagnostic(
        Severity.WARNING, "vorbis-antennapod-ids",
        _("{count} chapters: AntennaPod reads only two digits of the chapter number, so "
          "CHAPTER{most} collides with CHAPTER000 and it lists no chapter at all").format(
            count=len(chapters), most=TWO_DIGIT_READER_MAX),
        file=str(path),
        hint=_("at most {most} chapters for AntennaPod listeners").format(most=TWO_DIGIT_READER_MAX))]


def _save_surfacing_os_errors(audio: FileType, temp: BinaryIO) -> None:
    """mutagen wraps I/O errors in its own; give ``rewrite`` the OSError (disk full…) back."""
    try:
        audio.save(temp)
    except MutagenError as error:
        cause = error.__cause__ or error.__context__
        if isinstance(cause, OSError):
            raise cause from error
        raise


#: Each container's tagging, by the container's name.
TAGGINGS = {tagging.name: tagging for tagging in (
    VorbisTagging(OGG_VORBIS, "Ogg Vorbis", OggVorbis), VorbisTagging(OGG_OPUS, "Ogg Opus", OggOpus),
    VorbisTagging(FLAC_STREAM, "FLAC", FLAC))}


def open_file(name: str, path: Path) -> VorbisCommentFile:
    """``path`` as a file of the container named ``name`` ("ogg", "opus", "flac")."""
    return VorbisCommentFile(TAGGINGS[name], path)

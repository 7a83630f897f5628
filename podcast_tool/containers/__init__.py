"""Audio containers that carry chapters, behind one small interface.

Each module (``id3.mp3``, ``mp4.container``, ``vorbis``…) defines a ``Container``; the
registry picks one by the file's *content* (magic bytes), the extension only
breaking ties (a module may define ``CONTAINERS``, several related containers;
a container with ``found_behind_id3 = True`` is also recognised behind a
leading ID3v2 tag, as FLAC sometimes is). Each container declares what it can
hold (``Capabilities``: extensions, what its chapters keep, its limits); batch,
validation and the messages read these declarations rather than lists of their
own. Every public function here is the
single error boundary around mutagen and our own parsers: whatever goes wrong
inside comes out as an ``AudioFileError`` naming the file.
"""

from __future__ import annotations

import contextlib
import importlib
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, Protocol, TypeVar

from podcast_tool import fileaccess
from podcast_tool.busy import being_written, busy_error
from podcast_tool.errors import AudioFileError, BusyError, PodcastToolError, UnsupportedAudioError
from podcast_tool.i18n import N_, _
from podcast_tool.model import Chapter, Diagnostic, Episode, Severity
from podcast_tool.safewrite import file_lock, payload_kept

if TYPE_CHECKING:
    from podcast_tool.containers.unsupported import UnsupportedFormat

#: How many bytes the registry reads to recognise a file.
SNIFF_BYTES = 64

#: What a container's chapters may keep besides their start and title (``Capabilities.keeps``):
#: written end times, time in no chapter between two, descriptions, links, images.
FEATURES = ("end", "gap", "description", "url", "image")


@dataclass(frozen=True)
class Capabilities:
    """What a container can hold: read by the registry, validation, batch and player checks."""

    #: Name in messages that list what podcast-tool can chapter ("MP3", "M4A/M4B").
    label: str
    #: Extensions (lower case, with dot) of the files this container recognises, usual one first.
    extensions: tuple[str, ...]
    #: Of ``extensions``, those of files published as episodes: what a folder batch picks up
    #: (a WAV master or an MP4 video is tagged when named, never swept up with the episodes).
    episode_extensions: tuple[str, ...]
    #: Subset of ``FEATURES`` the chapters keep.
    keeps: frozenset[str]
    #: The most chapters every reader of the container gets (None: no limit).
    max_chapters: int | None = None
    #: Longest title, in UTF-8 bytes, every reader gets whole (None: no limit).
    max_title_bytes: int | None = None
    #: Latest start the container can store (None: no limit).
    max_start_ms: int | None = None
    #: The chapter list always starts at 0: an untitled chapter fills the time before a later
    #: first chapter (a QuickTime chapter track).
    pads_start: bool = False
    #: Time in no chapter of at least this long, after a written end, is kept as a pause of its
    #: own, titled ``WriteOptions.gap_title`` (None: the container keeps no pauses that way).
    titled_pause_ms: int | None = None

    def lost(self, chapters: list[Chapter]) -> list[str]:
        """What ``chapters`` carry that this container cannot keep, as ``FEATURES`` names."""
        ordered = sorted(chapters, key=lambda c: c.start_ms)
        next_starts = [c.start_ms for c in ordered[1:]] + [None]
        ends = [c.end_ms for c in ordered]
        carried = {
            "description": any(c.description for c in ordered),
            "url": any(c.url for c in ordered),
            "image": any(c.image or c.image_data for c in ordered),
            "end": any(end is not None and nxt is not None and end != nxt
                       for end, nxt in zip(ends, next_starts, strict=True)),
        }
        carried["gap"] = any(end is not None and nxt is not None and end < nxt
                             for end, nxt in zip(ends, next_starts, strict=True))
        return [feature for feature in FEATURES if carried[feature] and feature not in self.keeps]


@dataclass
class WriteOptions:
    #: ID3v2 minor version for MP3 (3 is what Apple's and most players read best); None keeps
    #: the file's own (2.4 stays 2.4; a file without a tag gets 2.3).
    id3v2_version: int | None = 3
    #: How long to wait while another process writes the same file (batch waits briefly).
    lock_wait_seconds: float = 10.0
    #: Called (with the file) when another process holds the file's lock and we wait.
    on_lock_wait: Callable[[Path], None] | None = None
    #: MP4: title of the chapter track's opening sample before a later first chapter
    #: (None: the episode's title, else the file's name).
    preroll_title: str | None = None
    #: MP4: title of a pause of 30 s or more between a written end and the next start ("": no
    #: pause sample, the pause then belongs to the chapter before).
    gap_title: str = "Pause"


@dataclass
class WriteReport:
    """What a write did, beyond succeeding: warnings and notes for the user."""

    diagnostics: list[Diagnostic] = field(default_factory=list)
    #: True when only the tag's bytes were rewritten, in place (see podcast_tool.inplace).
    in_place: bool = False
    #: Bytes an in-place edit wrote (journal included); None for a whole-file rewrite.
    bytes_written: int | None = None


@dataclass
class AudioLength:
    """How long a recording plays, and what the user should know about it."""

    duration_ms: int
    diagnostics: list[Diagnostic] = field(default_factory=list)


def truncated_note(path: Path, playable_ms: int, header_ms: int) -> Diagnostic:
    """The warning for a file cut short: its header claims more than the file holds."""
    from podcast_tool.outline.timecodes import format_clock

    def clock(ms: int) -> str:
        return format_clock(ms, always_hours=True, millis=ms < 10_000)

    return Diagnostic(
        Severity.WARNING, "audio-truncated",
        _("the file is shorter than its header says: it plays {playable}, not the {claimed} its "
          "header claims (cut short while recording, copying or uploading?)").format(
            playable=clock(playable_ms), claimed=clock(header_ms)),
        file=str(path), hint=_("chapters are checked against the {playable} that play; export "
                               "or download the recording again to get the rest").format(
            playable=clock(playable_ms)))


class ParsedAudio(Protocol):
    """One audio file as a container parsed it: what is read once serves every operation."""

    def duration_ms(self) -> int:
        """The audio's duration (what really plays: see ``length``)."""

    # Optional: ``length() -> AudioLength``, the duration with what the user should know
    # (a file shorter than its header says); the registry falls back to ``duration_ms``.

    def read(self) -> Episode:
        """Chapters (and episode title where stored) read from the file."""

    def write(self, episode: Episode, options: WriteOptions) -> WriteReport:
        """Replace the file's chapters with ``episode.chapters``, safely."""

    def strip(self) -> int:
        """Remove every chapter; return how many there were."""


class Container(Protocol):
    #: Short name shown to users ("mp3", "mp4", "ogg", "flac").
    name: str
    #: What the container can hold.
    capabilities: Capabilities

    def sniff(self, head: bytes) -> bool:
        """True if the first bytes of a file are this container's."""

    def open(self, path: Path) -> ParsedAudio:
        """The file, parsed as this container's (lazily: each part when first needed)."""


#: Modules defining ``CONTAINER`` (or ``CONTAINERS``, a tuple), in sniffing order.
_MODULES = ("id3.mp3", "mp4.container", "vorbis", "id3.wav")


#: How a note names each lost feature (a gap is lost with the end times that make it).
_LOST_TEXT = {"description": N_("descriptions"), "url": N_("links"), "image": N_("images"),
              "end": N_("end times (a chapter now runs to the next one)")}


def not_kept_note(chapters: list[Chapter], path: Path, capabilities: Capabilities, *, code: str,
                  holds: str) -> list[Diagnostic]:
    """An info note naming what the chapters carry that a container's chapters cannot hold.

    ``holds`` says what they do hold ("Vorbis chapter comments hold start, title and URL"),
    already translated.
    Nothing is lost silently; MP3 (ID3) keeps it all, so the hint points there.
    """
    lost = [_(_LOST_TEXT[feature]) for feature in ("description", "url", "image", "end")
            if feature in capabilities.lost(chapters)]
    if not lost:
        return []
    message = _("{holds} only; not written: {lost}").format(holds=holds, lost=", ".join(lost))
    return [Diagnostic(Severity.INFO, code, message,
                       file=str(path), hint=_("MP3 (ID3) chapters keep descriptions, links, images "
                                              "and end times"))]


def all_containers() -> list[Container]:
    found: list[Container] = []
    for name in _MODULES:
        module = importlib.import_module(f"podcast_tool.containers.{name}")
        # A module serving several related containers (Ogg Vorbis, Opus, FLAC) lists them all.
        found.extend(getattr(module, "CONTAINERS", None) or (module.CONTAINER,))
    return found


#: Told (file, what was done) when an interrupted in-place edit is undone; the CLI prints it.
on_recovery: Callable[[Path, str], None] | None = None


def recover_interrupted_edit(path: Path) -> str | None:
    """Undo an in-place edit a crash interrupted, before anything reads the file."""
    from podcast_tool import inplace

    if not inplace.interrupted(Path(os.path.realpath(path))):
        return None
    with file_lock(path):
        message = inplace.recover(path)
    if message and on_recovery is not None:
        on_recovery(path, message)
    return message


def detect(path: str | Path) -> Container:
    """The container for ``path``, chosen by content; a clear error if none fits."""
    path = Path(path)
    if path.is_file():
        recover_interrupted_edit(path)
    try:
        # A FIFO or device would block or never end; only regular files are audio files.
        with fileaccess.open_binary(path) as handle:
            head = handle.read(SNIFF_BYTES)
            behind_id3 = _head_behind_id3(handle, head)
    except IsADirectoryError:
        raise AudioFileError(_("is a folder, not an audio file"), path=path) from None
    except OSError as error:
        raise AudioFileError(fileaccess.describe(error), path=path) from error
    if not head:
        raise AudioFileError(_("the file is empty"), path=path)
    if behind_id3:
        # Content beats the MP3 sniff, which accepts anything starting with an ID3 tag.
        for container in all_containers():
            if getattr(container, "found_behind_id3", False) and container.sniff(behind_id3):
                return container
        _refuse_known(_identify(behind_id3), path)
    suffix = path.suffix.lower()
    matches = [c for c in all_containers() if c.sniff(head)]
    if not matches:
        _refuse_known(_identify(head, suffix), path)
        raise UnsupportedAudioError(
            _("not an audio file podcast-tool can chapter ({supported_types})").format(
                supported_types=supported_types()), path=path)
    chosen = next((c for c in matches if suffix in c.capabilities.extensions), matches[0])
    refuse = getattr(chosen, "refuse", None)
    _refuse_known(refuse(head) if refuse else None, path)
    return chosen


def _identify(head: bytes, suffix: str = "") -> UnsupportedFormat | None:
    from podcast_tool.containers import unsupported  # only for files no container takes

    return unsupported.identify(head, suffix)


def _refuse_known(found: UnsupportedFormat | None, path: Path) -> None:
    """Raise the error naming a format we recognise but cannot chapter, and its fix."""
    if found is not None:
        raise UnsupportedAudioError(found.message(), path=path, hint=found.hint(path.name),
                                    unsupported=found)


def supported_types() -> str:
    """The kinds of audio file podcast-tool chapters, for messages: "MP3, M4A/M4B, …"."""
    return ", ".join(dict.fromkeys(c.capabilities.label for c in all_containers()))


def tightest_chapter_limit() -> tuple[int, list[Container]] | None:
    """The smallest ``max_chapters`` of any container, and the containers it applies to."""
    limited = [c for c in all_containers() if c.capabilities.max_chapters is not None]
    if not limited:
        return None
    limit = min(c.capabilities.max_chapters or 0 for c in limited)
    return limit, [c for c in limited if c.capabilities.max_chapters == limit]


def _head_behind_id3(handle: BinaryIO, head: bytes) -> bytes:
    """The first bytes after a leading ID3v2 tag (b"" if none).

    Some taggers put an ID3v2 tag before a FLAC stream; mutagen and ffmpeg skip
    it. The size is read as mutagen's FLAC reader does (no footer).
    """
    if len(head) < 10 or head[:3] != b"ID3":
        return b""
    from podcast_tool.containers.id3.sizes import syncsafe

    handle.seek(10 + syncsafe(head[6:10]))
    return handle.read(SNIFF_BYTES)


T = TypeVar("T")


def damage_errors() -> tuple[type[BaseException], ...]:
    """The errors that mean "this file is damaged or unreadable", as mediafile draws the line.

    mutagen's own errors, ``struct``'s (a field cut short), our box parser's, zlib's (a
    compressed frame that does not inflate), an end of file met early, and the system's.
    Anything else raised while handling a file is a bug, and surfaces as one.
    """
    import struct
    import zlib

    from mutagen import MutagenError

    from podcast_tool.containers.mp4.boxes import BoxError

    return (MutagenError, struct.error, BoxError, zlib.error, EOFError, OSError)


def guarded(path: Path, action: Callable[[], T]) -> T:
    """Run ``action``; turn a damaged file's failure into an error naming ``path``.

    A file that fails to parse while another program is still writing it (a recording in
    progress has no index yet) is reported as busy, not damaged.
    """
    try:
        return action()
    except AudioFileError as error:
        _raise_if_busy(path, error)
        raise
    except PodcastToolError:
        raise
    except MemoryError:
        _raise_if_busy(path, None)
        raise AudioFileError(_("the file claims an impossible size; it looks damaged"),
                             path=path) from None
    except damage_errors() as error:
        _raise_if_busy(path, error)
        # Some libraries raise with an empty message (mutagen's ID3NoHeaderError on a cut tag).
        detail = str(error).strip() or _("it looks damaged or cut short")
        if isinstance(error, OSError) and error.strerror:
            detail = error.strerror
        raise AudioFileError(_("cannot process the file: {detail}").format(detail=detail),
                             path=path) from error


def _raise_if_busy(path: Path, error: Exception | None) -> None:
    if not isinstance(error, BusyError) and being_written(path):
        raise busy_error(path, N_("another program is writing it")) from error


class AudioFile:
    """An audio file detected once and parsed once, for every operation of one command.

    Its parse is reused while the file stays as it was (same inode, size and modification
    time); a file another program changed meanwhile is parsed again, and a write or strip
    makes the next use parse the new file.
    """

    def __init__(self, path: Path, container: Container) -> None:
        self.path = path
        self.container = container
        self._parsed: ParsedAudio | None = None
        self._signature: tuple[int, int, int] | None = None

    @property
    def capabilities(self) -> Capabilities:
        return self.container.capabilities

    def _current(self) -> ParsedAudio:
        from podcast_tool.safewrite import file_signature

        try:
            signature = file_signature(self.path)
        except OSError:
            signature = None
        if self._parsed is None or signature is None or signature != self._signature:
            self._parsed = self.container.open(self.path)
            self._signature = signature
        return self._parsed

    def parsed(self) -> ParsedAudio:
        """The container's own parse of the file (its tag, movie or comments), for inspection."""
        return guarded(self.path, self._current)

    def duration_ms(self) -> int:
        return guarded(self.path, lambda: self._current().duration_ms())

    def length(self) -> AudioLength:
        """The playable duration, with warnings (a file shorter than its header says…)."""
        def measure() -> AudioLength:
            parsed = self._current()
            inspect = getattr(parsed, "length", None)
            return inspect() if inspect is not None else AudioLength(parsed.duration_ms())

        return guarded(self.path, measure)

    def read(self) -> Episode:
        return guarded(self.path, lambda: self._current().read())

    def write(self, episode: Episode, options: WriteOptions | None = None) -> WriteReport:
        write_options = options or WriteOptions()
        with file_lock(self.path, wait_seconds=write_options.lock_wait_seconds,
                       on_wait=write_options.on_lock_wait), self._payload_kept():
            try:
                return guarded(self.path, lambda: self._current().write(episode, write_options))
            finally:
                self._parsed = None

    def _payload_kept(self) -> contextlib.AbstractContextManager[None]:
        """The audio payload must come out of a write byte-identical (see ``payload``)."""
        from podcast_tool.containers.payload import DIGESTS

        return payload_kept(self.path, DIGESTS.get(self.container.name))

    def strip(self) -> int:
        with file_lock(self.path), self._payload_kept():
            try:
                return guarded(self.path, lambda: self._current().strip())
            finally:
                self._parsed = None


def open_audio(path: str | Path) -> AudioFile:
    """``path`` detected as one of our containers (a clear error if none fits)."""
    path = Path(path)
    return AudioFile(path, detect(path))


def read_chapters(path: str | Path) -> Episode:
    return open_audio(path).read()


def write_chapters(path: str | Path, episode: Episode,
                   options: WriteOptions | None = None) -> WriteReport:
    return open_audio(path).write(episode, options)


def strip_chapters(path: str | Path) -> int:
    return open_audio(path).strip()


def audio_duration_ms(path: str | Path) -> int:
    return open_audio(path).duration_ms()


def audio_length(path: str | Path) -> AudioLength:
    return open_audio(path).length()


def audio_extensions() -> set[str]:
    """Every extension some container claims (``.mp3``, ``.m4b``…)."""
    return {ext for container in all_containers() for ext in container.capabilities.extensions}


def episode_extensions() -> tuple[str, ...]:
    """Extensions of the files published as episodes (what a folder batch picks up)."""
    found = (ext for c in all_containers() for ext in c.capabilities.episode_extensions)
    return tuple(dict.fromkeys(found))


def is_audio(path: str | Path) -> bool:
    """True if ``path`` is a file one of our containers recognises."""
    try:
        detect(path)
    except PodcastToolError:
        return False
    return True


def is_known_media(path: str | Path) -> bool:
    """True if ``path`` is audio (or media) we recognise, chapterable or not."""
    try:
        detect(path)
    except UnsupportedAudioError as error:
        return error.unsupported is not None
    except PodcastToolError:
        return False
    return True

"""What the containers' operations take and give back: write options, write reports, lengths,
and the notes a container adds to them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from podcast_tool.containers.declaration import Capabilities
from podcast_tool.i18n import N_, _
from podcast_tool.model import Chapter, Diagnostic, Severity


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

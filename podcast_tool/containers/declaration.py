"""What a container declares: its name, its magic bytes, what it holds, and how it opens a file.

A declaration is cheap to import (no mutagen, no box parser): the registry sniffs every file
against every declaration, and only the declaration that matched imports its heavy code,
when its ``open`` is called.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from podcast_tool.model import Chapter, Episode

if TYPE_CHECKING:
    from podcast_tool.containers.results import WriteOptions, WriteReport
    from podcast_tool.containers.unsupported import UnsupportedFormat

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


class ParsedAudio(Protocol):
    """One audio file as a container parsed it: what is read once serves every operation."""

    def duration_ms(self) -> int:
        """The audio's duration (what really plays: see ``length``)."""

    # Optional: ``length() -> AudioLength``, the duration with what the user should know
    # (a file shorter than its header says); ``AudioFile`` falls back to ``duration_ms``.

    def read(self) -> Episode:
        """Chapters (and episode title where stored) read from the file."""

    def write(self, episode: Episode, options: WriteOptions) -> WriteReport:
        """Replace the file's chapters with ``episode.chapters``, safely."""

    def strip(self) -> int:
        """Remove every chapter; return how many there were."""


@dataclass(frozen=True, eq=False)
class ContainerKind:
    """One container as the registry knows it, before any file is parsed."""

    #: Short name shown to users ("mp3", "mp4", "ogg", "flac").
    name: str
    #: What the container can hold.
    capabilities: Capabilities
    #: True if the first bytes of a file are this container's.
    sniff: Callable[[bytes], bool]
    #: Parses a file of this container (lazily: each part when first needed). It imports the
    #: container's heavy code, so that only the container a file matched pays for it.
    opener: Callable[[Path], ParsedAudio]
    #: The format of a file this container's bytes match but that must be refused
    #: (MP3 inside a WAV), else None.
    refuse: Callable[[bytes], UnsupportedFormat | None] | None = None
    #: Also recognised behind a leading ID3v2 tag (as FLAC sometimes is).
    found_behind_id3: bool = False

    def open(self, path: Path) -> ParsedAudio:
        return self.opener(path)

    def __repr__(self) -> str:
        return f"ContainerKind({self.name!r})"


"""Audio containers that carry chapters, behind one small interface.

What callers use, from its home module:

- ``registry``: every container's declaration (``CONTAINERS``, in sniffing order) and
  ``detect``, which picks one by the file's *content* (magic bytes), the extension only
  breaking ties; ``supported_types``, ``audio_extensions``… read the declarations.
- ``declaration``: what a container declares (``ContainerKind``: name, sniff, ``Capabilities``,
  how it opens a file). Each container's declaration lives in its light package module
  (``id3``, ``mp4``, ``vorbis``); its parser (``id3.mp3``, ``mp4.container``, ``vorbis.file``…)
  is imported only when a file of that container is opened.
- ``audiofile``: ``open_audio`` detects a file once and returns an ``AudioFile``, parsed once
  and reused for the duration, reading, writing and stripping.
- ``boundary``: the single error boundary around mutagen and our own parsers: whatever means
  "this file is damaged" comes out as an ``AudioFileError`` naming the file.
- ``recovery``: an interrupted in-place edit is undone before a file is detected.
- ``results``: write options, write reports, lengths and the notes containers add to them.
"""

from __future__ import annotations

from podcast_tool.containers.audiofile import (  # noqa: I001
    AudioFile,
    audio_duration_ms,
    audio_length,
    open_audio,
    read_chapters,
    strip_chapters,
    write_chapters,
)
from podcast_tool.containers.boundary import damage_errors, guarded  # noqa: I001
from podcast_tool.containers.declaration import FEATURES, Capabilities, ContainerKind, ParsedAudio
from podcast_tool.containers.recovery import recover_interrupted_edit
from podcast_tool.containers.registry import (
    CONTAINERS,
    SNIFF_BYTES,
    all_containers,
    audio_extensions,
    detect,
    episode_extensions,
    supported_types,
    tightest_chapter_limit,
)
from podcast_tool.containers.results import (
    AudioLength,
    WriteOptions,
    WriteReport,
    not_kept_note,
    truncated_note,
)

__all__ = [
    "CONTAINERS", "FEATURES", "SNIFF_BYTES", "AudioFile", "AudioLength", "Capabilities",
    "ContainerKind", "ParsedAudio", "WriteOptions", "WriteReport", "all_containers",
    "audio_duration_ms", "audio_extensions", "audio_length", "damage_errors", "detect",
    "episode_extensions", "guarded", "not_kept_note", "open_audio", "read_chapters",
    "recover_interrupted_edit", "strip_chapters", "supported_types", "tightest_chapter_limit",
    "truncated_note", "write_chapters",
]

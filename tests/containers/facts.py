"""The per-container test table: one row per kind of sample file, read by every container test.

A new container adds its module, its registry line, and one row here; the registry test
fails until each registered container has a row (and each row a registered container).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ContainerFacts:
    #: Extension of the sample files (and the key tests use).
    ext: str
    #: The registry's name for the container that must take these files.
    container: str
    #: What the file holds at ``magic_offset`` once tagged (no foreign tag glued in front).
    magic: bytes
    #: ffmpeg arguments for the tiny samples (tests/conftest.py).
    encoding: tuple[str, ...]
    #: ffmpeg arguments for a seed-length, low-rate recording (test_roundtrip).
    low_rate: tuple[str, ...]
    #: How far ffmpeg's reading of a chapter start may be from ours.
    slack_ms: int = 1
    magic_offset: int = 0


FACTS = [
    ContainerFacts("mp3", "mp3", b"ID3", ("-c:a", "libmp3lame", "-b:a", "48k"),
                   ("-ar", "8000", "-c:a", "libmp3lame", "-b:a", "8k"),
                   slack_ms=200),  # ffmpeg reads MP3 chapters shifted by the encoder delay
    ContainerFacts("m4a", "mp4", b"ftyp", ("-c:a", "aac", "-b:a", "48k", "-f", "mp4"),
                   ("-ar", "8000", "-c:a", "aac", "-b:a", "8k", "-f", "mp4"), magic_offset=4),
    ContainerFacts("m4b", "mp4", b"ftyp",
                   ("-c:a", "aac", "-b:a", "48k", "-f", "mp4", "-brand", "M4B "),
                   ("-ar", "8000", "-c:a", "aac", "-b:a", "8k", "-f", "mp4", "-brand", "M4B "),
                   magic_offset=4),
    ContainerFacts("ogg", "ogg", b"OggS", ("-c:a", "libvorbis", "-q:a", "0"),
                   ("-ar", "8000", "-c:a", "libvorbis", "-q:a", "-1")),
    ContainerFacts("opus", "opus", b"OggS", ("-c:a", "libopus", "-b:a", "24k"),
                   ("-c:a", "libopus", "-b:a", "6k")),
    ContainerFacts("flac", "flac", b"fLaC", ("-c:a", "flac",), ("-ar", "8000", "-c:a", "flac")),
    ContainerFacts("wav", "wav", b"RIFF", ("-c:a", "pcm_s16le",), ("-ar", "1000", "-c:a", "pcm_u8")),
]
BY_EXT = {row.ext: row for row in FACTS}

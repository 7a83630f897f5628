"""Ogg Vorbis, Ogg Opus and FLAC: chapters as Vorbis comments.

The "chapter extension" of Vorbis comments, which ffmpeg reads as chapters::

    CHAPTER000=00:00:20.000
    CHAPTER000NAME=Mot d'accueil de Daniel Delaveau
    CHAPTER000URL=https://example.org/      (only where the chapter has one)

Numbers have three digits from 000, so at most 1000 chapters (ffmpeg ignores
longer numbers), and hours two digits (ffmpeg reads ``%02d``), so chapters
start before 100 h. A chapter's time key is written before its NAME key because
ffmpeg attaches a NAME only to a chapter it has already seen (``comments``).

Vorbis comments carry no end times: chapters read back have ``end_ms=None``
(``effective_ends`` then gives the next start, and the audio's end for the
last one). A chapter whose time cannot be parsed is skipped when reading and
still counted (and removed) by ``strip``.

This module declares the three containers, named ``ogg`` (Vorbis), ``opus`` and
``flac``, each recognised by its own bytes; ``file`` (mutagen) reads and edits them, and is
imported when a file is opened.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from podcast_tool.containers.declaration import Capabilities, ContainerKind

if TYPE_CHECKING:
    from podcast_tool.containers.vorbis.file import VorbisCommentFile

#: Three digits: CHAPTER000 … CHAPTER999.
MAX_CHAPTERS = 1000
#: Two hour digits: ffmpeg reads ``%02d:%02d:%02d.%03d``.
MAX_START_MS = 100 * 3600 * 1000 - 1


def ogg_first_packet(head: bytes) -> bytes:
    """The start of the first packet of an Ogg stream (b"" if ``head`` is not Ogg)."""
    if len(head) < 27 or not head.startswith(b"OggS"):
        return b""
    segments = head[26]
    return head[27 + segments:]



def _capabilities(label: str, extensions: tuple[str, ...],
                  episode_extensions: tuple[str, ...]) -> Capabilities:
    return Capabilities(label=label, extensions=extensions, episode_extensions=episode_extensions,
                        keeps=frozenset({"url"}), max_chapters=MAX_CHAPTERS,
                        max_start_ms=MAX_START_MS)


def open_comments_file(path: Path, name: str) -> VorbisCommentFile:
    from podcast_tool.containers.vorbis.file import open_file

    return open_file(name, path)


OGG_VORBIS = ContainerKind(
    "ogg", _capabilities("Ogg Vorbis", (".ogg", ".oga"), (".ogg",)),
    lambda head: ogg_first_packet(head).startswith(b"\x01vorbis"),
    lambda path: open_comments_file(path, "ogg"))
OGG_OPUS = ContainerKind(
    "opus", _capabilities("Opus", (".opus", ".ogg", ".oga"), (".opus", ".ogg")),
    lambda head: ogg_first_packet(head).startswith(b"OpusHead"),
    lambda path: open_comments_file(path, "opus"))
FLAC_STREAM = ContainerKind(
    "flac", _capabilities("FLAC", (".flac",), (".flac",)),
    lambda head: head.startswith(b"fLaC"),
    lambda path: open_comments_file(path, "flac"), found_behind_id3=True)

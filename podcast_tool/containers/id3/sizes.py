"""ID3v2 sizes: syncsafe integers (7 bits a byte) and the size of a tag from its header."""

from __future__ import annotations

from typing import BinaryIO


def syncsafe(raw: bytes) -> int:
    value = 0
    for byte in raw:
        value = (value << 7) | (byte & 0x7F)
    return value


def tag_size(head: bytes) -> int:
    """Bytes an ID3v2 tag starting ``head`` takes, header and footer included (0 if none)."""
    if len(head) < 10 or head[:3] != b"ID3":
        return 0
    return 10 + syncsafe(head[6:10]) + (10 if head[5] & 0x10 else 0)


def tag_size_without_footer(head: bytes) -> int:
    """Bytes of the ID3v2 tag starting ``head``, header included, its footer not (0 if none)."""
    if len(head) < 10 or head[:3] != b"ID3":
        return 0
    return 10 + syncsafe(head[6:10])


def tag_end(handle: BinaryIO) -> int:
    """Where the leading ID3v2 tag really ends: its footer counts only where "3DI" is.

    Some taggers set the footer flag without writing a footer; trusting the flag would
    cut the first 10 bytes of the audio.
    """
    handle.seek(0)
    head = handle.read(10)
    end = tag_size_without_footer(head)
    if end and head[5] & 0x10:
        handle.seek(end)
        if handle.read(3) == b"3DI":
            end += 10
    return end

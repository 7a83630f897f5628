"""ID3v2 sizes: syncsafe integers (7 bits a byte) and the size of a tag from its header."""

from __future__ import annotations


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

"""Just enough of JPEG and PNG headers to know what an app will do with a chapter image."""

from __future__ import annotations

import struct
from dataclasses import dataclass


@dataclass(frozen=True)
class PictureInfo:
    mime: str | None
    width: int | None = None
    height: int | None = None
    #: PNG with an alpha channel or a transparency chunk.
    transparent: bool = False


def picture_info(data: bytes) -> PictureInfo:
    if data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) >= 33:
        width, height, _, color_type = struct.unpack_from(">IIBB", data, 16)
        return PictureInfo("image/png", width, height,
                           transparent=color_type in (4, 6) or b"tRNS" in data[:4096])
    if data.startswith(b"\xff\xd8"):
        width, height = _jpeg_size(data)
        return PictureInfo("image/jpeg", width, height)
    return PictureInfo(None)


def _jpeg_size(data: bytes) -> tuple[int | None, int | None]:
    offset = 2
    while offset + 9 <= len(data):
        if data[offset] != 0xFF:
            return None, None
        marker = data[offset + 1]
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
            offset += 2
            continue
        length = struct.unpack_from(">H", data, offset + 2)[0]
        # Start-of-frame markers (baseline, progressive…) carry the size; C4, C8, CC do not.
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            height, width = struct.unpack_from(">HH", data, offset + 5)
            return width, height
        offset += 2 + length
    return None, None

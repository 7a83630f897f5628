"""Chapter images named by an outline or sidecar, read for embedding in the audio.

A chapter's ``image`` is either a web address (kept as a reference: JSON ``img``,
Podlove ``image``; never downloaded) or a local file, relative to the folder of
the chapter file. Local images are read into ``image_data``/``image_mime`` so the
containers embed them (ID3 APIC inside the CHAP…). Only JPEG and PNG, recognised
by their first bytes, and at most ``MAX_IMAGE_BYTES``: players show chapter images
small, and every byte is repeated in each copy of the episode listeners download.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

from podcast_tool import fileaccess
from podcast_tool.characters import is_web_url
from podcast_tool.errors import ChapterFormatError
from podcast_tool.i18n import _
from podcast_tool.model import Chapter, Diagnostic, Episode, Severity

#: 1 MiB: a 1400×1400 JPEG (the usual cover size) is typically 200–500 KB.
MAX_IMAGE_BYTES = 1024 * 1024
SIGNATURES = ((b"\xff\xd8\xff", "image/jpeg"), (b"\x89PNG\r\n\x1a\n", "image/png"))


def image_mime(data: bytes) -> str | None:
    """``image/jpeg`` or ``image/png`` from the magic bytes, else None."""
    return next((mime for magic, mime in SIGNATURES if data.startswith(magic)), None)


def load_chapter_images(episode: Episode, base: Path) -> list[Diagnostic]:
    """Read the local image of every chapter that names one; web images stay references.

    ``base`` is the folder relative paths start from (the chapter file's). Raises
    ``ChapterFormatError`` naming the chapter file and line for a missing, unreadable,
    oversized or non-JPEG/PNG image.
    """
    diagnostics: list[Diagnostic] = []
    file = str(episode.source) if episode.source else None
    for chapter in episode.chapters:
        if not chapter.image or chapter.image_data is not None:
            continue
        if is_web_url(chapter.image):
            diagnostics.append(Diagnostic(
                Severity.INFO, "image-not-embedded",
                _('the image of "{title}" is a web address: it is not downloaded nor embedded in '
                  "the audio").format(title=chapter.title), file=file, line=chapter.line,
                hint=_("give a local JPEG or PNG file to embed it")))
            continue
        chapter.image_data, chapter.image_mime = _read_image(chapter, base / chapter.image, episode)
    return diagnostics


def _read_image(chapter: Chapter, path: Path, episode: Episode) -> tuple[bytes, str]:
    def error(message: str, hint: str | None = None) -> ChapterFormatError:
        return ChapterFormatError(_('the image of "{title}" ({image}) {message}').format(
                                      title=chapter.title, image=chapter.image, message=message),
                                  path=episode.source, line=chapter.line, hint=hint)

    try:
        size = path.stat().st_size
        if size > MAX_IMAGE_BYTES:
            raise error(f"is too large ({size // 1024} KiB; at most {MAX_IMAGE_BYTES // 1024} KiB)",
                        hint=_("resize it: chapter images are shown small (1400×1400 JPEG is plenty)"))
        with fileaccess.open_binary(path) as handle:
            data = handle.read(MAX_IMAGE_BYTES + 1)
    except FileNotFoundError:
        raise error(f"is not found (looked for {path})") from None
    except IsADirectoryError:
        raise error("is a folder, not an image file") from None
    except fileaccess.NotRegularFileError as error_:
        raise error(str(error_.strerror)) from None
    except OSError as error_:
        raise error(f"cannot be read ({error_.strerror})") from None
    if len(data) > MAX_IMAGE_BYTES:  # grew since stat()
        raise error(f"is too large (more than {MAX_IMAGE_BYTES // 1024} KiB)")
    mime = image_mime(data)
    if mime is None:
        raise error("is not a JPEG or PNG image", hint=_("convert it to JPEG or PNG"))
    return data, mime


# --- what players check in an image: type, size, transparency -------------------------

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

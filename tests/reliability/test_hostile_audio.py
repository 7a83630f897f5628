"""Hostile or broken audio, for every container: no crash, no hang, bounded memory, a clear error.

Every file below goes through ``podcast-tool show``, ``strip`` and ``tag`` in a child
process (``tests/reliability/harness.py``): killed if it runs past the timeout, its peak
resident memory read from ``wait4``. What each run must do:

- exit 0, or exit 1 with ``FILE: error: …`` naming the file (no traceback, nothing else);
- stay under ``MEMORY_BOUND_MB`` and finish before the timeout;
- leave the file as it was unless it exited 0 (``strip`` and ``tag``), and leave no
  temporary file behind;
- when ``tag`` succeeds on a damaged file, the result reads back with the new chapters.

Cases marked ``ERROR`` must be refused (exit 1); cases marked ``EITHER`` are damaged in
ways players tolerate (a cut MP3 still plays), so success is allowed, with the checks above.
"""

from __future__ import annotations

import hashlib
import json
import random
import struct
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from podcast_tool import containers
from podcast_tool.model import Chapter, Episode
from tests.reliability.conftest import count
from tests.reliability.harness import MEMORY_BOUND_MB, CliServer, Outcome

ERROR, EITHER = "error", "either"
COMMANDS = ("show", "strip", "tag")
EXTENSIONS = ("mp3", "m4a", "ogg", "opus", "flac", "wav")
GIB = 1 << 30
SPARSE_SIZE = 3 * GIB
#: Titles written by ``tag`` (from a JSON chapter file) and looked for afterwards.
TITLES = ["Accueil", "Débat"]

Builder = Callable[[Callable[..., Path], Path], Path]


@dataclass(frozen=True)
class Case:
    build: Builder
    expect: str
    commands: tuple[str, ...] = COMMANDS


CASES: dict[str, Case] = {}


def case(name: str, expect: str, commands: tuple[str, ...] = COMMANDS
         ) -> Callable[[Builder], Builder]:
    def register(build: Builder) -> Builder:
        assert name not in CASES
        CASES[name] = Case(build, expect, commands)
        return build
    return register


def rng(name: str) -> random.Random:
    return random.Random(f"hostile-{name}")


def write(folder: Path, name: str, data: bytes, sparse_to: int = 0) -> Path:
    path = folder / name
    with path.open("wb") as handle:
        handle.write(data)
        if sparse_to:
            handle.truncate(sparse_to)  # a hole: takes no disk
    return path


def real(make_media: Callable[..., Path], ext: str) -> bytes:
    return make_media(ext).read_bytes()


# --- generic damage, for every container ------------------------------------------------

def _generic(ext: str) -> None:
    @case(f"{ext}-empty", ERROR)
    def empty(make_media, folder):
        return write(folder, f"empty.{ext}", b"")

    @case(f"{ext}-random-bytes", ERROR)
    def noise(make_media, folder):
        return write(folder, f"noise.{ext}", rng(ext).randbytes(20_000))

    @case(f"{ext}-zeros-sparse-3GiB", ERROR)
    def zeros(make_media, folder):
        return write(folder, f"zeros.{ext}", b"", SPARSE_SIZE)

    @case(f"{ext}-real-head-then-random", EITHER)
    def head_noise(make_media, folder):
        return write(folder, f"head-noise.{ext}", real(make_media, ext)[:64] + rng(ext).randbytes(20_000))

    @case(f"{ext}-cut-inside-headers", ERROR)
    def cut_header(make_media, folder):
        return write(folder, f"cut-40.{ext}", real(make_media, ext)[:40])

    for index in range(3):
        @case(f"{ext}-cut-at-random-{index}", EITHER)
        def cut(make_media, folder, index=index):
            data = real(make_media, ext)
            size = rng(f"{ext}-{index}").randrange(41, len(data))
            return write(folder, f"cut-{size}.{ext}", data[:size])

    # The real start of the file, then a hole up to 3 GiB: MP3, FLAC and WAV stay
    # readable (so only show and strip run: tag would copy 3 GiB); Ogg and MP4 break.
    sparse_valid = ext in ("mp3", "flac", "wav")

    @case(f"{ext}-real-head-sparse-3GiB", EITHER if sparse_valid else ERROR,
          ("show", "strip") if sparse_valid else COMMANDS)
    def sparse(make_media, folder):
        return write(folder, f"sparse.{ext}", real(make_media, ext)[:8192], SPARSE_SIZE)


for _ext in EXTENSIONS:
    _generic(_ext)


# --- MP3: ID3 tags that claim too much ---------------------------------------------------

def syncsafe(value: int) -> bytes:
    return bytes((value >> shift) & 0x7F for shift in (21, 14, 7, 0))


def id3_tag(body: bytes, version: int = 3, flags: int = 0, claimed: int | None = None) -> bytes:
    return b"ID3" + bytes([version, 0, flags]) + syncsafe(len(body) if claimed is None else claimed) + body


def frame(name: bytes, payload: bytes, claimed: int | None = None) -> bytes:
    return name + struct.pack(">IH", len(payload) if claimed is None else claimed, 0) + payload


def mp3_audio(make_media: Callable[..., Path]) -> bytes:
    """The MPEG frames of the sample, without its ID3 tag."""
    data = real(make_media, "mp3")
    return data[10 + syncsafe_decode(data[6:10]):]


def syncsafe_decode(raw: bytes) -> int:
    value = 0
    for byte in raw:
        value = (value << 7) | (byte & 0x7F)
    return value


@case("id3-claims-256MiB-in-a-small-file", ERROR)
def id3_huge_small(make_media, folder):
    return write(folder, "id3-huge.mp3", id3_tag(b"", claimed=(1 << 28) - 1) + rng("id3").randbytes(2000))


@case("id3-claims-256MiB-sparse-3GiB", ERROR)
def id3_huge_sparse(make_media, folder):
    return write(folder, "id3-huge-sparse.mp3", id3_tag(b"", claimed=(1 << 28) - 1), SPARSE_SIZE)


@case("id3-frame-claims-2GiB", EITHER)
def id3_frame_huge(make_media, folder):
    body = frame(b"TIT2", b"\x03Titre", claimed=0x7FFFFFFF) + bytes(100)
    return write(folder, "frame-huge.mp3", id3_tag(body) + mp3_audio(make_media))


@case("id3-300k-tiny-frames", EITHER)
def id3_many_frames(make_media, folder):
    # mutagen re-slices the rest of the tag after each frame: quadratic in the frame count.
    body = frame(b"TXXX", b"\x00") * 300_000
    return write(folder, "many-frames.mp3", id3_tag(body) + mp3_audio(make_media))


@case("id3-chap-with-300k-tiny-subframes", EITHER)
def id3_many_subframes(make_media, folder):
    chap = b"chp0\x00" + struct.pack(">IIII", 0, 1000, 0xFFFFFFFF, 0xFFFFFFFF)
    chap += frame(b"TXXX", b"\x00") * 300_000
    body = frame(b"CHAP", chap)
    return write(folder, "many-subframes.mp3", id3_tag(body) + mp3_audio(make_media))


@case("id3-compressed-frame-inflating-to-256MiB", EITHER)
def id3_zlib_bomb(make_media, folder):
    packed = zlib.compress(b"\x03" + b"A" * (256 << 20), 1)  # 1 MB on disk
    compressed = b"TIT2" + struct.pack(">IH", 4 + len(packed), 0x0080) + struct.pack(">I", 10) + packed
    return write(folder, "zlib-bomb.mp3", id3_tag(compressed) + mp3_audio(make_media))


@case("id3-compressed-frame-inflating-to-400KiB", EITHER)
def id3_zlib_under_the_bound(make_media, folder):
    packed = zlib.compress(b"\x03" + b"A" * (400 << 10), 1)
    compressed = b"TIT2" + struct.pack(">IH", 4 + len(packed), 0x0080) + struct.pack(">I", 10) + packed
    return write(folder, "zlib-400k.mp3", id3_tag(compressed) + mp3_audio(make_media))


def _utf16_title_case(kib: int, expect: str) -> None:
    # mutagen decodes UTF-16 text one character at a time: about half a second per MB.
    @case(f"id3-utf16-title-of-{kib}KiB", expect)
    def build(make_media, folder):
        text = b"\x01" + ("é" * (kib << 9)).encode("utf-16")
        return write(folder, f"utf16-{kib}.mp3", id3_tag(frame(b"TIT2", text)) + mp3_audio(make_media))


_utf16_title_case(400, EITHER)
_utf16_title_case(20 << 10, ERROR)


def _picture_case(mib: int, expect: str) -> None:
    @case(f"id3-{mib}MiB-picture", expect)
    def build(make_media, folder):
        picture = frame(b"APIC", b"\x00image/png\x00\x03\x00" + bytes(mib << 20))
        return write(folder, f"picture-{mib}.mp3", id3_tag(picture) + mp3_audio(make_media))


_picture_case(30, EITHER)  # under the 32 MB podcast-tool reads: read, within the memory bound
_picture_case(60, ERROR)


@case("id3-utf16-picture-description-of-20MiB", ERROR)
def id3_picture_long_description(make_media, folder):
    payload = b"\x01image/png\x00\x03" + ("é" * (10 << 20)).encode("utf-16") + b"\x00\x00" + bytes(1000)
    return write(folder, "picture-desc.mp3", id3_tag(frame(b"APIC", payload)) + mp3_audio(make_media))


@case("id3-extended-header-claims-256MiB", EITHER)
def id3_ext_header(make_media, folder):
    body = syncsafe((1 << 28) - 1) + b"\x01\x00" + frame(b"TIT2", b"\x03Titre")
    return write(folder, "ext-header.mp3", id3_tag(body, version=4, flags=0x40) + mp3_audio(make_media))


@case("id3-chap-subframe-claims-2GiB", EITHER)
def id3_chap_sub_huge(make_media, folder):
    chap = b"chp0\x00" + struct.pack(">IIII", 0, 1000, 0xFFFFFFFF, 0xFFFFFFFF)
    chap += frame(b"TIT2", b"\x03Titre", claimed=0x7FFFFFFF)
    return write(folder, "chap-huge.mp3", id3_tag(frame(b"CHAP", chap)) + mp3_audio(make_media))


@case("id3-ctoc-claims-255-children-it-lacks", EITHER)
def id3_ctoc_empty(make_media, folder):
    ctoc = b"toc\x00" + bytes([3, 255])
    return write(folder, "ctoc.mp3", id3_tag(frame(b"CTOC", ctoc)) + mp3_audio(make_media))


@case("id3-10k-stacked-empty-tags", EITHER)
def id3_stacked(make_media, folder):
    return write(folder, "stacked.mp3", id3_tag(b"") * 10_000 + mp3_audio(make_media))


@case("flac-behind-id3-claiming-256MiB", ERROR)
def flac_behind_huge_id3(make_media, folder):
    return write(folder, "behind.flac", id3_tag(b"", claimed=(1 << 28) - 1) + real(make_media, "flac"))


# --- MP4: absurd box sizes, loops, counts ------------------------------------------------

MP4_CONTAINERS = {b"moov", b"trak", b"mdia", b"minf", b"stbl", b"udta", b"tref"}


def mp4_boxes(data: bytes, start: int, end: int) -> Iterator[tuple[bytes, int, int, int]]:
    """(kind, offset, header size, size) of the boxes in ``data[start:end]``."""
    offset = start
    while offset + 8 <= end:
        size, kind = struct.unpack_from(">I4s", data, offset)
        header = 8
        if size == 1:
            size, header = struct.unpack_from(">Q", data, offset + 8)[0], 16
        elif size == 0:
            size = end - offset
        yield kind, offset, header, size
        offset += size


def locate(data: bytes, *path: bytes | tuple[bytes, int]) -> tuple[int, int, int]:
    """(offset, header size, size) of the box down ``path``; ``(kind, n)`` picks the n-th."""
    start, end, found = 0, len(data), None
    for step in path:
        kind, nth = step if isinstance(step, tuple) else (step, 0)
        matches = [box for box in mp4_boxes(data, start, end) if box[0] == kind]
        found = matches[nth]
        start, end = found[1] + found[2], found[1] + found[3]
    assert found is not None
    return found[1], found[2], found[3]


def patch(data: bytes, offset: int, new: bytes) -> bytes:
    return data[:offset] + new + data[offset + len(new):]


def m4a(make_media: Callable[..., Path]) -> bytes:
    return real(make_media, "m4a")


def tagged_m4a(make_media: Callable[..., Path], folder: Path) -> bytes:
    """The sample with a QuickTime chapter track and chpl, written by podcast-tool."""
    scratch = folder / "scratch.m4a"
    scratch.write_bytes(m4a(make_media))
    containers.write_chapters(scratch, Episode(chapters=[Chapter(0, "Un"), Chapter(4000, "Deux")]))
    data = scratch.read_bytes()
    scratch.unlink()
    return data


STBL = (b"moov", b"trak", b"mdia", b"minf", b"stbl")
CHAPTER_STBL = (b"moov", (b"trak", 1), b"mdia", b"minf", b"stbl")


def _mp4_case(name: str, expect: str = ERROR) -> Callable[[Callable[..., bytes]], Builder]:
    def register(mutate: Callable[..., bytes]) -> Builder:
        def build(make_media, folder):
            return write(folder, f"{name}.m4a", mutate(make_media, folder))
        return case(f"mp4-{name}", expect)(build)
    return register


@_mp4_case("moov-largesize-2^63")
def moov_largesize(make_media, folder):
    data = m4a(make_media)
    offset, _, _ = locate(data, b"moov")
    return data[:offset] + struct.pack(">I4sQ", 1, b"moov", 1 << 63) + data[offset + 8:]


@_mp4_case("moov-size-4GiB")
def moov_size_max(make_media, folder):
    data = m4a(make_media)
    offset, _, _ = locate(data, b"moov")
    return patch(data, offset, struct.pack(">I", 0xFFFFFFFF))


@_mp4_case("box-smaller-than-its-header")
def box_size_4(make_media, folder):
    data = m4a(make_media)
    offset, _, _ = locate(data, b"free")
    return patch(data, offset, struct.pack(">I", 4))


@_mp4_case("largesize-below-header")
def largesize_small(make_media, folder):
    data = m4a(make_media)
    offset, _, _ = locate(data, b"free")
    return data[:offset] + struct.pack(">I4sQ", 1, b"free", 8) + data[offset + 8:]


@_mp4_case("child-larger-than-moov")
def child_too_big(make_media, folder):
    data = m4a(make_media)
    offset, _, _ = locate(data, *STBL)
    return patch(data, offset, struct.pack(">I", 0x7FFFFFFF))


@_mp4_case("udta-nested-100k-deep")
def deep_nesting(make_media, folder):
    data = m4a(make_media)
    offset, _, size = locate(data, b"moov")
    depth = 100_000
    nested = b"".join(struct.pack(">I4s", 8 * (depth - level), b"udta") for level in range(depth))
    moov_body = data[offset + 8:offset + size] + nested
    return data[:offset] + struct.pack(">I4s", 8 + len(moov_body), b"moov") + moov_body


@_mp4_case("100k-top-level-boxes")
def many_boxes(make_media, folder):
    data = m4a(make_media)
    offset, _, _ = locate(data, b"free")
    return data[:offset] + struct.pack(">I4s", 8, b"free") * 100_001 + data[offset:]


@_mp4_case("stco-count-4G")
def stco_count(make_media, folder):
    data = m4a(make_media)
    offset, header, _ = locate(data, *STBL, b"stco")
    return patch(data, offset + header + 4, struct.pack(">I", 0xFFFFFFFF))


@_mp4_case("stsz-count-4G-in-the-chapter-track", EITHER)
def stsz_count(make_media, folder):
    data = tagged_m4a(make_media, folder)
    offset, header, _ = locate(data, *CHAPTER_STBL, b"stsz")
    return patch(data, offset + header + 8, struct.pack(">I", 0xFFFFFFFF))


@_mp4_case("stts-4G-entries-in-the-chapter-track", EITHER)
def stts_count(make_media, folder):
    data = tagged_m4a(make_media, folder)
    offset, header, _ = locate(data, *CHAPTER_STBL, b"stts")
    return patch(data, offset + header + 4, struct.pack(">I", 0xFFFFFFFF))


@_mp4_case("chapter-samples-past-the-end", EITHER)
def chapter_offsets_past_eof(make_media, folder):
    data = tagged_m4a(make_media, folder)
    offset, header, _ = locate(data, *CHAPTER_STBL, b"stco")
    return patch(data, offset + header + 8, struct.pack(">I", 0xFFFFFFF0))


@_mp4_case("audio-track-names-itself-as-chapters", EITHER)
def self_reference(make_media, folder):
    data = tagged_m4a(make_media, folder)
    offset, header, _ = locate(data, b"moov", b"trak", b"tref", b"chap")
    return patch(data, offset + header, struct.pack(">I", 1))


@_mp4_case("chapter-track-shares-the-audio-track-id", EITHER)
def shared_id(make_media, folder):
    data = tagged_m4a(make_media, folder)
    offset, header, _ = locate(data, b"moov", (b"trak", 1), b"tkhd")
    return patch(data, offset + header + 12, struct.pack(">I", 1))


@_mp4_case("mdat-size-0-hides-moov")
def mdat_to_end(make_media, folder):
    data = m4a(make_media)
    offset, _, _ = locate(data, b"mdat")
    return patch(data, offset, struct.pack(">I", 0))


@_mp4_case("movie-timescale-0", EITHER)
def timescale_zero(make_media, folder):
    data = m4a(make_media)
    offset, header, _ = locate(data, b"moov", b"mvhd")
    return patch(data, offset + header + 12, struct.pack(">I", 0))


@_mp4_case("chpl-claims-255-chapters-it-lacks", EITHER)
def chpl_short(make_media, folder):
    data = tagged_m4a(make_media, folder)
    offset, header, _ = locate(data, b"moov", b"udta", b"chpl")
    return patch(data, offset + header + 8, bytes([255]))


@case("mp4-moov-with-a-60MiB-free-box-sparse", EITHER)
def moov_big_free(make_media, folder):
    # The sample's moov comes last: grow it by a free box of 60 MiB, a hole at the file's end.
    data = m4a(make_media)
    offset, _, size = locate(data, b"moov")
    assert offset + size == len(data)
    free = 60 << 20
    head = data[:offset] + struct.pack(">I4s", size + free, b"moov") + data[offset + 8:]
    head += struct.pack(">I4s", free, b"free")
    return write(folder, "moov-free.m4a", head, len(head) + free - 8)


@case("mp4-moov-claims-250MiB-sparse-3GiB", ERROR)
def moov_sparse(make_media, folder):
    head = (struct.pack(">I4s4sI4s", 20, b"ftyp", b"M4A ", 0, b"isom")
            + struct.pack(">I4s", 250 << 20, b"moov"))
    return write(folder, "moov-sparse.m4a", head, SPARSE_SIZE)


# --- FLAC and Ogg: Vorbis comments that claim huge lengths --------------------------------

def flac_block(data: bytes, block_type: int) -> int:
    """Offset of the first metadata block of ``block_type`` in a FLAC stream."""
    offset = 4
    while True:
        kind, length = data[offset] & 0x7F, int.from_bytes(data[offset + 1:offset + 4], "big")
        if kind == block_type:
            return offset
        assert not data[offset] & 0x80, "no such block"
        offset += 4 + length


VORBIS_COMMENT = 4


@case("flac-vendor-length-4GiB", ERROR)
def flac_vendor(make_media, folder):
    data = real(make_media, "flac")
    offset = flac_block(data, VORBIS_COMMENT)
    return write(folder, "vendor.flac", patch(data, offset + 4, struct.pack("<I", 0xFFFFFFFF)))


@case("flac-comment-count-4G", ERROR)
def flac_count(make_media, folder):
    data = real(make_media, "flac")
    offset = flac_block(data, VORBIS_COMMENT)
    vendor = struct.unpack_from("<I", data, offset + 4)[0]
    return write(folder, "count.flac", patch(data, offset + 8 + vendor, struct.pack("<I", 0xFFFFFFFF)))


@case("flac-comment-length-4GiB", ERROR)
def flac_comment_length(make_media, folder):
    data = real(make_media, "flac")
    offset = flac_block(data, VORBIS_COMMENT)
    vendor = struct.unpack_from("<I", data, offset + 4)[0]
    return write(folder, "length.flac", patch(data, offset + 12 + vendor, struct.pack("<I", 0xFFFFFFFF)))


@case("flac-block-claims-16MiB-past-the-end", ERROR)
def flac_block_huge(make_media, folder):
    data = real(make_media, "flac")
    offset = flac_block(data, VORBIS_COMMENT)
    return write(folder, "block.flac", patch(data, offset + 1, b"\xff\xff\xff")[:offset + 5000])


@case("flac-30k-empty-padding-blocks", EITHER)
def flac_many_blocks(make_media, folder):
    data = real(make_media, "flac")
    offset = flac_block(data, VORBIS_COMMENT)
    return write(folder, "padding.flac", data[:offset] + b"\x01\x00\x00\x00" * 30_000 + data[offset:])


def ogg_comment_packet(data: bytes) -> int:
    """Offset of the comment header packet (``\\x03vorbis`` or ``OpusTags``) in an Ogg file."""
    offset = max(data.find(b"\x03vorbis"), data.find(b"OpusTags"))
    assert offset > 0
    return offset


def _ogg_case(ext: str, what: str, field: int) -> None:
    """``field``: 0 the vendor length, 1 the comment count (after the vendor string)."""
    @case(f"{ext}-comment-{what}-4G", ERROR)
    def build(make_media, folder):
        data = real(make_media, ext)
        offset = ogg_comment_packet(data) + (7 if ext == "ogg" else 8)
        if field:
            offset += 4 + struct.unpack_from("<I", data, offset)[0]
        return write(folder, f"{what}.{ext}", patch(data, offset, struct.pack("<I", 0xFFFFFFFF)))


for _ext in ("ogg", "opus"):
    _ogg_case(_ext, "vendor-length", 0)
    _ogg_case(_ext, "count", 1)


# --- WAV ---------------------------------------------------------------------------------

def wav_fmt(make_media: Callable[..., Path]) -> bytes:
    data = real(make_media, "wav")
    offset = data.index(b"fmt ")
    return data[offset:offset + 8 + struct.unpack_from("<I", data, offset + 4)[0]]


@case("wav-riff-4GiB-of-empty-chunks-sparse-3GiB", ERROR)
def wav_zero_chunks(make_media, folder):
    head = b"RIFF" + struct.pack("<I", 0xFFFFFFFF) + b"WAVE" + wav_fmt(make_media)
    return write(folder, "zero-chunks.wav", head, SPARSE_SIZE)


@case("wav-data-claims-4GiB", ERROR)
def wav_data_huge(make_media, folder):
    data = real(make_media, "wav")
    offset = data.index(b"data")
    return write(folder, "data-huge.wav", patch(data, offset + 4, struct.pack("<I", 0xFFFFFFFF)))


@case("wav-byte-rate-0", EITHER)
def wav_rate_zero(make_media, folder):
    data = real(make_media, "wav")
    offset = data.index(b"fmt ")
    return write(folder, "rate-0.wav", patch(data, offset + 16, struct.pack("<I", 0)))


@case("wav-100k-tiny-chunks", EITHER)
def wav_many_chunks(make_media, folder):
    data = real(make_media, "wav")
    offset = data.index(b"data")
    body = data[12:offset] + (b"junk" + struct.pack("<I", 0)) * 100_000 + data[offset:]
    return write(folder, "many-chunks.wav", b"RIFF" + struct.pack("<I", 4 + len(body)) + b"WAVE" + body)


@case("wav-id3-chunk-claiming-256MiB", EITHER)
def wav_id3_huge(make_media, folder):
    data = real(make_media, "wav")
    chunk = id3_tag(b"", claimed=(1 << 28) - 1) + bytes(100)
    body = data[12:] + b"id3 " + struct.pack("<I", len(chunk)) + chunk
    return write(folder, "id3-huge.wav", b"RIFF" + struct.pack("<I", 4 + len(body)) + b"WAVE" + body)


@case("wav-id3-chunk-of-2GiB-sparse-3GiB", EITHER, ("show", "strip"))
def wav_id3_chunk_sparse(make_media, folder):
    data = real(make_media, "wav")
    head = b"RIFF" + struct.pack("<I", 0xFFFFFFF0) + data[8:] + b"id3 " + struct.pack("<I", 2 * GIB)
    return write(folder, "id3-chunk-sparse.wav", head + id3_tag(frame(b"TIT2", b"\x03Titre")), SPARSE_SIZE)


# --- the runs ----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def server() -> Iterator[CliServer]:
    running = CliServer()
    yield running
    running.close()


@pytest.fixture(scope="module")
def chapter_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("chapters") / "chapitres.json"
    path.write_text(json.dumps({"version": "1.2.0", "chapters": [
        {"startTime": 0, "title": TITLES[0]}, {"startTime": 1, "title": TITLES[1]}]}), "utf-8")
    return path


def fingerprint(path: Path) -> tuple[object, ...]:
    """Identity and content of a file; for multi-GiB sparse files, its first and last MiB."""
    stat = path.stat()
    digest = hashlib.md5()
    with path.open("rb") as handle:
        if stat.st_size <= 64 << 20:
            digest.update(handle.read())
        else:
            digest.update(handle.read(1 << 20))
            handle.seek(-(1 << 20), 2)
            digest.update(handle.read())
    return stat.st_ino, stat.st_size, stat.st_mtime_ns, digest.hexdigest()


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if ".podcast-tool-" in p.name)


def check_run(outcome: Outcome, path: Path, expect: str) -> None:
    assert not outcome.timed_out, f"hung: {outcome.describe()}"
    assert outcome.peak_rss_mb is not None and outcome.peak_rss_mb < MEMORY_BOUND_MB, \
        f"memory: {outcome.describe()}"
    assert "Traceback" not in outcome.stderr, outcome.describe()
    allowed = (1,) if expect == ERROR else (0, 1)
    assert outcome.returncode in allowed, outcome.describe()
    if outcome.returncode == 1:
        assert f"{path}: error: " in outcome.stderr, outcome.describe()


#: Every (case, command) pair run, for the report (docs/reliability.md).
RUNS = [(name, command) for name, entry in CASES.items() for command in entry.commands]


@pytest.mark.parametrize("name", CASES)
def test_hostile_audio_fails_cleanly_in_bounded_time_and_memory(server, make_media, tmp_path,
                                                               chapter_file, name):
    entry = CASES[name]
    path = entry.build(make_media, tmp_path)
    for command in entry.commands:
        before = fingerprint(path)
        args = {"show": ["show", path], "strip": ["strip", path],
                "tag": ["tag", path, chapter_file]}[command]
        outcome = server.run(args)
        count("bounded runs on hostile audio files")
        check_run(outcome, path, entry.expect)
        if outcome.returncode != 0 and command != "show":
            assert fingerprint(path) == before, f"changed by a failed {command}"
        if command == "show":
            assert fingerprint(path) == before
        if command == "tag" and outcome.returncode == 0:
            shown = server.run(["show", "--json", path])
            assert shown.returncode == 0, shown.describe()
            assert [c.get("title") for c in json.loads(shown.stdout)["chapters"]] == TITLES
        assert leftovers(tmp_path) == []


# --- the harness can see what it guards against -------------------------------------------

def test_the_harness_sees_a_hang_a_memory_blowup_and_a_traceback(server):
    hang = server.python("import time; time.sleep(30)", timeout=0.5)
    assert hang.timed_out and hang.returncode is None
    hog = server.python("block = bytearray(300 << 20)\nfor i in range(0, len(block), 4096): block[i] = 1")
    assert hog.returncode == 0 and hog.peak_rss_mb is not None and hog.peak_rss_mb > MEMORY_BOUND_MB
    crash = server.python("raise KeyError('boom')")
    assert crash.returncode == 1 and "Traceback" in crash.stderr
    assert server.baseline_mb < MEMORY_BOUND_MB / 2


def test_the_id3_bounds_leave_a_large_real_tag_readable(audio_copy):
    """A 5 MB cover, 100,000 characters of notes, 200 chapters with a 40 KB picture each
    (a 13 MB ID3v2.3 tag, its text in UTF-16): read, re-tagged and stripped."""
    from mutagen.id3 import APIC, COMM, ID3

    path = audio_copy("mp3")
    tag = ID3(path)
    cover = rng("cover").randbytes(5 << 20)
    tag.add(APIC(encoding=3, mime="image/jpeg", type=3, desc="couverture", data=cover))
    tag.add(COMM(encoding=3, lang="fra", desc="notes", text=["Débat. " * 14_000]))
    tag.save(path, v2_version=3)
    picture = rng("picture").randbytes(40_000)
    chapters = [Chapter(index * 50, f"Chapitre {index}", image_data=picture, image_mime="image/png")
                for index in range(200)]
    containers.write_chapters(path, Episode(chapters=chapters))
    assert path.stat().st_size > 8_000_000
    read = containers.read_chapters(path).chapters
    assert [c.title for c in read] == [c.title for c in chapters]
    assert all(c.image_data == picture for c in read)
    containers.write_chapters(path, Episode(chapters=chapters[:3]))
    assert containers.strip_chapters(path) == 3
    kept = ID3(path)
    assert kept.getall("APIC")[0].data == cover and kept.getall("COMM")[0].text[0].startswith("Débat")

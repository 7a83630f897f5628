"""WAV: ID3v2 chapter frames in the RIFF ``id3 `` chunk.

Podcast apps do not play WAV, but a WAV master with
chapters is still useful: ffmpeg's WAV demuxer reads CHAP/CTOC frames from an
``id3 `` (or ``ID3 ``) chunk (checked with the bundled ffmpeg 9: the chapters,
titles and times come back), so ffmpeg-based players show them and
``ffmpeg -i master.wav episode.mp3`` carries them into the MP3 it makes. So
``tag``, ``show`` and ``strip`` work on WAV, writing the same frames as for MP3
(``Id3File``: one top-level CTOC, CHAP frames in chronological order,
ID3v2.3 by default); every write adds an info note that podcast apps need an
MP3 or M4A.

The RIFF structure is rebuilt around the new chunk: every other chunk (``fmt``,
``data``, ``LIST``/``INFO``, ``bext``, ``cue``…) is copied byte for byte with
the kernel's ``copy_file_range`` into ``safewrite.rewrite``'s temporary file, in
its original order; the new ``id3 `` chunk takes the place of the old one, or
comes last. Stripping the last ID3 frame removes the chunk. Bytes after the
last chunk (some taggers append an ID3 tag after the RIFF chunk) are kept as they are.

Not supported, with a clear error: RF64/BW64 files (WAV over 4 GB) and WAV
files whose chunk sizes run past the end of the file (an unfinished
recording): their structure cannot be rewritten safely.
"""

from __future__ import annotations

import io
import struct
from dataclasses import dataclass
from pathlib import Path

from mutagen.id3 import ID3NoHeaderError

from podcast_tool.containers.id3 import is_rf64
from podcast_tool.containers.id3.guard import CostlyTagError, check_tag
from podcast_tool.containers.id3.mp3 import ChapterOrderedID3, Mp3Tagging
from podcast_tool.containers.id3.sizes import tag_size
from podcast_tool.containers.results import AudioLength, WriteReport
from podcast_tool.errors import AudioFileError, UnsupportedAudioError, WriteError
from podcast_tool.i18n import _
from podcast_tool.model import Diagnostic, Severity
from podcast_tool.safewrite import copy_range, rewrite

#: Padding after the frames of the WAV's ID3 chunk (a WAV is always rewritten whole).
PADDING = 1024
ID3_CHUNK_IDS = (b"id3 ", b"ID3 ")
#: A RIFF size field is 32 bits.
MAX_RIFF_SIZE = 0xFFFFFFFF
#: Real WAV files have a handful of chunks (fmt, data, LIST, bext, cue, id3…).
MAX_CHUNKS = 10_000
CONVERT_HINT = "convert it to MP3 or M4A (e.g. with ffmpeg) and tag that file"


@dataclass(frozen=True)
class RiffChunk:
    chunk_id: bytes
    #: Offset of the chunk's 8-byte header in the file.
    offset: int
    #: Size of the chunk's data (without header or pad byte).
    size: int

    @property
    def data_offset(self) -> int:
        return self.offset + 8


@dataclass(frozen=True)
class RiffLayout:
    chunks: list[RiffChunk]
    #: Where the last whole chunk ends; anything after it is kept verbatim.
    chunks_end: int
    file_size: int


def read_layout(handle: io.BufferedReader, path: Path) -> RiffLayout:
    """The chunks of a RIFF/WAVE file; an error naming the file if its sizes do not add up."""
    file_size = handle.seek(0, io.SEEK_END)
    handle.seek(0)
    header = handle.read(12)
    if is_rf64(header):
        raise UnsupportedAudioError(_("RF64/BW64 WAV files (over 4 GB) cannot be chaptered"),
                                    path=path, hint=CONVERT_HINT)
    if len(header) < 12 or header[:4] != b"RIFF" or header[8:12] != b"WAVE":
        raise AudioFileError(_("not a RIFF/WAVE file; it looks damaged"), path=path)
    riff_end = min(8 + struct.unpack("<I", header[4:8])[0], file_size)
    chunks: list[RiffChunk] = []
    position = 12
    while position + 8 <= riff_end:
        if len(chunks) >= MAX_CHUNKS:
            # A RIFF size that runs into zeros (a sparse or preallocated file) would make
            # millions of empty chunks: refuse rather than crawl.
            raise AudioFileError(_("more than {max_chunks} RIFF chunks; the WAV file looks damaged").format(
                                     max_chunks=MAX_CHUNKS),
                                 path=path, hint=_("re-save it with an audio editor or ffmpeg"))
        handle.seek(position)
        chunk_id, size = struct.unpack("<4sI", handle.read(8))
        if position + 8 + size > file_size:
            raise AudioFileError(
                _("the WAV chunk {chunk!r} runs past the end of the file (an unfinished "
                  "recording?); nothing was written").format(chunk=chunk_id.decode("latin-1")),
                path=path, hint=_("re-save it with an audio editor or ffmpeg, then tag the copy"),
            )
        chunks.append(RiffChunk(chunk_id, position, size))
        position += 8 + size + (size & 1)
    if not any(c.chunk_id == b"fmt " for c in chunks) or not any(c.chunk_id == b"data" for c in chunks):
        raise AudioFileError(_("the WAV file has no 'fmt ' or no 'data' chunk; it looks damaged"),
                             path=path)
    return RiffLayout(chunks, min(position, file_size), file_size)


class WavTagging(Mp3Tagging):
    """The MP3 container's chapter logic, with the tag kept in a RIFF chunk."""

    def load_length(self, path: Path) -> AudioLength:
        return AudioLength(self.load_duration_ms(path))

    def load_duration_ms(self, path: Path) -> int:
        with path.open("rb") as handle:
            layout = read_layout(handle, path)
            fmt = next(c for c in layout.chunks if c.chunk_id == b"fmt ")
            data = next(c for c in layout.chunks if c.chunk_id == b"data")
            handle.seek(fmt.data_offset + 8)
            (bytes_per_second,) = struct.unpack("<I", handle.read(4).ljust(4, b"\0"))
        if not bytes_per_second:
            raise AudioFileError(_("the WAV 'fmt ' chunk gives no byte rate; it looks damaged"),
                                 path=path)
        return round(data.size * 1000 / bytes_per_second)

    def load_tags(self, path: Path) -> ChapterOrderedID3:
        with path.open("rb") as handle:
            layout = read_layout(handle, path)
            chunk = next((c for c in layout.chunks if c.chunk_id in ID3_CHUNK_IDS), None)
            if chunk is None:
                return ChapterOrderedID3()
            handle.seek(chunk.data_offset)
            head = handle.read(min(chunk.size, 10))
            try:
                check_tag(head, handle.read)
            except CostlyTagError as error:
                raise AudioFileError(str(error), path=path) from None
            # Only the tag's own bytes: a huge chunk of anything else is not read into memory.
            handle.seek(chunk.data_offset)
            data = handle.read(min(chunk.size, max(tag_size(head), len(head))))
        try:
            return ChapterOrderedID3(io.BytesIO(data))
        except ID3NoHeaderError:  # an empty or foreign chunk: the next write replaces it
            return ChapterOrderedID3()

    def write_notes(self, path: Path) -> WriteReport:
        return WriteReport(diagnostics=[Diagnostic(
            Severity.INFO, "wav-chapters",
            _("chapters were written in the WAV's ID3 chunk: ffmpeg-based tools read them, but "
              "podcast apps do not play WAV"), file=str(path), hint=CONVERT_HINT)])

    def save(self, path: Path, tags: ChapterOrderedID3, version: int
             ) -> tuple[bytes, WriteReport]:
        """Write ``tags`` as the WAV's ID3 chunk; return the new tag's bytes and the report."""
        new_tag = b""
        if len(tags):  # no frame left: drop the chunk rather than keep an empty tag
            buffer = io.BytesIO()
            tags.save(buffer, v1=0, v2_version=version, padding=lambda info: PADDING)
            new_tag = buffer.getvalue()
        with path.open("rb") as original:
            layout = read_layout(original, path)
            kept = [c for c in layout.chunks if c.chunk_id not in ID3_CHUNK_IDS]
            # The new tag takes the first old tag's place (chunks before it are all kept), else comes last.
            tag_index = next((i for i, c in enumerate(layout.chunks) if c.chunk_id in ID3_CHUNK_IDS),
                             len(layout.chunks))
            pieces: list[RiffChunk | bytes] = list(kept)
            if new_tag:
                pieces.insert(tag_index, b"id3 " + struct.pack("<I", len(new_tag)) + new_tag
                              + b"\0" * (len(new_tag) & 1))
            riff_size = 4 + sum(_stored_size(piece) for piece in pieces)
            if riff_size > MAX_RIFF_SIZE:
                raise WriteError(_("the WAV file would exceed 4 GB with its chapters; nothing was "
                                   "written"),
                                 path=path, hint=CONVERT_HINT)
            with rewrite(path) as out:
                out.write(b"RIFF" + struct.pack("<I", riff_size) + b"WAVE")
                for piece in pieces:
                    if isinstance(piece, bytes):
                        out.write(piece)
                        continue
                    copy_range(original, out, piece.offset, 8 + piece.size)
                    if piece.size & 1:
                        out.write(b"\0")
                if layout.chunks_end < layout.file_size:
                    copy_range(original, out, layout.chunks_end)
        return new_tag, WriteReport()


def _stored_size(piece: RiffChunk | bytes) -> int:
    """Bytes a piece takes in the RIFF chunk: header, data and pad byte."""
    if isinstance(piece, bytes):
        return len(piece)
    return 8 + piece.size + (piece.size & 1)


WAV_TAGGING = WavTagging()

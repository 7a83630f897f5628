"""Decoding a stretch of an MP3 from the right byte, with the whole decode's sample times.

ffmpeg finds an exact time in an MP3 by reading every frame header from the start of the file,
so each window late in a long recording pays for a scan of all that comes before it. Here the
frame index (``containers.id3.frameindex``), built once per file and cached beside the studio's
peaks, says where frame ``n`` starts; ffmpeg decodes only the frames of the window, read from
a pipe behind the file's Xing/Info frame (so it trims the encoder delay as in a whole decode).

Sample ``k`` of such a decode is the whole decode's sample ``n * samples_per_frame + k``. The
first frames come out wrong (the bit reservoir reaches back into frames not given, and the
synthesis filters start empty), and so does the start of any filter's output: decoding starts
``PREROLL_FRAMES`` plus the caller's pre-roll earlier, and those samples are dropped. The first
frame is also chosen so that the resampler's grid falls on the whole decode's grid (its time is
a whole number of output samples), so dropping is exact and the samples that remain are the
whole decode's, bit for bit where no filter with a long memory (the high-pass) is used.
"""

from __future__ import annotations

import math
import os
import threading
from pathlib import Path

from podcast_tool.containers.id3.frameindex import FrameIndex, build_index
from podcast_tool.errors import AudioFileError, PodcastToolError
from podcast_tool.ffmpeg import run_ffmpeg
from podcast_tool.i18n import _

#: Frames decoded and dropped before the first wanted one: the bit reservoir reaches back at
#: most 511 bytes (a few small frames), the overlap and synthesis filters one frame more.
PREROLL_FRAMES = 8
#: Samples ffmpeg may drop at the start for the encoder delay (12 bits in the LAME tag, plus
#: the decoder's own 529): a window ends this much later in the decoder's frames.
MAX_START_SKIP = 4095 + 529

_memo: dict[tuple[str, int, int, int], FrameIndex | None] = {}
_memo_lock = threading.Lock()


def _is_mp3(audio: Path) -> bool:
    from podcast_tool import containers

    try:
        return containers.detect(audio).name == "mp3"
    except PodcastToolError:
        return False


def frame_index(audio: Path) -> FrameIndex | None:
    """The frame index of an MP3 (None for any other file), from the cache when unchanged."""
    from podcast_tool.studio import peaks

    try:
        stat = audio.stat()
    except OSError:
        return None
    key = (os.path.realpath(audio), stat.st_size, stat.st_mtime_ns, stat.st_ino)
    # One lock for all: windows decoded in parallel wait for the one walk instead of each walking.
    with _memo_lock:
        if key not in _memo:
            _memo[key] = _load_or_build(audio, peaks.cache_path(audio).with_suffix(".frames"))
        return _memo[key]


def _load_or_build(audio: Path, cache: Path) -> FrameIndex | None:
    from podcast_tool.studio import peaks

    if not _is_mp3(audio):
        return None
    try:
        index = FrameIndex.from_bytes(cache.read_bytes())
    except OSError:
        index = None
    if index is None:
        index = _build(audio)
        if index is not None:
            peaks.write_cache_file(cache, index.to_bytes())
    return index


def _build(audio: Path) -> FrameIndex | None:
    from podcast_tool.containers.id3.sizes import tag_end

    try:
        with audio.open("rb") as handle:
            start = tag_end(handle)
        index = build_index(audio, start)
    except (OSError, ValueError):
        return None
    return index if index is not None and index.frames else None


def aligned_frame(index: FrameIndex, sample: int, rate: int) -> int:
    """The last frame at or before whole-decode ``sample`` whose time is on ``rate``'s grid."""
    step = index.sample_rate // math.gcd(index.sample_rate, index.samples_per_frame * rate)
    frame = max(0, sample) // index.samples_per_frame
    return frame - frame % step


def decode_from_frames(audio: Path, index: FrameIndex, start_ms: int, length_ms: int, *,
                       sample_rate: int, filters: str, preroll_ms: int) -> bytes | None:
    """Mono s16le PCM at ``sample_rate`` from ``start_ms`` for ``length_ms`` (less at the end).

    None where frame numbers do not give the whole decode's times: a window that reaches the
    padded end of a stream with a Xing/Info header, or a stream with junk between frames.
    """
    rate, per_frame = index.sample_rate, index.samples_per_frame
    start_ms = max(0, start_ms)
    wanted = start_ms * rate // 1000
    first = aligned_frame(index, wanted - preroll_ms * rate // 1000 - PREROLL_FRAMES * per_frame,
                          sample_rate)
    if not index.contiguous:
        return None
    if first >= index.frames:
        return b""
    end_sample = (start_ms + length_ms) * rate // 1000 + MAX_START_SKIP
    last = end_sample // per_frame + 2
    if last >= index.frames and index.header:
        # ffmpeg trims the encoder's padding at the stream's end by timestamps counted from the
        # start of what it reads: only a decode from the start trims it as the whole one does.
        return None
    with audio.open("rb") as handle:
        handle.seek(int(index.offsets[first]))
        body = handle.read(index.frame_end(last - 1) - int(index.offsets[first]))
    args: list[str | Path] = ["-f", "mp3", "-i", "pipe:0", "-map", "0:a:0",
                              *(["-af", filters] if filters else []), "-ac", "1",
                              "-ar", str(sample_rate), "-f", "s16le", "-"]
    try:
        result = run_ffmpeg(args, input_bytes=index.header + body)
    except PodcastToolError as error:
        raise AudioFileError(_("cannot decode the audio ({message})").format(message=error.message),
                             path=audio) from error
    # The first output sample's time, exactly on the output grid (see aligned_frame).
    drop = start_ms * sample_rate // 1000 - first * per_frame * sample_rate // rate
    count = length_ms * sample_rate // 1000
    return result.stdout[2 * drop:2 * (drop + count)]

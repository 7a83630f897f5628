"""Decoding a stretch of an MP3 from the right byte, with the whole decode's sample times.

ffmpeg finds an exact time in an MP3 by reading every frame header from the start of the file,
so each window late in a long recording pays for a scan of all that comes before it. Here the
frame index (``containers.id3.frameindex``), built once per file and cached beside the studio's
peaks, says where frame ``n`` starts; ffmpeg decodes only the frames of the window, read from
a pipe behind the file's Xing/Info frame (so it trims the encoder delay as in a whole decode);
several windows go to one ffmpeg process as one stream of their frames (``decode_spans``).

Sample ``k`` of such a decode is the whole decode's sample ``n * samples_per_frame + k``. The
first frames come out wrong (the bit reservoir reaches back into frames not given, and the
synthesis filters start empty), and so does the start of any filter's output: decoding starts
early enough for the reservoir's bytes and the decoder's filters (``decoding_start``), plus the
caller's pre-roll for its own filters, and those samples are dropped. The first
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

#: The bit reservoir: a frame's audio data may begin this many bytes before the frame does.
MAX_BACKSTEP = 511
#: Bytes of a frame that hold no audio data at most: header, CRC, side information.
FRAME_OVERHEAD = 4 + 2 + 32
#: Frames the decoder's own memory spans: the previous granule (overlap) and the synthesis
#: filter bank's 512 samples, a frame each at most.
FILTER_FRAMES = 2
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


def decoding_start(index: FrameIndex, frame: int) -> int:
    """The first frame to decode for ``frame`` to come out as in a whole decode.

    Enough frames before it to hold the reservoir's bytes (counted without the bytes that
    cannot be audio data), then the frames the decoder's filters remember.
    """
    start, data = frame, 0
    while start > 0 and data < MAX_BACKSTEP:
        start -= 1
        data += max(0, index.frame_end(start) - int(index.offsets[start]) - FRAME_OVERHEAD)
    return max(0, start - FILTER_FRAMES)


def aligned_frame(index: FrameIndex, sample: int, rate: int) -> int:
    """The last frame at or before whole-decode ``sample`` whose time is on ``rate``'s grid."""
    step = index.sample_rate // math.gcd(index.sample_rate, index.samples_per_frame * rate)
    frame = max(0, sample) // index.samples_per_frame
    return frame - frame % step


def decode_from_frames(audio: Path, index: FrameIndex, start_ms: int, length_ms: int, *,
                       sample_rate: int, filters: str, preroll_ms: int) -> bytes | None:
    """Mono s16le PCM at ``sample_rate`` from ``start_ms`` for ``length_ms`` (less at the end).

    None where frame numbers do not give the whole decode's times (see ``decode_spans``).
    """
    pcm = decode_spans(audio, index, [(start_ms, length_ms)], sample_rate=sample_rate,
                       filters=filters, preroll_ms=preroll_ms)
    return None if pcm is None else pcm[0]


def decode_spans(audio: Path, index: FrameIndex, spans: list[tuple[int, int]], *,
                 sample_rate: int, filters: str, preroll_ms: int) -> list[bytes] | None:
    """Mono s16le PCM of each ``(start_ms, length_ms)`` span, all from one ffmpeg process.

    The spans' frames (each with its pre-roll) are put one after the other behind the header
    frame, as one stream; a frame's samples depend only on the frames before it, so each span,
    past its pre-roll, holds the whole decode's samples. Every stretch of frames starts and
    lasts a whole number of grid steps (see ``aligned_frame``), so the resampler's grid stays on
    the whole decode's across the joins. None where frame numbers do not give the whole
    decode's times: a stream with junk between frames, or one whose whole decode ends between
    two stretches (see ``_end_trim``).
    """
    if not index.contiguous:
        return None
    rate, per_frame = index.sample_rate, index.samples_per_frame
    step = index.sample_rate // math.gcd(index.sample_rate, per_frame * sample_rate)
    wanted: list[tuple[int, int]] = []
    for start_ms, length_ms in spans:
        start_ms = max(0, start_ms)
        warm = max(0, start_ms * rate // 1000 - preroll_ms * rate // 1000) // per_frame
        first = aligned_frame(index, decoding_start(index, min(warm, index.frames - 1))
                              * per_frame, sample_rate)
        end_sample = (start_ms + length_ms) * rate // 1000 + MAX_START_SKIP
        wanted.append((first, min(index.frames, end_sample // per_frame + 2)))
    stretches = _stretches([w for w in wanted if w[0] < index.frames], step, index.frames)
    if not stretches:
        return [b"" for _span in spans]
    trim = _end_trim(index, stretches)
    if trim is not None and trim < 0:
        return None
    filters = ",".join([*([f"atrim=end_sample={trim}"] if trim is not None else []),
                        *([filters] if filters else [])])
    with audio.open("rb") as handle:
        body = [index.header]
        for first, last in stretches:
            handle.seek(int(index.offsets[first]))
            body.append(handle.read(index.frame_end(last - 1) - int(index.offsets[first])))
    args: list[str | Path] = ["-f", "mp3", "-i", "pipe:0", "-map", "0:a:0",
                              *(["-af", filters] if filters else []), "-ac", "1",
                              "-ar", str(sample_rate), "-f", "s16le", "-"]
    try:
        result = run_ffmpeg(args, input_bytes=b"".join(body))
    except PodcastToolError as error:
        raise AudioFileError(_("cannot decode the audio ({message})").format(message=error.message),
                             path=audio) from error
    pcm = []
    for (start_ms, length_ms), (first, _last) in zip(spans, wanted, strict=True):
        if first >= index.frames:
            pcm.append(b"")
            continue
        # The first output sample of a span's stretch is the whole decode's sample at the
        # stretch's first frame, less the frames left out before it (both on the output grid).
        skipped = next(a - done for (a, b), done in _placed(stretches) if a <= first < b)
        start = max(0, start_ms) * sample_rate // 1000 - skipped * per_frame * sample_rate // rate
        count = length_ms * sample_rate // 1000
        pcm.append(result.stdout[2 * start:2 * (start + count)])
    return pcm


def _stretches(wanted: list[tuple[int, int]], step: int, frames: int) -> list[tuple[int, int]]:
    """The frame ranges to decode: the wanted ones merged, each a whole number of steps long."""
    merged: list[list[int]] = []
    for first, last in sorted(wanted):
        if merged and first <= merged[-1][1] + FILTER_FRAMES:
            merged[-1][1] = max(merged[-1][1], last)
        else:
            merged.append([first, last])
        length = merged[-1][1] - merged[-1][0]
        merged[-1][1] = min(frames, merged[-1][0] + -(-length // step) * step)
    return [(first, last) for first, last in merged]


def _placed(stretches: list[tuple[int, int]]) -> list[tuple[tuple[int, int], int]]:
    """Each stretch with the number of frames before it in the stream decoded."""
    placed, done = [], 0
    for stretch in stretches:
        placed.append((stretch, done))
        done += stretch[1] - stretch[0]
    return placed


def _end_trim(index: FrameIndex, stretches: list[tuple[int, int]]) -> int | None:
    """Output samples (at the stream's rate) where the whole decode ends, if the stream reaches it.

    ffmpeg trims the encoder's padding only when it reads a file, not a pipe: the stream decoded
    is cut there by ``atrim`` (before the resampler, which so meets the same end). -1: the
    whole decode ends between two stretches (a LAME tag claiming fewer frames than the stream
    holds), where frame numbers do not say what ffmpeg keeps.
    """
    per_frame, whole = index.samples_per_frame, index.whole_samples()
    end_frame = (whole + index.start_skip() - 1) // per_frame
    for (first, last), done in _placed(stretches):
        if first <= end_frame < last:
            return whole - (first - done) * per_frame
        if end_frame < first:
            return -1
    return None

"""The waveform's peaks: one decode of the whole recording by the bundled ffmpeg, cached.

ffmpeg decodes to mono 16-bit PCM at a low rate (plenty to see speech and pauses), read in
blocks from its pipe so memory stays flat whatever the length; each bucket of
``1 / PEAKS_PER_SECOND`` s becomes one byte, its loudest sample scaled to 0..255. Peaks are
handed to ``on_peaks`` as they come, so the page can draw the waveform while the rest decodes.

The cache holds one file per recording, named after its real path, size, modification time and
inode: a file changed or replaced in place gets a new entry, and a second opening reads bytes
instead of decoding.

A long MP3 is decoded in two halves at once, the second from its first frame by the frame
index (``snap.seeking``, built here on the first opening and cached for snapping): the split
falls on a bucket's edge and the second half's resampler is warmed up before it, so the peaks
are byte for byte those of one decode. Other containers decode in one go.
"""

from __future__ import annotations

import contextlib
import hashlib
import math
import os
import subprocess
import threading
from collections.abc import Callable
from pathlib import Path

from podcast_tool.errors import AudioFileError
from podcast_tool.ffmpeg import ffmpeg_exe
from podcast_tool.i18n import _

PEAKS_PER_SECOND = 50
#: Decode rate: a bucket of 20 ms holds 80 samples, enough for its loudest to show.
SAMPLE_RATE = 4000
SAMPLES_PER_PEAK = SAMPLE_RATE // PEAKS_PER_SECOND
#: Peaks handed on at once: about 40 s of audio, a few hundred kilobytes read from the pipe.
BLOCK_PEAKS = 2000
CACHE_VERSION = b"podcast-tool-peaks-1\n"
#: Parts of an MP3 decoded at once (bounded by the cores).
MAX_PARTS = 2
#: Shorter recordings decode in one go: splitting them saves less than a process costs.
MIN_SPLIT_SECONDS = 20
#: The resampler's warm-up before a part's first sample (its filter spans a few milliseconds).
RESAMPLER_PREROLL_MS = 50
FEED_BYTES = 1 << 20

PeaksCallback = Callable[[bytes], None]


def cache_folder() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "podcast-tool" / "peaks"


def cache_path(audio: Path) -> Path:
    stat = audio.stat()
    key = f"{os.path.realpath(audio)}\0{stat.st_size}\0{stat.st_mtime_ns}\0{stat.st_ino}"
    return cache_folder() / (hashlib.sha256(key.encode("utf-8", "surrogateescape")).hexdigest()
                             + ".peaks")


def read_cached(audio: Path) -> bytes | None:
    try:
        data = cache_path(audio).read_bytes()
    except OSError:
        return None
    if not data.startswith(CACHE_VERSION):
        return None
    return data[len(CACHE_VERSION):]


def write_cache(audio: Path, peaks: bytes) -> None:
    write_cache_file(cache_path(audio), CACHE_VERSION + peaks)


def write_cache_file(target: Path, data: bytes) -> None:
    """Best effort: a read-only or full cache folder only costs a decode next time."""
    temp = target.with_name(f".{target.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        temp.write_bytes(data)
        os.replace(temp, target)
    except OSError:
        with contextlib.suppress(OSError):
            temp.unlink()


class _Limit:
    """Output samples a part may hand on: unknown (all, so far) until the split is chosen."""

    def __init__(self, samples: int | None = None, known: bool = True) -> None:
        self.lock = threading.Lock()
        self.samples, self.known, self.done = samples, known, 0

    def take(self, count: int) -> int:
        """How many of ``count`` more samples to keep; counts them as handed on."""
        with self.lock:
            if self.known and self.samples is not None:
                count = max(0, min(count, self.samples - self.done))
            self.done += count
            return count

    def room(self, count: int) -> int:
        """At most ``count``: no more samples are read than may be handed on, once known."""
        with self.lock:
            if self.known and self.samples is not None:
                return max(0, min(count, self.samples - self.done))
            return count

    def reached(self) -> bool:
        with self.lock:
            return self.known and self.samples is not None and self.done >= self.samples

    def settle(self, samples: int | None) -> bool:
        """Fix the limit; False (and no limit) if more than that was already handed on."""
        with self.lock:
            self.known = True
            if samples is not None and self.done > samples:
                self.samples = None
                return False
            self.samples = samples
            return True


def decode_peaks(audio: Path, on_peaks: PeaksCallback | None = None,
                 should_stop: Callable[[], bool] | None = None, *, parts: int | None = None
                 ) -> bytes:
    """All the peaks of ``audio`` (one byte per bucket), passing each block to ``on_peaks``.

    An MP3 long enough is decoded in ``parts`` (default: one per core, at most two) at once,
    the second from its first frame (see ``snap.seeking``); the peaks are those of one decode.
    The first part starts at once, while the frame index is built (or read); the split then
    falls halfway through what the first part has not yet decoded, so both end together.
    """
    parts = parts if parts is not None else min(MAX_PARTS, os.cpu_count() or 1)
    stop = should_stop or (lambda: False)
    if parts < 2:
        return _decode_part(audio, _whole_command(audio), None, 0, _Limit(), on_peaks, stop)
    limit = _Limit(known=False)
    head: list[bytes] = []
    head_error: list[BaseException] = []

    def decode_head() -> None:
        try:
            head.append(_decode_part(audio, _whole_command(audio), None, 0, limit, on_peaks,
                                     stop))
        except BaseException as error:  # re-raised in the caller's thread
            head_error.append(error)

    worker = threading.Thread(target=decode_head, daemon=True)
    worker.start()
    tail_pieces: list[bytes] = []
    try:
        split = _mp3_split(audio, limit)
        if split is not None and limit.settle(split[1]):
            _decode_tail(audio, split[0], split[1], tail_pieces.append, stop)
        else:
            limit.settle(None)
    finally:
        if not limit.known:
            limit.settle(None)
        worker.join()
    if head_error:
        raise head_error[0]
    for piece in tail_pieces:
        if on_peaks is not None and not stop():
            on_peaks(piece)
    return head[0] + b"".join(tail_pieces)


def _whole_command(audio: Path) -> list[str]:
    return [ffmpeg_exe(), "-hide_banner", "-nostdin", "-loglevel", "error", "-i", str(audio),
            "-vn", "-ac", "1", "-ar", str(SAMPLE_RATE), "-f", "s16le", "-acodec", "pcm_s16le",
            "pipe:1"]


def _mp3_split(audio: Path, head: _Limit) -> tuple[object, int] | None:
    """(frame index, output samples of the first part) for an MP3 worth splitting, else None."""
    from podcast_tool.snap import seeking

    index = seeking.frame_index(audio)
    if index is None or not index.contiguous:
        return None
    rate = index.sample_rate
    whole = index.whole_samples()
    if whole < MIN_SPLIT_SECONDS * rate:
        return None
    # Halfway through what the first part has left, on a bucket's edge on the output grid.
    unit = rate // math.gcd(rate, PEAKS_PER_SECOND)
    with head.lock:
        decoded = head.done * rate // SAMPLE_RATE
    middle = (whole + decoded) // 2
    middle -= middle % unit
    return index, middle * SAMPLE_RATE // rate


def _decode_tail(audio: Path, index: object, first_samples: int, on_peaks: PeaksCallback,
                 stop: Callable[[], bool]) -> None:
    """The peaks after the first ``first_samples`` output samples, decoded from a frame."""
    from podcast_tool.containers.id3.frameindex import FrameIndex
    from podcast_tool.snap.seeking import aligned_frame, decoding_start

    assert isinstance(index, FrameIndex)
    rate, per_frame = index.sample_rate, index.samples_per_frame
    split = first_samples * rate // SAMPLE_RATE
    warm = (split - rate * RESAMPLER_PREROLL_MS // 1000) // per_frame
    first = aligned_frame(index, decoding_start(index, warm) * per_frame, SAMPLE_RATE)
    drop = first_samples - first * per_frame * SAMPLE_RATE // rate
    total = -(-index.whole_samples() * SAMPLE_RATE // rate)
    command = [ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-f", "mp3", "-i", "pipe:0",
               "-vn", "-ac", "1", "-ar", str(SAMPLE_RATE), "-f", "s16le", "-acodec", "pcm_s16le",
               "pipe:1"]
    feed = (index.header, int(index.offsets[first]), index.end)
    _decode_part(audio, command, feed, drop, _Limit(total - first_samples), on_peaks, stop)


def _feed(process: subprocess.Popen[bytes], audio: Path, feed: tuple[bytes, int, int]) -> None:
    """Write the header frame, then the file's bytes from ``start`` to ``end``, to ffmpeg."""
    header, start, end = feed
    assert process.stdin is not None
    try:
        with audio.open("rb") as source:
            process.stdin.write(header)
            source.seek(start)
            remaining = end - start
            while remaining > 0:
                chunk = source.read(min(FEED_BYTES, remaining))
                if not chunk:
                    break
                process.stdin.write(chunk)
                remaining -= len(chunk)
    except (BrokenPipeError, OSError):
        pass  # ffmpeg stopped (killed once enough was read, or failed: its exit code says)
    finally:
        with contextlib.suppress(OSError):
            process.stdin.close()


def _decode_part(audio: Path, command: list[str], feed: tuple[bytes, int, int] | None,
                 drop: int, limit: _Limit, on_peaks: PeaksCallback | None,
                 stop: Callable[[], bool]) -> bytes:
    """Peaks of ffmpeg's output after ``drop`` samples, as many samples as ``limit`` lets on."""
    import numpy as np

    process = subprocess.Popen(command, stdin=subprocess.PIPE if feed else subprocess.DEVNULL,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert process.stdout is not None
    writer = None
    if feed is not None:
        writer = threading.Thread(target=_feed, args=(process, audio, feed), daemon=True)
        writer.start()
    block_bytes = BLOCK_PEAKS * SAMPLES_PER_PEAK * 2
    pieces: list[bytes] = []
    enough = False
    try:
        if drop:
            _read_full(process.stdout, 2 * drop)
        while not limit.reached():
            if stop():
                process.kill()
                break
            data = _read_full(process.stdout, 2 * limit.room(block_bytes // 2))
            if not data:
                break
            samples = np.frombuffer(data[:len(data) - len(data) % 2], dtype="<i2")
            samples = samples[:limit.take(len(samples))]
            if not len(samples):
                break
            piece = _bucket_peaks(samples)
            pieces.append(piece)
            if on_peaks is not None:
                on_peaks(piece)
        if limit.reached():
            enough = True
            process.kill()
    finally:
        process.stdout.close()
        errors = process.stderr.read() if process.stderr else b""
        if process.stderr:
            process.stderr.close()
        code = process.wait()
        if writer is not None:
            writer.join()
    if code != 0 and not enough and not stop():
        tail = " / ".join(errors.decode("utf-8", "replace").strip().splitlines()[-2:])
        raise AudioFileError(_("ffmpeg could not decode the recording: {reason}").format(
            reason=tail or f"exit {code}"), path=audio)
    return b"".join(pieces)


def _read_full(stream: object, size: int) -> bytes:
    chunks: list[bytes] = []
    remaining = size
    while remaining:
        chunk = stream.read(remaining)  # type: ignore[attr-defined]
        if not chunk:
            break
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


def _bucket_peaks(samples: object) -> bytes:
    import numpy as np

    values = np.abs(np.asarray(samples, dtype=np.int32))
    whole = len(values) - len(values) % SAMPLES_PER_PEAK
    peaks = values[:whole].reshape(-1, SAMPLES_PER_PEAK).max(axis=1) if whole else values[:0]
    if whole < len(values):
        peaks = np.append(peaks, values[whole:].max())
    return (np.minimum(peaks, 32767) * 255 // 32767).astype(np.uint8).tobytes()


def load_peaks(audio: Path, on_peaks: PeaksCallback | None = None,
               should_stop: Callable[[], bool] | None = None) -> tuple[bytes, bool]:
    """The peaks, from the cache when the file is unchanged, else decoded (and cached).

    Returns the peaks and whether they came from the cache.
    """
    cached = read_cached(audio)
    if cached is not None:
        if on_peaks is not None:
            on_peaks(cached)
        return cached, True
    peaks = decode_peaks(audio, on_peaks, should_stop)
    if not (should_stop is not None and should_stop()):
        write_cache(audio, peaks)
    return peaks, False

"""The waveform's peaks: one decode of the whole recording by the bundled ffmpeg, cached.

ffmpeg decodes to mono 16-bit PCM at a low rate (plenty to see speech and pauses), read in
blocks from its pipe so memory stays flat whatever the length; each bucket of
``1 / PEAKS_PER_SECOND`` s becomes one byte, its loudest sample scaled to 0..255. Peaks are
handed to ``on_peaks`` as they come, so the page can draw the waveform while the rest decodes.

The cache holds one file per recording, named after its real path, size, modification time and
inode: a file changed or replaced in place gets a new entry, and a second opening reads bytes
instead of decoding.

Self-contained on purpose (only ffmpeg, numpy and the cache folder): callers may run it in a
thread or split a recording between processes.
"""

from __future__ import annotations

import contextlib
import hashlib
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


def decode_peaks(audio: Path, on_peaks: PeaksCallback | None = None,
                 should_stop: Callable[[], bool] | None = None) -> bytes:
    """All the peaks of ``audio`` (one byte per bucket), passing each block to ``on_peaks``."""
    import numpy as np

    command = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-loglevel", "error", "-i", str(audio),
               "-vn", "-ac", "1", "-ar", str(SAMPLE_RATE), "-f", "s16le", "-acodec", "pcm_s16le",
               "pipe:1"]
    process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE)
    assert process.stdout is not None
    block_bytes = BLOCK_PEAKS * SAMPLES_PER_PEAK * 2
    pieces: list[bytes] = []
    try:
        while True:
            if should_stop is not None and should_stop():
                process.kill()
                break
            data = _read_full(process.stdout, block_bytes)
            if not data:
                break
            samples = np.frombuffer(data[:len(data) - len(data) % 2], dtype="<i2")
            piece = _bucket_peaks(samples)
            pieces.append(piece)
            if on_peaks is not None:
                on_peaks(piece)
    finally:
        process.stdout.close()
        errors = process.stderr.read() if process.stderr else b""
        if process.stderr:
            process.stderr.close()
        code = process.wait()
    if code != 0 and not (should_stop is not None and should_stop()):
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

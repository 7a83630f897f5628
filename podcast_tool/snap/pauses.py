"""Pauses in short windows of a recording: decoding on demand, framewise energy, quiet runs.

Only the windows around chapter boundaries are ever decoded, never the whole file, so the
work grows with the number of chapters and not with the length of the recording.

Decoding (``decode_window``): the bundled ffmpeg decodes one window to mono 16-bit PCM at
8 kHz on a pipe, read straight into numpy samples. ffmpeg's input seeking (``-ss``
before ``-i``) is exact for MP3, FLAC and Opus, but with AAC (M4A) it lands up to one
frame (23 ms) late and with Vorbis it is off now and then; so the input seek goes
``PREROLL_MS`` early and an output-side ``-ss`` trims to the exact time by timestamps. With
this, window times are right to within a millisecond for MP3 (CBR and VBR), M4A, Ogg
Vorbis, Opus and FLAC with the bundled ffmpeg (tests/snap/test_snap.py holds them to 5 ms). An MP3
without a Xing/LAME header keeps its encoder delay (about 25 ms), as it does in players.

MP3 seeking: ffmpeg finds an exact position in an MP3 by reading the frame headers from the
start of the file, so a window late in a long MP3 would pay for a scan of everything before
it. MP3 windows are decoded from the right byte instead (``podcast_tool.snap.seeking``: a frame
index built once per file and cached), with the same sample times as a whole decode, several
windows in one ffmpeg process (``decode_windows``); a stream with junk between its frames is
left to ffmpeg's own seek. The other containers seek by index (MP4 sample tables, FLAC seek tables,
Ogg bisection).

Energy (``frame_levels``): ffmpeg first removes what lies below 100 Hz (rumble, hum: no
speech there, but it makes the background's level wander); then the mean power of 10 ms
frames, smoothed over 50 ms, in dB.

Quiet (``find_pauses``): the threshold is relative to the window's own loudness, never a
fixed dBFS: with ``floor`` the 5th percentile of the frame levels (the background: noise,
room tone, a music bed) and ``speech`` the 95th percentile, a frame is quiet below
``floor + clamp((speech - floor) / 3, 4 dB, 15 dB)``. A window whose speech stands less
than ``MIN_CONTRAST_DB`` above its floor (all silence, all noise, all music) has no usable
pause. Quiet runs of at least ``min_pause_ms`` are pauses; quiet runs broken by a blip
shorter than ``BRIDGE_MS`` (a click) count as one.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from podcast_tool.errors import AudioFileError, PodcastToolError
from podcast_tool.ffmpeg import run_ffmpeg
from podcast_tool.i18n import _

if TYPE_CHECKING:
    import numpy as np

#: Sample rate of decoded windows: ample for speech energy, and cheap.
SAMPLE_RATE = 8000
#: How much earlier than the window the input-side seek lands (see the module docstring).
PREROLL_MS = 1000
#: Without filters only the resampler needs warming up: its filter spans a few milliseconds.
RESAMPLER_PREROLL_MS = 50
#: Where a window is decoded from its first frame (an MP3's, by the frame index), the
#: high-pass's warm-up: its response falls by e (a second-order filter, damping 0.707) every
#: 1 / (0.707 × 2π × 100 Hz) s, far below one least significant bit within this.
FILTER_PREROLL_MS = 100
#: Rumble (air conditioning, handling, mains hum) below this carries no speech but makes
#: the background's level wander; it is filtered out before measuring.
HIGHPASS_HZ = 100
FRAME_MS = 10
SMOOTH_FRAMES = 5
FLOOR_PERCENTILE = 5
SPEECH_PERCENTILE = 95
MIN_MARGIN_DB = 4.0
MAX_MARGIN_DB = 15.0
MIN_CONTRAST_DB = 8.0
BRIDGE_MS = 40
#: Level of digital silence (power floor), so that log10 never sees zero.
SILENCE_DB = -100.0


@dataclass(frozen=True)
class Pause:
    """A quiet run, in milliseconds from the start of the recording."""

    start_ms: int
    end_ms: int
    #: Mean level inside the pause, dB relative to full scale.
    level_db: float
    #: True when the run reaches the edge of the decoded window (the pause may be longer).
    open_start: bool = False
    open_end: bool = False

    @property
    def length_ms(self) -> int:
        return self.end_ms - self.start_ms


@dataclass(frozen=True)
class PauseScan:
    """What ``find_pauses`` saw in one window."""

    start_ms: int
    end_ms: int
    floor_db: float
    speech_db: float
    threshold_db: float
    pauses: list[Pause]

    @property
    def contrast_db(self) -> float:
        return self.speech_db - self.floor_db

    @property
    def flat(self) -> bool:
        """No speech stands out of the background: the window cannot show a pause."""
        return self.contrast_db < MIN_CONTRAST_DB


def window_args(audio: Path, start_ms: int, length_ms: int, *, sample_rate: int = SAMPLE_RATE,
                filters: str = f"highpass=f={HIGHPASS_HZ}") -> list[str | Path]:
    """ffmpeg arguments decoding one window to mono s16le on stdout (8 kHz, rumble filtered)."""
    start_ms = max(0, start_ms)
    seek_ms = max(0, start_ms - PREROLL_MS)
    args: list[str | Path] = []
    if seek_ms:
        args += ["-ss", f"{seek_ms / 1000:.3f}"]
    return args + ["-i", audio, "-map", "0:a:0", "-ss", f"{(start_ms - seek_ms) / 1000:.3f}",
                   "-t", f"{length_ms / 1000:.3f}", *(["-af", filters] if filters else []),
                   "-ac", "1", "-ar", str(sample_rate), "-f", "s16le", "-"]


def decode_pcm(audio: Path, start_ms: int, length_ms: int, *, sample_rate: int = SAMPLE_RATE,
               filters: str = f"highpass=f={HIGHPASS_HZ}") -> bytes:
    """Mono s16le PCM of ``audio`` from ``start_ms`` for ``length_ms`` (less at the end)."""
    from podcast_tool.snap.seeking import decode_from_frames, frame_index

    index = frame_index(audio)
    if index is not None:
        pcm = decode_from_frames(audio, index, start_ms, length_ms, sample_rate=sample_rate,
                                 filters=filters,
                                 preroll_ms=FILTER_PREROLL_MS if filters else RESAMPLER_PREROLL_MS)
        if pcm is not None:
            return pcm
    try:
        result = run_ffmpeg(window_args(audio, start_ms, length_ms, sample_rate=sample_rate,
                                        filters=filters))
    except PodcastToolError as error:
        raise AudioFileError(_("cannot decode the audio ({message})").format(message=error.message),
                             path=audio) from error
    return result.stdout


def decode_windows(audio: Path, windows: list[tuple[int, int]], processes: int
                   ) -> list[np.ndarray]:
    """Mono 8 kHz samples of each ``(start_ms, length_ms)`` window, ``processes`` ffmpeg at once.

    An MP3's windows are shared out, in time order, among the processes, each decoding its
    share from the frame index in one go (an ffmpeg process costs more to start than a
    window's decode); other files decode one window a process.
    """
    from concurrent.futures import ThreadPoolExecutor

    from podcast_tool.snap.seeking import decode_spans, frame_index
    from podcast_tool.sound import pcm_samples

    index = frame_index(audio) if windows else None
    processes = max(1, min(processes, len(windows)))
    if index is not None:
        order = sorted(range(len(windows)), key=lambda i: windows[i][0])
        shares = [order[i * len(order) // processes:(i + 1) * len(order) // processes]
                  for i in range(processes)]

        def decode_share(share: list[int]) -> list[bytes] | None:
            return decode_spans(audio, index, [windows[i] for i in share],
                                sample_rate=SAMPLE_RATE, filters=f"highpass=f={HIGHPASS_HZ}",
                                preroll_ms=FILTER_PREROLL_MS)

        with ThreadPoolExecutor(max_workers=processes) as pool:
            decoded = list(pool.map(decode_share, shares))
        if all(pcm is not None for pcm in decoded):
            found = {i: pcm for share, pcms in zip(shares, decoded, strict=True)
                     for i, pcm in zip(share, pcms or [], strict=True)}
            return [pcm_samples(found[i]) for i in range(len(windows))]
    with ThreadPoolExecutor(max_workers=processes) as pool:
        return list(pool.map(lambda window: decode_window(audio, *window), windows))


def decode_window(audio: Path, start_ms: int, length_ms: int) -> np.ndarray:
    """Mono 8 kHz samples of ``audio`` from ``start_ms`` for ``length_ms`` (less at the end)."""
    from podcast_tool.sound import pcm_samples

    return pcm_samples(decode_pcm(audio, start_ms, length_ms))


def frame_levels(samples: np.ndarray) -> np.ndarray:
    """Level of each 10 ms frame of 8 kHz ``samples`` in dBFS, mean power smoothed over 50 ms."""
    import numpy as np

    per_frame = SAMPLE_RATE * FRAME_MS // 1000
    count = len(samples) // per_frame
    if count == 0:
        return np.zeros(0, dtype=np.float64)
    power = np.mean(np.square(samples[: count * per_frame].reshape(count, per_frame)), axis=1,
                    dtype=np.float64)
    kernel = np.ones(SMOOTH_FRAMES) / SMOOTH_FRAMES
    # Pad with the edge values so the first and last frames are not pulled toward silence.
    padded = np.pad(power, SMOOTH_FRAMES // 2, mode="edge")
    smoothed = np.convolve(padded, kernel, mode="valid")
    return 10.0 * np.log10(np.maximum(smoothed, 10 ** (SILENCE_DB / 10)))


def quiet_threshold(levels: np.ndarray) -> tuple[float, float, float]:
    """(floor, speech, threshold) in dB for a window's frame levels."""
    import numpy as np

    floor = float(np.percentile(levels, FLOOR_PERCENTILE))
    speech = float(np.percentile(levels, SPEECH_PERCENTILE))
    margin = min(MAX_MARGIN_DB, max(MIN_MARGIN_DB, (speech - floor) / 3))
    return floor, speech, floor + margin


def find_pauses(levels: np.ndarray, start_ms: int, min_pause_ms: int) -> PauseScan:
    """Quiet runs of at least ``min_pause_ms`` in a window starting at ``start_ms``."""
    import numpy as np

    end_ms = start_ms + len(levels) * FRAME_MS
    if len(levels) == 0:
        return PauseScan(start_ms, end_ms, SILENCE_DB, SILENCE_DB, SILENCE_DB, [])
    floor, speech, threshold = quiet_threshold(levels)
    scan = PauseScan(start_ms, end_ms, floor, speech, threshold, [])
    if scan.flat:
        return scan
    quiet = levels < threshold
    # Run edges: +1 where a quiet run starts, -1 just after it ends.
    edges = np.diff(np.concatenate(([0], quiet.astype(np.int8), [0])))
    starts = list(np.flatnonzero(edges == 1))
    ends = list(np.flatnonzero(edges == -1))
    runs: list[list[int]] = []
    for run_start, run_end in zip(starts, ends, strict=True):
        if runs and (run_start - runs[-1][1]) * FRAME_MS < BRIDGE_MS:
            runs[-1][1] = run_end
        else:
            runs.append([int(run_start), int(run_end)])
    pauses = []
    for run_start, run_end in runs:
        if (run_end - run_start) * FRAME_MS < min_pause_ms:
            continue
        power = np.mean(10 ** (levels[run_start:run_end] / 10))
        pauses.append(Pause(start_ms=start_ms + run_start * FRAME_MS,
                            end_ms=start_ms + run_end * FRAME_MS,
                            level_db=float(10 * np.log10(power)),
                            open_start=run_start == 0, open_end=run_end == len(levels)))
    return PauseScan(start_ms, end_ms, floor, speech, threshold, pauses)


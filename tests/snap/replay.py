"""Synthetic webinar replays whose pauses are known exactly, for the snapping tests and benchmark.

A replay is planned first (``plan_replay``: where every speaker-change pause and every breath
lies), then rendered in chunks by numpy and piped as 16-bit PCM into the bundled ffmpeg, which
encodes it (``write_replay``). Nothing is held whole in memory, so a 2.5-hour replay costs a
few MB of RAM.

What it sounds like:

* speech: syllables of 90–280 ms (about five a second) with a raised-sine envelope on a
  harmonic carrier (a wavetable at a gliding fundamental, one per speaker) plus a noise burst
  for consonants; phrases of 1.2–5 s;
* breaths: gaps of 0.15–0.5 s between phrases, as quiet as a real pause (only their length
  tells them apart), and one of the longest kind right at every written time, as a trap;
* pauses: one of 1–3 s per boundary, its middle up to ±8 s from the written time; the speaker
  (and so the loudness) changes there;
* background: pink noise at ``noise_db``; optionally a music bed (sustained chords) under
  everything, pauses included.
"""

from __future__ import annotations

import math
import subprocess
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from podcast_tool.ffmpeg import ffmpeg_exe

SAMPLE_RATE = 16000
CHUNK_SECONDS = 60
BREATH_MS = (150, 500)
PAUSE_MS = (1000, 3000)
MAX_OFFSET_MS = 8000
#: Speech kept between two neighbouring pauses, so each pause stays a distinct event.
MIN_SPEECH_BETWEEN_MS = 2500

#: Codec arguments per variant name, for ``write_replay``.
ENCODINGS: dict[str, list[str]] = {
    "wav": ["-c:a", "pcm_s16le"],
    "flac": ["-c:a", "flac"],
    "ogg": ["-c:a", "libvorbis", "-q:a", "2"],
    "mp3": ["-c:a", "libmp3lame", "-b:a", "64k"],
    "mp3-32k": ["-c:a", "libmp3lame", "-b:a", "32k"],
    "mp3-vbr": ["-c:a", "libmp3lame", "-q:a", "4"],
    "mp3-160k": ["-c:a", "libmp3lame", "-b:a", "160k"],
    "m4a": ["-c:a", "aac", "-b:a", "64k", "-f", "mp4"],
    "m4a-32k": ["-c:a", "aac", "-b:a", "32k", "-f", "mp4"],
    "m4a-160k": ["-c:a", "aac", "-b:a", "160k", "-f", "mp4"],
}


@dataclass(frozen=True)
class Span:
    start_ms: int
    end_ms: int

    @property
    def length_ms(self) -> int:
        return self.end_ms - self.start_ms

    def contains(self, ms: int) -> bool:
        return self.start_ms <= ms <= self.end_ms


@dataclass(frozen=True)
class Syllable:
    start_ms: int
    end_ms: int
    peak: float
    consonant: bool
    speaker: int


@dataclass
class ReplayPlan:
    duration_ms: int
    written_ms: list[int]
    #: The true pause of each written boundary (None where the plan has no pause nearby).
    pauses: list[Span | None]
    breaths: list[Span]
    syllables: list[Syllable]
    #: Speaker levels in dBFS (peak of a syllable), indexed by speaker number.
    speaker_db: list[float]
    noise_db: float
    music_db: float | None
    seed: int
    #: Speech segments (between pauses) and the speaker talking in each.
    segments: list[tuple[Span, int]] = field(default_factory=list)

    def quiet_spans(self) -> list[Span]:
        """Every stretch without speech: pauses and breaths, sorted."""
        return sorted([p for p in self.pauses if p is not None] + self.breaths,
                      key=lambda s: s.start_ms)

    def ideal_ms(self, index: int, lead_ms: int, end: bool = False) -> int | None:
        """Where a perfect snapper would put boundary ``index``: ``lead_ms`` inside the pause."""
        pause = self.pauses[index]
        if pause is None:
            return None
        return pause.start_ms + lead_ms if end else pause.end_ms - lead_ms


def plan_replay(
    duration_s: float,
    written_ms: Sequence[int],
    *,
    seed: int = 1,
    no_pause: Sequence[int] = (),
    speaker_db: Sequence[float] = (-12.0, -16.0),
    noise_db: float = -62.0,
    music_db: float | None = None,
    max_offset_ms: int = MAX_OFFSET_MS,
) -> ReplayPlan:
    """Place a true pause near each written time (except indexes in ``no_pause``) and fill with speech.

    Speakers take turns at each pause, cycling through ``speaker_db``.
    """
    rng = np.random.default_rng(seed)
    duration_ms = round(duration_s * 1000)
    pauses: list[Span | None] = []
    previous_end = 0
    for index, written in enumerate(written_ms):
        if index in no_pause:
            pauses.append(None)
            continue
        for _attempt in range(200):
            length = int(rng.integers(PAUSE_MS[0], PAUSE_MS[1] + 1))
            middle = written + int(rng.integers(-max_offset_ms, max_offset_ms + 1))
            pause = Span(middle - length // 2, middle - length // 2 + length)
            if (pause.start_ms >= previous_end + MIN_SPEECH_BETWEEN_MS
                    and pause.end_ms <= duration_ms - MIN_SPEECH_BETWEEN_MS):
                break
        else:
            raise ValueError(f"no room for a pause near {written} ms")
        pauses.append(pause)
        previous_end = pause.end_ms
    segments: list[tuple[Span, int]] = []
    cursor = 0
    speaker = 0
    for pause in [p for p in pauses if p is not None]:
        segments.append((Span(cursor, pause.start_ms), speaker))
        cursor = pause.end_ms
        speaker = (speaker + 1) % len(speaker_db)
    segments.append((Span(cursor, duration_ms), speaker))
    traps = [w for w in written_ms if not any(p is not None and p.contains(w) for p in pauses)]
    breaths: list[Span] = []
    syllables: list[Syllable] = []
    for span, who in segments:
        _fill_speech(rng, span, who, traps, breaths, syllables)
    return ReplayPlan(duration_ms=duration_ms, written_ms=list(written_ms), pauses=pauses,
                      breaths=breaths, syllables=syllables, speaker_db=list(speaker_db),
                      noise_db=noise_db, music_db=music_db, seed=seed, segments=segments)


def _fill_speech(rng: np.random.Generator, span: Span, speaker: int, traps: list[int],
                 breaths: list[Span], syllables: list[Syllable]) -> None:
    """Phrases separated by breaths; a longest-kind breath lands on each written time inside."""
    traps_here = [t for t in traps if span.start_ms + 600 < t < span.end_ms - 600]
    cursor = span.start_ms
    while cursor < span.end_ms:
        phrase_end = min(span.end_ms, cursor + int(rng.integers(1200, 5001)))
        trap = next((t for t in traps_here if t <= phrase_end + 500), None)
        if trap is not None and trap - cursor < 900:
            # Too close to the last breath to centre another on it: the written time stays
            # inside this phrase (a phrase never shrinks to nothing, which would join breaths).
            traps_here.remove(trap)
            trap = None
        if trap is not None:
            # End the phrase so that a 0.45–0.5 s breath is centred on the written time.
            breath_length = int(rng.integers(450, BREATH_MS[1] + 1))
            phrase_end = trap - breath_length // 2
            traps_here.remove(trap)
        else:
            breath_length = int(rng.integers(BREATH_MS[0], BREATH_MS[1] + 1))
        _fill_phrase(rng, cursor, phrase_end, speaker, syllables)
        breath_end = phrase_end + breath_length
        if breath_end >= span.end_ms - 300:
            # Too close to the pause: talk until it instead of breathing into it.
            _fill_phrase(rng, phrase_end, span.end_ms, speaker, syllables)
            break
        breaths.append(Span(phrase_end, breath_end))
        cursor = breath_end


def _fill_phrase(rng: np.random.Generator, start: int, end: int, speaker: int,
                 syllables: list[Syllable]) -> None:
    cursor = start
    while cursor < end:
        length = int(rng.integers(90, 281))
        stop = min(end, cursor + length)
        if stop - cursor >= 40:
            syllables.append(Syllable(cursor, stop, float(rng.uniform(0.45, 1.0)),
                                      bool(rng.random() < 0.35), speaker))
        cursor = stop


# --- rendering ---------------------------------------------------------------------------------

def _wavetable(harmonics: Sequence[float], size: int = 4096) -> np.ndarray:
    phase = np.arange(size) * (2 * math.pi / size)
    table = sum(a * np.sin((k + 1) * phase) for k, a in enumerate(harmonics))
    table = np.asarray(table)
    return (table / np.max(np.abs(table))).astype(np.float32)


#: A voiced carrier: 20 harmonics falling off with a formant bump around the 4th–6th.
VOICE_TABLE = _wavetable([(1 / k) * (1.8 if 4 <= k <= 6 else 1.0) for k in range(1, 21)])
#: A soft instrument for the music bed.
MUSIC_TABLE = _wavetable([1.0, 0.35, 0.15, 0.06])
SPEAKER_F0 = (115.0, 205.0, 150.0, 180.0)


def _lookup(table: np.ndarray, phase_cycles: np.ndarray) -> np.ndarray:
    index = ((phase_cycles % 1.0) * len(table)).astype(np.int64)
    return table[index]


def _voice(times: np.ndarray, speaker: int) -> np.ndarray:
    """The speaker's carrier; its fundamental glides ±12 % at 0.37 Hz (intonation)."""
    base = SPEAKER_F0[speaker % len(SPEAKER_F0)]
    rate = 0.37 + 0.05 * speaker
    cycles = base * (times - 0.12 / (2 * math.pi * rate) * np.cos(2 * math.pi * rate * times))
    return _lookup(VOICE_TABLE, cycles)


def _pink(rng: np.random.Generator, count: int) -> np.ndarray:
    spectrum = np.fft.rfft(rng.standard_normal(count))
    freqs = np.fft.rfftfreq(count, 1 / SAMPLE_RATE)
    spectrum[1:] /= np.sqrt(freqs[1:] / 100.0)
    spectrum[0] = 0
    noise = np.fft.irfft(spectrum, count)
    return noise / (np.std(noise) or 1.0)


def _music(times: np.ndarray) -> np.ndarray:
    """Sustained triads changing every 2.4 s, with a slow swell; RMS about 1."""
    chords = ((220.0, 277.2, 329.6), (196.0, 246.9, 293.7), (174.6, 220.0, 261.6),
              (164.8, 207.7, 246.9))
    which = (times // 2.4).astype(np.int64) % len(chords)
    out = np.zeros_like(times, dtype=np.float32)
    for voice in range(3):
        freqs = np.array([c[voice] for c in chords])[which]
        out += _lookup(MUSIC_TABLE, freqs * times)
    swell = 0.8 + 0.2 * np.sin(2 * math.pi * 0.11 * times)
    return out * swell / 1.3


def render_chunks(plan: ReplayPlan) -> Iterator[np.ndarray]:
    """The replay as float32 chunks at SAMPLE_RATE, in [-1, 1]."""
    rng = np.random.default_rng(plan.seed + 1000)
    noise_gain = 10 ** (plan.noise_db / 20)
    music_gain = 10 ** (plan.music_db / 20) if plan.music_db is not None else 0.0
    chunk = CHUNK_SECONDS * SAMPLE_RATE
    total = plan.duration_ms * SAMPLE_RATE // 1000
    by_chunk: dict[int, list[Syllable]] = {}
    for syllable in plan.syllables:
        first = syllable.start_ms * SAMPLE_RATE // 1000 // chunk
        last = syllable.end_ms * SAMPLE_RATE // 1000 // chunk
        for number in range(first, last + 1):
            by_chunk.setdefault(number, []).append(syllable)
    for number, begin in enumerate(range(0, total, chunk)):
        count = min(chunk, total - begin)
        times = (begin + np.arange(count)) / SAMPLE_RATE
        envelope = np.zeros(count, dtype=np.float32)
        consonant = np.zeros(count, dtype=np.float32)
        speaker_of = np.zeros(count, dtype=np.int8)
        for syllable in by_chunk.get(number, []):
            a = syllable.start_ms * SAMPLE_RATE // 1000
            b = syllable.end_ms * SAMPLE_RATE // 1000
            lo, hi = max(a, begin), min(b, begin + count)
            if lo >= hi:
                continue
            position = (np.arange(lo, hi) - a) / (b - a)
            gain = syllable.peak * 10 ** (plan.speaker_db[syllable.speaker] / 20)
            hump = np.sin(np.pi * position) ** 0.6
            envelope[lo - begin:hi - begin] = gain * hump
            speaker_of[lo - begin:hi - begin] = syllable.speaker
            if syllable.consonant:
                burst = np.clip(1.0 - position * 4.0, 0.0, 1.0)
                consonant[lo - begin:hi - begin] = 0.5 * gain * burst
        signal = np.zeros(count, dtype=np.float32)
        for speaker in np.unique(speaker_of[envelope > 0]):
            mask = (speaker_of == speaker) & (envelope > 0)
            signal[mask] = _voice(times[mask], int(speaker)) * envelope[mask]
        signal += consonant * rng.standard_normal(count).astype(np.float32)
        signal += noise_gain * _pink(rng, count).astype(np.float32)
        if music_gain:
            signal += music_gain * _music(times)
        yield np.clip(signal, -1.0, 1.0)


def write_replay(plan: ReplayPlan, path: Path, encoding: str = "wav",
                 extra: Sequence[str] = ()) -> Path:
    """Render ``plan`` and encode it to ``path`` (``extra``: e.g. ``-ar 44100 -ac 2``)."""
    command = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-loglevel", "error", "-y",
               "-f", "s16le", "-ar", str(SAMPLE_RATE), "-ac", "1", "-i", "-",
               *ENCODINGS[encoding], *extra, str(path)]
    with subprocess.Popen(command, stdin=subprocess.PIPE, stderr=subprocess.PIPE) as process:
        assert process.stdin is not None
        try:
            for chunk in render_chunks(plan):
                process.stdin.write((chunk * 32767).astype("<i2").tobytes())
        finally:
            process.stdin.close()
        error = process.stderr.read() if process.stderr else b""
    if process.returncode != 0:
        raise RuntimeError(f"ffmpeg could not encode {path}: {error.decode(errors='replace')}")
    return path


def snapped_inside(plan: ReplayPlan, snapped_ms: Sequence[int]) -> list[bool]:
    """For each boundary with a true pause: did the snapped time land inside it?"""
    return [pause.contains(ms) for pause, ms in zip(plan.pauses, snapped_ms, strict=True)
            if pause is not None]


def in_breath(plan: ReplayPlan, ms: int) -> bool:
    return any(breath.contains(ms) for breath in plan.breaths)

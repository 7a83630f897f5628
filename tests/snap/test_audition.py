"""Audition clips: the audio around a boundary, faded, optionally ticked, as a WAV a browser plays."""

from __future__ import annotations

import io
import wave

import numpy as np

from podcast_tool import demo
from podcast_tool.snap.audition import CLIP_SAMPLE_RATE, ClipOptions, audition_clip, audition_wav


def samples(clip) -> np.ndarray:  # type: ignore[no-untyped-def]
    return np.frombuffer(clip.raw_data, dtype="<i2").astype(np.float64) / 32768


def test_a_clip_spans_the_boundary_and_fades(tmp_path):
    audio = demo.synthesize_replay(tmp_path / "replay.mp3", 20_000, [demo.Pause(9_000, 11_000)])
    clip = audition_clip(audio, 10_000, ClipOptions(before_ms=4000, after_ms=3000, fade_ms=200))
    assert len(clip) == 7000 and clip.frame_rate == CLIP_SAMPLE_RATE and clip.channels == 1
    values = samples(clip)
    edge = CLIP_SAMPLE_RATE // 200  # the first and last 5 ms
    assert np.abs(values[:edge]).max() < 0.01 and np.abs(values[-edge:]).max() < 0.01
    assert np.abs(values).max() > 0.1  # speech on either side of the pause
    # Near the start there is less before the boundary, never audio from before 0.
    assert len(audition_clip(audio, 1000, ClipOptions(before_ms=4000, after_ms=3000))) == 4000


def test_a_tick_marks_the_boundary(tmp_path):
    audio = demo.synthesize_replay(tmp_path / "replay.mp3", 8_000, [demo.Pause(2_000, 6_000)])
    plain = samples(audition_clip(audio, 4000, ClipOptions(before_ms=1000, after_ms=1000)))
    ticked = samples(audition_clip(audio, 4000, ClipOptions(before_ms=1000, after_ms=1000, tick=True)))
    at = CLIP_SAMPLE_RATE  # the boundary, one second in: inside the pause
    window = slice(at, at + CLIP_SAMPLE_RATE * 30 // 1000)
    assert np.abs(plain[window]).max() < 0.01 < np.abs(ticked[window]).max()


def test_the_wav_is_a_wav(tmp_path):
    audio = demo.synthesize_replay(tmp_path / "replay.mp3", 6_000, [])
    with wave.open(io.BytesIO(audition_wav(audio, 3000))) as clip:
        assert (clip.getnchannels(), clip.getframerate(), clip.getsampwidth()) == (1, CLIP_SAMPLE_RATE, 2)
        assert clip.getnframes() == 6 * CLIP_SAMPLE_RATE

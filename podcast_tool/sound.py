"""pydub, loaded quietly, and PCM moved between numpy and pydub's ``AudioSegment``.

pydub does what its API is made for here (slicing, fades, overlays, WAV export: the demo's
synthesis and the audition clips); measuring levels reads the samples with numpy directly.
pydub never runs a program itself: ffmpeg is always the bundled one, called by us.
"""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np
    from pydub import AudioSegment


def audio_segment_class() -> type[AudioSegment]:
    with warnings.catch_warnings():
        # pydub warns when no system ffmpeg is on PATH (we never let it run one) and Python
        # 3.11–3.12 warn that its audioop is deprecated: neither concerns our users.
        warnings.simplefilter("ignore")
        from pydub import AudioSegment
    return AudioSegment


def tone(frequency_hz: float, duration_ms: int, sample_rate: int, *,
         gain_db: float = 0.0) -> AudioSegment:
    """A sine tone, as pydub's generator makes it."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # see audio_segment_class
        from pydub.generators import Sine
    return Sine(frequency_hz, sample_rate=sample_rate).to_audio_segment(duration=duration_ms,
                                                                         volume=gain_db)


def segment_from_pcm(pcm: bytes, sample_rate: int) -> AudioSegment:
    """Mono 16-bit little-endian PCM as an ``AudioSegment`` (a trailing odd byte dropped)."""
    pcm = pcm[: len(pcm) - len(pcm) % 2]
    return audio_segment_class()(data=pcm, sample_width=2, frame_rate=sample_rate, channels=1)


def segment_from_samples(samples: np.ndarray, sample_rate: int) -> AudioSegment:
    """Mono float samples in [-1, 1] as a 16-bit ``AudioSegment``."""
    import numpy as np

    pcm = (np.clip(samples, -1, 1) * 32767).astype("<i2").tobytes()
    return segment_from_pcm(pcm, sample_rate)


def pcm_samples(pcm: bytes) -> np.ndarray:
    """Mono 16-bit little-endian PCM as float32 samples in [-1, 1)."""
    import numpy as np

    usable = len(pcm) - len(pcm) % 2
    return np.frombuffer(pcm[:usable], dtype="<i2").astype(np.float32) / 32768.0

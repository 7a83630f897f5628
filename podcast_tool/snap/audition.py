"""Short clips around a chapter boundary, to check it by ear (the studio plays them).

The clip is decoded by the bundled ffmpeg, then cut, faded and marked with pydub: it starts
``before_ms`` ahead of the boundary and ends ``after_ms`` past it, fades in and out so it
does not click, and can carry a soft tick at the boundary itself.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pydub import AudioSegment

#: Clips are for listening to speech: mono at this rate is clear and small.
CLIP_SAMPLE_RATE = 22_050
#: The tick marking the boundary: short, soft and high enough to stand out of speech.
TICK_HZ = 1760
TICK_MS = 40
TICK_GAIN_DB = -24.0


@dataclass(frozen=True)
class ClipOptions:
    before_ms: int = 3000
    after_ms: int = 3000
    fade_ms: int = 150
    #: Overlay a tick where the boundary is.
    tick: bool = False


def audition_clip(audio: Path, at_ms: int, options: ClipOptions | None = None) -> AudioSegment:
    """The audio around ``at_ms``: less before it near the start, less after it near the end."""
    from podcast_tool.snap.pauses import decode_pcm
    from podcast_tool.sound import segment_from_pcm, tone

    options = options or ClipOptions()
    start = max(0, at_ms - options.before_ms)
    length = at_ms - start + options.after_ms
    segment = segment_from_pcm(
        decode_pcm(Path(audio), start, length, sample_rate=CLIP_SAMPLE_RATE, filters=""),
        CLIP_SAMPLE_RATE)
    # ffmpeg may hand back a few samples more than asked: the clip ends where it should.
    clip = segment[:length]
    fade = min(options.fade_ms, len(clip) // 2)
    clip = clip.fade_in(fade).fade_out(fade)
    boundary = at_ms - start
    if options.tick and boundary < len(clip):
        tick = tone(TICK_HZ, TICK_MS, CLIP_SAMPLE_RATE, gain_db=TICK_GAIN_DB).fade_in(5).fade_out(5)
        clip = clip.overlay(tick, position=boundary)
    return clip


def audition_wav(audio: Path, at_ms: int, options: ClipOptions | None = None) -> bytes:
    """``audition_clip`` as a WAV file's bytes, ready for a browser's audio element."""
    buffer = io.BytesIO()
    audition_clip(audio, at_ms, options).export(buffer, format="wav")
    return buffer.getvalue()

"""A replay-length synthetic recording of the seed webinar, for ``podcast-tool demo``.

The sound is speech-like: syllable-rate bursts of shaped noise with a voice
pitch, phrases separated by short breaths (0.15–0.45 s), and a longer pause
(1.2–2.5 s) near, not exactly at, each chapter boundary, as in a real replay
where the outline was written by ear. Each chunk's speech is generated with numpy,
then pydub cuts the planned pauses into it (speech fading out and back in around
them) and lays the room tone over the whole; the chunks are piped to the bundled
ffmpeg, so memory stays small for 2.5 hours.
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from podcast_tool.errors import PodcastToolError
from podcast_tool.ffmpeg import ffmpeg_exe
from podcast_tool.i18n import _
from podcast_tool.model import Episode, effective_ends

if TYPE_CHECKING:
    from pydub import AudioSegment

    from podcast_tool.pipeline import TagResult

SAMPLE_RATE = 16_000
CHUNK_SECONDS = 30
#: Amplitude of the room tone heard in breaths and pauses (about -54 dBFS).
ROOM_NOISE = 0.002
#: Silence after the last chapter's end, as a real recording has.
TAIL_MS = 3000
#: Speech fades out into a pause and back in after it, as a voice does, without a click.
PAUSE_FADE_MS = 30


@dataclass(frozen=True)
class Pause:
    start_ms: int
    end_ms: int


def plan_replay(episode: Episode) -> tuple[int, list[Pause]]:
    """How long the replay of ``episode``'s outline lasts, and its pauses near each boundary."""
    chapters = episode.chapters
    ends = [e for e in effective_ends(chapters) if e is not None]
    duration_ms = max([c.start_ms for c in chapters] + ends) + TAIL_MS
    boundaries = sorted({c.start_ms for c in chapters}
                        | {c.end_ms for c in chapters if c.end_ms is not None})
    return duration_ms, plan_pauses(boundaries)


def plan_pauses(boundaries_ms: list[int], seed: int = 2020) -> list[Pause]:
    """One long pause near each boundary, offset by up to ±4 s (outlines are written by ear)."""
    import numpy as np

    rng = np.random.default_rng(seed)
    pauses = []
    for boundary in boundaries_ms:
        if boundary <= 0:
            continue
        length = int(rng.integers(1200, 2500))
        offset = int(rng.integers(-4000, 4000))
        start = max(0, boundary + offset - length // 2)
        pauses.append(Pause(start, start + length))
    return pauses


def _speech_chunk(rng, seconds: float):  # type: ignore[no-untyped-def]
    """Speech-like sound: phrases of syllables separated by breaths."""
    import numpy as np

    total = int(seconds * SAMPLE_RATE)
    out = np.zeros(total, dtype=np.float32)
    position = 0
    loudness = rng.uniform(0.25, 0.6)
    while position < total:
        phrase = int(rng.uniform(1.5, 4.0) * SAMPLE_RATE)
        end = min(total, position + phrase)
        n = end - position
        t = np.arange(n, dtype=np.float32) / SAMPLE_RATE
        pitch = rng.uniform(100, 220)
        voice = (np.sin(2 * np.pi * pitch * t) + 0.5 * np.sin(4 * np.pi * pitch * t)
                 + 0.3 * rng.standard_normal(n).astype(np.float32))
        syllables = np.clip(np.sin(2 * np.pi * rng.uniform(3.5, 5.5) * t), 0, None) ** 0.7
        out[position:end] = loudness * voice * syllables / 2
        position = end + int(rng.uniform(0.15, 0.45) * SAMPLE_RATE)  # a breath
    return out


def _silence_between(speech: AudioSegment, start_ms: int, end_ms: int) -> AudioSegment:
    """``speech`` with silence from ``start_ms`` to ``end_ms``, the voice fading around it."""
    from podcast_tool.sound import audio_segment_class

    before, after = speech[:start_ms], speech[end_ms:]
    silence = audio_segment_class().silent(duration=end_ms - start_ms, frame_rate=SAMPLE_RATE)
    # pydub reads a fade of 0 ms as "no length given": a pause at a chunk's edge has no side.
    if len(before):
        before = before.fade_out(min(PAUSE_FADE_MS, len(before)))
    if len(after):
        after = after.fade_in(min(PAUSE_FADE_MS, len(after)))
    return before + silence + after


def synthesize_replay(
    path: Path,
    duration_ms: int,
    pauses: list[Pause],
    *,
    title: str | None = None,
    progress: Callable[[int, int], None] | None = None,
    seed: int = 2020,
) -> Path:
    """Encode the replay to MP3 at ``path``; ``progress(done_ms, total_ms)`` as it goes."""
    import numpy as np

    from podcast_tool.sound import segment_from_samples

    rng = np.random.default_rng(seed)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.partial.mp3")
    metadata = ["-metadata", "artist=FAS Bretagne", "-metadata", "genre=Podcast"]
    if title:
        metadata += ["-metadata", f"title={title}"]
    command = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-loglevel", "error", "-y",
               "-f", "s16le", "-ar", str(SAMPLE_RATE), "-ac", "1", "-i", "pipe:0",
               "-c:a", "libmp3lame", "-b:a", "32k", *metadata, str(partial)]
    encoder = subprocess.Popen(command, stdin=subprocess.PIPE, stderr=subprocess.PIPE)
    assert encoder.stdin is not None
    try:
        done = 0
        while done < duration_ms:
            length = min(CHUNK_SECONDS * 1000, duration_ms - done)
            speech = segment_from_samples(_speech_chunk(rng, length / 1000), SAMPLE_RATE)
            for pause in pauses:  # nobody speaks during the planned pauses that fall in this chunk
                lo = max(pause.start_ms, done) - done
                hi = min(pause.end_ms, done + length) - done
                if hi > lo:
                    speech = _silence_between(speech, lo, hi)
            room = segment_from_samples(ROOM_NOISE * rng.standard_normal(len(speech.raw_data) // 2),
                                        SAMPLE_RATE)
            encoder.stdin.write(speech.overlay(room).raw_data)
            done += length
            if progress:
                progress(done, duration_ms)
        encoder.stdin.close()
        stderr = encoder.stderr.read() if encoder.stderr else b""
        if encoder.wait() != 0:
            raise PodcastToolError(_("ffmpeg could not encode the demo: {detail}").format(
                detail=stderr.decode("utf-8", "replace").strip()))
        partial.replace(path)
    finally:
        if encoder.poll() is None:
            encoder.kill()
            encoder.wait()
        partial.unlink(missing_ok=True)
    return path


@dataclass
class DemoReplay:
    path: Path
    #: False when an existing replay was tagged again rather than synthesized.
    synthesized: bool
    #: The outline's chapters as written into the replay, and what tagging noted.
    tagged: TagResult
    #: The chapters read back from the replay's own file.
    read_back: Episode


def make_demo(outline: Path, output: Path, *, fresh: bool = False,
              progress: Callable[[int, int], None] | None = None) -> DemoReplay:
    """Synthesize the replay of ``outline`` at ``output`` (unless it exists and not ``fresh``),
    tag it from the outline through the pipeline and read its chapters back."""
    from podcast_tool import pipeline

    episode = pipeline.load_chapters(outline)[0]
    synthesized = fresh or not output.exists()
    if synthesized:
        duration_ms, pauses = plan_replay(episode)
        synthesize_replay(output, duration_ms, pauses, title=episode.title, progress=progress)
    tagged = pipeline.write(pipeline.prepare(output, outline))
    return DemoReplay(output, synthesized, tagged, pipeline.load_chapters(output)[0])

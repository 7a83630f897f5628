"""One round trip over every container: the seed outline tagged, then read by ffmpeg and mutagen.

The recordings last as long as the seed webinar (2 h 33): a 10 s low-rate piece looped by
stream copy, so making them takes a second. The audio packets must stay bit-identical (hashed
by ffmpeg without decoding; the per-container tests also compare the decoded PCM).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from podcast_tool import containers, pipeline
from tests.conftest import SEED_OUTLINE, ffmpeg_chapters, run_ffmpeg
from tests.containers.facts import BY_EXT, FACTS

SEED_STARTS_MS = [20000, 420000, 860000, 3515000, 3817000, 4665000, 5440000, 8165000, 8905000]
SEED_SECONDS = 9195
#: extension -> encoder arguments for a seed-length, low-rate recording.
LOW_RATE = {row.ext: list(row.low_rate) for row in FACTS}


@pytest.fixture(scope="session")
def seed_length_media(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("seed-length")
    made = {}
    for ext, codec in LOW_RATE.items():
        piece = folder / f"piece.{ext}"
        run_ffmpeg("-f", "lavfi", "-i", "sine=frequency=50:sample_rate=8000:duration=10",
                   "-af", "volume=0.01", "-ac", "1", *codec, piece)
        path = folder / f"replay.{ext}"
        muxer = ["-f", "mp4"] if "mp4" in codec else []
        # FLAC's STREAMINFO would keep the piece's length under stream copy: encode it (fast).
        copy = codec if ext == "flac" else ["-c", "copy", *muxer]
        run_ffmpeg("-stream_loop", str(SEED_SECONDS // 10), "-i", piece, "-t", str(SEED_SECONDS),
                   *copy, "-metadata", "artist=FAS Bretagne", path)
        made[ext] = path
    return made


def audio_packets_md5(path: Path) -> str:
    """md5 of the audio packets as ffmpeg demuxes them (no decoding)."""
    return run_ffmpeg("-i", path, "-map", "0:a", "-c", "copy", "-f", "md5", "-").stdout.decode().strip()


def mutagen_chapter_titles(path: Path) -> list[str]:
    """The chapter titles as mutagen reads them, each container its own way."""
    ext = path.suffix
    if ext in (".m4a", ".m4b"):
        from mutagen.mp4 import MP4

        return [c.title for c in MP4(path).chapters]
    if ext in (".ogg", ".opus", ".flac"):
        import mutagen

        tags = mutagen.File(path).tags
        # A VCommentDict is a list of (key, value) pairs: keys() is not redundant here.
        names = sorted(k for k in tags.keys() if k.upper().endswith("NAME"))  # noqa: SIM118
        return [tags[k][0] for k in names]
    from mutagen.id3 import ID3
    from mutagen.wave import WAVE

    tags = WAVE(path).tags if ext == ".wav" else ID3(path)
    return [str(f.sub_frames["TIT2"]) for f in sorted(tags.getall("CHAP"), key=lambda f: f.start_time)]


@pytest.mark.parametrize("ext", list(LOW_RATE))
def test_seed_outline_round_trips_through_every_container(ext, seed_length_media, tmp_path):
    path = tmp_path / f"travail-pair.{ext}"
    shutil.copyfile(seed_length_media[ext], path)
    packets_before = audio_packets_md5(path)
    expected = pipeline.prepare(path, SEED_OUTLINE).episode.chapters
    for _ in range(2):  # re-tagging replaces, never duplicates
        pipeline.write(pipeline.prepare(path, SEED_OUTLINE))

    read = ffmpeg_chapters(path)
    if ext in ("m4a", "m4b"):
        # The QuickTime track's opening (before 0'20) and the seed's 7 min 55 s pause after
        # chapter 6 are samples of their own, titled so no player lists an untitled chapter.
        episode_title = pipeline.prepare(path, SEED_OUTLINE).episode.title
        assert (read[0]["start_ms"], read[0]["title"]) == (0, episode_title)
        assert (round(read[7]["start_ms"] / 1000), read[7]["title"]) == (4965, "Pause")
        read = read[1:7] + read[8:]
    assert [c["title"] for c in read] == [c.title for c in expected]
    slack = BY_EXT[ext].slack_ms
    for got, start in zip(read, SEED_STARTS_MS, strict=True):
        assert abs(got["start_ms"] - start) <= slack
    assert mutagen_chapter_titles(path) == [c.title for c in expected]
    ours = containers.read_chapters(path)
    assert [(c.start_ms, c.title) for c in ours.chapters] == [(c.start_ms, c.title) for c in expected]
    assert audio_packets_md5(path) == packets_before
    assert containers.strip_chapters(path) == 9
    assert ffmpeg_chapters(path) == []

"""FFmetadata against the real thing: the bundled ffmpeg reads what we write, and we read what it writes."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from podcast_tool.formats import ExportOptions, get_format
from podcast_tool.model import Chapter, Episode
from tests.conftest import ffmpeg_chapters, run_ffmpeg

DURATION = 12_000
EPISODE = Episode(
    chapters=[
        Chapter(0, "Accueil = ; # \\ « é »"),
        Chapter(4_250, "Tableau ronde : « pourquoi ? »", end_ms=7_000),
        Chapter(8_125, "Questions du public"),
    ],
    title="Travail Pair ; épisode #1",
    duration_ms=DURATION,
)


def remux_with_chapters(audio: Path, tmp_path: Path, out_ext: str) -> Path:
    text, _ = get_format("ffmetadata").dump(EPISODE, ExportOptions())
    meta = tmp_path / "meta.txt"
    meta.write_text(text, encoding="utf-8")
    out = tmp_path / f"out.{out_ext}"
    run_ffmpeg("-i", audio, "-i", meta, "-map", "0", "-map_chapters", "1", "-c", "copy", out)
    return out


@pytest.mark.parametrize(("ext", "out_ext"), [("ogg", "mka"), ("m4a", "m4a")])
def test_bundled_ffmpeg_accepts_our_ffmetadata(make_media: Callable[..., Path], tmp_path: Path,
                                               ext: str, out_ext: str) -> None:
    out = remux_with_chapters(make_media(ext), tmp_path, out_ext)
    read = ffmpeg_chapters(out)
    assert [c["title"] for c in read] == [c.title for c in EPISODE.chapters]
    assert [c["start_ms"] for c in read] == [c.start_ms for c in EPISODE.chapters]
    if out_ext == "mka":  # Matroska keeps each chapter's end, gaps included
        assert [c["end_ms"] for c in read] == [4_250, 7_000, DURATION]


def test_we_read_the_ffmetadata_ffmpeg_writes(make_media: Callable[..., Path], tmp_path: Path) -> None:
    out = remux_with_chapters(make_media("ogg"), tmp_path, "mka")
    # ffmpeg writes Matroska chapters in nanoseconds (TIMEBASE=1/1000000000), escaped its own way.
    text = run_ffmpeg("-i", out, "-f", "ffmetadata", "-").stdout.decode("utf-8")
    assert "TIMEBASE=1/1000000000" in text
    episode, _ = get_format("ffmetadata").load(text)
    assert [(c.start_ms, c.end_ms, c.title) for c in episode.chapters] == [
        (0, None, EPISODE.chapters[0].title), (4_250, 7_000, EPISODE.chapters[1].title),
        (8_125, DURATION, EPISODE.chapters[2].title)]

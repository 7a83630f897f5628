"""The demo: a synthetic replay whose planned pauses the snapper finds, tagged and read back."""

from __future__ import annotations

import subprocess

from click.testing import CliRunner

from podcast_tool import demo
from podcast_tool.cli import main
from podcast_tool.pipeline import load_chapters
from podcast_tool.snap.placement import SnapOptions, snap_episode
from tests.conftest import ffmpeg_chapters

OUTLINE = """# Atelier "Recrutement" du 18 juin 2021

0'05 **Accueil**

0'40 à 1'10 **Présentation** *Qui fait quoi*

1'25 **Questions du public**
"""


def test_demo_tags_the_replay_and_reads_it_back(tmp_path):
    outline = tmp_path / "atelier.md"
    outline.write_text(OUTLINE, encoding="utf-8")
    audio = tmp_path / "audio" / "atelier.mp3"
    result = CliRunner().invoke(main, ["demo", "--outline", str(outline), "--output", str(audio)])
    assert result.exit_code == 0, result.output
    assert f"tagged {audio} with 3 chapters from {outline}" in result.output
    assert "read back from the file:" in result.output and "Questions du public" in result.output
    assert [c["title"] for c in ffmpeg_chapters(audio)] == [
        "Accueil", "Présentation", "Questions du public"]
    again = CliRunner().invoke(main, ["demo", "--outline", str(outline), "--output", str(audio)])
    assert again.exit_code == 0 and f"using the existing {audio}" in again.output


def test_the_snapper_finds_the_pauses_the_demo_planned(tmp_path):
    outline = tmp_path / "atelier.md"
    outline.write_text(OUTLINE, encoding="utf-8")
    episode, _ = load_chapters(outline)
    boundaries = [5000, 40000, 70000, 85000]
    pauses = demo.plan_pauses(boundaries, seed=7)
    audio = demo.synthesize_replay(tmp_path / "atelier.mp3", 100_000, pauses, title=episode.title)
    _, _, report = snap_episode(audio, episode, SnapOptions())
    snapped = sorted(row.snapped_ms for row in report.rows)
    assert len(snapped) == len(pauses)
    for time, pause in zip(snapped, sorted(pauses, key=lambda p: p.start_ms), strict=True):
        assert pause.start_ms <= time <= pause.end_ms, (time, pause)


def test_pauses_that_touch_a_chunk_edge_are_synthesised(tmp_path):
    """A pause across a chunk boundary leaves one side of a chunk empty: nothing to fade there."""
    import numpy as np

    from podcast_tool.ffmpeg import ffmpeg_exe

    chunk_ms = demo.CHUNK_SECONDS * 1000
    pauses = [demo.Pause(chunk_ms - 1500, chunk_ms + 1500), demo.Pause(2 * chunk_ms - 800, 2 * chunk_ms)]
    audio = demo.synthesize_replay(tmp_path / "edges.mp3", 2 * chunk_ms + 5000, pauses)
    pcm = subprocess.run([ffmpeg_exe(), "-v", "error", "-i", str(audio), "-f", "s16le", "-ac", "1",
                          "-ar", "8000", "-"], check=True, capture_output=True).stdout
    samples = np.frombuffer(pcm, dtype="<i2").astype(np.float64)

    def level(start_ms: int, end_ms: int) -> float:
        return float(np.sqrt(np.mean(samples[start_ms * 8:end_ms * 8] ** 2)))

    speech = level(5000, 20000)
    for pause in pauses:  # the middle of each pause holds only the faint room tone
        assert level(pause.start_ms + 200, pause.end_ms - 200) < speech / 10, pause

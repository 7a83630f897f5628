"""MP4 as other programs write it: Nero chapters with an unusable text track, cut files, video."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from mutagen.mp4 import MP4

from podcast_tool import containers
from podcast_tool.cli import main
from tests.conftest import decoded_md5, ffmpeg_chapters, file_md5, run_ffmpeg
from tests.realworld.corpus import corpus_dir


@pytest.fixture
def nero(tmp_path: Path) -> Path:
    """mutagen's nero-chapters.m4b: 112 chpl chapters, a chapter track whose stsz is empty."""
    path = tmp_path / "nero-chapters.m4b"
    shutil.copyfile(corpus_dir() / "nero-chapters.m4b", path)
    return path


def test_nero_chapters_are_read_from_chpl_when_the_text_track_is_unusable(nero):
    theirs = MP4(nero).chapters
    result = CliRunner().invoke(main, ["show", "--json", str(nero)])
    assert result.exit_code == 0, result.output
    ours = json.loads(result.stdout)["chapters"]
    assert len(ours) == len(theirs) == 112
    assert [c["title"] for c in ours] == [c.title for c in theirs]
    assert [c["start_ms"] for c in ours] == [round(c.start * 1000) for c in theirs]
    exported = CliRunner().invoke(main, ["export", str(nero), "-f", "json"])
    assert exported.exit_code == 0 and len(json.loads(exported.stdout)["chapters"]) == 112


def test_show_tag_and_strip_agree_on_the_nero_file(nero, tmp_path):
    # Its audio data is missing (the sample tables point past the end of the file): tag refuses
    # to place chapters in a recording that does not play, and says why; strip still works.
    outline = tmp_path / "outline.md"
    outline.write_text("- 0'00 Début\n- 0'30 Suite\n", encoding="utf-8")
    before = file_md5(nero)
    tagged = CliRunner().invoke(main, ["tag", str(nero), str(outline)])
    assert tagged.exit_code == 1
    assert "shorter than its header says" in tagged.stderr and "damaged" not in tagged.stderr
    assert file_md5(nero) == before
    stripped = CliRunner().invoke(main, ["strip", str(nero)])
    assert stripped.exit_code == 0, stripped.output
    assert containers.read_chapters(nero).chapters == []
    assert ffmpeg_chapters(nero) == []


@pytest.fixture
def cut_m4a(make_media, tmp_path: Path) -> Path:
    """A faststart M4A (moov first) whose mdat lost its second half, as an interrupted upload."""
    whole = tmp_path / "whole.m4a"
    run_ffmpeg("-i", make_media("m4a", 12.0), "-c", "copy", "-movflags", "+faststart", whole)
    data = whole.read_bytes()
    path = tmp_path / "cut.m4a"
    path.write_bytes(data[:len(data) // 2])
    return path


def test_a_cut_m4a_warns_and_is_checked_against_what_plays(cut_m4a, tmp_path):
    length = containers.audio_length(cut_m4a)
    assert 4_000 < length.duration_ms < 8_000
    [warning] = length.diagnostics
    assert warning.code == "audio-truncated" and "0:00:12" in warning.message
    outline = tmp_path / "outline.md"
    outline.write_text("- 0'00 Début\n- 0'10 Fin\n", encoding="utf-8")
    refused = CliRunner().invoke(main, ["tag", str(cut_m4a), str(outline)])
    assert refused.exit_code == 1 and "shorter than its header says" in refused.stderr
    outline.write_text("- 0'00 Début\n- 0'03 Suite\n", encoding="utf-8")
    audio = decoded_md5(cut_m4a)
    tagged = CliRunner().invoke(main, ["tag", str(cut_m4a), str(outline)])
    assert tagged.exit_code == 0, tagged.output
    assert "shorter than its header says" in tagged.stderr
    assert [c["title"] for c in ffmpeg_chapters(cut_m4a)] == ["Début", "Suite"]
    assert decoded_md5(cut_m4a) == audio


def test_a_video_recording_is_tagged_like_audio(tmp_path):
    path = tmp_path / "zoom-replay.mp4"
    run_ffmpeg("-f", "lavfi", "-i", "testsrc=size=64x48:rate=5:duration=12", "-f", "lavfi",
               "-i", "sine=d=12", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p",
               "-c:a", "aac", "-b:a", "32k", "-shortest", path)
    video = run_ffmpeg("-i", path, "-map", "0:v", "-c", "copy", "-f", "md5", "-").stdout
    audio = decoded_md5(path)
    outline = tmp_path / "outline.md"
    outline.write_text("- 0'00 Accueil\n- 0'05 Présentation\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["tag", str(path), str(outline)])
    assert result.exit_code == 0, result.output
    chapters = ffmpeg_chapters(path)
    assert [(c["start_ms"], c["title"]) for c in chapters] == [(0, "Accueil"), (5000, "Présentation")]
    assert abs(chapters[-1]["end_ms"] - 12_000) < 200  # the chapters cover the whole movie
    assert run_ffmpeg("-i", path, "-map", "0:v", "-c", "copy", "-f", "md5", "-").stdout == video
    assert decoded_md5(path) == audio
    assert [c.title for c in MP4(path).chapters] == ["Accueil", "Présentation"]

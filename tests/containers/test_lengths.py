"""How long a recording plays: MP3 frames walked when no header tells, files cut short, tiny files."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from mutagen.mp3 import MP3

from podcast_tool import containers, pipeline
from podcast_tool.cli import main
from podcast_tool.errors import AudioFileError
from tests.conftest import file_md5, run_ffmpeg

#: 20 s of silence then 40 s of noise: VBR frames of very different sizes.
SILENCE_THEN_NOISE = ("anullsrc=r=44100:cl=mono:d=20[s];anoisesrc=d=40:a=0.5:r=44100[n];"
                      "[s][n]concat=n=2:v=0:a=1")


def decoded_ms(path: Path) -> int:
    """What ffmpeg really decodes, in ms (its progress line's last time)."""
    result = run_ffmpeg("-i", path, "-f", "null", "-")
    last = result.stderr.decode().rsplit("time=", 1)[1].split()[0]
    hours, minutes, seconds = last.split(":")
    return round((int(hours) * 3600 + int(minutes) * 60 + float(seconds)) * 1000)


@pytest.fixture(scope="module")
def vbr_without_header(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("vbr") / "vbr-no-xing.mp3"
    run_ffmpeg("-f", "lavfi", "-i", SILENCE_THEN_NOISE, "-c:a", "libmp3lame", "-q:a", "4",
               "-write_xing", "0", path)
    return path


def test_vbr_mp3_without_xing_header_gets_its_real_duration(vbr_without_header):
    # mutagen guesses from the first (silent, tiny) frame's bitrate: far off.
    assert abs(MP3(vbr_without_header).info.length * 1000 - 60_000) > 10_000
    duration = containers.audio_duration_ms(vbr_without_header)
    assert abs(duration - 60_000) < 100
    assert abs(duration - decoded_ms(vbr_without_header)) < 100


def test_a_correct_outline_of_a_vbr_mp3_is_tagged(vbr_without_header, tmp_path):
    path = tmp_path / "episode.mp3"
    path.write_bytes(vbr_without_header.read_bytes())
    outline = tmp_path / "outline.md"
    outline.write_text("- 0'00 Silence\n- 0'50 Fin du bruit\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["tag", str(path), str(outline)])
    assert result.exit_code == 0, result.output
    chapters = containers.read_chapters(path).chapters
    assert [c.start_ms for c in chapters] == [0, 50_000]
    assert abs(chapters[-1].end_ms - 60_000) < 100  # the last chapter ends at the real end


def test_mp3_cut_short_warns_with_the_playable_duration(make_media, tmp_path):
    original = make_media("mp3", 12.0)  # ffmpeg writes a Xing/Info header with byte count
    data = original.read_bytes()
    path = tmp_path / "cut.mp3"
    path.write_bytes(data[:len(data) // 2])
    length = containers.audio_length(path)
    assert abs(length.duration_ms - decoded_ms(path)) < 100
    assert 5_000 < length.duration_ms < 7_000
    [warning] = length.diagnostics
    assert warning.code == "audio-truncated"
    assert "shorter than its header says" in warning.message and "0:00:12" in warning.message
    outline = tmp_path / "outline.md"
    outline.write_text("- 0'00 Début\n- 0'04 Suite\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["tag", str(path), str(outline)])
    assert result.exit_code == 0
    assert "shorter than its header says" in result.stderr
    assert containers.read_chapters(path).chapters[-1].end_ms == length.duration_ms


def test_outline_past_the_playable_end_of_a_cut_file_is_refused(make_media, tmp_path):
    data = make_media("mp3", 12.0).read_bytes()
    path = tmp_path / "cut.mp3"
    path.write_bytes(data[:len(data) // 2])
    outline = tmp_path / "outline.md"
    outline.write_text("- 0'00 Début\n- 0'10 Fin\n", encoding="utf-8")
    before = file_md5(path)
    result = CliRunner().invoke(main, ["tag", str(path), str(outline)])
    assert result.exit_code == 1
    assert file_md5(path) == before


@pytest.mark.parametrize("ext", ["mp3", "m4a", "ogg", "flac", "wav"])
def test_a_recording_too_short_for_chapters_says_so(audio_copy, tmp_path, ext):
    path = audio_copy(ext, 0.1)
    outline = tmp_path / "outline.md"
    outline.write_text("- 0'00 Début\n", encoding="utf-8")
    before = file_md5(path)
    result = CliRunner().invoke(main, ["tag", str(path), str(outline)])
    assert result.exit_code == 1
    assert "too short to hold chapters" in result.stderr
    assert "after the end" not in result.stderr
    assert file_md5(path) == before
    with pytest.raises(AudioFileError, match="too short"):
        pipeline.prepare(path, outline)

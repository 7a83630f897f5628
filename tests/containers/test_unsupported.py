"""Formats that cannot carry chapters: named, with the fix, never "a binary file"."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from podcast_tool.cli import main
from tests.conftest import file_md5, synthesize

#: name -> (ffmpeg output arguments, file name, what the message calls it, words of the fix)
MADE_BY_FFMPEG = {
    "aiff": (["-c:a", "pcm_s16be"], "master.aiff", "this is AIFF audio", "--to m4a"),
    "adts": (["-c:a", "aac", "-f", "adts"], "export.aac", "raw AAC audio (ADTS)", "no re-encoding"),
    "ogg-flac": (["-c:a", "flac", "-f", "ogg"], "master.oga", "Ogg FLAC audio", "OUT.flac"),
    "mp3-in-wav": (["-c:a", "libmp3lame", "-f", "wav"], "zoom.wav", "MP3 audio inside a WAV file",
                   "--to mp3"),
    "matroska": (["-c:a", "libopus", "-f", "matroska"], "obs.mka", "Matroska", "--to m4a"),
}


@pytest.mark.parametrize("kind", MADE_BY_FFMPEG)
def test_show_tag_strip_name_the_format_and_the_fix(kind, tmp_path):
    args, name, label, fix = MADE_BY_FFMPEG[kind]
    path = synthesize(tmp_path / name, 2.0, args)
    outline = tmp_path / "outline.md"
    outline.write_text("- 0'00 Début\n", encoding="utf-8")
    before = file_md5(path)
    for command in (["show", str(path)], ["tag", str(path), str(outline)], ["strip", str(path)],
                    ["export", str(path), "-f", "json"]):
        result = CliRunner().invoke(main, command)
        assert result.exit_code == 1, (command, result.output)
        assert label in result.stderr, (command, result.stderr)
        assert "cannot carry chapters" in result.stderr
        assert fix in result.stderr
        assert "binary file" not in result.stderr and "Traceback" not in result.output
    assert file_md5(path) == before


def test_a_text_outline_named_like_audio_is_still_read(tmp_path):
    outline = tmp_path / "notes.mpc"
    outline.write_text("- 0'00 Début\n- 0'30 Suite\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["show", str(outline), "--from", "outline"])
    assert result.exit_code == 0, result.output

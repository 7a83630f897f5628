"""tag --to m4a|mp3 -o OUT: a tagged copy in a container that holds chapters; the original kept."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from podcast_tool.cli import main
from tests.conftest import decoded_md5, ffmpeg_chapters, file_md5, run_ffmpeg, synthesize

OUTLINE = "- 0'00 Accueil\n- 0'04 Table ronde\n"


def packets_md5(path) -> str:
    return run_ffmpeg("-i", path, "-map", "0:a", "-c", "copy", "-f", "md5", "-").stdout.decode()


@pytest.fixture
def outline(tmp_path):
    path = tmp_path / "outline.md"
    path.write_text(OUTLINE, encoding="utf-8")
    return path


def test_adts_aac_is_remuxed_into_m4a_without_re_encoding(tmp_path, outline):
    source = synthesize(tmp_path / "export.aac", 8.0, ["-c:a", "aac", "-b:a", "48k", "-f", "adts"])
    before = file_md5(source)
    out = tmp_path / "episode.m4a"
    result = CliRunner().invoke(main, ["tag", str(source), str(outline), "--to", "m4a", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "no re-encoding" in result.stderr
    assert file_md5(source) == before
    assert [c["title"] for c in ffmpeg_chapters(out)] == ["Accueil", "Table ronde"]
    assert decoded_md5(out) == decoded_md5(source)  # the same AAC frames (ADTS headers aside)


def test_mp3_inside_wav_comes_out_as_the_same_mp3(tmp_path, outline):
    source = synthesize(tmp_path / "zoom.wav", 8.0, ["-c:a", "libmp3lame", "-f", "wav"])
    out = tmp_path / "episode.mp3"
    result = CliRunner().invoke(main, ["tag", str(source), str(outline), "--to", "mp3", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "no re-encoding" in result.stderr
    assert packets_md5(out) == packets_md5(source)
    assert [c["title"] for c in ffmpeg_chapters(out)] == ["Accueil", "Table ronde"]


@pytest.mark.parametrize(("name", "args", "to"), [
    ("master.wav", ["-c:a", "pcm_s16le"], "m4a"),
    ("master.aiff", ["-c:a", "pcm_s16be"], "mp3"),
])
def test_wav_and_aiff_are_converted_and_say_so(tmp_path, outline, name, args, to):
    source = synthesize(tmp_path / name, 8.0, args)
    before = file_md5(source)
    out = tmp_path / f"episode.{to}"
    result = CliRunner().invoke(main, ["tag", str(source), str(outline), "--to", to, "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "re-encoded" in result.stderr
    assert file_md5(source) == before
    assert [c["title"] for c in ffmpeg_chapters(out)] == ["Accueil", "Table ronde"]


def test_to_never_replaces_the_original_nor_an_existing_file(tmp_path, outline):
    source = synthesize(tmp_path / "master.wav", 8.0, ["-c:a", "pcm_s16le"])
    same = CliRunner().invoke(main, ["tag", str(source), str(outline), "--to", "mp3", "-o",
                                     str(source)])
    assert same.exit_code == 2 and "never replaces the original" in same.stderr
    existing = tmp_path / "episode.mp3"
    existing.write_bytes(b"keep me")
    taken = CliRunner().invoke(main, ["tag", str(source), str(outline), "--to", "mp3", "-o",
                                      str(existing)])
    assert taken.exit_code == 2 and existing.read_bytes() == b"keep me"
    alone = CliRunner().invoke(main, ["tag", str(source), str(outline), "--to", "mp3"])
    assert alone.exit_code == 2 and "-o" in alone.stderr


def test_a_refused_outline_leaves_no_converted_copy(tmp_path):
    source = synthesize(tmp_path / "master.wav", 4.0, ["-c:a", "pcm_s16le"])
    outline = tmp_path / "outline.md"
    outline.write_text("- 0'00 Accueil\n- 9'00 Bien après la fin\n", encoding="utf-8")
    out = tmp_path / "episode.m4a"
    result = CliRunner().invoke(main, ["tag", str(source), str(outline), "--to", "m4a", "-o", str(out)])
    assert result.exit_code == 1
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["master.wav", "outline.md"]

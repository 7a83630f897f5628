"""The error boundary: a damaged file is the user's problem to fix, a bug in podcast-tool is ours."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest
from click.testing import CliRunner

from podcast_tool import containers
from podcast_tool.bugs import BUG_EXIT_CODE
from podcast_tool.cli import main
from podcast_tool.containers.id3.mp3 import Mp3Tagging
from podcast_tool.errors import AudioFileError

OUTLINE = "0'00 Accueil\n0'05 Débat\n"


@pytest.fixture
def state_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "state"
    monkeypatch.setenv("XDG_STATE_HOME", str(folder))
    return folder


def test_a_damaged_file_is_reported_as_damaged(audio_copy, tmp_path, state_home):
    audio = audio_copy("mp3")
    audio.write_bytes(b"ID3\x03\x00\x00\x00\x00\x00\x10" + b"\xff\xfb" + bytes(100))
    outline = tmp_path / "episode.md"
    outline.write_text(OUTLINE, encoding="utf-8")
    result = CliRunner().invoke(main, ["tag", str(audio), str(outline)])
    assert result.exit_code == 1
    assert f"{audio}: error:" in result.output and "bug" not in result.output
    assert not state_home.exists()


def test_a_bug_is_reported_as_a_bug_with_its_traceback_logged(audio_copy, tmp_path, state_home,
                                                              monkeypatch):
    audio = audio_copy("mp3")
    outline = tmp_path / "episode.md"
    outline.write_text(OUTLINE, encoding="utf-8")

    def broken(self, path):
        return {}["a key our own code forgot"]

    monkeypatch.setattr(Mp3Tagging, "load_tags", broken)
    result = CliRunner().invoke(main, ["tag", str(audio), str(outline)])
    assert result.exit_code == BUG_EXIT_CODE == 70
    output = " ".join(result.output.split())  # rich may wrap the long message
    assert "internal error (KeyError): this is a bug in podcast-tool" in output
    assert "damaged" not in output and "cannot process" not in output
    (log,) = (state_home / "podcast-tool").glob("bug-*.log")
    assert str(log) in output
    text = log.read_text(encoding="utf-8")
    assert "Traceback" in text and "a key our own code forgot" in text and "in broken" in text


def test_the_boundary_lets_bugs_through(tmp_path):
    path = tmp_path / "x.mp3"
    with pytest.raises(AudioFileError, match="cannot process the file"):
        containers.guarded(path, lambda: struct.unpack(">I", b"\x00"))
    with pytest.raises(TypeError):
        containers.guarded(path, lambda: len(None))  # type: ignore[arg-type]


def test_a_bug_on_one_recording_fails_it_and_the_batch_goes_on(make_media, tmp_path, state_home,
                                                               monkeypatch):
    import shutil

    (tmp_path / "audio").mkdir()
    (tmp_path / "chapters").mkdir()
    for name, ext in (("a", "mp3"), ("b", "flac")):
        shutil.copyfile(make_media(ext), tmp_path / "audio" / f"{name}.{ext}")
        (tmp_path / "chapters" / f"{name}.md").write_text(OUTLINE, encoding="utf-8")

    def broken(self, path):
        raise TypeError("our bug")

    monkeypatch.setattr(Mp3Tagging, "load_tags", broken)
    result = CliRunner().invoke(main, ["batch", str(tmp_path), "--jobs", "1", "--json"])
    assert result.exit_code == 1
    assert "bug in podcast-tool" in result.output and "tagged" in result.output
    assert len(list((state_home / "podcast-tool").glob("bug-*.log"))) == 1

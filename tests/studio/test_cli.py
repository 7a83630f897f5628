"""`podcast-tool studio`: finding the outline, listing a batch folder, stopping on Ctrl-C."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner

from podcast_tool.cli import main
from podcast_tool.studio.discover import find_chapters
from tests.studio.helpers import OUTLINE, make_replay


def test_the_outline_is_found_as_a_batch_pairs_it(tmp_path: Path) -> None:
    (tmp_path / "audio" / "2020").mkdir(parents=True)
    (tmp_path / "chapters" / "2020").mkdir(parents=True)
    audio = tmp_path / "audio" / "2020" / "webinaire.mp3"
    audio.write_bytes(b"")
    assert find_chapters(audio) is None
    outline = tmp_path / "chapters" / "2020" / "webinaire.md"
    outline.write_text(OUTLINE, encoding="utf-8")
    assert find_chapters(audio) == outline.resolve()


def test_an_outline_beside_the_recording_is_found(tmp_path: Path) -> None:
    audio = tmp_path / "replay.m4a"
    audio.write_bytes(b"")
    (tmp_path / "replay.md").write_text(OUTLINE, encoding="utf-8")
    assert find_chapters(audio) == (tmp_path / "replay.md").resolve()
    (tmp_path / "replay.txt").write_text(OUTLINE, encoding="utf-8")
    result = CliRunner().invoke(main, ["studio", str(audio), "--no-browser"])
    assert result.exit_code == 2 and "several chapter files" in result.output


def test_studio_root_lists_the_recordings(tmp_path: Path) -> None:
    for name in ("webinaire", "atelier"):
        (tmp_path / "audio").mkdir(exist_ok=True)
        (tmp_path / "chapters").mkdir(exist_ok=True)
        (tmp_path / "audio" / f"{name}.mp3").write_bytes(b"")
        (tmp_path / "chapters" / f"{name}.md").write_text(OUTLINE, encoding="utf-8")
    result = CliRunner().invoke(main, ["studio", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "2 recordings in" in result.output
    lines = [line.strip() for line in result.output.splitlines() if "podcast-tool studio" in line]
    assert lines[0].endswith("atelier.md") and "audio/atelier.mp3" in lines[0]
    french = CliRunner().invoke(main, ["--lang", "fr", "studio", str(tmp_path)])
    assert "2 enregistrements dans" in french.output


def test_a_damaged_recording_is_a_clear_error(tmp_path: Path) -> None:
    audio = tmp_path / "broken.mp3"
    audio.write_bytes(b"not audio at all" * 10)
    result = CliRunner().invoke(main, ["studio", str(audio), "--no-browser"])
    assert result.exit_code == 1 and "broken.mp3" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM])
def test_the_server_binds_localhost_and_stops_on_ctrl_c(tmp_path: Path, stop: signal.Signals) -> None:
    audio = make_replay(tmp_path / "webinaire.mp3")
    (tmp_path / "webinaire.md").write_text(OUTLINE, encoding="utf-8")
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    process = subprocess.Popen([sys.executable, "-m", "podcast_tool", "studio", str(audio),
                                "--no-browser"], stderr=subprocess.PIPE, stdout=subprocess.DEVNULL,
                               text=True, env=env)
    try:
        assert process.stderr is not None
        url = None
        for _ in range(20):
            found = re.search(r"http://127\.0\.0\.1:(\d+)/\?token=[\w-]+", process.stderr.readline())
            if found:
                url, port = found.group(0), int(found.group(1))
                break
        assert url
        with urllib.request.urlopen(url.replace("/?", "/api/state?"), timeout=10) as response:
            assert response.status == 200
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/state", timeout=10)
        assert refused.value.code == 403
        process.send_signal(stop)
        assert process.wait(timeout=10) == 0
        assert "studio stopped" in process.stderr.read()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()

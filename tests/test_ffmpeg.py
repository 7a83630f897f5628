"""The bundled ffmpeg is found without importing imageio_ffmpeg, and is the one it names."""

from __future__ import annotations

import imageio_ffmpeg
import pytest

from podcast_tool import ffmpeg


def test_the_wheels_binary_is_the_one_imageio_ffmpeg_names(monkeypatch: pytest.MonkeyPatch
                                                            ) -> None:
    monkeypatch.delenv("IMAGEIO_FFMPEG_EXE", raising=False)
    assert ffmpeg._bundled_binary() == imageio_ffmpeg.get_ffmpeg_exe()


def test_imageio_ffmpeg_decides_when_its_variable_names_a_binary(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IMAGEIO_FFMPEG_EXE", "/opt/elsewhere/ffmpeg")
    assert ffmpeg._bundled_binary() is None
    ffmpeg.ffmpeg_exe.cache_clear()
    try:
        assert ffmpeg.ffmpeg_exe() == "/opt/elsewhere/ffmpeg"
    finally:
        ffmpeg.ffmpeg_exe.cache_clear()

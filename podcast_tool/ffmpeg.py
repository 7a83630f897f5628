"""The ffmpeg binary bundled in the imageio-ffmpeg wheel (never a system one)."""

from __future__ import annotations

import functools
import subprocess
from collections.abc import Sequence
from pathlib import Path

from podcast_tool.errors import PodcastToolError
from podcast_tool.i18n import _


@functools.cache
def ffmpeg_exe() -> str:
    import imageio_ffmpeg

    try:
        return imageio_ffmpeg.get_ffmpeg_exe()
    except RuntimeError as error:  # the wheel lacks a binary for this platform
        raise PodcastToolError(_("the bundled ffmpeg is unavailable: {error}").format(error=error)) from error


def run_ffmpeg(
    args: Sequence[str | Path], *, input_bytes: bytes | None = None, timeout: float | None = None
) -> subprocess.CompletedProcess[bytes]:
    """Run the bundled ffmpeg quietly; raise with its last error lines on failure."""
    command = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-loglevel", "error", *map(str, args)]
    result = subprocess.run(
        command,
        input=input_bytes,
        capture_output=True,
        timeout=timeout,
        check=False,
        stdin=None if input_bytes is not None else subprocess.DEVNULL,
    )
    if result.returncode != 0:
        tail = result.stderr.decode("utf-8", "replace").strip().splitlines()[-3:]
        raise PodcastToolError(_("ffmpeg failed: {detail}").format(detail=" / ".join(tail)))
    return result

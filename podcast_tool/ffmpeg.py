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
    bundled = _bundled_binary()
    if bundled is not None:
        return bundled
    import imageio_ffmpeg

    try:
        return imageio_ffmpeg.get_ffmpeg_exe()
    except RuntimeError as error:  # the wheel lacks a binary for this platform
        raise PodcastToolError(_("the bundled ffmpeg is unavailable: {error}").format(error=error)) from error


def _bundled_binary() -> str | None:
    """The wheel's one binary, found without importing imageio_ffmpeg (None: ask it).

    Its ``get_ffmpeg_exe`` imports a good part of the standard library and runs
    ``ffmpeg -version`` to check the binary, in every process: about as long as decoding a
    snap window. The binary it would pick is the one in the wheel's ``binaries`` folder; where
    the folder holds no single such file, or ``IMAGEIO_FFMPEG_EXE`` names another, it decides.
    """
    import importlib.util
    import os

    if os.environ.get("IMAGEIO_FFMPEG_EXE"):
        return None
    spec = importlib.util.find_spec("imageio_ffmpeg")
    if spec is None or not spec.submodule_search_locations:
        return None
    folder = Path(next(iter(spec.submodule_search_locations))) / "binaries"
    try:
        found = [path for path in folder.iterdir() if path.name.startswith("ffmpeg-")
                 and path.is_file() and os.access(path, os.X_OK)]
    except OSError:
        return None
    return str(found[0]) if len(found) == 1 else None


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

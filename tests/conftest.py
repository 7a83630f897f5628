"""Shared fixtures: tiny real media made once per session with the bundled ffmpeg.

Tests never write to the session's originals: ``audio_copy`` hands out a
fresh copy in the test's own temporary folder.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from podcast_tool.ffmpeg import ffmpeg_exe
from tests.browser import browser, page  # noqa: F401 - fixtures for the browser tests
from tests.containers.facts import FACTS as CONTAINER_FACTS

# Tests read English messages unless they ask for another language (--lang, or their own env).
os.environ["PODCAST_TOOL_LANG"] = "en"

ROOT = Path(__file__).resolve().parent.parent
SEED_OUTLINE = ROOT / "chapters" / "travail-pair-2020-12-18.md"

#: extension -> ffmpeg output arguments (codec, container); short and tiny on purpose.
#: ffmpeg arguments for each kind of sample file (the per-container table's).
ENCODINGS: dict[str, list[str]] = {row.ext: list(row.encoding) for row in CONTAINER_FACTS}


#: Length of the piece looped to make long files.
LOOP_SECONDS = 10.0


def run_ffmpeg(*args: str | Path) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([ffmpeg_exe(), "-hide_banner", "-nostdin", "-y", *map(str, args)],
                          capture_output=True, check=True)


def synthesize(path: Path, seconds: float, extra: list[str], tags: dict[str, str] | None = None
               ) -> Path:
    """A tone with a little noise: real encoded audio, a few KB."""
    source = (f"sine=frequency=220:sample_rate=44100:duration={seconds},"
              "volume=0.3[a];anoisesrc=color=pink:amplitude=0.05:sample_rate=44100:"
              f"duration={seconds}[b];[a][b]amix=inputs=2")
    metadata: list[str] = []
    for key, value in (tags or {}).items():
        metadata += ["-metadata", f"{key}={value}"]
    run_ffmpeg("-f", "lavfi", "-i", source, "-ac", "1", *metadata, *extra, path)
    return path


@pytest.fixture(scope="session")
def media_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("media")


@pytest.fixture(scope="session")
def make_media(media_dir: Path) -> Callable[..., Path]:
    """``make_media("m4a", seconds=12)``: a session-cached original (never write to it)."""
    cache: dict[tuple[str, float, str], Path] = {}

    def make(ext: str, seconds: float = 12.0, **tags: str) -> Path:
        key = (ext, seconds, repr(sorted(tags.items())))
        if key not in cache:
            name = f"sample-{len(cache)}-{int(seconds)}s.{ext}"
            if seconds > LOOP_SECONDS * 2:
                # Long files (the seed runs 2 h 33): loop a short piece by stream copy,
                # which takes a fraction of a second instead of encoding hours of audio.
                piece = make(ext, LOOP_SECONDS)
                loops = int(seconds // LOOP_SECONDS)
                run_ffmpeg("-stream_loop", str(loops), "-i", piece, "-t", str(seconds),
                           "-c", "copy", *ENCODINGS[ext][-2:] if "-f" in ENCODINGS[ext] else [],
                           media_dir / name)
                cache[key] = media_dir / name
            else:
                cache[key] = synthesize(media_dir / name, seconds, ENCODINGS[ext], tags)
        return cache[key]

    return make


@pytest.fixture
def audio_copy(make_media: Callable[..., Path], tmp_path: Path) -> Callable[..., Path]:
    """``audio_copy("mp3")``: a private copy of a generated file, safe to tag."""

    def copy(ext: str, seconds: float = 12.0, name: str | None = None, **tags: str) -> Path:
        original = make_media(ext, seconds, **tags)
        target = tmp_path / (name or f"episode.{ext}")
        shutil.copyfile(original, target)
        return target

    return copy


def ffmpeg_chapters(path: Path) -> list[dict[str, object]]:
    """Chapters as ffmpeg's own demuxer reads them (an independent reader)."""
    result = run_ffmpeg("-i", path, "-f", "ffmetadata", "-")
    text = result.stdout.decode("utf-8")
    chapters: list[dict[str, object]] = []
    current: dict[str, object] | None = None
    timebase = (1, 1000)
    for line in text.splitlines():
        if line == "[CHAPTER]":
            current = {}
            chapters.append(current)
        elif line.startswith("[") and line.endswith("]"):
            current = None
        elif current is not None and "=" in line:
            key, _, value = line.partition("=")
            if key == "TIMEBASE":
                num, den = value.split("/")
                timebase = (int(num), int(den))
            elif key in ("START", "END"):
                current[key.lower() + "_ms"] = round(int(value) * timebase[0] * 1000 / timebase[1])
            else:
                current[key] = re.sub(r"\\(.)", r"\1", value)
    return chapters


def decoded_md5(path: Path) -> str:
    """md5 of the decoded PCM, as ffmpeg computes it."""
    result = run_ffmpeg("-i", path, "-map", "0:a", "-f", "md5", "-")
    return result.stdout.decode().strip()


def file_md5(path: Path) -> str:
    return hashlib.md5(path.read_bytes()).hexdigest()

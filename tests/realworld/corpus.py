"""Real audio files written by many programs: mutagen's own test data, fetched once.

mutagen's source distribution on PyPI carries ``tests/data/``, about a hundred files
made by LAME, FhG, iTunes, Nero, foobar2000, Audacious, libFLAC, Speex, oggenc and
others (VBR with Xing/VBRI headers or none, ID3v2.2/2.3/2.4, APEv2, ID3v1, Nero
chapters, ALAC, 64-bit offsets, multipage Ogg, FLAC pictures and cuesheets, WAV
variants, and formats that cannot carry chapters at all). The sdist is fetched with
pip, like any test dependency, at a pinned version whose sha256 is checked, into a
cache shared by every checkout (``$PODCAST_TOOL_TEST_CACHE``, else
``~/.cache/podcast-tool-tests``); the tool itself never touches the network.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import urllib.request
from pathlib import Path

VERSION = "1.47.0"
SDIST = f"mutagen-{VERSION}.tar.gz"
SHA256 = "719fadef0a978c31b4cf3c956261b3c58b6948b32023078a2117b1de09f0fc99"
#: Where PyPI's simple index points pip for this sdist.
URL = ("https://files.pythonhosted.org/packages/81/e6/"
       f"64bc71b74eef4b68e61eb921dcf72dabd9e4ec4af1e11891bbd312ccbb77/{SDIST}")


def cache_dir() -> Path:
    explicit = os.environ.get("PODCAST_TOOL_TEST_CACHE")
    if explicit:
        return Path(explicit)
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "podcast-tool-tests"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _download(target: Path) -> None:
    """The sdist from PyPI's files host, as pip fetches it; else through pip itself."""
    with tempfile.TemporaryDirectory(dir=target.parent) as scratch:
        fetched = Path(scratch) / SDIST
        try:
            with urllib.request.urlopen(URL, timeout=120) as response, fetched.open("wb") as out:
                shutil.copyfileobj(response, out)
        except OSError as error:
            result = subprocess.run(
                [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
                 "--no-binary", ":all:", f"mutagen=={VERSION}", "-d", scratch],
                capture_output=True, text=True, check=False)
            if not fetched.is_file():
                raise RuntimeError(f"could not fetch {SDIST} from PyPI (the corpus test needs it "
                                   f"once): {error}; pip: {result.stderr.strip()[-300:]}") from error
        os.replace(fetched, target)


def corpus_dir() -> Path:
    """The folder of mutagen's test files, fetched and checked on first use."""
    root = cache_dir()
    data = root / f"mutagen-{VERSION}-data"
    if (data / ".complete").is_file():
        return data
    root.mkdir(parents=True, exist_ok=True)
    sdist = root / SDIST
    if not sdist.is_file() or _sha256(sdist) != SHA256:
        _download(sdist)
    if _sha256(sdist) != SHA256:
        sdist.unlink()
        raise RuntimeError(f"{SDIST} from PyPI does not have the pinned sha256 {SHA256}")
    prefix = f"mutagen-{VERSION}/tests/data/"
    staging = Path(tempfile.mkdtemp(dir=root, prefix=".data-"))
    with tarfile.open(sdist) as archive:
        for member in archive.getmembers():
            if member.isfile() and member.name.startswith(prefix) and "/" not in member.name[len(prefix):]:
                source = archive.extractfile(member)
                assert source is not None
                (staging / Path(member.name).name).write_bytes(source.read())
    (staging / ".complete").write_text(f"{SDIST} {SHA256}\n")
    shutil.rmtree(data, ignore_errors=True)
    os.replace(staging, data)
    return data


def corpus_files() -> list[Path]:
    return sorted(path for path in corpus_dir().iterdir() if not path.name.startswith("."))

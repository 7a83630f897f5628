"""The container registry: chosen by content, extension only a hint; bad files fail clearly."""

from __future__ import annotations

import os
import random
from pathlib import Path

import pytest
from click.testing import CliRunner
from mutagen.id3 import ID3, TIT2

from podcast_tool import containers
from podcast_tool.cli import main
from podcast_tool.containers import registry
from podcast_tool.containers.declaration import ContainerKind
from podcast_tool.errors import AudioFileError, UnsupportedAudioError
from podcast_tool.model import Chapter, Episode
from tests.conftest import ffmpeg_chapters, file_md5
from tests.containers.facts import BY_EXT, FACTS
from tests.containers.test_vorbis import SHORT_CHAPTERS


def episode() -> Episode:
    return Episode(chapters=list(SHORT_CHAPTERS))


def leftovers(folder: Path) -> list[str]:
    return [p.name for p in folder.iterdir() if ".podcast-tool-" in p.name]


@pytest.mark.parametrize(("real", "named"), [
    ("ogg", "mp3"), ("opus", "mp3"), ("flac", "mp3"), ("wav", "mp3"),
    ("mp3", "flac"), ("opus", "ogg"), ("ogg", "opus"), ("flac", "wav"),
])
def test_content_decides_not_the_extension(audio_copy, real, named):
    path = audio_copy(real, name=f"misnamed.{named}")
    facts = BY_EXT[real]
    assert containers.detect(path).name == facts.container
    containers.write_chapters(path, episode())
    # No foreign tag glued in front.
    assert path.read_bytes()[facts.magic_offset:].startswith(facts.magic)
    assert [c["title"] for c in ffmpeg_chapters(path)] == [c.title for c in SHORT_CHAPTERS]
    assert [c.title for c in containers.read_chapters(path).chapters] == [c.title for c in SHORT_CHAPTERS]


def test_flac_behind_id3_named_mp3_is_flac(audio_copy):
    path = audio_copy("flac", name="flac-with-id3.mp3")
    tag = ID3()
    tag.add(TIT2(encoding=3, text=["ID3 devant FLAC"]))
    tag.save(path)
    assert containers.detect(path).name == "flac"
    containers.write_chapters(path, episode())
    assert [c["start_ms"] for c in ffmpeg_chapters(path)] == [c.start_ms for c in SHORT_CHAPTERS]
    assert str(ID3(path)["TIT2"]) == "ID3 devant FLAC"


def test_mp4_named_mp3_is_never_tagged_as_mp3(audio_copy):
    path = audio_copy("m4a", name="really-mp4.mp3")
    before = file_md5(path)
    try:
        container = containers.detect(path)
    except UnsupportedAudioError as error:  # no MP4 container in this build: a clear refusal
        assert error.path == str(path)
        assert file_md5(path) == before
        return
    assert container.name != "mp3"
    containers.write_chapters(path, episode())
    assert path.read_bytes()[4:8] == b"ftyp"
    assert [c["title"] for c in ffmpeg_chapters(path)] == [c.title for c in SHORT_CHAPTERS]


def truncated(ext: str, size: int):
    def make(audio_copy, tmp_path) -> Path:
        path = audio_copy(ext, name=f"truncated.{ext}")
        path.write_bytes(path.read_bytes()[:size])
        return path
    return make


def random_bytes(audio_copy, tmp_path) -> Path:
    path = tmp_path / "noise.mp3"
    path.write_bytes(random.Random(20201218).randbytes(20_000))
    return path


def empty(audio_copy, tmp_path) -> Path:
    path = tmp_path / "empty.flac"
    path.write_bytes(b"")
    return path


def text(audio_copy, tmp_path) -> Path:
    path = tmp_path / "outline.ogg"
    path.write_text("0'20 Mot d'accueil\n7'00 Introduction\n", encoding="utf-8")
    return path


def folder(audio_copy, tmp_path) -> Path:
    path = tmp_path / "replay.mp3"
    path.mkdir()
    return path


def missing(audio_copy, tmp_path) -> Path:
    return tmp_path / "absent.opus"


def fifo(audio_copy, tmp_path) -> Path:
    path = tmp_path / "pipe.wav"
    os.mkfifo(path)  # opening it to sniff would block forever
    return path


BAD_FILES = {
    "empty": (empty, "the file is empty"),
    "random": (random_bytes, "not an audio file"),
    "text": (text, "not an audio file"),
    "folder": (folder, "is a folder"),
    "missing": (missing, "no such file"),
    "fifo": (fifo, "is a named pipe"),
    "ogg-20": (truncated("ogg", 20), "not an audio file"),
    "ogg-100": (truncated("ogg", 100), "not a readable Ogg Vorbis file: its headers look damaged"),
    "opus-100": (truncated("opus", 100), "not a readable Ogg Opus file: its headers look damaged"),
    "flac-30": (truncated("flac", 30), "not a readable FLAC file: its headers look damaged"),
    "wav-30": (truncated("wav", 30), "the WAV chunk 'fmt ' runs past the end of the file"),
    "mp3-20": (truncated("mp3", 20), "cannot process the file: it looks damaged or cut short"),
}


@pytest.mark.parametrize("kind", BAD_FILES)
def test_bad_files_fail_clearly_and_are_left_alone(audio_copy, tmp_path, kind):
    make, message = BAD_FILES[kind]
    path = make(audio_copy, tmp_path)
    before = file_md5(path) if path.is_file() else None
    for action in (lambda: containers.read_chapters(path),
                   lambda: containers.write_chapters(path, episode()),
                   lambda: containers.strip_chapters(path)):
        with pytest.raises(AudioFileError, match=message) as caught:
            action()
        assert caught.value.path == str(path)
    assert (file_md5(path) if path.is_file() else None) == before
    assert leftovers(tmp_path) == []

    result = CliRunner().invoke(main, ["strip", str(path)])
    assert result.exit_code == 1, result.output
    assert f"{path}: error: {message}" in result.stderr
    assert "Traceback" not in result.output
    assert (file_md5(path) if path.is_file() else None) == before


def test_damaged_file_in_the_middle_of_a_batch_does_not_stop_the_others(audio_copy, tmp_path):
    good = audio_copy("flac", name="good.flac")
    containers.write_chapters(good, episode())
    bad = tmp_path / "bad.ogg"
    bad.write_bytes(b"OggS" + bytes(60))
    result = CliRunner().invoke(main, ["strip", str(bad), str(good)])
    assert result.exit_code == 1
    assert f"{good}: removed 4 chapters" in result.stdout
    assert f"{bad}: error:" in result.stderr and "1 of 2 files failed" in result.stderr
    assert ffmpeg_chapters(good) == []


def test_show_on_damaged_audio_reports_the_audio_error(tmp_path):
    from click.testing import CliRunner

    from podcast_tool.cli import main

    broken = tmp_path / "broken.flac"
    broken.write_bytes(b"\x00\x01garbage" * 50)
    result = CliRunner().invoke(main, ["show", str(broken)])
    assert result.exit_code == 1
    assert f"{broken}: error: not an audio file podcast-tool can chapter" in result.output


def test_what_containers_declare_drives_messages_and_batch() -> None:
    assert containers.supported_types() == "MP3, M4A/M4B, Ogg Vorbis, Opus, FLAC, WAV"
    # A folder batch picks up episodes, not WAV masters or MP4 videos.
    assert set(containers.episode_extensions()) == {".mp3", ".m4a", ".m4b", ".ogg", ".opus", ".flac"}
    for container in containers.all_containers():
        capabilities = container.capabilities
        assert set(capabilities.episode_extensions) <= set(capabilities.extensions)
        assert capabilities.keeps <= set(containers.FEATURES)


def test_a_note_names_what_the_container_loses() -> None:
    from podcast_tool.containers.vorbis import OGG_VORBIS

    chapters = [Chapter(0, "A", end_ms=500, url="https://example.org/"), Chapter(1000, "B")]
    assert OGG_VORBIS.capabilities.lost(chapters) == ["end", "gap"]
    (note,) = containers.not_kept_note(chapters, Path("x.ogg"), OGG_VORBIS.capabilities,
                                       code="vorbis-not-kept", holds="they hold start and title")
    assert note.message == ("they hold start and title only; not written: end times (a chapter "
                            "now runs to the next one)")


@pytest.mark.parametrize("ext", ["mp3", "m4a", "flac"])
@pytest.mark.parametrize("command", ["tag", "batch"])
def test_a_command_detects_and_parses_each_audio_file_once(audio_copy, tmp_path, monkeypatch,
                                                           ext, command):
    audio = audio_copy(ext)
    outline = tmp_path / "episode.md"
    outline.write_text("0'00 Accueil\n0'05 Débat\n", encoding="utf-8")
    detected: list[Path] = []
    parsed: list[Path] = []
    detect = registry.detect

    def counting_detect(path):
        detected.append(Path(path))
        return detect(path)

    monkeypatch.setattr(registry, "detect", counting_detect)
    original_open = ContainerKind.open

    def counting_open(self, path):
        parsed.append(path)
        return original_open(self, path)

    monkeypatch.setattr(ContainerKind, "open", counting_open)
    # The preflight summary after a write reads the new file (another file): not counted here.
    import podcast_tool.preflight

    monkeypatch.setattr(podcast_tool.preflight, "summary_after_tagging", lambda *args: "")
    if command == "tag":
        result = CliRunner().invoke(main, ["tag", str(audio), str(outline)])
    else:
        (tmp_path / "audio").mkdir()
        (tmp_path / "chapters").mkdir()
        audio = audio.rename(tmp_path / "audio" / audio.name)
        outline.rename(tmp_path / "chapters" / outline.name)
        result = CliRunner().invoke(main, ["batch", str(tmp_path), "--jobs", "1"])
    assert result.exit_code == 0, result.output
    assert [c.title for c in containers.read_chapters(audio).chapters][-2:] == ["Accueil", "Débat"]
    assert detected.count(audio) == 1 + 1  # the command's, and the check just above
    assert parsed.count(audio) == 1 + 1


def test_every_container_is_registered_and_in_the_test_table() -> None:
    """A container declared but missing from the registry, or a row without its container, fails."""
    import importlib
    import pkgutil

    registered = registry.CONTAINERS
    assert {c.name for c in registered} == {row.container for row in FACTS}
    for module in pkgutil.walk_packages(containers.__path__, "podcast_tool.containers."):
        declared = importlib.import_module(module.name)
        for value in vars(declared).values():
            if isinstance(value, ContainerKind):
                assert any(value is known for known in registered), (
                    f"{module.name} declares the {value.name} container, but the registry "
                    "(containers.registry.CONTAINERS) does not list it")
    by_name = {c.name: c for c in registered}
    for row in FACTS:
        assert f".{row.ext}" in by_name[row.container].capabilities.extensions


def test_detection_imports_no_container_parser(audio_copy) -> None:
    """Sniffing a file imports only the light declarations: the parser of the container that
    matched comes with ``open``, and no other container's ever does."""
    import json
    import subprocess
    import sys

    paths = [str(audio_copy(row.ext)) for row in FACTS]
    script = (
        "import json, sys\n"
        "from podcast_tool import containers\n"
        "def loaded():\n"
        "    return sorted(m for m in sys.modules if m.startswith(('podcast_tool.containers.', "
        "'mutagen')))\n"
        f"for path in {paths!r}:\n"
        "    containers.detect(path)\n"
        "after_detect = loaded()\n"
        f"containers.open_audio({paths[0]!r}).duration_ms()\n"
        "print(json.dumps([after_detect, loaded()]))\n")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            check=True)
    after_detect, after_open = json.loads(result.stdout)
    declarations = {kind.sniff.__module__ for kind in registry.CONTAINERS}
    core = {f"podcast_tool.containers.{name}" for name in (
        "audiofile", "boundary", "declaration", "recovery", "registry", "results",
        "id3.sizes")}  # the size of a leading ID3 tag, to sniff what is behind it
    assert set(after_detect) <= declarations | core
    assert FACTS[0].container == "mp3"
    opened = set(after_open) - set(after_detect)
    assert "podcast_tool.containers.id3.mp3" in opened
    assert all(name.startswith(("podcast_tool.containers.id3.", "mutagen")) for name in opened)

"""Per-chapter images and links: read from local files, checked, and embedded in an MP3's CHAP frames."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from podcast_tool.errors import ChapterFormatError
from podcast_tool.images import MAX_IMAGE_BYTES, load_chapter_images
from podcast_tool.model import Chapter, Episode, Severity
from tests.conftest import run_ffmpeg


@pytest.fixture(scope="module")
def pictures(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A real JPEG and PNG made by the bundled ffmpeg, and a GIF it would not embed."""
    folder = tmp_path_factory.mktemp("pictures")
    made = {}
    for name in ("intro.jpg", "table.png", "anim.gif"):
        run_ffmpeg("-f", "lavfi", "-i", "color=c=orange:s=32x32", "-frames:v", "1", folder / name)
        made[name] = folder / name
    return made


def outline_with(images: list[str | None], folder: Path) -> Episode:
    chapters = [Chapter(index * 4_000, f"Chapitre {index}", image=image, line=10 + index)
                for index, image in enumerate(images)]
    return Episode(chapters=chapters, source=folder / "plan.md")


def test_local_jpeg_and_png_are_read_and_web_images_stay_references(pictures: dict[str, Path]) -> None:
    folder = pictures["intro.jpg"].parent
    episode = outline_with(["intro.jpg", str(pictures["table.png"]), "https://x.org/c.jpg", None], folder)
    diagnostics = load_chapter_images(episode, folder)
    first, second, third, fourth = episode.chapters
    assert (first.image_data, first.image_mime) == (pictures["intro.jpg"].read_bytes(), "image/jpeg")
    assert (second.image_data, second.image_mime) == (pictures["table.png"].read_bytes(), "image/png")
    assert third.image_data is None and fourth.image_data is None
    assert [(d.severity, d.code, d.line) for d in diagnostics] == [(Severity.INFO, "image-not-embedded", 12)]


def test_relative_paths_start_from_the_chapter_files_folder(pictures: dict[str, Path],
                                                            tmp_path: Path) -> None:
    (tmp_path / "images").mkdir()
    (tmp_path / "images" / "intro.jpg").write_bytes(pictures["intro.jpg"].read_bytes())
    episode = outline_with(["images/intro.jpg"], tmp_path)
    load_chapter_images(episode, tmp_path)
    assert episode.chapters[0].image_mime == "image/jpeg"


@pytest.mark.parametrize(("image", "message"), [
    ("missing.jpg", "is not found"),
    ("anim.gif", "is not a JPEG or PNG"),
    ("huge.jpg", "is too large"),
    (".", "is a folder"),
])
def test_bad_images_are_clear_errors_naming_the_outline_line(pictures: dict[str, Path], tmp_path: Path,
                                                             image: str, message: str) -> None:
    folder = pictures["intro.jpg"].parent
    (folder / "huge.jpg").write_bytes(b"\xff\xd8\xff" + bytes(MAX_IMAGE_BYTES))
    episode = outline_with([None, image], folder)
    with pytest.raises(ChapterFormatError, match=message) as caught:
        load_chapter_images(episode, folder)
    assert (caught.value.path, caught.value.line) == (str(folder / "plan.md"), 11)
    assert "Chapitre 1" in caught.value.message


def test_tagging_an_mp3_embeds_chapter_images_and_links(audio_copy: Callable[..., Path],
                                                        pictures: dict[str, Path], tmp_path: Path) -> None:
    from mutagen.id3 import ID3

    from podcast_tool import pipeline

    audio = audio_copy("mp3")
    (tmp_path / "images").mkdir()
    (tmp_path / "images" / "table.png").write_bytes(pictures["table.png"].read_bytes())
    sidecar = tmp_path / "chapitres.json"
    sidecar.write_text(json.dumps({"version": "1.2.0", "chapters": [
        {"startTime": 0, "title": "Accueil", "img": "images/table.png", "url": "https://fas.fr/accueil"},
        {"startTime": 5, "title": "Débat", "img": "https://fas.fr/debat.jpg"},
    ]}), encoding="utf-8")

    result = pipeline.write(pipeline.prepare(audio, sidecar))

    assert result.written
    chapters = sorted(ID3(audio).getall("CHAP"), key=lambda frame: frame.start_time)
    first, second = (frame.sub_frames for frame in chapters)
    (picture,) = first.getall("APIC")
    assert (picture.mime, picture.data) == ("image/png", pictures["table.png"].read_bytes())
    assert [frame.url for frame in first.getall("WXXX")] == ["https://fas.fr/accueil"]
    assert second.getall("APIC") == []  # a web image is a reference, never downloaded
    assert any(d.code == "image-not-embedded" for d in result.diagnostics)

"""The replay page as files: what it holds, what it refuses, and the command's exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from podcast_tool.cli import main
from podcast_tool.errors import UsageError
from podcast_tool.formats import ExportOptions, get_format
from podcast_tool.publish.page import PageOptions, build_page
from tests.conftest import SEED_OUTLINE
from tests.publish.helpers import OUTLINE_EN, OUTLINE_FR, make_recording


@pytest.fixture(scope="module")
def recording(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_recording(tmp_path_factory.mktemp("page") / "webinaire.mp3", seconds=3840)


@pytest.fixture
def outline(tmp_path: Path) -> Path:
    path = tmp_path / "webinaire.md"
    path.write_text(OUTLINE_FR, encoding="utf-8")
    return path


def test_page_folder_holds_page_sidecars_and_audio(recording: Path, outline: Path, tmp_path: Path) -> None:
    folder = tmp_path / "site"
    result = build_page(recording, outline, folder)
    names = sorted(p.name for p in folder.iterdir())
    assert names == ["chapters.json", "chapters.vtt", "index.html", "page.css", "page.js", "webinaire.mp3"]
    assert (folder / "webinaire.mp3").read_bytes() == recording.read_bytes()
    # The sidecars are the registry's own WebVTT and JSON, for the same chapters and duration.
    options = ExportOptions(audio_name="webinaire.mp3")
    assert (folder / "chapters.vtt").read_text() == get_format("vtt").dump(result.episode, options)[0]
    document = json.loads((folder / "chapters.json").read_text())
    assert [c["startTime"] for c in document["chapters"]] == [0, 2, 4, 3817]
    html = (folder / "index.html").read_text()
    assert '<html lang="fr">' in html
    assert '<audio id="player" controls preload="metadata" src="webinaire.mp3">' in html
    assert '<track kind="chapters" src="chapters.vtt"' in html
    assert 'id="chapitre-4"' in html and 'href="webinaire.mp3#t=3817"' in html
    assert "1&#39;03&#39;&#39;37" in html  # the outline's own notation
    assert "Enregistré le 18 décembre 2020" in html
    # The introduction is the text before the first chapter, without the title line.
    assert result.episode.introduction.startswith("Une introduction avec un [lien]")
    assert '<p>Une introduction avec un <a href="https://example.org/">' in html


def test_untrusted_text_is_escaped_and_unsafe_links_dropped(recording: Path, outline: Path,
                                                            tmp_path: Path) -> None:
    build_page(recording, outline, tmp_path / "site")
    html = (tmp_path / "site" / "index.html").read_text()
    assert "<b>Travail" not in html and "&lt;b&gt;Travail pair&lt;/b&gt; &amp; co" in html
    assert "<img src=x" not in html and "<script>alert" not in html
    assert "javascript:" not in html.replace("](javascript:alert(1))", "")  # shown as text
    assert "href=\"javascript" not in html
    assert 'href="https://example.org/tr"' in html


def test_rebuild_writes_nothing_and_audio_url_references(recording: Path, outline: Path,
                                                         tmp_path: Path) -> None:
    folder = tmp_path / "site"
    build_page(recording, outline, folder)
    again = build_page(recording, outline, folder)
    assert again.written == []
    remote = build_page(recording, outline, tmp_path / "remote",
                        PageOptions(audio_url="https://media.example.org/a b.mp3"))
    assert not (tmp_path / "remote" / "webinaire.mp3").exists()
    assert 'src="https://media.example.org/a b.mp3"' in (tmp_path / "remote" / "index.html").read_text()
    assert remote.audio_href.startswith("https://")


def test_english_episode_gets_english_page_unless_asked(recording: Path, tmp_path: Path) -> None:
    outline = tmp_path / "round-table.md"
    outline.write_text(OUTLINE_EN, encoding="utf-8")
    build_page(recording, outline, tmp_path / "en")
    html = (tmp_path / "en" / "index.html").read_text()
    assert '<html lang="en">' in html and 'id="chapter-2"' in html and "Recorded on 18 December 2020" in html
    build_page(recording, outline, tmp_path / "fr", PageOptions(language="fr"))
    assert 'id="chapitre-2"' in (tmp_path / "fr" / "index.html").read_text()


def test_embed_snippet_needs_the_page_address(recording: Path, outline: Path, tmp_path: Path) -> None:
    with pytest.raises(UsageError):
        build_page(recording, outline, tmp_path / "a", PageOptions(embed=True))
    build_page(recording, outline, tmp_path / "b",
               PageOptions(embed=True, page_url="https://asso.example.org/replay/"))
    snippet = (tmp_path / "b" / "embed.html").read_text()
    assert '<iframe src="https://asso.example.org/replay/"' in snippet and "&lt;b&gt;" in snippet


def test_page_command_on_the_seed(tmp_path: Path) -> None:
    audio = make_recording(tmp_path / "travail-pair.mp3", seconds=9320)
    result = CliRunner().invoke(main, ["page", str(audio), str(SEED_OUTLINE), "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    html = (tmp_path / "out" / "index.html").read_text()
    assert html.count('class="chapter"') == 9 and "2&#39;28&#39;&#39;25" in html


def test_page_command_errors(recording: Path, outline: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    missing = runner.invoke(main, ["page", str(tmp_path / "nope.mp3"), str(outline), "-o", str(tmp_path)])
    assert missing.exit_code == 1 and "nope.mp3" in missing.output
    usage = runner.invoke(main, ["page", str(recording), str(outline), "-o", str(tmp_path / "x"),
                                 "--audio-url", "javascript:alert(1)"])
    assert usage.exit_code == 2
    broken = tmp_path / "broken.md"
    broken.write_text("0:10 A\n0:05 B\n", encoding="utf-8")
    invalid = runner.invoke(main, ["page", str(recording), str(broken), "-o", str(tmp_path / "y")])
    assert invalid.exit_code == 1 and not (tmp_path / "y").exists()

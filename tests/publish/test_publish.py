"""publish: tag (as batch), then pages, index and feed in one static site; incremental."""

from __future__ import annotations

import shutil
from pathlib import Path

import feedparser
import pytest
from click.testing import CliRunner
from mutagen.id3 import ID3
from playwright.sync_api import Page

from podcast_tool.cli import main
from tests.conftest import run_ffmpeg
from tests.publish.helpers import make_recording
from tests.publish.test_feed import BASE, CHANNEL, OUTLINES

AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"


@pytest.fixture
def root(tmp_path: Path) -> Path:
    folder = tmp_path / "root"
    (folder / "audio").mkdir(parents=True)
    (folder / "chapters").mkdir()
    # A local artwork: the site gets a copy (a web address would be fetched by the browser).
    (folder / "podcast.toml").write_text(CHANNEL.replace("https://asso.example.org/cover.jpg",
                                                         "cover.png"), encoding="utf-8")
    run_ffmpeg("-f", "lavfi", "-i", "color=c=navy:s=64x64", "-frames:v", "1", folder / "cover.png")
    piece = make_recording(tmp_path / "piece.mp3", seconds=10)
    for name, outline in OUTLINES.items():
        shutil.copyfile(piece, folder / "audio" / f"{name}.mp3")
        (folder / "chapters" / f"{name}.md").write_text(outline, encoding="utf-8")
    return folder


def test_publish_tags_then_writes_the_whole_site_and_redoes_only_changes(root: Path, tmp_path: Path,
                                                                        page: Page) -> None:
    site = tmp_path / "site"
    runner = CliRunner()
    first = runner.invoke(main, ["publish", str(root), "-o", str(site), "--base-url", BASE])
    assert first.exit_code == 0, first.output
    assert "2 recording(s) tagged" in first.output
    # Tagged in ROOT as batch tags, and the site's copy is the tagged file.
    titles = [str(frame.sub_frames["TIT2"]) for frame in
              sorted(ID3(root / "audio" / "webinaire-2020-12-18.mp3").getall("CHAP"),
                     key=lambda f: f.start_time)]
    assert titles == ["Mot d'accueil", "Table ronde"]
    episode = site / "webinaire-2020-12-18"
    assert (episode / "webinaire-2020-12-18.mp3").read_bytes() == \
        (root / "audio" / "webinaire-2020-12-18.mp3").read_bytes()
    for name in ("index.html", "chapters.vtt", "chapters.json", "page.js", "page.css"):
        assert (episode / name).is_file()
    assert (site / "cover.png").read_bytes() == (root / "cover.png").read_bytes()
    assert (episode / "cover.png").is_file()
    parsed = feedparser.parse((site / "feed.xml").read_bytes())
    assert parsed.feed.image.href == BASE + "cover.png"
    entries = parsed.entries
    assert [e.link for e in entries] == [BASE + "atelier-2021-06-10/", BASE + "webinaire-2020-12-18/"]
    assert 'href="../feed.xml"' not in (episode / "index.html").read_text()
    assert f'href="{BASE}feed.xml"' in (episode / "index.html").read_text()

    again = runner.invoke(main, ["publish", str(root), "-o", str(site), "--base-url", BASE])
    assert again.exit_code == 0 and "0 recording(s) tagged, 0 file(s) written" in again.output

    # The index: newest first, each with its programme, linking into the pages; accessible.
    page.goto((site / "index.html").as_uri())
    assert page.locator(".episode-list > li h3").all_inner_texts() == ["Atelier « recrutement »",
                                                                      "Webinaire <b>pair</b>"]
    page.click("text=Table ronde")
    page.wait_for_function("document.getElementById('player') && "
                           "document.getElementById('player').currentTime >= 4")
    page.goto((site / "index.html").as_uri())
    page.add_script_tag(path=str(AXE))
    results = page.evaluate("axe.run(document, {resultTypes: ['violations'], preload: false})")
    assert [v["id"] for v in results["violations"] if v["impact"] in ("serious", "critical")] == []


def test_publish_leaves_out_a_broken_recording_and_says_so(root: Path, tmp_path: Path) -> None:
    (root / "chapters" / "atelier-2021-06-10.md").write_text("0:05 B\n0:01 A\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["publish", str(root), "-o", str(tmp_path / "site"),
                                       "--base-url", BASE])
    assert result.exit_code == 1 and "atelier-2021-06-10" in result.output
    assert (tmp_path / "site" / "webinaire-2020-12-18" / "index.html").is_file()
    assert not (tmp_path / "site" / "atelier-2021-06-10").exists()
    missing = CliRunner().invoke(main, ["publish", str(tmp_path), "-o", str(tmp_path / "s2"),
                                        "--base-url", BASE])
    assert missing.exit_code == 2

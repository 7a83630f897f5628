"""The podcast feed, read back by two independent parsers: feedparser and gPodder's podcastparser."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import feedparser
import podcastparser
import pytest
from click.testing import CliRunner

from podcast_tool.cli import main
from podcast_tool.publish.site import write_feed
from tests.publish.helpers import make_recording

BASE = "https://asso.example.org/replays/"
OUTLINES = {
    "atelier-2021-06-10": "Atelier « recrutement » du 10 juin 2021 :\n\n0:00 Accueil\n\n0:03 Témoignages "
                          "[site](https://example.org/t)\n\n0:06 Questions du public\n",
    "webinaire-2020-12-18": "# Webinaire <b>pair</b> du 18 décembre 2020\n\nIntroduction **en gras**.\n\n"
                            "0'00 Mot d'accueil\n\n0'04 à 0'07 Table ronde\n",
}
CHANNEL = '''title = "Replays de la FAS"\ndescription = "Les webinaires."\nlanguage = "fr"
author = "FAS Bretagne"\nowner_email = "com@example.org"\nartwork = "https://asso.example.org/cover.jpg"
category = "Society & Culture"\nexplicit = false\n'''


@pytest.fixture(scope="module")
def piece(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_recording(tmp_path_factory.mktemp("feed") / "piece.mp3", seconds=10)


def add_recording(root: Path, piece: Path, name: str, outline: str) -> None:
    (root / "audio").mkdir(exist_ok=True)
    (root / "chapters").mkdir(exist_ok=True)
    shutil.copyfile(piece, root / "audio" / f"{name}.mp3")
    (root / "chapters" / f"{name}.md").write_text(outline, encoding="utf-8")


@pytest.fixture
def root(tmp_path: Path, piece: Path) -> Path:
    folder = tmp_path / "root"
    folder.mkdir()
    (folder / "podcast.toml").write_text(CHANNEL, encoding="utf-8")
    for name, outline in OUTLINES.items():
        add_recording(folder, piece, name, outline)
    return folder


def test_both_parsers_read_enclosures_durations_and_chapters(root: Path, tmp_path: Path) -> None:
    output = tmp_path / "site" / "feed.xml"
    output.parent.mkdir()
    write_feed(root, BASE, output)
    data = output.read_bytes()
    assert b'xmlns:psc="http://podlove.org/simple-chapters"' in data
    parsed = feedparser.parse(data)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.feed.title == "Replays de la FAS" and parsed.feed.language == "fr"
    newest, oldest = parsed.entries
    assert newest.title == "Atelier « recrutement »" and oldest.title == "Webinaire <b>pair</b>"
    size = (root / "audio" / "atelier-2021-06-10.mp3").stat().st_size
    assert newest.enclosures == [{"href": BASE + "atelier-2021-06-10/atelier-2021-06-10.mp3",
                                  "length": str(size), "type": "audio/mpeg"}]
    assert newest.itunes_duration == "00:00:10"
    assert newest.link == BASE + "atelier-2021-06-10/"
    assert newest.podcast_chapters == {"url": BASE + "atelier-2021-06-10/chapters.json",
                                       "type": "application/json+chapters"}
    assert [c["start"] for c in newest.psc_chapters["chapters"]] == ["00:00:00.000", "00:00:03.000",
                                                                    "00:00:06.000"]
    assert newest.psc_chapters["chapters"][1]["href"] == "https://example.org/t"
    assert "<strong>en gras</strong>" in oldest.content[0].value
    assert "00:04 Table ronde" in oldest.summary

    gpodder = podcastparser.parse(BASE + "feed.xml", output.open("rb"))
    first, second = gpodder["episodes"]
    assert first["title"] == "Atelier « recrutement »"
    assert first["total_time"] == 10
    assert first["enclosures"] == [{"url": BASE + "atelier-2021-06-10/atelier-2021-06-10.mp3",
                                    "file_size": size, "mime_type": "audio/mpeg"}]
    assert [(c["start"], c["title"]) for c in second["chapters"]] == [(0, "Mot d'accueil"),
                                                                      (4, "Table ronde")]
    assert first["published"] > second["published"]
    # The JSON chapters the feed links to are there, beside it, as the JSON writer wrote them.
    document = json.loads((output.parent / "webinaire-2020-12-18" / "chapters.json").read_text())
    assert [c["startTime"] for c in document["chapters"]] == [0, 4]


def test_rebuild_is_byte_identical_and_a_new_recording_adds_one_item(root: Path, piece: Path,
                                                                      tmp_path: Path) -> None:
    output = tmp_path / "feed.xml"
    first = write_feed(root, BASE, output)
    before = output.read_bytes()
    assert first.written
    again = write_feed(root, BASE, output)
    assert not again.written and output.read_bytes() == before
    guids = {e.link: e.id for e in feedparser.parse(before).entries}
    add_recording(root, piece, "sans-date", "0:00 Début\n\n0:05 Suite\n")
    write_feed(root, BASE, output, today=dt.date(2030, 1, 2))
    entries = feedparser.parse(output.read_bytes()).entries
    assert len(entries) == 3 and entries[0].link == BASE + "sans-date/"
    assert {e.link: e.id for e in entries[1:]} == guids
    assert entries[0].published == "Wed, 02 Jan 2030 12:00:00 GMT"
    # An undated episode keeps its first date; the site moving keeps every guid.
    write_feed(root, "https://new.example.org/", output, today=dt.date(2031, 5, 5))
    moved = feedparser.parse(output.read_bytes()).entries
    assert [e.id for e in moved] == [e.id for e in entries]
    assert moved[0].published == "Wed, 02 Jan 2030 12:00:00 GMT"


def test_feed_command(root: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    assert runner.invoke(main, ["feed", "--init", str(fresh)]).exit_code == 0
    assert 'language = "fr"' in (fresh / "podcast.toml").read_text()
    assert runner.invoke(main, ["feed", "--init", str(fresh)]).exit_code == 2
    assert runner.invoke(main, ["feed", str(root)]).exit_code == 2  # no --base-url
    assert runner.invoke(main, ["feed", str(root), "--base-url", "javascript:x"]).exit_code == 2
    no_channel = runner.invoke(main, ["feed", str(tmp_path), "--base-url", BASE])
    assert no_channel.exit_code == 2
    (root / "chapters" / "atelier-2021-06-10.md").write_text("0:05 B\n0:01 A\n", encoding="utf-8")
    result = runner.invoke(main, ["feed", str(root), "--base-url", BASE, "-o", str(tmp_path / "f.xml")])
    assert result.exit_code == 1 and "atelier-2021-06-10" in result.output
    assert len(feedparser.parse((tmp_path / "f.xml").read_bytes()).entries) == 1
    (root / "podcast.toml").write_text('title = "T"\ndescription = "D"\nlanguage = "fr"\ncolor = "x"\n')
    unknown = runner.invoke(main, ["feed", str(root), "--base-url", BASE])
    assert unknown.exit_code == 2 and "color" in unknown.output

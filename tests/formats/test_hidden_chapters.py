"""Hidden chapters (Podcasting 2.0 ``toc: false``): outline syntax, JSON, and everything else."""

from __future__ import annotations

import json

from click.testing import CliRunner

from podcast_tool.cli import main
from podcast_tool.formats import ExportOptions, get_format
from podcast_tool.outline.parser import parse_outline

OUTLINE = """# Webinaire

0'00 **Accueil**
0'20 **Annonce du partenaire** {masqué}
0'40 Suite {toc: false}
1'00 [Débat](https://fas.fr/debat) {Hidden}
1'20 à 1'40 Des accolades {comme ceci} restent dans le titre
"""


def test_outline_marks_and_json_carries_them():
    episode, diagnostics = parse_outline(OUTLINE)
    assert diagnostics == []
    assert [(c.title, c.toc) for c in episode.chapters] == [
        ("Accueil", True), ("Annonce du partenaire", False), ("Suite", False), ("Débat", False),
        ("Des accolades {comme ceci} restent dans le titre", True)]
    assert episode.chapters[3].url == "https://fas.fr/debat"
    document = json.loads(get_format("json").dump(episode, ExportOptions())[0])
    assert [c.get("toc", True) for c in document["chapters"]] == [True, False, False, False, True]


def test_markdown_and_outline_write_them_back():
    episode, _ = parse_outline(OUTLINE)
    for name in ("markdown", "outline"):
        text, diagnostics = get_format(name).dump(episode, ExportOptions())
        assert diagnostics == []
        assert text.count("{hidden}") == 3
        again, _ = parse_outline(text)
        assert [c.toc for c in again.chapters] == [c.toc for c in episode.chapters]


def test_other_formats_show_them_and_say_so(tmp_path):
    outline = tmp_path / "webinaire.md"
    outline.write_text(OUTLINE, encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(main, ["export", str(outline), "--format", "vtt"])
    assert result.exit_code == 0
    assert "3 hidden chapters (toc: false) written as normal chapters" in result.stderr
    assert result.stdout.count("-->") == 5
    result = runner.invoke(main, ["export", str(outline), "--format", "json"])
    assert "hidden chapter" not in result.stderr
    listing = runner.invoke(main, ["formats"])
    assert "shown" in listing.output and "{hidden}" in listing.output

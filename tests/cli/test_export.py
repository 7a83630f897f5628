"""``podcast-tool export`` and ``podcast-tool formats`` through click, with exact exit codes."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from podcast_tool.cli import main
from podcast_tool.containers import write_chapters
from tests.formats.test_seed import GOLDEN, seed_episode


def run(*args: str | Path) -> Result:
    runner = CliRunner(env={"COLUMNS": "200", "NO_COLOR": "1"})
    return runner.invoke(main, [str(arg) for arg in args])


def assert_clean_failure(result: Result, exit_code: int) -> None:
    assert result.exit_code == exit_code, result.output
    assert isinstance(result.exception, SystemExit)  # handled: no traceback
    assert "Traceback" not in result.output


@pytest.mark.parametrize(("target", "golden"), [
    ("psc", "seed-psc.psc"), ("vtt", "seed-vtt.vtt"), ("ffmetadata", "seed-ffmetadata.ffmetadata"),
    ("audacity", "seed-audacity.txt"), ("mp4chaps", "seed-mp4chaps.txt"),
    ("chapters-txt", "seed-chapters-txt.txt"), ("youtube", "seed-youtube.txt"),
])
def test_export_converts_a_sidecar_to_every_format(target: str, golden: str) -> None:
    result = run("export", GOLDEN / "seed-json.json", "--format", target)
    assert result.exit_code == 0, result.output
    assert result.stdout == (GOLDEN / golden).read_text(encoding="utf-8")


@pytest.mark.parametrize("source", ["seed-psc.psc", "seed-vtt.vtt", "seed-cue.cue",
                                    "seed-ffmetadata.ffmetadata", "seed-audacity.txt", "seed-mp4chaps.txt",
                                    "seed-chapters-txt.txt"])
def test_export_detects_every_sidecar_by_content(source: str, tmp_path: Path) -> None:
    renamed = tmp_path / "chapitres.data"  # an extension that says nothing
    renamed.write_bytes((GOLDEN / source).read_bytes())
    result = run("export", renamed, "--format", "json")
    assert result.exit_code == 0, result.output
    titles = [chapter.get("title") for chapter in json.loads(result.stdout)["chapters"]]
    assert titles == [chapter.title for chapter in seed_episode().chapters]


def test_export_reads_youtube_descriptions_with_from(tmp_path: Path) -> None:
    result = run("export", GOLDEN / "seed-youtube.txt", "--from", "youtube", "-f", "chapters-txt")
    assert result.exit_code == 0, result.output
    assert result.stdout == (GOLDEN / "seed-chapters-txt.txt").read_text(encoding="utf-8")


def test_export_writes_the_file_named_by_output_in_its_format(tmp_path: Path) -> None:
    out = tmp_path / "chapitres.vtt"
    result = run("export", GOLDEN / "seed-json.json", "-o", out)
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8") == (GOLDEN / "seed-vtt.vtt").read_text(encoding="utf-8")


def test_export_replaces_its_output_whole_and_says_when_it_cannot(tmp_path: Path) -> None:
    out = tmp_path / "chapitres.json"
    out.write_text("old", encoding="utf-8")
    link = tmp_path / "lien.json"
    link.symlink_to(out)
    assert run("export", GOLDEN / "seed-json.json", "-o", link).exit_code == 0
    assert link.is_symlink()  # written through, like audio files
    assert out.read_text(encoding="utf-8") == (GOLDEN / "seed-json.json").read_text(encoding="utf-8")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["chapitres.json", "lien.json"]  # no temp left
    missing = tmp_path / "absent" / "x.json"
    result = run("export", GOLDEN / "seed-json.json", "-o", missing)
    assert result.exit_code == 1
    assert result.stderr == f"{missing}: error: cannot write (No such file or directory)\n"


def test_an_output_extension_shared_by_formats_needs_format(tmp_path: Path) -> None:
    result = run("export", GOLDEN / "seed-json.json", "-o", tmp_path / "chapitres.txt")
    assert_clean_failure(result, 2)
    assert "choose one with --format" in result.stderr
    assert not (tmp_path / "chapitres.txt").exists()


def test_export_podlove_snippet() -> None:
    result = run("export", GOLDEN / "seed-json.json", "-f", "psc", "--snippet")
    assert result.exit_code == 0, result.output
    assert result.stdout == (GOLDEN / "seed-psc-snippet.xml").read_text(encoding="utf-8")


def test_export_youtube_warns_and_adds_the_zero_chapter_on_request() -> None:
    plain = run("export", GOLDEN / "seed-json.json", "-f", "youtube")
    assert plain.exit_code == 0
    assert "warning:" in plain.stderr and "00:00" in plain.stderr
    added = run("export", GOLDEN / "seed-json.json", "-f", "youtube", "--add-zero-chapter",
                "--zero-title", "Générique")
    assert added.exit_code == 0
    assert added.stdout.startswith("00:00 Générique\n00:20 Mot d'accueil")
    assert "first" not in added.stderr


def test_export_from_tagged_audio_names_the_file_and_keeps_its_ends(audio_copy: Callable[..., Path]) -> None:
    audio = audio_copy("mp3", name="replay.mp3")
    episode = seed_episode()
    episode.chapters = [chapter.with_times(chapter.start_ms // 1000, None) for chapter in episode.chapters]
    write_chapters(audio, episode)
    cue = run("export", audio, "-f", "cue")
    assert cue.exit_code == 0, cue.output
    assert 'FILE "replay.mp3" MP3' in cue.stdout and cue.stdout.count("TRACK ") == 9
    as_json = json.loads(run("export", audio, "-f", "json").stdout)
    # The file stores every chapter's end: the last one ends with the audio.
    assert [c["endTime"] for c in as_json["chapters"]][-1] == pytest.approx(12, abs=0.1)


def test_export_vtt_needs_the_audio_for_an_open_last_chapter(tmp_path: Path,
                                                            audio_copy: Callable[..., Path]) -> None:
    source = tmp_path / "labels.txt"
    source.write_text("0.000000\t0.000000\tAccueil\n5.000000\t5.000000\tDébat\n", encoding="utf-8")
    failed = run("export", source, "-f", "vtt")
    assert_clean_failure(failed, 1)
    assert "needs an end" in failed.stderr and "--audio" in failed.stderr
    done = run("export", source, "-f", "vtt", "--audio", audio_copy("mp3"))
    assert done.exit_code == 0, done.output
    assert "00:00:05.000 --> 00:00:12.0" in done.stdout


@pytest.mark.parametrize(("name", "content", "location"), [
    ("bad.json", '{"chapters": [\n  {"startTime": 1,}\n]}', "bad.json:2:19"),
    ("bad.psc", '<psc:chapters xmlns:psc="http://podlove.org/simple-chapters">\n  <psc:chapter start="1"/>\n',
     "bad.psc:3:1"),
    ("bad.cue", 'FILE "a.mp3" MP3\n  TRACK 01 AUDIO\n    INDEX 01 1:2\n', "bad.cue:3"),
    ("labels.txt", "1.0\t2.0\tA\nabc\t3.0\tB\n", "labels.txt:2:1"),
])
def test_malformed_input_gives_its_line_and_exit_1(tmp_path: Path, name: str, content: str,
                                                   location: str) -> None:
    source = tmp_path / name
    source.write_text(content, encoding="utf-8")
    args = ["export", source, "-f", "json"] + (["--from", "audacity"] if name == "labels.txt" else [])
    result = run(*args)
    assert_clean_failure(result, 1)
    assert f"{tmp_path / location}: error:" in result.stderr


def test_doctype_in_xml_is_refused_with_exit_1(tmp_path: Path) -> None:
    source = tmp_path / "evil.xml"
    source.write_text('<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>\n'
                      '<psc:chapters xmlns:psc="http://podlove.org/simple-chapters"/>', encoding="utf-8")
    result = run("export", source)
    assert_clean_failure(result, 1)
    assert "DOCTYPE" in result.stderr and "root:" not in result.output


@pytest.mark.parametrize("option", ["--format", "--from"])
def test_an_unknown_format_is_a_usage_error(option: str) -> None:
    result = run("export", GOLDEN / "seed-json.json", option, "docx")
    assert_clean_failure(result, 2)
    assert "unknown chapter format 'docx'" in result.stderr


def test_a_title_the_target_cannot_hold_fails_without_writing(tmp_path: Path) -> None:
    source = tmp_path / "c.json"
    source.write_text(json.dumps({"chapters": [{"startTime": 0, "title": "a\tb"}]}), encoding="utf-8")
    out = tmp_path / "labels.txt"
    result = run("export", source, "-f", "audacity", "-o", out)
    assert_clean_failure(result, 1)
    assert "cannot hold the tab" in result.stderr
    assert not out.exists()


def test_formats_lists_every_format_with_what_it_keeps() -> None:
    result = run("formats")
    assert result.exit_code == 0, result.output
    rows = {line.split("│")[1].strip(): line for line in result.stdout.splitlines()
            if line.startswith("│") and line.split("│")[1].strip()}
    for name in ("json", "psc", "vtt", "cue", "ffmetadata", "audacity", "mp4chaps", "chapters-txt",
                 "youtube", "markdown"):
        assert name in rows, result.stdout
    marks = {name: [cell.strip() for cell in row.split("│")[4:9]] for name, row in rows.items()}
    # end, descriptions, links, images, toc (hidden chapters: kept, or shown as normal ones)
    assert marks["json"] == ["yes", "–", "yes", "yes", "yes"]
    assert marks["psc"] == ["–", "–", "yes", "yes", "shown"]
    assert marks["cue"] == ["–", "–", "–", "–", "shown"]
    assert marks["markdown"] == ["yes", "yes", "yes", "yes", "yes"]

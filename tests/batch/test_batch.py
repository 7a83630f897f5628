"""podcast-tool batch: pairing, manifests, statuses, incremental reruns, reports, safety.

The first part uses MP3 recordings and JSON chapter files only. The last part
(after the "NEEDS OTHER BRANCHES" line) uses Markdown outlines, the other
containers, the other sidecar formats and snapping.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from mutagen.id3 import ID3

from podcast_tool import pipeline
from podcast_tool.batch.plan import parse_export, plan_folder
from podcast_tool.batch.report import RecordingOptions, RunSettings, Status
from podcast_tool.batch.run import comparable_rows, run_batch
from podcast_tool.cli import main
from podcast_tool.containers.id3 import MP3
from podcast_tool.containers.id3.mp3 import tag_size
from podcast_tool.containers.mp4 import MP4
from podcast_tool.errors import UsageError
from podcast_tool.formats import get_format
from podcast_tool.model import Chapter
from podcast_tool.safewrite import file_lock
from tests.conftest import ROOT, ffmpeg_chapters, file_md5, run_ffmpeg

SECONDS = 3.0
GOOD = ["ep01", "ep02", "ep03", "ep04", "ep05", "2021/ep06"]
FAILING = ["bad", "broken", "late", "twice"]
#: ffmpeg shifts MP3 chapter times by the encoder delay.
MP3_TOLERANCE_MS = 30


def cli(*args: object, env: dict[str, str | None] | None = None) -> Result:
    """Run ``podcast-tool batch``; not a terminal unless the test says so."""
    runner = CliRunner(env={"TTY_COMPATIBLE": "0", "FORCE_COLOR": None, **(env or {})})
    return runner.invoke(main, ["batch", *map(str, args)], catch_exceptions=False)


def report_of(result: Result) -> dict:
    return json.loads(result.stdout)


def by_name(report: dict) -> dict[str, dict]:
    return {recording["name"]: recording for recording in report["recordings"]}


def statuses(report: dict) -> dict[str, str]:
    return {name: recording["status"] for name, recording in by_name(report).items()}


def write_json_chapters(path: Path, chapters: list[tuple[float, str]]) -> Path:
    document = {"version": "1.2.0",
                "chapters": [{"startTime": start, "title": title} for start, title in chapters]}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return path


def outline_for(index: int) -> list[tuple[float, str]]:
    return [(0, f"Accueil n°{index}"), (1, "Table ronde : pourquoi le travail pair ?"),
            (2.25, "Conclusion")]


def snapshot(root: Path) -> dict[str, tuple[str, int, int]]:
    """Every file under ``root``: content hash, inode, modification time (a rewrite changes them)."""
    found = {}
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.is_symlink():
            stat = path.stat()
            found[path.relative_to(root).as_posix()] = (
                hashlib.md5(path.read_bytes()).hexdigest(), stat.st_ino, stat.st_mtime_ns)
    return found


@pytest.fixture
def mp3_copy(make_media: Callable[..., Path]) -> Callable[[Path], Path]:
    original = make_media("mp3", SECONDS)

    def copy(target: Path) -> Path:
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(original, target)
        return target

    return copy


@pytest.fixture
def mp3_folder(tmp_path: Path, mp3_copy: Callable[[Path], Path]) -> Path:
    """Ten recordings (six good, four failing) plus one audio and one outline left unmatched."""
    root = tmp_path / "podcasts"
    audio, chapters = root / "audio", root / "chapters"
    for index, name in enumerate(GOOD):
        mp3_copy(audio / f"{name}.mp3")
        write_json_chapters(chapters / f"{name}.json", outline_for(index))
    # A recording a failed copy filled with zeros after its ID3 tag: no audio frames at all.
    head = (audio / "ep01.mp3").read_bytes()
    (audio / "broken.mp3").write_bytes(head[:tag_size(head[:10])] + bytes(len(head)))
    write_json_chapters(chapters / "broken.json", outline_for(9))
    # An outline that is not valid JSON (line 2 is missing).
    mp3_copy(audio / "bad.mp3")
    (chapters / "bad.json").write_text('{"version": "1.2.0", "chapters": [{"startTime": 0},\n',
                                       encoding="utf-8")
    # An outline whose second chapter starts after the end of the 3-second recording.
    mp3_copy(audio / "late.mp3")
    write_json_chapters(chapters / "late.json", [(0, "Début"), (60, "Après la fin")])
    # Two outlines for one recording: which one is meant?
    mp3_copy(audio / "twice.mp3")
    write_json_chapters(chapters / "twice.json", outline_for(8))
    (chapters / "twice.txt").write_text("0'00 Accueil\n0'01 Débat\n", encoding="utf-8")
    mp3_copy(audio / "lonely.mp3")
    write_json_chapters(chapters / "orphan.json", outline_for(7))
    return root


def expected_statuses(good: str) -> dict[str, str]:
    found = {f"audio/{name}.mp3": good for name in GOOD}
    found.update({f"audio/{name}.mp3": "failed" for name in FAILING})
    return found


def remove_failing(root: Path) -> None:
    for name in FAILING:
        (root / "audio" / f"{name}.mp3").unlink()
        for outline in (root / "chapters").glob(f"{name}.*"):
            outline.unlink()


def assert_mp3_chapters(path: Path, chapters: list[tuple[float, str]]) -> None:
    found = ffmpeg_chapters(path)
    assert [c["title"] for c in found] == [title for _, title in chapters]
    for read, (start, _) in zip(found, chapters, strict=True):
        assert abs(int(read["start_ms"]) - round(start * 1000)) <= MP3_TOLERANCE_MS


# ------------------------------------------------------------ folder batch


def test_folder_batch_tags_every_pair_and_reports_each_failure(mp3_folder: Path) -> None:
    untouched = {name: file_md5(mp3_folder / "audio" / f"{name}.mp3")
                 for name in [*FAILING, "lonely"]}
    result = cli(mp3_folder, "--jobs", "2", "--json")
    assert result.exit_code == 1
    report = report_of(result)
    assert statuses(report) == expected_statuses("tagged")
    for index, name in enumerate(GOOD):
        assert_mp3_chapters(mp3_folder / "audio" / f"{name}.mp3", outline_for(index))
    recordings = by_name(report)
    assert recordings["audio/2021/ep06.mp3"]["chapters"].endswith("chapters/2021/ep06.json")
    broken = recordings["audio/broken.mp3"]["error"]
    assert broken["file"].endswith("audio/broken.mp3")
    bad = recordings["audio/bad.mp3"]["error"]
    assert bad["file"].endswith("chapters/bad.json") and bad["line"] == 2
    late = recordings["audio/late.mp3"]
    assert any(d["severity"] == "error" for d in late["diagnostics"])
    assert "nothing was written" in late["error"]["message"]
    twice = recordings["audio/twice.mp3"]["error"]["message"]
    assert "2 chapter files" in twice and "twice.json" in twice and "twice.txt" in twice
    warnings = {(w["code"], Path(w["file"]).name) for w in report["warnings"]}
    assert warnings == {("audio-without-outline", "lonely.mp3"),
                        ("outline-without-audio", "orphan.json")}
    for name, digest in untouched.items():
        assert file_md5(mp3_folder / "audio" / f"{name}.mp3") == digest, name


def test_json_report_is_complete_and_consistent(mp3_folder: Path) -> None:
    result = cli(mp3_folder, "--json", "-j", "3")
    report = report_of(result)
    assert report["exit_code"] == result.exit_code == 1
    assert report["ok"] is False and report["dry_run"] is False and report["force"] is False
    assert report["counts"] == {"tagged": 6, "unchanged": 0, "would-tag": 0, "busy": 0, "failed": 4}
    assert sum(report["counts"].values()) == len(report["recordings"]) == 10
    ep01 = by_name(report)["audio/ep01.mp3"]
    assert ep01["chapter_count"] == 3 and ep01["previous_chapter_count"] == 0
    assert ep01["error"] is None and ep01["seconds"] >= 0
    assert set(ep01) == {"name", "audio", "chapters", "status", "chapter_count",
                         "previous_chapter_count", "change", "error", "warnings", "diagnostics",
                         "sidecars", "seconds", "preflight"}
    assert ep01["preflight"].startswith("preflight: ")


def test_exit_code_is_0_when_nothing_fails_even_with_unmatched_files(mp3_folder: Path) -> None:
    remove_failing(mp3_folder)
    result = cli(mp3_folder, "--json")
    assert result.exit_code == 0
    report = report_of(result)
    assert set(statuses(report).values()) == {"tagged"}
    assert len(report["warnings"]) == 2


def test_rerun_skips_everything_and_force_rewrites(mp3_folder: Path) -> None:
    assert cli(mp3_folder).exit_code == 1
    before = snapshot(mp3_folder)
    rerun = cli(mp3_folder, "--json")
    assert rerun.exit_code == 1
    assert statuses(report_of(rerun)) == expected_statuses("unchanged")
    assert snapshot(mp3_folder) == before  # same bytes, same inodes, same times: not rewritten

    write_json_chapters(mp3_folder / "chapters" / "ep02.json",
                        [(0, "Accueil"), (1.5, "Un autre découpage")])
    changed = statuses(report_of(cli(mp3_folder, "--json")))
    assert changed.pop("audio/ep02.mp3") == "tagged"
    assert set(changed.values()) == {"unchanged", "failed"}
    assert_mp3_chapters(mp3_folder / "audio" / "ep02.mp3", [(0, "Accueil"), (1.5, "Un autre découpage")])

    forced = report_of(cli(mp3_folder, "--json", "--force"))
    assert statuses(forced) == expected_statuses("tagged")
    assert "--force rewrites it" in by_name(forced)["audio/ep01.mp3"]["change"]
    # Forced, the tag is written again; it fits in place and equals the old one, so the
    # recording is left byte for byte and inode for inode as it was.
    assert snapshot(mp3_folder)["audio/ep01.mp3"][:2] == before["audio/ep01.mp3"][:2]


def test_dry_run_writes_nothing_and_says_what_would_change(mp3_folder: Path) -> None:
    before = snapshot(mp3_folder)
    result = cli(mp3_folder, "--dry-run", "--export", "json", "--json")
    assert result.exit_code == 1  # it still reports the recordings that would fail
    assert snapshot(mp3_folder) == before
    report = report_of(result)
    assert report["dry_run"] is True
    assert statuses(report) == expected_statuses("would-tag")
    ep01 = by_name(report)["audio/ep01.mp3"]
    assert ep01["change"] == "none → 3 chapters"
    assert [s["state"] for s in ep01["sidecars"]] == ["would-write"]

    plain = cli(mp3_folder, "--dry-run")
    assert "nothing was written" in plain.stdout
    assert snapshot(mp3_folder) == before
    assert cli(mp3_folder).exit_code == 1
    assert set(statuses(report_of(cli(mp3_folder, "--dry-run", "--json"))).values()) == {
        "unchanged", "failed"}


def test_plain_lines_summary_table_and_messages_when_not_a_terminal(mp3_folder: Path) -> None:
    result = cli(mp3_folder, "-j", "2")
    assert result.exit_code == 1
    lines = [line for line in result.stdout.splitlines() if line.startswith("[")]
    assert len(lines) == 10 and lines[-1].startswith("[10/10] ")
    assert any(line.startswith("[") and "tagged: audio/ep01.mp3" in line for line in lines)
    for header in ("file", "chapters", "status", "warnings", "time"):
        assert header in result.stdout
    assert "10 recordings: 6 tagged, 4 failed" in result.stdout
    assert "\x1b[" not in result.stdout
    assert "audio/lonely.mp3: warning:" in result.stderr
    assert "chapters/bad.json:2: error:" in result.stderr
    assert "audio/broken.mp3: error:" in result.stderr


def test_progress_display_on_a_terminal(mp3_folder: Path) -> None:
    remove_failing(mp3_folder)
    result = cli(mp3_folder, "-j", "2", env={"TTY_COMPATIBLE": "1"})
    assert result.exit_code == 0
    assert "tagging" in result.stdout and "6/6" in result.stdout
    assert "6 recordings: 6 tagged" in result.stdout
    assert_mp3_chapters(mp3_folder / "audio" / "ep03.mp3", outline_for(2))


def test_export_writes_sidecars_beside_the_audio_once(mp3_folder: Path) -> None:
    result = cli(mp3_folder, "--export", "json", "--json")
    assert result.exit_code == 1
    sidecar = mp3_folder / "audio" / "ep01.json"
    document = json.loads(sidecar.read_text(encoding="utf-8"))
    assert document["fileName"] == "ep01.mp3"
    episode, _ = get_format("json").load(sidecar.read_text(encoding="utf-8"), sidecar)
    assert [(c.start_ms / 1000, c.title) for c in episode.chapters] == outline_for(0)
    assert (mp3_folder / "audio" / "2021" / "ep06.json").is_file()
    for name in FAILING:
        assert not (mp3_folder / "audio" / f"{name}.json").exists()
    assert by_name(report_of(result))["audio/ep01.mp3"]["sidecars"] == [
        {"format": "json", "path": str(sidecar), "state": "written"}]

    inode = sidecar.stat().st_ino
    again = by_name(report_of(cli(mp3_folder, "--export", "json", "--json")))["audio/ep01.mp3"]
    assert again["status"] == "unchanged" and again["sidecars"][0]["state"] == "unchanged"
    assert sidecar.stat().st_ino == inode

    sidecar.unlink()  # a sidecar deleted by hand comes back without retagging the audio
    restored = by_name(report_of(cli(mp3_folder, "--export", "json", "--json")))["audio/ep01.mp3"]
    assert restored["status"] == "unchanged" and restored["sidecars"][0]["state"] == "written"
    assert sidecar.is_file()


def test_unknown_export_format_is_a_usage_error(mp3_folder: Path) -> None:
    before = snapshot(mp3_folder)
    result = cli(mp3_folder, "--export", "json,mp3chaps-xl")
    assert result.exit_code == 2
    assert "unknown chapter format 'mp3chaps-xl'" in result.stderr
    assert snapshot(mp3_folder) == before


def test_root_without_audio_or_chapters_folder_is_a_usage_error(tmp_path: Path) -> None:
    result = cli(tmp_path)
    assert result.exit_code == 2
    assert "no audio/ or chapters/ folder" in result.stderr
    (tmp_path / "audio").mkdir()
    empty = cli(tmp_path)
    assert empty.exit_code == 0 and "no recording to tag" in empty.stdout


def test_symlink_leading_outside_root_is_refused_unless_allowed(
        tmp_path: Path, mp3_copy: Callable[[Path], Path]) -> None:
    root = tmp_path / "root"
    outside = mp3_copy(tmp_path / "elsewhere" / "shared.mp3")
    (root / "audio").mkdir(parents=True)
    (root / "audio" / "shared.mp3").symlink_to(outside)
    write_json_chapters(root / "chapters" / "shared.json", outline_for(1))
    digest = file_md5(outside)
    refused = cli(root, "--json")
    assert refused.exit_code == 1
    error = by_name(report_of(refused))["audio/shared.mp3"]["error"]
    assert "outside the batch folder" in error["message"] and "--allow-outside" in error["hint"]
    assert file_md5(outside) == digest
    allowed = cli(root, "--json", "--allow-outside")
    assert allowed.exit_code == 0
    assert (root / "audio" / "shared.mp3").is_symlink()
    assert_mp3_chapters(outside, outline_for(1))


# ---------------------------------------------------------------- manifests


@pytest.fixture
def manifest_root(tmp_path: Path, mp3_copy: Callable[[Path], Path]) -> Path:
    root = tmp_path / "root"
    for name in ("a", "b"):
        mp3_copy(root / "rec" / f"{name}.mp3")
    write_json_chapters(root / "rec" / "a.json", outline_for(1))
    write_json_chapters(root / "notes" / "b.json", outline_for(2))
    return root


@pytest.mark.parametrize("separator", [",", ";"])
def test_csv_manifest_with_per_recording_options(manifest_root: Path, separator: str) -> None:
    rows = [["audio", "chapters", "id3v2", "export"],
            ["rec/a.mp3", "rec/a.json", "", ""],
            ["rec/b.mp3", "notes/b.json", "4", "json"]]
    manifest = manifest_root / "recordings.csv"
    manifest.write_text("\n".join(separator.join(row) for row in rows) + "\n", encoding="utf-8")
    result = cli(manifest_root, "--manifest", manifest, "--json")
    assert result.exit_code == 0, result.output
    assert statuses(report_of(result)) == {"rec/a.mp3": "tagged", "rec/b.mp3": "tagged"}
    assert ID3(manifest_root / "rec" / "a.mp3").version == (2, 3, 0)
    assert ID3(manifest_root / "rec" / "b.mp3").version == (2, 4, 0)
    assert_mp3_chapters(manifest_root / "rec" / "b.mp3", outline_for(2))
    assert (manifest_root / "rec" / "b.json").is_file()
    assert_mp3_chapters(manifest_root / "rec" / "a.mp3", outline_for(1))
    assert not (manifest_root / "rec" / "a.json.tmp").exists()


def test_csv_manifest_saved_as_windows_1252_keeps_accented_names(
        manifest_root: Path, mp3_copy: Callable[[Path], Path]) -> None:
    mp3_copy(manifest_root / "rec" / "réunion.mp3")
    write_json_chapters(manifest_root / "rec" / "réunion.json", outline_for(4))
    manifest = manifest_root / "excel.csv"
    manifest.write_bytes("audio;chapters\r\nrec/réunion.mp3;rec/réunion.json\r\n".encode("cp1252"))
    result = cli(manifest_root, "--manifest", manifest, "--json")
    assert result.exit_code == 0, result.output
    assert statuses(report_of(result)) == {"rec/réunion.mp3": "tagged"}
    assert_mp3_chapters(manifest_root / "rec" / "réunion.mp3", outline_for(4))


def test_toml_manifest_refuses_a_sidecar_that_would_overwrite_an_outline(manifest_root: Path) -> None:
    manifest = manifest_root / "lists" / "batch.toml"
    manifest.parent.mkdir()
    manifest.write_text(
        '[[recording]]\naudio = "../rec/a.mp3"\nchapters = "../rec/a.json"\nexport = ["json"]\n\n'
        '[[recording]]\naudio = "../rec/b.mp3"\nchapters = "../notes/b.json"\nexport = "json"\n'
        'snap = false\n', encoding="utf-8")
    outline_before = file_md5(manifest_root / "rec" / "a.json")
    audio_before = file_md5(manifest_root / "rec" / "a.mp3")
    result = cli(manifest_root, "--manifest", manifest, "--json")
    assert result.exit_code == 1
    recordings = by_name(report_of(result))
    assert recordings["rec/b.mp3"]["status"] == "tagged"
    assert (manifest_root / "rec" / "b.json").is_file()
    assert recordings["rec/a.mp3"]["status"] == "failed"
    assert "would overwrite" in recordings["rec/a.mp3"]["error"]["message"]
    assert file_md5(manifest_root / "rec" / "a.json") == outline_before
    assert file_md5(manifest_root / "rec" / "a.mp3") == audio_before


def test_manifest_paths_outside_root_are_refused_unless_allowed(
        tmp_path: Path, manifest_root: Path, mp3_copy: Callable[[Path], Path]) -> None:
    outside = mp3_copy(tmp_path / "outside" / "c.mp3")
    write_json_chapters(tmp_path / "outside" / "c.json", outline_for(3))
    manifest = manifest_root / "m.csv"
    manifest.write_text("audio,chapters\nrec/a.mp3,rec/a.json\n../outside/c.mp3,../outside/c.json\n",
                        encoding="utf-8")
    digest = file_md5(outside)
    refused = cli(manifest_root, "--manifest", manifest, "--json")
    assert refused.exit_code == 1
    recordings = {Path(r["audio"]).name: r for r in report_of(refused)["recordings"]}
    assert recordings["a.mp3"]["status"] == "tagged"
    assert recordings["c.mp3"]["status"] == "failed"
    assert "outside the batch folder" in recordings["c.mp3"]["error"]["message"]
    assert file_md5(outside) == digest
    allowed = cli(manifest_root, "--manifest", manifest, "--json", "--allow-outside")
    assert allowed.exit_code == 0
    assert_mp3_chapters(outside, outline_for(3))


def test_recording_listed_twice_is_refused(manifest_root: Path) -> None:
    manifest = manifest_root / "m.csv"
    manifest.write_text("audio,chapters\nrec/a.mp3,rec/a.json\nrec/./a.mp3,notes/b.json\n"
                        "rec/b.mp3,notes/b.json\n", encoding="utf-8")
    result = cli(manifest_root, "--manifest", manifest, "--json")
    assert result.exit_code == 1
    found = report_of(result)["recordings"]
    assert sorted(r["status"] for r in found) == ["failed", "failed", "tagged"]
    assert all("listed more than once" in r["error"]["message"] for r in found if r["error"])


@pytest.mark.parametrize(("name", "content", "message"), [
    ("m.csv", "audio,chapters,colour\nrec/a.mp3,rec/a.json,red\n", "m.csv:1: error: the header"),
    ("m.csv", "audio,chapters,id3v2\nrec/a.mp3,rec/a.json,5\n", "m.csv:2: error: id3v2 must"),
    ("m.csv", "audio,chapters,export\n\nrec/a.mp3,rec/a.json,podlove-xl\n",
     "m.csv:3: error: unknown chapter format 'podlove-xl'"),
    ("m.csv", "audio,chapters,snap\nrec/a.mp3,rec/a.json,maybe\n", "snap must be yes or no"),
    ("m.csv", "audio,chapters\nrec/a.mp3,\n", "m.csv:2: error: no chapters path"),
    ("m.toml", "[[recording]\n", "not a valid TOML file"),
    ("m.toml", '[[recording]]\naudio = "rec/a.mp3"\nchapter = "rec/a.json"\n', "unknown key(s) chapter"),
    ("m.toml", 'audio = "rec/a.mp3"\n', "[[recording]] tables"),
    ("m.yaml", "- audio: rec/a.mp3\n", "a manifest is a .csv or a .toml file"),
    ("m.csv", "audio,chapters\n", "the manifest lists no recordings"),
])
def test_malformed_manifest_is_a_usage_error_and_writes_nothing(
        manifest_root: Path, name: str, content: str, message: str) -> None:
    manifest = manifest_root / name
    manifest.write_text(content, encoding="utf-8")
    before = snapshot(manifest_root)
    result = cli(manifest_root, "--manifest", manifest)
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.output
    assert snapshot(manifest_root) == before


def test_missing_manifest_is_a_usage_error(tmp_path: Path) -> None:
    result = cli(tmp_path, "--manifest", tmp_path / "nope.csv")
    assert result.exit_code == 2 and "no such manifest" in result.stderr


# ------------------------------------------------------- safety and the core


def test_a_file_another_process_is_writing_is_left_alone(mp3_folder: Path) -> None:
    remove_failing(mp3_folder)
    locked = mp3_folder / "audio" / "ep01.mp3"
    digest = file_md5(locked)
    with file_lock(locked):
        report = run_batch(plan_folder(mp3_folder, RecordingOptions()),
                           RunSettings(lock_wait_seconds=0.2), workers=2)
    results = {r.name: r for r in report.results}
    assert results["audio/ep01.mp3"].status is Status.FAILED
    assert "another podcast-tool process is writing" in results["audio/ep01.mp3"].error.message
    assert "run the batch again" in results["audio/ep01.mp3"].error.hint
    assert file_md5(locked) == digest
    assert results["audio/ep02.mp3"].status is Status.TAGGED
    assert report.exit_code == 1


def test_a_file_that_changes_while_the_batch_works_is_not_overwritten(
        mp3_folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    remove_failing(mp3_folder)
    real_prepare = pipeline.prepare
    target = mp3_folder / "audio" / "ep01.mp3"

    def prepare_then_another_program_writes(audio: Path, *args: object, **kwargs: object
                                            ) -> pipeline.TagResult:
        prepared = real_prepare(audio, *args, **kwargs)
        if Path(audio) == target:
            with open(target, "ab") as other_program:
                other_program.write(b"\0" * 64)
        return prepared

    monkeypatch.setattr(pipeline, "prepare", prepare_then_another_program_writes)
    expected = hashlib.md5(target.read_bytes() + b"\0" * 64).hexdigest()
    report = run_batch(plan_folder(mp3_folder, RecordingOptions()), RunSettings(), workers=2)
    results = {r.name: r for r in report.results}
    assert results["audio/ep01.mp3"].status is Status.FAILED
    assert "changed while the batch was working" in results["audio/ep01.mp3"].error.message
    assert file_md5(target) == expected  # the other program's version, not ours
    assert results["audio/ep02.mp3"].status is Status.TAGGED


def test_parse_export() -> None:
    assert parse_export(" json, json;json ") == ("json",)
    assert parse_export("") == ()
    with pytest.raises(UsageError, match="unknown chapter format 'nope'"):
        parse_export("json nope")


def test_comparison_ignores_what_a_container_cannot_store() -> None:
    wanted = [Chapter(1000, "Accueil", end_ms=1500), Chapter(2000, "Débat")]
    # A container without end times, and a QuickTime-style untitled filler at 0.
    stored = [Chapter(0, ""), Chapter(1000, "Accueil"), Chapter(2000, "Débat")]
    old, new = comparable_rows(stored, wanted, 3000, MP4.capabilities)
    assert old == new == [(1000, 2000, "Accueil"), (2000, 3000, "Débat")]
    # A container that keeps ends: the written end must match.
    stored_with_ends = [Chapter(1000, "Accueil", end_ms=2000), Chapter(2000, "Débat", end_ms=3000)]
    old, new = comparable_rows(stored_with_ends, wanted, 3000, MP3.capabilities)
    assert old != new
    # ... and an untitled chapter at 0 is a real chapter there, not a filler.
    old, new = comparable_rows([Chapter(0, "", end_ms=1000), *stored_with_ends],
                               [c.with_times(c.start_ms, None) for c in stored_with_ends], 3000,
                               MP3.capabilities)
    assert old != new
    old, new = comparable_rows(stored[1:], [Chapter(1000, "Accueil"), Chapter(2000, "Débat !")], 3000,
                               MP4.capabilities)
    assert old != new


def test_snapping_is_imported_only_when_asked(mp3_folder: Path) -> None:
    code = ("import sys\nfrom podcast_tool.cli import main\n"
            "try:\n    main(['batch', sys.argv[1], '--json'])\nexcept SystemExit:\n    pass\n"
            "print('podcast_tool.snap.placement' in sys.modules, file=sys.stderr)\n")
    done = subprocess.run([sys.executable, "-c", code, str(mp3_folder)], capture_output=True,
                          text=True, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
                          check=True)
    assert done.stderr.strip().splitlines()[-1] == "False"
    assert statuses(json.loads(done.stdout)) == expected_statuses("tagged")


# ================================================================================
# NEEDS OTHER BRANCHES: the outline parser (chapters/NAME.md), the MP4 and
# Vorbis/FLAC containers, the vtt and psc formats, and snapping.
# ================================================================================

MIXED = {  # audio name -> outline file name and text
    "talk.m4a": ("talk.md", "# Atelier du 18 octobre\n\n0'01 **Accueil**\n\n0'02 **Table ronde**\n\n"
                            "0'04 **Conclusion**\n"),
    "book.m4b": ("book.md", "0'00 **Mot d'accueil**\n\n0'03 **Débat avec la salle**\n"),
    "show.ogg": ("show.txt", "0'00 Ouverture\n0'02 Témoignages\n0'04 Clôture\n"),
    "voice.opus": ("voice.md", "0'00 **Présentation**\n\n0'03 **Questions**\n"),
    "live.flac": ("live.md", "0'01 **Introduction du sujet**\n\n0'04 **Synthèse**\n"),
    "seed.mp3": ("seed.md", "0'00 **Accueil**\n\n0'02 **Pourquoi développer le travail pair ?**\n"),
}


def outline_titles(text: str) -> list[tuple[int, str]]:
    """(start ms, title) from the simple one-chapter-per-line outlines above."""
    chapters = []
    for line in text.splitlines():
        if line[:1].isdigit():
            time, _, title = line.partition(" ")
            minutes, seconds = time.split("'")
            chapters.append(((int(minutes) * 60 + int(seconds)) * 1000, title.strip("* ")))
    return chapters


@pytest.fixture
def mixed_folder(tmp_path: Path, make_media: Callable[..., Path]) -> Path:
    root = tmp_path / "mixed"
    (root / "audio").mkdir(parents=True)
    (root / "chapters").mkdir()
    for audio_name, (outline_name, text) in MIXED.items():
        shutil.copyfile(make_media(audio_name.rsplit(".", 1)[1], 6.0), root / "audio" / audio_name)
        (root / "chapters" / outline_name).write_text(text, encoding="utf-8")
    shutil.copyfile(make_media("mp3", 6.0), root / "audio" / "notes.mp3")
    (root / "chapters" / "notes.md").write_text("Compte rendu sans aucun horaire.\n", encoding="utf-8")
    return root


def test_mixed_containers_with_outlines_tag_then_rerun_skips(mixed_folder: Path) -> None:
    result = cli(mixed_folder, "--jobs", "2", "--json")
    assert result.exit_code == 1, result.output  # notes.md has no times at all
    report = report_of(result)
    expected = {f"audio/{name}": "tagged" for name in MIXED} | {"audio/notes.mp3": "failed"}
    assert statuses(report) == expected
    assert "chapters/notes.md" in json.dumps(by_name(report)["audio/notes.mp3"])
    for audio_name, (_, text) in MIXED.items():
        found = ffmpeg_chapters(mixed_folder / "audio" / audio_name)
        titled = [(int(c["start_ms"]), c.get("title", "")) for c in found if c.get("title")]
        wanted = outline_titles(text)
        if audio_name == "talk.m4a":
            # MP4's chapter track starts at 0: the opening before 0'01 is titled after the episode.
            wanted = [(0, "Atelier du 18 octobre"), *wanted]
        assert [title for _, title in titled] == [title for _, title in wanted], audio_name
        for (start, _), (want, _) in zip(titled, wanted, strict=True):
            assert abs(start - want) <= MP3_TOLERANCE_MS, audio_name

    before = snapshot(mixed_folder)
    rerun = cli(mixed_folder, "--json")
    assert statuses(report_of(rerun)) == {name: "unchanged" if status == "tagged" else status
                                          for name, status in expected.items()}
    assert snapshot(mixed_folder) == before


def test_mixed_containers_export_json_vtt_psc(mixed_folder: Path) -> None:
    result = cli(mixed_folder, "--export", "json,vtt,psc", "--json")
    assert result.exit_code == 1
    for audio_name, (_, text) in MIXED.items():
        audio = mixed_folder / "audio" / audio_name
        for name in ("json", "vtt", "psc"):
            chapter_format = get_format(name)
            sidecar = audio.with_suffix(chapter_format.extensions[0])
            episode, _ = chapter_format.load(sidecar.read_text(encoding="utf-8"), sidecar)
            assert [(c.start_ms, c.title) for c in episode.chapters] == outline_titles(text), sidecar
    assert (mixed_folder / "audio" / "talk.vtt").read_text(encoding="utf-8").startswith("WEBVTT")
    again = report_of(cli(mixed_folder, "--export", "json,vtt,psc", "--json"))
    states = {s["state"] for r in again["recordings"] for s in r["sidecars"]}
    assert states == {"unchanged"}


def test_batch_snap_writes_the_times_snapping_finds(tmp_path: Path) -> None:
    from podcast_tool.containers import audio_duration_ms
    from podcast_tool.pipeline import load_chapters
    from podcast_tool.snap import placement

    root = tmp_path / "snap"
    (root / "audio").mkdir(parents=True)
    # A tone with two clear pauses, at 2.0-3.5 s and 5.0-6.5 s.
    audio = root / "audio" / "pauses.mp3"
    run_ffmpeg("-f", "lavfi", "-i", "sine=frequency=220:sample_rate=44100:duration=9", "-af",
               "volume='if(between(t,2,3.5)+between(t,5,6.5),0,0.4)':eval=frame", "-ac", "1",
               "-c:a", "libmp3lame", "-b:a", "48k", audio)
    untouched = shutil.copyfile(audio, tmp_path / "reference.mp3")
    outline = write_json_chapters(root / "chapters" / "pauses.json",
                                  [(0, "Accueil"), (2.2, "Table ronde"), (5.3, "Débat")])
    episode, _ = load_chapters(outline)
    episode.duration_ms = audio_duration_ms(untouched)  # as pipeline.prepare gives it
    snapped, _, _ = placement.snap_episode(untouched, episode, placement.SnapOptions())
    assert [c.start_ms for c in snapped.chapters] != [0, 2200, 5300], "snapping moved nothing"

    result = cli(root, "--snap", "--json")
    assert result.exit_code == 0, result.output
    found = ffmpeg_chapters(audio)
    for read, want in zip(found, snapped.chapters, strict=True):
        assert abs(int(read["start_ms"]) - want.start_ms) <= MP3_TOLERANCE_MS


def test_two_sidecar_formats_with_one_extension_are_a_usage_error(mp3_folder: Path) -> None:
    before = snapshot(mp3_folder)
    result = cli(mp3_folder, "--export", "audacity,youtube")
    assert result.exit_code == 2
    assert "audacity and youtube would both be written to NAME.txt" in result.stderr
    assert snapshot(mp3_folder) == before

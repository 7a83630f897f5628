"""batch on real folders: every audio kind tag handles, unpaired files reported, reruns stable,
and a run without --snap never silently undoing an earlier --snap."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

from click.testing import CliRunner, Result

from podcast_tool import containers
from podcast_tool.batch.plan import audio_extensions, chapter_extensions
from podcast_tool.cli import main
from podcast_tool.formats import all_formats
from tests.conftest import ffmpeg_chapters, file_md5, run_ffmpeg


def batch(*args: object) -> Result:
    runner = CliRunner(env={"TTY_COMPATIBLE": "0", "FORCE_COLOR": None})
    return runner.invoke(main, ["batch", *map(str, args)], catch_exceptions=False)


def test_one_list_of_audio_and_one_of_chapter_extensions_from_the_registries():
    assert audio_extensions() == frozenset(containers.audio_extensions())
    assert {".wav", ".mp3", ".m4a", ".m4b", ".mp4", ".ogg", ".opus", ".flac"} <= audio_extensions()
    assert chapter_extensions() == {ext for f in all_formats() for ext in f.extensions}
    assert {".md", ".txt", ".json", ".vtt", ".cue", ".docx", ".odt", ".html", ".rtf"} <= \
        chapter_extensions()


def test_a_word_outline_is_paired_with_its_recording(
        tmp_path: Path, make_media: Callable[..., Path]) -> None:
    import docx

    root = tmp_path / "event"
    (root / "audio").mkdir(parents=True)
    (root / "chapters").mkdir()
    shutil.copyfile(make_media("mp3", 6.0), root / "audio" / "webinaire.mp3")
    document = docx.Document()
    document.add_paragraph("0'00 Accueil")
    document.add_paragraph("0'03 Table ronde")
    document.save(root / "chapters" / "webinaire.docx")
    result = batch(root, "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert [(r["name"], r["status"]) for r in report["recordings"]] == [("audio/webinaire.mp3", "tagged")]
    assert report["unpaired"] == []
    assert [c["title"] for c in ffmpeg_chapters(root / "audio" / "webinaire.mp3")] == [
        "Accueil", "Table ronde"]


def test_wav_is_paired_and_unpaired_files_are_in_the_table_and_the_report(
        tmp_path: Path, make_media: Callable[..., Path]) -> None:
    root = tmp_path / "event"
    (root / "audio").mkdir(parents=True)
    (root / "chapters").mkdir()
    shutil.copyfile(make_media("wav", 6.0), root / "audio" / "master.wav")
    shutil.copyfile(make_media("mp3", 6.0), root / "audio" / "lonely.mp3")
    (root / "chapters" / "master.md").write_text("- 0'00 Accueil\n- 0'03 Suite\n", "utf-8")
    (root / "chapters" / "orphan.md").write_text("- 0'00 Seul\n", "utf-8")
    result = batch(root, "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert [(r["name"], r["status"]) for r in report["recordings"]] == [("audio/master.wav", "tagged")]
    assert [c["title"] for c in ffmpeg_chapters(root / "audio" / "master.wav")] == ["Accueil", "Suite"]
    unpaired = {r["name"]: r for r in report["unpaired"]}
    assert set(unpaired) == {"audio/lonely.mp3", "chapters/orphan.md"}
    assert unpaired["audio/lonely.mp3"]["status"] == "unpaired"
    assert "no outline" in unpaired["audio/lonely.mp3"]["change"]
    assert unpaired["chapters/orphan.md"]["audio"] is None
    assert report["counts"]["tagged"] == 1 and "unpaired" not in report["counts"]

    table = batch(root)
    assert table.exit_code == 0
    assert "audio/lonely.mp3" in table.stdout and "chapters/orphan." in table.stdout
    assert table.stdout.count("│ unpaired") == 2
    assert "1 recording: 1 unchanged in" in table.stdout and "2 files unpaired" in table.stdout


def test_m4a_with_written_ends_and_gaps_is_not_rewritten_on_every_run(
        tmp_path: Path, make_media: Callable[..., Path]) -> None:
    root = tmp_path / "event"
    (root / "audio").mkdir(parents=True)
    (root / "chapters").mkdir()
    shutil.copyfile(make_media("m4a", 90.0), root / "audio" / "replay.m4a")
    # Written ends, a 40 s pause (the MP4 writer titles it), a short gap, a later first start.
    (root / "chapters" / "replay.md").write_text(
        "- 0'05 à 0'20 Accueil\n- 0'25 à 0'30 Table ronde\n- 1'10 à 1'20 Questions\n", "utf-8")
    first = batch(root, "--json")
    assert first.exit_code == 0, first.output
    assert json.loads(first.stdout)["recordings"][0]["status"] == "tagged"
    digest = file_md5(root / "audio" / "replay.m4a")
    for _ in range(2):
        again = json.loads(batch(root, "--json").stdout)["recordings"][0]
        assert again["status"] == "unchanged", again["change"]
    assert file_md5(root / "audio" / "replay.m4a") == digest


def _pauses_folder(tmp_path: Path) -> Path:
    root = tmp_path / "snap"
    (root / "audio").mkdir(parents=True)
    (root / "chapters").mkdir()
    run_ffmpeg("-f", "lavfi", "-i", "sine=frequency=220:sample_rate=44100:duration=9", "-af",
               "volume='if(between(t,2,3.5)+between(t,5,6.5),0,0.4)':eval=frame", "-ac", "1",
               "-c:a", "libmp3lame", "-b:a", "48k", root / "audio" / "pauses.mp3")
    (root / "chapters" / "pauses.md").write_text(
        "- 0'00 Accueil\n- 0'02 Table ronde\n- 0'05 Débat\n", "utf-8")
    return root


def _starts(path: Path) -> list[int]:
    return [int(c["start_ms"]) for c in ffmpeg_chapters(path)]


def test_batch_without_snap_never_silently_undoes_an_earlier_snap(tmp_path: Path) -> None:
    root = _pauses_folder(tmp_path)
    audio, sidecar = root / "audio" / "pauses.mp3", root / "audio" / "pauses.json"
    snapped = batch(root, "--snap", "--export", "json", "--json")
    assert snapped.exit_code == 0, snapped.output
    snapped_starts = _starts(audio)
    sidecar_starts = [round(c["startTime"] * 1000) for c in json.loads(sidecar.read_text())["chapters"]]
    assert all(abs(a - b) <= 30 for a, b in zip(snapped_starts, sidecar_starts, strict=True))
    assert snapped_starts[1:] != [2000, 5000], "snapping moved nothing"
    before = (file_md5(audio), file_md5(sidecar))

    plain = batch(root, "--export", "json")
    assert plain.exit_code == 1
    assert "tagged this recording with --snap" in plain.stderr and "--force" in plain.stderr
    assert (file_md5(audio), file_md5(sidecar)) == before  # audio and sidecar still agree

    assert batch(root, "--snap", "--export", "json").exit_code == 0  # with --snap: unchanged
    assert (file_md5(audio), file_md5(sidecar)) == before

    forced = batch(root, "--export", "json", "--force", "--json")
    assert forced.exit_code == 0, forced.output
    written = _starts(audio)
    assert all(abs(a - b) <= 30 for a, b in zip(written, [0, 2000, 5000], strict=True))
    assert [round(c["startTime"] * 1000) for c in json.loads(sidecar.read_text())["chapters"]] == [
        0, 2000, 5000]
    assert batch(root, "--export", "json").exit_code == 0  # now remembered as not snapped

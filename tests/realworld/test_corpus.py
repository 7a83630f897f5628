"""Every file of a real-world corpus (files other programs wrote) is tagged right or refused cleanly.

For each file of mutagen's test data (see ``corpus``): ``show``; ``tag`` with an outline
scaled to the recording's duration; ``show`` again; then independent readers check the
result: ffmpeg's demuxer lists our chapters, mutagen reads the file, the decoded audio
is identical (md5 of the PCM ffmpeg decodes) and every other tag has the same value as
before. A file podcast-tool refuses must get a clear message (no traceback), exit 1, and
stay byte-identical. The totals (written / refused / wrong) are printed at the end of the run.

Commands run in-process (CliRunner): the corpus is a hundred files; a few runs of the real
command in a subprocess (``test_the_real_command_on_a_few_corpus_files``) check the same
outcomes end to end.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import mutagen
import pytest
from click.testing import CliRunner

from podcast_tool.cli import main
from podcast_tool.ffmpeg import ffmpeg_exe
from tests.conftest import ffmpeg_chapters, file_md5
from tests.realworld.corpus import corpus_files

#: How far ffmpeg may place a chapter from ours: it shifts MP3 chapters by the encoder delay.
FFMPEG_SLACK_MS = 150
#: Keys that are chapters, not tags: they are expected to change.
CHAPTER_KEY = re.compile(r"^(CHAP|CTOC)|^chapter\d+", re.IGNORECASE)
#: A frame named in the note that says what the ID3v2.3 conversion changed.
NOTED_FRAME = re.compile(r"\b([A-Z][A-Z0-9]{3})\b")

NO_AUDIO = "ffmpeg reads no audio"
#: name -> "written" | "refused" | "wrong: why", filled as the tests run (printed by conftest).
OUTCOMES: dict[str, str] = {}

FILES = corpus_files()


def outline_for(duration_ms: int) -> str:
    """Chapters at 0, a third and two thirds of the recording (whole seconds), French titles."""
    starts = sorted({0, duration_ms // 3000, 2 * duration_ms // 3000})
    titles = ["Ouverture : « mot d'accueil »", "Table ronde — échanges", "Questions du public"]
    return "".join(f"{start // 60}:{start % 60:02d} {title}\n"
                   for start, title in zip(starts, titles, strict=False))


def decoded(path: Path) -> str:
    """md5 of the PCM ffmpeg decodes; of the audio packets where ffmpeg cannot decode them."""
    for codec in ([], ["-c", "copy"]):
        result = subprocess.run([ffmpeg_exe(), "-hide_banner", "-nostdin", "-v", "error", "-i",
                                 str(path), "-map", "0:a", *codec, "-f", "md5", "-"],
                                capture_output=True, check=False)
        if result.returncode == 0:
            return ("packets " if codec else "") + result.stdout.decode().strip()
    return NO_AUDIO


def tag_values(path: Path) -> dict[str, str]:
    """Every tag mutagen reads, chapters left out, as comparable text."""
    try:
        found = mutagen.File(path)
    except mutagen.MutagenError as error:
        return {"mutagen": f"cannot read it: {error}"}
    values: dict[str, str] = {}
    if found is None:
        return values
    for key, value in (found.tags or {}).items() if hasattr(found.tags, "items") else []:
        if not CHAPTER_KEY.match(str(key)):
            values[str(key)] = _text(value)
    if isinstance(found.tags, list) or (found.tags is not None and not hasattr(found.tags, "items")):
        for key, value in found.tags:
            if not CHAPTER_KEY.match(key):
                values.setdefault(key.lower(), "")
                values[key.lower()] += value + "\n"
    for index, picture in enumerate(getattr(found, "pictures", None) or []):
        values[f"picture{index}"] = f"{picture.type} {picture.mime} {len(picture.data)}"
    return values


def _text(value: object) -> str:
    frame_text = getattr(value, "text", None)
    if frame_text is not None and not isinstance(value, str):
        return "/".join(map(str, frame_text))
    return repr(value) if not isinstance(value, list) else "\n".join(map(repr, value))


def _noted_frames(output: str) -> set[str]:
    """Frames the ID3v2.3 conversion note says were changed (their values may differ)."""
    frames: set[str] = set()
    for line in output.splitlines():
        if "ID3v2.3" in line:
            frames |= set(NOTED_FRAME.findall(line.split(":", 2)[-1]))
    return frames


def _refused_cleanly(result, path: Path, before: str) -> str | None:
    """Why a refusal is wrong, or None when it is clean."""
    if result.exit_code != 1:
        return f"exit {result.exit_code}"
    if "error:" not in result.stderr or "Traceback" in result.output:
        return f"unclear refusal: {result.output[-300:]}"
    if file_md5(path) != before:
        return "refused, but the file changed"
    return None


def check_file(original: Path, work: Path) -> str:
    """Run the whole cycle on a copy of ``original``; "written", "refused" or "wrong: …"."""
    path = work / original.name
    shutil.copyfile(original, path)
    runner = CliRunner()
    before = file_md5(path)
    shown = runner.invoke(main, ["show", "--json", str(path)])
    outline = work / "outline.md"
    if shown.exit_code != 0:
        if problem := _refused_cleanly(shown, path, before):
            return f"wrong: show: {problem}"
        outline.write_text(outline_for(60_000), encoding="utf-8")
        tagged = runner.invoke(main, ["tag", str(path), str(outline)])
        if problem := _refused_cleanly(tagged, path, before):
            return f"wrong: tag after a refused show: {problem}"
        return "refused"
    duration = json.loads(shown.stdout)["duration_ms"] or 0
    outline.write_text(outline_for(duration), encoding="utf-8")
    audio_before, tags_before = decoded(path), tag_values(path)
    tagged = runner.invoke(main, ["tag", str(path), str(outline)])
    if tagged.exit_code != 0:
        problem = _refused_cleanly(tagged, path, before)
        return f"wrong: tag: {problem}" if problem else "refused"
    expected = [(int(m[1]) * 60_000 + int(m[2]) * 1000, m[3])
                for m in re.finditer(r"^(\d+):(\d\d) (.*)$", outline.read_text("utf-8"), re.M)]
    again = runner.invoke(main, ["show", "--json", str(path)])
    if again.exit_code != 0:
        return f"wrong: show after tag: {again.output[-300:]}"
    ours = [(c["start_ms"], c["title"]) for c in json.loads(again.stdout)["chapters"]]
    if ours != expected:
        return f"wrong: show reads {ours}, expected {expected}"
    theirs = [(c.get("start_ms", 0), c.get("title")) for c in ffmpeg_chapters(path)]
    if [t for _, t in theirs] != [t for _, t in expected] or any(
            abs(a - b) > FFMPEG_SLACK_MS for (a, _), (b, _) in zip(theirs, expected, strict=True)):
        return f"wrong: ffmpeg reads {theirs}, expected {expected}"
    audio_after = decoded(path)
    # A file ffmpeg could not open at all (a damaged picture block) may come out repaired:
    # mutagen rewrites its metadata blocks whole. Its audio then cannot be compared.
    if audio_after != audio_before and audio_before != NO_AUDIO:
        return "wrong: the decoded audio changed"
    tags_after = tag_values(path)
    allowed = _noted_frames(tagged.stderr)
    changed = sorted(key for key in tags_before.keys() | tags_after.keys()
                     if tags_before.get(key) != tags_after.get(key) and key[:4] not in allowed)
    if changed:
        return "wrong: tags changed: " + ", ".join(
            f"{key}: {tags_before.get(key)!r} -> {tags_after.get(key)!r}" for key in changed)
    return "written"


@pytest.mark.parametrize("original", FILES, ids=[path.name for path in FILES])
def test_every_corpus_file_is_tagged_right_or_refused_cleanly(original: Path, tmp_path: Path):
    outcome = check_file(original, tmp_path)
    OUTCOMES[original.name] = outcome
    assert not outcome.startswith("wrong"), outcome


def test_the_corpus_is_the_pinned_one():
    names = {path.name for path in FILES}
    assert len(names) == 99
    assert {"nero-chapters.m4b", "vbri.mp3", "silence-44-s.flac", "id3v22-test.mp3",
            "alac.m4a", "multipagecomment.ogg", "11k-1ch-2s-silence.aif"} <= names


def test_the_real_command_on_a_few_corpus_files(tmp_path: Path):
    import sys

    def run(*args: str | Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "podcast_tool", *map(str, args)],
                              capture_output=True, text=True, check=False, timeout=60)

    by_name = {path.name: path for path in FILES}
    outline = tmp_path / "outline.md"
    outline.write_text(outline_for(2000), encoding="utf-8")
    written = tmp_path / "xing.mp3"
    shutil.copyfile(by_name["xing.mp3"], written)
    tagged = run("tag", written, outline)
    assert tagged.returncode == 0, tagged.stderr
    assert json.loads(run("show", "--json", written).stdout)["chapters"][0]["title"] == \
        "Ouverture : « mot d'accueil »"
    for name, words in (("empty.spx", "Ogg Speex audio, which cannot carry chapters"),
                        ("nero-chapters.m4b", "too short to hold chapters")):
        path = tmp_path / name
        shutil.copyfile(by_name[name], path)
        before = file_md5(path)
        refused = run("tag", path, outline)
        assert refused.returncode == 1 and words in refused.stderr, refused.stderr
        assert "Traceback" not in refused.stderr and file_md5(path) == before

"""Hostile outlines and chapter files: only our own errors escape, in time linear in the size.

Builds on ``test_outline.py`` (which fuzzes ``parse_outline`` on text): here the whole way
from the file's *bytes* is fuzzed (``pipeline.decode_text``, format sniffing, every format's
``load``, ``validate``, and the tables and diagnostics the CLI prints), with coverage-guided
fuzzing by atheris on top; titles with control characters, NUL, lone surrogates or rich
markup are followed into real audio files; long titles are followed into each container's
limits; and a 10 MB outline is checked to cost about ten times a 1 MB one.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from mutagen.mp4 import MP4
from rich.console import Console

from bench.bench_parse import outline as long_outline
from podcast_tool import containers, formats
from podcast_tool.cli import main
from podcast_tool.cli.common import print_diagnostics, print_json
from podcast_tool.cli.tables import chapter_table, episode_to_dict
from podcast_tool.errors import PodcastToolError
from podcast_tool.outline.timecodes import format_clock
from podcast_tool.pipeline import decode_text, load_chapters
from podcast_tool.validate import validate
from tests.conftest import ffmpeg_chapters
from tests.reliability.conftest import count
from tests.reliability.harness import ROOT

FORMAT_NAMES = [chapter_format.name for chapter_format in formats.all_formats()]
FUZZ_EXAMPLES = 300
PER_FORMAT_EXAMPLES = 60
ATHERIS_RUNS = 4000
HUGE_TABLE_EXAMPLES = 12

# --- fuzzing from bytes ----------------------------------------------------------------

TIMES = ["0'20", "1'03''37", "2’28’’25", "0:20", "01:03:37.500", "20 s", "7 min 10", "1h03m37s",
         "99999'99", "99999999999999999999:00", "1'99", "-0:01", "0'20 à 0'10", "1e308", "NaN",
         "00:00:00,000 --> 99:99:99,999", "CHAPTER01=00:00:00.000", "[00:20]", "de 0'20 à"]
PIECES = ["Accueil", "Débat", " ", "  ", "\t", "\n", "\r\n", "\r", "**", "*", "_", "[", "]", "(", ")",
          "[lien](https://example.org/)", "![img](a.png)", "# ", "> ", "- ", "1. ", "\\", "'", '"',
          "’", "«", "»", "\x00", "\x07", "\x1b[31m", "\x7f", "\x85", "\u200f", "\u202e", "\u2028",
          "\ufeff", "\ufffe", "\ud800", "\udfff", "🎙", "[/b]", "[red]", "[/]", "{", "}", ":", "=",
          "WEBVTT\n\n", "[CHAPTER]\nTIMEBASE=1/1000\nSTART=0\nEND=9\ntitle=", ";FFMETADATA1\n",
          '{"chapters": [{"startTime": ', '"title": "\\u0000"}', "}]}", "<psc:chapters>",
          '<psc:chapter start="', '" title="', '"/>', "FILE \"a.mp3\" MP3\n  TRACK 01 AUDIO\n",
          "INDEX 01 ", "TITLE ", "\t0.000000\t",
          # JSON escapes of lone surrogates and controls: decoded, no UTF-8 output can hold them.
          '"title": "a\\udfffb"}', '"title": "\\ud800"}', '"description": "\\udce9"', '"\\u001b"',
          '"url": "https://a/\\udfff"', '"img": "\\ud83d.png"', '{"title": "\\udfff", "chapters": [']


def encoded(text: str, how: str) -> bytes:
    if how == "cp1252":
        return text.encode("cp1252", "replace")
    if how == "bom":
        return b"\xef\xbb\xbf" + text.encode("utf-8", "surrogatepass")
    return text.encode("utf-8", "surrogatepass")  # lone surrogates become invalid UTF-8


outline_like = st.builds(
    encoded,
    st.lists(st.one_of(st.sampled_from(TIMES), st.sampled_from(PIECES), st.text(max_size=8)),
             max_size=40).map("".join),
    st.sampled_from(["utf-8", "cp1252", "bom"]),
)


def utf8_stream() -> io.TextIOWrapper:
    """A stream that encodes as a terminal's does: a lone surrogate fails, as it would there."""
    return io.TextIOWrapper(io.BytesIO(), encoding="utf-8", errors="strict")


#: Titles for structured sidecars: text with lone surrogates and controls among ordinary letters.
broken_title = st.lists(st.one_of(st.sampled_from(["\ud800", "\udfff", "\udce9", "\x00", "\x1b",
                                                   "\x85", "é", "[/b]", " "]),
                                  st.text(max_size=4)), max_size=6).map("".join)


def json_sidecar(entries: list[tuple[float, str, str]], title: str) -> bytes:
    """A well-formed JSON chapter file: its escapes (``\\udfff``) decode to lone surrogates."""
    chapters = [{"startTime": start, "title": text, "url": f"https://a/{url}"}
                for start, text, url in entries]
    return json.dumps({"version": "1.2.0", "title": title, "chapters": chapters}).encode("ascii")


sidecar_like = st.builds(json_sidecar, st.lists(st.tuples(
    st.floats(0, 36_000, allow_nan=False), broken_title, broken_title), max_size=6), broken_title)


def render(episode: object, diagnostics: list) -> None:
    """What ``show``, ``check`` and ``tag`` print, and ``--json`` (rich must not fail)."""
    console = Console(file=utf8_stream(), width=100)
    console.print(chapter_table(episode))  # type: ignore[arg-type]
    real_stdout, real_stderr = sys.stdout, sys.stderr
    try:
        sys.stdout, sys.stderr = utf8_stream(), utf8_stream()
        print_diagnostics(diagnostics)
        print_json({**episode_to_dict(episode), "diagnostics": [d.to_dict() for d in diagnostics]})  # type: ignore[arg-type]
        sys.stdout.flush()
        sys.stderr.flush()
    finally:
        sys.stdout, sys.stderr = real_stdout, real_stderr


def read_like_the_cli(data: bytes, *, printed: bool = True) -> None:
    """Bytes of a chapter file, through everything ``check`` does with them."""
    try:
        text, diagnostics = decode_text(data, Path("plan.md"))
        chapter_format = formats.guess_format(text, Path("plan.md"))
        episode, more = chapter_format.load(text, Path("plan.md"))
        episode.duration_ms = 3_600_000
        found = diagnostics + more + validate(episode)
    except PodcastToolError:
        return
    if printed:
        render(episode, found)


@settings(max_examples=FUZZ_EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.one_of(outline_like, sidecar_like, st.binary(max_size=300)))
def test_fuzz_any_bytes_through_decoding_sniffing_loading_validating_printing(data: bytes) -> None:
    count("fuzzed chapter files (hypothesis, whole reading path)")
    read_like_the_cli(data)


def huge_table(rows: int, title: str, title_repeat: int) -> bytes:
    """An outline of ``rows`` chapters, one of them with a very long (possibly broken) title."""
    lines = [f"- {format_clock(i * 20_000)} Chapitre {i}" for i in range(rows)]
    lines[rows // 2] += " " + title * title_repeat
    return "\n".join(lines).encode("utf-8", "surrogatepass")


@settings(max_examples=HUGE_TABLE_EXAMPLES, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.builds(huge_table, st.integers(150, 3000), broken_title, st.integers(1, 20_000)))
def test_fuzz_huge_tables_and_titles_through_the_whole_reading_path(data: bytes) -> None:
    count("fuzzed huge tables and titles (hypothesis)")
    read_like_the_cli(data)


@pytest.mark.parametrize("format_name", FORMAT_NAMES)
def test_fuzz_every_format_loader_raises_only_our_errors(format_name: str) -> None:
    chapter_format = formats.get_format(format_name)

    @settings(max_examples=PER_FORMAT_EXAMPLES, deadline=None,
              suppress_health_check=[HealthCheck.too_slow])
    @given(data=outline_like)
    def load(data: bytes) -> None:
        count("fuzzed inputs per format loader (hypothesis)")
        text = data.decode("utf-8", "replace")
        try:
            episode, diagnostics = chapter_format.load(text, Path("plan.txt"))
        except PodcastToolError:
            return
        render(episode, diagnostics + validate(episode))

    load()


ATHERIS_HARNESS = r"""
import sys
import atheris
with atheris.instrument_imports():
    from pathlib import Path
    from podcast_tool import formats, pipeline, validate
    from podcast_tool.errors import PodcastToolError

def one_input(data: bytes) -> None:
    try:
        text, _ = pipeline.decode_text(data, Path("plan.md"))
        episode, _ = formats.guess_format(text, Path("plan.md")).load(text, Path("plan.md"))
        episode.duration_ms = 3_600_000
        validate.validate(episode)
    except PodcastToolError:
        pass

atheris.Setup([sys.argv[0], f"-runs={sys.argv[1]}", "-max_len=600", "-seed=20201218", sys.argv[2]],
              one_input)
atheris.Fuzz()
"""


def test_atheris_coverage_guided_fuzzing_finds_no_crash(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    seed = (ROOT / "chapters" / "travail-pair-2020-12-18.md").read_bytes()
    (corpus / "seed.md").write_bytes(seed[:600])
    (corpus / "json").write_bytes(b'{"chapters": [{"startTime": 0, "title": "A"}]}')
    (corpus / "vtt").write_bytes(b"WEBVTT\n\n00:00.000 --> 00:20.000\nAccueil\n")
    result = subprocess.run([sys.executable, "-c", ATHERIS_HARNESS, str(ATHERIS_RUNS), str(corpus)],
                            cwd=tmp_path, capture_output=True, text=True, timeout=120,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert result.returncode == 0, result.stderr[-3000:]
    assert f"Done {ATHERIS_RUNS} runs" in result.stderr
    count("coverage-guided runs (atheris)", ATHERIS_RUNS)


# --- titles that no chapter marker can hold ------------------------------------------------

CONTAINERS = ("mp3", "m4a", "ogg", "flac")


def tag(audio: Path, chapters: Path) -> object:
    return CliRunner().invoke(main, ["tag", str(audio), str(chapters)])


@pytest.mark.parametrize("ext", CONTAINERS)
@pytest.mark.parametrize("character", ["\x00", "\x1b", "\x85", "\ud800"])
def test_control_characters_from_a_sidecar_are_refused_before_anything_is_written(
        audio_copy, tmp_path, ext, character):
    audio = audio_copy(ext)
    before = audio.read_bytes()
    plan = tmp_path / "chapitres.json"
    plan.write_text(json.dumps({"chapters": [{"startTime": 0, "title": "Accueil"},
                                             {"startTime": 5, "title": f"Dé{character}bat"}]}), "utf-8")
    result = tag(audio, plan)
    assert result.exit_code == 1, result.output
    assert f"{plan}: error: the title of the chapter at 0:05 contains U+{ord(character):04X}" in result.stderr
    assert f"{audio}: error: 1 error in the chapters; nothing was written" in result.stderr
    assert audio.read_bytes() == before


@pytest.mark.parametrize("ext", CONTAINERS)
def test_control_characters_in_an_outline_are_removed_and_the_rest_written(audio_copy, tmp_path, ext):
    audio = audio_copy(ext)
    plan = tmp_path / "plan.md"
    plan.write_bytes("0'00 Ac\x85cueil\x1b\n0'05 Dé\x07bat \u202eà l'envers\n".encode())
    result = tag(audio, plan)
    assert result.exit_code == 0, result.output
    assert "removed invisible control characters from the title" in result.stderr
    assert [c["title"] for c in ffmpeg_chapters(audio)] == ["Accueil", "Débat \u202eà l'envers"]


def test_an_outline_with_nul_bytes_is_refused_as_binary(audio_copy, tmp_path):
    audio = audio_copy("mp3")
    before = audio.read_bytes()
    plan = tmp_path / "plan.md"
    plan.write_bytes(b"0'00 Ac\x00cueil\n0'05 Suite\n")
    result = tag(audio, plan)
    assert result.exit_code == 1
    assert result.stderr == f"{plan}: error: this is a binary file, not a text outline\n"
    assert audio.read_bytes() == before


def test_rich_markup_in_titles_and_file_names_is_printed_as_written(audio_copy, tmp_path):
    # "[/b]" in a title made rich raise MarkupError (a traceback) after the file was written.
    audio = audio_copy("mp3", name="[red]replay.mp3")
    plan = tmp_path / "[bold]plan.md"
    plan.write_text("# Plan [/]\n0'00 Accueil [en direct]\n0'05 Débat [/b] fin\n", "utf-8")
    runner = CliRunner()
    corrected = tmp_path / "[red]corrigé.md"
    for args in (["check", str(plan)], ["show", str(plan)], ["tag", str(audio), str(plan)],
                 ["show", str(audio)], ["tag", "--dry-run", str(audio), str(plan)],
                 ["snap", str(audio), str(plan), "-o", str(corrected)]):
        result = runner.invoke(main, args)
        assert result.exit_code == 0, (args, result.output, result.exception)
        assert "Débat [/b] fin" in result.stdout, args
    assert f"wrote 2 chapters to {audio}" in runner.invoke(main, ["tag", str(audio), str(plan)]).stdout
    assert "Plan [/]" in runner.invoke(main, ["show", str(plan)]).stdout
    assert f"wrote the corrected outline to {corrected}" in runner.invoke(
        main, ["snap", str(audio), str(plan), "-o", str(corrected)]).stdout
    empty = tmp_path / "[red]vide.json"
    empty.write_text('{"chapters": []}', "utf-8")
    assert f"{empty}: no chapters" in runner.invoke(main, ["show", str(empty)]).stdout


# --- long titles: cut at character boundaries where a format has a limit --------------------

LONG_TITLE = "Intervention " + "é" * 150 + "🎙" * 20 + " fin"  # 13 + 300 + 80 + 4 bytes


@pytest.mark.parametrize("ext", CONTAINERS)
def test_a_long_title_is_kept_whole_or_cut_at_a_character_boundary(audio_copy, tmp_path, ext):
    audio = audio_copy(ext)
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps({"chapters": [{"startTime": 0, "title": "Accueil"},
                                             {"startTime": 5, "title": LONG_TITLE}]}), "utf-8")
    result = tag(audio, plan)
    assert result.exit_code == 0, result.output
    # ID3 and Vorbis comments have no practical limit; MP4's QuickTime track holds 65535 bytes.
    assert containers.read_chapters(audio).chapters[1].title == LONG_TITLE
    assert ffmpeg_chapters(audio)[1]["title"] == LONG_TITLE
    if ext == "m4a":
        # chpl titles stop at 127 bytes (AntennaPod reads the length byte signed): cut where a
        # character ends, and the user is told.
        kept = MP4(audio).chapters[1].title
        assert len(kept.encode()) <= 127 and LONG_TITLE.startswith(kept)
        assert len(kept.encode()) > 123
        assert "title is longer than 127 bytes" in result.stderr


# --- size: linear growth -------------------------------------------------------------------

def best_time(action, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        began = time.perf_counter()
        action()
        best = min(best, time.perf_counter() - began)
    return best


def test_a_10_MB_outline_costs_about_ten_times_a_1_MB_one(tmp_path):
    """A complexity check, not a benchmark (bench/bench_parse.py shows the numbers)."""
    small, large = tmp_path / "small.md", tmp_path / "large.md"
    small.write_text(long_outline(10_000), "utf-8")
    large.write_text(long_outline(100_000), "utf-8")
    assert large.stat().st_size > 10_000_000
    small_seconds = best_time(lambda: load_chapters(small), 3)
    loaded = []
    large_seconds = best_time(lambda: loaded.append(load_chapters(large)), 1)
    assert len(loaded[0][0].chapters) > 25_000
    # Ten times the lines: linear is ~10x, quadratic would be ~100x; allow noise up to 30x.
    assert large_seconds < 30 * small_seconds, (small_seconds, large_seconds)


@pytest.mark.parametrize("line", ["**x", "[a](", "1'2'", "_", "\\", " -", "0'20 [", "![a](b"])
def test_one_hostile_line_costs_time_linear_in_its_length(line):
    """Decoding, sniffing, loading and validating (rich's wrapping of a huge title is not ours)."""
    # As a chapter's title (after a time) and as a line of notes.
    small, large = ((f"0'20 {line * count}\n{line * count}\n").encode() for count in (10_000, 100_000))
    small_seconds = best_time(lambda: read_like_the_cli(small, printed=False), 3)
    large_seconds = best_time(lambda: read_like_the_cli(large, printed=False), 3)
    assert large_seconds < 30 * small_seconds + 0.05, (small_seconds, large_seconds)

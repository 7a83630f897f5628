"""Snapping outline times to real pauses: accuracy on synthetic replays, rules, CLI.

The replays (tests/snap/replay.py) know where every pause and breath lies, so each test checks the
snapped times against the truth: inside the true pause, never in a breath.
"""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from podcast_tool.cli import main
from podcast_tool.ffmpeg import ffmpeg_exe
from podcast_tool.model import Chapter, Episode, Severity
from podcast_tool.snap import pauses as silence
from podcast_tool.snap.pauses import Pause, PauseScan
from podcast_tool.snap.placement import (
    DEFAULT_MIN_PAUSE_MS,
    LEAD_MS,
    MARGIN_MS,
    MIN_CHAPTER_MS,
    SnapOptions,
    collect_boundaries,
    place_boundaries,
    snap_episode,
)
from tests.conftest import ffmpeg_chapters
from tests.snap.replay import ReplayPlan, Span, in_breath, plan_replay, write_replay

REPLAY_SECONDS = 150
WRITTEN = [20_000, 50_000, 80_000, 110_000, 135_000]
#: Placement precision: the 300 ms lead is measured from a 10 ms-frame edge and rounded to 0.1 s.
PLACEMENT_TOLERANCE_MS = 150
VARIANTS: dict[str, dict[str, object]] = {
    "clean": {"seed": 11},
    "noisy": {"seed": 12, "noise_db": -36.0},
    "music-bed": {"seed": 13, "music_db": -34.0},
    "loud-next-to-quiet": {"seed": 14, "speaker_db": (-6.0, -28.0)},
    "no-pause-at-3rd": {"seed": 15, "no_pause": (2,)},
}
#: (variant, encoding, extra ffmpeg output arguments): codecs, bitrates, rates, channel counts.
MATRIX = [
    ("clean", "flac", ("-ar", "48000", "-ac", "2")),
    ("noisy", "mp3-32k", ("-ar", "22050")),
    ("noisy", "mp3-vbr", ("-ar", "44100", "-ac", "2")),
    ("music-bed", "ogg", ("-ar", "22050")),
    ("music-bed", "m4a-160k", ("-ar", "32000")),
    ("loud-next-to-quiet", "m4a-32k", ("-ar", "16000")),
    ("loud-next-to-quiet", "mp3-160k", ("-ar", "44100", "-ac", "2")),
]

Replay = tuple[ReplayPlan, Path]


@pytest.fixture(scope="session")
def replay(tmp_path_factory: pytest.TempPathFactory) -> Callable[..., Replay]:
    """``replay("noisy", "mp3", extra)``: a session-cached synthetic replay and its truth."""
    folder = tmp_path_factory.mktemp("replays")
    cache: dict[tuple[str, str, tuple[str, ...]], Replay] = {}

    def make(variant: str, encoding: str = "flac", extra: tuple[str, ...] = ()) -> Replay:
        key = (variant, encoding, extra)
        if key not in cache:
            plan = plan_replay(REPLAY_SECONDS, WRITTEN, **VARIANTS[variant])  # type: ignore[arg-type]
            suffix = encoding.split("-")[0]
            path = folder / f"{variant}-{encoding}-{len(cache)}.{suffix}"
            cache[key] = (plan, write_replay(plan, path, encoding, extra))
        return cache[key]

    return make


def outline_episode(plan: ReplayPlan, source: Path | None = None) -> Episode:
    chapters = [Chapter(0, "Accueil", line=1)]
    chapters += [Chapter(ms, f"Partie {n}", line=n + 1) for n, ms in enumerate(plan.written_ms, 1)]
    return Episode(chapters=chapters, duration_ms=plan.duration_ms, source=source)


def assert_snapped_into_true_pauses(plan: ReplayPlan, starts: list[int]) -> None:
    for index, (written, snapped) in enumerate(zip(plan.written_ms, starts, strict=True)):
        pause = plan.pauses[index]
        assert not in_breath(plan, snapped) or snapped == written, f"{written} went into a breath"
        if pause is None:
            assert snapped == written
            continue
        assert pause.contains(snapped), f"{written} → {snapped}, true pause {pause}"
        assert abs(snapped - (pause.end_ms - LEAD_MS)) <= PLACEMENT_TOLERANCE_MS


# --- accuracy ------------------------------------------------------------------------------------

@pytest.mark.parametrize(("variant", "encoding", "extra"), MATRIX,
                         ids=[f"{v}-{e}-{'-'.join(x)}" for v, e, x in MATRIX])
def test_every_boundary_lands_in_its_true_pause(replay: Callable[..., Replay], variant: str,
                                                encoding: str, extra: tuple[str, ...]) -> None:
    plan, audio = replay(variant, encoding, extra)
    episode = outline_episode(plan)
    snapped, diagnostics, report = snap_episode(audio, episode, SnapOptions())
    starts = [c.start_ms for c in snapped.chapters]
    assert starts[0] == 0, "the chapter at 0 is the recording's start and never moves"
    assert_snapped_into_true_pauses(plan, starts[1:])
    assert [row.status for row in report.rows] == ["edge"] + ["moved"] * len(WRITTEN)
    assert all(row.pause_ms is not None and row.pause_ms >= DEFAULT_MIN_PAUSE_MS
               for row in report.rows[1:])
    assert all(0 < row.confidence <= 1 for row in report.rows[1:])
    assert not [d for d in diagnostics if d.severity is not Severity.INFO]
    # The written outline is left as it was.
    assert [c.start_ms for c in episode.chapters][1:] == WRITTEN


def test_boundary_without_pause_keeps_its_written_time(replay: Callable[..., Replay]) -> None:
    plan, audio = replay("no-pause-at-3rd", "mp3")
    source = Path("outline.md")
    snapped, diagnostics, report = snap_episode(audio, outline_episode(plan, source), SnapOptions())
    assert_snapped_into_true_pauses(plan, [c.start_ms for c in snapped.chapters[1:]])
    kept = report.rows[3]
    assert (kept.written_ms, kept.snapped_ms, kept.status) == (80_000, 80_000, "no-pause")
    assert kept.pause_ms is None and kept.confidence_label == "—"
    # The written time sits on a 0.45–0.5 s breath, the trap the default must not fall into.
    assert in_breath(plan, 80_000)
    [warning] = [d for d in diagnostics if d.code == "snap-no-pause"]
    assert warning.severity is Severity.WARNING
    assert (warning.file, warning.line) == ("outline.md", 4)
    assert "1:20" in warning.message and "kept the written time" in warning.message


def test_default_min_pause_separates_breaths_from_pauses(replay: Callable[..., Replay]) -> None:
    """The default (0.8 s) was chosen from these measurements: breaths read shorter, pauses longer."""
    longest_breath = 0
    shortest_pause = 10**9
    for variant, encoding, extra in MATRIX[::2]:
        plan, audio = replay(variant, encoding, extra)
        for index, written in enumerate(plan.written_ms):
            start = written - 12_000
            levels = silence.frame_levels(silence.decode_window(audio, start, 24_000))
            scan = silence.find_pauses(levels, max(0, start), min_pause_ms=100)
            closed = [p for p in scan.pauses if not (p.open_start or p.open_end)]
            truth = plan.pauses[index]
            assert truth is not None
            runs_in_pause = [p.length_ms for p in closed if _overlaps(p, truth)]
            shortest_pause = min(shortest_pause, max(runs_in_pause))
            for run in closed:
                if any(_overlaps(run, b) for b in plan.breaths) and not _overlaps(run, truth):
                    longest_breath = max(longest_breath, run.length_ms)
    assert longest_breath + 150 <= DEFAULT_MIN_PAUSE_MS <= shortest_pause - 150, (
        longest_breath, shortest_pause)


def _overlaps(run: Pause, span: Span) -> bool:
    return run.start_ms < span.end_ms and span.start_ms < run.end_ms


def test_quiet_threshold_follows_the_recordings_loudness(tmp_path: Path) -> None:
    """The same replay 30 dB quieter snaps to the same places: no fixed dBFS threshold."""
    plan = plan_replay(REPLAY_SECONDS, WRITTEN, seed=16)
    loud = write_replay(plan, tmp_path / "loud.flac", "flac")
    quiet = write_replay(plan, tmp_path / "quiet.flac", "flac", ("-af", "volume=-30dB"))
    results = []
    for audio in (loud, quiet):
        snapped, _, report = snap_episode(audio, outline_episode(plan), SnapOptions())
        results.append([c.start_ms for c in snapped.chapters])
        assert_snapped_into_true_pauses(plan, results[-1][1:])
    assert results[0] == results[1]
    assert report.rows[1].threshold_db is not None and report.rows[1].threshold_db < -70


def test_flat_window_keeps_the_written_time(tmp_path: Path) -> None:
    audio = tmp_path / "hum.flac"
    subprocess.run([ffmpeg_exe(), "-loglevel", "error", "-f", "lavfi", "-i",
                    "anoisesrc=color=white:amplitude=0.1:duration=60:sample_rate=16000",
                    audio], check=True)
    episode = Episode(chapters=[Chapter(0, "a"), Chapter(30_000, "b")], duration_ms=60_000)
    snapped, diagnostics, report = snap_episode(audio, episode, SnapOptions())
    assert snapped.chapters[1].start_ms == 30_000
    assert report.rows[1].status == "flat"
    assert [d.code for d in diagnostics] == ["snap-flat"]


# --- ends and neighbours -------------------------------------------------------------------------

def test_shared_end_moves_with_its_start_and_lone_end_snaps_alone(
        tmp_path: Path) -> None:
    # Chapter 1 ends at 50 s and chapter 2 starts at 80 s (a gap); chapter 2's end is chapter 3's start.
    plan = plan_replay(REPLAY_SECONDS, [20_000, 50_000, 80_000, 110_000], seed=17)
    audio = write_replay(plan, tmp_path / "gap.mp3", "mp3")
    episode = Episode(chapters=[Chapter(20_000, "un", end_ms=50_000),
                                Chapter(80_000, "deux", end_ms=110_000),
                                Chapter(110_000, "trois")], duration_ms=plan.duration_ms)
    snapped, _, report = snap_episode(audio, episode, SnapOptions())
    one, two, three = snapped.chapters
    assert [row.kind for row in report.rows] == ["start", "end", "start", "start"]
    assert report.rows[3].chapters == (2, 3)
    assert two.end_ms == three.start_ms != 110_000
    assert plan.pauses[3] is not None and plan.pauses[3].contains(three.start_ms)
    lone_end_pause = plan.pauses[1]
    assert lone_end_pause is not None and one.end_ms is not None
    assert lone_end_pause.contains(one.end_ms)
    # A lone end goes just after the speech stops, not just before it resumes.
    assert abs(one.end_ms - (lone_end_pause.start_ms + LEAD_MS)) <= PLACEMENT_TOLERANCE_MS
    assert plan.pauses[0] is not None and plan.pauses[0].contains(one.start_ms)
    assert plan.pauses[2] is not None and plan.pauses[2].contains(two.start_ms)


def _scan(pauses: list[tuple[int, int]], around: int) -> PauseScan:
    return PauseScan(start_ms=around - 14_000, end_ms=around + 14_000, floor_db=-60.0,
                     speech_db=-20.0, threshold_db=-45.0,
                     pauses=[Pause(a, b, -60.0) for a, b in pauses])


def test_boundary_never_moves_past_its_neighbour() -> None:
    # Two starts 4 s apart: the only pause lies beyond the second, at 106–108 s.
    episode = Episode(chapters=[Chapter(100_000, "a"), Chapter(104_000, "b")])
    boundaries = collect_boundaries(episode)
    scans: list[PauseScan | None] = [_scan([(106_000, 108_000)], b.written_ms) for b in boundaries]
    snapped, diagnostics, report = place_boundaries(episode, boundaries, scans, SnapOptions())
    first, second = (c.start_ms for c in snapped.chapters)
    assert first == 100_000 and report.rows[0].status == "no-pause"
    assert second == 107_700
    assert [d.code for d in diagnostics] == ["snap-no-pause"]


def test_lone_end_and_next_start_share_a_pause_only_as_long_as_their_gap() -> None:
    def snap(end_ms: int, start_ms: int, pauses: list[tuple[int, int]]) -> tuple[int, int]:
        episode = Episode(chapters=[Chapter(20_000, "a", end_ms=end_ms), Chapter(start_ms, "b")])
        boundaries = collect_boundaries(episode)
        scans: list[PauseScan | None] = [_scan(pauses, b.written_ms) for b in boundaries]
        snapped, _, _ = place_boundaries(episode, boundaries, scans, SnapOptions())
        first, second = snapped.chapters
        assert first.end_ms is not None
        return first.end_ms, second.start_ms

    # A 10 s gap written: the 2.4 s pause after the end is the end's; the start takes the
    # pause before the next speaker, though the first would score higher on its own.
    assert snap(50_000, 60_000, [(54_600, 57_000), (62_800, 64_100)]) == (54_900, 63_800)
    # A 6 s gap that is one 5 s silence: the end opens it, the start closes it.
    assert snap(50_000, 56_000, [(51_000, 56_000)]) == (51_300, 55_700)


def test_longer_and_nearer_pause_wins() -> None:
    episode = Episode(chapters=[Chapter(100_000, "a")])
    boundaries = collect_boundaries(episode)

    def snap(pauses: list[tuple[int, int]]) -> int:
        snapped, _, _ = place_boundaries(episode, boundaries, [_scan(pauses, 100_000)],
                                         SnapOptions())
        return snapped.chapters[0].start_ms

    # Same length: the nearer wins. Same distance: the longer wins.
    assert snap([(94_000, 95_000), (101_000, 102_000)]) == 101_700
    assert snap([(96_300, 98_300), (101_000, 102_000)]) == 98_000
    # 1 s at 1.7 s away against 3 s at 8 s away: 0.79 against 0.99, the long pause wins.
    assert snap([(101_000, 102_000), (105_300, 108_300)]) == 108_000


@settings(max_examples=150, deadline=None)
@given(st.lists(st.integers(1, 400), min_size=1, max_size=8, unique=True),
       st.lists(st.tuples(st.integers(0, 420_000), st.integers(800, 6000)), max_size=25),
       st.integers(1, 20))
def test_snapped_boundaries_keep_their_order_and_stay_in_window(
        starts_s: list[int], pause_specs: list[tuple[int, int]], window_s: int) -> None:
    written = sorted(s * 1000 for s in starts_s)
    episode = Episode(chapters=[Chapter(ms, str(ms)) for ms in written])
    boundaries = collect_boundaries(episode)
    pauses = [(a, a + length) for a, length in pause_specs]
    scans: list[PauseScan | None] = [_scan(pauses, ms) for ms in written]
    options = SnapOptions(window_ms=window_s * 1000)
    snapped, _, report = place_boundaries(episode, boundaries, scans, options)
    times = [c.start_ms for c in snapped.chapters]
    for before, after, w_before, w_after in zip(times, times[1:], written, written[1:],
                                                strict=False):
        assert after - before >= min(MIN_CHAPTER_MS, w_after - w_before)
    for row in report.rows:
        assert abs(row.shift_ms) <= options.window_ms
        if row.status == "moved":
            assert any(a <= row.snapped_ms <= b for a, b in pauses)
        else:
            assert row.shift_ms == 0


# --- decoding ------------------------------------------------------------------------------------

#: Burst onsets at varied positions inside codec frames (AAC frames are 23.2 ms long).
BURSTS_S = (7.321, 19.004, 31.457, 44.989)


@pytest.mark.parametrize("codec", [["-c:a", "libmp3lame", "-b:a", "64k"],
                                   ["-c:a", "libmp3lame", "-q:a", "6"],
                                   ["-c:a", "aac", "-b:a", "64k", "-f", "mp4"],
                                   ["-c:a", "libvorbis", "-q:a", "2"],
                                   ["-c:a", "libopus", "-b:a", "48k"],
                                   ["-c:a", "flac"]],
                         ids=["mp3-cbr", "mp3-vbr", "m4a", "ogg", "opus", "flac"])
def test_window_times_are_exact(tmp_path: Path, codec: list[str]) -> None:
    """Each window starts where asked to within 5 ms, whatever the codec's seeking does."""
    extension = {"libmp3lame": "mp3", "aac": "m4a", "libvorbis": "ogg", "libopus": "opus",
                 "flac": "flac"}[codec[1]]
    bursts = "+".join(f"between(t,{t},{t + 0.3})" for t in BURSTS_S)
    audio = tmp_path / f"bursts.{extension}"
    subprocess.run([ffmpeg_exe(), "-loglevel", "error", "-f", "lavfi", "-i",
                    f"aevalsrc='0.005*(random(0)-0.5)+0.5*sin(2*PI*1000*t)*({bursts})'"
                    ":s=44100:d=50", "-ac", "1", *codec, audio], check=True)
    for burst in BURSTS_S:
        window_start = round(burst * 1000) - 2000
        samples = silence.decode_window(audio, window_start, 4000)
        assert abs(len(samples) * 1000 / silence.SAMPLE_RATE - 4000) <= 10
        onset_ms = np.argmax(np.abs(samples) > 0.25) * 1000 / silence.SAMPLE_RATE
        assert abs(onset_ms - (burst * 1000 - window_start)) <= 5, (burst, onset_ms)


def test_work_grows_with_chapters_not_with_length(
        replay: Callable[..., Replay], monkeypatch: pytest.MonkeyPatch) -> None:
    plan, audio = replay(*MATRIX[0])
    decoded: list[tuple[int, int]] = []
    real_decode = silence.decode_window

    def recording_decode(path: Path, start_ms: int, length_ms: int):  # type: ignore[no-untyped-def]
        decoded.append((start_ms, length_ms))
        return real_decode(path, start_ms, length_ms)

    monkeypatch.setattr(silence, "decode_window", recording_decode)
    options = SnapOptions()
    snap_episode(audio, outline_episode(plan), options)
    per_boundary = 2 * (options.window_ms + MARGIN_MS)
    assert sum(length for _, length in decoded) <= len(WRITTEN) * per_boundary
    assert sum(length for _, length in decoded) < plan.duration_ms


def test_undecodable_audio_is_named(tmp_path: Path) -> None:
    audio = tmp_path / "notes.txt"
    audio.write_text("not audio at all\n")
    chapters = tmp_path / "chapters.json"
    chapters.write_text(json.dumps({"version": "1.2.0", "chapters": [{"startTime": 20}]}))
    result = CliRunner().invoke(main, ["snap", str(audio), str(chapters)])
    assert result.exit_code == 1
    assert "notes.txt" in result.stderr and "Traceback" not in result.output


# --- command line --------------------------------------------------------------------------------

def json_chapters(path: Path, plan: ReplayPlan) -> Path:
    chapters = [{"startTime": 0, "title": "Accueil"}]
    chapters += [{"startTime": ms / 1000, "title": f"Partie {n}"}
                 for n, ms in enumerate(plan.written_ms, 1)]
    path.write_text(json.dumps({"version": "1.2.0", "chapters": chapters}), encoding="utf-8")
    return path


def test_snap_command_shows_the_moves_and_writes_nothing(
        replay: Callable[..., Replay], tmp_path: Path) -> None:
    plan, audio = replay(*MATRIX[5])
    chapters = json_chapters(tmp_path / "chapters.json", plan)
    before = chapters.read_bytes(), audio.read_bytes()
    result = CliRunner().invoke(main, ["snap", str(audio), str(chapters)])
    assert result.exit_code == 0, result.output
    for heading in ("written", "snapped", "shift", "pause", "confidence"):
        assert heading in result.stdout
    assert "0:20" in result.stdout and f"moved {len(WRITTEN)} of {len(WRITTEN) + 1}" in result.stdout
    assert (chapters.read_bytes(), audio.read_bytes()) == before


def test_snap_json_reports_every_boundary(replay: Callable[..., Replay], tmp_path: Path) -> None:
    plan, audio = replay(*MATRIX[3])
    chapters = json_chapters(tmp_path / "chapters.json", plan)
    result = CliRunner().invoke(main, ["snap", str(audio), str(chapters), "--json",
                                       "--window", "10", "--min-pause", "0.8"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    rows = data["snap"]["boundaries"]
    assert [row["written_ms"] for row in rows] == [0, *WRITTEN]
    assert_snapped_into_true_pauses(plan, [row["snapped_ms"] for row in rows[1:]])
    for row in rows[1:]:
        assert row["shift_ms"] == row["snapped_ms"] - row["written_ms"]
        assert row["pause_ms"] == row["pause_end_ms"] - row["pause_start_ms"]
        assert row["confidence_label"] in ("high", "medium", "low")
    assert [c["start_ms"] for c in data["chapters"]] == [row["snapped_ms"] for row in rows]
    assert data["written"] is None


def test_snap_output_file_keeps_the_input_format(replay: Callable[..., Replay],
                                                 tmp_path: Path) -> None:
    plan, audio = replay(*MATRIX[1])
    chapters = json_chapters(tmp_path / "chapters.json", plan)
    original = chapters.read_bytes()
    corrected = tmp_path / "corrected.json"
    result = CliRunner().invoke(main, ["snap", str(audio), str(chapters), "-o", str(corrected)])
    assert result.exit_code == 0, result.output
    assert chapters.read_bytes() == original
    starts = [round(c["startTime"] * 1000) for c in json.loads(corrected.read_text())["chapters"]]
    assert starts[0] == 0
    assert_snapped_into_true_pauses(plan, starts[1:])


def test_snap_refuses_to_overwrite_without_in_place(replay: Callable[..., Replay],
                                                    tmp_path: Path) -> None:
    plan, audio = replay(*MATRIX[1])
    chapters = json_chapters(tmp_path / "chapters.json", plan)
    original = chapters.read_bytes()
    runner = CliRunner()
    result = runner.invoke(main, ["snap", str(audio), str(chapters), "-o", str(chapters)])
    assert result.exit_code == 2 and "--in-place" in result.stderr
    result = runner.invoke(main, ["snap", str(audio), str(chapters), "-o", "x.json", "--in-place"])
    assert result.exit_code == 2
    assert chapters.read_bytes() == original
    result = runner.invoke(main, ["snap", str(audio), str(chapters), "--window", "0"])
    assert result.exit_code == 2
    result = runner.invoke(main, ["snap", str(audio), str(chapters), "--in-place"])
    assert result.exit_code == 0, result.output
    starts = [round(c["startTime"] * 1000) for c in json.loads(chapters.read_text())["chapters"]]
    assert_snapped_into_true_pauses(plan, starts[1:])


FRENCH_OUTLINE = """Webinaire de test

0'00 **Mot d'accueil**

0'20 **Introduction du sujet**

0'50 à 1'20 **Table ronde 1**

1'20 à 1'50 **Questions du public**

1'50 **Table ronde 2**

2'15 à 2'25 Conclusion et remerciements
"""


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_snap_writes_the_corrected_outline_in_its_notation(
        replay: Callable[..., Replay], tmp_path: Path, newline: str) -> None:
    from podcast_tool.outline.parser import parse_outline, retime_outline

    plan, audio = replay(*MATRIX[1])
    outline = tmp_path / "deroule.md"
    outline.write_bytes(FRENCH_OUTLINE.replace("\n", newline).encode("utf-8"))
    original = outline.read_bytes()
    corrected = tmp_path / "deroule-corrige.md"
    result = CliRunner().invoke(main, ["snap", str(audio), str(outline), "-o", str(corrected),
                                       "--json"])
    assert result.exit_code == 0, result.output
    assert outline.read_bytes() == original
    data = json.loads(result.stdout)
    new_times = [(c["start_ms"], c["end_ms"]) for c in data["chapters"]]
    assert data["written"] == str(corrected)
    assert_snapped_into_true_pauses(plan, [start for start, _ in new_times[1:6]])
    # A shared end (1'20 à … then 1'20) moved with its start.
    assert new_times[2][1] == new_times[3][0] and new_times[3][1] == new_times[4][0]
    expected = retime_outline(FRENCH_OUTLINE, new_times).replace("\n", newline)
    assert corrected.read_bytes().decode("utf-8") == expected
    reparsed, _ = parse_outline(expected.replace("\r\n", "\n"), corrected)
    assert [c.title for c in reparsed.chapters][1] == "Introduction du sujet"
    for chapter, (start, _) in zip(reparsed.chapters, new_times, strict=True):
        assert abs(chapter.start_ms - start) < 1000
    for line in expected.splitlines():
        if "**" in line or "Conclusion" in line:
            assert re.match(r"\d+'\d\d", line), line


# --- tag --snap ----------------------------------------------------------------------------------

@pytest.mark.parametrize(("variant", "encoding", "extra"), [MATRIX[1], MATRIX[0], MATRIX[3], MATRIX[4]],
                         ids=["mp3-22k", "flac-48k-stereo", "ogg-22k", "m4a-32k"])
def test_tag_snap_writes_snapped_chapters(replay: Callable[..., Replay], tmp_path: Path,
                                          variant: str, encoding: str,
                                          extra: tuple[str, ...]) -> None:
    plan, original = replay(variant, encoding, extra)
    audio = tmp_path / original.name
    audio.write_bytes(original.read_bytes())
    chapters = json_chapters(tmp_path / "chapters.json", plan)
    result = CliRunner().invoke(main, ["tag", str(audio), str(chapters), "--snap"])
    assert result.exit_code == 0, result.output
    assert "snapped" in result.stdout and "confidence" in result.stdout
    starts = [int(c["start_ms"]) for c in ffmpeg_chapters(audio)]  # type: ignore[call-overload]
    assert len(starts) == len(WRITTEN) + 1 and starts[0] <= 30
    # ffmpeg shifts MP3 chapter times by the encoder delay: allow its ~25 ms.
    for index, start in enumerate(starts[1:]):
        pause = plan.pauses[index]
        assert pause is not None
        assert pause.start_ms - 30 <= start <= pause.end_ms + 30, (index, start, pause)


def test_tag_window_options_need_snap(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["tag", "a.mp3", "b.json", "--window", "5"])
    assert result.exit_code == 2 and "--snap" in result.stderr


def test_command_defaults_are_the_snapping_defaults() -> None:
    from podcast_tool.cli.snap import command as snap_command
    from podcast_tool.snap.placement import DEFAULT_WINDOW_MS

    defaults = {p.name: p.default for p in snap_command.params}
    assert defaults["window"] * 1000 == DEFAULT_WINDOW_MS
    assert defaults["min_pause"] * 1000 == DEFAULT_MIN_PAUSE_MS

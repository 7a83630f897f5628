"""Move written chapter times to the real pauses in the recording ("snapping").

Outlines are written by ear, a few seconds off. For each boundary (a chapter start, or a
written end that stands alone), we look for pauses in a window of ``±window`` around the
written time (see ``podcast_tool.snap.pauses`` for what counts as a pause) and pick one.

Boundaries: every distinct written time among the chapter starts and written ends. A written
end equal to a start is the same boundary and moves with it; an end that stands alone (the
chapter is followed by a gap) is snapped on its own. Times at 0 and at (or past) the end of
the recording are the recording's edges and never move.

Placement (``LEAD_MS``): a start goes where a listener expects the chapter to begin: inside
the pause, 300 ms before the speech resumes (never earlier than the pause's middle), so the
first word is heard whole. A lone end goes 300 ms after the speech stops (never later than
the pause's middle), so the last word is kept.

Scoring, longer and nearer is better: each pause gets

    score = pause length in seconds × 0.5 ** (distance / 5 s)

where distance runs from the written time to where the boundary would go in that pause: a
pause 5 s further away must be twice as long to win. The best score wins.

Neighbours: boundaries are placed in time order; each stays inside its window and at least
``MIN_CHAPTER_MS`` after the previous boundary (as placed) and before the next (as
written), so no chapter vanishes and none changes order. When the pause's point falls
outside these bounds, it is clamped, as long as it stays inside the pause. A pause hosts
one boundary, so that no chapter is made of silence alone; the one exception is a lone end
and the start that follows it, which may share a pause at least half as long as the gap
written between them (the gap then is that pause: the end goes just after the speech stops,
the start just before it resumes).

Confidence, from 0 to 1, is the product of three factors: length (0.5 for a pause of
exactly ``min_pause``, 1 from twice that), depth (how far the pause sits below the speech
level, 1 from 20 dB) and uniqueness (1 − half the ratio of the runner-up's score to the
winner's). 0.6 and above reads "high", 0.35 and above "medium", below that "low".

When no pause is found, the written time is kept and a warning says so.
"""

from __future__ import annotations

import math
import os
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

from podcast_tool.errors import UsageError
from podcast_tool.i18n import _, decimal, number
from podcast_tool.model import Diagnostic, Episode, Severity
from podcast_tool.outline.timecodes import format_clock
from podcast_tool.snap.pauses import FRAME_MS, Pause, PauseScan

DEFAULT_WINDOW_MS = 10_000
#: Measured breaths (0.15–0.5 s gaps) read as quiet runs of at most ~0.6 s in the tests,
#: pauses of 1 s as at least ~0.95 s: 0.8 s sits between with room on both sides.
DEFAULT_MIN_PAUSE_MS = 800
LEAD_MS = 300
#: Audio decoded beyond each side of the window, so a pause straddling its edge is measured.
MARGIN_MS = 4000
MIN_CHAPTER_MS = 1000
#: Snapped times are rounded to a tenth of a second (readable in an outline: ``7'03,4``).
RESOLUTION_MS = 100
HALF_SCORE_DISTANCE_MS = 5000
HIGH_CONFIDENCE = 0.6
MEDIUM_CONFIDENCE = 0.35
FULL_DEPTH_DB = 20.0
#: ffmpeg processes decoding at once. Each takes about 33 MB; with two, snapping a 3-hour
#: file peaks near 115 MB in all (47 MB of Python) and runs about 1.5 times faster than with one.
MAX_DECODERS = 2


@dataclass(frozen=True)
class SnapOptions:
    window_ms: int = DEFAULT_WINDOW_MS
    min_pause_ms: int = DEFAULT_MIN_PAUSE_MS

    def __post_init__(self) -> None:
        if self.window_ms <= 0:
            raise UsageError(_("the search window must be longer than 0 s"))
        if self.min_pause_ms <= 0:
            raise UsageError(_("the minimum pause must be longer than 0 s"))


@dataclass
class SnapRow:
    """One boundary: where it was written, where it went, and why."""

    #: "start" (a chapter starts here, maybe another ends) or "end" (a lone written end).
    kind: str
    #: 1-based numbers of the chapters that start or end here.
    chapters: tuple[int, ...]
    title: str
    line: int | None
    written_ms: int
    snapped_ms: int
    #: "moved", or why not: "no-pause", "flat", "edge" (0 or the recording's end),
    #: "past-end" (no audio there), "no-room" (neighbours too close).
    status: str
    pause_start_ms: int | None = None
    pause_end_ms: int | None = None
    confidence: float = 0.0
    #: What the window looked like (dBFS): background, speech, quiet threshold.
    floor_db: float | None = None
    speech_db: float | None = None
    threshold_db: float | None = None

    @property
    def shift_ms(self) -> int:
        return self.snapped_ms - self.written_ms

    @property
    def pause_ms(self) -> int | None:
        if self.pause_start_ms is None or self.pause_end_ms is None:
            return None
        return self.pause_end_ms - self.pause_start_ms

    @property
    def confidence_label(self) -> str:
        if self.status != "moved":
            return "—"
        if self.confidence >= HIGH_CONFIDENCE:
            return "high"
        return "medium" if self.confidence >= MEDIUM_CONFIDENCE else "low"

    def to_dict(self) -> dict[str, object]:
        data = asdict(self)
        data["chapters"] = list(self.chapters)
        data.update(shift_ms=self.shift_ms, pause_ms=self.pause_ms,
                    confidence_label=self.confidence_label)
        for key in ("floor_db", "speech_db", "threshold_db"):
            if data[key] is not None:
                data[key] = round(data[key], 1)
        return data


@dataclass
class SnapReport:
    options: SnapOptions
    rows: list[SnapRow] = field(default_factory=list)

    @property
    def moved(self) -> int:
        return sum(row.status == "moved" and row.shift_ms != 0 for row in self.rows)

    def to_dict(self) -> dict[str, object]:
        return {
            "window_ms": self.options.window_ms,
            "min_pause_ms": self.options.min_pause_ms,
            "lead_ms": LEAD_MS,
            "moved": self.moved,
            "boundaries": [row.to_dict() for row in self.rows],
        }


@dataclass
class Boundary:
    written_ms: int
    #: 0-based indexes of the chapters starting here, and of those whose written end is here.
    starts: list[int] = field(default_factory=list)
    ends: list[int] = field(default_factory=list)

    @property
    def kind(self) -> str:
        return "start" if self.starts else "end"


@dataclass(frozen=True)
class Choice:
    pause: Pause
    snapped_ms: int
    score: float
    confidence: float


def collect_boundaries(episode: Episode) -> list[Boundary]:
    """Distinct written times of starts and written ends, in time order."""
    by_time: dict[int, Boundary] = {}
    for index, chapter in enumerate(episode.chapters):
        by_time.setdefault(chapter.start_ms, Boundary(chapter.start_ms)).starts.append(index)
        if chapter.end_ms is not None:
            by_time.setdefault(chapter.end_ms, Boundary(chapter.end_ms)).ends.append(index)
    return [by_time[ms] for ms in sorted(by_time)]


def placement(pause: Pause, kind: str) -> int:
    """Where a boundary of ``kind`` goes inside ``pause`` (see the module docstring)."""
    middle = (pause.start_ms + pause.end_ms) // 2
    if kind == "start":
        return max(pause.end_ms - LEAD_MS, middle)
    return min(pause.start_ms + LEAD_MS, middle)


def _round_within(ms: int, low: int, high: int) -> int:
    rounded = round(ms / RESOLUTION_MS) * RESOLUTION_MS
    if low <= rounded <= high:
        return rounded
    for candidate in (math.ceil(low / RESOLUTION_MS) * RESOLUTION_MS,
                      math.floor(high / RESOLUTION_MS) * RESOLUTION_MS):
        if low <= candidate <= high:
            return candidate
    return ms


def choose(written_ms: int, kind: str, scan: PauseScan, low_ms: int, high_ms: int,
           min_pause_ms: int, taken: tuple[int, int] | None = None) -> Choice | None:
    """The best pause for a boundary that may go anywhere in [low_ms, high_ms].

    ``taken``: the span of a pause already holding the previous boundary, not to be reused.
    """
    scored: list[tuple[float, Pause, int]] = []
    for pause in scan.pauses:
        if taken is not None and pause.start_ms < taken[1] and taken[0] < pause.end_ms:
            continue
        low, high = max(low_ms, pause.start_ms), min(high_ms, pause.end_ms)
        if low > high:
            continue
        point = _round_within(min(max(placement(pause, kind), low), high), low, high)
        distance = abs(point - written_ms)
        score = pause.length_ms / 1000 * 0.5 ** (distance / HALF_SCORE_DISTANCE_MS)
        scored.append((score, pause, point))
    if not scored:
        return None
    scored.sort(key=lambda item: item[0], reverse=True)
    score, pause, point = scored[0]
    runner_up = scored[1][0] / score if len(scored) > 1 and score > 0 else 0.0
    length = min(1.0, 0.5 + 0.5 * (pause.length_ms - min_pause_ms) / min_pause_ms)
    depth = min(1.0, max(0.0, (scan.speech_db - pause.level_db) / FULL_DEPTH_DB))
    confidence = max(0.0, length) * depth * (1.0 - 0.5 * runner_up)
    return Choice(pause=pause, snapped_ms=point, score=score, confidence=round(confidence, 2))


def _decode_ranges(boundaries: list[Boundary], movable: list[bool], window_ms: int,
                   duration_ms: int | None) -> list[tuple[int, int]]:
    """Each movable boundary's decode range (window plus margins), or (0, 0)."""
    ranges = []
    for boundary, can_move in zip(boundaries, movable, strict=True):
        if not can_move:
            ranges.append((0, 0))
            continue
        start = max(0, boundary.written_ms - window_ms - MARGIN_MS)
        end = boundary.written_ms + window_ms + MARGIN_MS
        if duration_ms is not None:
            end = min(end, duration_ms)
        # Whole frames, so a boundary's slice of a merged region lines up with the frames.
        ranges.append((start - start % FRAME_MS, end))
    return ranges


def _merge(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[list[int]] = []
    for start, end in sorted(r for r in ranges if r[1] > r[0]):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(start, end) for start, end in merged]


def scan_boundaries(audio: Path, ranges: list[tuple[int, int]], min_pause_ms: int
                    ) -> list[PauseScan | None]:
    """Decode the merged ranges (in parallel, bounded by the cores) and scan each boundary's."""
    from podcast_tool.snap.pauses import decode_windows, find_pauses, frame_levels

    regions = _merge(ranges)
    workers = max(1, min(MAX_DECODERS, os.cpu_count() or 1))
    levels = [frame_levels(samples) for samples in
              decode_windows(audio, [(a, b - a) for a, b in regions], workers)]
    scans: list[PauseScan | None] = []
    for start, end in ranges:
        if end <= start:
            scans.append(None)
            continue
        number = next(i for i, (a, b) in enumerate(regions) if a <= start and end <= b)
        first = (start - regions[number][0]) // FRAME_MS
        count = (end - start) // FRAME_MS
        scans.append(find_pauses(levels[number][first:first + count], start, min_pause_ms))
    return scans


def snap_episode(audio: Path, episode: Episode, options: SnapOptions
                 ) -> tuple[Episode, list[Diagnostic], SnapReport]:
    """Snap every boundary of ``episode`` to the pauses of ``audio``; the episode is not changed."""
    duration = episode.duration_ms
    boundaries = collect_boundaries(episode)
    movable = [b.written_ms > 0 and (duration is None or b.written_ms < duration)
               for b in boundaries]
    ranges = _decode_ranges(boundaries, movable, options.window_ms, duration)
    scans = scan_boundaries(Path(audio), ranges, options.min_pause_ms)
    return place_boundaries(episode, boundaries, scans, options)


def place_boundaries(episode: Episode, boundaries: list[Boundary], scans: list[PauseScan | None],
                     options: SnapOptions) -> tuple[Episode, list[Diagnostic], SnapReport]:
    """Choose each boundary's place from its window's scan (None: an edge that never moves)."""
    duration = episode.duration_ms
    report = SnapReport(options=options)
    diagnostics: list[Diagnostic] = []
    previous_ms: int | None = None
    for index, (boundary, scan) in enumerate(zip(boundaries, scans, strict=True)):
        row = _row(episode, boundary)
        if scan is not None:
            row.floor_db, row.speech_db, row.threshold_db = (scan.floor_db, scan.speech_db,
                                                            scan.threshold_db)
        low = boundary.written_ms - options.window_ms
        high = boundary.written_ms + options.window_ms
        if previous_ms is not None:
            low = max(low, previous_ms + MIN_CHAPTER_MS)
        if index + 1 < len(boundaries):
            high = min(high, boundaries[index + 1].written_ms - MIN_CHAPTER_MS)
        low = max(low, 0)
        if duration is not None:
            high = min(high, duration)
        if scan is None:
            row.status = "edge"
        elif scan.end_ms <= scan.start_ms:
            row.status = "past-end"
        elif scan.flat:
            row.status = "flat"
        elif low > high:
            row.status = "no-room"
        else:
            choice = choose(boundary.written_ms, boundary.kind, scan, low, high,
                            options.min_pause_ms, _taken(report.rows, boundary))
            if choice is not None:
                row.status = "moved"
                row.snapped_ms = choice.snapped_ms
                row.pause_start_ms, row.pause_end_ms = choice.pause.start_ms, choice.pause.end_ms
                row.confidence = choice.confidence
        diagnostics += _diagnostics(episode, row, options)
        report.rows.append(row)
        previous_ms = row.snapped_ms
    snapped = {row.written_ms: row.snapped_ms for row in report.rows}
    chapters = [chapter.with_times(snapped[chapter.start_ms],
                                   None if chapter.end_ms is None else snapped[chapter.end_ms])
                for chapter in episode.chapters]
    return replace(episode, chapters=chapters), diagnostics, report


def _taken(rows: list[SnapRow], boundary: Boundary) -> tuple[int, int] | None:
    """The previous boundary's pause, unless this boundary may share it (see the docstring)."""
    if not rows or rows[-1].status != "moved":
        return None
    previous = rows[-1]
    assert previous.pause_start_ms is not None and previous.pause_end_ms is not None
    gap = boundary.written_ms - previous.written_ms
    if previous.kind == "end" and boundary.kind == "start" and 2 * (previous.pause_ms or 0) >= gap:
        return None
    return previous.pause_start_ms, previous.pause_end_ms


def _row(episode: Episode, boundary: Boundary) -> SnapRow:
    indexes = boundary.starts or boundary.ends
    chapter = episode.chapters[indexes[0]]
    title = chapter.title if boundary.starts else _("end of {title}").format(title=chapter.title)
    numbers = tuple(sorted({i + 1 for i in boundary.starts + boundary.ends}))
    return SnapRow(kind=boundary.kind, chapters=numbers, title=title, line=chapter.line,
                   written_ms=boundary.written_ms, snapped_ms=boundary.written_ms,
                   status="no-pause")


def _diagnostics(episode: Episode, row: SnapRow, options: SnapOptions) -> list[Diagnostic]:
    source = str(episode.source) if episode.source else None
    where = f"{format_clock(row.written_ms)} ({row.title})"
    window = f"±{number(options.window_ms / 1000)} s"
    if row.status == "no-pause":
        return [Diagnostic(
            Severity.WARNING, "snap-no-pause",
            _("no pause of {pause} s or more within {window} of {where}; kept the written time").format(
                pause=number(options.min_pause_ms / 1000), window=window, where=where),
            file=source, line=row.line,
            hint=_("listen around that time, or widen --window / lower --min-pause"))]
    if row.status == "flat":
        return [Diagnostic(
            Severity.WARNING, "snap-flat",
            _("no speech stands out of the background within {window} of {where} (silence, noise "
              "or music throughout); kept the written time").format(
                window=window, where=where), file=source, line=row.line)]
    if row.status == "past-end":
        return [Diagnostic(
            Severity.WARNING, "snap-past-end",
            _("{where} is past the end of the recording; kept the written time").format(where=where),
            file=source, line=row.line)]
    if row.status == "no-room":
        return [Diagnostic(
            Severity.INFO, "snap-no-room",
            _("{where} is too close to its neighbours to move; kept the written time").format(
                where=where),
            file=source, line=row.line)]
    if row.status == "moved" and row.confidence_label == "low":
        return [Diagnostic(
            Severity.INFO, "snap-low-confidence",
            _("moved {where} to {time} on a weak or ambiguous pause (confidence "
              "{confidence})").format(
                where=where, time=format_clock(row.snapped_ms), confidence=decimal(row.confidence, 2)),
            file=source, line=row.line,
            hint=_("check it by ear"))]
    return []

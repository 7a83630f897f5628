"""Programmes written in times of day (``14h00 Accueil``): times in the recording, given its start.

``--clock-start 14h00`` says the recording began at 14:00; every time of the outline is moved
back by that much. A time before the start cannot be a moment of the recording: it is kept at
0 with an error, never dropped.
"""

from __future__ import annotations

import re

from podcast_tool.i18n import _
from podcast_tool.model import Diagnostic, Episode, Severity
from podcast_tool.outline.timecodes import format_clock

_CLOCK_OF_DAY = re.compile(
    r"(?P<h>\d{1,2})[ ]?(?:h|:|\.)[ ]?(?P<m>\d{2})?(?:[ ]?(?::|m|mn|min|'|’)[ ]?(?P<s>\d{2}))?[ ]?s?",
    re.IGNORECASE)


def parse_clock_of_day(text: str) -> int:
    """``14h00``, ``14h``, ``14:00``, ``9.30``, ``14:00:30``: milliseconds since midnight."""
    found = _CLOCK_OF_DAY.fullmatch(text.strip())
    if found is None:
        raise ValueError(f"not a time of day: {text!r} (write it as 14h00 or 14:00)")
    hours, minutes, seconds = int(found["h"]), int(found["m"] or 0), int(found["s"] or 0)
    if hours > 23 or minutes > 59 or seconds > 59:
        raise ValueError(f"not a time of day: {text!r}")
    return ((hours * 60 + minutes) * 60 + seconds) * 1000


def format_clock_of_day(ms: int) -> str:
    minutes = ms // 60_000
    return f"{minutes // 60}h{minutes % 60:02d}"


def apply_clock_start(episode: Episode, clock_start_ms: int) -> list[Diagnostic]:
    """Move every time of ``episode`` back by ``clock_start_ms``; an error for each before it."""
    file = str(episode.source) if episode.source is not None else None
    start_text = format_clock_of_day(clock_start_ms)
    diagnostics: list[Diagnostic] = []
    for chapter in episode.chapters:
        if chapter.start_ms < clock_start_ms:
            diagnostics.append(Diagnostic(
                Severity.ERROR, "before-clock-start",
                _("the chapter at {time_of_day} ({time}) starts before the recording's start, "
                  "--clock-start {start}; it was put at 0").format(
                    time_of_day=format_clock_of_day(chapter.start_ms),
                    time=format_clock(chapter.start_ms), start=start_text),
                file, chapter.line,
                _("check --clock-start (the time of day the recording began) and this time")))
        end = None if chapter.end_ms is None else max(0, chapter.end_ms - clock_start_ms)
        chapter.start_ms, chapter.end_ms = max(0, chapter.start_ms - clock_start_ms), end
    return diagnostics

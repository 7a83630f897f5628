"""Check chapters before they are written: errors stop a write, warnings and notes inform.

``validate`` never prints; the CLI shows its diagnostics. Codes are stable (tests and ``--json``
users rely on them):

errors    no-chapters, start-not-increasing, end-before-start, overlap, empty-title,
          past-audio-end, invalid-characters
warnings  gap, first-not-at-zero, time-of-day, short-chapter, ends-before-audio,
          end-past-audio-end, too-many-chapters
infos     duplicate-title, short-gap
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from podcast_tool.model import Chapter, Diagnostic, Episode, Severity, effective_ends
from podcast_tool.outline.timecodes import format_clock, format_duration, format_fr

if TYPE_CHECKING:
    from podcast_tool.containers import Capabilities

#: Shorter chapters are hard to hit in a player's chapter list or scrub bar (YouTube requires 10 s).
SHORT_CHAPTER_MS = 10_000
#: A minute of thanks, music or silence after the last chapter is normal; more usually means the
#: outline stops early or the recording is not the one the outline describes.
ENDS_BEFORE_AUDIO_MS = 60_000
#: A replay's first chapter an hour or more in is almost always an agenda's time of day
#: ("9h30 Accueil"), which would put every chapter hours past the end of the recording.
TIME_OF_DAY_MS = 3_600_000
#: What no chapter marker holds: C0 and C1 controls (tab and newline aside), DEL, and lone
#: surrogates (text decoded from broken bytes). ID3 cuts a title at NUL, ffmpeg too in MP4 and
#: Vorbis comments, and a lone surrogate cannot be encoded at all.
INVALID_CHARACTERS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")


class _Checker:
    def __init__(self, episode: Episode) -> None:
        self.file = str(episode.source) if episode.source is not None else None
        self.fr = episode.notation == "fr"
        self.found: list[Diagnostic] = []

    def time(self, ms: int) -> str:
        return format_fr(ms) if self.fr else format_clock(ms)

    def add(self, severity: Severity, code: str, chapter: Chapter | None, message: str,
            hint: str) -> None:
        line = chapter.line if chapter is not None else None
        self.found.append(Diagnostic(severity, code, message, self.file, line, hint))


_INVALID_WHAT = "an invisible control character (or a broken one) that chapter markers cannot hold"
_INVALID_HINT = "remove it; it usually comes from copying text out of another program"


def _name(chapter: Chapter) -> str:
    title = INVALID_CHARACTERS.sub("", chapter.title)  # never echo control codes to a terminal
    title = title if len(title) <= 50 else title[:49] + "…"
    return f"« {title} »" if title else "the untitled chapter"


def validate(episode: Episode, *, duration_ms: int | None = None, gap_warning_ms: int = 30_000,
             capabilities: Capabilities | None = None) -> list[Diagnostic]:
    """Diagnostics for ``episode``'s chapters (against the audio's duration when known).

    ``capabilities`` are those of the audio file the chapters go into; without one, the
    chapters are checked against every container's limits.
    """
    check = _Checker(episode)
    chapters = episode.chapters
    duration = duration_ms if duration_ms is not None else episode.duration_ms
    if not chapters:
        check.add(Severity.ERROR, "no-chapters", None, "no chapter found: no line starts with a time",
                  "start each chapter's line with its time, e.g. 0'20 Accueil or 00:20 Accueil")
        return check.found
    _check_count(check, chapters, capabilities)
    if chapters[0].start_ms >= TIME_OF_DAY_MS:
        check.add(Severity.WARNING, "time-of-day", chapters[0],
                  f"the first chapter starts {format_duration(chapters[0].start_ms)} into the "
                  "recording: are these times of day (an agenda) rather than times in the recording?",
                  "write each time from the start of the recording: if it began at 9h30, 9h30 is "
                  "0'00 and 10h15 is 45'00")
    elif chapters[0].start_ms > 0:
        check.add(Severity.WARNING, "first-not-at-zero", chapters[0],
                  f"the first chapter starts at {check.time(chapters[0].start_ms)}: players show no "
                  f"chapter for the first {format_duration(chapters[0].start_ms)}",
                  f"start it at {check.time(0)} if the recording begins with it, or add a chapter at "
                  f"{check.time(0)} for the opening")
    if episode.title and (found := INVALID_CHARACTERS.search(episode.title)):
        check.add(Severity.ERROR, "invalid-characters", None,
                  f"the episode's title contains U+{ord(found.group()):04X}, {_INVALID_WHAT}",
                  _INVALID_HINT)
    ends = effective_ends(chapters, duration)
    seen_titles: dict[str, Chapter] = {}
    for index, chapter in enumerate(chapters):
        following = chapters[index + 1] if index + 1 < len(chapters) else None
        _check_chapter(check, chapter, chapters[index - 1] if index else None, following,
                       ends[index], duration, gap_warning_ms)
        key = " ".join(chapter.title.casefold().split())
        if key and key in seen_titles:
            first = seen_titles[key]
            check.add(Severity.INFO, "duplicate-title", chapter,
                      f"{_name(chapter)} is also the title of the chapter at "
                      f"{check.time(first.start_ms)}" + (f" (line {first.line})" if first.line else ""),
                      "fine if intended; a distinct title helps listeners find their way")
        seen_titles.setdefault(key, chapter)
    last_end = ends[-1]
    if duration is not None and last_end is not None and duration - last_end > ENDS_BEFORE_AUDIO_MS:
        check.add(Severity.WARNING, "ends-before-audio", chapters[-1],
                  f"the last chapter ends at {check.time(last_end)} but the recording lasts "
                  f"{check.time(duration)}: {format_duration(duration - last_end)} are in no chapter",
                  "is this the right recording? If so, end the last chapter later or add a chapter")
    return sorted(check.found, key=lambda d: d.line or 0)


def chapter_limit(capabilities: Capabilities | None = None) -> tuple[int, str] | None:
    """The most chapters to write, and the containers that limit it ("MP3, M4A/M4B and WAV")."""
    if capabilities is not None:
        limit = capabilities.max_chapters
        return None if limit is None else (limit, capabilities.label)
    from podcast_tool.containers import tightest_chapter_limit

    tightest = tightest_chapter_limit()
    if tightest is None:
        return None
    limit, limited = tightest
    labels = list(dict.fromkeys(container.capabilities.label for container in limited))
    named = labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " and " + labels[-1]
    return limit, named


def _check_count(check: _Checker, chapters: list[Chapter],
                 capabilities: Capabilities | None) -> None:
    found = chapter_limit(capabilities)
    if found is None or len(chapters) <= found[0]:
        return
    limit, named = found
    check.add(Severity.WARNING, "too-many-chapters", chapters[limit],
              f"{len(chapters)} chapters: {named} chapter lists hold at most {limit}",
              f"merge some chapters; players may drop the ones after the {limit}th")


def _check_chapter(check: _Checker, chapter: Chapter, previous: Chapter | None,
                   following: Chapter | None, end: int | None, duration: int | None,
                   gap_warning_ms: int) -> None:
    start = chapter.start_ms
    for field, text in (("title", chapter.title), ("description", chapter.description)):
        if found := INVALID_CHARACTERS.search(text):
            check.add(Severity.ERROR, "invalid-characters", chapter,
                      f"the {field} of the chapter at {check.time(start)} contains "
                      f"U+{ord(found.group()):04X}, {_INVALID_WHAT}", _INVALID_HINT)
    if not chapter.title.strip():
        check.add(Severity.ERROR, "empty-title", chapter, f"the chapter at {check.time(start)} has no title",
                  "write the title after the time, on the same line")
    in_order = previous is None or start > previous.start_ms
    if not in_order and previous is not None:
        same = start == previous.start_ms
        check.add(Severity.ERROR, "start-not-increasing", chapter,
                  f"{_name(chapter)} starts at {check.time(start)}, "
                  + ("the same time as the chapter before it" if same
                     else f"before the chapter above it ({check.time(previous.start_ms)})"),
                  "chapters must be listed in time order, each starting after the one before; "
                  "check the time for a typo")
    if duration is not None and start >= duration:
        check.add(Severity.ERROR, "past-audio-end", chapter,
                  f"{_name(chapter)} starts at {check.time(start)}, after the end of the recording "
                  f"({check.time(duration)})", "check the time, and that this is the right recording")
    written_end = chapter.end_ms
    if written_end is not None:
        if written_end <= start:
            check.add(Severity.ERROR, "end-before-start", chapter,
                      f"{_name(chapter)} ends at {check.time(written_end)}, "
                      f"{'when' if written_end == start else 'before'} it starts ({check.time(start)})",
                      "the second time of a range is the chapter's end; check it for a typo")
            return
        if duration is not None and start < duration < written_end:
            check.add(Severity.WARNING, "end-past-audio-end", chapter,
                      f"{_name(chapter)} ends at {check.time(written_end)}, after the end of the "
                      f"recording ({check.time(duration)})",
                      "players stop it at the end of the recording; check the time")
        if following is not None and following.start_ms > start:
            _check_gap(check, chapter, following, written_end, gap_warning_ms)
    if end is not None and start < end < start + SHORT_CHAPTER_MS and not (
            duration is not None and start >= duration):
        check.add(Severity.WARNING, "short-chapter", chapter,
                  f"{_name(chapter)} lasts only {format_duration(end - start)}",
                  f"chapters under {SHORT_CHAPTER_MS // 1000} s are hard to pick in a player; "
                  "merge it with a neighbour unless it is meant")


def _check_gap(check: _Checker, chapter: Chapter, following: Chapter, written_end: int,
               gap_warning_ms: int) -> None:
    next_start = following.start_ms
    if written_end > next_start:
        check.add(Severity.ERROR, "overlap", chapter,
                  f"{_name(chapter)} ends at {check.time(written_end)}, after the next chapter "
                  f"starts ({check.time(next_start)})",
                  "a chapter must end at or before the next one's start; check both times")
    elif written_end < next_start:
        gap = next_start - written_end
        where = (f"between the end of {_name(chapter)} ({check.time(written_end)}) and the next "
                 f"chapter ({check.time(next_start)})")
        if gap > gap_warning_ms:
            check.add(Severity.WARNING, "gap", chapter,
                      f"{format_duration(gap)} in no chapter {where}",
                      "players keep showing the chapter before it: end it later, or add a chapter "
                      "for what is said in between")
        else:
            check.add(Severity.INFO, "short-gap", chapter, f"{format_duration(gap)} {where}",
                      "players keep showing the chapter before it; fine for a short pause")

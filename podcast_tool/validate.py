"""Check chapters before they are written: errors stop a write, warnings and notes inform.

``validate`` never prints; the CLI shows its diagnostics. Codes are stable (tests and ``--json``
users rely on them):

errors    no-chapters, start-not-increasing, end-before-start, overlap, empty-title,
          past-audio-end, invalid-characters
warnings  gap, first-not-at-zero, time-of-day, short-chapter, ends-before-audio,
          end-past-audio-end, too-many-chapters, long-title, transcript
infos     duplicate-title, short-gap, end-chapter
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from podcast_tool.characters import INVALID_CHARACTERS
from podcast_tool.i18n import N_, _, and_list, quoted
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
#: Longer titles are cut on phones: Spotify recommends under 40 characters, YouTube shows about
#: 49, Apple Podcasts and Overcast about 60 in their chapter lists.
LONG_TITLE = 60
#: A last chapter with such a title marks where the recording ends, not a part of it.
END_TITLE = re.compile(
    r"(?:the[ ]+)?(?:fin|end)(?:[ ]+(?:de|du|des|of)[ ]+(?:l['’]|la[ ]+|le[ ]+|the[ ]+)?"
    r"(?:enregistrement|webinaire|webinar|réunion|séance|émission|replay|recording|session|atelier"
    r"|rencontre|journée|conférence|live|direct|meeting))?[ .!]*", re.IGNORECASE)
#: A transcript or captions rather than an outline: this many lines at least, most of them…
TRANSCRIPT_MIN_CHAPTERS = 6
#: …under ``SHORT_CHAPTER_MS``, or most of them a speaker's name and a colon and short.
TRANSCRIPT_SHARE = 0.5
SPEAKER = re.compile(r"[^\W\d_][\w.'’-]{0,20}(?:[ ][\w.'’-]{1,20}){0,3}[ ]?:[ ]")
TRANSCRIPT_SPEAKER_MAX_MS = 30_000


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


_INVALID_HINT = N_("remove it; it usually comes from copying text out of another program")


def _name(chapter: Chapter) -> str:
    title = INVALID_CHARACTERS.sub("", chapter.title)  # never echo control codes to a terminal
    title = title if len(title) <= 50 else title[:49] + "…"
    return quoted(title) if title else _("the untitled chapter")


def _code_point(character: str) -> str:
    return f"U+{ord(character):04X}"


def character_diagnostics(episode: Episode) -> list[Diagnostic]:
    """Only the ``invalid-characters`` errors: what no output, file or terminal can hold.

    Every command that reads chapters runs this check (``validate`` includes it), whatever
    the reader: a JSON sidecar can spell a lone surrogate, an audio file can hold anything.
    """
    check = _Checker(episode)
    _check_episode_characters(check, episode)
    for chapter in episode.chapters:
        _check_chapter_characters(check, chapter)
    return check.found


_CHARACTER_MESSAGES = (
    ("title", N_("the title of the chapter at {time} contains {code_point}, an invisible control "
                 "character (or a broken one) that chapter markers cannot hold")),
    ("description", N_("the description of the chapter at {time} contains {code_point}, an "
                       "invisible control character (or a broken one) that chapter markers "
                       "cannot hold")),
    ("url", N_("the link of the chapter at {time} contains {code_point}, an invisible control "
               "character (or a broken one) that chapter markers cannot hold")),
    ("image", N_("the image of the chapter at {time} contains {code_point}, an invisible "
                 "control character (or a broken one) that chapter markers cannot hold")),
)


def _check_episode_characters(check: _Checker, episode: Episode) -> None:
    if episode.title and (found := INVALID_CHARACTERS.search(episode.title)):
        check.add(Severity.ERROR, "invalid-characters", None,
                  _("the episode's title contains {code_point}, an invisible control character "
                    "(or a broken one) that chapter markers cannot hold").format(
                      code_point=_code_point(found.group())),
                  _(_INVALID_HINT))


def _check_chapter_characters(check: _Checker, chapter: Chapter) -> None:
    for field, message in _CHARACTER_MESSAGES:
        if found := INVALID_CHARACTERS.search(getattr(chapter, field) or ""):
            check.add(Severity.ERROR, "invalid-characters", chapter,
                      _(message).format(time=check.time(chapter.start_ms),
                                        code_point=_code_point(found.group())),
                      _(_INVALID_HINT))


def validate(episode: Episode, *, gap_warning_ms: int = 30_000,
             capabilities: Capabilities | None = None) -> list[Diagnostic]:
    """Diagnostics for ``episode``'s chapters (against its ``duration_ms``, the audio's, when known).

    ``capabilities`` are those of the audio file the chapters go into; without one, the
    chapters are checked against every container's limits.
    """
    check = _Checker(episode)
    chapters = episode.chapters
    duration = episode.duration_ms
    if not chapters:
        check.add(Severity.ERROR, "no-chapters", None,
                  _("no chapter found: no line starts with a time"),
                  _("start each chapter's line with its time, e.g. 0'20 Accueil or 00:20 Accueil"))
        return check.found
    _check_count(check, chapters, capabilities)
    if chapters[0].start_ms >= TIME_OF_DAY_MS:
        check.add(Severity.WARNING, "time-of-day", chapters[0],
                  _("the first chapter starts {duration} into the recording: are these times of "
                    "day (an agenda) rather than times in the recording?").format(
                      duration=format_duration(chapters[0].start_ms)),
                  _("write each time from the start of the recording (if it began at 9h30, 9h30 "
                    "is 0'00 and 10h15 is 45'00), or give the time of day the recording began: "
                    "--clock-start {start}").format(start=_clock_of_day(chapters[0].start_ms)))
    elif chapters[0].start_ms > 0:
        check.add(Severity.WARNING, "first-not-at-zero", chapters[0],
                  _("the first chapter starts at {time}: players show no chapter for the first "
                    "{duration}").format(time=check.time(chapters[0].start_ms),
                                         duration=format_duration(chapters[0].start_ms)),
                  _("start it at {zero} if the recording begins with it, or add a chapter at "
                    "{zero} for the opening").format(zero=check.time(0)))
    _check_episode_characters(check, episode)
    ends = effective_ends(chapters, duration)
    transcript = _looks_like_transcript(check, chapters, ends)
    _check_end_chapter(check, chapters)
    seen_titles: dict[str, Chapter] = {}
    for index, chapter in enumerate(chapters):
        following = chapters[index + 1] if index + 1 < len(chapters) else None
        _check_chapter(check, chapter, chapters[index - 1] if index else None, following,
                       ends[index], duration, gap_warning_ms, not transcript)
        key = " ".join(chapter.title.casefold().split())
        if key and key in seen_titles:
            first = seen_titles[key]
            message = (_("{chapter} is also the title of the chapter at {time} (line {line})")
                       if first.line else _("{chapter} is also the title of the chapter at {time}"))
            check.add(Severity.INFO, "duplicate-title", chapter,
                      message.format(chapter=_name(chapter), time=check.time(first.start_ms),
                                     line=first.line),
                      _("fine if intended; a distinct title helps listeners find their way"))
        seen_titles.setdefault(key, chapter)
    last_end = ends[-1]
    if duration is not None and last_end is not None and duration - last_end > ENDS_BEFORE_AUDIO_MS:
        check.add(Severity.WARNING, "ends-before-audio", chapters[-1],
                  _("the last chapter ends at {end} but the recording lasts {length}: {duration} "
                    "are in no chapter").format(end=check.time(last_end),
                                                length=check.time(duration),
                                                duration=format_duration(duration - last_end)),
                  _("is this the right recording? If so, end the last chapter later or add a "
                    "chapter"))
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
    return limit, and_list(labels)


def _check_count(check: _Checker, chapters: list[Chapter],
                 capabilities: Capabilities | None) -> None:
    found = chapter_limit(capabilities)
    if found is None or len(chapters) <= found[0]:
        return
    limit, named = found
    check.add(Severity.WARNING, "too-many-chapters", chapters[limit],
              _("{count} chapters: {containers} chapter lists hold at most {most}").format(
                  count=len(chapters), containers=named, most=limit),
              _("merge some chapters; players may drop the ones after the {most}th").format(
                  most=limit))


def _clock_of_day(ms: int) -> str:
    minutes = ms // 60_000
    return f"{minutes // 60 % 24}h{minutes % 60:02d}"


def _looks_like_transcript(check: _Checker, chapters: list[Chapter], ends: list[int | None]) -> bool:
    """Warn once about a transcript or captions given as an outline; True if it is one."""
    if len(chapters) < TRANSCRIPT_MIN_CHAPTERS:
        return False
    durations = [end - chapter.start_ms for chapter, end in zip(chapters, ends, strict=True)
                 if end is not None and end > chapter.start_ms]
    short = sum(duration < SHORT_CHAPTER_MS for duration in durations)
    speakers = sum(SPEAKER.match(chapter.title) is not None for chapter in chapters)
    durations.sort()
    median = durations[len(durations) // 2] if durations else None
    many_short = short >= TRANSCRIPT_SHARE * len(chapters)
    speaker_lines = (speakers >= TRANSCRIPT_SHARE * len(chapters) and median is not None
                     and median < TRANSCRIPT_SPEAKER_MAX_MS)
    if not (many_short or speaker_lines):
        return False
    why = [_("{short} of the {count} chapters last under {seconds} s").format(
        short=short, count=len(chapters), seconds=SHORT_CHAPTER_MS // 1000)]
    if speakers:
        why.append(_("{speakers} begin with a speaker's name").format(speakers=speakers))
    check.add(Severity.WARNING, "transcript", chapters[0],
              _("this looks like a transcript or captions, not an outline: {reasons}").format(
                  reasons=and_list(why)),
              _("chapters are the parts of the event (welcome, each talk, questions), a few minutes "
                "each: write one line per part, e.g. 0'00 Accueil, 7'00 Table ronde 1"))
    return True


def _check_end_chapter(check: _Checker, chapters: list[Chapter]) -> None:
    last = chapters[-1]
    if len(chapters) < 2 or not END_TITLE.fullmatch(last.title.strip()):
        return
    previous = chapters[-2]
    title = previous.title if len(previous.title) <= 40 else previous.title[:39] + "…"
    check.add(Severity.INFO, "end-chapter", last,
              _("the last chapter, {chapter} at {time}, marks the end of the recording rather than "
                "a part of it; it is kept as a chapter").format(chapter=_name(last),
                                                                time=check.time(last.start_ms)),
              _("to end the chapter before it there instead, write its time as a range and drop "
                "this line: {start} à {end} {title}").format(
                  start=check.time(previous.start_ms), end=check.time(last.start_ms), title=title))


def _check_chapter(check: _Checker, chapter: Chapter, previous: Chapter | None,
                   following: Chapter | None, end: int | None, duration: int | None,
                   gap_warning_ms: int, short_warnings: bool = True) -> None:
    start = chapter.start_ms
    if len(chapter.title) > LONG_TITLE:
        check.add(Severity.WARNING, "long-title", chapter,
                  _("{chapter} is {length} characters long: phones cut titles over about {most} "
                    "(Spotify recommends under 40, YouTube shows about 49)").format(
                      chapter=_name(chapter), length=len(chapter.title), most=LONG_TITLE),
                  _("write a shorter title and move the rest to the description: "
                    "**Short title** *the rest*"))
    _check_chapter_characters(check, chapter)
    if not chapter.title.strip():
        check.add(Severity.ERROR, "empty-title", chapter,
                  _("the chapter at {time} has no title").format(time=check.time(start)),
                  _("write the title after the time, on the same line"))
    in_order = previous is None or start > previous.start_ms
    if not in_order and previous is not None:
        same = start == previous.start_ms
        message = (_("{chapter} starts at {time}, the same time as the chapter before it") if same
                   else _("{chapter} starts at {time}, before the chapter above it ({previous})"))
        check.add(Severity.ERROR, "start-not-increasing", chapter,
                  message.format(chapter=_name(chapter), time=check.time(start),
                                 previous=check.time(previous.start_ms)),
                  _("chapters must be listed in time order, each starting after the one before; "
                    "check the time for a typo"))
    if duration is not None and start >= duration:
        check.add(Severity.ERROR, "past-audio-end", chapter,
                  _("{chapter} starts at {time}, after the end of the recording ({length})").format(
                      chapter=_name(chapter), time=check.time(start), length=check.time(duration)),
                  _("check the time, and that this is the right recording"))
    written_end = chapter.end_ms
    if written_end is not None:
        if written_end <= start:
            message = (_("{chapter} ends at {end}, when it starts ({start})")
                       if written_end == start
                       else _("{chapter} ends at {end}, before it starts ({start})"))
            check.add(Severity.ERROR, "end-before-start", chapter,
                      message.format(chapter=_name(chapter), end=check.time(written_end),
                                     start=check.time(start)),
                      _("the second time of a range is the chapter's end; check it for a typo"))
            return
        if duration is not None and start < duration < written_end:
            check.add(Severity.WARNING, "end-past-audio-end", chapter,
                      _("{chapter} ends at {end}, after the end of the recording ({length})").format(
                          chapter=_name(chapter), end=check.time(written_end),
                          length=check.time(duration)),
                      _("players stop it at the end of the recording; check the time"))
        if following is not None and following.start_ms > start:
            _check_gap(check, chapter, following, written_end, gap_warning_ms)
    if short_warnings and end is not None and start < end < start + SHORT_CHAPTER_MS and not (
            duration is not None and start >= duration):
        check.add(Severity.WARNING, "short-chapter", chapter,
                  _("{chapter} lasts only {duration}").format(
                      chapter=_name(chapter), duration=format_duration(end - start)),
                  _("chapters under {seconds} s are hard to pick in a player; merge it with a "
                    "neighbour unless it is meant").format(seconds=SHORT_CHAPTER_MS // 1000))


def _check_gap(check: _Checker, chapter: Chapter, following: Chapter, written_end: int,
               gap_warning_ms: int) -> None:
    next_start = following.start_ms
    if written_end > next_start:
        check.add(Severity.ERROR, "overlap", chapter,
                  _("{chapter} ends at {end}, after the next chapter starts ({next})").format(
                      chapter=_name(chapter), end=check.time(written_end),
                      next=check.time(next_start)),
                  _("a chapter must end at or before the next one's start; check both times"))
    elif written_end < next_start:
        gap = next_start - written_end
        fields = {"duration": format_duration(gap), "chapter": _name(chapter),
                  "end": check.time(written_end), "next": check.time(next_start)}
        if gap > gap_warning_ms:
            check.add(Severity.WARNING, "gap", chapter,
                      _("{duration} in no chapter between the end of {chapter} ({end}) and the "
                        "next chapter ({next})").format(**fields),
                      _("players keep showing the chapter before it: end it later, or add a "
                        "chapter for what is said in between"))
        else:
            check.add(Severity.INFO, "short-gap", chapter,
                      _("{duration} between the end of {chapter} ({end}) and the next chapter "
                        "({next})").format(**fields),
                      _("players keep showing the chapter before it; fine for a short pause"))

"""What the text chapter formats share: export preparation, title checks, strict time parsing.

Each format's own syntax lives in its module; here are the rules they have in
common, so that "a format that cannot hold a title fails clearly" means the same
thing everywhere.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from podcast_tool.characters import is_web_url, unsupported_characters
from podcast_tool.errors import ChapterFormatError
from podcast_tool.formats import ExportOptions
from podcast_tool.i18n import N_, _, ngettext
from podcast_tool.model import Chapter, Diagnostic, Episode, Severity, effective_ends
from podcast_tool.outline.timecodes import fraction_ms

#: ``HH:MM:SS.mmm`` or ``H:MM:SS`` (hours any width, fraction any length, ``.`` or ``,``).
HMS_RE = re.compile(r"(\d+):([0-5]\d):([0-5]\d)(?:[.,](\d+))?")


def export_chapters(episode: Episode, options: ExportOptions) -> list[Chapter]:
    """The chapters to write: the episode's, plus a chapter at 0 when asked and needed."""
    chapters = list(episode.chapters)
    if options.add_zero_chapter and chapters and chapters[0].start_ms > 0:
        chapters.insert(0, Chapter(start_ms=0, title=options.zero_chapter_title))
    return chapters


def export_ends(chapters: list[Chapter], episode: Episode, options: ExportOptions) -> list[int | None]:
    """Effective ends, the last one from the audio's duration (the episode's) when known."""
    return effective_ends(chapters, episode.duration_ms)


def required_ends(chapters: list[Chapter], episode: Episode, options: ExportOptions,
                  format_label: str) -> list[int]:
    """Effective ends for formats that must write one per chapter; a clear error if one is unknown."""
    ends = export_ends(chapters, episode, options)
    if chapters and ends[-1] is None:
        raise ChapterFormatError(
            _('{format_label} needs an end for every chapter, and the last one ("{title}") has '
              "none").format(
                format_label=_(format_label), title=chapters[-1].title),
            path=episode.source, line=chapters[-1].line,
            hint=_("give the recording with --audio, or write the last chapter's end in the outline"))
    return [end for end in ends if end is not None]


#: What ``check_text`` may be checking (its callers pass these English words).
TEXT_KINDS = {"the label": N_("the label"), "the title": N_("the title"),
              "the episode title": N_("the episode title"), "the file name": N_("the file name")}
#: The units ``check_start_order`` rounds to.
TIME_UNITS = {"second": N_("second"), "millisecond": N_("millisecond"),
              "CD frame (1/75 s)": N_("CD frame (1/75 s)")}
CHARACTER_NAMES = {"\n": N_("line break"), "\r": N_("carriage return"), "\t": N_("tab"),
                   '"': N_("double quote")}


def check_text(text: str, what: str, format_label: str, chapter: Chapter | None,
               source: Path | None, *, allowed: str = "", forbidden: str = "") -> None:
    """Raise ChapterFormatError when ``text`` holds a character the format cannot keep."""
    bad = unsupported_characters(text, allowed) + [c for c in text if c in forbidden]
    if bad:
        names = ", ".join(dict.fromkeys(character_name(c) for c in bad))
        raise ChapterFormatError(
            _("{format_label} cannot hold the {characters} in {what} {text!r}").format(
                format_label=_(format_label), characters=names, what=_(TEXT_KINDS.get(what, what)),
                text=text),
            path=source, line=chapter.line if chapter else None,
            hint=_("remove it from the outline, or export to a format that keeps it (JSON, Podlove)"))


def character_name(character: str) -> str:
    if character in CHARACTER_NAMES:
        return _(CHARACTER_NAMES[character])
    return unicodedata.name(character, _("character U+{code:04X}").format(code=ord(character)))


def check_start_order(chapters: list[Chapter], starts: list[int], format_label: str,
                      source: Path | None, unit: str) -> None:
    """After rounding to the format's precision, starts must still be strictly increasing."""
    for index in range(1, len(starts)):
        if starts[index] <= starts[index - 1]:
            first, second = chapters[index - 1], chapters[index]
            raise ChapterFormatError(
                _('{format_label} keeps times to the {unit}: "{title}" and "{title2}" would start '
                  "at the same time").format(
                    format_label=_(format_label), unit=_(TIME_UNITS.get(unit, unit)), title=first.title,
                    title2=second.title),
                path=source, line=second.line,
                hint=_("move the chapters further apart, or export to a format that keeps "
                       "milliseconds"))


def parse_hms(text: str) -> int | None:
    """``HH:MM:SS[.fff]`` to milliseconds, or None if ``text`` is not exactly that."""
    match = HMS_RE.fullmatch(text)
    if match is None:
        return None
    hours, minutes, seconds, fraction = match.groups()
    return ((int(hours) * 60 + int(minutes)) * 60 + int(seconds)) * 1000 + fraction_ms(fraction)


def parse_seconds(text: str) -> int | None:
    """A decimal number of seconds (``12``, ``12.5``, ``12,500000``) to milliseconds, else None."""
    match = re.fullmatch(r"(\d+)(?:[.,](\d*))?", text)
    if match is None:
        return None
    return int(match.group(1)) * 1000 + fraction_ms(match.group(2))


def local_image_warnings(chapters: list[Chapter], format_label: str,
                         source: Path | None) -> list[Diagnostic]:
    """Feed formats reference images by URL: a local path there is a broken link for listeners."""
    file = str(source) if source else None
    return [
        Diagnostic(Severity.WARNING, "image-not-url",
                   _('{format_label}: the image of "{title}" is a local file ({image}); podcast '
                     "apps need a web address").format(
                       format_label=_(format_label), title=chapter.title, image=chapter.image),
                   file=file, line=chapter.line,
                   hint=_("upload the image and give its https:// address in the outline"))
        for chapter in chapters
        if chapter.image and not is_web_url(chapter.image)
    ]


def drop_implied_ends(chapters: list[Chapter]) -> None:
    """An end equal to the next start is what "no end" means: keep only the others as written."""
    for chapter, following in zip(chapters, chapters[1:], strict=False):
        if chapter.end_ms == following.start_ms:
            chapter.end_ms = None


def hidden_chapters_note(chapters: list[Chapter], holder: str, file: str | None) -> list[Diagnostic]:
    """An info note when hidden chapters (``toc: false``) go where nothing can hide them."""
    hidden = [c for c in chapters if not c.toc]
    if not hidden:
        return []
    return [Diagnostic(Severity.WARNING, "hidden-shown",
                       ngettext("{count} hidden chapter (toc: false) written as a normal "
                                "chapter: {holder} has no hidden chapters",
                                "{count} hidden chapters (toc: false) written as normal "
                                "chapters: {holder} has no hidden chapters", len(hidden)).format(
                           count=len(hidden), holder=holder), file=file,
                       hint=_("JSON chapters keep them hidden (export --format json)"))]

"""CUE sheets: one FILE (the recording), one TRACK per chapter, ``INDEX 01 mm:ss:ff``.

Times are in CD frames, 75 per second, so a round trip is exact to the frame
(13⅓ ms); minutes go past 99 for long recordings, as players accept. The FILE
type follows the audio's extension: MP3, AIFF, else WAVE, which is what players
(foobar2000, VLC…) expect for any other audio they decode (FLAC, M4A, Ogg…).

CUE strings are double-quoted with no escape: a ``"`` inside a title is written
as a typographic quote (“ ”), with a warning; line breaks, tabs and other
control characters cannot be written at all and make the export fail.
At most 99 tracks, as the format allows.
"""

from __future__ import annotations

import re
from pathlib import Path

from podcast_tool.errors import ChapterFormatError
from podcast_tool.formats import ExportOptions
from podcast_tool.formats.common import check_start_order, check_text, export_chapters
from podcast_tool.i18n import N_, _
from podcast_tool.model import Chapter, Diagnostic, Episode, Severity

FRAMES_PER_SECOND = 75
MAX_TRACKS = 99
FILE_TYPES = {".mp3": "MP3", ".aif": "AIFF", ".aiff": "AIFF", ".aifc": "AIFF"}
INDEX_RE = re.compile(r"(\d+):([0-5]\d):(\d\d)")
COMMAND_RE = re.compile(r"\s*([A-Za-z]+)(?:\s+(.*?))?\s*")


def ms_to_frames(ms: int) -> int:
    return (ms * FRAMES_PER_SECOND + 500) // 1000


def frames_to_ms(frames: int) -> int:
    return (frames * 1000 + FRAMES_PER_SECOND // 2) // FRAMES_PER_SECOND


def format_index(ms: int) -> str:
    minutes, rest = divmod(ms_to_frames(ms), 60 * FRAMES_PER_SECOND)
    seconds, frames = divmod(rest, FRAMES_PER_SECOND)
    return f"{minutes:02d}:{seconds:02d}:{frames:02d}"


def quoted(text: str) -> str:
    """A CUE string; the caller has already replaced double quotes."""
    return f'"{text}"'


def typographic_quotes(text: str) -> str:
    """``"`` → “ and ” alternately: CUE strings have no way to escape a straight quote."""
    parts = text.split('"')
    out = parts[0]
    for index, part in enumerate(parts[1:]):
        out += ("“" if index % 2 == 0 else "”") + part
    return out


class CueFormat:
    name = "cue"
    label = N_("CUE sheet")
    extensions = (".cue",)
    keeps: frozenset[str] = frozenset()

    def sniff(self, text: str) -> bool:
        return (re.search(r"^\s*TRACK\s+\d+\s+AUDIO\s*$", text, re.MULTILINE | re.IGNORECASE)
                is not None and re.search(r"^\s*FILE\s", text, re.MULTILINE | re.IGNORECASE)
                is not None)

    def dump(self, episode: Episode, options: ExportOptions) -> tuple[str, list[Diagnostic]]:
        chapters = export_chapters(episode, options)
        source = episode.source
        file = str(source) if source else None
        diagnostics: list[Diagnostic] = []
        if len(chapters) > MAX_TRACKS:
            raise ChapterFormatError(
                _("a CUE sheet holds at most {max_tracks} tracks, and there are {chapters_count} "
                  "chapters").format(
                    max_tracks=MAX_TRACKS, chapters_count=len(chapters)),
                path=source, hint=_("export to another format (JSON, Podlove, WebVTT…)"))
        check_start_order(chapters, [ms_to_frames(c.start_ms) for c in chapters], self.label, source,
                          "CD frame (1/75 s)")
        audio_name = options.audio_name
        if not audio_name:
            audio_name = (source.with_suffix(".mp3").name if source else "audio.mp3")
            diagnostics.append(Diagnostic(
                Severity.WARNING, "cue-file-guessed",
                _('the CUE sheet names the recording "{audio_name}"; give --audio to name the real '
                  "one").format(audio_name=audio_name),
                file=file))
        check_text(audio_name, "the file name", self.label, None, source, forbidden='"')
        file_type = FILE_TYPES.get(Path(audio_name).suffix.lower(), "WAVE")
        lines = []
        if episode.title:
            lines.append(f"TITLE {quoted(self._text(episode.title, None, episode, diagnostics))}")
        lines.append(f"FILE {quoted(audio_name)} {file_type}")
        for number, chapter in enumerate(chapters, start=1):
            lines.append(f"  TRACK {number:02d} AUDIO")
            lines.append(f"    TITLE {quoted(self._text(chapter.title, chapter, episode, diagnostics))}")
            lines.append(f"    INDEX 01 {format_index(chapter.start_ms)}")
        if chapters and ms_to_frames(chapters[0].start_ms) > 0:
            diagnostics.append(Diagnostic(
                Severity.WARNING, "cue-first-not-zero",
                _("the first track starts after 00:00:00; CUE players skip the audio before it"),
                file=file, line=chapters[0].line, hint=_("--add-zero-chapter adds a track at 00:00:00")))
        return "\n".join(lines) + "\n", diagnostics

    def _text(self, text: str, chapter: Chapter | None, episode: Episode,
              diagnostics: list[Diagnostic]) -> str:
        what = "the title" if chapter else "the episode title"
        check_text(text, what, self.label, chapter, episode.source)
        if '"' not in text:
            return text
        replaced = typographic_quotes(text)
        diagnostics.append(Diagnostic(
            Severity.WARNING, "cue-quotes",
            _("CUE strings cannot hold straight double quotes: written {replaced!r}").format(
                replaced=replaced),
            file=str(episode.source) if episode.source else None,
            line=chapter.line if chapter else None))
        return replaced

    def load(self, text: str, source: Path | None = None) -> tuple[Episode, list[Diagnostic]]:
        chapters: list[Chapter] = []
        title: str | None = None
        track: Chapter | None = None
        for number, line in enumerate(text.removeprefix("\ufeff").split("\n"), start=1):
            if not line.strip():
                continue
            match = COMMAND_RE.fullmatch(line)
            if match is None:
                raise ChapterFormatError(_("not a CUE command"), path=source, line=number)
            command, argument = match.group(1).upper(), match.group(2) or ""
            if command == "TRACK":
                if not re.fullmatch(r"\d+\s+\S+", argument):
                    raise ChapterFormatError(_("TRACK needs a number and a type, like TRACK 01 AUDIO"),
                                             path=source, line=number)
                track = Chapter(start_ms=-1, title="", line=number)
                chapters.append(track)
            elif command == "TITLE":
                value = _string(argument, source, number)
                if track is None:
                    title = value
                else:
                    track.title = value
            elif command == "INDEX":
                if track is None:
                    raise ChapterFormatError(_("INDEX before any TRACK"), path=source, line=number)
                self._index(track, argument, source, number)
        for chapter in chapters:
            if chapter.start_ms < 0:
                raise ChapterFormatError(_("this TRACK has no INDEX 01"), path=source, line=chapter.line)
        chapters.sort(key=lambda c: c.start_ms)
        return Episode(chapters=chapters, title=title or None, source=source), []

    def _index(self, track: Chapter, argument: str, source: Path | None, number: int) -> None:
        parts = argument.split()
        time = INDEX_RE.fullmatch(parts[1]) if len(parts) == 2 and parts[0].isdigit() else None
        if time is None:
            raise ChapterFormatError(_("INDEX needs a number and mm:ss:ff, like INDEX 01 07:00:00"),
                                     path=source, line=number)
        minutes, seconds, frames = (int(g) for g in time.groups())
        if frames >= FRAMES_PER_SECOND:
            raise ChapterFormatError(_("INDEX frame {frames} is past 74 (75 frames per second)").format(
                                         frames=frames),
                                     path=source, line=number)
        if int(parts[0]) == 1:  # INDEX 00 is the pre-gap; the track starts at 01
            track.start_ms = frames_to_ms((minutes * 60 + seconds) * FRAMES_PER_SECOND + frames)


def _string(argument: str, source: Path | None, number: int) -> str:
    """A CUE string argument: ``"quoted text"`` (up to the last quote) or a bare word."""
    if argument.startswith('"'):
        end = argument.rfind('"')
        if end == 0:
            raise ChapterFormatError(_("unclosed quote"), path=source, line=number)
        return argument[1:end]
    return argument


FORMAT = CueFormat()

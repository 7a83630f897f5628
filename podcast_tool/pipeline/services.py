"""The services the commands call: load chapters from any source, show, check, export,
strip, prepare and write a tag (into the converted copy of ``tag --to`` too), snap.

The commands (and the studio, the publisher) only parse their options, call one of these
functions and show the result; nothing here prints.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from podcast_tool import containers
from podcast_tool.containers import WriteOptions
from podcast_tool.errors import (
    AudioFileError,
    PodcastToolError,
    UnsupportedAudioError,
    UsageError,
    ValidationFailed,
)
from podcast_tool.i18n import _, decimal, ngettext
from podcast_tool.images import load_chapter_images
from podcast_tool.model import Diagnostic, Episode, Severity, has_errors
from podcast_tool.pipeline.outline_io import (
    OutlineText,
    corrected_target,
    parse_outline,
    read_outline,
    write_corrected,
)
from podcast_tool.validate import character_diagnostics, validate

if TYPE_CHECKING:
    from podcast_tool.convert import ConversionPlan
    from podcast_tool.snap.placement import SnapOptions, SnapReport

#: A recording shorter than this holds no chapters a listener could use.
MIN_RECORDING_MS = 1000


def load_chapters(path: str | Path, from_format: str | None = None, *,
                  clock_start_ms: int | None = None) -> tuple[Episode, list[Diagnostic]]:
    """Chapters from ``path``: an audio file's own, or a text file parsed by its format.

    ``clock_start_ms``: the time of day the recording began, for outlines written in times of
    day (``14h00 Accueil``); it is subtracted from every time.
    """
    episode, diagnostics = _load_chapters(Path(path), from_format)
    if clock_start_ms is not None:
        from podcast_tool.outline.clock import apply_clock_start

        diagnostics += apply_clock_start(episode, clock_start_ms)
    return episode, diagnostics


def _load_chapters(path: Path, from_format: str | None) -> tuple[Episode, list[Diagnostic]]:
    if from_format is None:
        audio_file = _audio_or_none(path)
        if audio_file is not None:
            return audio_file.read(), []
    return parse_outline(read_outline(path, from_format))


def _audio_or_none(path: Path) -> containers.AudioFile | None:
    """The audio file at ``path``, or None if it is not one (it may be an outline)."""
    try:
        return containers.open_audio(path)
    except PodcastToolError as error:
        # An audio extension on a file we cannot recognise means damaged audio, not an
        # outline, and a format we know but cannot chapter is named: either says more
        # than "binary file".
        known = isinstance(error, UnsupportedAudioError) and error.unsupported is not None
        if known or path.suffix.lower() in containers.audio_extensions():
            raise
        return None


def require_writable_text(episode: Episode, diagnostics: list[Diagnostic] | None = None) -> None:
    """Refuse to convert chapters no output can hold: none at all, or broken characters.

    Raises ``ValidationFailed`` carrying ``diagnostics`` (what reading noted) and the
    reasons (``no-chapters``, ``invalid-characters``), as ``check`` reports them.
    """
    noted = list(diagnostics or [])
    if not episode.chapters:
        if episode.duration_ms is not None:  # chapters read from an audio file
            raise ValidationFailed(_("the file holds no chapters; nothing to export"),
                                   diagnostics=noted, path=episode.source)
        raise ValidationFailed(_("no chapters; nothing was written"),
                               diagnostics=noted + validate(episode), path=episode.source)
    broken = character_diagnostics(episode)
    if broken:
        raise ValidationFailed(ngettext("{count} error in the chapters; nothing was written",
                                        "{count} errors in the chapters; nothing was written",
                                        len(broken)).format(count=len(broken)),
                               diagnostics=noted + broken, path=episode.source)


@dataclass
class CheckResult:
    #: The chapters; their ``duration_ms`` is the named recording's, when one was named.
    episode: Episode
    #: Reading and validation diagnostics, in line order.
    diagnostics: list[Diagnostic]


def check(source: str | Path, audio: str | Path | None = None, *,
          from_format: str | None = None, clock_start_ms: int | None = None) -> CheckResult:
    """Load and validate chapters, against the recording when one is named. Writes nothing."""
    episode, diagnostics = load_chapters(source, from_format, clock_start_ms=clock_start_ms)
    capabilities = None
    if audio is not None:
        audio_file = containers.open_audio(audio)
        length = audio_file.length()
        episode.duration_ms, capabilities = length.duration_ms, audio_file.capabilities
        diagnostics += length.diagnostics
    diagnostics += validate(episode, capabilities=capabilities)
    # Reading and validation notes interleaved in line order, as a compiler lists them.
    diagnostics.sort(key=lambda d: d.line or 0)
    return CheckResult(episode, diagnostics)


def show(source: str | Path, from_format: str | None = None) -> tuple[Episode, list[Diagnostic]]:
    """The chapters stored in ``source``, and its broken characters as warnings (``show`` only
    reads, so they are not errors; they are shown as U+FFFD)."""
    from dataclasses import replace

    episode = load_chapters(source, from_format)[0]
    return episode, [replace(d, severity=Severity.WARNING) for d in character_diagnostics(episode)]


def export(source: str | Path, format_name: str | None = None, *, output: str | Path | None = None,
           from_format: str | None = None, audio: str | Path | None = None,
           notation: str | None = None, add_zero_chapter: bool = False,
           zero_chapter_title: str = "Introduction", snippet: bool = False,
           clock_start_ms: int | None = None) -> tuple[str, list[Diagnostic]]:
    """The chapters of ``source`` rendered in ``format_name``, and what reading and rendering noted.

    ``format_name`` None: the one ``output``'s extension names, else JSON. With ``output``, the
    text is also written there (safely). ``notation`` None keeps the source's ("fr" or "clock"),
    else clock.
    """
    from podcast_tool.formats import ExportOptions, format_for_output, get_format

    output = Path(output) if output is not None else None
    target = get_format(format_name or format_for_output(output))
    if from_format is not None:
        get_format(from_format)  # an unknown name is a usage error before any reading
    source = Path(source)
    episode, diagnostics = load_chapters(source, from_format, clock_start_ms=clock_start_ms)
    require_writable_text(episode, diagnostics)
    audio_name = Path(audio).name if audio else (
        source.name if episode.duration_ms is not None else None)
    if audio:
        episode.duration_ms = containers.audio_duration_ms(audio)
    if notation is None:
        notation = episode.notation if episode.notation in ("fr", "clock") else "clock"
    options = ExportOptions(audio_name=audio_name, notation=notation,
                            add_zero_chapter=add_zero_chapter, zero_chapter_title=zero_chapter_title,
                            snippet=snippet)
    text, more = target.dump(episode, options)
    if "toc" not in target.keeps:
        from podcast_tool.formats.common import hidden_chapters_note

        more += hidden_chapters_note(episode.chapters, target.label, None)
    if output is not None:
        from podcast_tool.safewrite import write_file

        write_file(output, text.encode("utf-8"))
    return text, diagnostics + more


def strip(path: str | Path, *, dry_run: bool = False) -> int:
    """Remove every chapter from an audio file (only count them with ``dry_run``)."""
    audio_file = containers.open_audio(path)
    return len(audio_file.read().chapters) if dry_run else audio_file.strip()


@dataclass
class TagResult:
    audio_file: containers.AudioFile
    #: The chapters to write; its ``duration_ms`` is the recording's.
    episode: Episode
    diagnostics: list[Diagnostic] = field(default_factory=list)
    written: bool = False
    #: Snap report rows when snapping ran (see podcast_tool.snap.placement).
    snap_report: Any = None
    #: The one-line preflight of the file written, when ``write`` was asked for it.
    preflight: str | None = None

    @property
    def audio(self) -> Path:
        return self.audio_file.path


def prepare(
    audio: str | Path,
    chapters_source: str | Path,
    *,
    from_format: str | None = None,
    snap_options: Any = None,
    clock_start_ms: int | None = None,
) -> TagResult:
    """Load and validate chapters against the audio; snap them when asked. Writes nothing.

    Raises ``ValidationFailed`` (carrying the diagnostics) when validation finds errors.
    """
    audio = Path(audio)
    audio_file = containers.open_audio(audio)
    length = audio_file.length()  # also rejects what is not audio, first
    duration = length.duration_ms
    if duration < MIN_RECORDING_MS:
        cut = next((d.message for d in length.diagnostics if d.code == "audio-truncated"), None)
        message = _("the recording lasts only {seconds} s: too short to hold chapters").format(
            seconds=decimal(duration / 1000, 2))
        raise AudioFileError(message + (f"; {cut}" if cut else ""), path=audio,
                             hint=_("is this the whole recording? export it again from the "
                                    "recording software"))
    episode, diagnostics = load_chapters(chapters_source, from_format, clock_start_ms=clock_start_ms)
    diagnostics = length.diagnostics + diagnostics
    # Local chapter images (relative to the chapter file) are embedded; web ones stay references.
    diagnostics += load_chapter_images(episode, Path(chapters_source).parent)
    episode.duration_ms = duration
    diagnostics += validate(episode, capabilities=audio_file.capabilities)
    if not has_errors(diagnostics):
        from podcast_tool.formats.common import hidden_chapters_note

        diagnostics += hidden_chapters_note(episode.chapters, "an audio file's chapter list",
                                            str(audio_file.path))
    result = TagResult(audio_file=audio_file, episode=episode, diagnostics=diagnostics)
    if has_errors(diagnostics):
        errors = sum(d.severity is Severity.ERROR for d in diagnostics)
        raise ValidationFailed(ngettext("{count} error in the chapters; nothing was written",
                                        "{count} errors in the chapters; nothing was written",
                                        errors).format(count=errors),
                               diagnostics=diagnostics, path=audio)
    if snap_options is not None:
        from podcast_tool.snap.placement import snap_episode

        result.episode, snap_diagnostics, result.snap_report = snap_episode(
            audio, episode, snap_options)
        result.diagnostics += snap_diagnostics
    return result


def write(result: TagResult, options: WriteOptions | None = None, *,
          preflight: bool = False) -> TagResult:
    """Write the prepared chapters; with ``preflight``, then read the file back as apps will."""
    report = result.audio_file.write(result.episode, options)
    result.diagnostics += report.diagnostics
    result.written = True
    if preflight:
        from podcast_tool.preflight import summary_after_tagging

        result.preflight = summary_after_tagging(result.audio)
    return result


def snap_options(window_seconds: float | None = None,
                 min_pause_seconds: float | None = None) -> SnapOptions:
    """Snap options from the seconds a user gives (None: the default)."""
    from podcast_tool.snap.placement import DEFAULT_MIN_PAUSE_MS, DEFAULT_WINDOW_MS, SnapOptions

    return SnapOptions(
        window_ms=DEFAULT_WINDOW_MS if window_seconds is None else round(window_seconds * 1000),
        min_pause_ms=(DEFAULT_MIN_PAUSE_MS if min_pause_seconds is None
                      else round(min_pause_seconds * 1000)))


@dataclass
class SnapResult:
    #: The chapters as read (their duration is the recording's, where known).
    episode: Episode
    snapped: Episode
    diagnostics: list[Diagnostic]
    report: SnapReport
    #: Where the corrected outline was written, if anywhere.
    written: Path | None = None


def snap(audio: str | Path, outline: str | Path, options: SnapOptions, *,
         from_format: str | None = None, target: str | Path | None = None,
         clock_start_ms: int | None = None) -> SnapResult:
    """Move the outline's times to the real pauses of ``audio``; the audio is never changed.

    With ``target``, the corrected outline is written there, in the outline's own notation,
    encoding and newlines (``target`` may be the outline itself).
    """
    from podcast_tool.snap.placement import snap_episode

    audio, outline = Path(audio), Path(outline)
    written = Path(target) if target is not None else None
    source: OutlineText | None = None
    if written is None:
        episode, diagnostics = load_chapters(outline, from_format, clock_start_ms=clock_start_ms)
    else:
        if from_format is None and _audio_or_none(outline) is not None:
            raise UsageError(_("OUTLINE is an audio file: there is no outline text to correct "
                               "(use `tag --snap` to snap an audio file's own chapters)"),
                             path=outline)
        source = read_outline(outline, from_format)
        episode, diagnostics = parse_outline(source)
        if clock_start_ms is not None:
            from podcast_tool.outline.clock import apply_clock_start

            diagnostics += apply_clock_start(episode, clock_start_ms)
        require_writable_text(episode, diagnostics)
        if source.document is not None:
            written, note = corrected_target(outline, written, source.document)
            diagnostics.append(note)
    try:
        episode.duration_ms = containers.audio_duration_ms(audio)
    except UnsupportedAudioError:
        # Snapping only needs ffmpeg to decode the file; a container we cannot chapter (WAV,
        # say) has no duration we read, and windows simply end where the audio ends.
        episode.duration_ms = None
    snapped, more, report = snap_episode(audio, episode, options)
    diagnostics += more
    if written is not None and source is not None:
        diagnostics += write_corrected(source, written, episode, snapped,
                                       clock_start_ms=clock_start_ms or 0)
    return SnapResult(episode, snapped, diagnostics, report, written)


def plan_conversion(audio: str | Path, output: str | Path, to: str) -> ConversionPlan:
    """How ``audio`` becomes a new ``to`` file at ``output`` (its audio copied as it is when the
    new container can hold it, else converted); nothing is written yet."""
    from podcast_tool import convert as conversion  # with ``tag --to`` only: it brings subprocess

    return conversion.plan_conversion(audio, output, to)


def convert(plan: ConversionPlan, on_progress: Callable[[int], None] | None = None) -> None:
    """Make the copy ``plan`` describes; ``on_progress`` gets the milliseconds of audio done."""
    from podcast_tool import convert as conversion

    conversion.convert(plan, on_progress)


@contextmanager
def tagging_the_copy(plan: ConversionPlan) -> Iterator[Path]:
    """The converted copy, to tag in the ``with`` block; if tagging it fails the copy goes, so
    an untagged copy is never left behind as if it were the tagged one (it is ours, not the
    user's: the original is never touched)."""
    try:
        yield plan.target
    except BaseException:
        plan.target.unlink(missing_ok=True)
        raise

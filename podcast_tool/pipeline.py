"""What every command calls: load chapters from any source, validate, snap, write, export.

Chapters come from whatever the user names: an outline, a sidecar, or an audio file.
The commands (and the studio, the publisher) only parse their options, call one of
these functions and show the result; nothing here prints.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from podcast_tool import containers, fileaccess
from podcast_tool.containers import WriteOptions
from podcast_tool.errors import (
    AudioFileError,
    OutlineError,
    PodcastToolError,
    UnsupportedAudioError,
    UsageError,
    ValidationFailed,
)
from podcast_tool.fileaccess import MAX_TEXT_BYTES
from podcast_tool.i18n import _, decimal, ngettext
from podcast_tool.images import load_chapter_images
from podcast_tool.model import Diagnostic, Episode, Severity, has_errors
from podcast_tool.validate import character_diagnostics, validate

if TYPE_CHECKING:
    from podcast_tool.formats import ChapterFormat
    from podcast_tool.outline.documents import DocumentText
    from podcast_tool.snap.placement import SnapOptions, SnapReport

#: A recording shorter than this holds no chapters a listener could use.
MIN_RECORDING_MS = 1000


def decode_text(data: bytes, source: Path | None = None) -> tuple[str, list[Diagnostic]]:
    """UTF-8 (with or without BOM), else Windows-1252 with an info diagnostic."""
    name = str(source) if source else None
    if b"\x00" in data[:8192]:
        raise OutlineError(_("this is a binary file, not a text outline"), path=source)
    try:
        text = data.decode("utf-8-sig")
        diagnostics: list[Diagnostic] = []
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
        diagnostics = [Diagnostic(Severity.INFO, "encoding-cp1252",
                                  _("the file is not UTF-8; read it as Windows-1252"),
                                  file=name, line=None,
                                  hint=_("save the outline as UTF-8 to be sure of accented letters"))]
    return text.replace("\r\n", "\n").replace("\r", "\n"), diagnostics


def read_text(path: Path) -> bytes:
    """A chapter file's bytes: a regular file (never a FIFO or a device), bounded in size."""
    try:
        return fileaccess.read_regular(path, MAX_TEXT_BYTES)
    except fileaccess.TooLargeError as error:
        raise OutlineError(_("too large for a chapter file ({size})").format(size=error.strerror),
                           path=path) from None
    except OSError as error:
        raise OutlineError(fileaccess.describe(error), path=path) from None


def text_format(text: str, path: Path, from_format: str | None = None) -> ChapterFormat:
    """The format a chapter text is read (and written back) in: the one named, else detected."""
    from podcast_tool import formats

    return formats.get_format(from_format) if from_format else formats.guess_format(text, path)


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


@dataclass
class OutlineText:
    """A chapter text file read once: its bytes (whose encoding, BOM and newlines a write-back
    keeps), and the document it is or else its decoded text and format."""

    path: Path
    raw: bytes
    text: str
    notes: list[Diagnostic]
    document: DocumentText | None = None
    chapter_format: ChapterFormat | None = None


def read_outline(path: Path, from_format: str | None = None) -> OutlineText:
    """Read and recognise a chapter text file (an outline, a document or a sidecar) once."""
    raw = read_text(path)
    document = read_document(raw, path) if from_format in (None, "outline") else None
    if document is not None:
        return OutlineText(path, raw, document.text, [], document=document)
    text, notes = decode_text(raw, path)
    return OutlineText(path, raw, text, notes, chapter_format=text_format(text, path, from_format))


def parse_outline(outline: OutlineText) -> tuple[Episode, list[Diagnostic]]:
    """The chapters of a chapter text file read by ``read_outline``."""
    if outline.document is not None:
        return _load_document(outline.document, outline.path)
    assert outline.chapter_format is not None
    episode, more = outline.chapter_format.load(outline.text, outline.path)
    episode.source = outline.path
    return episode, list(outline.notes) + more


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


def read_document(data: bytes, path: Path) -> DocumentText | None:
    """The outline text of a Word, OpenDocument, web page or RTF file (by content), else None."""
    from podcast_tool.outline import documents

    kind = documents.detect_document(data, path)
    return documents.read_document(kind, data, path) if kind is not None else None


def _load_document(document: DocumentText, path: Path) -> tuple[Episode, list[Diagnostic]]:
    """Parse a document's text; lines become the paragraphs (or source lines) they came from."""
    from dataclasses import replace

    from podcast_tool.formats import get_format

    episode, diagnostics = get_format("outline").load(document.text, path)
    for chapter in episode.chapters:
        chapter.line = document.place(chapter.line)
    episode.source = path
    return episode, [replace(d, line=document.place(d.line)) for d in diagnostics]


@dataclass
class CheckResult:
    episode: Episode
    #: Reading and validation diagnostics, in line order.
    diagnostics: list[Diagnostic]
    #: The recording's duration, when one was named.
    duration_ms: int | None = None


def check(source: str | Path, audio: str | Path | None = None, *,
          from_format: str | None = None, clock_start_ms: int | None = None) -> CheckResult:
    """Load and validate chapters, against the recording when one is named. Writes nothing."""
    episode, diagnostics = load_chapters(source, from_format, clock_start_ms=clock_start_ms)
    duration = capabilities = None
    if audio is not None:
        audio_file = containers.open_audio(audio)
        length = audio_file.length()
        duration, capabilities = length.duration_ms, audio_file.capabilities
        diagnostics += length.diagnostics
    diagnostics += validate(episode, duration_ms=duration, capabilities=capabilities)
    # Reading and validation notes interleaved in line order, as a compiler lists them.
    diagnostics.sort(key=lambda d: d.line or 0)
    return CheckResult(episode, diagnostics, duration)


def export(source: str | Path, format_name: str, *, from_format: str | None = None,
           audio: str | Path | None = None, notation: str | None = None,
           add_zero_chapter: bool = False, zero_chapter_title: str = "Introduction",
           snippet: bool = False, clock_start_ms: int | None = None) -> tuple[str, list[Diagnostic]]:
    """The chapters of ``source`` rendered in ``format_name``, and what reading and rendering noted.

    ``notation`` None keeps the source's ("fr" or "clock"), else clock.
    """
    from podcast_tool.formats import ExportOptions, get_format

    target = get_format(format_name)
    if from_format is not None:
        get_format(from_format)  # an unknown name is a usage error before any reading
    source = Path(source)
    episode, diagnostics = load_chapters(source, from_format, clock_start_ms=clock_start_ms)
    require_writable_text(episode, diagnostics)
    duration = containers.audio_duration_ms(audio) if audio else episode.duration_ms
    audio_name = Path(audio).name if audio else (
        source.name if episode.duration_ms is not None else None)
    if notation is None:
        notation = episode.notation if episode.notation in ("fr", "clock") else "clock"
    options = ExportOptions(audio_name=audio_name, notation=notation,
                            add_zero_chapter=add_zero_chapter, zero_chapter_title=zero_chapter_title,
                            duration_ms=duration, snippet=snippet)
    text, more = target.dump(episode, options)
    if "toc" not in target.keeps:
        from podcast_tool.formats.common import hidden_chapters_note

        more += hidden_chapters_note(episode.chapters, target.label, None)
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

    @property
    def audio(self) -> Path:
        return self.audio_file.path

    @property
    def duration_ms(self) -> int | None:
        return self.episode.duration_ms


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
    diagnostics += validate(episode, duration_ms=duration, capabilities=audio_file.capabilities)
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


def write(result: TagResult, options: WriteOptions | None = None) -> TagResult:
    report = result.audio_file.write(result.episode, options)
    result.diagnostics += report.diagnostics
    result.written = True
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
            written, note = _markdown_beside(outline, written, source.document)
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


def _markdown_beside(outline: Path, target: Path, document: DocumentText) -> tuple[Path, Diagnostic]:
    """Where a document's corrected outline goes: Markdown, never the document itself."""
    from podcast_tool.outline.documents import DOCUMENT_EXTENSIONS, KIND_NAMES

    kind = _(KIND_NAMES[document.kind])
    markdown = target
    derived = target == outline or target.suffix.lower() in DOCUMENT_EXTENSIONS
    if derived:
        markdown = target.with_suffix(".md")
        if markdown.exists() and target == outline:
            raise UsageError(_("{markdown} already exists: the corrected outline of this file "
                               "({kind}) would replace it").format(markdown=markdown, kind=kind),
                             path=outline, hint=_("name the corrected outline with -o FILE.md"))
    note = Diagnostic(Severity.INFO, "corrected-outline-markdown",
                      _("OUTLINE is a {kind}: the corrected outline is written as Markdown to "
                        "{markdown}; the document itself is left unchanged").format(
                          kind=kind, markdown=markdown),
                      str(outline), None, _("copy the corrected times into the document, or keep "
                                            "the Markdown outline from now on"))
    return markdown, note


def _written_times(snapped: Episode, clock_start_ms: int) -> list[tuple[int, int | None]]:
    """Each chapter's times as the outline writes them (times of day with ``--clock-start``)."""
    return [(c.start_ms + clock_start_ms, None if c.end_ms is None else c.end_ms + clock_start_ms)
            for c in snapped.chapters]


def write_corrected(source: OutlineText, target: Path, original: Episode, snapped: Episode, *,
                    clock_start_ms: int = 0) -> list[Diagnostic]:
    """Write ``snapped``'s times to ``target`` in the outline's own notation, encoding, newlines.

    With ``clock_start_ms``, the outline was written in times of day: they are written back so.
    A document's corrected outline is Markdown in UTF-8.
    """
    from podcast_tool.formats import ExportOptions
    from podcast_tool.safewrite import write_file

    diagnostics: list[Diagnostic] = []
    if source.document is not None or (source.chapter_format is not None
                                       and source.chapter_format.name == "outline"):
        from podcast_tool.outline.parser import retime_outline

        new_text = retime_outline(source.text, _written_times(snapped, clock_start_ms))
    else:
        assert source.chapter_format is not None
        new_text, diagnostics = source.chapter_format.dump(snapped, ExportOptions(
            notation=original.notation or "clock", duration_ms=original.duration_ms))
    if source.document is not None:
        write_file(target, new_text.encode("utf-8"))
    else:
        write_file(target, encode_like(source.raw, source.notes, new_text))
    return diagnostics


def encode_like(raw: bytes, notes: list[Diagnostic], new_text: str) -> bytes:
    """``new_text`` in the encoding, BOM and newlines of the file read as ``raw`` (with ``notes``
    from ``decode_text``)."""
    if b"\r\n" in raw:
        new_text = new_text.replace("\n", "\r\n")
    encoding = "cp1252" if any(n.code == "encoding-cp1252" for n in notes) else "utf-8"
    try:
        data = new_text.encode(encoding)
    except UnicodeEncodeError:
        data, encoding = new_text.encode("utf-8"), "utf-8"
    if raw.startswith(b"\xef\xbb\xbf") and encoding == "utf-8":
        data = b"\xef\xbb\xbf" + data
    return data

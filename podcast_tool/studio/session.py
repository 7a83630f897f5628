"""One studio session: a recording, its chapters, and what the page may do with them.

Nothing here knows of HTTP: the server turns requests into these calls. The session only ever
opens the files it was started with (the recording, the chapters' source) and the outputs that
follow from them (the corrected outline, sidecars named after the recording, the peaks cache).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from podcast_tool import containers, i18n
from podcast_tool.errors import PodcastToolError, UsageError
from podcast_tool.i18n import _
from podcast_tool.model import Chapter, Episode, has_errors
from podcast_tool.outline.timecodes import format_time
from podcast_tool.safewrite import file_signature
from podcast_tool.studio import peaks as peaks_module
from podcast_tool.studio.outline_edit import EditedChapter
from podcast_tool.studio.strings import guess_language, page_strings

if TYPE_CHECKING:
    from podcast_tool.pipeline import OutlineText

#: Sources read by a document reader, not as text: Save writes a Markdown outline beside them.
DOCUMENT_SUFFIXES = frozenset({".docx", ".odt", ".html", ".htm", ".rtf", ".doc", ".pdf"})
#: Formats whose text is an outline the studio can edit in place, line by line.
OUTLINE_FORMATS = frozenset({"outline", "markdown"})
MAX_CHAPTERS = 2000
MAX_TEXT = 10_000


class Conflict(PodcastToolError):
    """A file changed on disk since the page loaded it: saving would overwrite that change."""


@dataclass
class PeaksJob:
    """The waveform's peaks as they are decoded (read by the page while they grow)."""

    expected: int
    data: bytearray = field(default_factory=bytearray)
    done: bool = False
    cached: bool = False
    error: str | None = None
    stop: threading.Event = field(default_factory=threading.Event)

    def run(self, audio: Path, on_progress: Any = None) -> None:
        def add(piece: bytes) -> None:
            self.data += piece
            if on_progress is not None:
                on_progress(len(self.data), max(self.expected, len(self.data)))

        try:
            _, self.cached = peaks_module.load_peaks(audio, add, self.stop.is_set)
        except PodcastToolError as error:
            self.error = error.message
        finally:
            self.done = True
            if on_progress is not None:
                on_progress(len(self.data), len(self.data))


class StudioSession:
    def __init__(self, audio: Path, chapters: Path | None, *, from_format: str | None = None,
                 language: str | None = None, export: tuple[str, ...] = (),
                 id3v2_version: int = 3) -> None:
        self.audio = Path(audio)
        self.chapters_path = Path(chapters) if chapters is not None else None
        self.from_format = from_format
        self.export = export
        self.id3v2_version = id3v2_version
        self.lock = threading.Lock()
        self.revision = 0
        self.audio_file = containers.open_audio(self.audio)
        self.duration_ms = self.audio_file.duration_ms()
        self._load()
        self.language = language or guess_language([c.title for c in self.episode.chapters],
                                                   self.episode.notation)
        if self.language not in i18n.LANGUAGES:
            raise UsageError(_("the page speaks {languages}, not {language}").format(
                languages=i18n.and_list(list(i18n.LANGUAGES)), language=self.language))
        #: Held while the page's language is in force (the catalogue choice is process-wide).
        self._speaking = threading.RLock()
        self.peaks = PeaksJob(expected=-(-self.duration_ms * peaks_module.PEAKS_PER_SECOND // 1000))

    # ------------------------------------------------------------------ loading

    def _load(self) -> None:
        from podcast_tool.pipeline import load_chapters, parse_outline, read_outline

        if self.chapters_path is None:
            self.episode, self.load_diagnostics = load_chapters(self.audio, self.from_format)
            self.kind = "audio"
        else:
            # Read once, and recognised by content: a document named .txt or .md is still a
            # document, which Save must never rewrite as text.
            outline = read_outline(self.chapters_path, self.from_format)
            self.episode, self.load_diagnostics = parse_outline(outline)
            self.kind = self._kind(outline)
        self.episode.duration_ms = self.duration_ms
        self.signatures = self._signatures()

    def _kind(self, outline: OutlineText) -> str:
        if outline.document is not None or outline.path.suffix.lower() in DOCUMENT_SUFFIXES:
            return "document"
        assert outline.chapter_format is not None
        return "outline" if outline.chapter_format.name in OUTLINE_FORMATS else "sidecar"

    def _signatures(self) -> dict[str, tuple[int, int, int]]:
        found = {"audio": file_signature(self.audio)}
        if self.chapters_path is not None:
            found["chapters"] = file_signature(self.chapters_path)
        return found

    @property
    def notation(self) -> str:
        return "fr" if self.episode.notation == "fr" else "clock"

    @property
    def outline_target(self) -> Path | None:
        """Where Save writes the chapters' text: the source itself, or a Markdown file beside."""
        if self.kind == "audio":
            return None
        assert self.chapters_path is not None
        if self.kind == "document":
            beside = self.chapters_path.with_suffix(".md")
            return beside if not beside.exists() or self.revision else \
                self.chapters_path.with_name(self.chapters_path.stem + ".corrected.md")
        return self.chapters_path

    @contextmanager
    def speaking(self) -> Iterator[None]:
        """Messages (diagnostics, errors, page texts) in the page's language inside the block."""
        with self._speaking, i18n.language(self.language):
            yield

    def start_peaks(self, on_progress: Any = None) -> threading.Thread:
        thread = threading.Thread(target=self.peaks.run, args=(self.audio, on_progress),
                                  name="studio-peaks", daemon=True)
        thread.start()
        return thread

    # ------------------------------------------------------------------ what the page reads

    def state(self) -> dict[str, Any]:
        target = self.outline_target
        return {
            "revision": self.revision,
            "language": self.language,
            "strings": page_strings(self.language),
            "title": self.episode.title or self.audio.stem,
            "audio_name": self.audio.name,
            "chapters_name": self.chapters_path.name if self.chapters_path else None,
            "kind": self.kind,
            "outline_target": target.name if target else None,
            "notation": self.notation,
            "duration_ms": self.duration_ms,
            "peaks_per_second": peaks_module.PEAKS_PER_SECOND,
            "chapters": [self._chapter_dict(index, chapter)
                         for index, chapter in enumerate(self.episode.chapters)],
            "load_diagnostics": [d.to_dict() for d in self.load_diagnostics],
            **self.check_chapters(self._edits_of(self.episode.chapters)),
        }

    def _chapter_dict(self, index: int, chapter: Chapter) -> dict[str, Any]:
        return {"origin": index, "start_ms": chapter.start_ms, "end_ms": chapter.end_ms,
                "title": chapter.title, "description": chapter.description}

    @staticmethod
    def _edits_of(chapters: list[Chapter]) -> list[EditedChapter]:
        return [EditedChapter(i, c.start_ms, c.end_ms, c.title, c.description)
                for i, c in enumerate(chapters)]

    def parse_edits(self, payload: Any) -> list[EditedChapter]:
        """The page's chapters, checked field by field (anything else is a usage error)."""
        if not isinstance(payload, list) or len(payload) > MAX_CHAPTERS:
            raise UsageError(_("chapters must be a list"))
        edits = []
        for item in payload:
            if not isinstance(item, dict):
                raise UsageError(_("each chapter must be an object"))
            origin, start, end = item.get("origin"), item.get("start_ms"), item.get("end_ms")
            title, description = item.get("title", ""), item.get("description", "")
            if origin is not None and (type(origin) is not int
                                       or not 0 <= origin < len(self.episode.chapters)):
                raise UsageError(_("a chapter's origin is not one of the outline's chapters"))
            if type(start) is not int or start < 0 or (end is not None and (type(end) is not int
                                                                            or end < 0)):
                raise UsageError(_("a chapter's times must be whole milliseconds"))
            if not isinstance(title, str) or not isinstance(description, str) \
                    or len(title) > MAX_TEXT or len(description) > MAX_TEXT:
                raise UsageError(_("a chapter's title and description must be text"))
            edits.append(EditedChapter(origin, start, end, title, description))
        return edits

    def edited_episode(self, edits: list[EditedChapter]) -> Episode:
        chapters = []
        for edit in edits:
            base = self.episode.chapters[edit.origin] if edit.origin is not None else Chapter(0, "")
            chapters.append(replace(base, start_ms=edit.start_ms, end_ms=edit.end_ms,
                                    title=edit.title, description=edit.description))
        return replace(self.episode, chapters=chapters)

    def check_chapters(self, edits: list[EditedChapter]) -> dict[str, Any]:
        """The same diagnostics as ``check``, each placed on the chapter it concerns."""
        from podcast_tool.validate import validate

        episode = self.edited_episode(edits)
        numbered = [replace(c, line=index + 1) for index, c in enumerate(episode.chapters)]
        diagnostics = validate(replace(episode, chapters=numbered, source=None),
                               capabilities=self.audio_file.capabilities)
        return {
            "diagnostics": [{**d.to_dict(), "chapter": d.line - 1 if d.line else None}
                            for d in diagnostics],
            "times": [{"start": format_time(e.start_ms, self.notation),
                       "end": format_time(e.end_ms, self.notation) if e.end_ms is not None else ""}
                      for e in edits],
            "can_save": not has_errors(diagnostics),
        }

    def suggest(self, edits: list[EditedChapter]) -> dict[str, Any]:
        """Snap suggestions for the chapters as they stand on the page."""
        from podcast_tool.snap.placement import SnapOptions, snap_episode

        episode = self.edited_episode(edits)
        _, diagnostics, report = snap_episode(self.audio, episode, SnapOptions())
        rows = [row.to_dict() for row in report.rows
                if row.status == "moved" and row.shift_ms != 0]
        return {"suggestions": rows, "diagnostics": [d.to_dict() for d in diagnostics]}

    # ------------------------------------------------------------------ saving

    def save(self, revision: Any, edits: list[EditedChapter]) -> dict[str, Any]:
        from podcast_tool.studio.saving import save_session

        with self.lock:
            if revision != self.revision:
                raise Conflict(_("the chapters were saved from another page since this one "
                                 "loaded; reload the page"))
            if self._signatures() != self.signatures:
                changed = {name for name, signature in self._signatures().items()
                           if self.signatures.get(name) != signature}
                if changed == {"audio"}:
                    message = _("the recording changed on disk since the page loaded; nothing "
                                "was written")
                elif changed == {"chapters"}:
                    message = _("the outline changed on disk since the page loaded; nothing was "
                                "written")
                else:
                    message = _("the recording and the outline changed on disk since the page "
                                "loaded; nothing was written")
                raise Conflict(message)
            written, diagnostics = save_session(self, edits)
            old_audio = self.audio
            peaks = bytes(self.peaks.data) if self.peaks.done and not self.peaks.error else None
            self.revision += 1
            if self.kind == "document":
                self.chapters_path, self.from_format = written.get("outline", self.chapters_path), None
            self._load()
            if peaks is not None:
                # Tagging rewrote the file, not its sound: the peaks stay valid under the new key.
                peaks_module.write_cache(old_audio, peaks)
            state = self.state()
            state["written"] = {name: path.name for name, path in written.items()}
            state["save_diagnostics"] = [d.to_dict() for d in diagnostics]
            return state

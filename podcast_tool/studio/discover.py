"""Which chapters go with a recording, and which recordings a batch folder holds."""

from __future__ import annotations

from pathlib import Path

from podcast_tool.errors import UsageError
from podcast_tool.i18n import _


def find_chapters(audio: Path) -> Path | None:
    """The chapter file paired with ``audio``, as a batch pairs them, else one beside it.

    ``ROOT/audio/NAME.mp3`` pairs with ``ROOT/chapters/NAME.*``; otherwise ``NAME.md`` (or
    another chapter file) in the recording's own folder. None when there is none: the
    recording's own chapters are then edited.
    """
    from podcast_tool.batch.plan import chapter_extensions

    extensions = sorted(chapter_extensions() | {".docx", ".odt", ".html", ".htm", ".rtf"})
    candidates: list[Path] = []
    resolved = audio.resolve()
    for parent in resolved.parents:
        if parent.name == "audio":
            relative = resolved.relative_to(parent).with_suffix("")
            candidates += [parent.parent / "chapters" / relative.with_suffix(ext)
                           for ext in extensions]
            break
    candidates += [resolved.with_suffix(ext) for ext in extensions]
    found = [path for path in candidates if path.is_file() and path != resolved]
    if not found:
        return None
    first_folder = [p for p in found if p.parent == found[0].parent]
    if len(first_folder) > 1:
        names = ", ".join(p.name for p in first_folder)
        raise UsageError(_("several chapter files could go with this recording: {names}").format(
            names=names), path=audio,
            hint=_("name the one to open: podcast-tool studio AUDIO OUTLINE"))
    return found[0]


def list_recordings(root: Path) -> list[tuple[Path, Path]]:
    """The recordings of a batch folder with their outlines (as `batch` pairs them)."""
    from podcast_tool.batch.plan import plan_folder
    from podcast_tool.batch.report import RecordingOptions

    plan = plan_folder(root, RecordingOptions())
    return [(job.audio, job.chapters) for job in plan.jobs]

"""Save: the corrected outline, the recording tagged as `tag` would, and the sidecars asked for.

Order: everything is validated and rendered in memory first (the chapters, the outline text, the
sidecars), so an edit that cannot be written exactly fails before any file is touched. Then the
outline is written, the recording is tagged from it through the pipeline (its validation, safe
write and lock), and the sidecars follow.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from podcast_tool.errors import ValidationFailed
from podcast_tool.i18n import ngettext
from podcast_tool.model import Diagnostic, Episode, Severity, has_errors
from podcast_tool.safewrite import write_file
from podcast_tool.studio.outline_edit import EditedChapter, edit_outline

if TYPE_CHECKING:
    from podcast_tool.studio.session import StudioSession


def save_session(session: StudioSession, edits: list[EditedChapter]
                 ) -> tuple[dict[str, Path], list[Diagnostic]]:
    from podcast_tool import pipeline
    from podcast_tool.containers import WriteOptions
    from podcast_tool.validate import validate

    episode = session.edited_episode(edits)
    diagnostics = validate(episode, capabilities=session.audio_file.capabilities)
    if has_errors(diagnostics):
        errors = sum(d.severity is Severity.ERROR for d in diagnostics)
        raise ValidationFailed(ngettext("{count} error in the chapters; nothing was written",
                                        "{count} errors in the chapters; nothing was written",
                                        errors).format(count=errors),
                               diagnostics=diagnostics, path=session.audio)
    target = session.outline_target
    outline_data = _outline_bytes(session, edits, episode) if target is not None else None
    sidecars = _sidecars(session, episode)

    written: dict[str, Path] = {}
    if target is not None and outline_data is not None:
        write_file(target, outline_data)
        written["outline"] = target
        source_format = session.from_format if target == session.chapters_path else None
        result = pipeline.prepare(session.audio, target, from_format=source_format)
    else:
        result = pipeline.TagResult(audio_file=session.audio_file, episode=episode,
                                    diagnostics=diagnostics)
    pipeline.write(result, WriteOptions(id3v2_version=session.id3v2_version))
    written["audio"] = session.audio
    for name, (path, data) in sidecars.items():
        write_file(path, data)
        written[name] = path
    return written, result.diagnostics


def _outline_bytes(session: StudioSession, edits: list[EditedChapter], episode: Episode) -> bytes:
    from podcast_tool.formats import ExportOptions, get_format
    from podcast_tool.pipeline import decode_text, encode_like, read_text, text_format

    if session.kind == "document":
        text, _ = get_format("outline").dump(episode, ExportOptions(notation=session.notation))
        return text.encode("utf-8")
    assert session.chapters_path is not None
    raw = read_text(session.chapters_path)
    text, notes = decode_text(raw, session.chapters_path)
    if session.kind == "outline":
        new_text = edit_outline(text, edits)
    else:
        chapter_format = text_format(text, session.chapters_path, session.from_format)
        new_text, _ = chapter_format.dump(episode, ExportOptions(
            audio_name=session.audio.name, notation=session.notation))
    return encode_like(raw, notes, new_text)


def _sidecars(session: StudioSession, episode: Episode) -> dict[str, tuple[Path, bytes]]:
    from podcast_tool.batch.plan import sidecar_targets
    from podcast_tool.formats import ExportOptions, get_format

    rendered = {}
    for name, path in sidecar_targets(session.audio, session.export):
        text, _ = get_format(name).dump(episode, ExportOptions(
            audio_name=session.audio.name, notation=session.notation))
        rendered[name] = (path, text.encode("utf-8"))
    return rendered

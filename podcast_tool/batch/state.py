"""What a batch remembers of each recording between runs: whether it was tagged with --snap,
and the title it gave the pauses of an M4A.

A run with ``--snap`` moves chapters to the real pauses in the audio and in its sidecars
alike; a later run without it would put the audio back on the outline's written times.
So each run records, in ``ROOT/.podcast-tool-batch.json``, how every recording it tagged
(or found already tagged) was tagged, and a later run refuses to undo ``--snap`` unless
told to (``--force``): the audio and its sidecars never disagree without the user asking.
A pause's title is not read back from the file, so the run remembers it too, and a later run
with another ``--gap-title`` retitles the pauses.
The file is small JSON, written atomically; a missing or unreadable one means "nothing
remembered" (the batch then behaves as it did before it existed).
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterable
from pathlib import Path

from podcast_tool.batch.report import RecordingResult, Status
from podcast_tool.errors import PodcastToolError

STATE_NAME = ".podcast-tool-batch.json"
STATE_VERSION = 1


def state_path(root: Path) -> Path:
    return root / STATE_NAME


def recording_key(audio: Path, root: Path) -> str:
    """The recording's path relative to ROOT (real paths: links and ``..`` resolved)."""
    real, base = Path(os.path.realpath(audio)), Path(os.path.realpath(root))
    return real.relative_to(base).as_posix() if real.is_relative_to(base) else str(real)


def load_state(root: Path) -> dict[str, dict[str, object]]:
    try:
        data = json.loads(state_path(root).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    recordings = data.get("recordings") if isinstance(data, dict) else None
    return {key: value for key, value in (recordings or {}).items()
            if isinstance(key, str) and isinstance(value, dict)}


def was_snapped(state: dict[str, dict[str, object]], audio: Path, root: Path) -> bool:
    return state.get(recording_key(audio, root), {}).get("snap") is True


def remembered_gap_title(state: dict[str, dict[str, object]], audio: Path, root: Path) -> str | None:
    title = state.get(recording_key(audio, root), {}).get("gap_title")
    return title if isinstance(title, str) else None


def save_state(root: Path, results: Iterable[RecordingResult]) -> None:
    """Record how each recording now on disk was tagged; other entries are kept."""
    from podcast_tool.safewrite import write_file

    state = load_state(root)
    changed = False
    for result in results:
        if result.status in (Status.TAGGED, Status.UNCHANGED) and result.snapped is not None:
            key = recording_key(result.audio, root)
            entry: dict[str, object] = {"snap": result.snapped}
            if result.gap_title is not None:
                entry["gap_title"] = result.gap_title
            if state.get(key) != entry:
                state[key] = entry
                changed = True
    if not changed:
        return
    text = json.dumps({"version": STATE_VERSION, "recordings": dict(sorted(state.items()))},
                      ensure_ascii=False, indent=1) + "\n"
    # A read-only ROOT: tagging worked; only the memory of how is lost.
    with contextlib.suppress(OSError, PodcastToolError):
        write_file(state_path(root), text.encode("utf-8"))

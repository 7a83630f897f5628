"""An in-place edit a crash interrupted is undone before anything reads the file."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from podcast_tool.safewrite import file_lock

#: Told (file, what was done) when an interrupted in-place edit is undone; the CLI prints it.
on_recovery: Callable[[Path, str], None] | None = None


def recover_interrupted_edit(path: Path) -> str | None:
    """Undo an in-place edit a crash interrupted (see podcast_tool.inplace); what was done."""
    from podcast_tool import inplace

    if not inplace.interrupted(Path(os.path.realpath(path))):
        return None
    with file_lock(path):
        message = inplace.recover(path)
    if message and on_recovery is not None:
        on_recovery(path, message)
    return message

"""Permission bits read as a user means them, also for root.

Root may write anything, so ``os.access`` says yes to a 0444 file or a 0555 folder; a user
who made a file read-only means it. So a file (or folder) without write permission for its
owner is refused unless the caller allows it (``--force``). Immutable files and read-only
file systems, which ``os.access`` does report, are refused either way.
"""

from __future__ import annotations

import contextlib
import contextvars
import os
from collections.abc import Iterator
from pathlib import Path

from podcast_tool.errors import WriteError
from podcast_tool.i18n import N_, _

#: Set by ``read_only_allowed``: write files whose owner has no write permission (--force).
_force: contextvars.ContextVar[bool] = contextvars.ContextVar("podcast_tool_force", default=False)
_FORCE_HINT = N_("its owner has no write permission; --force writes it anyway (and keeps its "
                 "permissions)")
_FORCE_FOLDER_HINT = N_("its owner has no write permission; --force writes in it anyway")


@contextlib.contextmanager
def read_only_allowed(allowed: bool = True) -> Iterator[None]:
    """Within the block, a file or folder without owner write permission may be written.

    Root may write anything, so permission bits are read as a user means them: without
    this, a file whose owner may not write it is refused, also for root. Immutable files
    and read-only file systems are refused either way.
    """
    token = _force.set(allowed)
    try:
        yield
    finally:
        _force.reset(token)


def _owner_may_write(stat: os.stat_result) -> bool:
    return bool(stat.st_mode & 0o200)


def check_folder_writable(target: Path) -> None:
    folder = target.parent
    system_says = os.access(folder, os.W_OK | os.X_OK)
    if not system_says or not (_force.get() or _owner_may_write(folder.stat())):
        raise WriteError(
            _("its folder is read-only, so the file cannot be replaced safely; nothing was "
              "written"), path=target, hint=_(_FORCE_FOLDER_HINT) if system_says else None)


def check_writable(target: Path) -> os.stat_result:
    try:
        stat = target.stat()
    except FileNotFoundError:
        raise WriteError(_("no such file"), path=target) from None
    system_says = os.access(target, os.W_OK)
    if not system_says or not (_force.get() or _owner_may_write(stat)):
        raise WriteError(_("the file is read-only; nothing was written"), path=target,
                         hint=_(_FORCE_HINT) if system_says else None)
    check_folder_writable(target)
    return stat

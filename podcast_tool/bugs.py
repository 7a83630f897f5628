"""When podcast-tool itself fails: the traceback goes to a log file, the user gets its path.

An error the user can act on is a ``PodcastToolError``. Anything else escaping a command
is a bug in podcast-tool (or in a library it calls), never "your file is damaged": the
command prints a short message asking to report it, with the path of the log that holds
the traceback, and exits with ``BUG_EXIT_CODE``.
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import sys
import tempfile
import traceback
from pathlib import Path

from podcast_tool import __version__

#: sysexits' EX_SOFTWARE: "an internal software error", distinct from 1 (a file failed).
BUG_EXIT_CODE = 70


def log_folder() -> Path:
    """Where bug reports go: the user's state folder (XDG), Logs on macOS, LOCALAPPDATA on Windows."""
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
        return base / "podcast-tool" / "Logs"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Logs" / "podcast-tool"
    state = os.environ.get("XDG_STATE_HOME")
    base = Path(state) if state and Path(state).is_absolute() else Path.home() / ".local" / "state"
    return base / "podcast-tool"


def write_bug_report(error: BaseException) -> Path | None:
    """Write ``error``'s traceback and the context to a new log file; None if none could be."""
    now = dt.datetime.now(dt.UTC)
    text = "".join([
        f"podcast-tool {__version__} on Python {platform.python_version()} ({platform.platform()})\n",
        f"time: {now.isoformat(timespec='seconds')}\n",
        f"command: {' '.join(sys.argv)}\n\n",
        *traceback.format_exception(error),
    ])
    name = f"bug-{now:%Y%m%d-%H%M%S}-{os.getpid()}.log"
    for folder in (log_folder(), Path(tempfile.gettempdir()) / "podcast-tool"):
        try:
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / name
            with path.open("x", encoding="utf-8") as log:
                log.write(text)
            return path
        except OSError:
            continue
    return None


def bug_message(error: BaseException, log: Path | None) -> str:
    """What the user reads: it is our bug, where the details are, where to report it."""
    from podcast_tool.i18n import _

    where = (_("the details are in {log}").format(log=log) if log is not None
             else _("no log file could be written"))
    return _("podcast-tool hit an internal error ({error}): this is a bug in podcast-tool, not a "
             "problem with your files. Please report it to podcast-tool's maintainers with the log; "
             "{where}").format(error=type(error).__name__, where=where)

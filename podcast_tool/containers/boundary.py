"""The one error boundary around mutagen and our own parsers, drawn as beets' mediafile draws it.

Only the errors that mean "this file is damaged or unreadable" become an ``AudioFileError``
naming the file; anything else raised while handling a file is a bug, and surfaces as one.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from podcast_tool.busy import being_written, busy_error
from podcast_tool.errors import AudioFileError, BusyError, PodcastToolError
from podcast_tool.i18n import N_, _

T = TypeVar("T")


def damage_errors() -> tuple[type[BaseException], ...]:
    """The errors that mean "this file is damaged or unreadable".

    mutagen's own errors, ``struct``'s (a field cut short), our box parser's, zlib's (a
    compressed frame that does not inflate), an end of file met early, and the system's.
    """
    import struct
    import zlib

    from mutagen import MutagenError

    from podcast_tool.containers.mp4.boxes import BoxError

    return (MutagenError, struct.error, BoxError, zlib.error, EOFError, OSError)


def guarded(path: Path, action: Callable[[], T]) -> T:
    """Run ``action``; turn a damaged file's failure into an error naming ``path``.

    A file that fails to parse while another program is still writing it (a recording in
    progress has no index yet) is reported as busy, not damaged.
    """
    try:
        return action()
    except AudioFileError as error:
        _raise_if_busy(path, error)
        raise
    except PodcastToolError:
        raise
    except MemoryError:
        _raise_if_busy(path, None)
        raise AudioFileError(_("the file claims an impossible size; it looks damaged"),
                             path=path) from None
    except damage_errors() as error:
        _raise_if_busy(path, error)
        # Some libraries raise with an empty message (mutagen's ID3NoHeaderError on a cut tag).
        detail = str(error).strip() or _("it looks damaged or cut short")
        if isinstance(error, OSError) and error.strerror:
            detail = error.strerror
        raise AudioFileError(_("cannot process the file: {detail}").format(detail=detail),
                             path=path) from error


def _raise_if_busy(path: Path, error: Exception | None) -> None:
    if not isinstance(error, BusyError) and being_written(path):
        raise busy_error(path, N_("another program is writing it")) from error

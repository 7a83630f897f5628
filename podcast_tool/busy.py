"""Is another program still writing a file? (a recorder, a copy, a sync client)

Replacing a file by rename while another program appends to it would send what it writes
next to the old, unlinked inode. The kernel answers the question directly where it offers
leases; elsewhere a file modified a moment ago is watched for a short settle time.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import time
from pathlib import Path

from podcast_tool import fileaccess
from podcast_tool.errors import BusyError
from podcast_tool.i18n import N_, _


def signature(stat: os.stat_result) -> tuple[int, int, int]:
    """What changes when another program rewrites or edits a file: inode, size, mtime."""
    return (stat.st_ino, stat.st_size, stat.st_mtime_ns)


#: ``fcntl.F_SETLEASE`` (Linux); Python names it since 3.13 only on some builds.
F_SETLEASE = getattr(fcntl, "F_SETLEASE", 1024)
#: Where leases are not offered, a file modified this recently is watched this long first.
SETTLE_SECONDS = 1.0
BUSY = "the file is still being written; try again when the recording has finished"


def busy_error(target: Path | str, why: str) -> BusyError:
    """The refusal, with ``why`` (an ``N_``-marked text) in brackets."""
    return BusyError(_("the file is still being written; try again when the recording has "
                       "finished ({why}; nothing was written)").format(why=_(why)), path=target)


def open_for_writing_elsewhere(fd: int) -> bool | None:
    """True if another process holds the file open for writing; None where the OS cannot tell.

    The kernel grants a read lease only on a file nobody has open for writing: taking one
    and giving it back at once asks exactly that, and never blocks anyone.
    """
    try:
        fcntl.fcntl(fd, F_SETLEASE, fcntl.F_RDLCK)
    except OSError as error:
        if error.errno in (errno.EAGAIN, errno.EBUSY):
            return True
        return None  # no leases here (network file systems, not the owner without CAP_LEASE)
    with contextlib.suppress(OSError):
        fcntl.fcntl(fd, F_SETLEASE, fcntl.F_UNLCK)
    return False


def being_written(path: str | os.PathLike[str]) -> bool:
    """True if another program has the file open for writing (or, without leases, wrote it
    within ``SETTLE_SECONDS``): a recording still being made is incomplete, not damaged."""
    try:
        fd = fileaccess.open_regular(path)
    except OSError:
        return False
    try:
        held = open_for_writing_elsewhere(fd)
        if held is None:
            return time.time() - os.fstat(fd).st_mtime < SETTLE_SECONDS
        return held
    finally:
        os.close(fd)


def check_settled(target: Path, fd: int) -> os.stat_result:
    """The file's state, refusing one another program is still writing.

    Where the kernel cannot say whether it is open for writing, a file modified less than
    ``SETTLE_SECONDS`` ago is watched until it has been quiet that long.
    """
    info = os.fstat(fd)
    held = open_for_writing_elsewhere(fd)
    if held:
        raise busy_error(target, N_("another program has it open for writing"))
    if held is None:
        age = time.time() - info.st_mtime
        if age < SETTLE_SECONDS:
            time.sleep(SETTLE_SECONDS - max(age, 0.0))
            if signature(os.fstat(fd)) != signature(info) or os.stat(target).st_ino != info.st_ino:
                raise busy_error(target, N_("it is still growing"))
    return info

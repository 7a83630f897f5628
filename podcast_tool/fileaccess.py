"""Open only regular files, never blocking, and read text to a bound.

A FIFO blocks ``open`` (or the first ``read``) until another program comes; a
device such as ``/dev/zero`` never ends. So every path podcast-tool reads or
writes is ``stat``-ed first and refused unless it is a regular file, then
opened with ``O_NONBLOCK`` (a FIFO swapped in after the stat cannot block
either) and checked again on the open descriptor.

Errors are ``OSError`` subclasses carrying a user-facing ``strerror``, so each
caller turns them into its own error kind (outline, audio, write) naming the file.
"""

from __future__ import annotations

import errno
import os
import stat
from typing import BinaryIO

from podcast_tool.i18n import N_, _

#: Outlines and sidecars are a few KB; anything over this is not one (and would churn memory).
MAX_TEXT_BYTES = 50 * 1024 * 1024


class NotRegularFileError(OSError):
    """The path is a FIFO, a device or a socket: podcast-tool reads and writes only files."""


class TooLargeError(OSError):
    """The file is larger than what may be read of it."""


_REFUSALS = {
    "a named pipe (FIFO)": N_("is a named pipe (FIFO), not a regular file"),
    "a device": N_("is a device, not a regular file"),
    "a socket": N_("is a socket, not a regular file"),
    "a special file": N_("is a special file, not a regular file"),
}


def kind_of(mode: int) -> str | None:
    """What a non-regular file is, as a user would say it (None for a regular file)."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a special file"


def check_regular(path: str | os.PathLike[str], mode: int) -> None:
    kind = kind_of(mode)
    if kind == "a folder":
        raise IsADirectoryError(errno.EISDIR, _("is a folder, not a file"), str(path))
    if kind is not None:
        raise NotRegularFileError(errno.EINVAL, _(_REFUSALS[kind]), str(path))


def require_regular(path: str | os.PathLike[str]) -> os.stat_result:
    """``stat`` of ``path`` (symlinks followed), refusing anything but a regular file."""
    info = os.stat(path)
    check_regular(path, info.st_mode)
    return info


def open_regular(path: str | os.PathLike[str], flags: int = os.O_RDONLY) -> int:
    """A descriptor on the regular file at ``path``, opened without ever blocking."""
    require_regular(path)
    fd = os.open(path, flags | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC)
    try:
        check_regular(path, os.fstat(fd).st_mode)
        os.set_blocking(fd, True)
    except BaseException:
        os.close(fd)
        raise
    return fd


def read_regular(path: str | os.PathLike[str], limit: int = MAX_TEXT_BYTES) -> bytes:
    """The whole content of a regular file of at most ``limit`` bytes."""
    fd = open_regular(path)
    with os.fdopen(fd, "rb") as handle:
        size = os.fstat(fd).st_size
        if size > limit:
            raise TooLargeError(errno.EFBIG, _("{size} bytes; at most {limit}").format(
                size=f"{size:,}", limit=f"{limit:,}"), str(path))
        data = handle.read(size + 1)  # one byte more tells a file that grew since the fstat
    if len(data) > size:  # it grew since the fstat: read on, to the bound
        with os.fdopen(open_regular(path), "rb") as again:
            data = again.read(limit + 1)
        if len(data) > limit:
            raise TooLargeError(errno.EFBIG, _("more than {limit} bytes").format(
                limit=f"{limit:,}"), str(path))
    return data


def open_binary(path: str | os.PathLike[str]) -> BinaryIO:
    """``open(path, "rb")`` for a regular file only."""
    return os.fdopen(open_regular(path), "rb")


def describe(error: OSError) -> str:
    """A message for a read that failed, as the error kinds above and the system word it."""
    if isinstance(error, NotRegularFileError | IsADirectoryError) and error.strerror:
        return error.strerror
    if isinstance(error, FileNotFoundError):
        return _("no such file")
    return _("cannot read ({strerror})").format(strerror=error.strerror or error)


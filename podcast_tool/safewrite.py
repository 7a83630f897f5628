"""Never corrupt a recording: temporary file in the same folder, then rename.

``rewrite(path)`` yields a temporary file beside the target; when the block
ends normally the temporary file is flushed, fsynced and renamed over the
target (an atomic step on POSIX), so an interruption at any point leaves
either the original or the complete new file. ``file_lock`` keeps two
podcast-tool processes from writing the same file at once.

Symlinks are written *through*: the link's target is replaced and the link
stays a link.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import os
import secrets
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

from podcast_tool.errors import LockedError, WriteError
from podcast_tool.i18n import _

TEMP_MARK = ".podcast-tool-"
TEMP_SUFFIX = ".tmp"


def real_target(path: str | os.PathLike[str]) -> Path:
    """The file a write really replaces (symlinks resolved)."""
    return Path(os.path.realpath(path))


#: Longest file name most file systems accept, in bytes.
NAME_MAX = 255
#: Room the temp name needs beyond the target's name: dot, mark, random part, suffix.
_TEMP_EXTRA = 1 + len(TEMP_MARK) + 8 + len(TEMP_SUFFIX)


def _temp_prefix(target: Path) -> str:
    """``.NAME.podcast-tool-``, with NAME shortened (and made unique by a hash) if too long.

    A name near the 255-byte limit plus our suffix would make the temporary
    file impossible to create, so a long name is cut at a character boundary.
    """
    name = target.name
    room = NAME_MAX - _TEMP_EXTRA
    if len(name.encode("utf-8", "surrogateescape")) <= room:
        return f".{name}{TEMP_MARK}"
    digest = hashlib.sha1(name.encode("utf-8", "surrogateescape")).hexdigest()[:8]
    cut = name.encode("utf-8", "surrogateescape")[: room - 9].decode("utf-8", "ignore")
    return f".{cut}~{digest}{TEMP_MARK}"


def temp_name_for(target: Path) -> Path:
    return target.with_name(f"{_temp_prefix(target)}{secrets.token_hex(4)}{TEMP_SUFFIX}")


def stale_temps(target: Path) -> list[Path]:
    """Temporary files an interrupted run left beside ``target``."""
    prefix = _temp_prefix(target)
    try:
        names = os.listdir(target.parent)
    except OSError:
        return []
    return [
        target.parent / name
        for name in names
        if name.startswith(prefix) and name.endswith(TEMP_SUFFIX)
    ]


def remove_stale_temps(target: Path) -> int:
    """Delete leftovers of interrupted runs. Call only while holding the file's lock."""
    removed = 0
    for leftover in stale_temps(target):
        with contextlib.suppress(OSError):
            leftover.unlink()
            removed += 1
    return removed


def _describe_os_error(error: OSError, target: Path) -> str:
    if error.errno == errno.ENOSPC:
        return _("no space left on the device while writing {name}; the original is intact").format(
            name=target.name)
    if error.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return _("permission denied writing beside {name}; the original is intact").format(
            name=target.name)
    return _("could not write {name} ({reason}); the original is intact").format(
        name=target.name, reason=error.strerror or error)


def file_signature(path: Path) -> tuple[int, int, int]:
    """What changes when another program rewrites or edits a file: inode, size, mtime."""
    return _signature(os.stat(path))


def _signature(stat: os.stat_result) -> tuple[int, int, int]:
    return (stat.st_ino, stat.st_size, stat.st_mtime_ns)


def check_writable(target: Path) -> os.stat_result:
    try:
        stat = target.stat()
    except FileNotFoundError:
        raise WriteError(_("no such file"), path=target) from None
    if not os.access(target, os.W_OK):
        raise WriteError(_("the file is read-only; nothing was written"), path=target)
    if not os.access(target.parent, os.W_OK | os.X_OK):
        raise WriteError(
            _("its folder is read-only, so the file cannot be replaced safely; nothing was written"),
            path=target,
        )
    return stat


@contextlib.contextmanager
def rewrite(path: str | os.PathLike[str], *, readable: bool = False) -> Iterator[BinaryIO]:
    """Yield a temporary file that replaces ``path`` when the block succeeds.

    The original must not change while the block runs (another program
    writing it); if it does, nothing is replaced and ``WriteError`` is raised.
    ``readable=True`` opens the temporary file for reading too, so a library
    that edits files in place (mutagen) can work on the copy.
    """
    target = real_target(path)
    before = check_writable(target)
    temp = temp_name_for(target)
    access = os.O_RDWR if readable else os.O_WRONLY
    try:
        fd = os.open(temp, access | os.O_CREAT | os.O_EXCL, 0o600)
    except OSError as error:
        raise WriteError(_describe_os_error(error, target), path=target) from error
    completed = False
    try:
        with os.fdopen(fd, "r+b" if readable else "wb") as out:
            yield out
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temp, before.st_mode & 0o7777)
        with contextlib.suppress(OSError):
            os.chown(temp, before.st_uid, before.st_gid)
        if _signature(target.stat()) != _signature(before):
            raise WriteError(_("the file changed while it was being tagged; nothing was written"),
                             path=target)
        os.replace(temp, target)
        completed = True
        _fsync_dir(target.parent)
    except OSError as error:
        raise WriteError(_describe_os_error(error, target), path=target) from error
    finally:
        if not completed:
            with contextlib.suppress(OSError):
                os.unlink(temp)


def _fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def copy_range(source: BinaryIO, dest: BinaryIO, offset: int, length: int | None = None) -> int:
    """Copy ``length`` bytes (or to the end) of ``source`` from ``offset`` onto ``dest``'s end.

    Uses the kernel's copy_file_range where it can (no trip through Python),
    which makes a temp-and-rename write of a large file cheap. Raises
    ``OSError`` if the source holds fewer bytes than asked.
    """
    if length is None:
        length = os.fstat(source.fileno()).st_size - offset
    dest.flush()
    copied = 0
    in_fd, out_fd = source.fileno(), dest.fileno()
    out_offset = os.lseek(out_fd, 0, os.SEEK_END)
    use_kernel = hasattr(os, "copy_file_range")
    while copied < length:
        chunk = min(length - copied, 1 << 30)
        if use_kernel:
            try:
                done = os.copy_file_range(in_fd, out_fd, chunk, offset + copied, out_offset + copied)
            except OSError as error:
                if error.errno in (errno.EXDEV, errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP):
                    use_kernel = False
                    continue
                raise
        else:
            source.seek(offset + copied)
            data = source.read(min(chunk, 1 << 20))
            os.lseek(out_fd, out_offset + copied, os.SEEK_SET)
            done = os.write(out_fd, data) if data else 0
        if done == 0:
            break
        copied += done
    os.lseek(out_fd, 0, os.SEEK_END)
    dest.seek(0, os.SEEK_END)
    if copied < length:
        # A short copy would silently make a truncated file; the caller's rewrite turns
        # this into a WriteError and keeps the original.
        raise OSError(errno.EIO, f"the source ended {length - copied} bytes early "
                                 "(it is damaged or changed meanwhile)")
    return copied


@contextlib.contextmanager
def file_lock(path: str | os.PathLike[str], *, wait_seconds: float = 10.0,
              on_wait: Callable[[Path], None] | None = None) -> Iterator[Path]:
    """Hold an exclusive advisory lock on the file at ``path`` (its real target).

    The lock is on the inode, and a rewrite replaces the inode; so after
    taking it we check that the path still names the locked inode, and retry
    if another process replaced it meanwhile. ``on_wait`` is called once when
    another process holds the lock, so a user is not left staring at silence.
    """
    target = real_target(path)
    told = False
    deadline = time.monotonic() + wait_seconds
    while True:
        try:
            fd = os.open(target, os.O_RDONLY)
        except FileNotFoundError:
            raise WriteError(_("no such file"), path=target) from None
        except OSError as error:
            raise WriteError(_("cannot open ({strerror})").format(strerror=error.strerror),
                             path=target) from error
        try:
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if on_wait is not None and not told:
                        on_wait(target)
                        told = True
                    if time.monotonic() >= deadline:
                        raise LockedError(
                            _("another podcast-tool process is writing this file; try again later"),
                            path=target,
                        ) from None
                    time.sleep(0.05)
            try:
                same = os.fstat(fd).st_ino == target.stat().st_ino
            except FileNotFoundError:
                same = False
            if same:
                remove_stale_temps(target)
                yield target
                return
        finally:
            os.close(fd)


def write_file(path: Path, data: bytes, *, lock_wait_seconds: float = 10.0) -> None:
    """Write a small file (sidecar, outline) atomically: replace an existing one under its
    lock, or create it whole; a file another program creates meanwhile is never clobbered."""
    if path.exists() or path.is_symlink():
        with file_lock(path, wait_seconds=lock_wait_seconds), rewrite(path) as out:
            out.write(data)
        return
    temp = temp_name_for(path)
    try:
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        try:
            # A hard link never replaces: if another program created the file
            # meanwhile, theirs stays and we report it.
            os.link(temp, path)
        except FileExistsError:
            raise WriteError(_("another program created this file while podcast-tool was writing "
                               "it; it was left as it was"), path=path) from None
        except OSError:
            os.replace(temp, path)  # file systems without hard links (FAT, some shares)
    except OSError as error:
        raise WriteError(_("cannot write ({reason})").format(reason=error.strerror or error),
                         path=path) from error
    finally:
        with contextlib.suppress(OSError):
            os.unlink(temp)

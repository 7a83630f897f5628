"""Never corrupt a recording: temporary file in the same folder, then rename.

``rewrite(path)`` yields a temporary file beside the target; when the block
ends normally the temporary file is flushed, fsynced (while its audio payload
is compared with the original's) and renamed over the target (an atomic step
on POSIX), so an interruption at any point leaves either the original or the
complete new file. ``file_lock`` keeps two
podcast-tool processes from writing the same file at once.

Symlinks are written *through*: the link's target is replaced and the link
stays a link.
"""

from __future__ import annotations

import contextlib
import contextvars
import errno
import fcntl
import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

from podcast_tool import fileaccess
from podcast_tool.busy import busy_error, check_settled, open_for_writing_elsewhere, signature
from podcast_tool.errors import LockedError, WriteError
from podcast_tool.i18n import N_, _
from podcast_tool.permissions import check_folder_writable, check_writable

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
    import hashlib  # here: only a name too long to take the mark needs it

    digest = hashlib.sha1(name.encode("utf-8", "surrogateescape")).hexdigest()[:8]
    cut = name.encode("utf-8", "surrogateescape")[: room - 9].decode("utf-8", "ignore")
    return f".{cut}~{digest}{TEMP_MARK}"


def temp_name_for(target: Path) -> Path:
    return target.with_name(f"{_temp_prefix(target)}{os.urandom(4).hex()}{TEMP_SUFFIX}")


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
    """Delete leftovers of interrupted runs beside ``target``.

    A writer holds an exclusive ``flock`` on its temporary file while it writes: a file
    whose lock can be taken belongs to a process that is gone.
    """
    removed = 0
    for leftover in stale_temps(target):
        with contextlib.suppress(OSError):
            fd = os.open(leftover, os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW | os.O_CLOEXEC)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                leftover.unlink()
                removed += 1
            finally:
                os.close(fd)
    return removed


def _create_temp(temp: Path, access: int, mode: int) -> int:
    """The new temporary file, locked for as long as this process writes it."""
    fd = os.open(temp, access | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, mode)
    fcntl.flock(fd, fcntl.LOCK_EX)
    return fd


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


_signature = signature


#: The file being worked on under ``file_lock``, and its state when the work began.
_work: contextvars.ContextVar[tuple[Path, os.stat_result] | None] = contextvars.ContextVar(
    "podcast_tool_work", default=None)


#: The file being rewritten and how to digest its audio payload (see containers.payload).
_payload: contextvars.ContextVar[tuple[Path, Callable[[BinaryIO], bytes | None]] | None] = \
    contextvars.ContextVar("podcast_tool_payload", default=None)
PAYLOAD_CHANGED = ("the audio would not have stayed byte-identical (a podcast-tool bug; please "
                   "report it); nothing was written")


@contextlib.contextmanager
def payload_kept(path: str | os.PathLike[str],
                 digest: Callable[[BinaryIO], bytes | None] | None) -> Iterator[None]:
    """Within the block, a ``rewrite`` of ``path`` replaces it only if ``digest`` (the audio
    payload's) is the same for the new file as for the original."""
    token = _payload.set((real_target(path), digest) if digest is not None else None)
    try:
        yield
    finally:
        _payload.reset(token)


def _check_payload(target: Path, watch: int, temp: Path, started: os.stat_result) -> None:
    entry = _payload.get()
    if entry is None or entry[0] != target:
        return
    with os.fdopen(os.dup(watch), "rb") as original, open(temp, "rb") as new:
        if not _same_payload(entry[1], original, new):
            if _signature(os.fstat(watch)) != _signature(started):
                # Not our bug: another program is writing the original (it grew meanwhile).
                raise busy_error(target, N_("it changed while it was being tagged"))
            raise WriteError(PAYLOAD_CHANGED, path=target)


def _same_payload(digest: Callable[[BinaryIO], bytes | None], original: BinaryIO,
                  new: BinaryIO) -> bool:
    """Whether ``new`` carries the payload of ``original`` (True if the original's cannot be
    located: a damaged original leaves nothing to compare with).

    A digest that can compare two files itself (``same``: payloads made of byte ranges,
    compared range against range, stricter than equal digests and much cheaper than hashing
    both) does; the others are compared by their digests.
    """
    compare = getattr(digest, "same", None)
    if compare is not None:
        return bool(compare(original, new))
    try:
        before = digest(original)
    except Exception:  # noqa: BLE001 - a damaged original: nothing to compare with
        before = None
    if before is None:
        return True
    try:
        after = digest(new)
    except Exception:  # noqa: BLE001 - the new file cannot even be parsed: refuse
        after = None
    return after == before


@contextlib.contextmanager
def rewrite(path: str | os.PathLike[str], *, readable: bool = False) -> Iterator[BinaryIO]:
    """Yield a temporary file that replaces ``path`` when the block succeeds.

    The original must not change while the block runs, nor be open for writing by another
    program (a recorder, a copy): then nothing is replaced and ``BusyError`` is raised. The
    state compared is the one when ``file_lock`` was taken (the start of the work), again
    just before the rename, and the old inode's right after it: bytes that reached it then
    would be lost with it, so the original is put back and the write refused.
    ``readable=True`` opens the temporary file for reading too, so a library that edits
    files in place (mutagen) can work on the copy.
    """
    target = real_target(path)
    before = check_writable(target)
    work = _work.get()
    if work is not None and work[0] == target:
        if _signature(work[1]) != _signature(before):
            raise busy_error(target, N_("it changed while it was being tagged"))
        before = work[1]
    try:
        watch = fileaccess.open_regular(target)
    except OSError as error:
        raise WriteError(_describe_os_error(error, target), path=target) from error
    temp = temp_name_for(target)
    access = os.O_RDWR if readable else os.O_WRONLY
    try:
        fd = _create_temp(temp, access, 0o600)
    except OSError as error:
        os.close(watch)
        raise WriteError(_describe_os_error(error, target), path=target) from error
    completed = False
    try:
        with os.fdopen(fd, "r+b" if readable else "wb") as out:
            yield out
            out.flush()
            with _flushing(out.fileno()):
                os.chmod(temp, before.st_mode & 0o7777)
                with contextlib.suppress(OSError):
                    os.chown(temp, before.st_uid, before.st_gid)
                _check_payload(target, watch, temp, before)
        _replace_watched(target, temp, watch, before)
        completed = True
        _fsync_dir(target.parent)
    except OSError as error:
        raise WriteError(_describe_os_error(error, target), path=target) from error
    finally:
        os.close(watch)
        if not completed:
            with contextlib.suppress(OSError):
                os.unlink(temp)


@contextlib.contextmanager
def _flushing(fd: int) -> Iterator[None]:
    """``fsync(fd)`` on a thread while the block runs; both are done when the block ends.

    The flush of a whole recording waits on the device, the payload comparison reads the page
    cache: each proceeds while the other waits. An fsync error is raised after the block (the
    block's own error first).
    """
    import threading

    failure: list[OSError] = []

    def flush() -> None:
        try:
            os.fsync(fd)
        except OSError as error:
            failure.append(error)

    flusher = threading.Thread(target=flush, name="podcast-tool-fsync", daemon=True)
    flusher.start()
    try:
        yield
    finally:
        flusher.join()
    if failure:
        raise failure[0]


def _replace_watched(target: Path, temp: Path, watch: int, before: os.stat_result) -> None:
    """Rename ``temp`` over ``target`` unless another program is writing the original.

    A hard link kept to the original across the rename (where the file system has hard
    links) lets it be put back; it is removed at once.
    """
    if open_for_writing_elsewhere(watch):
        raise busy_error(target, N_("another program has it open for writing"))
    if _signature(os.fstat(watch)) != _signature(before) or \
            os.stat(target).st_ino != before.st_ino:
        raise busy_error(target, N_("it changed while it was being tagged"))
    backup: Path | None = temp_name_for(target)
    try:
        os.link(target, backup)
    except OSError:
        backup = None  # no hard links here (FAT, some shares): the check below still tells
    try:
        os.replace(temp, target)
    except BaseException:
        if backup is not None:
            with contextlib.suppress(OSError):
                os.unlink(backup)
        raise
    if _signature(os.fstat(watch)) != _signature(before):
        if backup is None:
            raise busy_error(target, N_("it was written to while being replaced; the bytes "
                                        "written at that moment may be missing from it"))
        os.replace(backup, target)  # the original, with what was just appended to it
        raise busy_error(target, N_("it changed while it was being replaced"))
    if backup is not None:
        with contextlib.suppress(OSError):
            os.unlink(backup)  # at once: until then a kill would leave it behind


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
            fd = fileaccess.open_regular(target)
        except FileNotFoundError:
            raise WriteError(_("no such file"), path=target) from None
        except fileaccess.NotRegularFileError as error:
            raise WriteError(str(error.strerror), path=target) from None
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
                token = _work.set((target, check_settled(target, fd)))
                try:
                    yield target
                finally:
                    _work.reset(token)
                return
        finally:
            os.close(fd)


def write_file(path: Path, data: bytes, *, lock_wait_seconds: float = 10.0) -> None:
    """Write a small file (sidecar, outline) atomically: replace an existing one under its
    lock, or create it whole; a file another program creates meanwhile is never clobbered."""
    if path.exists():
        with file_lock(path, wait_seconds=lock_wait_seconds), rewrite(path) as out:
            out.write(data)
        return
    path = real_target(path)  # a dangling link is written through: its target is created
    if path.parent.is_dir():  # else the open below says the folder is missing
        check_folder_writable(path)
    remove_stale_temps(path)
    temp = temp_name_for(path)
    try:
        fd = _create_temp(temp, os.O_WRONLY, 0o666)
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

"""Edit a recording in place, recoverably: write only the bytes that change.

A re-tag whose new tag fits in the room the previous write reserved changes a few
kilobytes at known offsets; copying the whole recording for that would make its cost
grow with the file. To keep the promise that after any interruption the file is either
the old or the new one, an undo journal is written beside the file first:

1. the journal (the bytes about to be overwritten, the file's size, a SHA-256 of it all)
   is written to a temporary name, fsynced, renamed to ``.NAME.podcast-tool-journal``,
   and the folder fsynced: from then on the old bytes are safe;
2. the new bytes are written over the old ones (and the file truncated or extended to its
   new size), then fsynced;
3. the journal is removed.

A command that finds a journal (``recover``) rolls the file back to the old bytes before it
does anything else, and says so. A journal that fails its checksum was never completed
(the rename makes it whole or absent), so the file was not touched yet and the journal is
simply removed.
"""

from __future__ import annotations

import contextlib
import json
import os
import struct
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from podcast_tool.errors import WriteError
from podcast_tool.i18n import _
from podcast_tool.safewrite import _describe_os_error as describe_os_error
from podcast_tool.safewrite import _fsync_dir

JOURNAL_MAGIC = b"PTJOURNAL1\n"
JOURNAL_SUFFIX = ".podcast-tool-journal"


@dataclass(frozen=True)
class Patch:
    """New bytes for the file at ``offset``."""

    offset: int
    data: bytes


def journal_path(target: Path) -> Path:
    return target.with_name(f".{target.name}{JOURNAL_SUFFIX}")


def journal_temp_path(target: Path) -> Path:
    """Where the journal is written before its rename makes it whole."""
    journal = journal_path(target)
    return journal.with_name(journal.name + ".tmp")


def interrupted(target: Path) -> bool:
    """Whether an edit was cut short: a journal, whole or half-written, lies beside ``target``."""
    return os.path.lexists(journal_path(target)) or os.path.lexists(journal_temp_path(target))


#: Where the in-place write sends its bytes; a test swaps it to tear a write midway.
write_at: Callable[[int, bytes, int], int] = os.pwrite


#: Regions are compared in blocks of this size (a slice comparison runs at memcmp's speed).
COMPARE_BLOCK = 256


def changed_spans(old: bytes, new: bytes, offset: int = 0, *, merge_gap: int = COMPARE_BLOCK
                  ) -> list[Patch]:
    """The patches that turn ``old`` into ``new`` (same length), differing runs only.

    Blocks are compared whole and runs of differing blocks (closer than ``merge_gap``) merged;
    each run is then trimmed to its first and last differing byte.
    """
    if len(old) != len(new):
        raise ValueError("changed_spans compares regions of equal length")
    size = len(new)
    runs: list[list[int]] = []
    for at in range(0, size, COMPARE_BLOCK):
        stop = min(at + COMPARE_BLOCK, size)
        if old[at:stop] == new[at:stop]:
            continue
        if runs and at - runs[-1][1] <= merge_gap:
            runs[-1][1] = stop
        else:
            runs.append([at, stop])
    patches = []
    for first, last in runs:
        while old[first] == new[first]:
            first += 1
        while old[last - 1] == new[last - 1]:
            last -= 1
        patches.append(Patch(offset + first, new[first:last]))
    return patches


def apply(path: Path, patches: list[Patch], *, new_size: int | None = None) -> int:
    """Apply ``patches`` (and truncate or extend to ``new_size``) recoverably.

    Returns the bytes written (journal and patches), the figure a re-tag is judged by.
    """
    target = Path(os.path.realpath(path))
    journal = journal_path(target)
    if not patches and new_size is None:
        return 0  # the file already holds these bytes: nothing to journal
    fd = os.open(target, os.O_RDWR)
    try:
        old_size = os.fstat(fd).st_size
        undo = [Patch(p.offset, os.pread(fd, min(len(p.data), max(0, old_size - p.offset)), p.offset))
                for p in patches]
        if new_size is not None and new_size < old_size:
            # The truncation loses the tail before any patch lands: the journal keeps it too.
            undo.append(Patch(new_size, os.pread(fd, old_size - new_size, new_size)))
        written = _write_journal(target, journal, old_size, undo)
        try:
            if new_size is not None and new_size < old_size:
                os.ftruncate(fd, new_size)
            for patch in patches:
                written += _write_fully(fd, patch.data, patch.offset)
            if new_size is not None and new_size > old_size:
                os.ftruncate(fd, new_size)
            os.fsync(fd)
        except OSError as error:
            # Put the old bytes back now rather than leave a mixed file for the next run.
            _roll_back(fd, old_size, undo)
            os.fsync(fd)
            _remove(journal)
            raise WriteError(describe_os_error(error, target), path=target) from error
    finally:
        os.close(fd)
    _remove(journal)
    return written


def _write_fully(fd: int, data: bytes, offset: int) -> int:
    done = 0
    while done < len(data):
        count = write_at(fd, data[done:], offset + done)
        if count <= 0:
            raise OSError(5, "short write")
        done += count
    return done


def _encode(old_size: int, undo: list[Patch]) -> bytes:
    import hashlib  # here: a whole-file write (the first tag) never journals

    header = json.dumps({"size": old_size,
                         "patches": [[p.offset, len(p.data)] for p in undo]}).encode()
    body = JOURNAL_MAGIC + struct.pack(">I", len(header)) + header + b"".join(p.data for p in undo)
    return body + hashlib.sha256(body).digest()


def _decode(data: bytes) -> tuple[int, list[Patch]] | None:
    import hashlib

    body, digest = data[:-32], data[-32:]
    if not body.startswith(JOURNAL_MAGIC) or hashlib.sha256(body).digest() != digest:
        return None
    at = len(JOURNAL_MAGIC)
    (length,) = struct.unpack(">I", body[at:at + 4])
    header = json.loads(body[at + 4:at + 4 + length])
    at += 4 + length
    undo = []
    for offset, size in header["patches"]:
        undo.append(Patch(offset, body[at:at + size]))
        at += size
    return header["size"], undo


def _write_journal(target: Path, journal: Path, old_size: int, undo: list[Patch]) -> int:
    data = _encode(old_size, undo)
    temp = journal_temp_path(target)
    try:
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            _write_all(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(temp, journal)
        _fsync_dir(journal.parent)
    except OSError as error:
        _remove(temp)
        raise WriteError(describe_os_error(error, target), path=target) from error
    return len(data)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _roll_back(fd: int, old_size: int, undo: list[Patch]) -> None:
    for patch in undo:
        os.pwrite(fd, patch.data, patch.offset)
    os.ftruncate(fd, old_size)


def recover(path: str | os.PathLike[str]) -> str | None:
    """Undo an interrupted in-place edit of ``path``; say what was done, or None."""
    target = Path(os.path.realpath(path))
    journal = journal_path(target)
    # A journal killed before its rename never reached the file: it only has to go.
    _remove(journal_temp_path(target))
    try:
        data = journal.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as error:
        raise WriteError(_("cannot read the undo journal {journal} ({reason})").format(
            journal=journal.name, reason=error.strerror or error), path=target) from error
    decoded = _decode(data)
    if decoded is None:
        _remove(journal)
        return _("removed an incomplete undo journal (the file had not been touched)")
    old_size, undo = decoded
    try:
        fd = os.open(target, os.O_RDWR)
    except OSError as error:
        raise WriteError(_("an interrupted edit left an undo journal, but the file cannot be "
                           "opened to restore it ({reason})").format(
                               reason=error.strerror or error), path=target) from error
    try:
        _roll_back(fd, old_size, undo)
        os.fsync(fd)
    finally:
        os.close(fd)
    _remove(journal)
    return _("restored the file as it was before an interrupted edit")


def _remove(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        path.unlink()

"""An audio file detected once and parsed once, for every operation of one command."""

from __future__ import annotations

import contextlib
from pathlib import Path

from podcast_tool.containers import registry
from podcast_tool.containers.boundary import guarded
from podcast_tool.containers.declaration import Capabilities, ContainerKind, ParsedAudio
from podcast_tool.containers.results import AudioLength, WriteOptions, WriteReport
from podcast_tool.model import Episode
from podcast_tool.safewrite import file_lock, payload_kept


class AudioFile:
    """One file and the container it is, with that container's parse of it.

    The parse is reused while the file stays as it was (same inode, size and modification
    time); a file another program changed meanwhile is parsed again, and a write or strip
    makes the next use parse the new file. Every operation runs inside the error boundary.
    """

    def __init__(self, path: Path, container: ContainerKind) -> None:
        self.path = path
        self.container = container
        self._parsed: ParsedAudio | None = None
        self._signature: tuple[int, int, int] | None = None

    @property
    def capabilities(self) -> Capabilities:
        return self.container.capabilities

    def _current(self) -> ParsedAudio:
        from podcast_tool.safewrite import file_signature

        try:
            signature = file_signature(self.path)
        except OSError:
            signature = None
        if self._parsed is None or signature is None or signature != self._signature:
            self._parsed = self.container.open(self.path)
            self._signature = signature
        return self._parsed

    def parsed(self) -> ParsedAudio:
        """The container's own parse of the file (its tag, movie or comments), for inspection."""
        return guarded(self.path, self._current)

    def duration_ms(self) -> int:
        return guarded(self.path, lambda: self._current().duration_ms())

    def length(self) -> AudioLength:
        """The playable duration, with warnings (a file shorter than its header says…)."""
        def measure() -> AudioLength:
            parsed = self._current()
            inspect = getattr(parsed, "length", None)
            return inspect() if inspect is not None else AudioLength(parsed.duration_ms())

        return guarded(self.path, measure)

    def read(self) -> Episode:
        return guarded(self.path, lambda: self._current().read())

    def write(self, episode: Episode, options: WriteOptions | None = None) -> WriteReport:
        write_options = options or WriteOptions()
        with file_lock(self.path, wait_seconds=write_options.lock_wait_seconds,
                       on_wait=write_options.on_lock_wait), self._payload_kept():
            try:
                return guarded(self.path, lambda: self._current().write(episode, write_options))
            finally:
                self._parsed = None

    def strip(self) -> int:
        with file_lock(self.path), self._payload_kept():
            try:
                return guarded(self.path, lambda: self._current().strip())
            finally:
                self._parsed = None

    def _payload_kept(self) -> contextlib.AbstractContextManager[None]:
        """The audio payload must come out of a write byte-identical (see ``payload``)."""
        from podcast_tool.containers.payload import DIGESTS

        return payload_kept(self.path, DIGESTS.get(self.container.name))


def open_audio(path: str | Path) -> AudioFile:
    """``path`` detected as one of our containers (a clear error if none fits)."""
    path = Path(path)
    return AudioFile(path, registry.detect(path))


def read_chapters(path: str | Path) -> Episode:
    return open_audio(path).read()


def write_chapters(path: str | Path, episode: Episode,
                   options: WriteOptions | None = None) -> WriteReport:
    return open_audio(path).write(episode, options)


def strip_chapters(path: str | Path) -> int:
    return open_audio(path).strip()


def audio_duration_ms(path: str | Path) -> int:
    return open_audio(path).duration_ms()


def audio_length(path: str | Path) -> AudioLength:
    return open_audio(path).length()

"""MP4 family (.m4a, .m4b, .mp4, .m4r): Nero ``chpl`` and a QuickTime chapter track.

mutagen cannot write MP4 chapters (its issue #295), so this is our own code: ``moov`` is
parsed once (``movie``); a write or strip decides its edit of the movie
(``chapter_edit``, building ``chapter_track``'s boxes), then ``layout`` writes it, in
place where there is room (``room``, ``inplace``), else as a whole new file.

Everything else (``ftyp``, ``ilst`` tags and cover art, edit lists, gapless
info, other ``udta`` boxes) is written back byte for byte.
"""

from __future__ import annotations

import contextlib
import struct
from collections.abc import Iterator
from pathlib import Path

from podcast_tool.containers.mp4.boxes import BoxError
from podcast_tool.containers.mp4.chapter_edit import add_chapters, remove_old_chapters
from podcast_tool.containers.mp4.layout import write
from podcast_tool.containers.mp4.movie import FragmentedMovieError, Movie, load_movie, read_chapters
from podcast_tool.containers.results import AudioLength, WriteOptions, WriteReport, truncated_note
from podcast_tool.errors import AudioFileError, UnsupportedAudioError
from podcast_tool.i18n import _
from podcast_tool.model import Episode


@contextlib.contextmanager
def _box_errors(path: Path) -> Iterator[None]:
    """Damage found while parsing or laying out boxes becomes an error naming the file."""
    try:
        yield
    except FragmentedMovieError:
        raise UnsupportedAudioError(
            _("fragmented MP4 (moof boxes), which podcast-tool cannot chapter"),
            path=path, hint=_("remux it first: ffmpeg -i IN -c copy OUT.m4a")) from None
    except BoxError as error:
        raise AudioFileError(_("not a valid MP4 file: {error}").format(error=error), path=path) from None
    except (struct.error, IndexError) as error:
        raise AudioFileError(_("not a valid MP4 file: its boxes are inconsistent ({error})").format(
                                 error=error),
                             path=path) from None


class Mp4File:
    """An MP4 file: its movie box parsed once, when first needed.

    A write or strip edits that parse (the registry parses the file again after it).
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._movie: Movie | None = None

    def movie(self) -> Movie:
        if self._movie is None:
            with _box_errors(self.path), self.path.open("rb") as handle:
                self._movie = load_movie(handle)
        return self._movie

    def duration_ms(self) -> int:
        return self.length().duration_ms

    def length(self) -> AudioLength:
        """The movie's duration; what really plays, with a warning, when the file was cut short."""
        with _box_errors(self.path):
            movie = self.movie()
            duration, timescale = movie.duration()
            playable = None
            if movie.looks_cut():
                from podcast_tool.containers.mp4.samples import playable_ms  # numpy: only then

                playable = playable_ms(movie)
        header_ms = round(duration * 1000 / timescale) or self._mutagen_ms()
        if playable is not None and header_ms - playable > max(500, header_ms // 50):
            return AudioLength(playable, [truncated_note(self.path, playable, header_ms)])
        return AudioLength(header_ms)

    def _mutagen_ms(self) -> int:
        from mutagen.mp4 import MP4

        return round(MP4(self.path).info.length * 1000)

    def read(self) -> Episode:
        movie = self.movie()
        with _box_errors(self.path), self.path.open("rb") as handle:
            chapters = read_chapters(handle, movie)
            title = movie.title()
        return Episode(chapters=chapters, title=title, source=self.path,
                       duration_ms=self.duration_ms())

    def write(self, episode: Episode, options: WriteOptions) -> WriteReport:
        chapters = sorted(episode.chapters, key=lambda chapter: chapter.start_ms)
        movie = self.movie()
        with _box_errors(self.path), self.path.open("rb") as handle:
            edit = remove_old_chapters(movie)
            diagnostics = (add_chapters(edit, chapters, episode, self.path, options) if chapters
                           else [])
            report = write(self.path, handle, edit) if edit.changed else WriteReport()
        report.diagnostics = diagnostics
        return report

    def strip(self) -> int:
        movie = self.movie()
        with _box_errors(self.path), self.path.open("rb") as handle:
            count = len(read_chapters(handle, movie))
            edit = remove_old_chapters(movie)
            if edit.changed:
                write(self.path, handle, edit)
        return count


"""Players built on ffmpeg's libavformat: mpv, VLC (MP4), PyAV, many Android and desktop apps."""

from __future__ import annotations

from podcast_tool.containers.id3.frames import SYNCSAFE_SAME_BELOW
from podcast_tool.i18n import N_, _
from podcast_tool.preflight.facts import Facts
from podcast_tool.preflight.readers import (
    CHPL_LABEL,
    ID3_LABEL,
    TRACK_LABEL,
    VORBIS_LABEL,
    chpl_chapters,
    embedded,
    id3_chapters,
    track_chapters,
    vorbis_chapters,
)
from podcast_tool.preflight.rules import App, Finding, Reading, Rule

SOURCE = "FFmpeg source: libavformat/id3v2.c (read_chapter), mov.c (mov_read_chapters, " \
         "mov_read_chpl), oggparsevorbis.c / flacdec.c (ff_vorbis_comment chapters)"


def read(facts: Facts) -> Reading:
    if facts.container in ("mp3", "wav"):
        # read_chapter adds chapters in the order the frames stand, without sorting.
        return embedded(facts, ID3_LABEL, id3_chapters(facts, file_order=True), ends=True)
    if facts.container == "mp4":
        # mov_read_chapters (the chapter track) replaces what mov_read_chpl found.
        track = track_chapters(facts)
        if track:
            return embedded(facts, TRACK_LABEL, track, ends=True)
        return embedded(facts, CHPL_LABEL, chpl_chapters(facts))
    if facts.container in ("ogg", "opus", "flac"):
        return embedded(facts, VORBIS_LABEL, vorbis_chapters(facts))
    return Reading()


def id3v24_sub_frames(facts: Facts, reading: Reading) -> Finding | None:
    if facts.id3 is None or facts.id3.version != 4 or not reading.chapters:
        return None
    lost = [c for c in facts.id3.chapters if c.largest_sub_frame() >= SYNCSAFE_SAME_BELOW]
    if not lost:
        return None
    lost_ids = {(c.start_ms, c.title or "") for c in lost}
    kept = [c for c in reading.chapters if (c.start_ms, c.title) not in lost_ids]
    names = ", ".join(repr((c.title or "")[:40]) for c in lost[:5]) + (" …" if len(lost) > 5 else "")
    return Finding("id3v24-lost", _("ID3v2.4: {lost_count} chapter(s) have a title, description or "
                                    "image of 128 bytes or more, which libavformat misreads (it "
                                    "reads v2.4 sub-frame sizes as plain integers): they disappear "
                                    "({names})").format(
                                      lost_count=len(lost), names=names),
                   hint=_("tag with --id3v2 3 (the default)"), chapters=kept)


def untitled_samples(facts: Facts, reading: Reading) -> Finding | None:
    if reading.source != TRACK_LABEL:
        return None
    untitled = [index + 1 for index, c in enumerate(reading.chapters) if not c.title]
    if not untitled:
        return None
    return Finding("untitled", _("chapter track sample(s) {join} have no title: listed as untitled "
                                 "chapters").format(
                                   join=', '.join(map(str, untitled))),
                   hint=_("tag the file again with this podcast-tool: it titles the pre-roll and "
                          "pauses"))


APP = App(
    key="ffmpeg",
    name=N_("ffmpeg-based players"),
    reads="MP3 ID3 CHAP in file order (v2.4 sub-frames of 128+ bytes lost); MP4: the QuickTime "
          "track, else chpl; Vorbis comments; FLAC also CUESHEET",
    source=SOURCE,
    read=read,
    rules=(
        # libavformat/id3v2.c: sub-frames of a CHAP are parsed with plain 32-bit sizes.
        Rule("id3v24-lost", "FFmpeg libavformat/id3v2.c (read_chapter)", id3v24_sub_frames),
        # libavformat/mov.c: every sample of the chapter track becomes a chapter.
        Rule("untitled", "FFmpeg libavformat/mov.c (mov_read_chapters)", untitled_samples),
    ),
    none_hint=N_("tag the audio file with the chapters"),
)

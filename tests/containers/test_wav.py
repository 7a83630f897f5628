"""WAV: ID3 chapters in the RIFF 'id3 ' chunk, read back by ffmpeg's WAV demuxer and mutagen."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest
from mutagen.id3 import TPE1, CTOCFlags
from mutagen.wave import WAVE

from podcast_tool import containers
from podcast_tool.containers.id3.wav import read_layout
from podcast_tool.errors import AudioFileError, UnsupportedAudioError
from podcast_tool.model import Episode, Severity
from tests.conftest import decoded_md5, ffmpeg_chapters, file_md5, run_ffmpeg
from tests.containers.test_vorbis import SEED_CHAPTERS, SHORT_CHAPTERS


def chunks(path: Path) -> list[tuple[bytes, bytes]]:
    """(id, data) of every chunk, parsed here independently of the module under test."""
    data = path.read_bytes()
    assert data[:4] == b"RIFF" and data[8:12] == b"WAVE"
    assert struct.unpack("<I", data[4:8])[0] + 8 <= len(data)
    found, position, end = [], 12, 8 + struct.unpack("<I", data[4:8])[0]
    while position + 8 <= end:
        chunk_id, size = struct.unpack("<4sI", data[position:position + 8])
        found.append((chunk_id, data[position + 8:position + 8 + size]))
        position += 8 + size + (size & 1)
    assert position == end
    return found


def chunk_ids(path: Path) -> list[bytes]:
    return [chunk_id for chunk_id, _ in chunks(path)]


def test_chapters_read_back_by_ffmpeg_and_mutagen_audio_untouched(audio_copy):
    path = audio_copy("wav", artist="FAS Bretagne")
    audio_before = decoded_md5(path)
    data_before = dict(chunks(path))[b"data"]

    report = containers.write_chapters(path, Episode(chapters=list(SHORT_CHAPTERS), title="Travail pair"))

    read = ffmpeg_chapters(path)
    assert [c["title"] for c in read] == [c.title for c in SHORT_CHAPTERS]
    assert [(c["start_ms"], c["end_ms"]) for c in read] == [(0, 2500), (2500, 6000), (6000, 9500),
                                                             (9500, 12000)]
    tags = WAVE(path).tags
    (toc,) = tags.getall("CTOC")
    assert toc.flags & CTOCFlags.TOP_LEVEL and len(toc.child_element_ids) == 4
    assert str(toc.sub_frames["TIT2"]) == "Travail pair"
    chaps = sorted(tags.getall("CHAP"), key=lambda f: f.start_time)
    assert [str(f.sub_frames["TIT2"]) for f in chaps] == [c.title for c in SHORT_CHAPTERS]
    assert chaps[1].sub_frames.getall("WXXX")[0].url == "https://example.org/intro"

    assert decoded_md5(path) == audio_before
    assert dict(chunks(path))[b"data"] == data_before
    assert chunk_ids(path)[-1] == b"id3 "
    (note,) = report.diagnostics
    assert note.severity is Severity.INFO and "podcast apps do not play WAV" in note.message


def test_seed_chapters_and_retag_replace_without_stale_frames(audio_copy):
    path = audio_copy("wav", artist="FAS Bretagne")
    wave = WAVE(path)
    wave.add_tags()
    wave.tags.add(TPE1(encoding=3, text=["Artiste ID3"]))
    wave.save()
    info_before = dict(chunks(path))[b"LIST"]

    containers.write_chapters(path, Episode(chapters=list(SEED_CHAPTERS)))
    read = ffmpeg_chapters(path)
    assert [c["start_ms"] for c in read] == [c.start_ms for c in SEED_CHAPTERS]
    assert [c["title"] for c in read] == [c.title for c in SEED_CHAPTERS]

    containers.write_chapters(path, Episode(chapters=list(SHORT_CHAPTERS[:2])))
    tags = WAVE(path).tags
    assert len(tags.getall("CHAP")) == 2 and len(tags.getall("CTOC")) == 1
    assert str(tags["TPE1"]) == "Artiste ID3"
    assert dict(chunks(path))[b"LIST"] == info_before
    assert chunk_ids(path).count(b"id3 ") == 1
    assert [c.title for c in containers.read_chapters(path).chapters] == [c.title for c in SHORT_CHAPTERS[:2]]


def test_strip_removes_the_chunk_and_restores_the_original_bytes(audio_copy):
    path = audio_copy("wav")
    original = file_md5(path)
    containers.write_chapters(path, Episode(chapters=list(SHORT_CHAPTERS)))
    assert file_md5(path) != original

    assert containers.strip_chapters(path) == len(SHORT_CHAPTERS)
    assert file_md5(path) == original
    assert ffmpeg_chapters(path) == []
    assert containers.strip_chapters(path) == 0


def test_odd_chunks_old_uppercase_id3_chunk_and_trailing_bytes_are_kept(audio_copy, tmp_path):
    source = audio_copy("wav")
    parts = chunks(source)
    old_tag = b"ID3\x03\x00\x00\x00\x00\x00\x00"  # an empty ID3v2.3 tag, as some editors leave
    odd = (b"junk", b"abc")  # odd size: a pad byte follows
    rebuilt = [parts[0], odd, (b"ID3 ", old_tag), *parts[1:]]
    body = b"".join(cid + struct.pack("<I", len(d)) + d + b"\0" * (len(d) & 1) for cid, d in rebuilt)
    path = tmp_path / "built.wav"
    trailing = b"TAG" + b"\x20" * 125  # an ID3v1 tag after the RIFF chunk
    path.write_bytes(b"RIFF" + struct.pack("<I", 4 + len(body)) + b"WAVE" + body + trailing)
    audio_before = decoded_md5(path)

    containers.write_chapters(path, Episode(chapters=list(SHORT_CHAPTERS)))

    after = chunks(path)
    assert [cid for cid, _ in after] == [b"fmt ", b"junk", b"id3 ", *[cid for cid, _ in parts[1:]]]
    assert (b"junk", b"abc") in after
    assert path.read_bytes().endswith(trailing)
    assert [c["title"] for c in ffmpeg_chapters(path)] == [c.title for c in SHORT_CHAPTERS]
    assert decoded_md5(path) == audio_before


def test_rf64_is_refused_with_a_hint(make_media, tmp_path):
    path = tmp_path / "big.wav"
    run_ffmpeg("-i", make_media("wav"), "-c", "copy", "-rf64", "always", path)
    before = file_md5(path)
    assert containers.detect(path).name == "wav"
    with pytest.raises(UnsupportedAudioError, match="RF64") as caught:
        containers.write_chapters(path, Episode(chapters=list(SHORT_CHAPTERS)))
    assert caught.value.path == str(path) and "MP3 or M4A" in caught.value.hint
    assert file_md5(path) == before


def test_unfinished_recording_is_refused_and_left_alone(audio_copy):
    path = audio_copy("wav")
    path.write_bytes(path.read_bytes()[:50_000])  # the data chunk now runs past the end
    before = file_md5(path)
    with pytest.raises(AudioFileError, match="runs past the end of the file") as caught:
        containers.write_chapters(path, Episode(chapters=list(SHORT_CHAPTERS)))
    assert caught.value.path == str(path)
    assert file_md5(path) == before
    with path.open("rb") as handle, pytest.raises(AudioFileError):
        read_layout(handle, path)

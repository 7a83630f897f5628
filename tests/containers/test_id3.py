"""MP3: ID3v2 CHAP/CTOC written by us, read back by ffmpeg's demuxer and mutagen."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from mutagen.id3 import APIC, ID3, TIT2, TPE1, TSOP, CTOCFlags

from podcast_tool import containers
from podcast_tool.cli import main
from podcast_tool.containers import WriteOptions
from podcast_tool.containers.id3.mp3 import tag_size
from podcast_tool.errors import AudioFileError
from podcast_tool.model import Chapter, Episode
from tests.conftest import decoded_md5, ffmpeg_chapters, run_ffmpeg

#: ffmpeg shifts MP3 chapters by the encoder delay (about 25 ms).
FFMPEG_MP3_SLACK_MS = 30

# Titles of very different lengths: mutagen alone would order the frames by size.
CHAPTERS = [
    Chapter(0, "Mot d'accueil de Daniel Delaveau, très long titre pour peser plus lourd"),
    Chapter(2500, "Intro", end_ms=4000, description="Définitions, champs professionnels"),
    Chapter(5000, "Table ronde : « Pourquoi ? » — 1", url="https://example.org/table-ronde"),
    Chapter(8000, "Q", end_ms=11000),
]


def episode(chapters: list[Chapter] = CHAPTERS, title: str | None = "Travail pair") -> Episode:
    return Episode(chapters=list(chapters), title=title)


def audio_after_tag(path: Path) -> bytes:
    data = path.read_bytes()
    return data[tag_size(data[:10]):]


def test_ffmpeg_reads_titles_order_and_times(audio_copy):
    path = audio_copy("mp3")
    containers.write_chapters(path, episode())
    read = ffmpeg_chapters(path)
    assert [c["title"] for c in read] == [c.title for c in CHAPTERS]
    expected_ends = [2500, 4000, 8000, 11000]
    for got, chapter, end in zip(read, CHAPTERS, expected_ends, strict=True):
        assert abs(got["start_ms"] - chapter.start_ms) <= FFMPEG_MP3_SLACK_MS
        assert abs(got["end_ms"] - end) <= FFMPEG_MP3_SLACK_MS


def test_mutagen_sees_one_top_level_ordered_toc(audio_copy):
    path = audio_copy("mp3")
    containers.write_chapters(path, episode())
    tags = ID3(path)
    assert tags.version == (2, 3, 0)
    (toc,) = tags.getall("CTOC")
    assert toc.flags & CTOCFlags.TOP_LEVEL and toc.flags & CTOCFlags.ORDERED
    assert toc.child_element_ids == ["chp0", "chp1", "chp2", "chp3"]
    assert str(toc.sub_frames["TIT2"]) == "Travail pair"
    chaps = {f.element_id: f for f in tags.getall("CHAP")}
    assert chaps["chp1"].start_time == 2500 and chaps["chp1"].end_time == 4000
    assert chaps["chp1"].start_offset == 0xFFFFFFFF == chaps["chp1"].end_offset
    assert str(chaps["chp1"].sub_frames["TIT3"]) == "Définitions, champs professionnels"
    assert chaps["chp2"].sub_frames.getall("WXXX")[0].url == "https://example.org/table-ronde"
    # The last chapter without a written end runs to the end of the audio.
    last = Episode(chapters=[Chapter(0, "Seul")])
    containers.write_chapters(path, last)
    (only,) = ID3(path).getall("CHAP")
    assert only.end_time == containers.audio_duration_ms(path)


def test_chap_frames_stand_in_chronological_order(audio_copy):
    path = audio_copy("mp3")
    containers.write_chapters(path, episode())
    data = path.read_bytes()
    positions = [data.index(f"chp{i}\x00".encode(), data.index(b"CHAP")) for i in range(4)]
    assert positions == sorted(positions)
    assert data.index(b"CTOC") < data.index(b"CHAP")


def test_retagging_replaces_chapters_and_keeps_other_frames(audio_copy):
    path = audio_copy("mp3")
    tags = ID3(path)
    tags.add(TIT2(encoding=3, text=["Replay"]))
    tags.add(TPE1(encoding=3, text=["FAS Bretagne"]))
    cover = b"\x89PNG\r\n\x1a\n" + b"\x00" * 200
    tags.add(APIC(encoding=3, mime="image/png", type=3, desc="cover", data=cover))
    tags.save(path, v2_version=3)
    before_audio = audio_after_tag(path)
    before_pcm = decoded_md5(path)

    for _ in range(3):
        containers.write_chapters(path, episode())
    containers.write_chapters(path, episode(CHAPTERS[:2]))
    tags = ID3(path)
    assert len(tags.getall("CTOC")) == 1
    assert sorted(f.element_id for f in tags.getall("CHAP")) == ["chp0", "chp1"]
    assert str(tags["TIT2"]) == "Replay" and str(tags["TPE1"]) == "FAS Bretagne"
    assert tags.getall("APIC")[0].data == cover
    assert audio_after_tag(path) == before_audio
    assert decoded_md5(path) == before_pcm


def test_id3v24_on_request_and_unicode_titles(audio_copy):
    path = audio_copy("mp3")
    containers.write_chapters(path, episode(), WriteOptions(id3v2_version=4))
    assert ID3(path).version == (2, 4, 0)
    assert [c.title for c in containers.read_chapters(path).chapters] == [c.title for c in CHAPTERS]


def test_file_without_tag_and_with_id3v1(tmp_path, make_media):
    plain = tmp_path / "plain.mp3"
    run_ffmpeg("-i", make_media("mp3"), "-c", "copy", "-id3v2_version", "0", plain)
    id3v1 = b"TAG" + b"Version un".ljust(30, b"\x00") + b"\x00" * 94 + b"\xff"
    plain.write_bytes(plain.read_bytes() + id3v1)
    original = plain.read_bytes()
    assert not original.startswith(b"ID3") and original[-128:].startswith(b"TAG")
    containers.write_chapters(plain, episode())
    assert plain.read_bytes().endswith(original)  # audio and ID3v1 untouched, tag in front
    assert len(ffmpeg_chapters(plain)) == 4


def test_read_back_round_trip_and_strip(audio_copy):
    path = audio_copy("mp3")
    containers.write_chapters(path, episode())
    read = containers.read_chapters(path)
    assert read.title == "Travail pair"
    assert [(c.start_ms, c.title, c.description, c.url) for c in read.chapters] == [
        (c.start_ms, c.title, c.description, c.url) for c in CHAPTERS]
    assert [c.end_ms for c in read.chapters] == [2500, 4000, 8000, 11000]
    assert containers.strip_chapters(path) == 4
    assert ID3(path).getall("CHAP") == [] and ID3(path).getall("CTOC") == []
    assert ffmpeg_chapters(path) == []
    assert containers.strip_chapters(path) == 0


def test_chapter_image_is_written_inside_chap(audio_copy):
    path = audio_copy("mp3")
    png = b"\x89PNG\r\n\x1a\n" + b"\x01" * 64
    chapter = Chapter(0, "Avec image", image="slide.png", image_data=png, image_mime="image/png")
    containers.write_chapters(path, episode([chapter]))
    (chap,) = ID3(path).getall("CHAP")
    assert chap.sub_frames.getall("APIC")[0].data == png
    assert containers.read_chapters(path).chapters[0].image_data == png


@pytest.mark.parametrize("garbage", [b"ID3\x03\x00\x00\x7f\x7f\x7f\x7f" + b"\x00" * 100,
                                     b"ID3" + b"\xff" * 500])
def test_damaged_mp3_gives_a_clear_error_and_is_untouched(tmp_path, garbage):
    path = tmp_path / "broken.mp3"
    path.write_bytes(garbage)
    with pytest.raises(AudioFileError) as caught:
        containers.write_chapters(path, episode())
    assert "broken.mp3" in str(caught.value)
    assert path.read_bytes() == garbage


def _v24_with_several_artists(audio_copy) -> Path:
    path = audio_copy("mp3")
    tags = ID3(path)
    tags.add(TPE1(encoding=3, text=["Adrien Bréger", "Daniel Delaveau"]))
    tags.add(TSOP(encoding=3, text=["Bréger, Adrien"]))
    tags.save(path, v2_version=4)
    return path


def test_v24_to_v23_conversion_names_the_frames_it_changes(audio_copy):
    path = _v24_with_several_artists(audio_copy)
    report = containers.write_chapters(path, episode())
    [note] = [d for d in report.diagnostics if d.code == "id3-v23-conversion"]
    assert "TPE1" in note.message and "joined" in note.message
    assert "TSOP" in note.message and "dropped" in note.message
    assert "--id3v2 keep" in (note.hint or "")
    tags = ID3(path)
    assert tags.version[:2] == (2, 3) and tags["TPE1"].text == ["Adrien Bréger/Daniel Delaveau"]


def test_id3v2_keep_keeps_a_v24_tag_and_its_values(audio_copy, tmp_path):
    path = _v24_with_several_artists(audio_copy)
    outline = tmp_path / "outline.md"
    outline.write_text("- 0'00 Début\n- 0'05 Suite\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["tag", str(path), str(outline), "--id3v2", "keep"])
    assert result.exit_code == 0, result.output
    assert "ID3v2.3" not in result.stderr
    tags = ID3(path)
    assert tags.version[:2] == (2, 4)
    assert tags["TPE1"].text == ["Adrien Bréger", "Daniel Delaveau"]
    assert tags["TSOP"].text == ["Bréger, Adrien"]
    assert [c["title"] for c in ffmpeg_chapters(path)] == ["Début", "Suite"]


def test_id3v2_keep_on_a_file_without_tag_writes_v23(audio_copy):
    path = audio_copy("mp3")
    ID3(path).delete()
    containers.write_chapters(path, episode(), WriteOptions(id3v2_version=None))
    assert ID3(path).version[:2] == (2, 3)

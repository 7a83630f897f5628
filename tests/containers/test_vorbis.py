"""Ogg Vorbis, Opus, FLAC: CHAPTERnnn comments read back by ffmpeg's demuxer and mutagen."""

from __future__ import annotations

import base64
import shutil
from pathlib import Path

import pytest
from mutagen.flac import FLAC, Picture
from mutagen.id3 import ID3, TIT2
from mutagen.oggopus import OggOpus
from mutagen.oggvorbis import OggVorbis

from podcast_tool import containers
from podcast_tool.containers.vorbis.comments import chapters_from_comments, parse_chapter_time
from podcast_tool.errors import AudioFileError, ChapterFormatError
from podcast_tool.model import Chapter, Episode, effective_ends
from tests.conftest import decoded_md5, ffmpeg_chapters, file_md5, run_ffmpeg
from tests.realworld.corpus import corpus_dir


def ms(hours: int = 0, minutes: int = 0, seconds: int = 0) -> int:
    return ((hours * 60 + minutes) * 60 + seconds) * 1000


#: The seed webinar's outline (chapters/travail-pair-2020-12-18.md), built by hand.
SEED_CHAPTERS = [
    Chapter(ms(0, 0, 20), "Mot d'accueil de Daniel Delaveau"),
    Chapter(ms(0, 7, 0), "Introduction du sujet par Adrien Bréger", end_ms=ms(0, 14, 10),
            url="https://www.example.org/travail-pair?intro=1&lang=fr"),
    Chapter(ms(0, 14, 20), "Tableau Ronde 1 : Pourquoi développer le travail pair ?", end_ms=ms(0, 58, 35)),
    Chapter(ms(0, 58, 35), "Questions du public", end_ms=ms(1, 3, 37)),
    Chapter(ms(1, 3, 37), "Anne Postic, Commissaire à la Stratégie de prévention et de lutte contre "
            "la pauvreté dans les Pays de la Loire", end_ms=ms(1, 17, 45)),
    Chapter(ms(1, 17, 45), "Ludovic Magnier, Commissaire à la Stratégie de prévention et de lutte "
            "contre la pauvreté en Bretagne", end_ms=ms(1, 22, 45)),
    Chapter(ms(1, 30, 40), "Tableau Ronde 2 : Comment réunir les conditions nécessaires à la réussite "
            "du travail pair ?", end_ms=ms(2, 16, 5)),
    Chapter(ms(2, 16, 5), "Questions du public", end_ms=ms(2, 28, 25)),
    Chapter(ms(2, 28, 25), "Jean-Claude Laurent, Président de la FAS des Pays de la Loire : "
            "Conclusion et remerciements", end_ms=ms(2, 33, 12)),
]

#: Chapters that fit in the 12-second test media, so ffmpeg's computed ends can be checked.
SHORT_CHAPTERS = [
    Chapter(0, "Accueil"),
    Chapter(2500, "Introduction", url="https://example.org/intro"),
    Chapter(6000, "Table ronde — « Pourquoi ? »"),
    Chapter(9500, "Conclusion"),
]

EXTENSIONS = ("ogg", "opus", "flac")
MUTAGEN_TYPES = {"ogg": OggVorbis, "opus": OggOpus, "flac": FLAC}


def comments(path: Path) -> list[tuple[str, str]]:
    return list(MUTAGEN_TYPES[path.suffix[1:]](path).tags or [])


def chapter_keys(path: Path) -> list[str]:
    return [key for key, _ in comments(path) if key.upper().startswith("CHAPTER")]


def other_comments(path: Path) -> list[tuple[str, str]]:
    return [(k, v) for k, v in comments(path) if not k.upper().startswith("CHAPTER")]


def cover_picture() -> Picture:
    picture = Picture()
    picture.type = 3
    picture.mime = "image/png"
    picture.desc = "pochette"
    picture.width = picture.height = 1
    picture.depth = 24
    picture.data = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4
    return picture


def add_cover_and_tags(path: Path) -> None:
    """Cover art the way each format stores it, plus ordinary comments."""
    audio = MUTAGEN_TYPES[path.suffix[1:]](path)
    audio.tags["TITLE"] = "Travail pair : passons à l'action !"
    audio.tags["ARTIST"] = "FAS Bretagne"
    audio.tags["ORGANIZATION"] = "FAS"
    if isinstance(audio, FLAC):
        audio.add_picture(cover_picture())
    else:
        audio.tags["METADATA_BLOCK_PICTURE"] = base64.b64encode(cover_picture().write()).decode()
    audio.save()


def pictures(path: Path) -> list[bytes]:
    audio = MUTAGEN_TYPES[path.suffix[1:]](path)
    if isinstance(audio, FLAC):
        return [p.data for p in audio.pictures]
    return [Picture(base64.b64decode(v)).data for v in audio.tags.get("METADATA_BLOCK_PICTURE", [])]


@pytest.mark.parametrize("ext", EXTENSIONS)
def test_seed_chapters_read_back_by_ffmpeg_and_mutagen(audio_copy, ext):
    path = audio_copy(ext)
    audio_before = decoded_md5(path)
    assert containers.detect(path).name == ext
    containers.write_chapters(path, Episode(chapters=list(SEED_CHAPTERS), title="Travail pair"))

    read = ffmpeg_chapters(path)
    assert [c["title"] for c in read] == [c.title for c in SEED_CHAPTERS]
    assert [c["start_ms"] for c in read] == [c.start_ms for c in SEED_CHAPTERS]

    raw = comments(path)
    chapter_comments = [(k, v) for k, v in raw if k.upper().startswith("CHAPTER")]
    assert chapter_comments[:5] == [
        ("CHAPTER000", "00:00:20.000"),
        ("CHAPTER000NAME", "Mot d'accueil de Daniel Delaveau"),
        ("CHAPTER001", "00:07:00.000"),
        ("CHAPTER001NAME", "Introduction du sujet par Adrien Bréger"),
        ("CHAPTER001URL", "https://www.example.org/travail-pair?intro=1&lang=fr"),
    ]
    assert ("CHAPTER004", "01:03:37.000") in chapter_comments
    assert ("CHAPTER008", "02:28:25.000") in chapter_comments
    assert len(chapter_comments) == 9 * 2 + 1  # time and name each, one URL

    episode = containers.read_chapters(path)
    assert [(c.start_ms, c.title, c.url) for c in episode.chapters] == [
        (c.start_ms, c.title, c.url) for c in SEED_CHAPTERS]
    assert decoded_md5(path) == audio_before


def test_what_the_format_cannot_hold_is_reported(audio_copy):
    path = audio_copy("flac")
    plain = containers.write_chapters(path, Episode(chapters=list(SHORT_CHAPTERS)))
    assert plain.diagnostics == []
    # The seed's 1'17''45 à 1'22''45 chapter ends before the next one (1'30''40).
    report = containers.write_chapters(path, Episode(chapters=[
        *SEED_CHAPTERS[:6], Chapter(ms(1, 30, 40), "Tableau Ronde 2", description="Horizontalité")]))
    (note,) = report.diagnostics
    assert note.code == "vorbis-not-kept" and note.file == str(path)
    assert note.message.endswith("not written: descriptions, end times (a chapter now runs to the next one)")


@pytest.mark.parametrize("ext", EXTENSIONS)
def test_ends_are_next_start_and_last_is_the_duration(audio_copy, ext):
    path = audio_copy(ext)
    containers.write_chapters(path, Episode(chapters=list(SHORT_CHAPTERS)))
    duration = containers.audio_duration_ms(path)
    assert abs(duration - 12000) <= 10

    read = ffmpeg_chapters(path)
    assert [c["start_ms"] for c in read] == [0, 2500, 6000, 9500]
    assert [c["end_ms"] for c in read][:3] == [2500, 6000, 9500]
    assert abs(read[-1]["end_ms"] - duration) <= 10  # Opus: ffmpeg counts the pre-skip

    episode = containers.read_chapters(path)
    assert all(c.end_ms is None for c in episode.chapters)  # Vorbis comments store no ends
    assert episode.duration_ms == duration
    assert effective_ends(episode.chapters, episode.duration_ms) == [2500, 6000, 9500, duration]


@pytest.mark.parametrize("ext", EXTENSIONS)
def test_retag_with_fewer_chapters_leaves_no_stale_keys(audio_copy, ext):
    path = audio_copy(ext)
    containers.write_chapters(path, Episode(chapters=list(SEED_CHAPTERS)))
    # Chapter comments other tools wrote: other cases, other digit counts, other suffixes.
    audio = MUTAGEN_TYPES[ext](path)
    audio.tags.extend([("chapter0001name", "ancien"), ("Chapter12", "00:00:01.000"),
                       ("CHAPTER7URL", "https://old.example"), ("CHAPTER0042IMAGE", "x.png")])
    audio.save()

    containers.write_chapters(path, Episode(chapters=list(SHORT_CHAPTERS[:3])))

    assert chapter_keys(path) == ["CHAPTER000", "CHAPTER000NAME", "CHAPTER001", "CHAPTER001NAME",
                                  "CHAPTER001URL", "CHAPTER002", "CHAPTER002NAME"]
    assert [c["title"] for c in ffmpeg_chapters(path)] == [c.title for c in SHORT_CHAPTERS[:3]]
    # Re-tagging with the same chapters changes nothing at all.
    before = file_md5(path)
    containers.write_chapters(path, Episode(chapters=list(SHORT_CHAPTERS[:3])))
    assert file_md5(path) == before


@pytest.mark.parametrize("ext", EXTENSIONS)
def test_other_comments_and_cover_art_survive_tag_and_strip(audio_copy, ext):
    path = audio_copy(ext)
    add_cover_and_tags(path)
    others = other_comments(path)
    covers = pictures(path)
    assert covers and ("ORGANIZATION", "FAS") in others
    audio_before = decoded_md5(path)

    containers.write_chapters(path, Episode(chapters=list(SEED_CHAPTERS)))
    containers.write_chapters(path, Episode(chapters=list(SHORT_CHAPTERS)))
    assert other_comments(path) == others
    assert pictures(path) == covers
    assert containers.read_chapters(path).title == "Travail pair : passons à l'action !"

    assert containers.strip_chapters(path) == len(SHORT_CHAPTERS)
    assert chapter_keys(path) == []
    assert ffmpeg_chapters(path) == []
    assert other_comments(path) == others
    assert pictures(path) == covers
    assert decoded_md5(path) == audio_before


@pytest.mark.parametrize("ext", EXTENSIONS)
def test_strip_without_chapters_writes_nothing(audio_copy, ext):
    path = audio_copy(ext)
    before = file_md5(path)
    inode = path.stat().st_ino
    assert containers.strip_chapters(path) == 0
    assert file_md5(path) == before
    assert path.stat().st_ino == inode  # not even replaced by an identical copy


def test_chapters_written_by_ffmpeg_are_read_and_replaced(audio_copy, tmp_path):
    # Of the three, only ffmpeg's Opus muxer writes chapter comments (its Vorbis and FLAC ones do not).
    ext = "opus"
    source = audio_copy(ext, name=f"plain.{ext}")
    metadata = tmp_path / "chapters.txt"
    metadata.write_text(";FFMETADATA1\n[CHAPTER]\nTIMEBASE=1/1000\nSTART=1000\nEND=4000\ntitle=Un\n"
                        "[CHAPTER]\nTIMEBASE=1/1000\nSTART=4000\nEND=9000\ntitle=Deux\n",
                        encoding="utf-8")
    path = tmp_path / f"by-ffmpeg.{ext}"
    run_ffmpeg("-i", source, "-i", metadata, "-map", "0", "-map_chapters", "1", "-c", "copy", path)

    episode = containers.read_chapters(path)
    assert [(c.start_ms, c.title) for c in episode.chapters] == [(1000, "Un"), (4000, "Deux")]

    containers.write_chapters(path, Episode(chapters=list(SHORT_CHAPTERS)))
    assert [c["title"] for c in ffmpeg_chapters(path)] == [c.title for c in SHORT_CHAPTERS]


@pytest.mark.parametrize("ext", EXTENSIONS)
def test_more_than_1000_chapters_is_a_clear_error_and_nothing_is_written(audio_copy, ext):
    path = audio_copy(ext)
    before = file_md5(path)
    too_many = [Chapter(index * 10, f"c{index}") for index in range(1001)]
    with pytest.raises(ChapterFormatError, match="1001 chapters.*at most 1000") as caught:
        containers.write_chapters(path, Episode(chapters=too_many))
    assert caught.value.path == str(path)
    assert file_md5(path) == before
    # Exactly 1000 fit: CHAPTER000 to CHAPTER999.
    containers.write_chapters(path, Episode(chapters=too_many[:1000]))
    keys = chapter_keys(path)
    assert keys[-2:] == ["CHAPTER999", "CHAPTER999NAME"]
    assert len(containers.read_chapters(path).chapters) == 1000


def test_start_beyond_99_hours_is_refused(audio_copy):
    path = audio_copy("ogg")
    before = file_md5(path)
    with pytest.raises(ChapterFormatError, match="outside what Vorbis chapter comments can hold"):
        containers.write_chapters(path, Episode(chapters=[Chapter(ms(100), "trop tard")]))
    assert file_md5(path) == before


def test_flac_behind_an_id3v2_tag_is_tagged_as_flac_and_keeps_the_tag(audio_copy):
    path = audio_copy("flac", name="with-id3.flac")
    id3 = ID3()
    id3.add(TIT2(encoding=3, text=["Titre ID3"]))
    id3.save(path)  # mutagen inserts the tag before "fLaC"
    assert path.read_bytes()[:3] == b"ID3"
    audio_before = decoded_md5(path)

    assert containers.detect(path).name == "flac"
    containers.write_chapters(path, Episode(chapters=list(SHORT_CHAPTERS)))

    assert [c["start_ms"] for c in ffmpeg_chapters(path)] == [c.start_ms for c in SHORT_CHAPTERS]
    assert str(ID3(path)["TIT2"]) == "Titre ID3"
    assert [c.title for c in containers.read_chapters(path).chapters] == [c.title for c in SHORT_CHAPTERS]
    assert decoded_md5(path) == audio_before


def test_damaged_flac_metadata_is_an_error_naming_the_file(audio_copy):
    path = audio_copy("flac", name="damaged.flac")
    path.write_bytes(path.read_bytes()[:30])  # cut inside STREAMINFO
    with pytest.raises(AudioFileError) as caught:
        containers.write_chapters(path, Episode(chapters=list(SHORT_CHAPTERS)))
    assert caught.value.path == str(path)
    assert len(path.read_bytes()) == 30


@pytest.mark.parametrize(("text", "expected"), [
    ("00:00:20.000", 20000),
    ("01:03:37.000", 3817000),
    ("1:03:37", 3817000),
    ("00:07:00.5", 420500),
    ("00:00:01,25", 1250),
    (" 02:28:25.000 ", 8905000),
    ("99:59:59.999", 359999999),
    ("7:00", None),
    ("00:61:00.000", None),
    ("soon", None),
    ("", None),
])
def test_parse_chapter_time(text, expected):
    assert parse_chapter_time(text) == expected


def test_chapters_from_comments_sorts_and_tolerates_other_writers():
    found = chapters_from_comments([
        ("chapter002", "00:00:09.000"), ("Chapter002Name", "Trois"),
        ("CHAPTER000", "00:00:00.000"), ("CHAPTER000NAME", "Un"), ("CHAPTER000URL", "https://a.example"),
        ("CHAPTER1", "00:00:04.000"),  # no name: untitled
        ("CHAPTER003", "whenever"), ("CHAPTER003NAME", "Sans heure"),  # no time: skipped
        ("CHAPTERS", "not a chapter"), ("TITLE", "x"),
    ])
    assert [(c.start_ms, c.title, c.url) for c in found] == [
        (0, "Un", "https://a.example"), (4000, "", None), (9000, "Trois", None)]


def test_flac_cuesheet_is_read_as_chapters_then_replaced_by_ours(tmp_path):
    path = tmp_path / "with-cuesheet.flac"
    shutil.copyfile(corpus_dir() / "silence-44-s.flac", path)  # 3 cue tracks, written by others
    assert FLAC(path).cuesheet is not None
    shown = containers.read_chapters(path).chapters
    assert [(c.start_ms, c.title) for c in shown] == [(0, "Track 01"), (1000, "Track 02"),
                                                       (2000, "Track 03")]
    assert [c["start_ms"] for c in ffmpeg_chapters(path)] == [0, 1000, 2000]
    report = containers.write_chapters(path, Episode(chapters=[Chapter(0, "Accueil"),
                                                               Chapter(1500, "Suite")]))
    assert any(d.code == "flac-cuesheet-removed" and "3 tracks" in d.message
               for d in report.diagnostics)
    assert FLAC(path).cuesheet is None
    assert [(c["start_ms"], c["title"]) for c in ffmpeg_chapters(path)] == [(0, "Accueil"),
                                                                            (1500, "Suite")]
    assert len(FLAC(path).pictures) == 1  # the other blocks stay


def test_strip_removes_a_flac_cuesheet_too(tmp_path):
    path = tmp_path / "with-cuesheet.flac"
    shutil.copyfile(corpus_dir() / "silence-44-s.flac", path)
    assert containers.strip_chapters(path) == 3
    assert containers.read_chapters(path).chapters == [] and ffmpeg_chapters(path) == []

"""Each preflight rule: a file that breaks it and one that passes."""

from __future__ import annotations

from podcast_tool.containers.mp4 import chapter_track
from podcast_tool.model import Chapter
from tests.conftest import run_ffmpeg
from tests.preflight.helpers import (
    THREE,
    codes,
    json_sidecar,
    mp3_by_hand,
    report,
    tag,
    text_sidecar,
)

LONG = "Table ronde : " + "é" * 70  # 154 bytes of UTF-8


# --- MP3 --------------------------------------------------------------------------------------

def test_ctoc_needed_by_apple_and_overcast(audio_copy):
    broken = mp3_by_hand(audio_copy("mp3", name="no-toc.mp3"), toc=False)
    fine = mp3_by_hand(audio_copy("mp3", name="toc.mp3"))
    for app in ("apple", "overcast"):
        assert report(broken, app=app).verdict == "none"
        assert "no-ctoc" in codes(report(broken, app=app))
        assert report(fine, app=app).verdict == "ok"
    # AntennaPod ignores the CTOC: it lists them either way.
    assert report(broken, app="antennapod").verdict == "ok"


def test_id3v24_long_sub_frames_vanish_in_ffmpeg_players(audio_copy):
    chapters = [Chapter(0, "Court"), Chapter(4000, LONG), Chapter(8000, "Fin")]
    v4 = tag(audio_copy("mp3", name="v4.mp3"), chapters, id3v2_version=4)
    v3 = tag(audio_copy("mp3", name="v3.mp3"), chapters, id3v2_version=3)
    found = report(v4, app="ffmpeg")
    assert found.verdict == "warning" and "id3v24-lost" in codes(found)
    assert [c.title for c in found.chapters] == ["Court", "Fin"]
    assert report(v3, app="ffmpeg").verdict == "ok"
    assert "id3v24" in codes(report(v4, app="apple"))
    assert report(v3, app="apple").verdict == "ok"


def test_antennapod_unsynchronised_tag(audio_copy):
    broken = mp3_by_hand(audio_copy("mp3", name="unsync.mp3"), unsync=True)
    fine = mp3_by_hand(audio_copy("mp3", name="plain.mp3"))
    assert "unsync" in codes(report(broken, app="antennapod"))
    assert report(broken, app="antennapod").verdict == "none"
    assert report(fine, app="antennapod").verdict == "ok"


def test_antennapod_url_decodes_mp3_links(audio_copy):
    broken = mp3_by_hand(audio_copy("mp3", name="plus.mp3"), url="https://ex.org/a+b%2Fc")
    fine = mp3_by_hand(audio_copy("mp3", name="clean.mp3"), url="https://ex.org/a-b/c")
    found = report(broken, app="antennapod")
    assert "link-decoded" in codes(found) and found.chapters[0].url == "https://ex.org/a b/c"
    assert report(fine, app="antennapod").verdict == "ok"


def test_missing_titles(audio_copy):
    broken = mp3_by_hand(audio_copy("mp3", name="untitled.mp3"), titles=False)
    fine = mp3_by_hand(audio_copy("mp3", name="titled.mp3"))
    assert report(broken, app="kasts").verdict == "none"  # TagLib path assumes a TIT2
    assert "untitled" in codes(report(broken, app="antennapod"))
    assert [c.title for c in report(broken, app="antennapod").chapters] == ["0", "1", "2"]
    assert report(fine, app="kasts").verdict == "ok"


def test_pocket_casts_links_and_hidden_json_chapters(audio_copy, tmp_path):
    broken = mp3_by_hand(audio_copy("mp3", name="ftp.mp3"), url="ftp://ex.org/file")
    assert "links" in codes(report(broken, app="pocketcasts"))
    m4a = tag(audio_copy("m4a"))
    hidden = json_sidecar(tmp_path / "c.json", [
        {"startTime": 0, "title": "Accueil"}, {"startTime": 4, "title": "Pub", "toc": False},
        {"startTime": 8, "title": "Fin"}])
    found = report(m4a, hidden, app="pocketcasts")
    assert [c.title for c in found.chapters] == ["Accueil", "Fin"] and "toc-false" in codes(found)
    assert report(m4a, app="pocketcasts").verdict == "none"  # no M4A chapters on Android
    # AntennaPod ignores toc and lists all three (JSON merged with chpl: same count and starts).
    antenna = report(m4a, hidden, app="antennapod")
    assert "toc-ignored" in codes(antenna) and len(antenna.chapters) == 3


def test_embedded_wins_over_json_in_pocket_casts(audio_copy, tmp_path):
    mp3 = tag(audio_copy("mp3"))
    feed = json_sidecar(tmp_path / "c.json", [{"startTime": 0, "title": "Autre"}])
    found = report(mp3, feed, app="pocketcasts")
    assert "file-wins" in codes(found) and found.chapters[0].title == "Accueil"


# --- MP4 --------------------------------------------------------------------------------------

def test_antennapod_reads_only_chpl(audio_copy, tmp_path):
    source = tag(audio_copy("m4a", name="source.m4a"))
    track_only = tmp_path / "track-only.m4a"
    run_ffmpeg("-i", source, "-map", "0:a", "-map_chapters", "0", "-c", "copy", "-movflags",
               "disable_chpl", track_only)
    found = report(track_only, app="antennapod")
    assert found.verdict == "none" and "no-chpl" in codes(found)
    assert report(track_only, app="apple").verdict == "ok"
    assert report(source, app="antennapod").verdict == "ok"


def test_chpl_title_over_127_bytes_breaks_antennapod(audio_copy, monkeypatch):
    chapters = [Chapter(0, "Court"), Chapter(4000, LONG), Chapter(8000, "Fin")]
    fine = tag(audio_copy("m4a", name="cut.m4a"), chapters)  # our writer cuts at 127 bytes
    assert report(fine, app="antennapod").verdict == "ok"
    monkeypatch.setattr(chapter_track, "CHPL_MAX_TITLE_BYTES", 255)  # as older writers did
    broken = tag(audio_copy("m4a", name="long.m4a"), chapters)
    found = report(broken, app="antennapod")
    assert "chpl-title" in codes(found) and [c.title for c in found.chapters] == ["Court"]


def test_untitled_leading_sample(audio_copy, monkeypatch):
    later = [Chapter(2000, "Accueil"), Chapter(6000, "Débat")]
    fine = tag(audio_copy("m4a", name="titled.m4a"), later)
    for app in ("apple", "ffmpeg", "overcast"):
        assert report(fine, app=app).verdict == "ok"
        assert report(fine, app=app).chapters[0].title == "Webinaire"
    from podcast_tool.containers.mp4 import chapter_edit

    monkeypatch.setattr(chapter_edit, "chapter_segments",
                        _untitled_segments(chapter_edit.chapter_segments))
    broken = tag(audio_copy("m4a", name="untitled.m4a"), later)
    assert "untitled-first" in codes(report(broken, app="apple"))
    assert "untitled" in codes(report(broken, app="ffmpeg"))


def _untitled_segments(original):
    def segments(*args):
        found = original(*args)
        if found and found[0].chapter is None:
            found[0].title = ""
        return found
    return segments


# --- Ogg, FLAC --------------------------------------------------------------------------------

def test_antennapod_vorbis_two_digit_ids(audio_copy):
    many = [Chapter(index * 100, f"c{index}") for index in range(101)]
    broken = tag(audio_copy("opus", name="many.opus"), many)
    fine = tag(audio_copy("opus", name="hundred.opus"), many[:100])
    found = report(broken, app="antennapod")
    assert found.verdict == "none" and "vorbis-ids" in codes(found)
    assert report(fine, app="antennapod").verdict == "ok"
    assert len(report(broken, app="ffmpeg").chapters) == 101


def test_whole_seconds_note(audio_copy):
    precise = tag(audio_copy("ogg", name="ms.ogg"), [Chapter(0, "A"), Chapter(4500, "B")])
    found = report(precise, app="antennapod")
    assert found.verdict == "ok" and "whole-seconds" in codes(found)
    assert [c.start_ms for c in found.chapters] == [0, 4000]
    exact = tag(audio_copy("ogg", name="s.ogg"), [Chapter(0, "A"), Chapter(4000, "B")])
    assert "whole-seconds" not in codes(report(exact, app="antennapod"))


def test_flac_has_no_antennapod_reader(audio_copy):
    flac = tag(audio_copy("flac"))
    assert "format" in codes(report(flac, app="antennapod"))
    assert report(flac, app="ffmpeg").verdict == "ok"


# --- sidecars ---------------------------------------------------------------------------------

def test_podlove_exact_namespace(audio_copy, tmp_path):
    flac = tag(audio_copy("flac"))
    body = ('<psc:chapters version="1.2" xmlns:psc="{ns}">'
            '<psc:chapter start="0" title="A"/><psc:chapter start="40" title="B"/>'
            '<psc:chapter start="80" title="C"/></psc:chapters>')
    odd = text_sidecar(tmp_path / "odd.psc", body.format(ns="http://podlove.org/simple-chapters/"))
    exact = text_sidecar(tmp_path / "ok.psc", body.format(ns="http://podlove.org/simple-chapters"))
    assert "podlove-namespace" in codes(report(flac, odd, app="antennapod"))
    assert report(flac, odd, app="antennapod").verdict == "none"
    assert report(flac, exact, app="antennapod").verdict == "ok"


def test_antennapod_merge_rules(audio_copy, tmp_path):
    mp3 = tag(audio_copy("mp3"))
    more = json_sidecar(tmp_path / "more.json", [{"startTime": s, "title": f"j{s}"}
                                                 for s in (0, 2, 4, 8)])
    found = report(mp3, more, app="antennapod")
    assert "merge-count" in codes(found) and len(found.chapters) == 4
    apart = json_sidecar(tmp_path / "apart.json", [{"startTime": s, "title": f"j{s}"}
                                                   for s in (0, 6, 10)])
    found = report(mp3, apart, app="antennapod")
    assert "merge-apart" in codes(found) and found.chapters[1].title == "Débat"
    same = json_sidecar(tmp_path / "same.json", [{"startTime": s, "title": f"j{s}"}
                                                 for s in (0, 4, 8)])
    found = report(mp3, same, app="antennapod")
    assert found.verdict == "ok" and found.chapters[1].title == "j4"


def test_description_rules_spotify_and_youtube(audio_copy, tmp_path):
    long = audio_copy("mp3", seconds=120)
    good = text_sidecar(tmp_path / "good.txt", "00:00 Accueil\n00:40 Débat\n01:20 Fin\n")
    late = text_sidecar(tmp_path / "late.txt", "00:05 Accueil\n00:40 Débat\n01:20 Fin\n")
    two = text_sidecar(tmp_path / "two.txt", "00:00 Accueil\n00:40 Débat\n")
    short = text_sidecar(tmp_path / "short.txt", "00:00 Accueil\n00:05 Débat\n01:20 Fin\n")
    wordy = text_sidecar(tmp_path / "wordy.txt",
                         f"00:00 {'x' * 60}\n00:40 Débat\n01:20 Fin\n")
    for app in ("spotify", "youtube"):
        assert report(long, good, app=app).verdict == "ok"
        assert "first-not-at-zero" in codes(report(long, late, app=app))
        assert report(long, late, app=app).verdict == "none"
        assert "too-few" in codes(report(long, two, app=app))
        assert "too-short" in codes(report(long, short, app=app))
        assert "long-titles" in codes(report(long, wordy, app=app))
    assert report(long, short, app="youtube").verdict == "none"  # YouTube then shows none
    assert report(long, short, app="spotify").verdict == "warning"


def test_web_page_reads_webvtt(audio_copy, tmp_path):
    mp3 = tag(audio_copy("mp3"))
    assert report(mp3, app="web").verdict == "none"
    vtt = text_sidecar(tmp_path / "c.vtt", "WEBVTT\n\n00:00:00.000 --> 00:00:04.000\nAccueil\n\n"
                       "00:00:04.000 --> 00:00:12.000\nDébat\n")
    assert report(mp3, vtt, app="web").verdict == "ok"
    late = text_sidecar(tmp_path / "late.vtt", "WEBVTT\n\n00:00:00.000 --> 00:00:04.000\nA\n\n"
                        "00:00:04.000 --> 00:09:00.000\nB\n")
    assert "past-end" in codes(report(mp3, late, app="web"))


def test_castro_ignores_feed_chapters(audio_copy, tmp_path):
    ogg = tag(audio_copy("ogg"))
    feed = json_sidecar(tmp_path / "c.json", [{"startTime": 0, "title": "A"}])
    found = report(ogg, feed, app="castro")
    assert found.verdict == "none" and "feed-ignored" in codes(found)
    assert report(tag(audio_copy("mp3")), app="castro").verdict == "ok"


def test_apple_json_and_artwork(audio_copy, tmp_path):
    ogg_free = audio_copy("m4a", name="bare.m4a")
    feed = json_sidecar(tmp_path / "c.json", [{"startTime": 0, "title": "A"}])
    found = report(ogg_free, feed, app="apple")
    assert found.verdict == "ok" and "json-recent" in codes(found)
    big = _png(4000, 100, alpha=False)
    see_through = _png(100, 100, alpha=True)
    ok = _png(100, 100, alpha=False)
    images = [Chapter(0, "A", image_data=big, image_mime="image/png"),
              Chapter(4000, "B", image_data=see_through, image_mime="image/png"),
              Chapter(8000, "C", image_data=ok, image_mime="image/png")]
    found = report(tag(audio_copy("mp3", name="art.mp3"), images), app="apple")
    assert "artwork" in codes(found) and "1 (4000×100)" in found.findings[0].message
    assert "2 (transparent PNG)" in found.findings[0].message
    fine = [Chapter(0, "A", image_data=ok, image_mime="image/png"), *THREE[1:]]
    assert report(tag(audio_copy("mp3", name="fine.mp3"), fine), app="apple").verdict == "ok"


def _png(width: int, height: int, *, alpha: bool) -> bytes:
    import struct
    import zlib

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (struct.pack(">I", len(body)) + kind + body
                + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF))

    color = 6 if alpha else 2
    row = b"\x00" + bytes((4 if alpha else 3) * width)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, color,
                                                                0, 0, 0))
            + chunk(b"IDAT", zlib.compress(row * height)) + chunk(b"IEND", b""))


def test_wav_chapters_only_in_ffmpeg_players(audio_copy):
    wav = tag(audio_copy("wav"))
    assert report(wav, app="ffmpeg").verdict == "ok"
    assert len(report(wav, app="ffmpeg").chapters) == 3
    for app in ("apple", "overcast", "castro"):
        assert "format" in codes(report(wav, app=app))

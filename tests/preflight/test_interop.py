"""What real readers do with our files, as regression tests with the bundled ffmpeg."""

from __future__ import annotations

from mutagen.mp4 import MP4

from podcast_tool import containers
from podcast_tool.model import Chapter, Episode, Severity
from tests.conftest import decoded_md5, ffmpeg_chapters
from tests.preflight.helpers import report
from tests.preflight.test_rules import _png

LONG_TITLE = "Table ronde : " + "é" * 60  # 134 bytes: a 135-byte TIT2 body
SHORT_TITLE = "é" * 62  # 124 bytes: a 125-byte body, read the same both ways


def _chapters() -> list[Chapter]:
    return [Chapter(0, "Accueil"), Chapter(2000, SHORT_TITLE), Chapter(4000, LONG_TITLE),
            Chapter(6000, "Débat", description="d" * 130),
            Chapter(8000, "Image", image_data=_png(400, 400, alpha=False), image_mime="image/png"),
            Chapter(10000, "Fin")]


def test_id3v24_sub_frames_of_128_bytes_vanish_in_ffmpeg_and_we_say_which(audio_copy):
    v4 = audio_copy("mp3", name="v4.mp3")
    written = containers.write_chapters(v4, Episode(_chapters()), containers.WriteOptions(
        id3v2_version=4))
    warned = [d for d in written.diagnostics if d.code == "id3v24-ffmpeg-lost"]
    assert all(d.severity is Severity.WARNING and "MISSING" in d.message for d in warned)
    assert [d.message.split("(")[0] for d in warned] == [
        "ID3v2.4: chapter 3 ", "ID3v2.4: chapter 4 ", "ID3v2.4: chapter 5 "]
    theirs = [c.get("title") for c in ffmpeg_chapters(v4)]
    assert theirs == ["Accueil", SHORT_TITLE, "Fin"]  # the three at risk are gone
    # The preflight shows ffmpeg-based players exactly what ffmpeg lists.
    assert [c.title for c in report(v4, app="ffmpeg").chapters] == theirs

    v3 = audio_copy("mp3", name="v3.mp3")
    written = containers.write_chapters(v3, Episode(_chapters()))
    assert not [d for d in written.diagnostics if d.code == "id3v24-ffmpeg-lost"]
    assert [c.get("title") for c in ffmpeg_chapters(v3)] == [c.title for c in _chapters()]
    assert report(v3, app="ffmpeg").verdict == "ok"


def test_more_than_100_vorbis_chapters_warn(audio_copy):
    opus = audio_copy("opus")
    many = [Chapter(index * 100, f"c{index}") for index in range(101)]
    written = containers.write_chapters(opus, Episode(many))
    assert "vorbis-antennapod-ids" in [d.code for d in written.diagnostics]
    assert len(ffmpeg_chapters(opus)) == 101  # ffmpeg reads three digits
    written = containers.write_chapters(opus, Episode(many[:100]))
    assert "vorbis-antennapod-ids" not in [d.code for d in written.diagnostics]


def test_mp4_pauses_and_opening_are_titled_chapters_in_ffmpeg(audio_copy):
    m4a = audio_copy("m4a", seconds=90)
    pcm = decoded_md5(m4a)
    chapters = [Chapter(5000, "Accueil", end_ms=20000), Chapter(60000, "Débat")]
    written = containers.write_chapters(m4a, Episode(chapters, title="Webinaire"),
                                        containers.WriteOptions(gap_title="Pause café"))
    assert {"mp4-preroll-titled", "mp4-gap-titled"} <= {d.code for d in written.diagnostics}
    theirs = [(round(c["start_ms"] / 1000), c["title"]) for c in ffmpeg_chapters(m4a)]
    assert theirs == [(0, "Webinaire"), (5, "Accueil"), (20, "Pause café"), (60, "Débat")]
    # chpl keeps the chapters alone; our reader gives them back with the pause as an end.
    assert [(round(c.start), c.title) for c in MP4(m4a).chapters] == [(5, "Accueil"),
                                                                        (60, "Débat")]
    ours = containers.read_chapters(m4a).chapters
    assert [(c.start_ms, c.end_ms, c.title) for c in ours] == [
        (5000, 20000, "Accueil"), (60000, ours[1].end_ms, "Débat")]
    assert decoded_md5(m4a) == pcm

    containers.write_chapters(m4a, Episode(chapters), containers.WriteOptions(gap_title=""))
    assert [c["title"] for c in ffmpeg_chapters(m4a)] == ["episode", "Accueil", "Débat"]

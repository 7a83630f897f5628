"""Reading files other programs wrote: each format's tolerated variants, and its exact limits."""

from __future__ import annotations

from pathlib import Path

import pytest

from podcast_tool.errors import ChapterFormatError
from podcast_tool.formats import ExportOptions, get_format, guess_format
from podcast_tool.model import Chapter, Episode
from podcast_tool.pipeline import decode_text


def load(format_name: str, text: str) -> Episode:
    return get_format(format_name).load(decode_text(text.encode("utf-8"))[0], Path("in"))[0]


def starts_titles(episode: Episode) -> list[tuple[int, str]]:
    return [(c.start_ms, c.title) for c in episode.chapters]


# --- JSON -------------------------------------------------------------------------------------

def test_json_sorts_chapters_and_reads_every_field() -> None:
    episode = load("json", """{"version": "1.2.0", "title": "Ép", "chapters": [
        {"startTime": 62.5, "title": "B", "endTime": null, "toc": false},
        {"startTime": 0, "title": "A", "img": "https://x/a.jpg", "url": "https://x/", "endTime": 62.5}
    ]}""")
    assert episode.title == "Ép"
    first, second = episode.chapters
    assert (first.start_ms, first.end_ms, first.image, first.url, first.toc) == (
        0, 62500, "https://x/a.jpg", "https://x/", True)
    assert (second.start_ms, second.end_ms, second.toc) == (62500, None, False)


def test_json_warns_about_fields_of_the_wrong_type() -> None:
    episode, diagnostics = get_format("json").load(
        '{"chapters": [{"startTime": 1, "url": 5, "img": ["a"]}]}')
    assert episode.chapters[0].url is None and episode.chapters[0].image is None
    assert [d.code for d in diagnostics] == ["json-field-type", "json-field-type"]


def test_json_export_writes_end_times_only_where_written() -> None:
    episode = Episode([Chapter(0, "A"), Chapter(10_000, "B", end_ms=20_000), Chapter(30_000, "C")],
                      duration_ms=40_000)
    text, _ = get_format("json").dump(episode, ExportOptions())
    assert text.count("endTime") == 1 and '"endTime": 20' in text


def test_json_add_zero_chapter_is_the_only_invented_chapter() -> None:
    episode = Episode([Chapter(20_000, "A")])
    plain, _ = get_format("json").dump(episode, ExportOptions())
    added, _ = get_format("json").dump(episode, ExportOptions(add_zero_chapter=True,
                                                              zero_chapter_title="Générique"))
    assert plain.count("startTime") == 1
    assert [c.title for c in load("json", added).chapters] == ["Générique", "A"]


# --- Podlove ------------------------------------------------------------------------------------

@pytest.mark.parametrize(("npt", "ms"), [("01:35:52.250", 5_752_250), ("7:48", 468_000), ("37", 37_000),
                                          ("37.5", 37_500), ("1:02:03", 3_723_000), ("3600", 3_600_000),
                                          ("00:00:00.0005", 1)])
def test_podlove_reads_every_normal_play_time_form(npt: str, ms: int) -> None:
    episode = load("psc", f'<psc:chapters version="1.2" xmlns:psc="http://podlove.org/simple-chapters">'
                          f'<psc:chapter start="{npt}" title="x"/></psc:chapters>')
    assert episode.chapters[0].start_ms == ms


def test_podlove_reads_the_chapters_inside_a_feed_item() -> None:
    feed = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:psc="http://podlove.org/simple-chapters" xmlns:atom="http://www.w3.org/2005/Atom">
  <channel><title>Podcast</title><item><title>Épisode 1</title>
    <psc:chapters version="1.2">
      <psc:chapter start="00:01:00" title="Deux" href="https://x/2"/>
      <psc:chapter start="0" title="Un &amp; &#233;" image="https://x/1.jpg"/>
    </psc:chapters>
  </item></channel>
</rss>"""
    episode = load("psc", feed)
    assert starts_titles(episode) == [(0, "Un & é"), (60_000, "Deux")]
    assert episode.chapters[0].image == "https://x/1.jpg" and episode.chapters[1].url == "https://x/2"
    assert episode.chapters[0].line == 6


def test_podlove_snippet_is_the_bare_element_and_reads_back() -> None:
    episode = Episode([Chapter(20_000, "A\tB\nC \"d\" <e>", url="https://x/?a=1&b=2")])
    snippet, _ = get_format("psc").dump(episode, ExportOptions(snippet=True))
    assert snippet.startswith('<psc:chapters version="1.2" xmlns:psc="http://podlove.org/simple-chapters">')
    assert "<?xml" not in snippet and "&#9;" in snippet and "&#10;" in snippet
    chapter = load("psc", snippet).chapters[0]
    assert (chapter.title, chapter.url) == ("A\tB\nC \"d\" <e>", "https://x/?a=1&b=2")


# --- WebVTT -----------------------------------------------------------------------------------

def test_webvtt_tolerates_identifiers_notes_styles_settings_and_markup() -> None:
    text = ("\ufeffWEBVTT - chapitres\r\nKind: chapters\r\n\r\n"
            "NOTE écrit à la main\r\nsur deux lignes\r\n\r\n"
            "STYLE\r\n::cue { color: red }\r\n\r\n"
            "intro\r\n00:00.000 --> 00:20.000 align:start\r\n<b>Intro</b> &amp; &lt;bienvenue&gt;\r\n\r\n"
            "00:00:20.000 --> 01:00:00.500\r\nPartie\r\nsur deux lignes\r\n")
    episode = load("vtt", text)
    assert starts_titles(episode) == [(0, "Intro & <bienvenue>"), (20_000, "Partie\nsur deux lignes")]
    assert [c.end_ms for c in episode.chapters] == [None, 3_600_500]  # 20.000 is the next start
    assert episode.chapters[1].line == 14


def test_webvtt_needs_an_end_for_the_last_chapter() -> None:
    episode = Episode([Chapter(0, "A"), Chapter(10_000, "B")])
    with pytest.raises(ChapterFormatError, match="needs an end") as caught:
        get_format("vtt").dump(episode, ExportOptions())
    assert "--audio" in (caught.value.hint or "")
    episode.duration_ms = 65_000  # the recording's, as --audio gives it
    text, _ = get_format("vtt").dump(episode, ExportOptions())
    assert text.endswith("00:00:10.000 --> 00:01:05.000\nB\n")


# --- CUE --------------------------------------------------------------------------------------

FOOBAR_CUE = """REM GENRE Podcast
REM DATE 2020
PERFORMER "FAS Bretagne"
TITLE "Webinaire"
FILE "replay.flac" WAVE
  TRACK 01 AUDIO
    TITLE "Accueil"
    PERFORMER "Daniel"
    INDEX 01 00:00:00
  TRACK 02 AUDIO
    TITLE "Questions"
    INDEX 00 136:03:00
    INDEX 01 136:05:74
"""


def test_cue_reads_a_cue_sheet_written_elsewhere() -> None:
    episode = load("cue", FOOBAR_CUE)
    assert episode.title == "Webinaire"
    # 136 min 5 s and 74 frames: 74/75 s = 986.67 ms, rounded to 987.
    assert starts_titles(episode) == [(0, "Accueil"), (8_165_987, "Questions")]


@pytest.mark.parametrize(("audio", "file_type"), [("a.mp3", "MP3"), ("a.WAV", "WAVE"), ("a.aiff", "AIFF"),
                                                   ("a.m4a", "WAVE"), ("a.flac", "WAVE")])
def test_cue_file_type_follows_the_audio(audio: str, file_type: str) -> None:
    text, _ = get_format("cue").dump(Episode([Chapter(0, "A")]), ExportOptions(audio_name=audio))
    assert f'FILE "{audio}" {file_type}\n' in text


def test_cue_replaces_straight_quotes_and_says_so() -> None:
    text, diagnostics = get_format("cue").dump(Episode([Chapter(0, 'Le "Groupe projet"')]),
                                               ExportOptions(audio_name="a.mp3"))
    assert 'TITLE "Le “Groupe projet”"' in text
    assert [d.code for d in diagnostics] == ["cue-quotes"]


def test_cue_rounds_to_frames_and_refuses_two_chapters_on_one_frame() -> None:
    text, _ = get_format("cue").dump(Episode([Chapter(0, "A"), Chapter(1_007, "B")]),
                                     ExportOptions(audio_name="a.mp3"))
    assert "INDEX 01 00:01:01" in text  # 1.007 s = 75.5 frames, rounded up
    with pytest.raises(ChapterFormatError, match="same time"):
        get_format("cue").dump(Episode([Chapter(0, "A"), Chapter(5, "B")]), ExportOptions())


def test_cue_holds_99_tracks_and_no_more() -> None:
    chapters = [Chapter(index * 10_000, f"C{index}") for index in range(100)]
    get_format("cue").dump(Episode(chapters[:99]), ExportOptions(audio_name="a.mp3"))
    with pytest.raises(ChapterFormatError, match="at most 99 tracks"):
        get_format("cue").dump(Episode(chapters), ExportOptions(audio_name="a.mp3"))


def test_cue_names_a_guessed_file_and_warns_about_audio_before_the_first_track() -> None:
    text, diagnostics = get_format("cue").dump(
        Episode([Chapter(20_000, "A")], source=Path("notes/webinaire.md")), ExportOptions())
    assert 'FILE "webinaire.mp3" MP3' in text
    assert [d.code for d in diagnostics] == ["cue-file-guessed", "cue-first-not-zero"]


# --- FFmetadata -------------------------------------------------------------------------------

def test_ffmetadata_honours_any_timebase_and_unescapes() -> None:
    text = (";FFMETADATA1\ntitle=Épisode \\= 1\nartist=FAS\n; a comment\n# another\n\n"
            "[CHAPTER]\nTIMEBASE=1/44100\nSTART=0\nEND=441000\n"
            "title=Un \\; deux \\# trois \\\\ quatre\\\nfin\n"
            "[CHAPTER]\nTIMEBASE=1/1000\nSTART=10000\nEND=20000\ntitle=B\n"
            "[STREAM]\ntitle=not a chapter\n")
    episode = load("ffmetadata", text)
    assert episode.title == "Épisode = 1"
    assert starts_titles(episode) == [(0, "Un ; deux # trois \\ quatre\nfin"), (10_000, "B")]
    assert [c.end_ms for c in episode.chapters] == [None, 20_000]
    assert episode.chapters[1].line == 13


def test_ffmetadata_without_timebase_is_read_in_nanoseconds_as_ffmpeg_does() -> None:
    episode, diagnostics = get_format("ffmetadata").load(
        ";FFMETADATA1\n[CHAPTER]\nSTART=20000000000\nEND=30000000000\ntitle=A\n")
    assert (episode.chapters[0].start_ms, episode.chapters[0].end_ms) == (20_000, 30_000)
    assert [d.code for d in diagnostics] == ["ffmetadata-timebase"]


def test_ffmetadata_escapes_what_ffmpeg_escapes() -> None:
    text, _ = get_format("ffmetadata").dump(Episode([Chapter(0, "a=b;c#d\\e\nf", end_ms=1000)]),
                                            ExportOptions())
    assert "title=a\\=b\\;c\\#d\\\\e\\\nf\n" in text


# --- Audacity ---------------------------------------------------------------------------------

def test_audacity_skips_frequency_lines_and_reads_point_labels() -> None:
    text = ("1.000000\t1.000000\tPoint à 6928 Hz\n\\\t6928.456055\t6928.456055\n"
            "2,500000\t7,250000\tRégion\n\\\t100.000000\t2000.000000\n"
            "10.000000\t10.000000\t\n12.5\tsans fin\n")
    episode = load("audacity", text)
    assert [(c.start_ms, c.end_ms, c.title) for c in episode.chapters] == [
        (1_000, None, "Point à 6928 Hz"), (2_500, 7_250, "Région"), (10_000, None, ""),
        (12_500, None, "sans fin")]


def test_audacity_writes_six_decimals_and_region_labels_only_for_written_ends() -> None:
    text, _ = get_format("audacity").dump(
        Episode([Chapter(1_234, "A"), Chapter(5_000, "B", end_ms=61_001)]), ExportOptions())
    assert text == "1.234000\t1.234000\tA\n5.000000\t61.001000\tB\n"


# --- mp4chaps and chapters.txt ----------------------------------------------------------------

def test_mp4chaps_numbers_past_99_with_three_digits() -> None:
    chapters = [Chapter(index * 1_000, f"C{index}") for index in range(100)]
    text, _ = get_format("mp4chaps").dump(Episode(chapters), ExportOptions())
    assert text.startswith("CHAPTER001=00:00:00.000\nCHAPTER001NAME=C0\n")
    assert "CHAPTER100=00:01:39.000\nCHAPTER100NAME=C99\n" in text
    assert [c.title for c in load("mp4chaps", text).chapters] == [f"C{i}" for i in range(100)]


def test_mp4chaps_reads_names_given_before_times_and_titles_with_equals() -> None:
    episode = load("mp4chaps", "CHAPTER02NAME=B = b\nCHAPTER01=00:00:00.000\nchapter02=00:01:02\n"
                               "CHAPTER01NAME=A\n")
    assert starts_titles(episode) == [(0, "A"), (62_000, "B = b")]


def test_chapters_txt_reads_times_with_or_without_milliseconds() -> None:
    episode = load("chapters-txt", "00:00:00.000 Intro\n  00:01:02 Suite avec  deux espaces\n"
                                   "1:02:03.5\n")
    assert starts_titles(episode) == [(0, "Intro"), (62_000, "Suite avec  deux espaces"),
                                      (3_723_500, "")]


# --- YouTube ----------------------------------------------------------------------------------

DESCRIPTION = """Replay du webinaire du 18 décembre 2020.
Inscrivez-vous à la newsletter : https://example.org

Chapitres :
0:00 Accueil
- 07:00 - Introduction du sujet
[14:20] Tableau ronde 1
1:03:37 | Anne Postic
Merci à 12h30 pour la pause.
"""


def test_youtube_takes_timestamp_lines_and_ignores_the_description() -> None:
    episode = load("youtube", DESCRIPTION)
    assert starts_titles(episode) == [(0, "Accueil"), (420_000, "Introduction du sujet"),
                                      (860_000, "Tableau ronde 1"), (3_817_000, "Anne Postic")]
    assert episode.chapters[0].line == 5


def test_youtube_rules_are_checked_on_export() -> None:
    youtube = get_format("youtube")
    _, diagnostics = youtube.dump(Episode([Chapter(5_000, "A"), Chapter(9_000, "B")],
                                          duration_ms=60_000), ExportOptions())
    assert [d.code for d in diagnostics] == ["youtube-first-not-zero", "youtube-too-few",
                                             "youtube-too-short"]
    three = Episode([Chapter(5_000, "A"), Chapter(20_000, "B"), Chapter(40_000, "C")],
                    duration_ms=60_000)
    text, diagnostics = youtube.dump(three, ExportOptions(add_zero_chapter=True))
    assert text.startswith("00:00 Introduction\n00:05 A\n")
    assert [d.code for d in diagnostics] == ["youtube-too-short"]  # 0:00 → 0:05 is 5 s
    assert "Introduction" in diagnostics[0].message


def test_youtube_rounds_down_to_the_second_and_refuses_collisions() -> None:
    text, _ = get_format("youtube").dump(Episode([Chapter(0, "A"), Chapter(3_723_999, "B")]),
                                         ExportOptions())
    assert text == "00:00 A\n1:02:03 B\n"
    with pytest.raises(ChapterFormatError, match="same time"):
        get_format("youtube").dump(Episode([Chapter(1_100, "A"), Chapter(1_900, "B")]), ExportOptions())


# --- Detection --------------------------------------------------------------------------------

@pytest.mark.parametrize(("name", "format_name"), [("a.vtt", "vtt"), ("a.cue", "cue"), ("a.psc", "psc"),
                                                    ("a.ffmeta", "ffmetadata"), ("a.json", "json")])
def test_an_extension_one_format_alone_uses_decides_when_content_does_not(name: str,
                                                                          format_name: str) -> None:
    assert guess_format("", Path(name)).name == format_name

"""Malformed files give ChapterFormatError with line (and column); unholdable titles are refused."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from podcast_tool.errors import ChapterFormatError
from podcast_tool.formats import ExportOptions, get_format
from podcast_tool.model import Chapter, Episode

SOURCE = Path("chapitres.txt")


def load_error(format_name: str, text: str) -> ChapterFormatError:
    with pytest.raises(ChapterFormatError) as caught:
        get_format(format_name).load(text, SOURCE)
    assert caught.value.path == str(SOURCE)
    return caught.value


@pytest.mark.parametrize(("format_name", "text", "line", "column"), [
    ("json", '{"chapters": [\n  {"startTime": 1,}\n]}', 2, 19),
    ("json", '{"chapters": [{"startTime": 1}]', 1, 32),
    ("psc", '<psc:chapters xmlns:psc="http://podlove.org/simple-chapters">\n'
            '  <psc:chapter start="1" title="a" title="b"/>\n</psc:chapters>', 2, 36),
    ("psc", '<psc:chapters xmlns:psc="http://podlove.org/simple-chapters">\n'
            '  <psc:chapter start="1" title="a & b"/>\n</psc:chapters>', 2, 36),
    ("psc", '<psc:chapters xmlns:psc="http://podlove.org/simple-chapters">\n'
            '  <psc:chapter start="1"/>\n', 3, 1),
    ("psc", '<psc:chapters xmlns:psc="http://podlove.org/simple-chapters">\n'
            '  <psc:chapter start="soon" title="x"/>\n</psc:chapters>', 2, 3),
    ("psc", '<psc:chapters xmlns:psc="http://podlove.org/simple-chapters">\n\n'
            '  <psc:chapter title="x"/>\n</psc:chapters>', 3, 3),
    ("audacity", "1.0\t2.0\tA\nabc\t3.0\tB\n", 2, 1),
    ("audacity", "1.0\t2.0\tA\n3.0\tlater\tB\n", 2, 5),
    ("mp4chaps", "CHAPTER01=00:00:00.000\nCHAPTER02=soon\n", 2, 11),
    ("mp4chaps", "CHAPTER01=00:00:00.000\nCHAP02=00:01:00.000\n", 2, 1),
    ("chapters-txt", "00:00:00.000 A\n00:61:00.000 B\n", 2, 1),
])
def test_malformed_files_name_line_and_column(format_name: str, text: str, line: int, column: int) -> None:
    error = load_error(format_name, text)
    assert (error.line, error.column) == (line, column), error.message


@pytest.mark.parametrize(("format_name", "text", "line", "message"), [
    ("json", "[1, 2]", None, 'no "chapters" array'),
    ("json", '{"chapters": [{"title": "A"}]}', None, "chapters\\[0\\] has no startTime"),
    ("json", '{"chapters": [{"startTime": -1}]}', None, "must not be negative"),
    ("json", '{"chapters": [{"startTime": NaN}]}', None, "must be a number"),
    ("json", '{"chapters": [{"startTime": "0:20"}]}', None, "must be a number"),
    ("json", "[" * 100_000, None, "invalid JSON"),
    ("psc", "<rss><channel/></rss>", None, "no <psc:chapters>"),
    ("vtt", "00:00:00.000 --> 00:00:01.000\nA\n", 1, "first line must be WEBVTT"),
    ("vtt", "WEBVTT\n\n00:00:00.000 --> 00:00:01\nA\n", 3, "malformed cue timing"),
    ("cue", 'FILE "a.mp3" MP3\n  TRACK 01 AUDIO\n    TITLE "A"\n', 2, "no INDEX 01"),
    ("cue", 'FILE "a.mp3" MP3\n  TRACK 01 AUDIO\n    INDEX 01 00:61:00\n', 3, "INDEX needs"),
    ("cue", 'FILE "a.mp3" MP3\n  TRACK 01 AUDIO\n    INDEX 01 00:01:75\n', 3, "past 74"),
    ("cue", 'FILE "a.mp3" MP3\n  TRACK 01 AUDIO\n    TITLE "A\n', 3, "unclosed quote"),
    ("cue", 'FILE "a.mp3" MP3\n    INDEX 01 00:00:00\n', 2, "INDEX before any TRACK"),
    ("cue", 'FILE "a.mp3" MP3\n  TRACK AUDIO\n', 2, "TRACK needs"),
    ("cue", 'FILE "a.mp3" MP3\n  TRACK 01 AUDIO\n  %%%\n', 3, "not a CUE command"),
    ("ffmetadata", "[CHAPTER]\nSTART=0\n", 1, "first line must be ;FFMETADATA1"),
    ("ffmetadata", ";FFMETADATA1\n[CHAPTER]\nTIMEBASE=1/0\nSTART=0\n", 2, "TIMEBASE"),
    ("ffmetadata", ";FFMETADATA1\n[CHAPTER]\nTIMEBASE=1/1000\nEND=5\n", 2, "no START"),
    ("ffmetadata", ";FFMETADATA1\n\n[CHAPTER]\nSTART=1.5\n", 3, "not a whole number"),
    ("ffmetadata", ";FFMETADATA1\n[CHAPTER]\nSTART=0\njust text\n", 4, "expected key=value"),
    ("mp4chaps", "CHAPTER01NAME=A\n", None, "without CHAPTER01="),
    ("mp4chaps", "CHAPTER01=00:00:00.000\nCHAPTER01=00:00:01.000\n", 2, "given twice"),
    ("youtube", "Pas de chapitres ici.\n", None, "no line starting with a timestamp"),
])
def test_malformed_files_are_explained(format_name: str, text: str, line: int | None, message: str) -> None:
    error = load_error(format_name, text)
    assert error.line == line
    assert error.message and __import__("re").search(message, error.message), error.message


# --- XML safety -------------------------------------------------------------------------------

BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<psc:chapters xmlns:psc="http://podlove.org/simple-chapters">
  <psc:chapter start="0" title="&lol9;"/>
</psc:chapters>
"""
EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE psc:chapters [ <!ENTITY secret SYSTEM "file:///etc/passwd"> ]>
<psc:chapters xmlns:psc="http://podlove.org/simple-chapters">
  <psc:chapter start="0" title="&secret;"/>
</psc:chapters>
"""
EXTERNAL_DTD = """<?xml version="1.0"?>
<!DOCTYPE psc:chapters SYSTEM "http://example.invalid/evil.dtd">
<psc:chapters xmlns:psc="http://podlove.org/simple-chapters"><psc:chapter start="0" title="x"/></psc:chapters>
"""


@pytest.mark.parametrize("text", [BILLION_LAUGHS, EXTERNAL_ENTITY, EXTERNAL_DTD],
                         ids=["billion-laughs", "external-entity", "external-dtd"])
def test_xml_with_a_doctype_is_refused_before_any_entity_is_read(text: str) -> None:
    began = time.monotonic()
    error = load_error("psc", text)
    assert "DOCTYPE" in error.message and error.line == 2
    assert time.monotonic() - began < 1  # refused at the declaration, nothing expanded


def test_an_undeclared_entity_is_malformed_xml() -> None:
    error = load_error("psc", '<psc:chapters xmlns:psc="http://podlove.org/simple-chapters">'
                              '<psc:chapter start="0" title="&nbsp;"/></psc:chapters>')
    assert "undefined entity" in error.message


def test_two_chapter_lists_are_refused() -> None:
    one = '<psc:chapters xmlns:psc="http://podlove.org/simple-chapters"><psc:chapter start="0" title="a"/>' \
          '</psc:chapters>'
    error = load_error("psc", f"<rss><item>{one}</item>\n<item>{one}</item></rss>")
    assert "more than one" in error.message and error.line == 2


# --- Titles a format cannot hold --------------------------------------------------------------

@pytest.mark.parametrize(("format_name", "title", "what"), [
    ("cue", "deux\nlignes", "line break"),
    ("cue", "avec\ttab", "tab"),
    ("audacity", "avec\ttab", "tab"),
    ("audacity", "deux\nlignes", "line break"),
    ("mp4chaps", "deux\nlignes", "line break"),
    ("chapters-txt", "deux\nlignes", "line break"),
    ("youtube", "deux\nlignes", "line break"),
    ("ffmetadata", "retour\rchariot", "carriage return"),
    ("vtt", "un\n\ndeux", "blank line"),
    ("vtt", "a --> b", "-->"),
    ("youtube", "- tiret", "separator"),
    ("psc", "nul\x00", "U\\+0000"),
    ("psc", "\ufffe", "U\\+FFFE"),
])
def test_titles_a_format_cannot_hold_are_refused_clearly(format_name: str, title: str, what: str) -> None:
    episode = Episode([Chapter(0, "Avant"), Chapter(20_000, title, line=7)], source=Path("plan.md"),
                      duration_ms=60_000)
    with pytest.raises(ChapterFormatError, match=what) as caught:
        get_format(format_name).dump(episode, ExportOptions(audio_name="a.mp3"))
    assert (caught.value.path, caught.value.line) == ("plan.md", 7)


@pytest.mark.parametrize("format_name", ["vtt", "cue", "ffmetadata", "audacity", "mp4chaps",
                                         "chapters-txt", "youtube"])
@pytest.mark.parametrize("character", ["\x00", "\x1b", "\x7f", "\x85"])
def test_control_characters_are_refused_by_line_formats(format_name: str, character: str) -> None:
    with pytest.raises(ChapterFormatError, match="cannot hold"):
        get_format(format_name).dump(Episode([Chapter(0, f"a{character}b")], duration_ms=60_000),
                                     ExportOptions(audio_name="a.mp3"))


def test_json_keeps_control_characters_escaped() -> None:
    text, _ = get_format("json").dump(Episode([Chapter(0, "a\x00\x1b\tb")]), ExportOptions())
    assert "\\u0000" in text
    assert get_format("json").load(text)[0].chapters[0].title == "a\x00\x1b\tb"

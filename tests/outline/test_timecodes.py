"""Time notations: every written form parses to the right milliseconds, and writes back alike."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from podcast_tool.outline.timecodes import (
    TimeValueError,
    format_clock,
    format_duration,
    format_fr,
    format_hms_ms,
    format_time,
    match_time,
    render_like,
)

H = 3_600_000
M = 60_000
S = 1_000


def parse_time(text: str) -> int:
    """The milliseconds of ``text`` when it is one whole time, as an outline line starts."""
    token = match_time(text)
    if token is None or token.end != len(text):
        raise ValueError(f"not a time: {text!r}")
    return token.ms

NOTATIONS = [
    # French broadcast notation, with every quote mark users type.
    ("0'20", 20 * S, "fr"),
    ("7'00", 7 * M, "fr"),
    ("58'35", 58 * M + 35 * S, "fr"),
    ("1'03''37", H + 3 * M + 37 * S, "fr"),
    ("2’28’’25", 2 * H + 28 * M + 25 * S, "fr"),
    ("1′03″37", H + 3 * M + 37 * S, "fr"),
    ("1′03′′37", H + 3 * M + 37 * S, "fr"),
    ('1\'03"37', H + 3 * M + 37 * S, "fr"),
    ("0'20\"", 20 * S, "fr"),
    ("7'20''", 7 * M + 20 * S, "fr"),
    ("0'20,5", 20 * S + 500, "fr"),
    ("1'03''37,25", H + 3 * M + 37 * S + 250, "fr"),
    # Clock notation.
    ("0:20", 20 * S, "clock"),
    ("07:00", 7 * M, "clock"),
    ("1:03:37", H + 3 * M + 37 * S, "clock"),
    ("01:03:37.500", H + 3 * M + 37 * S + 500, "clock"),
    ("1:03:37,5", H + 3 * M + 37 * S + 500, "clock"),
    ("75:30", 75 * M + 30 * S, "clock"),
    # Units.
    ("20s", 20 * S, "units"),
    ("20 s", 20 * S, "units"),
    ("20 sec", 20 * S, "units"),
    ("20,5 s", 20 * S + 500, "units"),
    ("7 min", 7 * M, "units"),
    ("7 min 10", 7 * M + 10 * S, "units"),
    ("7min10s", 7 * M + 10 * S, "units"),
    ("7 mn 10 s", 7 * M + 10 * S, "units"),
    ("1h", H, "units"),
    ("1h03", H + 3 * M, "units"),
    ("1 h 03 min 37 s", H + 3 * M + 37 * S, "units"),
    ("1h03m37s", H + 3 * M + 37 * S, "units"),
    ("1h03min37", H + 3 * M + 37 * S, "units"),
    # Hours marked one way, seconds another.
    ("1h03'37", H + 3 * M + 37 * S, "fr"),
    ("1h03''37", H + 3 * M + 37 * S, "fr"),
    ("1:03'37", H + 3 * M + 37 * S, "fr"),
    ("1h03:37", H + 3 * M + 37 * S, "fr"),
    # One field with its quote mark.
    ("7'", 7 * M, "fr"),
    ("20''", 20 * S, "fr"),
    ('20"', 20 * S, "fr"),
    # Minutes written mn, units spelt out.
    ("1h03mn", H + 3 * M, "units"),
    ("1h10mn", H + 10 * M, "units"),
    ("1h15mn30", H + 15 * M + 30 * S, "units"),
    ("7mn30", 7 * M + 30 * S, "units"),
    ("0mn", 0, "units"),
    ("00h20", 20 * M, "units"),
    ("1 h 10 mn", H + 10 * M, "units"),
    ("1 heure 03", H + 3 * M, "units"),
    ("2 heures 15 minutes", 2 * H + 15 * M, "units"),
    ("7 minutes", 7 * M, "units"),
    ("20 secondes", 20 * S, "units"),
    ("1 heure", H, "units"),
    # The minute in words.
    ("min 7", 7 * M, "units"),
    ("minute 7", 7 * M, "units"),
    ("à la minute 15", 15 * M, "units"),
    ("7e minute", 7 * M, "units"),
    ("7ème minute", 7 * M, "units"),
    # Every kind of space between a number and its unit.
    ("7\u00a0min", 7 * M, "units"),
    ("7\u202fmin", 7 * M, "units"),
    ("7\u2009min", 7 * M, "units"),
    ("1\u2007h\u200a03", H + 3 * M, "units"),
]


def test_spelt_out_units_are_marked() -> None:
    assert match_time("7 minutes").spelt_out and match_time("1 heure").spelt_out
    assert not match_time("7 minutes 30").spelt_out and not match_time("1 heure 03").spelt_out
    assert not match_time("7 min").spelt_out


@pytest.mark.parametrize(("text", "ms", "notation"), NOTATIONS)
def test_every_notation_parses(text: str, ms: int, notation: str) -> None:
    assert parse_time(text) == ms
    token = match_time(text + " Titre")
    assert token is not None
    assert (token.ms, token.notation, token.text) == (ms, notation, text)


def test_bare_numbers_are_not_times() -> None:
    assert match_time("37 personnes") is None


@pytest.mark.parametrize("text", [
    "", "abc", "1.", "d'accueil", "l'an 2000", "0'5",
    "1'03''37x", "0:20:", "-0:20", "0:20 0:30", "1.5.3", "12h30x",
])
def test_junk_is_refused(text: str) -> None:
    with pytest.raises(ValueError):
        parse_time(text)


@pytest.mark.parametrize(("text", "unit"), [
    ("7'75", "seconds"), ("0:61", "seconds"), ("1:60:00", "minutes"), ("1'03''60", "seconds"),
    ("1h75", "minutes"), ("7 min 75 s", "seconds"),
])
def test_impossible_values_are_named(text: str, unit: str) -> None:
    with pytest.raises(TimeValueError, match=unit):
        match_time(text)


def test_words_and_apostrophes_are_not_times() -> None:
    for text in ("d'accueil", "l'association", "c'est", "2020 :", "1. l'inv"):
        assert match_time(text) is None, text


def test_two_fields_are_ambiguous_unless_seconds_are_marked() -> None:
    ambiguous = match_time("1'30")
    assert ambiguous is not None and ambiguous.ambiguous
    assert ambiguous.ms == 90 * S
    assert ambiguous.as_hours_minutes() == H + 30 * M
    for explicit in ("1'30''", "1:30:00", "1'30''00", "1:30.5", "90 s"):
        token = match_time(explicit)
        assert token is not None and not token.ambiguous, explicit


@pytest.mark.parametrize(("written", "ms", "expected"), [
    ("0'20", 20 * S, "0'20"),
    ("0'20", 3_817_000, "1'03''37"),
    ("2’28’’25", 20 * S, "0’00’’20"),
    ("2’28’’25", 8_905_250, "2’28’’25,25"),
    ("0′20″", 3_817_000, "1′03″37"),
    ("07:00", 20 * S, "00:20"),
    ("07:00", 3_817_000, "01:03:37"),
    ("0:20", 3_817_500, "1:03:37,5"),
    ("01:03:37.500", 20 * S, "00:00:20.000"),
    ("1:03:37,5", 20 * S, "0:00:20"),
    ("20 s", 7 * M + 10 * S, "7 min 10 s"),
    ("7 min 10", 7 * M + 5 * S, "7 min 05"),
    ("1h03", 2 * H + 5 * M, "2h05"),
    ("1h03m37s", 20 * S, "20s"),
    ("1 h 03 min 37 s", H + 500, "1 h 00 min 00,5 s"),
    ("7\u00a0min", 20 * S, "20\u00a0s"),
])
def test_render_like_keeps_the_written_style(written: str, ms: int, expected: str) -> None:
    token = match_time(written)
    assert token is not None
    assert render_like(token, ms) == expected
    assert parse_time(expected) == ms


@settings(max_examples=300, deadline=None)
@given(written=st.sampled_from([text for text, _, _ in NOTATIONS]),
       ms=st.integers(min_value=0, max_value=99 * H))
def test_render_like_always_parses_back(written: str, ms: int) -> None:
    token = match_time(written)
    assert token is not None
    rendered = render_like(token, ms)
    again = match_time(rendered)
    assert again is not None and again.notation == token.notation
    assert parse_time(rendered) == ms


def test_format_functions_are_unchanged() -> None:
    assert format_clock(7 * M) == "7:00"
    assert format_clock(H + 3 * M + 37 * S) == "1:03:37"
    assert format_clock(H + 3 * M + 37 * S + 500) == "1:03:37.500"
    assert format_clock(20 * S, always_hours=True, millis=True) == "0:00:20.000"
    assert format_hms_ms(20 * S) == "00:00:20.000"
    assert format_fr(20 * S) == "0'20"
    assert format_fr(H + 3 * M + 37 * S) == "1'03''37"
    assert format_fr(20 * S + 500) == "0'20,5"
    assert format_time(58 * M + 35 * S, "fr") == "58'35"
    assert format_time(58 * M + 35 * S) == "58:35"
    assert format_duration(6 * M + 40 * S) == "6 min 40 s"
    assert format_duration(H + 3 * M) == "1 h 03 min"


@settings(max_examples=200, deadline=None)
@given(ms=st.integers(min_value=0, max_value=99 * H))
def test_our_own_renderings_parse(ms: int) -> None:
    assert parse_time(format_fr(ms)) == ms
    assert parse_time(format_clock(ms)) == ms
    assert parse_time(format_hms_ms(ms)) == ms

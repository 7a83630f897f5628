"""Time notations: rendering milliseconds, and reading times in every notation outlines use."""

from __future__ import annotations

import re
from dataclasses import dataclass

from podcast_tool.i18n import N_, _


def split_ms(ms: int) -> tuple[int, int, int, int]:
    seconds, millis = divmod(ms, 1000)
    minutes, seconds = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    return hours, minutes, seconds, millis


def format_clock(ms: int, *, always_hours: bool = False, millis: bool | None = None) -> str:
    """``7:00``, ``1:03:37``, ``1:03:37.500``; millis shown when not whole (or when asked)."""
    hours, minutes, seconds, rest = split_ms(ms)
    text = (f"{hours}:{minutes:02d}:{seconds:02d}" if hours or always_hours
            else f"{minutes}:{seconds:02d}")
    if millis or (millis is None and rest):
        text += f".{rest:03d}"
    return text


def format_hms_ms(ms: int) -> str:
    """``HH:MM:SS.mmm``, the fixed width many chapter formats use."""
    hours, minutes, seconds, rest = split_ms(ms)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}.{rest:03d}"


def format_fr(ms: int) -> str:
    """French broadcast notation: ``0'20``, ``58'35``, ``1'03''37`` (fractions as ``,5``)."""
    hours, minutes, seconds, rest = split_ms(ms)
    text = f"{hours}'{minutes:02d}''{seconds:02d}" if hours else f"{minutes}'{seconds:02d}"
    if rest:
        text += "," + f"{rest:03d}".rstrip("0")
    return text


def format_time(ms: int, notation: str = "clock") -> str:
    if notation == "fr":
        return format_fr(ms)
    return format_clock(ms)


def format_duration(ms: int) -> str:
    """A human duration for tables: ``6 min 40 s``, ``1 h 03 min``."""
    hours, minutes, seconds, _ = split_ms(round(ms / 1000) * 1000)
    if hours:
        return f"{hours} h {minutes:02d} min"
    if minutes:
        return f"{minutes} min {seconds:02d} s"
    return f"{seconds} s"


# --- Parsing -----------------------------------------------------------------------------------
#
# Every pattern is matched at one position (``pattern.match(text, pos)``) and uses bounded
# repetitions only, so a match attempt costs a bounded amount of work whatever the input: the
# outline parser, which tries them once per line, stays linear in the size of the document.

#: Quote marks written for minutes and seconds: apostrophe, right quote, prime, and look-alikes.
SINGLE_QUOTES = "'’′‘´ʼ"
#: Marks written for seconds (or between minutes and seconds in ``1'03''37``): doubled quotes too.
DOUBLE_QUOTES = "″\"”"
_Q1 = f"[{SINGLE_QUOTES}]"
_Q2 = f"(?:[{SINGLE_QUOTES}]{{2}}|[{DOUBLE_QUOTES}])"
_FRACTION = r"(?:(?P<fsep>[.,])(?P<frac>\d{1,9}))?"
#: What may not follow a time: a letter or digit, a quote, or more digits after ``:`` ``.`` ``,``
#: (an underscore may: it closes ``_0'20_``).
_BOUNDARY = rf"(?![^\W_]|[{SINGLE_QUOTES}{DOUBLE_QUOTES}]|[:.,]\d)"

FR_PATTERN = re.compile(
    rf"(?P<a>\d{{1,3}})(?P<q1>{_Q1})(?P<b>\d{{2}})"
    rf"(?:(?P<q2>{_Q2}|{_Q1})(?P<c>\d{{2}}))?{_FRACTION}(?P<mark>{_Q2})?{_BOUNDARY}"
)
CLOCK_PATTERN = re.compile(rf"(?P<a>\d{{1,3}}):(?P<b>\d{{2}})(?::(?P<c>\d{{2}}))?{_FRACTION}{_BOUNDARY}")

_NOT_LETTER = r"(?![^\W\d_])"
#: Every space outlines put between numbers, units and dashes: the ordinary one, tab, the
#: no-break spaces of French typography (U+00A0, U+202F), and the fixed-width spaces word
#: processors and web pages use (U+2000 to U+200A: thin, hair, figure…; U+205F, U+3000).
SPACES = " \t\u00a0\u202f" + "".join(map(chr, range(0x2000, 0x200B))) + "\u205f\u3000"
SPACE = f"[{SPACES}]"
_SP = f"{SPACE}?"
_H = rf"{_SP}(?P<hunit>h|heures?|hrs?){_NOT_LETTER}"
_SECONDS = r"\d{1,2}(?:[.,]\d{1,9})?"


def _minute_unit(name: str) -> str:
    return rf"{_SP}(?P<{name}>minutes?|mins?|mn|m){_NOT_LETTER}"


def _second_unit(name: str) -> str:
    return rf"{_SP}(?P<{name}>secondes?|seconds?|secs?|s){_NOT_LETTER}"


UNITS_PATTERN = re.compile(
    rf"(?:(?P<h>\d{{1,3}}){_H}(?:{_SP}(?P<hm>\d{{1,2}})"
    rf"(?:{_minute_unit('munit_h')}(?:{_SP}(?P<hs>{_SECONDS})(?:{_second_unit('sunit_h')})?)?)?)?"
    rf"|(?P<m>\d{{1,4}}){_minute_unit('munit_m')}(?:{_SP}(?P<ms>{_SECONDS})(?:{_second_unit('sunit_m')})?)?"
    rf"|(?P<s>\d{{1,5}}(?:[.,]\d{{1,9}})?){_second_unit('sunit_s')}){_BOUNDARY}"
)
#: Hours written with ``h`` or ``:`` and seconds with quotes, or the other way round:
#: ``1h03'37``, ``1h03''37``, ``1:03'37``, ``1h03:37``.
MIXED_PATTERN = re.compile(
    rf"(?P<a>\d{{1,3}})(?P<q1>h|:)(?P<b>\d{{2}})(?P<q2>{_Q2}|{_Q1}|:)(?P<c>\d{{2}})"
    rf"{_FRACTION}(?P<mark>{_Q2})?{_BOUNDARY}"
)
#: One field with its quote mark: ``7'`` (minutes), ``20''`` or ``20"`` (seconds).
FR_SINGLE_PATTERN = re.compile(rf"(?P<a>\d{{1,4}})(?:(?P<mark>{_Q2})|(?P<q1>{_Q1})){_BOUNDARY}")
#: The minute named in words: ``min 7``, ``minute 7``, ``à la minute 15``, ``7e minute``.
MINUTE_WORDS_PATTERN = re.compile(
    rf"(?:(?:(?:à|a|at){SPACE}{{1,3}}la{SPACE}{{1,3}})?(?:minute|min|mn){SPACE}{{1,3}}(?P<m>\d{{1,4}})"
    rf"|(?P<om>\d{{1,4}})(?:e|è|ème|eme|ᵉ|th|st|nd|rd){SPACE}{{1,3}}minute){_BOUNDARY}",
    re.IGNORECASE,
)
#: Units spelt out (``7 minutes``, ``1 heure``): alone, they are as often prose (``7 minutes de
#: pause``) as a time; see ``TimeToken.spelt_out``.
_SPELT_UNITS = frozenset({"minute", "minutes", "heure", "heures", "seconde", "secondes", "second",
                          "seconds"})


class TimeValueError(ValueError):
    """Text shaped like a time whose values are impossible (``7'75``, ``0:61``)."""


@dataclass(frozen=True)
class TimeToken:
    """A time as written: where it stands, its value, and how it was written (to write another)."""

    start: int
    end: int
    ms: int
    #: "fr" (``1'03''37``), "clock" (``1:03:37``) or "units" (``1 h 03 min 37 s``).
    notation: str
    text: str
    #: Two fields read as minutes and seconds (``1'30``, ``1:30``) that could be hours and minutes.
    ambiguous: bool = False
    #: One number with a unit spelt out (``7 minutes``, ``1 heure``): a time only where a title
    #: separator, a range or the end of the line follows it.
    spelt_out: bool = False
    #: The pattern's groups, kept to write a new value in the same style (see ``render_like``).
    groups: tuple[tuple[str, str | None], ...] = ()

    def group(self, name: str) -> str | None:
        return dict(self.groups).get(name)

    def as_hours_minutes(self) -> int:
        """The other reading of an ambiguous token: hours and minutes."""
        hours, minutes = int(self.group("a") or 0), int(self.group("b") or 0)
        return (hours * 60 + minutes) * 60_000


def fraction_ms(digits: str | None) -> int:
    """Milliseconds from the digits after a decimal point, rounded half up past the third.

    The one rounding rule for every time podcast-tool reads (outlines, sidecars, comments).
    """
    if not digits:
        return 0
    scale = 10 ** len(digits)
    return (int(digits) * 1000 * 2 + scale) // (2 * scale)


def _seconds_ms(text: str) -> int:
    whole, _, frac = text.replace(",", ".").partition(".")
    return int(whole) * 1000 + (fraction_ms(frac) if frac else 0)


def _check(value: int, limit: int, what: str, text: str) -> None:
    if value >= limit:
        message = (N_("{text} is not a valid time ({value} minutes)") if what == "minutes"
                   else N_("{text} is not a valid time ({value} seconds)"))
        raise TimeValueError(_(message).format(text=text, value=value))


def match_time(text: str, pos: int = 0) -> TimeToken | None:
    """The time written at ``text[pos:]``, if one starts there (French, clock or units notation).

    Raises ``TimeValueError`` for a time-shaped token with impossible values (``7'75``).
    """
    for notation, pattern in _PATTERNS:
        found = pattern.match(text, pos)
        if found:
            return _token(notation, found)
    found = MINUTE_WORDS_PATTERN.match(text, pos)
    if found:
        minutes = found["m"] or found["om"]
        groups = {"h": None, "hm": None, "hs": None, "m": minutes, "ms": None, "s": None,
                  "munit": "min", "sunit": None}
        return TimeToken(start=found.start(), end=found.end(), ms=int(minutes) * 60_000,
                         notation="units", text=found.group(0), groups=tuple(groups.items()))
    return None


_PATTERNS = (("fr", FR_PATTERN), ("clock", CLOCK_PATTERN), ("fr", MIXED_PATTERN),
             ("fr", FR_SINGLE_PATTERN), ("units", UNITS_PATTERN))


def _token(notation: str, found: re.Match[str]) -> TimeToken:
    groups = found.groupdict()
    if notation == "units":
        # One name per unit whichever alternative matched, for ``render_like``.
        minute_units = [groups.pop(name) for name in ("munit_h", "munit_m")]
        second_units = [groups.pop(name) for name in ("sunit_h", "sunit_m", "sunit_s")]
        groups["munit"] = next((unit for unit in minute_units if unit), None)
        groups["sunit"] = next((unit for unit in second_units if unit), None)
    written = found.group(0)
    ambiguous = spelt_out = False
    if notation == "units":
        ms = _units_ms(groups, written)
        fields = [groups[name] for name in ("hm", "hs", "ms")]
        units = {(groups.get(name) or "").lower() for name in ("hunit", "munit", "sunit")}
        spelt_out = not any(fields) and bool(units & _SPELT_UNITS)
    elif groups.get("b") is None:
        # ``7'`` is minutes, ``20''`` seconds.
        ms = int(groups["a"]) * (1000 if groups["mark"] else 60_000)
    else:
        a, b, c = int(groups["a"]), int(groups["b"]), groups["c"]
        _check(b, 60, "minutes" if c is not None else "seconds", written)
        if c is not None:
            _check(int(c), 60, "seconds", written)
            ms = ((a * 60 + b) * 60 + int(c)) * 1000
        else:
            ms = (a * 60 + b) * 1000
            # ``7'20''`` and ``7:20.5`` say seconds outright; ``7'20`` and ``7:20`` could be
            # hours and minutes.
            ambiguous = not groups.get("mark") and not groups["frac"]
        if groups.get("frac"):
            ms += fraction_ms(groups["frac"])
    return TimeToken(start=found.start(), end=found.end(), ms=ms, notation=notation, text=written,
                     ambiguous=ambiguous, spelt_out=spelt_out, groups=tuple(groups.items()))


def _units_ms(groups: dict[str, str | None], written: str) -> int:
    if groups["h"] is not None:
        minutes = int(groups["hm"] or 0)
        _check(minutes, 60, "minutes", written)
        seconds = _seconds_ms(groups["hs"]) if groups["hs"] else 0
        _check(seconds // 1000, 60, "seconds", written)
        return (int(groups["h"]) * 60 + minutes) * 60_000 + seconds
    if groups["m"] is not None:
        seconds = _seconds_ms(groups["ms"]) if groups["ms"] else 0
        _check(seconds // 1000, 60, "seconds", written)
        return int(groups["m"]) * 60_000 + seconds
    return _seconds_ms(groups["s"] or "0")


# --- Writing a new value in the style of a written token ---------------------------------------

def _fraction_text(rest_ms: int, separator: str | None, digits: int) -> str:
    """``,5`` for 500 ms: as many digits as needed, at least ``digits`` (the token's own)."""
    padded = f"{rest_ms:03d}"
    width = max(len(padded.rstrip("0")), digits)
    if width == 0:
        return ""
    return (separator or ",") + (padded[:width] if width <= 3 else padded.ljust(width, "0"))


def _lead_width(first_field: str | None) -> int:
    """``07`` and ``00`` were zero-padded to two digits; ``7`` and ``0`` were not."""
    return len(first_field) if first_field and len(first_field) > 1 and first_field[0] == "0" else 1


def render_like(token: TimeToken, ms: int) -> str:
    """``ms`` written the way ``token`` was: same notation, quote marks, padding and units."""
    hours, minutes, seconds, rest = split_ms(ms)
    group = token.group
    # A fixed-width fraction (``.500``) keeps its width; a short one (``,5``) is written as needed.
    written_digits = len(group("frac") or "")
    frac = _fraction_text(rest, group("fsep"), written_digits if written_digits >= 3 else 0)
    if token.notation == "units":
        return _render_units(token, hours, minutes, seconds, rest)
    width = _lead_width(group("a"))
    three_fields = hours > 0 or group("c") is not None
    if token.notation == "fr":
        q1 = group("q1") or "'"
        if group("b") is None:
            # ``7'`` and ``20''`` stay one field while the new value fits in it.
            if group("mark") and ms < 60_000 and not rest:
                return f"{seconds:0{width}d}{group('mark')}"
            if not group("mark") and ms % 60_000 == 0 and hours == 0:
                return f"{minutes:0{width}d}{q1}"
            width = min(width, 2)
        if q1 in ("h", ":"):
            # ``1h03'37``: hours marked with ``h`` or ``:``, seconds with quotes, or the reverse.
            return f"{hours:0{width}d}{q1}{minutes:02d}{group('q2')}{seconds:02d}{frac}{group('mark') or ''}"
        if three_fields:
            # ``0'20"`` grows into ``1'03"37``: its seconds mark becomes the hours form's second mark.
            if group("q2"):
                q2, mark = group("q2"), group("mark") or ""
            else:
                q2, mark = group("mark") or q1 * 2, ""
            return f"{hours:0{width}d}{q1}{minutes:02d}{q2}{seconds:02d}{frac}{mark}"
        return f"{minutes:0{width}d}{q1}{seconds:02d}{frac}{group('mark') or ''}"
    if three_fields:
        return f"{hours:0{width}d}:{minutes:02d}:{seconds:02d}{frac}"
    return f"{minutes:0{width}d}:{seconds:02d}{frac}"


def _render_units(token: TimeToken, hours: int, minutes: int, seconds: int, rest: int) -> str:
    group = token.group
    space = next((char for char in token.text if char in " \u00a0\u202f"), "")
    minute_unit = group("munit") or ("min" if space else "m")
    second_unit = group("sunit") or "s"
    # ``7 min 10`` left the seconds' unit out; keep it out.
    bare_seconds = group("m") is not None and group("ms") is not None and group("sunit") is None
    fraction = _fraction_text(rest, _decimal_separator(token), 0)
    if hours:
        text = f"{hours}{space}h"
        if seconds or rest:
            return f"{text}{space}{minutes:02d}{space}{minute_unit}{space}{seconds:02d}{fraction}" \
                   f"{space}{second_unit}"
        if minutes:
            text += f"{space}{minutes:02d}"
            if group("munit"):
                text += f"{space}{minute_unit}"
        return text
    if minutes:
        text = f"{minutes}{space}{minute_unit}"
        if seconds or rest:
            text += f"{space}{seconds:02d}{fraction}"
            if not bare_seconds:
                text += f"{space}{second_unit}"
        return text
    return f"{seconds}{fraction}{space}{second_unit}"


def _decimal_separator(token: TimeToken) -> str:
    return "." if "." in token.text else ","

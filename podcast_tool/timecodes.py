"""Time notations: rendering milliseconds (parsing lives with the outline parser)."""

from __future__ import annotations

NOTATIONS = ("clock", "fr")


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

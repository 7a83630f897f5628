"""Which characters chapter text may hold, and which links are web links: one rule each.

ID3 cuts a title at NUL, ffmpeg too in MP4 and Vorbis comments, a terminal obeys escape
sequences, and a lone surrogate (text decoded from broken bytes) cannot be encoded at all.
"""

from __future__ import annotations

import re

_C0_BUT_TAB_AND_NEWLINE = "\x00-\x08\x0b-\x1f"
_DEL_AND_C1 = "\x7f-\x9f"
_SURROGATES = "\ud800-\udfff"

#: C0 and C1 control characters and DEL, except tab and newline (handled by the callers).
CONTROL_CHARACTERS = re.compile(f"[{_C0_BUT_TAB_AND_NEWLINE}{_DEL_AND_C1}]")
#: What no chapter marker holds: those controls and lone surrogates.
INVALID_CHARACTERS = re.compile(f"[{_C0_BUT_TAB_AND_NEWLINE}{_DEL_AND_C1}{_SURROGATES}]")
#: Every control character (tab and newline too) and lone surrogate.
_ANY_CONTROL = re.compile(f"[\x00-\x1f{_DEL_AND_C1}{_SURROGATES}]")
#: A link listeners can open: http(s) and a host, not a ``#`` placeholder or a relative path.
_WEB_URL = re.compile(r"https?://[^\s/?#]", re.IGNORECASE)


def remove_controls(text: str) -> str:
    return CONTROL_CHARACTERS.sub("", text)


def unsupported_characters(text: str, allowed: str = "") -> list[str]:
    """Control characters (C0, DEL, C1) and lone surrogates of ``text`` not in ``allowed``, in order."""
    return [character for character in _ANY_CONTROL.findall(text) if character not in allowed]


def is_web_url(target: str) -> bool:
    """Only http(s) targets with a host are web links."""
    return _WEB_URL.match(target) is not None

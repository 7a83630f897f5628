"""RTF documents (.rtf, WordPad, TextEdit, older word processors), read with striprtf.

striprtf gives the text, one line per paragraph (``\\par``), without formatting: bold and italic
are lost, so the whole line after the time is the title. Each line is one paragraph number.

Text deleted under Track Changes (``\\deleted``, Word's revision marks) is still in the file;
striprtf would read it as text, so it is taken out first: the document reads as it shows with
the changes accepted, as the Word and OpenDocument readers read theirs. Inserted text
(``\\revised``) is ordinary text.
"""

from __future__ import annotations

import re

from podcast_tool.outline.documents.markup import DocumentLines

#: One RTF token: a control word (its parameter, its delimiting space), a hex escape, a control
#: symbol, a brace, or a run of text (the same tokens as striprtf's).
_TOKEN = re.compile(r"\\([a-z]{1,32})(-?\d{1,10})?[ ]?|\\'[0-9a-f]{2}|\\[^a-z]|[{}]|[^\\{}]+",
                    re.IGNORECASE | re.DOTALL)
#: Control words that stand for text (a paragraph mark, a tab, a Unicode character…): deleted
#: with the text around them.
_TEXT_WORDS = frozenset({"par", "line", "tab", "emdash", "endash", "emspace", "enspace",
                         "qmspace", "bullet", "lquote", "rquote", "ldblquote", "rdblquote", "u",
                         "zwj", "zwnj", "ltrmark", "rtlmark"})
#: Control symbols that stand for text: a non-breaking space or hyphen, an escaped character,
#: a paragraph mark written as a backslash before a line end.
_TEXT_SYMBOLS = frozenset({"\\~", "\\-", "\\_", "\\\\", "\\{", "\\}", "\\\n", "\\\r"})


def without_deleted_text(rtf: str) -> str:
    """``rtf`` without the text its revision marks say was deleted (``\\deleted`` … until
    ``\\deleted0``, ``\\plain`` or the end of the group), everything else as it was."""
    if "\\deleted" not in rtf:
        return rtf
    kept: list[str] = []
    deleted = False
    depth = 0
    #: (group depth, the state outside it) for each group that changed the state: a group ends
    #: with its state, and only changes are kept, however deep the nesting.
    outer: list[tuple[int, bool]] = []
    position = 0
    while position < len(rtf):
        token = _TOKEN.match(rtf, position)
        if token is None:  # a lone backslash at the very end
            kept.append(rtf[position:])
            break
        text, word, argument = token.group(0), token.group(1), token.group(2)
        position = token.end()
        if text == "{":
            depth += 1
        elif text == "}":
            if outer and outer[-1][0] == depth:
                deleted = outer.pop()[1]
            depth = max(depth - 1, 0)
        elif word in ("deleted", "plain"):
            state = word == "deleted" and argument != "0"
            if state != deleted and not (outer and outer[-1][0] == depth):
                outer.append((depth, deleted))
            deleted = state
        elif word == "bin" and argument and argument.isdigit():
            # Binary data (a picture) is copied whole: its bytes are not RTF tokens.
            kept.append(text + rtf[position:position + int(argument)])
            position += int(argument)
            continue
        elif deleted and _is_text(text, word):
            continue
        kept.append(text)
    return "".join(kept)


def _is_text(token: str, word: str | None) -> bool:
    if word:
        return word in _TEXT_WORDS
    if token.startswith("\\'"):
        return True
    return token in _TEXT_SYMBOLS if token.startswith("\\") else True


def read_rtf(data: bytes) -> DocumentLines:
    from striprtf.striprtf import rtf_to_text

    # RTF is 7-bit text; its \\'xx escapes and \\ansicpg say the code page, which striprtf applies.
    text = rtf_to_text(without_deleted_text(data.decode("latin-1")), errors="replace")
    lines = DocumentLines()
    for number, line in enumerate(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"), start=1):
        lines.start(number)
        lines.add(line)
    return lines

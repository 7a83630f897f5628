"""RTF documents (.rtf, WordPad, TextEdit, older word processors), read with striprtf.

striprtf gives the text, one line per paragraph (``\\par``), without formatting: bold and italic
are lost, so the whole line after the time is the title. Each line is one paragraph number.
"""

from __future__ import annotations

from podcast_tool.outline.documents.markup import DocumentLines


def read_rtf(data: bytes) -> DocumentLines:
    from striprtf.striprtf import rtf_to_text

    # RTF is 7-bit text; its \\'xx escapes and \\ansicpg say the code page, which striprtf applies.
    text = rtf_to_text(data.decode("latin-1"), errors="replace")
    lines = DocumentLines()
    for number, line in enumerate(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"), start=1):
        lines.start(number)
        lines.add(line)
    return lines

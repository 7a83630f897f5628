"""The outline itself as a format: read any timestamped text or document, write a plain outline.

Writing gives one line per chapter, ``START[ à END] **Title** *Description*``, optional link and
image, then the notes; reading it back with ``parse_outline`` gives the same chapters. The
writer is the Markdown show notes' (formats/markdown.py) without list bullets.

Its extensions include the documents it reads (Word, OpenDocument, web pages, RTF: see
``podcast_tool.outline.documents``), so that what pairs outlines by name takes them from here;
it writes Markdown only.
"""

from __future__ import annotations

from podcast_tool.formats.markdown import MarkdownFormat
from podcast_tool.i18n import N_
from podcast_tool.outline.documents import DOCUMENT_EXTENSIONS

FORMAT = MarkdownFormat(name="outline", label=N_("Outline (text/Markdown with times)"),
                        extensions=(".md", ".txt", ".markdown", *DOCUMENT_EXTENSIONS), bullet="",
                        range_joiners={"fr": " à ", "clock": " - "}, notes_spacing=(1, 0))

"""HTML from templates: Jinja2 with autoescape, show notes from Markdown, safe links only.

Titles, notes and links come from outlines and audio files, so they are untrusted text:
templates escape every value (autoescape), Markdown is rendered with raw HTML turned off,
and a link or image address is kept only if it is http(s), mailto or a relative path.
"""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING, Any

from podcast_tool import i18n

if TYPE_CHECKING:
    import jinja2
    from markdown_it import MarkdownIt

_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")
SAFE_SCHEMES = frozenset({"http", "https", "mailto"})


def safe_url(url: str | None) -> str | None:
    """``url`` if a browser may follow it from our pages (no ``javascript:``, ``data:``…)."""
    if not url:
        return None
    url = url.strip()
    scheme = _SCHEME.match(url)
    if scheme is not None:
        return url if scheme.group(1).lower() in SAFE_SCHEMES else None
    return None if url.startswith("//") or "\\" in url else url


@functools.cache
def _markdown() -> MarkdownIt:
    from markdown_it import MarkdownIt

    renderer = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    renderer.validateLink = lambda url: safe_url(url) is not None  # type: ignore[method-assign]
    return renderer


def markdown_html(text: str) -> str:
    """Show notes as HTML (raw HTML in the outline is shown as text, never run)."""
    from markupsafe import Markup

    return Markup(_markdown().render(text)) if text.strip() else Markup("")


@functools.cache
def _environment() -> jinja2.Environment:
    import jinja2

    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("podcast_tool.publish", "templates"),
        autoescape=True,
        extensions=["jinja2.ext.i18n"],
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    # Not newstyle: messages hold str.format fields, filled in the template after translation.
    environment.install_gettext_callables(i18n.gettext, i18n.ngettext, newstyle=False)
    environment.filters["markdown"] = markdown_html
    environment.filters["safe_url"] = safe_url
    return environment


def render(template: str, language: str, **context: Any) -> str:
    """``template`` rendered with its words in ``language``."""
    with i18n.language(language):
        return _environment().get_template(template).render(lang=language, **context)


def static_file(name: str) -> bytes:
    from importlib.resources import files

    return files("podcast_tool.publish").joinpath("static", name).read_bytes()


STATIC_FILES = ("page.css", "page.js")


def markdown_plain(text: str) -> str:
    """Show notes as plain text (feeds' ``<description>``, meta descriptions): Markdown's marks
    and link targets dropped, one paragraph per block."""
    blocks: list[str] = []
    for token in _markdown().parse(text):
        if token.type == "inline" and token.children is not None:
            words = "".join(child.content if child.type in ("text", "code_inline") else
                            " " if child.type in ("softbreak", "hardbreak") else ""
                            for child in token.children)
            if words.strip():
                blocks.append(" ".join(words.split()))
    return "\n\n".join(blocks)

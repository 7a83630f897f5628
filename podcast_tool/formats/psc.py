"""Podlove Simple Chapters 1.2: ``<psc:chapters>`` in Normal Play Time, with href and image.

Written as a standalone XML document, or (``ExportOptions.snippet``) as the bare
element to paste into a feed's ``<item>``. Read from either, or from a whole
feed item that contains one. Parsed with expat directly and refusing any
DOCTYPE, so no entity is ever declared, expanded or fetched.
"""

from __future__ import annotations

import re
from pathlib import Path
from xml.parsers import expat

from podcast_tool.errors import ChapterFormatError
from podcast_tool.formats import ExportOptions
from podcast_tool.formats.common import character_name, export_chapters, fraction_ms, local_image_warnings
from podcast_tool.i18n import N_, _
from podcast_tool.model import Chapter, Diagnostic, Episode
from podcast_tool.outline.timecodes import format_hms_ms

NAMESPACE = "http://podlove.org/simple-chapters"
#: Normal Play Time (RFC 2326): ``SS``, ``MM:SS``, ``HH:MM:SS``, each with optional ``.fff``.
NPT_RE = re.compile(r"(?:(?:(\d+):)?(\d+):)?(\d+)(?:\.(\d*))?")
#: Attribute escaping: literal tabs and line breaks would be normalised to spaces by any reader.
ATTRIBUTE_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;",
                     "\t": "&#9;", "\n": "&#10;", "\r": "&#13;"}
#: Characters XML 1.0 cannot hold at all, not even as a character reference: the complement
#: of its Char production, spelt out (a negated class over all of Unicode takes the regular
#: expression compiler many times longer to build, at every start-up that sniffs formats).
XML_ILLEGAL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def parse_npt(value: str) -> int | None:
    """Normal Play Time to milliseconds (``01:35:52.250``, ``7:48``, ``37``, ``37.5``), else None."""
    match = NPT_RE.fullmatch(value.strip())
    if match is None:
        return None
    hours, minutes, seconds, fraction = match.groups()
    if minutes is not None and (int(seconds) > 59 or (hours is not None and int(minutes) > 59)):
        return None
    total = (int(hours or 0) * 60 + int(minutes or 0)) * 60 + int(seconds)
    return total * 1000 + fraction_ms(fraction)


def attribute(value: str) -> str:
    return '"' + "".join(ATTRIBUTE_ESCAPES.get(c, c) for c in value) + '"'


class PodloveFormat:
    name = "psc"
    label = N_("Podlove Simple Chapters")
    extensions = (".psc", ".xml")
    keeps = frozenset({"url", "image"})

    def sniff(self, text: str) -> bool:
        return NAMESPACE in text or "<psc:chapters" in text

    def dump(self, episode: Episode, options: ExportOptions) -> tuple[str, list[Diagnostic]]:
        chapters = export_chapters(episode, options)
        lines = [] if options.snippet else ['<?xml version="1.0" encoding="UTF-8"?>']
        lines.append(f'<psc:chapters version="1.2" xmlns:psc="{NAMESPACE}">')
        for chapter in chapters:
            fields = [("start", format_hms_ms(chapter.start_ms)), ("title", chapter.title)]
            if chapter.url:
                fields.append(("href", chapter.url))
            if chapter.image:
                fields.append(("image", chapter.image))
            for key, value in fields:
                illegal = XML_ILLEGAL_RE.search(value)
                if illegal:
                    raise ChapterFormatError(
                        _("XML cannot hold the {character} in {key} {value!r}").format(
                            character=character_name(illegal.group()), key=key, value=value),
                        path=episode.source, line=chapter.line,
                        hint=_("remove it from the outline, or export to JSON chapters"))
            rendered = " ".join(f"{key}={attribute(value)}" for key, value in fields)
            lines.append(f"  <psc:chapter {rendered}/>")
        lines.append("</psc:chapters>")
        return "\n".join(lines) + "\n", local_image_warnings(chapters, self.label, episode.source)

    def load(self, text: str, source: Path | None = None) -> tuple[Episode, list[Diagnostic]]:
        reader = _PscReader(source)
        reader.parse(text)
        if reader.lists == 0:
            raise ChapterFormatError(_("no <psc:chapters> element (Podlove Simple Chapters) found"),
                                     path=source)
        reader.chapters.sort(key=lambda c: c.start_ms)  # "clients re-sort by time"
        return Episode(chapters=reader.chapters, source=source), []


class _PscReader:
    """Collects the ``psc:chapter`` elements of one ``psc:chapters`` list, with their lines."""

    def __init__(self, source: Path | None) -> None:
        self.source = source
        self.chapters: list[Chapter] = []
        self.lists = 0
        self.depth_in_list = 0
        self.parser = expat.ParserCreate("utf-8", namespace_separator=" ")
        self.parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
        self.parser.StartDoctypeDeclHandler = self._refuse_doctype
        self.parser.EntityDeclHandler = self._refuse_doctype
        self.parser.ExternalEntityRefHandler = self._refuse_doctype
        self.parser.StartElementHandler = self._start
        self.parser.EndElementHandler = self._end

    def parse(self, text: str) -> None:
        try:
            self.parser.Parse(text.encode("utf-8"), True)
        except expat.ExpatError as error:
            message = expat.errors.messages[error.code] if error.code else str(error)
            raise ChapterFormatError(_("malformed XML: {message}").format(message=message), path=self.source,
                                     line=error.lineno, column=error.offset + 1) from None

    def _error(self, message: str) -> ChapterFormatError:
        return ChapterFormatError(message, path=self.source, line=self.parser.CurrentLineNumber,
                                  column=self.parser.CurrentColumnNumber + 1)

    def _refuse_doctype(self, *args: object) -> None:
        raise self._error("XML with a DOCTYPE or entity declaration is refused "
                          "(chapter files never need one, and entities can be abused)")

    def _start(self, name: str, attributes: dict[str, str]) -> None:
        if name == f"{NAMESPACE} chapters":
            if self.depth_in_list:
                raise self._error("<psc:chapters> nested in another")
            self.lists += 1
            if self.lists > 1:
                raise self._error("more than one <psc:chapters> list (a whole feed?); "
                                  "give the chapters of one episode")
            self.depth_in_list = 1
        elif self.depth_in_list:
            self.depth_in_list += 1
            if name == f"{NAMESPACE} chapter":
                self.chapters.append(self._chapter(attributes))

    def _end(self, name: str) -> None:
        if self.depth_in_list:
            self.depth_in_list -= 1

    def _chapter(self, attributes: dict[str, str]) -> Chapter:
        if "start" not in attributes:
            raise self._error("<psc:chapter> without a start attribute")
        start = parse_npt(attributes["start"])
        if start is None:
            raise self._error(f"start=\"{attributes['start']}\" is not a Normal Play Time "
                              "(like 01:35:52.250, 7:48 or 37)")
        return Chapter(start_ms=start, title=attributes.get("title", ""),
                       url=attributes.get("href") or None, image=attributes.get("image") or None,
                       line=self.parser.CurrentLineNumber)


FORMAT = PodloveFormat()

"""The inline Markdown of outlines: titles, descriptions, links, images, and the document's title.

Every pattern here uses bounded or possessive repetitions, so cleaning a line costs time linear
in its length, whatever it contains (see bench/bench_parse.py).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from podcast_tool.characters import CONTROL_CHARACTERS, is_web_url, remove_controls

__all__ = ["CONTROL_CHARACTERS", "is_web_url", "remove_controls"]

_WHITESPACE = re.compile(r"\s+")

_LINK_TEXT = r"(?:[^\[\]\n\\]|\\.){0,500}"
_LINK_TARGET = r"(?P<target>[^()\s]{0,2000})(?:[ \t]{1,20}\"[^\"\n]{0,500}\")?"
IMAGE = re.compile(rf"(?<!\\)!\[(?P<text>{_LINK_TEXT})\]\({_LINK_TARGET}\)")
LINK = re.compile(rf"(?<![\\!])\[(?P<text>{_LINK_TEXT})\]\({_LINK_TARGET}\)")

#: What ``escape_markdown`` escapes: marks ``plain_text`` would drop or links would take.
_NEEDS_ESCAPE = re.compile(r"[\\`*\[\]]|~(?=~)|(?<=~)~|(?<![^\W_])_|_(?![^\W_])")
_INLINE_MARKUP = re.compile(
    r"\\(?P<escaped>[\\`*_\[\]~!(){}#+\-.|>])"
    r"|[*`]++|~~"
    # Underscores open or close emphasis at the edge of a word, never inside one (snake_case).
    r"|(?<![^\W_])(?<!_)_++|(?<!_)_++(?![^\W_])"
)


def is_image_target(target: str) -> bool:
    return bool(target) and not target.startswith("#")


@dataclass
class InlineLinks:
    """A line with its images taken out and its links replaced by their text."""

    text: str
    url: str | None = None
    image: str | None = None


def extract_links(text: str) -> InlineLinks:
    """``![alt](image.jpg)`` → image (removed); ``[text](https://…)`` → url (``text`` stays)."""
    result = InlineLinks(text)

    def take_image(found: re.Match[str]) -> str:
        if result.image is None and is_image_target(found["target"]):
            result.image = found["target"]
        return ""

    def take_link(found: re.Match[str]) -> str:
        if result.url is None and is_web_url(found["target"]):
            result.url = found["target"]
        return found["text"]

    if "](" in text:
        result.text = LINK.sub(take_link, IMAGE.sub(take_image, text))
    return result


def first_links(text: str) -> InlineLinks:
    """The first web link and the first image of a block of notes (the text is left as it is)."""
    url = next((m["target"] for m in LINK.finditer(text) if is_web_url(m["target"])), None)
    image = next((m["target"] for m in IMAGE.finditer(text) if is_image_target(m["target"])), None)
    return InlineLinks(text, url, image)


def plain_text(markdown: str) -> str:
    """Inline Markdown to plain text: emphasis and code marks dropped, escapes resolved,
    control characters removed, whitespace runs collapsed to one space."""
    text = _INLINE_MARKUP.sub(lambda m: m["escaped"] or "", remove_controls(markdown))
    return _WHITESPACE.sub(" ", text).strip()


def escape_markdown(text: str) -> str:
    """The inverse of ``plain_text`` for one line: marks that would be dropped are escaped."""
    return _NEEDS_ESCAPE.sub(lambda found: "\\" + found.group(0), text)


def _escaped(text: str, index: int) -> bool:
    """True if an odd run of backslashes stands before ``text[index]``."""
    run = 0
    while index - run > 0 and text[index - run - 1] == "\\":
        run += 1
    return run % 2 == 1


def _find_unescaped(text: str, marker: str, start: int) -> int:
    position = text.find(marker, start)
    while position > 0 and _escaped(text, position):
        position = text.find(marker, position + 1)
    return position


def split_title(markdown: str, open_bold: str | None = None) -> tuple[str, str]:
    """Title and description: ``**Title** *Description*`` gives both, anything else is a title.

    ``open_bold`` is the bold marker (``**`` or ``__``) already opened before the time, as in
    ``**0'20 Title** *Description*``.
    """
    text = markdown.strip()
    marker = open_bold
    body_start = 0
    if marker is None and text[:2] in ("**", "__"):
        marker, body_start = text[:2], 2
    if marker is not None:
        close = _find_unescaped(text, marker, body_start)
        if close >= body_start:
            rest = text[close + 2:].strip()
            italic = rest[:1]
            if (len(rest) >= 2 and italic in "*_" and rest.endswith(italic)
                    and rest[1] != italic and not _escaped(rest, len(rest) - 1)):
                return plain_text(text[body_start:close]), plain_text(rest[1:-1])
    return plain_text(text), ""


# --- The document's own title and date --------------------------------------------------------

MONTHS_FR = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
             "octobre", "novembre", "décembre")
_MONTHS_EN = ("january", "february", "march", "april", "may", "june", "july", "august", "september",
              "october", "november", "december")
_MONTH_NUMBER = {name: index for names in (MONTHS_FR, _MONTHS_EN) for index, name in enumerate(names, 1)}
_MONTH_NUMBER.update({"fevrier": 2, "aout": 8, "decembre": 12})
_MONTH = "|".join(sorted(_MONTH_NUMBER, key=len, reverse=True))
_WEEKDAY = r"(?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche)"
DATE = re.compile(
    rf"(?:{_WEEKDAY}[ ]{{1,3}})?(?P<day>\d{{1,2}})(?:er)?[ ]{{1,3}}(?P<month>{_MONTH})"
    rf"[ ]{{1,3}}(?P<year>\d{{4}})"
    rf"|(?P<emonth>{_MONTH})[ ]{{1,3}}(?P<eday>\d{{1,2}}),?[ ]{{1,3}}(?P<eyear>\d{{4}})"
    r"|(?P<iyear>\d{4})-(?P<imonth>\d{2})-(?P<iday>\d{2})"
    r"|(?P<sday>\d{1,2})/(?P<smonth>\d{1,2})/(?P<syear>\d{4})",
    re.IGNORECASE,
)
#: Words that name the document rather than the event: "Déroulé et synthèse du …".
_LEAD_IN = re.compile(
    r"(?:(?:déroulé|déroulement|deroule|synthèse|synthese|programme|sommaire|compte[- ]rendu|résumé"
    r"|resume|chapitres|chapitrage|plan|ordre du jour|replay|enregistrement)[ ,]{0,3}(?:et[ ]{1,3})?)"
    r"{1,4}(?:du|de la|de l['’]|des|de|d['’])[ ]{0,3}",
    re.IGNORECASE,
)
_DATE_LEAD = re.compile(r"(?:[ ,(\-–—]|\b(?:du|le|of|on|en date du))+$", re.IGNORECASE)
#: Longer lines are paragraphs, not titles (and this bounds the work done on them).
MAX_TITLE_LINE = 300


def find_date(text: str) -> tuple[dt.date, re.Match[str]] | None:
    for found in DATE.finditer(text):
        groups = found.groupdict()
        try:
            if groups["day"]:
                day, month, year = int(groups["day"]), _MONTH_NUMBER[groups["month"].lower()], \
                    int(groups["year"])
            elif groups["eday"]:
                day, month, year = int(groups["eday"]), _MONTH_NUMBER[groups["emonth"].lower()], \
                    int(groups["eyear"])
            elif groups["iday"]:
                day, month, year = int(groups["iday"]), int(groups["imonth"]), int(groups["iyear"])
            else:
                day, month, year = int(groups["sday"]), int(groups["smonth"]), int(groups["syear"])
            return dt.date(year, month, day), found
        except ValueError:
            continue
    return None


def french_date(date: dt.date) -> str:
    return f"{date.day} {MONTHS_FR[date.month - 1]} {date.year}"


def document_title(line: str) -> tuple[str | None, dt.date | None]:
    """The episode's title and date from the line that names the document.

    ``Déroulé et synthèse du Webinaire "Travail Pair : Passons à l'action !" du 18 décembre 2020 :``
    gives the title ``Webinaire "Travail Pair : Passons à l'action !"`` and the date 2020-12-18:
    the lead-in naming the document (déroulé, synthèse, programme…), the trailing colon and a
    trailing date are dropped; the event's own words and quotes are kept as written.
    """
    text = plain_text(extract_links(line[:MAX_TITLE_LINE].lstrip("#> \t")).text).rstrip(" :.")
    date = None
    dated = find_date(text)
    if dated is not None:
        date, found = dated
        if not text[found.end():].strip(" :.)"):
            text = _DATE_LEAD.sub("", text[:found.start()])
    lead_in = _LEAD_IN.match(text)
    if lead_in:
        text = text[lead_in.end():]
    text = text.strip(" :-–—,")
    if not text:
        return None, date
    return text[0].upper() + text[1:], date

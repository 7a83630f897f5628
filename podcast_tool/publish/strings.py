"""The language of the published pages: the episode's, not the officer's terminal's.

The pages' words are gettext messages of the project's catalogue (``podcast_tool.i18n``),
marked with ``_()`` in the templates (Jinja2's i18n extension); they are rendered inside
``i18n.language()`` of the episode's language, so a French episode gets a French page
whatever the machine's locale. Here: which language an episode is in, and its dates.
"""

from __future__ import annotations

import datetime as dt
import re

from podcast_tool.model import Episode
from podcast_tool.outline.text import MONTHS_FR

LANGUAGES = ("en", "fr")

#: Anchors of the chapters: ``#chapitre-5`` on a French page.
ANCHOR_PREFIX = {"en": "chapter", "fr": "chapitre"}

MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August",
             "September", "October", "November", "December")

#: Short words common in one language and rare in the other: enough to tell French outlines.
_FRENCH_WORDS = frozenset({
    "le", "la", "les", "des", "du", "de", "et", "à", "au", "aux", "une", "un", "est", "sur", "pour",
    "avec", "dans", "par", "qui", "que", "en", "ce", "cette", "nous", "vous", "sont", "mot",
    "accueil", "ronde", "remerciements",
})
_ENGLISH_WORDS = frozenset({
    "the", "and", "of", "to", "in", "is", "for", "with", "on", "by", "from", "this", "that", "are",
    "we", "you", "our", "welcome", "round", "thanks",
})
_WORD = re.compile(r"[^\W\d_]+")


def guess_language(episode: Episode) -> str:
    """``fr`` for an outline in French broadcast notation or French words, else ``en``."""
    if episode.notation == "fr":
        return "fr"
    text = " ".join([episode.title or "", episode.introduction]
                    + [f"{c.title} {c.description}" for c in episode.chapters]).lower()
    words = _WORD.findall(text[:200_000])
    french = sum(word in _FRENCH_WORDS for word in words)
    english = sum(word in _ENGLISH_WORDS for word in words)
    return "fr" if french > english else "en"


def format_date(date: dt.date, language: str) -> str:
    """``18 décembre 2020`` or ``18 December 2020``."""
    months = MONTHS_FR if language == "fr" else MONTHS_EN
    day = "1er" if language == "fr" and date.day == 1 else str(date.day)
    return f"{day} {months[date.month - 1]} {date.year}"


"""Spotify: Podlove chapters in the feed, else timestamps in the episode description."""

from __future__ import annotations

from podcast_tool.i18n import N_
from podcast_tool.preflight.facts import Facts
from podcast_tool.preflight.readers import from_sidecar
from podcast_tool.preflight.rules import App, Reading, Rule, description_rules

SOURCE = "Spotify for Creators: chapters (Podlove Simple Chapters, description timestamps)"
MIN_SECONDS = 30
TITLE_CHARACTERS = 40


def read(facts: Facts) -> Reading:
    podlove = from_sidecar(facts.sidecar("podlove"))
    if podlove.chapters and not facts.sidecar("podlove").odd_namespaces:  # type: ignore[union-attr]
        return podlove
    return from_sidecar(facts.sidecar("description"))


_first, _three, _long, _titles = description_rules(
    "Spotify", min_seconds=MIN_SECONDS, short_hides_all=False, title_chars=TITLE_CHARACTERS,
    title_advice=N_("recommends titles under"))

APP = App(
    key="spotify",
    name=N_("Spotify"),
    reads="Podlove chapters in the feed, or description timestamps (first at 0:00, at least 3); "
          "no embedded chapters",
    source=SOURCE,
    read=read,
    reads_audio=False,
    rules=(
        # Spotify for Creators, chapters: the first timestamp at 0:00, at least three.
        Rule("first-not-at-zero", SOURCE, _first),
        Rule("too-few", SOURCE, _three),
        # Spotify for Creators, chapters: chapters of 30 s or more, titles under 40 characters.
        Rule("too-short", SOURCE, _long),
        Rule("long-titles", SOURCE, _titles),
    ),
    none_hint=N_("put the chapters in the episode description (export --format youtube "
                 "--add-zero-chapter) or publish Podlove chapters"),
)

"""Spotify: Podlove chapters in the feed, else timestamps in the episode description."""

from __future__ import annotations

from podcast_tool.i18n import N_
from podcast_tool.preflight.facts import Facts
from podcast_tool.preflight.readers import from_sidecar
from podcast_tool.preflight.rules import App, Reading, description_start_rules, length_rules

SOURCE = "Spotify for Creators: chapters (Podlove Simple Chapters, description timestamps)"
MIN_SECONDS = 30
TITLE_CHARACTERS = 40


def read(facts: Facts) -> Reading:
    podlove = from_sidecar(facts.sidecar("podlove"))
    if podlove.chapters and not facts.sidecar("podlove").odd_namespaces:  # type: ignore[union-attr]
        return podlove
    return from_sidecar(facts.sidecar("description"))


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
        *description_start_rules("Spotify", SOURCE),
        # Spotify for Creators, chapters: chapters of 30 s or more, titles under 40 characters.
        *length_rules("Spotify", SOURCE, min_seconds=MIN_SECONDS, short_hides_all=False,
                      title_chars=TITLE_CHARACTERS, title_advice=N_("recommends titles under")),
    ),
    none_hint=N_("put the chapters in the episode description (export --format youtube "
                 "--add-zero-chapter) or publish Podlove chapters"),
)

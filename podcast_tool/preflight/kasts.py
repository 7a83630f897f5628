"""Kasts (KDE, Linux and Plasma Mobile): feed chapters, else MP3 chapters through TagLib."""

from __future__ import annotations

from podcast_tool.i18n import N_, _
from podcast_tool.preflight.facts import Facts
from podcast_tool.preflight.readers import ID3_LABEL, embedded, from_sidecar, id3_chapters
from podcast_tool.preflight.rules import App, Finding, Reading, Rule, whole_seconds_note


def read(facts: Facts) -> Reading:
    for role in ("podlove", "json"):
        reading = from_sidecar(facts.sidecar(role), links=True, images=True)
        if reading.chapters:
            return reading
    if facts.container == "mp3":
        return embedded(facts, ID3_LABEL, id3_chapters(facts))
    return Reading()


def missing_titles(facts: Facts, reading: Reading) -> Finding | None:
    if reading.source != ID3_LABEL or facts.id3 is None:
        return None
    if all(c.title is not None for c in facts.id3.chapters):
        return None
    return Finding("no-tit2", _("a CHAP frame has no TIT2 title: Kasts assumes every chapter has "
                                "one and lists no chapters"),
                   hint=_("give every chapter a title"), chapters=[])


APP = App(
    key="kasts",
    name=N_("Kasts"),
    reads="feed chapters (Podlove, JSON), else MP3 ID3 CHAP through TagLib; whole seconds",
    source="Kasts source: chapter model (feed chapters, TagLib ID3v2 CHAP); FORMATS.md",
    read=read,
    rules=(
        # Kasts' chapter model reads each CHAP's TIT2 through TagLib without checking it exists.
        Rule("no-tit2", "Kasts source: chapter model", missing_titles),
        # Kasts' chapter model keeps chapter starts in whole seconds.
        Rule("whole-seconds", "Kasts source: chapter model", whole_seconds_note("Kasts")),
    ),
    none_hint=N_("tag an MP3, or publish Podlove or JSON chapters in the feed"),
)

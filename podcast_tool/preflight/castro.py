"""Castro (iPhone): embedded chapters only."""

from __future__ import annotations

from podcast_tool.i18n import N_, _
from podcast_tool.preflight.facts import Facts
from podcast_tool.preflight.readers import ID3_LABEL, TRACK_LABEL, embedded, id3_chapters, track_chapters
from podcast_tool.preflight.rules import App, Finding, Reading, Rule


def read(facts: Facts) -> Reading:
    if facts.container == "mp3":
        return embedded(facts, ID3_LABEL, id3_chapters(facts), images=True, links=True)
    if facts.container == "mp4":
        return embedded(facts, TRACK_LABEL, track_chapters(facts), images=True, links=True)
    return Reading(findings=[Finding("format", _("Castro reads no chapters in {upper} files").format(
                                                   upper=facts.container.upper()),
                                     hint=_("publish MP3 or M4A"))])


def feed_ignored(facts: Facts, reading: Reading) -> Finding | None:
    feed = [s.path.name for s in facts.sidecars if s.role in ("json", "podlove")]
    if not feed:
        return None
    return Finding("feed-ignored", _("Castro ignores feed chapters ({join})").format(
                                       join=', '.join(feed)),
                   problem=not reading.chapters,
                   hint=None if reading.chapters else _("embed the chapters in the audio"))


def untitled_lead(facts: Facts, reading: Reading) -> Finding | None:
    if reading.source != TRACK_LABEL or not reading.chapters or reading.chapters[0].title:
        return None
    return Finding("untitled-first", _("the chapter track starts with an untitled sample, listed "
                                       "as an untitled first chapter"),
                   hint=_("tag the file again with this podcast-tool: it titles that sample"))


APP = App(
    key="castro",
    name=N_("Castro"),
    reads="embedded chapters only (MP3 ID3 CHAP, M4A chapter track); no feed chapters",
    source="Castro support: chapters (FORMATS.md)",
    read=read,
    rules=(
        # Castro support pages: chapters are read from the audio file only.
        Rule("feed-ignored", "Castro support: chapters", feed_ignored),
        # Castro plays through AVFoundation, which lists every chapter track sample.
        Rule("untitled-first", "Apple AVFoundation chapter metadata groups", untitled_lead),
    ),
    none_hint=N_("embed the chapters in an MP3 or M4A"),
)

"""Overcast (iPhone, iPad): embedded chapters only."""

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
    return Reading(findings=[Finding("format", _("Overcast reads no chapters in {upper} files").format(
                                                   upper=facts.container.upper()),
                                     hint=_("publish MP3 or M4A"))])


def needs_ctoc(facts: Facts, reading: Reading) -> Finding | None:
    if facts.id3 is None or not reading.chapters or facts.id3.toc_children is not None:
        return None
    return Finding("no-ctoc", _("the MP3 has no top-level CTOC: Overcast lists no chapters"),
                   hint=_("tag the file again with podcast-tool (it writes the CTOC)"), chapters=[])


def untitled_lead(facts: Facts, reading: Reading) -> Finding | None:
    if reading.source != TRACK_LABEL or not reading.chapters or reading.chapters[0].title:
        return None
    return Finding("untitled-first", _("the chapter track starts with an untitled sample, listed "
                                       "as an untitled first chapter"),
                   hint=_("tag the file again with this podcast-tool: it titles that sample"))


APP = App(
    key="overcast",
    name=N_("Overcast"),
    reads="embedded chapters only: MP3 ID3 CHAP with a top-level CTOC, M4A chapter track",
    source="Overcast's podcaster notes (overcast.fm/podcasterinfo); FORMATS.md",
    read=read,
    rules=(
        # overcast.fm/podcasterinfo: ID3 chapters need the CTOC table of contents.
        Rule("no-ctoc", "overcast.fm/podcasterinfo", needs_ctoc),
        # Overcast plays through AVFoundation, which lists every chapter track sample.
        Rule("untitled-first", "Apple AVFoundation chapter metadata groups", untitled_lead),
    ),
    none_hint=N_("tag an MP3 or M4A with the chapters (Overcast reads no feed chapters)"),
)

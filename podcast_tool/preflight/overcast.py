"""Overcast (iPhone, iPad): embedded chapters only."""

from __future__ import annotations

from podcast_tool.i18n import N_, _
from podcast_tool.preflight.embedded_only import embedded_only_app
from podcast_tool.preflight.facts import Facts
from podcast_tool.preflight.rules import Finding, Reading, Rule


def needs_ctoc(facts: Facts, reading: Reading) -> Finding | None:
    if facts.id3 is None or not reading.chapters or facts.id3.toc_children is not None:
        return None
    return Finding("no-ctoc", _("the MP3 has no top-level CTOC: Overcast lists no chapters"),
                   hint=_("tag the file again with podcast-tool (it writes the CTOC)"), chapters=[])


APP = embedded_only_app(
    key="overcast",
    name=N_("Overcast"),
    reads="embedded chapters only: MP3 ID3 CHAP with a top-level CTOC, M4A chapter track",
    source="Overcast's podcaster notes (overcast.fm/podcasterinfo); FORMATS.md",
    rules=(
        # overcast.fm/podcasterinfo: ID3 chapters need the CTOC table of contents.
        Rule("no-ctoc", "overcast.fm/podcasterinfo", needs_ctoc),
    ),
    none_hint=N_("tag an MP3 or M4A with the chapters (Overcast reads no feed chapters)"),
)

"""Castro (iPhone): embedded chapters only."""

from __future__ import annotations

from podcast_tool.i18n import N_, _
from podcast_tool.preflight.embedded_only import embedded_only_app
from podcast_tool.preflight.facts import Facts
from podcast_tool.preflight.rules import Finding, Reading, Rule


def feed_ignored(facts: Facts, reading: Reading) -> Finding | None:
    feed = [s.path.name for s in facts.sidecars if s.role in ("json", "podlove")]
    if not feed:
        return None
    return Finding("feed-ignored", _("Castro ignores feed chapters ({join})").format(
                                       join=', '.join(feed)),
                   problem=not reading.chapters,
                   hint=None if reading.chapters else _("embed the chapters in the audio"))


APP = embedded_only_app(
    key="castro",
    name=N_("Castro"),
    reads="embedded chapters only (MP3 ID3 CHAP, M4A chapter track); no feed chapters",
    source="Castro support: chapters (FORMATS.md)",
    rules=(
        # Castro support pages: chapters are read from the audio file only.
        Rule("feed-ignored", "Castro support: chapters", feed_ignored),
    ),
    none_hint=N_("embed the chapters in an MP3 or M4A"),
)

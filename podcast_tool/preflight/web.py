"""A web page's HTML5 player: ``<track kind="chapters">`` with a WebVTT file."""

from __future__ import annotations

from podcast_tool.i18n import N_, _
from podcast_tool.preflight.facts import Facts
from podcast_tool.preflight.readers import from_sidecar
from podcast_tool.preflight.rules import App, Finding, Reading, Rule

SOURCE = "HTML Living Standard: the track element (kind=chapters); W3C WebVTT"


def read(facts: Facts) -> Reading:
    return from_sidecar(facts.sidecar("webvtt"), ends=True)


def cue_ends(facts: Facts, reading: Reading) -> Finding | None:
    late = [index + 1 for index, c in enumerate(reading.chapters)
            if c.end_ms is not None and c.end_ms > facts.duration_ms + 1000]
    if not late:
        return None
    return Finding("past-end", _("chapter cue(s) {join} end after the audio: the player never "
                                 "reaches their end").format(
                                   join=', '.join(map(str, late))), hint=_("export the WebVTT again "
                                                                       "from the tagged audio"))


APP = App(
    key="web",
    name=N_("Web page"),
    reads="a WebVTT chapters file in <track kind=\"chapters\">, with cue ends",
    source=SOURCE,
    read=read,
    reads_audio=False,
    rules=(
        # WebVTT: cue times past the media's end are never active.
        Rule("past-end", SOURCE, cue_ends),
    ),
    none_hint=N_("publish a WebVTT chapters file beside the audio (export --format vtt)"),
)

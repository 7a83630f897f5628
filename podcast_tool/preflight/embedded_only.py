"""Apps that list only the chapters embedded in the audio, played through Apple's AVFoundation.

Castro and Overcast read the same inputs (an MP3's ID3 chapters, an M4A's chapter track, never
the feed's) and list a chapter track the same way: ``embedded_only_app`` builds such an app from
what is its own (its rules, its texts) and what they share.
"""

from __future__ import annotations

from collections.abc import Callable

from podcast_tool.i18n import _
from podcast_tool.preflight.facts import Facts
from podcast_tool.preflight.readers import ID3_LABEL, TRACK_LABEL, embedded, id3_chapters, track_chapters
from podcast_tool.preflight.rules import App, Finding, Reading, Rule


def embedded_reader(app_name: str) -> Callable[[Facts], Reading]:
    """What the app reads: the MP3's ID3 chapters or the M4A's chapter track, images and links
    with them; of any other container, nothing."""

    def read(facts: Facts) -> Reading:
        if facts.container == "mp3":
            return embedded(facts, ID3_LABEL, id3_chapters(facts), images=True, links=True)
        if facts.container == "mp4":
            return embedded(facts, TRACK_LABEL, track_chapters(facts), images=True, links=True)
        return Reading(findings=[Finding(
            "format", _("{app_name} reads no chapters in {upper} files").format(
                app_name=app_name, upper=facts.container.upper()),
            hint=_("publish MP3 or M4A"))])

    return read


def untitled_lead(facts: Facts, reading: Reading) -> Finding | None:
    if reading.source != TRACK_LABEL or not reading.chapters or reading.chapters[0].title:
        return None
    return Finding("untitled-first", _("the chapter track starts with an untitled sample, listed "
                                       "as an untitled first chapter"),
                   hint=_("tag the file again with this podcast-tool: it titles that sample"))


#: AVFoundation lists every sample of the chapter track, an untitled leading one too.
UNTITLED_FIRST = Rule("untitled-first", "Apple AVFoundation chapter metadata groups", untitled_lead)


def embedded_only_app(*, key: str, name: str, reads: str, source: str, rules: tuple[Rule, ...],
                      none_hint: str) -> App:
    """The app: ``rules`` (its own) run first, then the chapter-track rule they all share."""
    return App(key=key, name=name, reads=reads, source=source, read=embedded_reader(name),
               rules=(*rules, UNTITLED_FIRST), none_hint=none_hint)

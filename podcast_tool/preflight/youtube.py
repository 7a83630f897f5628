"""YouTube (and YouTube Music podcasts): timestamps in the video's description."""

from __future__ import annotations

from podcast_tool.i18n import N_
from podcast_tool.preflight.facts import Facts
from podcast_tool.preflight.readers import from_sidecar
from podcast_tool.preflight.rules import App, Reading, description_start_rules, length_rules

SOURCE = "YouTube Help: video chapters"
MIN_SECONDS = 10
#: Titles are cut at about this many characters in the chapter list.
TITLE_CHARACTERS = 49


def read(facts: Facts) -> Reading:
    return from_sidecar(facts.sidecar("description"))


APP = App(
    key="youtube",
    name=N_("YouTube"),
    reads="description timestamps: first at 0:00, at least 3, each 10 s or more",
    source=SOURCE,
    read=read,
    reads_audio=False,
    rules=(
        # YouTube Help, "video chapters": the first at 0:00, three or more, each 10 s or longer;
        # titles in the chapter list are cut with an ellipsis past about 49 characters.
        *description_start_rules("YouTube", SOURCE),
        *length_rules("YouTube", SOURCE, min_seconds=MIN_SECONDS, short_hides_all=True,
                      title_chars=TITLE_CHARACTERS, title_advice=N_("shows titles only to about")),
    ),
    none_hint=N_("paste the chapters into the description (export --format youtube "
                 "--add-zero-chapter)"),
)

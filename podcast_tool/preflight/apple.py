"""Apple Podcasts (iPhone, iPad, Mac, CarPlay)."""

from __future__ import annotations

from podcast_tool.i18n import N_, _
from podcast_tool.images import picture_info
from podcast_tool.preflight.facts import Facts
from podcast_tool.preflight.readers import (
    ID3_LABEL,
    TRACK_LABEL,
    embedded,
    from_sidecar,
    id3_chapters,
    track_chapters,
)
from podcast_tool.preflight.rules import App, Finding, Reading, Rule, description_start_rules

#: Apple Podcasts for Creators, "Podcast artwork requirements": chapter art like show art.
MAX_SIDE = 3000
#: Reports of lists breaking in ID3v2.4 came with long titles and with many chapters.
MANY_CHAPTERS = 50


def read(facts: Facts) -> Reading:
    # Apple Podcasts for Creators, "Audio requirements" and "Add chapters": MP3 with ID3 chapter
    # frames listed by a top-level table of contents, or AAC (M4A) with a chapter track.
    if facts.container == "mp3":
        if facts.id3 is not None and facts.id3.chapters and facts.id3.toc_children is None:
            return Reading(findings=[Finding(
                "no-ctoc", _("the MP3 has CHAP frames but no top-level CTOC: Apple Podcasts lists "
                             "no chapters"),
                hint=_("tag the file again with podcast-tool (it writes the CTOC)"))])
        reading = embedded(facts, ID3_LABEL, id3_chapters(facts), images=True, links=True)
    elif facts.container == "mp4":
        reading = embedded(facts, TRACK_LABEL, track_chapters(facts), images=True, links=True)
    else:
        return Reading(findings=[Finding(
            "format", _("Apple Podcasts does not play {upper} episodes").format(
                          upper=facts.container.upper()),
            hint=_("publish MP3 or M4A for Apple Podcasts"))])
    if reading.chapters:
        return reading
    # Podcasting 2.0 <podcast:chapters> JSON is read since iOS 26.2 (Apple's release notes).
    json = from_sidecar(facts.sidecar("json"), images=True, links=True)
    if json.chapters:
        json.findings.append(Finding("json-recent", _("JSON chapters are read from iOS 26.2 on; "
                                                      "older devices list none"), problem=False))
        return json
    # Apple Podcasts for Creators, "Add chapters": timestamps in the episode description.
    return from_sidecar(facts.sidecar("description"))


def v24_risk(facts: Facts, reading: Reading) -> Finding | None:
    if facts.id3 is None or facts.id3.version != 4 or not reading.chapters:
        return None
    long = [c for c in facts.id3.chapters
            if any(kind == "TIT2" and size >= 128 for kind, size in c.sub_frames)]
    if not long and len(facts.id3.chapters) < MANY_CHAPTERS:
        return None
    what = "long titles" if long else f"{len(facts.id3.chapters)} chapters"
    return Finding("id3v24", _("ID3v2.4 with {what}: chapter lists like this were reported broken "
                               "in Apple Podcasts and worked again in ID3v2.3").format(
                                 what=what),
                   hint=_("tag with --id3v2 3 (the default)"))


def untitled_lead(facts: Facts, reading: Reading) -> Finding | None:
    if reading.source != TRACK_LABEL or not reading.chapters or reading.chapters[0].title:
        return None
    return Finding("untitled-first", _("the chapter track starts with an untitled sample: Apple "
                                       "Podcasts lists an untitled first chapter"),
                   hint=_("tag the file again with this podcast-tool: it titles that sample"))


def artwork(facts: Facts, reading: Reading) -> Finding | None:
    bad = []
    for index, chapter in enumerate(reading.chapters):
        if not chapter.image_data:
            continue
        info = picture_info(chapter.image_data)
        if info.mime is None:
            bad.append(f"{index + 1} (not JPEG or PNG)")
        elif info.width and info.height and max(info.width, info.height) > MAX_SIDE:
            bad.append(f"{index + 1} ({info.width}×{info.height})")
        elif info.transparent:
            bad.append(f"{index + 1} (transparent PNG)")
    if not bad:
        return None
    return Finding("artwork", _("chapter images Apple Podcasts does not show: {join}").format(
                                  join=', '.join(bad)),
                   hint=_("JPEG or PNG without transparency, at most {max_side}×{max_side}").format(
                            max_side=MAX_SIDE))


APP = App(
    key="apple",
    name=N_("Apple Podcasts"),
    reads="MP3: ID3 CHAP listed by a top-level CTOC (v2.3 safest); M4A: the QuickTime chapter "
          "track, its href links and artwork track; else JSON chapters (iOS 26.2+), else "
          "description timestamps",
    source="Apple Podcasts for Creators: audio requirements, chapters, artwork requirements",
    read=read,
    rules=(
        # User reports collected in FORMATS.md (long titles and 50+ chapters broke in v2.4).
        Rule("id3v24", "Apple Podcasts user reports (FORMATS.md)", v24_risk),
        # Samples are durations from 0: AVFoundation lists the leading sample as a chapter.
        Rule("untitled-first", "Apple AVFoundation chapter metadata groups", untitled_lead),
        # Apple Podcasts for Creators, artwork requirements: JPEG/PNG, RGB, up to 3000×3000.
        Rule("artwork", "Apple Podcasts for Creators: artwork requirements", artwork),
        # Apple Podcasts for Creators, "Add chapters": description chapters need 0:00 and 3+.
        *description_start_rules("Apple Podcasts", "Apple Podcasts for Creators: chapters"),
    ),
    none_hint=N_("tag an MP3 or M4A with the chapters"),
)

"""Pocket Casts (Android): MP3 chapters, else the feed's JSON chapters."""

from __future__ import annotations

from dataclasses import replace

from podcast_tool.i18n import N_, _
from podcast_tool.outline.text import is_web_url
from podcast_tool.preflight.facts import Facts
from podcast_tool.preflight.readers import ID3_LABEL, embedded, from_sidecar, id3_chapters
from podcast_tool.preflight.rules import App, Finding, Reading, Rule


def read(facts: Facts) -> Reading:
    # Embedded chapters win over the feed's: dynamic ad insertion shifts feed times.
    file_reading = embedded(facts, ID3_LABEL, id3_chapters(facts), images=True, links=True)
    json = facts.sidecar("json")
    if file_reading.chapters:
        if json is not None and json.chapters:
            file_reading.findings.append(Finding(
                "file-wins", _("the MP3's chapters are shown, not {name}'s").format(name=json.path.name),
                problem=False))
        return file_reading
    reading = from_sidecar(json, images=True, links=True)
    if facts.container in ("mp4", "ogg", "opus", "flac") and not reading.chapters:
        reading.findings.append(Finding(
            "format", _("Pocket Casts for Android reads no chapters in {upper} files").format(
                          upper=facts.container.upper()),
            hint=_("publish a JSON chapters file with the episode (export --format json)")))
    return reading


def hidden(facts: Facts, reading: Reading) -> Finding | None:
    hidden_ones = [c for c in reading.chapters if not c.toc]
    if not hidden_ones:
        return None
    return Finding("toc-false", _("{hidden_ones_count} chapter(s) marked toc: false are not listed").format(
                                    hidden_ones_count=len(hidden_ones)),
                   problem=False, chapters=[c for c in reading.chapters if c.toc])


def web_links_only(facts: Facts, reading: Reading) -> Finding | None:
    dropped = [index + 1 for index, c in enumerate(reading.chapters)
               if c.url and not is_web_url(c.url)]
    if not dropped or not reading.links:
        return None
    return Finding("links", _("links that are not http(s) are not shown: chapter(s) {join}").format(
                                join=', '.join(map(str, dropped))), hint=_("use http:// or https:// links"),
                   chapters=[replace(c, url=None) if c.url and not is_web_url(c.url) else c
                             for c in reading.chapters])


APP = App(
    key="pocketcasts",
    name=N_("Pocket Casts (Android)"),
    reads="MP3 ID3 CHAP (images, http(s) links), winning over feed JSON chapters; no M4A "
          "chapters; JSON toc: false honoured",
    source="Pocket Casts Android source (pocket-casts-android, chapters); FORMATS.md",
    read=read,
    rules=(
        # pocket-casts-android: JSON chapters with toc false are filtered out of the list.
        Rule("toc-false", "pocket-casts-android: chapter parsing", hidden),
        # pocket-casts-android: a chapter URL opens only when it is an http(s) address.
        Rule("links", "pocket-casts-android: chapter links", web_links_only),
    ),
    none_hint=N_("tag an MP3, or publish a JSON chapters file (export --format json)"),
)

"""The RSS 2.0 podcast feed of a batch folder, with Podcasting 2.0 and Podlove chapters.

Written with the standard library's ElementTree: the feed needs three namespaces beyond
iTunes (``podcast:``, ``psc:``, ``content:``) and a byte-identical file when nothing changed,
and ElementTree gives exact control of both with no dependency. The chapters inside the feed
come from the format registry: ``<psc:chapters>`` is the Podlove writer's snippet, the
description's timestamps are the YouTube writer's lines, ``chapters.json`` the JSON writer's.

Items are the recordings of ROOT (paired as ``batch`` pairs them), newest first. A rebuild
keeps each item's guid and date from the feed it replaces, so apps never see an old
episode as new.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import uuid
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

from podcast_tool.errors import PodcastToolError, UsageError
from podcast_tool.i18n import _
from podcast_tool.model import Diagnostic, Episode, Severity
from podcast_tool.publish import files
from podcast_tool.publish.channel import Channel
from podcast_tool.publish.render import markdown_plain, render, safe_url

NAMESPACES = {
    "itunes": "http://www.itunes.com/dtds/podcast-1.0.dtd",
    "content": "http://purl.org/rss/1.0/modules/content/",
    "atom": "http://www.w3.org/2005/Atom",
    "podcast": "https://podcastindex.org/namespace/1.0",
    "psc": "http://podlove.org/simple-chapters",
}
for _prefix, _uri in NAMESPACES.items():
    ET.register_namespace(_prefix, _uri)
#: The podcast namespace's own UUIDv5 namespace for ``<podcast:guid>``.
PODCAST_GUID_NAMESPACE = uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6")
CHAPTERS_TYPE = "application/json+chapters"


def tag(prefix: str, name: str) -> str:
    return f"{{{NAMESPACES[prefix]}}}{name}"


@dataclass
class FeedEpisode:
    """One recording as the feed and the site describe it."""

    #: Its path under ``audio/`` without the extension: the folder of its page on the site.
    key: str
    audio: Path
    #: The chapters; their ``duration_ms`` is the recording's.
    episode: Episode
    language: str
    diagnostics: list[Diagnostic] = field(default_factory=list)

    @property
    def title(self) -> str:
        return self.episode.title or self.audio.stem

    def page_url(self, base_url: str) -> str:
        return files.join_url(base_url, self.key) + "/"

    def audio_url(self, base_url: str) -> str:
        return files.join_url(base_url, self.key, self.audio.name)

    def chapters_url(self, base_url: str) -> str:
        return files.join_url(base_url, self.key, "chapters.json")


@dataclass
class KnownItem:
    guid: str
    pub_date: str


def check_base_url(base_url: str) -> str:
    if not base_url.lower().startswith(("https://", "http://")) or safe_url(base_url) is None:
        raise UsageError(_("--base-url must be the http(s) address the site is published at, "
                           "not {url}").format(url=repr(base_url)))
    return base_url if base_url.endswith("/") else base_url + "/"


def podcast_guid(feed_url: str) -> str:
    """``<podcast:guid>``: UUIDv5 of the feed's address without scheme and trailing slashes."""
    bare = feed_url.split("://", 1)[-1].rstrip("/")
    return str(uuid.uuid5(PODCAST_GUID_NAMESPACE, bare))


def read_known_items(feed: Path) -> dict[str, KnownItem]:
    """guid and date of each item of a feed we wrote before, keyed by its page's path."""
    if not feed.is_file():
        return {}
    try:
        root = ET.parse(feed).getroot()
    except (ET.ParseError, OSError) as error:
        raise PodcastToolError(_("cannot read the existing feed ({error}); move it away to "
                                 "build a new one").format(error=error), path=feed) from None
    known = {}
    for item in root.iter("item"):
        link, guid, date = item.findtext("link"), item.findtext("guid"), item.findtext("pubDate")
        if link and guid and date:
            known[_page_key(link)] = KnownItem(guid.strip(), date.strip())
    return known


def _page_key(link: str) -> str:
    """The last path segment(s) of a page address identify the episode across base URLs."""
    return link.split("://", 1)[-1].rstrip("/").rsplit("/", 1)[-1]


def item_date(entry: FeedEpisode, known: KnownItem | None, today: dt.date) -> str:
    if entry.episode.date is not None:
        moment = dt.datetime.combine(entry.episode.date, dt.time(12, 0), dt.UTC)
        return email.utils.format_datetime(moment, usegmt=True)
    if known is not None:
        return known.pub_date
    entry.diagnostics.append(Diagnostic(
        Severity.WARNING, "feed-no-date",
        _("no date in the outline: the episode is dated today, and keeps that date on later runs"),
        file=str(entry.episode.source) if entry.episode.source else None,
        hint=_("write the date in the outline's title line, e.g. \"du 18 décembre 2020\"")))
    return email.utils.format_datetime(dt.datetime.combine(today, dt.time(12, 0), dt.UTC), usegmt=True)


def duration_text(ms: int) -> str:
    seconds = round(ms / 1000)
    return f"{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


def _text(parent: ET.Element, name: str, text: str, **attributes: str) -> ET.Element:
    element = ET.SubElement(parent, name, attributes)
    element.text = text
    return element


def description_text(entry: FeedEpisode) -> tuple[str, list[Diagnostic]]:
    """Plain-text description: the introduction, then one ``00:00 Title`` line per chapter
    (read as chapters by Apple Podcasts and Spotify, which want the first at 00:00)."""
    from podcast_tool.formats import ExportOptions, get_format

    parts = [markdown_plain(entry.episode.introduction)]
    if entry.episode.chapters:
        from podcast_tool import i18n

        with i18n.language(entry.language):
            opening = _("Opening")
        lines, _warnings = get_format("youtube").dump(entry.episode, ExportOptions(
            add_zero_chapter=True, zero_chapter_title=opening))
        parts.append(lines.strip())
    return "\n\n".join(part for part in parts if part), []


def show_notes_html(entry: FeedEpisode, base_url: str) -> str:
    from podcast_tool.publish.page import page_chapters

    chapters = page_chapters(entry.episode, entry.language, {})
    return render("shownotes.html", entry.language, introduction=entry.episode.introduction,
                  chapters=chapters, page_url=entry.page_url(base_url)).strip()


def podlove_chapters(entry: FeedEpisode) -> ET.Element:
    """The Podlove writer's ``<psc:chapters>`` snippet, as an element of the item."""
    from podcast_tool.formats import ExportOptions, get_format

    snippet, _warnings = get_format("psc").dump(_web_images_only(entry.episode),
                                                ExportOptions(snippet=True))
    return ET.fromstring(snippet)


def _web_images_only(episode: Episode) -> Episode:
    from dataclasses import replace

    from podcast_tool.formats.common import is_web_url

    return replace(episode, chapters=[
        replace(c, image=c.image if c.image and is_web_url(c.image) else None, image_data=None)
        for c in episode.chapters])


def add_item(channel_element: ET.Element, entry: FeedEpisode, base_url: str, guid: str,
             pub_date: str, explicit: bool) -> None:
    item = ET.SubElement(channel_element, "item")
    _text(item, "title", entry.title)
    _text(item, "link", entry.page_url(base_url))
    _text(item, "guid", guid, isPermaLink="false")
    _text(item, "pubDate", pub_date)
    description, _unused = description_text(entry)
    _text(item, "description", description)
    _text(item, tag("content", "encoded"), show_notes_html(entry, base_url))
    ET.SubElement(item, "enclosure", {"url": entry.audio_url(base_url),
                                      "length": str(entry.audio.stat().st_size),
                                      "type": files.audio_type(entry.audio)})
    _text(item, tag("itunes", "title"), entry.title)
    _text(item, tag("itunes", "duration"), duration_text(entry.episode.duration_ms))
    _text(item, tag("itunes", "explicit"), "true" if explicit else "false")
    _text(item, tag("itunes", "episodeType"), "full")
    ET.SubElement(item, tag("podcast", "chapters"), {"url": entry.chapters_url(base_url),
                                                     "type": CHAPTERS_TYPE})
    item.append(podlove_chapters(entry))


def add_channel(rss: ET.Element, channel: Channel, base_url: str, feed_url: str) -> ET.Element:
    element = ET.SubElement(rss, "channel")
    _text(element, "title", channel.title)
    _text(element, "link", channel.link or base_url)
    _text(element, "description", channel.description)
    _text(element, "language", channel.language)
    _text(element, "generator", "podcast-tool")
    if channel.copyright:
        _text(element, "copyright", channel.copyright)
    ET.SubElement(element, tag("atom", "link"), {"href": feed_url, "rel": "self",
                                                 "type": "application/rss+xml"})
    artwork = artwork_url(channel, base_url)
    if artwork:
        image = ET.SubElement(element, "image")
        _text(image, "url", artwork)
        _text(image, "title", channel.title)
        _text(image, "link", channel.link or base_url)
        ET.SubElement(element, tag("itunes", "image"), {"href": artwork})
    if channel.author:
        _text(element, tag("itunes", "author"), channel.author)
    if channel.owner_email:
        owner = ET.SubElement(element, tag("itunes", "owner"))
        _text(owner, tag("itunes", "name"), channel.owner_name or channel.author or channel.title)
        _text(owner, tag("itunes", "email"), channel.owner_email)
    if channel.category:
        category = ET.SubElement(element, tag("itunes", "category"), {"text": channel.category})
        if channel.subcategory:
            ET.SubElement(category, tag("itunes", "category"), {"text": channel.subcategory})
    _text(element, tag("itunes", "explicit"), "true" if channel.explicit else "false")
    _text(element, tag("itunes", "type"), "episodic")
    _text(element, tag("podcast", "guid"), podcast_guid(feed_url))
    return element


def artwork_url(channel: Channel, base_url: str) -> str | None:
    if not channel.artwork:
        return None
    if channel.artwork.lower().startswith(("https://", "http://")):
        return channel.artwork
    return files.join_url(base_url, Path(channel.artwork).name)


def feed_xml(channel: Channel, entries: list[FeedEpisode], base_url: str, feed_url: str,
             known: dict[str, KnownItem], today: dt.date | None = None) -> bytes:
    """The whole feed; the same inputs always give the same bytes."""
    today = today or dt.datetime.now(dt.UTC).date()
    rss = ET.Element("rss", {"version": "2.0"})
    channel_element = add_channel(rss, channel, base_url, feed_url)
    dated = []
    for entry in entries:
        previous = known.get(_page_key(entry.page_url(base_url)))
        pub_date = item_date(entry, previous, today)
        guid = previous.guid if previous else str(uuid.uuid5(uuid.NAMESPACE_URL,
                                                             entry.page_url(base_url)))
        dated.append((email.utils.parsedate_to_datetime(pub_date), entry.key, entry, guid, pub_date))
    dated.sort(key=lambda row: (row[0], row[1]), reverse=True)
    for _moment, _key, entry, guid, pub_date in dated:
        add_item(channel_element, entry, base_url, guid, pub_date, channel.explicit)
    ET.indent(rss)
    return ET.tostring(rss, encoding="utf-8", xml_declaration=True) + b"\n"

"""The recordings of a batch folder, as the feed and the static site publish them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from podcast_tool.errors import PodcastToolError
from podcast_tool.model import Diagnostic
from podcast_tool.publish import files
from podcast_tool.publish.channel import Channel, load_channel
from podcast_tool.publish.feed import FeedEpisode, check_base_url, feed_xml, read_known_items
from podcast_tool.publish.strings import guess_language


@dataclass
class Failure:
    name: str
    error: PodcastToolError | None = None
    message: str = ""

    def text(self) -> str:
        if self.error is not None:
            return str(self.error)
        return f"{self.name}: {self.message}"


@dataclass
class Collection:
    entries: list[FeedEpisode] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    warnings: list[Diagnostic] = field(default_factory=list)


def episode_key(audio: Path, root: Path) -> str:
    try:
        return audio.relative_to(root / "audio").with_suffix("").as_posix()
    except ValueError:
        return audio.stem


def collect(root: Path, skip: set[Path] | None = None) -> Collection:
    """Every paired recording of ROOT, loaded and validated (the ones that fail are listed)."""
    from podcast_tool.batch.plan import plan_folder
    from podcast_tool.batch.report import RecordingOptions
    from podcast_tool.publish.page import load_recording

    plan = plan_folder(root, RecordingOptions())
    found = Collection(warnings=list(plan.warnings))
    for rejected in plan.rejected:
        message = rejected.error.message if rejected.error else ""
        found.failures.append(Failure(rejected.name, message=message))
    for job in plan.jobs:
        if skip and job.audio in skip:
            continue
        try:
            episode, diagnostics = load_recording(job.audio, job.chapters)
        except PodcastToolError as error:
            found.failures.append(Failure(job.name, error))
            continue
        found.entries.append(FeedEpisode(key=episode_key(job.audio, root), audio=job.audio,
                                         episode=episode, language=guess_language(episode),
                                         diagnostics=diagnostics))
    return found


@dataclass
class FeedResult:
    output: Path
    channel: Channel
    collection: Collection
    written: bool


def write_feed(root: Path, base_url: str, output: Path, *, collection: Collection | None = None,
               write_chapters: bool = True, today: dt.date | None = None) -> FeedResult:
    """``output`` (feed.xml) for ROOT's recordings; with ``write_chapters``, also each
    episode's ``KEY/chapters.json`` beside it, where the feed says it is."""
    from podcast_tool.publish.page import sidecar_episode, sidecars

    base_url = check_base_url(base_url)
    channel = load_channel(root)
    collection = collection or collect(root)
    feed_url = files.join_url(base_url, output.name)
    xml = feed_xml(channel, collection.entries, base_url, feed_url, read_known_items(output), today)
    if write_chapters:
        for entry in collection.entries:
            episode = sidecar_episode(entry.episode, {}, entry.page_url(base_url))
            written, _diagnostics = sidecars(episode, entry.audio.name)
            files.write_if_changed(output.parent / entry.key / "chapters.json",
                                   written["chapters.json"])
    return FeedResult(output, channel, collection, files.write_if_changed(output, xml))


@dataclass
class SiteResult:
    site: Path
    tagging: object
    collection: Collection
    feed: FeedResult
    written: list[Path] = field(default_factory=list)


def index_entries(entries: list[FeedEpisode], language: str) -> list[dict[str, object]]:
    from podcast_tool.outline.timecodes import format_duration
    from podcast_tool.publish.page import page_chapters
    from podcast_tool.publish.strings import format_date

    rows = []
    for entry in sorted(entries, key=lambda e: (e.episode.date or dt.date.min, e.key), reverse=True):
        rows.append({
            "title": entry.title,
            "href": files.url_path(entry.key) + "/index.html",
            "date_text": format_date(entry.episode.date, language) if entry.episode.date else None,
            "date_iso": entry.episode.date.isoformat() if entry.episode.date else None,
            "duration_text": format_duration(entry.episode.duration_ms),
            "chapters": [c for c in page_chapters(entry.episode, language, {})],
        })
    return rows


def publish_site(root: Path, site: Path, base_url: str, *, workers: int = 2, snap: bool = False,
                 on_tagged: object = None) -> SiteResult:
    """Tag what needs tagging (as ``batch``), then write every page, the index and the feed."""
    from podcast_tool.batch.plan import plan_folder
    from podcast_tool.batch.report import RecordingOptions, RunSettings, Status
    from podcast_tool.batch.run import run_batch
    from podcast_tool.publish.page import PageOptions, build_page
    from podcast_tool.publish.render import render, static_file

    base_url = check_base_url(base_url)
    channel = load_channel(root)  # a missing or broken podcast.toml stops before any tagging
    site_real = site.resolve()
    if site_real == root.resolve() or root.resolve() in site_real.parents and \
            site_real.relative_to(root.resolve()).parts[0] in ("audio", "chapters"):
        from podcast_tool.errors import UsageError
        from podcast_tool.i18n import _

        raise UsageError(_("the site must not be written inside ROOT's audio/ or chapters/"),
                         path=site)
    tagging = run_batch(plan_folder(root, RecordingOptions(snap=snap)), RunSettings(),
                        workers=workers, on_done=on_tagged)  # type: ignore[arg-type]
    failed = {result.audio for result in tagging.results if result.status is Status.FAILED}
    collection = collect(root, skip=failed)
    collection.failures = [Failure(r.name, message=r.error.message if r.error else "")
                           for r in tagging.results if r.status is Status.FAILED] + \
        [f for f in collection.failures if f.error is not None]
    feed_url = files.join_url(base_url, "feed.xml")
    artwork = root / channel.artwork if channel.artwork and not channel.artwork.lower().startswith(
        ("http://", "https://")) else None
    written: list[Path] = []
    for entry in collection.entries:
        depth = len(entry.key.split("/"))
        options = PageOptions(page_url=entry.page_url(base_url), feed_url=feed_url,
                              index_url="../" * depth + "index.html",
                              artwork=str(artwork) if artwork else channel.artwork or None,
                              artist=channel.author or channel.title, album=channel.title)
        page = build_page(entry.audio, None, site / entry.key, options,
                          loaded=(entry.episode, entry.diagnostics))
        written += page.written
    language = channel.page_language
    site_files = {"page.css": static_file("page.css")}
    index_artwork = None
    if artwork is not None:
        site_files[artwork.name] = artwork.read_bytes()
        index_artwork = files.url_path(artwork.name)
    elif channel.artwork:
        index_artwork = channel.artwork
    site_files["index.html"] = render(
        "index.html", language, channel=channel, base_url=base_url, feed_url="feed.xml",
        artwork=index_artwork, episodes=index_entries(collection.entries, language)).encode("utf-8")
    for name, data in site_files.items():
        if files.write_if_changed(site / name, data):
            written.append(site / name)
    feed = write_feed(root, base_url, site / "feed.xml", collection=collection, write_chapters=False)
    if feed.written:
        written.append(site / "feed.xml")
    return SiteResult(site, tagging, collection, feed, written)

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
            episode, duration_ms, diagnostics = load_recording(job.audio, job.chapters)
        except PodcastToolError as error:
            found.failures.append(Failure(job.name, error))
            continue
        found.entries.append(FeedEpisode(key=episode_key(job.audio, root), audio=job.audio,
                                         episode=episode, duration_ms=duration_ms,
                                         language=guess_language(episode), diagnostics=diagnostics))
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
            written, _diagnostics = sidecars(episode, entry.duration_ms, entry.audio.name)
            files.write_if_changed(output.parent / entry.key / "chapters.json",
                                   written["chapters.json"])
    return FeedResult(output, channel, collection, files.write_if_changed(output, xml))

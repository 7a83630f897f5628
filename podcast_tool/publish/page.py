"""The replay page of one recording: a folder that works from ``file://`` and any static host.

The folder holds ``index.html``, its stylesheet and script, the chapters as WebVTT and
Podcasting 2.0 JSON (written by the format registry's own writers), the chapter images, and
the recording itself unless the page references it by URL. Re-running writes only what
changed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from podcast_tool import i18n
from podcast_tool.errors import UsageError
from podcast_tool.i18n import _
from podcast_tool.images import image_mime
from podcast_tool.model import Chapter, Diagnostic, Episode, effective_ends
from podcast_tool.outline.timecodes import format_duration, format_time
from podcast_tool.publish import files
from podcast_tool.publish.render import STATIC_FILES, markdown_plain, render, safe_url, static_file
from podcast_tool.publish.strings import ANCHOR_PREFIX, LANGUAGES, format_date, guess_language

IMAGE_EXTENSIONS = {"image/jpeg": ".jpg", "image/png": ".png"}
#: How much of the introduction a search engine or a link preview gets.
SUMMARY_CHARACTERS = 300


@dataclass
class PageOptions:
    #: Reference the recording at this URL instead of copying it into the folder.
    audio_url: str | None = None
    #: The public address of the folder once uploaded (links to moments, the embed snippet).
    page_url: str | None = None
    #: ``en`` or ``fr``; None: the episode's own language.
    language: str | None = None
    #: Also write ``embed.html``, an ``<iframe>`` to paste into a CMS page.
    embed: bool = False
    #: Episode artwork: a local JPEG/PNG file or a web address.
    artwork: str | None = None
    #: Shown on lock screens beside the title (the podcast's author or name).
    artist: str | None = None
    album: str | None = None
    #: Links from the page to the site's feed and index (set by ``publish``).
    feed_url: str | None = None
    index_url: str | None = None


@dataclass
class PageResult:
    folder: Path
    #: The chapters; their ``duration_ms`` is the recording's.
    episode: Episode
    language: str
    audio_href: str
    written: list[Path] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)


def load_recording(audio: Path, chapters: Path | None) -> tuple[Episode, list[Diagnostic]]:
    """The recording's chapters (from ``chapters``, else its own), validated against it; the
    episode's ``duration_ms`` is the recording's."""
    from podcast_tool import pipeline

    prepared = pipeline.prepare(audio, chapters if chapters is not None else audio)
    return prepared.episode, prepared.diagnostics


def seconds_text(ms: int) -> str:
    """Seconds for ``#t=`` and data attributes: ``3817`` or ``3817.5``."""
    return str(ms // 1000) if ms % 1000 == 0 else f"{ms / 1000:.3f}".rstrip("0")


def iso_duration(ms: int) -> str:
    seconds, millis = divmod(ms, 1000)
    return f"PT{seconds}.{millis:03d}S" if millis else f"PT{seconds}S"


def notation_of(episode: Episode) -> str:
    return episode.notation if episode.notation in ("fr", "clock") else "clock"


def chapter_images(episode: Episode) -> dict[int, tuple[str, bytes]]:
    """Images to write into the folder: chapter index -> (file name, bytes)."""
    found: dict[int, tuple[str, bytes]] = {}
    for index, chapter in enumerate(episode.chapters, start=1):
        if chapter.image_data:
            mime = image_mime(chapter.image_data) or chapter.image_mime or "image/jpeg"
            found[index] = (f"images/chapter-{index}{IMAGE_EXTENSIONS.get(mime, '.jpg')}",
                            chapter.image_data)
    return found


def _image_reference(chapter: Chapter, local: str | None) -> str | None:
    if local is not None:
        return local
    return chapter.image if chapter.image and re.match(r"https?://", chapter.image, re.I) else None


def page_chapters(episode: Episode, language: str,
                  images: dict[int, tuple[str, bytes]]) -> list[dict[str, Any]]:
    notation = notation_of(episode)
    prefix = ANCHOR_PREFIX[language]
    ends = effective_ends(episode.chapters, episode.duration_ms)
    rows = []
    for index, (chapter, end) in enumerate(zip(episode.chapters, ends, strict=True), start=1):
        local = images[index][0] if index in images else None
        rows.append({
            "anchor": f"{prefix}-{index}",
            "start": seconds_text(chapter.start_ms),
            "end": seconds_text(end) if end is not None else "",
            "time": format_time(chapter.start_ms, notation),
            "iso": iso_duration(chapter.start_ms),
            "title": chapter.title,
            "description": chapter.description,
            "notes": chapter.notes,
            "url": safe_url(chapter.url),
            "image": _image_reference(chapter, local),
        })
    return rows


def summary_text(episode: Episode) -> str:
    text = " ".join(markdown_plain(episode.introduction).split())
    if len(text) > SUMMARY_CHARACTERS:
        text = text[:SUMMARY_CHARACTERS].rsplit(" ", 1)[0] + "…"
    return text


def sidecar_episode(episode: Episode, images: dict[int, tuple[str, bytes]],
                    page_url: str | None) -> Episode:
    """The episode as the sidecars describe it: images by the address they will have online."""
    chapters = []
    for index, chapter in enumerate(episode.chapters, start=1):
        image = chapter.image
        if index in images:
            image = files.join_url(page_url, images[index][0]) if page_url else images[index][0]
        chapters.append(replace(chapter, image=image, image_data=None))
    return replace(episode, chapters=chapters)


def sidecars(episode: Episode, audio_name: str) -> tuple[dict[str, bytes], list[Diagnostic]]:
    """``chapters.vtt`` and ``chapters.json``, from the registry's WebVTT and JSON writers."""
    from podcast_tool.formats import ExportOptions, get_format

    options = ExportOptions(audio_name=audio_name)
    written: dict[str, bytes] = {}
    diagnostics: list[Diagnostic] = []
    for name, file_name in (("vtt", "chapters.vtt"), ("json", "chapters.json")):
        text, more = get_format(name).dump(episode, options)
        written[file_name] = text.encode("utf-8")
        diagnostics += more
    return written, diagnostics


def _artwork(options: PageOptions, folder_files: dict[str, bytes]) -> tuple[str | None, str | None]:
    """(src for the page, absolute URL for previews) of the episode artwork."""
    if not options.artwork:
        return None, None
    if re.match(r"https?://", options.artwork, re.I):
        return options.artwork, options.artwork
    path = Path(options.artwork)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise UsageError(_("cannot read the artwork ({reason})").format(
            reason=error.strerror or error), path=path) from None
    mime = image_mime(data)
    if mime is None:
        raise UsageError(_("the artwork must be a JPEG or PNG image"), path=path)
    name = "cover" + IMAGE_EXTENSIONS[mime]
    folder_files[name] = data
    return name, files.join_url(options.page_url, name) if options.page_url else None


def _script_strings(language: str) -> dict[str, str]:
    with i18n.language(language):
        return {"copied": _("Link copied"), "copyThis": _("Copy this link:")}


def page_context(episode: Episode, language: str, audio_src: str,
                 options: PageOptions, images: dict[int, tuple[str, bytes]],
                 artwork: str | None, artwork_url: str | None) -> dict[str, Any]:
    title = episode.title or (episode.source.stem if episode.source else "") or audio_src
    chapters = page_chapters(episode, language, images)
    data = {
        "title": title,
        "artist": options.artist or "",
        "album": options.album or "",
        "artwork": artwork or artwork_url,
        "pageUrl": options.page_url,
        "chapters": [{"title": c["title"], "start": float(c["start"]), "image": c["image"]}
                     for c in chapters],
        "strings": _script_strings(language),
    }
    return {
        "title": title,
        "summary": summary_text(episode),
        "date_text": format_date(episode.date, language) if episode.date else None,
        "date_iso": episode.date.isoformat() if episode.date else None,
        "duration_text": format_duration(episode.duration_ms) if episode.duration_ms else None,
        "introduction": episode.introduction,
        "audio_src": audio_src,
        "chapters": chapters,
        "artwork": artwork,
        "artwork_url": artwork_url,
        "page_url": options.page_url,
        "feed_url": options.feed_url,
        "index_url": options.index_url,
        "data": data,
    }


def embed_snippet(page_url: str, title: str, language: str) -> str:
    return render("embed.html", language, page_url=page_url, title=title)


def build_page(audio: Path, chapters: Path | None, folder: Path, options: PageOptions | None = None,
               *, loaded: tuple[Episode, list[Diagnostic]] | None = None) -> PageResult:
    """Write the replay page of ``audio`` into ``folder``; only changed files are rewritten.

    ``loaded`` is what ``load_recording`` gave, when the caller already has it.
    """
    options = options or PageOptions()
    if options.language is not None and options.language not in LANGUAGES:
        raise UsageError(_("no page language '{language}' (known: {known})").format(
            language=options.language, known=", ".join(LANGUAGES)))
    if options.embed and not options.page_url:
        raise UsageError(_("--embed needs --page-url: the snippet points at the page's public "
                           "address"))
    if folder.exists() and not folder.is_dir():
        raise UsageError(_("exists and is not a folder"), path=folder)
    episode, diagnostics = loaded or load_recording(audio, chapters)
    diagnostics = list(diagnostics)
    language = options.language or guess_language(episode)
    images = chapter_images(episode)
    folder_files: dict[str, bytes] = {name: data for name, data in images.values()}
    artwork, artwork_url = _artwork(options, folder_files)
    audio_src = safe_url(options.audio_url) if options.audio_url else files.url_path(audio.name)
    if not audio_src:
        raise UsageError(_("--audio-url must be an http(s) address, not {url}").format(
            url=repr(options.audio_url)))
    written, more = sidecars(sidecar_episode(episode, images, options.page_url), audio.name)
    folder_files.update(written)
    diagnostics += [d for d in more if d.code != "image-not-url" or options.page_url]
    context = page_context(episode, language, audio_src, options, images,
                           artwork, artwork_url)
    folder_files["index.html"] = render("page.html", language, **context).encode("utf-8")
    for name in STATIC_FILES:
        folder_files[name] = static_file(name)
    if options.embed:
        assert options.page_url is not None
        folder_files["embed.html"] = embed_snippet(options.page_url, context["title"],
                                                   language).encode("utf-8")
    result = PageResult(folder=folder, episode=episode, language=language, audio_href=audio_src,
                        diagnostics=diagnostics)
    folder.mkdir(parents=True, exist_ok=True)
    if options.audio_url is None:
        target = folder / audio.name
        (result.written if files.copy_if_changed(audio, target) else result.unchanged).append(target)
    for name, data in folder_files.items():
        target = folder / name
        (result.written if files.write_if_changed(target, data) else result.unchanged).append(target)
    return result

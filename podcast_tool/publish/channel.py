"""The podcast itself (the feed's channel), read from ``podcast.toml`` in the batch folder."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from podcast_tool.errors import PodcastToolError, UsageError
from podcast_tool.i18n import _

CHANNEL_FILE = "podcast.toml"
KEYS = ("title", "description", "language", "author", "owner_name", "owner_email", "artwork",
        "category", "subcategory", "explicit", "link", "copyright")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_LANGUAGE = re.compile(r"[a-zA-Z]{2,3}(?:-[a-zA-Z0-9]{2,8})*")

TEMPLATE = """\
# The podcast's own details, read by `podcast-tool feed` and `podcast-tool publish`.
# Podcast apps show them on the podcast's page; Apple Podcasts requires title, description,
# language, artwork, category and explicit.

title = {title}
description = {description}
# A language code: "fr", "fr-FR", "en"...
language = {language}
author = {author}
# Who the directories (Apple Podcasts, Spotify) write to about the feed: not shown to listeners.
owner_name = {author}
owner_email = ""
# A square JPEG or PNG of 1400 to 3000 pixels: a file in this folder, or an https:// address.
artwork = ""
# One of Apple's categories, e.g. "Society & Culture", "Education", "Government", "News".
category = "Society & Culture"
# subcategory = "Documentary"
explicit = false
# The association's website (default: the published site's address).
# link = "https://www.example.org/"
"""


@dataclass(frozen=True)
class Channel:
    title: str
    description: str
    language: str
    author: str = ""
    owner_name: str = ""
    owner_email: str = ""
    artwork: str = ""
    category: str = ""
    subcategory: str = ""
    explicit: bool = False
    link: str = ""
    copyright: str = ""

    @property
    def page_language(self) -> str:
        return "fr" if self.language.lower().startswith("fr") else "en"


def toml_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def outlines_language(root: Path) -> str:
    """The language ROOT's outlines are written in (its first outline's), French by default."""
    from podcast_tool.pipeline import load_chapters
    from podcast_tool.publish.strings import guess_language

    for outline in sorted((root / "chapters").glob("*.md"))[:1]:
        try:
            return guess_language(load_chapters(outline)[0])
        except PodcastToolError:
            break
    return "fr"


def init_channel(root: Path, language: str | None = None) -> Path:
    """Write a ``podcast.toml`` with defaults and comments; never over an existing one.

    ``language`` None: the outlines' (see ``outlines_language``).
    """
    path = root / CHANNEL_FILE
    if path.exists():
        raise UsageError(_("already exists; edit it, or remove it to start again"), path=path)
    from podcast_tool.safewrite import write_file

    language = language or outlines_language(root)

    name = root.resolve().name.replace("-", " ").replace("_", " ").strip() or "Podcast"
    text = TEMPLATE.format(title=toml_string(name[:1].upper() + name[1:]),
                           description=toml_string(_("Replays of our events.")),
                           language=toml_string(language), author=toml_string(""))
    write_file(path, text.encode("utf-8"))
    return path


def load_channel(root: Path) -> Channel:
    path = root / CHANNEL_FILE
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise UsageError(_("no podcast.toml here: the feed needs the podcast's title, description "
                           "and language"), path=root,
                         hint=_("run `podcast-tool feed --init ROOT` to create one")) from None
    except OSError as error:
        raise UsageError(_("cannot read ({reason})").format(reason=error.strerror or error),
                         path=path) from None
    try:
        document = tomllib.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise UsageError(_("not a valid TOML file: {error}").format(error=error), path=path) from None
    unknown = [key for key in document if key not in KEYS]
    if unknown:
        raise UsageError(_("unknown key(s) {unknown} (known: {known})").format(
            unknown=", ".join(unknown), known=", ".join(KEYS)), path=path)
    values: dict[str, object] = {}
    for key, value in document.items():
        wanted = bool if key == "explicit" else str
        if not isinstance(value, wanted):
            raise UsageError(_("{key} must be {kind}").format(
                key=key, kind=_("true or false") if wanted is bool else _("a text in quotes")),
                path=path)
        values[key] = value.strip() if isinstance(value, str) else value
    for key in ("title", "description", "language"):
        if not values.get(key):
            raise UsageError(_("{key} is required and empty").format(key=key), path=path)
    if not _LANGUAGE.fullmatch(str(values["language"])):
        raise UsageError(_("language must be a language code like fr or en-GB, not {value}").format(
            value=repr(values["language"])), path=path)
    email = str(values.get("owner_email", ""))
    if email and not _EMAIL.fullmatch(email):
        raise UsageError(_("owner_email is not an e-mail address: {value}").format(value=email),
                         path=path)
    return Channel(**values)  # type: ignore[arg-type]

"""Before publishing: what each podcast app will show of a recording's chapters.

One module per app (``apple``, ``overcast``, ``castro``, ``pocketcasts``, ``antennapod``,
``kasts``, ``spotify``, ``youtube``, ``ffmpeg_players``, ``web``), each an ``App``: what it
reads, then its rules as data, each citing where the app's behaviour is documented; apps that
behave alike are built by one builder (``embedded_only`` for Castro and Overcast, the
description rules in ``rules`` for Spotify, YouTube and Apple Podcasts). The facts
(``facts.gather``) are read once from the audio file and the sidecars published with it.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path

from podcast_tool.preflight.rules import App, AppReport, evaluate

_MODULES = ("apple", "overcast", "castro", "pocketcasts", "antennapod", "kasts", "spotify",
            "youtube", "ffmpeg_players", "web")


def all_apps() -> list[App]:
    return [importlib.import_module(f"podcast_tool.preflight.{name}").APP for name in _MODULES]


@dataclass
class Preflight:
    audio: Path
    sidecars: list[Path]
    container: str
    duration_ms: int
    reports: list[AppReport]

    @property
    def ok(self) -> bool:
        return all(report.verdict == "ok" for report in self.reports)

    def summary(self) -> str:
        """One line: how many apps show the chapters, and which have problems."""
        shown = [r for r in self.reports if r.verdict != "none"]
        warned = [r.app.shown_name() for r in self.reports if r.verdict == "warning"]
        missing = [r.app.shown_name() for r in self.reports if r.verdict == "none"]
        from podcast_tool.i18n import _, clauses, ngettext

        count = len(self.reports)
        parts = [ngettext("preflight: {shown} of {count} app shows the chapters",
                          "preflight: {shown} of {count} apps show the chapters", count).format(
                              shown=len(shown), count=count)]
        if warned:
            parts.append(_("with problems in {apps}").format(apps=", ".join(warned)))
        if missing:
            parts.append(_("none in {apps}").format(apps=", ".join(missing)))
        return clauses(parts)

    def to_dict(self) -> dict[str, object]:
        return {"audio": str(self.audio), "sidecars": [str(p) for p in self.sidecars],
                "container": self.container, "duration_ms": self.duration_ms, "ok": self.ok,
                "apps": [report.to_dict() for report in self.reports]}


def app_keys() -> list[str]:
    return [app.key for app in all_apps()]


def audio_app_keys() -> list[str]:
    """The apps that read chapters from the audio file itself."""
    return [app.key for app in all_apps() if app.reads_audio]


def summary_after_tagging(audio: str | Path, sidecars: list[Path] | None = None) -> str:
    """The one-line preflight ``tag`` and ``batch`` print; never fails the command."""
    from podcast_tool.errors import PodcastToolError

    keys = None if sidecars else audio_app_keys()
    try:
        return preflight(audio, sidecars or [], keys).summary()
    except PodcastToolError as error:
        from podcast_tool.i18n import _

        return _("preflight: could not read the file back ({message})").format(message=error.message)


def preflight(audio: str | Path, sidecars: list[str | Path] | None = None,
              apps: list[str] | None = None) -> Preflight:
    """What each app (or those named by key) will show of ``audio``'s chapters."""
    from podcast_tool.preflight.facts import gather

    audio = Path(audio)
    paths = [Path(p) for p in sidecars or []]
    facts = gather(audio, paths)
    chosen = [app for app in all_apps() if apps is None or app.key in apps]
    return Preflight(audio, paths, facts.container, facts.duration_ms,
                     [evaluate(app, facts) for app in chosen])

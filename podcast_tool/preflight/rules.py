"""The preflight's machinery: an app is data (what it reads, then its rules), applied to facts.

An ``App`` names the inputs it reads (``read``: which chapters it would list, from which
source) and a tuple of ``Rule``s, each a known behaviour of that app with the place it is
documented (the app's code or documentation) in ``source``. A rule that fires gives a
``Finding``: a problem (the listener sees something wrong or misses chapters) or a note
(how the app shows what is right), with a hint, and may change what the app lists (a
chapter that disappears, a list cut short, times rounded).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Literal

from podcast_tool.i18n import _
from podcast_tool.model import Chapter
from podcast_tool.preflight.facts import Facts

Verdict = Literal["ok", "warning", "none"]


@dataclass
class Finding:
    code: str
    message: str
    hint: str | None = None
    #: False for a note: how the app shows correct chapters (whole seconds…), nothing to fix.
    problem: bool = True
    #: What the app lists instead, when this behaviour changes it.
    chapters: list[Chapter] | None = None


@dataclass
class Reading:
    """What an app reads, before its rules apply."""

    #: The input it lists chapters from ("ID3 chapters in the MP3", "JSON chapters: x.json").
    source: str | None = None
    chapters: list[Chapter] = field(default_factory=list)
    #: Whether the app shows chapter images and links, and uses end times, from this source.
    images: bool = False
    links: bool = False
    ends: bool = False
    #: Findings made while reading (a source read instead of another…).
    findings: list[Finding] = field(default_factory=list)


@dataclass(frozen=True)
class Rule:
    code: str
    #: Where the app's behaviour is documented: its source code or documentation.
    source: str
    check: Callable[[Facts, Reading], Finding | None]


@dataclass(frozen=True)
class App:
    key: str
    name: str
    #: What it reads, in one line (the README's table and ``--json``).
    reads: str
    #: Where what it reads is documented.
    source: str
    read: Callable[[Facts], Reading]
    rules: tuple[Rule, ...] = ()
    #: The hint when it lists no chapter at all.
    none_hint: str = ""
    #: False for apps that read only what is published beside the audio (feed, description).
    reads_audio: bool = True

    def shown_name(self) -> str:
        """The name in the user's language (``name`` stays English in ``--json``)."""
        return _(self.name)


@dataclass
class AppReport:
    app: App
    reading: Reading
    findings: list[Finding]

    @property
    def chapters(self) -> list[Chapter]:
        return self.reading.chapters

    @property
    def verdict(self) -> Verdict:
        if not self.chapters:
            return "none"
        return "warning" if any(f.problem for f in self.findings) else "ok"

    def to_dict(self) -> dict[str, object]:
        reading = self.reading
        return {
            "app": self.app.key,
            "name": self.app.name,
            "verdict": self.verdict,
            "source": reading.source,
            "count": len(self.chapters),
            "chapters": [{"start_ms": c.start_ms, "title": c.title,
                          **({"image": True} if reading.images and has_image(c) else {}),
                          **({"url": c.url} if reading.links and c.url else {})}
                         for c in self.chapters],
            "images": sum(1 for c in self.chapters if has_image(c)) if reading.images else 0,
            "links": sum(1 for c in self.chapters if c.url) if reading.links else 0,
            "ends": "used" if reading.ends else "ignored",
            "problems": [{"code": f.code, "message": f.message, "hint": f.hint,
                          "severity": "problem" if f.problem else "note"} for f in self.findings],
            "reads": self.app.reads,
            "documented": self.app.source,
        }


def has_image(chapter: Chapter) -> bool:
    return bool(chapter.image_data or chapter.image)


def apply_rules(rules: tuple[Rule, ...], facts: Facts, reading: Reading) -> Reading:
    """Run ``rules`` over ``reading``, in order: their findings join it, their changes apply."""
    for rule in rules:
        finding = rule.check(facts, reading)
        if finding is None:
            continue
        reading.findings.append(finding)
        if finding.chapters is not None:
            reading.chapters = finding.chapters
    return reading


def evaluate(app: App, facts: Facts) -> AppReport:
    reading = apply_rules(app.rules, facts, app.read(facts))
    findings = reading.findings
    if not reading.chapters and not any(f.problem for f in findings):
        findings.append(Finding("no-chapters", _("lists no chapters from these files"),
                                hint=_(app.none_hint) if app.none_hint else None))
    return AppReport(app, reading, findings)


# --- helpers the apps' rules share -----------------------------------------------------------

def whole_seconds(chapters: list[Chapter]) -> list[Chapter]:
    return [replace(c, start_ms=c.start_ms // 1000 * 1000) for c in chapters]


def whole_seconds_note(app_name: str) -> Callable[[Facts, Reading], Finding | None]:
    def check(facts: Facts, reading: Reading) -> Finding | None:
        if not any(c.start_ms % 1000 for c in reading.chapters):
            return None
        return Finding("whole-seconds", _("{app_name} reads whole seconds: starts are cut to the "
                                          "second before").format(
                                            app_name=app_name),
                       problem=False, chapters=whole_seconds(reading.chapters))
    return check


def _from_description(reading: Reading) -> bool:
    return reading.source is not None and "description" in reading.source and bool(reading.chapters)


def description_start_rules(app_name: str, source: str) -> tuple[Rule, Rule]:
    """An app that lists the description's timestamps only from 0:00, and only three or more
    (Spotify, YouTube, Apple Podcasts): its rules, documented in ``source``."""

    def first_at_zero(facts: Facts, reading: Reading) -> Finding | None:
        if not _from_description(reading) or reading.chapters[0].start_ms < 1000:
            return None
        return Finding("first-not-at-zero", _("{app_name} shows description chapters only when the "
                                              "first starts at 0:00").format(
                                                app_name=app_name), hint=_("export with --add-zero-chapter"),
                       chapters=[])

    def at_least_three(facts: Facts, reading: Reading) -> Finding | None:
        if not _from_description(reading) or len(reading.chapters) >= 3:
            return None
        return Finding("too-few", _("{app_name} needs at least 3 chapters; there are "
                                    "{chapters_count}").format(
                                      app_name=app_name, chapters_count=len(reading.chapters)),
                       hint=_("add chapters"), chapters=[])

    return Rule("first-not-at-zero", source, first_at_zero), Rule("too-few", source, at_least_three)


def length_rules(app_name: str, source: str, *, min_seconds: int, short_hides_all: bool,
                 title_chars: int, title_advice: str) -> tuple[Rule, Rule]:
    """An app that wants chapters of ``min_seconds`` or more (showing none when
    ``short_hides_all``) and titles of at most ``title_chars`` characters (Spotify, YouTube)."""

    def long_enough(facts: Facts, reading: Reading) -> Finding | None:
        chapters = reading.chapters
        if not chapters:
            return None
        ends = [c.start_ms for c in chapters[1:]] + [facts.duration_ms]
        short = [index + 1 for index, (c, end) in enumerate(zip(chapters, ends, strict=True))
                 if end - c.start_ms < min_seconds * 1000]
        if not short:
            return None
        message = (_("{app_name} wants chapters of {seconds} s or more; chapter(s) {numbers} are "
                     "shorter, so it shows none") if short_hides_all
                   else _("{app_name} wants chapters of {seconds} s or more; chapter(s) {numbers} "
                          "are shorter"))
        return Finding("too-short", message.format(app_name=app_name, seconds=min_seconds,
                                                   numbers=", ".join(map(str, short))),
                       hint=_("merge the short chapters with their neighbours"),
                       chapters=[] if short_hides_all else None)

    def titles_fit(facts: Facts, reading: Reading) -> Finding | None:
        long = [index + 1 for index, c in enumerate(reading.chapters) if len(c.title) > title_chars]
        if not long:
            return None
        return Finding("long-titles", _("{app_name} {title_advice} ({title_chars} characters); "
                                        "chapter(s) {join} are longer").format(
                                          app_name=app_name, title_advice=_(title_advice),
                                          title_chars=title_chars, join=", ".join(map(str, long))),
                       problem=False,
                       hint=_("shorten the titles, or put the detail in the description"))

    return Rule("too-short", source, long_enough), Rule("long-titles", source, titles_fit)

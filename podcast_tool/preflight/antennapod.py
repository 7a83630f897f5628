"""AntennaPod (Android), from its chapter readers' code.

Files in AntennaPod's repository: ``parser/media/…/id3/ChapterReader.java``,
``m4a/M4AChapterReader.java``, ``vorbis/VorbisCommentChapterReader.java``,
``ui/chapters/…/ChapterUtils.java`` (which reader runs, and the checks after it),
``ChapterMerger.java`` (embedded and feed chapters), ``parser/feed/…/PodcastIndexChapterParser``
and the Podlove namespace handler of the feed parser.
"""

from __future__ import annotations

import re
import urllib.parse
from dataclasses import replace

from podcast_tool.i18n import N_, _
from podcast_tool.model import Chapter
from podcast_tool.preflight.facts import PODLOVE_NAMESPACE, Facts
from podcast_tool.preflight.readers import (
    CHPL_LABEL,
    ID3_LABEL,
    VORBIS_LABEL,
    chpl_chapters,
    embedded,
    from_sidecar,
    id3_chapters,
)
from podcast_tool.preflight.rules import App, Finding, Reading, Rule, apply_rules, whole_seconds_note

SOURCE = "AntennaPod source: parser/media (ChapterReader, M4AChapterReader, " \
         "VorbisCommentChapterReader), ChapterUtils, ChapterMerger"
#: ChapterMerger: lists of the same length merge when every start is within this.
MERGE_TOLERANCE_MS = 1000
#: M4AChapterReader reads each title length into a Java (signed) byte.
CHPL_SIGNED_LIMIT = 127


# --- MP3 ---------------------------------------------------------------------------------------

def id3_unsynchronised(facts: Facts, reading: Reading) -> Finding | None:
    if facts.id3 is None or not facts.id3.unsynchronised or not reading.chapters:
        return None
    return Finding("unsync", _("the ID3 tag is unsynchronised: AntennaPod's ID3 reader does not "
                               "undo it and finds no chapter"),
                   hint=_("tag the file again with podcast-tool"),
                   chapters=[])


def id3_link_decoding(facts: Facts, reading: Reading) -> Finding | None:
    changed = []
    chapters = []
    for index, chapter in enumerate(reading.chapters):
        if chapter.url and ("+" in chapter.url or "%" in chapter.url):
            try:
                decoded = urllib.parse.unquote_plus(chapter.url, encoding="latin-1")
            except ValueError:
                decoded = chapter.url
            if decoded != chapter.url:
                changed.append(index + 1)
                chapter = replace(chapter, url=decoded)
        chapters.append(chapter)
    if not changed:
        return None
    return Finding("link-decoded", _("AntennaPod URL-decodes MP3 chapter links ('+' becomes a "
                                     "space, '%2F' a slash), so these links break: chapter(s) "
                                     "{numbers}").format(numbers=", ".join(map(str, changed))),
                   hint=_("avoid '+' and percent-escapes in chapter links (use %20 nowhere either)"),
                   chapters=chapters)


def id3_untitled(facts: Facts, reading: Reading) -> Finding | None:
    if facts.id3 is None:
        return None
    missing = [index for index, c in enumerate(sorted(facts.id3.chapters, key=lambda c: c.start_ms))
               if c.title is None]
    if not missing:
        return None
    chapters = [replace(c, title=str(index)) if index in missing else c
                for index, c in enumerate(reading.chapters)]
    return Finding("untitled", _("{missing_count} chapter(s) have no title: AntennaPod shows their "
                                 "number instead").format(
                                   missing_count=len(missing)),
                   hint=_("give every chapter a title"), chapters=chapters)


ID3_RULES = (
    Rule("unsync", "AntennaPod ID3Reader (no unsynchronisation support)", id3_unsynchronised),
    Rule("link-decoded", "AntennaPod ChapterReader: URLDecoder.decode on WXXX", id3_link_decoding),
    Rule("untitled", "AntennaPod ChapterUtils.enumerateEmptyChapterTitles", id3_untitled),
)


# --- MP4 ---------------------------------------------------------------------------------------

def chpl_missing(facts: Facts, reading: Reading) -> Finding | None:
    if reading.chapters or facts.mp4 is None or not facts.mp4.track:
        return None
    return Finding("no-chpl", _("the MP4 has only a QuickTime chapter track: AntennaPod reads only "
                                "the Nero chapter list (chpl)"), hint=_("tag the file with podcast-tool (it "
                                                               "writes both forms)"))


def chpl_layout(facts: Facts, reading: Reading) -> Finding | None:
    if not reading.chapters or facts.mp4 is None or facts.mp4.chpl_reserved_zero:
        return None
    return Finding("chpl-count", _("the chpl box is not version 1 with zero reserved bytes: "
                                   "AntennaPod reads its chapter count from the wrong bytes"),
                   hint=_("tag the file again with podcast-tool"), chapters=[])


def chpl_long_title(facts: Facts, reading: Reading) -> Finding | None:
    if facts.mp4 is None or not facts.mp4.chpl:
        return None
    first = next((i for i, e in enumerate(facts.mp4.chpl) if len(e.raw) > CHPL_SIGNED_LIMIT), None)
    if first is None:
        return None
    start = facts.mp4.chpl[first].start_ms
    kept = [c for c in reading.chapters
            if any(e.start_ms == c.start_ms for e in facts.mp4.chpl[:first])]
    return Finding("chpl-title", _("chapter {value}'s title takes {raw_count} bytes in chpl: "
                                   "AntennaPod reads title lengths as signed bytes (at most "
                                   "{chpl_signed_limit}) and stops there; it lists {kept_count} "
                                   "chapter(s), none from {value2} s on").format(
                                     value=first + 1, raw_count=len(facts.mp4.chpl[first].raw),
                                     chpl_signed_limit=CHPL_SIGNED_LIMIT, kept_count=len(kept),
                                     value2=start // 1000),
                   hint=_("tag the file again with podcast-tool: it cuts chpl titles at 127 bytes"),
                   chapters=kept)


CHPL_RULES = (
    Rule("no-chpl", "AntennaPod M4AChapterReader: findAtom(\"moov.udta.chpl\") only", chpl_missing),
    Rule("chpl-count", "AntennaPod M4AChapterReader: count read as 4 bytes at offset 5",
         chpl_layout),
    Rule("chpl-title", "AntennaPod M4AChapterReader: new byte[chapterNameSize[0]]", chpl_long_title),
)


# --- Ogg Vorbis and Opus -------------------------------------------------------------------------

_VORBIS_KEY = re.compile(r"chapter\d\d\d.*", re.IGNORECASE | re.DOTALL)


def vorbis_reading(facts: Facts) -> Reading:
    """VorbisCommentChapterReader: the id is two digits of the number, keys are lower-cased."""
    starts: dict[int, int] = {}
    titles: dict[int, str] = {}
    links: dict[int, str] = {}
    order: list[int] = []
    for key, value in facts.vorbis or []:
        if not _VORBIS_KEY.fullmatch(key):
            continue
        ident, attribute = int(key[8:10]), key[10:].lower()
        if attribute == "":
            if ident in starts:
                return Reading(source=VORBIS_LABEL, findings=[Finding(
                    "vorbis-ids", _("comment {key} has the same two-digit id as an earlier "
                                    "chapter: AntennaPod takes the id from two digits of the "
                                    "number only, fails and lists no chapter").format(
                                      key=key), hint=_("at most 100 chapters (CHAPTER000 to CHAPTER099)"))])
            from podcast_tool.containers.vorbis.comments import parse_chapter_time

            start = parse_chapter_time(value.split("-->")[0])
            if start is None:
                return Reading(source=VORBIS_LABEL, findings=[Finding(
                    "vorbis-time", _("{key}={value!r} is not a time AntennaPod reads: no chapter "
                                     "is listed").format(
                                       key=key, value=value))])
            starts[ident] = start
            order.append(ident)
        elif attribute == "name" and ident in starts:
            titles[ident] = value
        elif attribute == "url" and ident in starts:
            links[ident] = value
    chapters = sorted((Chapter(start_ms=starts[i], title=titles.get(i, str(n)), url=links.get(i))
                       for n, i in enumerate(order)), key=lambda c: c.start_ms)
    return embedded(facts, VORBIS_LABEL, chapters, links=True)


VORBIS_RULES = (
    Rule("whole-seconds", "AntennaPod VorbisCommentChapterReader.getStartTimeFromValue",
         whole_seconds_note("AntennaPod")),
)


# --- feed chapters -------------------------------------------------------------------------------

def podlove_namespace(facts: Facts, reading: Reading) -> Finding | None:
    sidecar = facts.sidecar("podlove")
    if sidecar is None or not sidecar.odd_namespaces:
        return None
    return Finding("podlove-namespace", _("{name} declares {odd_namespaces!r}: AntennaPod knows "
                                          "Podlove chapters only under {podlove_namespace!r} and "
                                          "ignores them").format(
                                            name=sidecar.path.name, odd_namespaces=sidecar.odd_namespaces[0],
                                            podlove_namespace=PODLOVE_NAMESPACE),
                   hint=_("use the exact namespace URI"),
                   chapters=[])


def json_hidden_shown(facts: Facts, reading: Reading) -> Finding | None:
    hidden = [index + 1 for index, c in enumerate(reading.chapters) if not c.toc]
    if not hidden:
        return None
    return Finding("toc-ignored", _("AntennaPod ignores toc: false and lists hidden chapter(s) "
                                    "{numbers}").format(numbers=", ".join(map(str, hidden))),
                   problem=False)


JSON_RULES = (
    Rule("toc-ignored", "AntennaPod PodcastIndexChapterParser (no toc field)", json_hidden_shown),
    Rule("whole-seconds", "AntennaPod PodcastIndexChapterParser: startTime read as an int",
         whole_seconds_note("AntennaPod")),
)
PODLOVE_RULES = (
    Rule("podlove-namespace", "AntennaPod feed parser: Podlove namespace handler",
         podlove_namespace),
)


def merge(first: Reading, second: Reading) -> Reading:
    """ChapterMerger.merge: the longer list wins; lists of one length merge if starts agree."""
    if not first.chapters:
        return second if second.chapters else first
    if not second.chapters:
        return first
    if len(second.chapters) != len(first.chapters):
        winner, other = ((second, first) if len(second.chapters) > len(first.chapters)
                         else (first, second))
        winner.findings.append(Finding("merge-count", _("{source} has more chapters than "
                                                        "{source2}: AntennaPod shows only its list").format(
                                                          source=winner.source, source2=other.source),
                                       problem=False))
        return winner
    pairs = list(zip(first.chapters, second.chapters, strict=True))
    if any(abs(a.start_ms - b.start_ms) > MERGE_TOLERANCE_MS for a, b in pairs):
        first.findings.append(Finding("merge-apart", _("{source} and {source2} have starts more "
                                                       "than 1 s apart: AntennaPod does not merge "
                                                       "them").format(
                                                         source=first.source, source2=second.source),
                                      problem=False))
        return first
    second.chapters = [replace(b, title=b.title or a.title, url=b.url or a.url,
                               image=b.image or a.image, image_data=b.image_data or a.image_data)
                       for a, b in pairs]
    second.images = second.images or first.images
    second.findings = first.findings + second.findings
    return second


def read(facts: Facts) -> Reading:
    if facts.container == "mp3":
        media = apply_rules(ID3_RULES, facts, embedded(facts, ID3_LABEL, id3_chapters(facts),
                                                       images=True, links=True))
    elif facts.container == "mp4":
        media = apply_rules(CHPL_RULES, facts, embedded(facts, CHPL_LABEL, chpl_chapters(facts)))
    elif facts.container in ("ogg", "opus"):
        media = apply_rules(VORBIS_RULES, facts, vorbis_reading(facts))
    else:
        media = Reading(findings=[Finding(
            "format", _("AntennaPod has no chapter reader for {upper} files").format(
                          upper=facts.container.upper()),
            hint=_("publish a JSON chapters file with the episode (export --format json)"))]
            if facts.container == "flac" else [])
    podlove = apply_rules(PODLOVE_RULES, facts, from_sidecar(facts.sidecar("podlove"), links=True,
                                                             images=True))
    json = apply_rules(JSON_RULES, facts, from_sidecar(facts.sidecar("json"), links=True,
                                                       images=True))
    findings = media.findings + podlove.findings + json.findings
    result = merge(merge(podlove, media), json)
    for finding in media.findings:
        if finding.code == "format":
            finding.problem = not result.chapters  # the feed's chapters stand in
    result.findings = _unique(findings + result.findings)
    return result


def _unique(findings: list[Finding]) -> list[Finding]:
    seen: list[Finding] = []
    for finding in findings:
        if all(finding is not other for other in seen):
            seen.append(finding)
    return seen


APP = App(
    key="antennapod",
    name=N_("AntennaPod"),
    reads="MP3 ID3 CHAP (CTOC and ends ignored); M4A: chpl only; Ogg/Opus Vorbis comments "
          "(whole seconds); no FLAC; feed Podlove and JSON, merged with the file's",
    source=SOURCE,
    read=read,
    none_hint=N_("tag the file (M4A: with chpl), or publish a JSON chapters file"),
)

"""Files that break (or pass) one app's rule, built with our writers, mutagen and ffmpeg."""

from __future__ import annotations

import json
from pathlib import Path

from mutagen.id3 import CHAP, CTOC, ID3, TIT2, WXXX, CTOCFlags

from podcast_tool import containers
from podcast_tool.model import Chapter, Episode
from podcast_tool.preflight import preflight

THREE = [Chapter(0, "Accueil"), Chapter(4000, "Débat"), Chapter(8000, "Conclusion")]


def tag(path: Path, chapters: list[Chapter] | None = None, **options: object) -> Path:
    containers.write_chapters(path, Episode(list(chapters or THREE), title="Webinaire"),
                              containers.WriteOptions(**options))  # type: ignore[arg-type]
    return path


def report(audio: Path, *sidecars: Path, app: str):
    (found,) = preflight(audio, list(sidecars), [app]).reports
    return found


def codes(found) -> set[str]:
    return {finding.code for finding in found.findings}


def mp3_by_hand(path: Path, *, toc: bool = True, titles: bool = True, url: str | None = None,
                unsync: bool = False) -> Path:
    """An MP3 tagged with mutagen directly: CHAP frames with or without CTOC, TIT2, WXXX."""
    tags = ID3()
    ids = []
    for index, chapter in enumerate(THREE):
        subs = [TIT2(encoding=3, text=[chapter.title])] if titles else []
        if url:
            subs.append(WXXX(encoding=0, desc="", url=url))
        ids.append(f"c{index}")
        tags.add(CHAP(element_id=f"c{index}", start_time=chapter.start_ms,
                      end_time=chapter.start_ms + 4000, start_offset=0xFFFFFFFF,
                      end_offset=0xFFFFFFFF, sub_frames=subs))
    if toc:
        tags.add(CTOC(element_id="toc", flags=CTOCFlags.TOP_LEVEL | CTOCFlags.ORDERED,
                      child_element_ids=ids, sub_frames=[]))
    tags.save(path, v2_version=3)
    if unsync:
        data = bytearray(path.read_bytes())
        data[5] |= 0x80  # the flag alone is what AntennaPod's reader trips on
        path.write_bytes(bytes(data))
    return path


def json_sidecar(path: Path, chapters: list[dict[str, object]]) -> Path:
    path.write_text(json.dumps({"version": "1.2.0", "chapters": chapters}), encoding="utf-8")
    return path


def text_sidecar(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path

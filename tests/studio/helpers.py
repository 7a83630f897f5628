"""A short replay with real pauses, and its outline, for the studio's tests."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import run_ffmpeg

#: Speech-like tone with a 1.5 s pause every 10 s (at 8.5–10, 18.5–20, 28.5–30, 38.5–40 s).
REPLAY_SECONDS = 40
TONE = ("aevalsrc='0.3*sin(2*PI*220*t)*sin(2*PI*3*t)*(1-between(mod(t\\,10)\\,8.5\\,10))'"
        f":s=44100:d={REPLAY_SECONDS}")

OUTLINE = """\
# Webinaire de test — 18 décembre 2020

Déroulé du webinaire :

0'00 **Mot d'accueil**

0'09 **Introduction du sujet** *Définitions et historique*

Une note sous l'introduction.

0'21 **Table ronde**

0'30 **Questions du public**
"""


def make_replay(path: Path) -> Path:
    run_ffmpeg("-f", "lavfi", "-i", TONE, "-f", "lavfi", "-i",
               f"anoisesrc=color=pink:amplitude=0.003:d={REPLAY_SECONDS}:sample_rate=44100",
               "-filter_complex", "[0][1]amix=inputs=2:normalize=0", "-ac", "1",
               "-c:a", "libmp3lame", "-b:a", "48k", path)
    return path


def make_episode(folder: Path, outline: str = OUTLINE) -> tuple[Path, Path]:
    audio = make_replay(folder / "webinaire.mp3")
    chapters = folder / "webinaire.md"
    chapters.write_text(outline, encoding="utf-8")
    return audio, chapters

"""The duration of a 2.5-hour VBR MP3 without a Xing header, against ffmpeg decoding it.

Without a VBR header the only way to know how long an MP3 plays is to count its frames.
Ours walks the frame headers (``containers.id3.mpeg``: 4 bytes read a frame); theirs is
what one does without it, ``ffmpeg -i in.mp3 -f null -`` (a full decode). Also mutagen's
guess, to show how far off it is on the same file.
"""

from __future__ import annotations

from bench.common import OUT, best_of, ffmpeg, long_recording, report


def main() -> None:
    from mutagen.mp3 import MP3

    from podcast_tool.containers import audio_length

    source = long_recording("mp3", seconds=9000)
    path = OUT / "long-vbr-no-xing.mp3"
    if not path.exists():
        ffmpeg("-i", source, "-c:a", "libmp3lame", "-q:a", "6", "-write_xing", "0", path)
    ours = best_of(lambda: audio_length(path), repeat=3)
    theirs = best_of(lambda: ffmpeg("-i", path, "-f", "null", "-"), repeat=1)
    report(f"length of a 2.5-hour VBR MP3 without Xing ({path.stat().st_size / 1e6:.0f} MB) "
           "vs ffmpeg full decode", ours, theirs, target=0.05)
    print(f"  ours: {audio_length(path).duration_ms / 1000:.1f} s; mutagen's guess: "
          f"{MP3(path).info.length:.1f} s")

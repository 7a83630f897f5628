"""``tag --to m4a|mp3 -o OUT``: a copy of a recording in a container that holds chapters.

Raw AAC (ADTS/ADIF) goes into an M4A and MP3 inside a WAV comes out as an MP3 without
re-encoding (a remux: the audio packets are copied as they are); everything else (WAV,
AIFF, FLAC, Speex, WMA…) is converted, which re-encodes the audio, and the caller is
told which of the two happened before it starts. The bundled ffmpeg does the work; the
original is only read, never replaced. The copy is written to a temporary file beside
OUT and renamed when complete, so an interruption never leaves half a file under OUT.
"""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from podcast_tool.errors import PodcastToolError, UsageError, WriteError
from podcast_tool.ffmpeg import ffmpeg_exe
from podcast_tool.i18n import _
from podcast_tool.safewrite import temp_name_for

#: Target name -> (ffmpeg muxer, codecs copied as they are, encoder arguments, what they make).
TARGETS: dict[str, tuple[str, tuple[str, ...], list[str], str]] = {
    "m4a": ("ipod", ("aac", "alac"), ["-c:a", "aac", "-b:a", "128k"], "AAC 128 kb/s"),
    "mp3": ("mp3", ("mp3",), ["-c:a", "libmp3lame", "-b:a", "128k"], "MP3 128 kb/s"),
}
_DURATION = re.compile(r"Duration: (\d+):(\d\d):(\d\d(?:\.\d+)?)")
_AUDIO_STREAM = re.compile(r"Stream #\d+:\d+\S*: Audio: (\w+)")


@dataclass(frozen=True)
class ConversionPlan:
    source: Path
    target: Path
    to: str
    #: The source's audio codec, as ffmpeg names it ("aac", "pcm_s16le"…).
    codec: str
    #: True when the audio is copied as it is; False when it is re-encoded.
    remux: bool
    duration_ms: int | None

    def describe(self) -> str:
        """One sentence for the user, said before the work starts."""
        if self.remux:
            text = _("{source}: {codec} audio copied as it is into {target} (no re-encoding)")
        else:
            text = _("{source}: {codec} audio re-encoded as {encoding} into {target} (its "
                     "container cannot hold chapters as it is)")
        return text.format(source=self.source.name, codec=self.codec.upper() if self.remux
                           else self.codec, target=self.target.name, encoding=TARGETS[self.to][3])


def plan_conversion(source: str | Path, target: str | Path, to: str) -> ConversionPlan:
    """Decide remux or re-encode by what ffmpeg finds in ``source``; refuse unsafe targets."""
    source, target = Path(source), Path(target)
    if to not in TARGETS:
        raise UsageError(_("--to takes {choices}, not {value}").format(
            choices=" | ".join(TARGETS), value=repr(to)))
    if not source.is_file():
        raise PodcastToolError(_("no such file"), path=source)
    if target.exists() or target.is_symlink():
        same = target.exists() and os.path.samefile(source, target)
        raise UsageError(_("-o names the recording itself: --to never replaces the original")
                         if same else _("this file already exists; --to writes a new file"),
                         path=target, hint=_("give -o a new file name"))
    if target.suffix.lower() != f".{to}" and not (to == "m4a" and target.suffix.lower() in
                                                   (".m4b", ".mp4")):
        raise UsageError(_("-o should end in .{extension} for --to {extension}").format(
            extension=to), path=target)
    probe = subprocess.run([ffmpeg_exe(), "-hide_banner", "-nostdin", "-i", str(source)],
                           capture_output=True, check=False)
    info = probe.stderr.decode("utf-8", "replace")
    stream = _AUDIO_STREAM.search(info)
    if stream is None:
        raise PodcastToolError(_("ffmpeg finds no audio in this file, so there is nothing to "
                                 "convert"), path=source)
    codec = stream.group(1)
    duration = _DURATION.search(info)
    duration_ms = None
    if duration:
        hours, minutes, seconds = duration.groups()
        duration_ms = round((int(hours) * 3600 + int(minutes) * 60 + float(seconds)) * 1000)
    return ConversionPlan(source, target, to, codec, codec in TARGETS[to][1], duration_ms)


def convert(plan: ConversionPlan, on_progress: Callable[[int], None] | None = None) -> None:
    """Write ``plan.target``; ``on_progress`` gets the milliseconds of audio done so far."""
    muxer, _copied, encode, _made = TARGETS[plan.to]
    codec_args = ["-c:a", "copy"] if plan.remux else encode
    temp = temp_name_for(plan.target)
    command = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-v", "error", "-nostats",
               "-progress", "pipe:1", "-i", str(plan.source), "-map", "0:a:0", "-vn",
               "-map_metadata", "0", "-map_chapters", "-1", *codec_args, "-f", muxer, str(temp)]
    completed = False
    try:
        with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              stdin=subprocess.DEVNULL) as process:
            assert process.stdout is not None and process.stderr is not None
            for raw in process.stdout:
                key, _equals, value = raw.decode("ascii", "replace").strip().partition("=")
                if key == "out_time_us" and value.isdigit() and on_progress:
                    on_progress(int(value) // 1000)
            errors = process.stderr.read().decode("utf-8", "replace").strip().splitlines()
        if process.returncode != 0:
            raise WriteError(_("ffmpeg could not convert the recording: {details}").format(
                details=" / ".join(errors[-3:])), path=plan.source)
        with open(temp, "rb+") as written:
            os.fsync(written.fileno())
        if plan.target.exists():
            raise WriteError(_("the file appeared while the recording was converted; it was left "
                               "as it was"), path=plan.target)
        os.replace(temp, plan.target)
        completed = True
    except OSError as error:
        raise WriteError(_("could not write the converted recording ({reason})").format(
            reason=error.strerror or error), path=plan.target) from error
    finally:
        if not completed:
            with contextlib.suppress(OSError):
                os.unlink(temp)

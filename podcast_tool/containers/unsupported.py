"""Audio (and other media) that podcast-tool recognises but cannot write chapters into.

Recognising them matters: a user who gives ``show`` an AIFF master or a raw AAC
export must hear what the file is and what to do, not "this is a binary file,
not a text outline". Each entry names the format, says why it cannot carry
chapters that podcast apps read, and gives the fix; ``convert`` says what
``tag --to`` does with it (``remux``: the audio is copied as it is; ``encode``:
it must be re-encoded; ``None``: no conversion is offered).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from podcast_tool.containers.vorbis import ogg_first_packet
from podcast_tool.i18n import N_, _, clauses


@dataclass(frozen=True)
class UnsupportedFormat:
    #: What the file is, for messages ("AIFF audio").
    label: str
    #: Why it cannot carry chapters, as a clause ("AIFF has no chapter markers podcast apps read").
    reason: str
    #: What ``tag --to`` does with it: "remux" (into M4A), "remux-mp3", "encode", or None.
    convert: str | None
    #: Extensions that name the format when the content has no magic bytes of its own.
    extensions: tuple[str, ...] = ()
    #: Extra advice instead of (or before) the conversion hint.
    advice: str | None = None

    def hint(self, name: str = "IN") -> str:
        parts = [_(self.advice)] if self.advice else []
        if self.convert == "remux":
            parts.append(_("podcast-tool tag {name} OUTLINE --to m4a -o episode.m4a puts the same "
                           "audio in an M4A (no re-encoding) and tags that").format(name=name))
        elif self.convert == "remux-mp3":
            parts.append(_("podcast-tool tag {name} OUTLINE --to mp3 -o episode.mp3 takes the MP3 "
                           "out as it is (no re-encoding) and tags that").format(name=name))
        elif self.convert == "encode":
            parts.append(_("podcast-tool tag {name} OUTLINE --to m4a -o episode.m4a (or --to mp3 "
                           "-o episode.mp3) converts it (the audio is re-encoded) and tags the "
                           "copy").format(name=name))
        return clauses(parts) or _("podcast-tool chapters MP3, M4A/M4B, Ogg Vorbis, Opus, FLAC "
                                     "and WAV")

    def message(self) -> str:
        return _("this is {label}, which cannot carry chapters: {reason}").format(
            label=_(self.label), reason=_(self.reason))


def _ogg(prefix: bytes) -> Callable[[bytes], bool]:
    return lambda head: ogg_first_packet(head).startswith(prefix)


def is_adts(head: bytes) -> bool:
    """ADTS AAC frame sync: 12 bits set, layer 00 (MPEG audio has a non-zero layer)."""
    return len(head) >= 7 and head[0] == 0xFF and head[1] & 0xF6 == 0xF0


_NO_CHAPTERS = N_("it has no chapter markers that podcast apps read")

#: (sniff on the first bytes, format), tried in order.
FORMATS: list[tuple[Callable[[bytes], bool], UnsupportedFormat]] = [
    (lambda h: h[:4] == b"FORM" and h[8:12] in (b"AIFF", b"AIFC"),
     UnsupportedFormat(N_("AIFF audio"), _NO_CHAPTERS, "encode", (".aif", ".aiff", ".aifc"))),
    (is_adts, UnsupportedFormat(
        N_("raw AAC audio (ADTS)"), N_("a bare AAC stream has no container to hold chapters"), "remux",
        (".aac",))),
    (lambda h: h.startswith(b"ADIF"), UnsupportedFormat(
        N_("raw AAC audio (ADIF)"), N_("a bare AAC stream has no container to hold chapters"), "remux",
        (".aac",))),
    (_ogg(b"Speex   "), UnsupportedFormat(
        N_("Ogg Speex audio"), N_("ffmpeg and podcast apps read no chapters in Speex streams"), "encode",
        (".spx",))),
    (_ogg(b"\x7fFLAC"), UnsupportedFormat(
        N_("Ogg FLAC audio"), N_("podcast apps read no chapters in FLAC inside Ogg"), None, (".oga",),
        advice=N_("ffmpeg -i IN -c:a copy OUT.flac puts the same FLAC audio in a native FLAC "
                  "file (no re-encoding), which podcast-tool chapters"))),
    (_ogg(b"\x80theora"), UnsupportedFormat(
        N_("Ogg Theora video"), N_("podcast-tool chapters audio files and MP4 video, not Ogg video"), None,
        (".ogv",), advice=N_("ffmpeg -i IN OUT.mp4 makes an MP4 that podcast-tool chapters"))),
    (_ogg(b"fishead"), UnsupportedFormat(
        N_("an Ogg Skeleton stream"), N_("podcast-tool reads no chapters in it"), None, (".ogv", ".ogx"),
        advice=N_("ffmpeg -i IN OUT.mp4 (video) or OUT.m4a (audio) makes a file podcast-tool chapters"))),
    (lambda h: h.startswith(bytes.fromhex("3026b2758e66cf11a6d900aa0062ce6c")), UnsupportedFormat(
        N_("Windows Media audio (ASF/WMA)"), _NO_CHAPTERS, "encode", (".wma", ".asf", ".wmv"))),
    (lambda h: h.startswith(b"\x1aE\xdf\xa3"), UnsupportedFormat(
        N_("Matroska/WebM media"), N_("podcast-tool does not write Matroska chapters, and podcast apps "
           "do not play it"), "encode", (".mka", ".mkv", ".webm"))),
    (lambda h: h.startswith(b"MAC "), UnsupportedFormat(
        N_("Monkey's Audio (APE)"), _NO_CHAPTERS, "encode", (".ape",))),
    (lambda h: h.startswith(b"wvpk"), UnsupportedFormat(
        N_("WavPack audio"), _NO_CHAPTERS, "encode", (".wv",))),
    (lambda h: h.startswith((b"MP+", b"MPCK")), UnsupportedFormat(
        N_("Musepack audio"), _NO_CHAPTERS, "encode", (".mpc", ".mp+", ".mpp"))),
    (lambda h: h.startswith(b"TTA1"), UnsupportedFormat(N_("True Audio (TTA)"), _NO_CHAPTERS, "encode",
                                                        (".tta",))),
    (lambda h: h.startswith(b"tBaK"), UnsupportedFormat(N_("TAK audio"), _NO_CHAPTERS, "encode", (".tak",))),
    (lambda h: h.startswith(b"OFR "), UnsupportedFormat(
        N_("OptimFROG audio"), _NO_CHAPTERS, None, (".ofr", ".ofs"),
        advice=N_("decode it to WAV with OptimFROG's own tool, then convert that"))),
    (lambda h: h.startswith(b"DSD ") or (h.startswith(b"FRM8") and h[12:16] == b"DSD "),
     UnsupportedFormat(N_("DSD audio (DSF/DFF)"), _NO_CHAPTERS, "encode", (".dsf", ".dff"))),
    (lambda h: h.startswith(b"\x0b\x77"), UnsupportedFormat(
        N_("raw AC-3/E-AC-3 audio"), N_("a bare AC-3 stream has no container to hold chapters"), "encode",
        (".ac3", ".eac3"))),
    (lambda h: h.startswith(b"caff"), UnsupportedFormat(
        N_("Core Audio (CAF) audio"), _NO_CHAPTERS, "encode", (".caf",))),
    (lambda h: h.startswith(b"#!AMR"), UnsupportedFormat(
        N_("AMR speech audio"), _NO_CHAPTERS, "encode", (".amr",))),
    (lambda h: h.startswith(b"MThd"), UnsupportedFormat(
        N_("a MIDI file"), N_("MIDI holds notes, not recorded audio"), None, (".mid", ".midi"))),
    (lambda h: h.startswith(b"APETAGEX"), UnsupportedFormat(
        N_("an APEv2 tag without audio"), N_("it holds no audio"), None, (".apev2",))),
]

#: MP3 (or MPEG) audio inside a WAV file: players read no chapters there.
MPEG_IN_WAV = UnsupportedFormat(
    N_("MP3 audio inside a WAV file"), N_("podcast apps do not play it and ffmpeg reads no chapters in it"),
    "remux-mp3")


def identify(head: bytes, suffix: str = "") -> UnsupportedFormat | None:
    """The format of a file we cannot chapter, by content, else by extension (None: unknown)."""
    for sniff, found in FORMATS:
        if sniff(head):
            return found
    if any(byte < 0x09 or 0x0D < byte < 0x20 for byte in head):  # binary, not a misnamed text
        for _sniff, found in FORMATS:
            if suffix in found.extensions:
                return found
    return None

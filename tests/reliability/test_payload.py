"""After every write, the audio payload is byte-identical to the original's, or nothing is written.

``containers.payload`` digests each container's audio (MPEG frames, FLAC frames, Ogg page
bodies and granules, MP4 samples, WAV data) by its own parse; ``safewrite.rewrite`` compares
the new file's digest with the original's before the rename. A writer bug then becomes a
refusal. The ID3 footer flag without a footer was such a bug: ``tag`` cut 10 bytes of the
first MPEG frame and exited 0.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from podcast_tool import containers, safewrite
from podcast_tool.cli import main
from podcast_tool.containers import payload
from podcast_tool.containers.payload import DIGESTS, mpeg_frame_length
from podcast_tool.errors import WriteError
from podcast_tool.model import Chapter, Episode
from tests.conftest import decoded_md5, file_md5, run_ffmpeg
from tests.reliability.test_faults import leftovers

EXTENSIONS = ("mp3", "m4a", "ogg", "opus", "flac", "wav")
EPISODE = Episode(chapters=[Chapter(0, "Accueil"), Chapter(4000, "Débat")])


def syncsafe(raw: bytes) -> int:
    value = 0
    for byte in raw:
        value = (value << 7) | (byte & 0x7F)
    return value


def mpeg_frames(data: bytes) -> bytes:
    """The bytes from the first MPEG frame after the ID3v2 tag (the tag's footer flag ignored)."""
    start = 10 + syncsafe(data[6:10]) if data[:3] == b"ID3" else 0
    while not (mpeg_frame_length(data[start:start + 4])):
        start += 1
    return data[start:]


def test_an_id3_footer_flag_without_a_footer_is_not_trusted(audio_copy, tmp_path):
    audio = audio_copy("mp3")
    data = bytearray(audio.read_bytes())
    assert data[:3] == b"ID3"
    data[3] = 4  # ID3v2.4, where the flag means "a footer follows the tag"
    unflagged = tmp_path / "unflagged.mp3"  # the same file without the stray flag
    unflagged.write_bytes(bytes(data))
    data[5] |= 0x10
    audio.write_bytes(bytes(data))
    frames = mpeg_frames(bytes(data))
    decoded = decoded_md5(unflagged)  # ffmpeg trusts the flag too, so decode the file unflagged
    plan = tmp_path / "plan.md"
    plan.write_text("- 0'00 Accueil\n- 0'04 Débat\n", "utf-8")
    result = CliRunner().invoke(main, ["tag", str(audio), str(plan)])
    assert result.exit_code == 0, result.output
    assert mpeg_frames(audio.read_bytes()) == frames  # the first frame whole, every frame kept
    assert decoded_md5(audio) == decoded
    assert len(containers.read_chapters(audio).chapters) == 2


def test_a_real_id3_footer_is_skipped(audio_copy):
    audio = audio_copy("mp3")
    data = bytearray(audio.read_bytes())
    data[3], data[5] = 4, data[5] | 0x10
    end = 10 + syncsafe(data[6:10])
    footer = b"3DI" + bytes(data[3:10])
    audio.write_bytes(bytes(data[:end]) + footer + bytes(data[end:]))
    frames = mpeg_frames(audio.read_bytes())
    assert frames == mpeg_frames(bytes(data))
    containers.write_chapters(audio, EPISODE)
    assert mpeg_frames(audio.read_bytes()) == frames
    assert b"3DI" not in audio.read_bytes()[:end + 10]


@pytest.mark.parametrize("ext", EXTENSIONS)
def test_a_write_that_would_change_the_audio_is_refused(audio_copy, monkeypatch, ext):
    audio = audio_copy(ext)  # fresh: its tag has no room for chapters, so a new file is written
    if ext == "m4a":  # moov first with no room after it (a moov at the end grows in place)
        faststart = audio.with_name("faststart.m4a")
        run_ffmpeg("-i", audio, "-c", "copy", "-movflags", "+faststart", faststart)
        faststart.replace(audio)
    before = file_md5(audio)
    real_check = safewrite._check_payload

    def check_after_a_bug(target: Path, watch: int, temp: Path, started: os.stat_result) -> None:
        # A writer bug: one byte of the audio, three quarters into the new file, changed.
        size = temp.stat().st_size
        if size > 1000:
            with temp.open("r+b") as other:
                other.seek(size * 3 // 4)
                byte = other.read(1)[0]
                other.seek(size * 3 // 4)
                other.write(bytes([byte ^ 0x55]))
        real_check(target, watch, temp, started)

    monkeypatch.setattr(safewrite, "_check_payload", check_after_a_bug)
    with pytest.raises(WriteError, match="the audio would not have stayed byte-identical"):
        containers.write_chapters(audio, Episode(chapters=[Chapter(0, "Autre titre")]))
    assert file_md5(audio) == before
    assert leftovers(audio.parent) == []


@pytest.mark.parametrize("ext", EXTENSIONS)
def test_the_payload_digest_ignores_tags_and_sees_the_audio(audio_copy, ext):
    """Tags and chapters do not change it; one byte of audio does."""
    audio = audio_copy(ext)
    digest = DIGESTS[containers.detect(audio).name]
    with audio.open("rb") as handle:
        untagged = digest(handle)
    assert untagged is not None
    containers.write_chapters(audio, Episode(chapters=[Chapter(0, "T" * 3000)], title="Épisode"))
    with audio.open("rb") as handle:
        assert digest(handle) == untagged
    data = bytearray(audio.read_bytes())
    data[len(data) * 3 // 4] ^= 0x55
    audio.write_bytes(bytes(data))
    with audio.open("rb") as handle:
        assert digest(handle) != untagged


def test_payloads_are_compared_range_against_range_however_they_are_cut(tmp_path):
    """The same bytes at other offsets, in other pieces, compare equal; one byte off does not."""
    audio = os.urandom(3 * payload.BLOCK + 12345)
    first, second = tmp_path / "first", tmp_path / "second"
    first.write_bytes(b"tag" + audio)
    second.write_bytes(b"a longer tag" + audio[:1000] + b"junk" + audio[1000:])
    with first.open("rb") as one, second.open("rb") as other:
        whole = [(3, len(audio))]
        cut = [(12, 1000), (1016, len(audio) - 1000)]
        assert payload.same_payload(one, whole, other, cut)
        assert not payload.same_payload(one, whole, other, [(12, 1000), (1016, len(audio) - 1001)])
        assert not payload.same_payload(one, whole, other, [(12, 1000), (1015, len(audio) - 1000)])
    changed = bytearray(second.read_bytes())
    changed[-1] ^= 1
    second.write_bytes(bytes(changed))
    with first.open("rb") as one, second.open("rb") as other:
        assert not payload.same_payload(one, whole, other, cut)


@pytest.mark.parametrize("ext", ["mp3", "m4a", "flac", "wav"])
def test_the_range_comparison_agrees_with_the_digest(audio_copy, tmp_path, ext):
    audio = audio_copy(ext)
    digest = DIGESTS[containers.detect(audio).name]
    original = tmp_path / f"original.{ext}"
    original.write_bytes(audio.read_bytes())
    containers.write_chapters(audio, Episode(chapters=[Chapter(0, "T" * 3000)], title="Épisode"))
    with original.open("rb") as before, audio.open("rb") as after:
        assert digest.same(before, after)
    data = bytearray(audio.read_bytes())
    data[len(data) * 3 // 4] ^= 0x55
    audio.write_bytes(bytes(data))
    with original.open("rb") as before, audio.open("rb") as after:
        assert not digest.same(before, after)


@pytest.mark.parametrize("ext", ["mp3", "flac", "wav"])  # a cut MP4's mdat box runs past its end
def test_a_file_cut_short_compares_equal_to_its_copy(audio_copy, tmp_path, ext):
    """An interrupted copy's tables point past its end; its own copy carries the same cut, and
    a copy cut shorter still does not."""
    audio = audio_copy(ext)
    data = audio.read_bytes()
    digest = DIGESTS[containers.detect(audio).name]
    cut, copy, shorter = (tmp_path / f"{name}.{ext}" for name in ("cut", "copy", "shorter"))
    cut.write_bytes(data[:len(data) * 4 // 5])
    copy.write_bytes(data[:len(data) * 4 // 5])
    shorter.write_bytes(data[:len(data) * 4 // 5 - 100])
    with cut.open("rb") as before, copy.open("rb") as after, shorter.open("rb") as short:
        assert digest.ranges(before)
        assert digest.same(before, after)
        assert not digest.same(before, short)

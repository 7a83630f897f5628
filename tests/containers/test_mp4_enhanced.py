"""MP4 chapter links and artwork, Apple's way: ``href`` in the text samples, and a disabled
video track of JPEG/PNG samples named by ``tref/chap``. Checked box by box, and with ffmpeg."""

from __future__ import annotations

import struct
import subprocess
from pathlib import Path

import pytest

from podcast_tool import containers
from podcast_tool.containers.mp4.boxes import Box, parse_box, scan_top_level
from podcast_tool.ffmpeg import ffmpeg_exe
from podcast_tool.model import Chapter, Episode
from podcast_tool.preflight import preflight
from tests.conftest import decoded_md5, ffmpeg_chapters, run_ffmpeg
from tests.preflight.test_rules import _png


@pytest.fixture(scope="module")
def jpeg(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    path = tmp_path_factory.mktemp("art") / "red.jpg"
    run_ffmpeg("-f", "lavfi", "-i", "color=red:s=64x48", "-frames:v", "1", path)
    return path.read_bytes()


def moov(path: Path) -> Box:
    with path.open("rb") as handle:
        tops, _ = scan_top_level(handle, path.stat().st_size)
        top = next(t for t in tops if t.kind == b"moov")
        handle.seek(top.offset)
        return parse_box(handle.read(top.size))


def tracks(movie: Box) -> dict[bytes, Box]:
    """Tracks by handler type."""
    return {trak.path(b"mdia", b"hdlr").payload[8:12]: trak for trak in movie.find_all(b"trak")}


def u32s(payload: bytes, start: int) -> list[int]:
    count = struct.unpack_from(">I", payload, start)[0]
    return list(struct.unpack_from(f">{count}I", payload, start + 4))


def test_links_and_artwork_box_by_box_and_with_ffmpeg(audio_copy, jpeg):
    path = audio_copy("m4a")
    pcm = decoded_md5(path)
    png = _png(32, 32, alpha=False)
    chapters = [Chapter(0, "Accueil", url="https://fas.fr/accueil", image_data=jpeg,
                        image_mime="image/jpeg"),
                Chapter(4000, "Débat"),  # no image: it shows the one before
                Chapter(8000, "Fin", url="https://fas.fr/fin", image_data=png,
                        image_mime="image/png")]
    report = containers.write_chapters(path, Episode(chapters, title="Webinaire"))
    codes = [d.code for d in report.diagnostics]
    assert "mp4-not-kept" not in codes
    # One track, one image type (ffmpeg decodes a track with one codec): the PNG is left out.
    assert codes.count("mp4-image-type") == 1
    data = path.read_bytes()
    movie = moov(path)
    by_handler = tracks(movie)
    audio, text, video = by_handler[b"soun"], by_handler[b"text"], by_handler[b"vide"]

    def track_id(trak: Box) -> int:
        return struct.unpack_from(">I", trak.find(b"tkhd").payload, 12)[0]

    # The audio track names both chapter tracks; both are in the movie but not enabled.
    assert u32s(b"\0\0\0\0" + struct.pack(">I", 2) + audio.path(b"tref", b"chap").payload, 4) \
        == [track_id(text), track_id(video)]
    for trak in (text, video):
        assert trak.find(b"tkhd").payload[3] == 2
    width, height = struct.unpack_from(">II", video.find(b"tkhd").payload, 76)
    assert (width >> 16, height >> 16) == (64, 48)
    stbl = video.path(b"mdia", b"minf", b"stbl")
    assert video.path(b"mdia", b"minf", b"vmhd") is not None
    stsd = stbl.find(b"stsd").payload
    assert struct.unpack_from(">I", stsd, 4)[0] == 1 and stsd[12:16] == b"jpeg"
    assert struct.unpack_from(">HH", stsd, 8 + 8 + 24) == (64, 48)
    sizes = u32s(stbl.find(b"stsz").payload, 8)
    offsets = u32s(stbl.find(b"stco").payload, 4)
    assert sizes == [len(jpeg)] * 3
    # The repeated image is stored once; every offset points at the image's own bytes.
    assert offsets[0] == offsets[1] == offsets[2]
    assert [data[o:o + s] for o, s in zip(offsets, sizes, strict=True)] == [jpeg] * 3
    assert struct.unpack_from(">I", stbl.find(b"stts").payload, 4)[0] == 3  # one entry a sample
    # Text samples: title, encd, then href with the link.
    text_stbl = text.path(b"mdia", b"minf", b"stbl")
    text_offset = u32s(text_stbl.find(b"stco").payload, 4)[0]
    first = data[text_offset:text_offset + u32s(text_stbl.find(b"stsz").payload, 8)[0]]
    length = struct.unpack_from(">H", first)[0]
    assert first[2:2 + length] == b"Accueil"
    href = first[2 + length + 12:]
    assert href[4:8] == b"href" and struct.unpack_from(">HHB", href, 8) == (0, 7, 22)
    assert href[13:13 + 22] == b"https://fas.fr/accueil"

    # ffmpeg: the chapters as before, the artwork as an attached picture, the audio untouched.
    assert [c["title"] for c in ffmpeg_chapters(path)] == ["Accueil", "Débat", "Fin"]
    probe = subprocess.run([ffmpeg_exe(), "-hide_banner", "-i", str(path)], capture_output=True,
                           text=True, check=False).stderr
    assert "Video: mjpeg" in probe and "(attached pic)" in probe
    picture = path.with_suffix(".jpg")
    run_ffmpeg("-i", path, "-map", "0:v:0", "-c", "copy", "-frames:v", "1", picture)
    assert picture.read_bytes() == jpeg
    assert decoded_md5(path) == pcm

    # Read back: links and images come back; the preflight counts them for Apple Podcasts.
    ours = containers.read_chapters(path).chapters
    assert [c.url for c in ours] == ["https://fas.fr/accueil", None, "https://fas.fr/fin"]
    assert [c.image_data for c in ours] == [jpeg, jpeg, jpeg]
    (apple,) = preflight(path, [], ["apple"]).reports
    assert apple.verdict == "ok"
    assert apple.to_dict()["images"] == 3 and apple.to_dict()["links"] == 2

    # Re-tagging without images leaves no artwork track (nor its data) behind.
    containers.write_chapters(path, Episode([Chapter(0, "Seul")]))
    assert b"vide" not in tracks(moov(path))
    assert jpeg not in path.read_bytes()
    assert decoded_md5(path) == pcm


def test_png_artwork_reads_in_ffmpeg(audio_copy):
    path = audio_copy("m4a")
    png = _png(32, 24, alpha=False)
    containers.write_chapters(path, Episode([Chapter(2000, "Accueil", image_data=png,
                                                     image_mime="image/png")]))
    probe = subprocess.run([ffmpeg_exe(), "-hide_banner", "-i", str(path)], capture_output=True,
                           text=True, check=False).stderr
    assert "Video: png" in probe and "32x24" in probe and "(attached pic)" in probe
    # The opening before 0'02 shows the first image too.
    assert [c.image_data for c in containers.read_chapters(path).chapters] == [png]

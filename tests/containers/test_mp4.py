"""MP4 family chapters: chpl + QuickTime chapter track, checked with ffmpeg and mutagen."""

from __future__ import annotations

import os
import shutil
import signal
import struct
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from mutagen.mp4 import MP4, MP4Cover, MP4FreeForm

from podcast_tool import containers
from podcast_tool.containers.mp4 import MP4 as CONTAINER
from podcast_tool.containers.mp4 import layout as mp4_module
from podcast_tool.containers.mp4.boxes import Box, Relocation
from podcast_tool.containers.mp4.chapter_edit import OffsetTable
from podcast_tool.errors import AudioFileError, ChapterFormatError, WriteError
from podcast_tool.model import Chapter, Episode, Severity
from tests.conftest import decoded_md5, ffmpeg_chapters, file_md5, run_ffmpeg, synthesize

#: The seed outline's first chapters, squeezed into a 12-second file.
SEED_LIKE = [
    (500, "Mot d'accueil de Daniel Delaveau"),
    (2000, "Introduction du sujet par Adrien Bréger"),
    (4000, "Tableau Ronde 1 : Pourquoi développer le travail pair ?"),
    (7000, "Questions du public"),
    (9500, "Jean-Claude Laurent : Conclusion et remerciements"),
]


def episode(pairs: list[tuple[int, str]] = SEED_LIKE) -> Episode:
    return Episode(chapters=[Chapter(start_ms=start, title=title) for start, title in pairs])


# --- an independent, minimal box walker for structural checks ---------------------------------

def boxes(data: bytes, start: int = 0, end: int | None = None) -> list[tuple[bytes, int, int]]:
    """(kind, body start, body end) of the boxes in data[start:end]."""
    end = len(data) if end is None else end
    found = []
    while start + 8 <= end:
        size, kind = struct.unpack_from(">I4s", data, start)
        header = 8
        if size == 1:
            size, header = struct.unpack_from(">Q", data, start + 8)[0], 16
        elif size == 0:
            size = end - start
        found.append((kind, start + header, start + size))
        start += size
    return found


def child(data: bytes, parent: tuple[bytes, int, int], kind: bytes) -> tuple[bytes, int, int]:
    return next(box for box in boxes(data, parent[1], parent[2]) if box[0] == kind)


def top_kinds(path: Path) -> list[bytes]:
    return [kind for kind, _, _ in boxes(path.read_bytes())]


def moov_of(data: bytes) -> tuple[bytes, int, int]:
    return next(box for box in boxes(data) if box[0] == b"moov")


def handlers(path: Path) -> list[bytes]:
    data = path.read_bytes()
    moov = moov_of(data)
    found = []
    for trak in (box for box in boxes(data, moov[1], moov[2]) if box[0] == b"trak"):
        hdlr = child(data, child(data, trak, b"mdia"), b"hdlr")
        found.append(data[hdlr[1] + 8:hdlr[1] + 12])
    return found


def ilst_bytes(path: Path) -> bytes:
    data = path.read_bytes()
    udta = child(data, moov_of(data), b"udta")
    meta = child(data, udta, b"meta")
    ilst = child(data, (b"meta", meta[1] + 4, meta[2]), b"ilst")
    return data[ilst[1]:ilst[2]]


def elst_bytes(path: Path) -> bytes:
    data = path.read_bytes()
    trak = child(data, moov_of(data), b"trak")
    elst = child(data, child(data, trak, b"edts"), b"elst")
    return data[elst[1]:elst[2]]


# --- media ---------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def variants(tmp_path_factory: pytest.TempPathFactory, make_media: Callable[..., Path]
             ) -> dict[str, Path]:
    """Originals of every layout and codec we claim (never written to)."""
    folder = tmp_path_factory.mktemp("mp4-variants")
    m4a = make_media("m4a")
    found = {"m4a": m4a, "m4b": make_media("m4b")}
    found["faststart"] = folder / "faststart.m4a"
    run_ffmpeg("-i", m4a, "-c", "copy", "-movflags", "+faststart", found["faststart"])
    found["alac"] = synthesize(folder / "alac.m4a", 6, ["-c:a", "alac", "-f", "mp4"])
    return found


@pytest.fixture
def copy_of(variants: dict[str, Path], tmp_path: Path) -> Callable[[str], Path]:
    def copy(name: str) -> Path:
        target = tmp_path / f"{name}.{'m4b' if name == 'm4b' else 'm4a'}"
        shutil.copyfile(variants[name], target)
        return target

    return copy


def ffmpeg_chaptered(source: Path, target: Path, pairs: list[tuple[int, str]],
                     extra: tuple[str, ...] = ()) -> Path:
    """``target``: ``source`` remuxed by ffmpeg with chapters (its own track + chpl)."""
    lines = [";FFMETADATA1", "title=Episode from ffmpeg"]
    ends = [start for start, _ in pairs[1:]] + [12000]
    for (start, title), end in zip(pairs, ends, strict=True):
        lines += ["[CHAPTER]", "TIMEBASE=1/1000", f"START={start}", f"END={end}", f"title={title}"]
    meta = target.with_suffix(".txt")
    meta.write_text("\n".join(lines) + "\n", encoding="utf-8")
    run_ffmpeg("-i", source, "-i", meta, "-map", "0", "-map_metadata", "1", "-map_chapters", "1",
               "-c", "copy", *extra, target)
    return target


# --- round trips ----------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["m4a", "m4b", "faststart", "alac"])
def test_chapters_read_back_by_ffmpeg_and_mutagen(name: str, copy_of: Callable[[str], Path]
                                                  ) -> None:
    path = copy_of(name)
    pcm_before = decoded_md5(path)
    ftyp_before = path.read_bytes()[:boxes(path.read_bytes())[0][2]]
    pairs = SEED_LIKE if name != "alac" else SEED_LIKE[:3]
    report = containers.write_chapters(path, episode(pairs))

    theirs = ffmpeg_chapters(path)
    # The QuickTime track starts at 0: its lead-in sample carries a title (the episode's, else
    # the file's name), or ffmpeg (which reads the track) would list an untitled chapter.
    assert [(c["start_ms"], c["title"]) for c in theirs] == [(0, path.stem), *pairs]
    assert theirs[-1]["end_ms"] == (12000 if name != "alac" else 6000)
    nero = MP4(path).chapters
    assert nero is not None
    assert [(round(c.start * 1000), c.title) for c in nero] == pairs
    ours = containers.read_chapters(path)
    assert [(c.start_ms, c.title) for c in ours.chapters] == pairs
    assert [c.end_ms for c in ours.chapters] == [start for start, _ in pairs[1:]] + [
        theirs[-1]["end_ms"]]
    assert [d.code for d in report.diagnostics] == ["mp4-preroll-titled"]
    assert report.diagnostics[0].severity is Severity.INFO

    assert decoded_md5(path) == pcm_before
    assert path.read_bytes()[:len(ftyp_before)] == ftyp_before
    assert handlers(path).count(b"text") == 1


def test_first_chapter_at_zero_needs_no_lead_in(copy_of: Callable[[str], Path]) -> None:
    path = copy_of("m4a")
    pairs = [(0, "Ouverture"), (6000, "Suite")]
    report = containers.write_chapters(path, episode(pairs))
    assert report.diagnostics == []
    assert [(c["start_ms"], c["title"]) for c in ffmpeg_chapters(path)] == pairs


@pytest.mark.parametrize("name", ["m4a", "faststart"])
def test_layout_is_kept(name: str, copy_of: Callable[[str], Path]) -> None:
    path = copy_of(name)
    kinds = top_kinds(path)
    containers.write_chapters(path, episode())
    # Only the chapters' own mdat is new, right after moov; faststart stays faststart.
    at = kinds.index(b"moov") + 1
    assert top_kinds(path) == [*kinds[:at], b"mdat", *kinds[at:]]
    assert (kinds.index(b"moov") < kinds.index(b"mdat")) == (name == "faststart")


@pytest.mark.parametrize("name", ["m4a", "faststart"])
def test_retagging_ten_times_is_stable(name: str, copy_of: Callable[[str], Path]) -> None:
    path = copy_of(name)
    pcm = decoded_md5(path)
    sizes = []
    for round_number in range(10):
        pairs = [(start, f"{title} #{round_number % 2}") for start, title in SEED_LIKE]
        containers.write_chapters(path, episode(pairs))
        sizes.append(path.stat().st_size)
    assert len(set(sizes)) == 1
    assert top_kinds(path).count(b"mdat") == 2  # the audio's and the chapters'
    assert handlers(path).count(b"text") == 1
    assert [c["title"] for c in ffmpeg_chapters(path)][1:] == [f"{t} #1" for _, t in SEED_LIKE]
    assert decoded_md5(path) == pcm


@pytest.mark.parametrize("faststart", [False, True])
def test_ffmpeg_chapters_are_replaced_not_doubled(faststart: bool, make_media: Callable[..., Path],
                                                  tmp_path: Path) -> None:
    extra = ("-movflags", "+faststart") if faststart else ()
    path = ffmpeg_chaptered(make_media("m4a"), tmp_path / "ffmpeg.m4a",
                            [(0, "Old one"), (5000, "Old two"), (8000, "Old three")], extra)
    assert [c.title for c in containers.read_chapters(path).chapters] == [
        "Old one", "Old two", "Old three"]
    pcm = decoded_md5(path)
    containers.write_chapters(path, episode())
    assert [c["title"] for c in ffmpeg_chapters(path)] == [path.stem, *(t for _, t in SEED_LIKE)]
    assert [c.title for c in MP4(path).chapters] == [t for _, t in SEED_LIKE]
    assert handlers(path).count(b"text") == 1
    assert containers.read_chapters(path).title == "Episode from ffmpeg"
    size = path.stat().st_size
    containers.write_chapters(path, episode())
    assert path.stat().st_size == size
    assert decoded_md5(path) == pcm


def test_read_falls_back_to_chpl(copy_of: Callable[[str], Path]) -> None:
    path = copy_of("m4a")
    containers.write_chapters(path, episode())
    data = path.read_bytes()
    reference = struct.pack(">I4s", 12, b"chap")
    assert data.count(reference) == 1
    path.write_bytes(data.replace(reference, struct.pack(">I4s", 12, b"hint")))  # unlink the track
    chapters = containers.read_chapters(path).chapters
    assert [(c.start_ms, c.title, c.end_ms) for c in chapters] == [
        (start, title, end) for (start, title), end
        in zip(SEED_LIKE, [s for s, _ in SEED_LIKE[1:]] + [12000], strict=True)]


# --- everything else survives ---------------------------------------------------------------

def test_tags_cover_freeform_gapless_and_edit_list_survive(copy_of: Callable[[str], Path],
                                                          tmp_path: Path) -> None:
    source = copy_of("m4b")
    path = tmp_path / "covered.m4b"
    cover = tmp_path / "cover.png"
    run_ffmpeg("-f", "lavfi", "-i", "color=c=red:s=32x32:d=1", "-frames:v", "1", cover)
    run_ffmpeg("-i", source, "-i", cover, "-map", "0", "-map", "1", "-c", "copy",
               "-disposition:v", "attached_pic", "-metadata", "artist=FAS Bretagne",
               "-brand", "M4B ", "-f", "mp4", path)
    tags = MP4(path)
    tags["----:com.apple.iTunes:iTunSMPB"] = [MP4FreeForm(
        b" 00000000 00000840 000001C0 0000000000082A00 00000000")]
    tags["----:org.podcast-tool:custom"] = [MP4FreeForm("valeur é".encode())]
    tags["©nam"] = ["Travail pair"]
    tags["aART"] = ["FAS"]
    tags.save()
    before = MP4(path).tags
    assert before is not None and len(before["covr"][0]) > 50
    ilst, elst = ilst_bytes(path), elst_bytes(path)
    ftyp = path.read_bytes()[:32]

    containers.write_chapters(path, episode())

    after = MP4(path).tags
    assert after is not None
    assert dict(after) == dict(before)
    assert isinstance(after["covr"][0], MP4Cover)
    assert ilst_bytes(path) == ilst
    assert elst_bytes(path) == elst
    assert path.read_bytes()[:32] == ftyp and ftyp[8:12] == b"M4B "
    assert containers.read_chapters(path).title == "Travail pair"


# --- limits and warnings ----------------------------------------------------------------------

def test_long_titles_are_cut_in_chpl_with_a_warning(copy_of: Callable[[str], Path]) -> None:
    path = copy_of("m4a")
    long_title = "é" * 150  # 300 bytes of UTF-8
    report = containers.write_chapters(path, episode([(0, "Début"), (3000, long_title)]))
    cut = [d for d in report.diagnostics if d.code == "mp4-chpl-title-cut"]
    assert len(cut) == 1 and cut[0].severity is Severity.WARNING
    nero = MP4(path).chapters
    assert nero is not None
    # At most 127 bytes (AntennaPod reads the length byte signed): 126, never half a character.
    assert nero[1].title == "é" * 63
    assert "AntennaPod" in cut[0].message
    assert ffmpeg_chapters(path)[1]["title"] == long_title  # the track keeps it whole


def test_more_than_255_chapters(copy_of: Callable[[str], Path]) -> None:
    path = copy_of("m4a")
    pairs = [(index * 40, f"c{index}") for index in range(300)]
    report = containers.write_chapters(path, episode(pairs))
    assert "mp4-chpl-too-many" in [d.code for d in report.diagnostics]
    nero = MP4(path).chapters
    assert nero is not None and len(nero) == 255
    assert len(ffmpeg_chapters(path)) == 300
    assert len(containers.read_chapters(path).chapters) == 300


def test_chapter_after_the_end_is_refused(copy_of: Callable[[str], Path]) -> None:
    path = copy_of("m4a")
    before = file_md5(path)
    with pytest.raises(ChapterFormatError, match="after the end"):
        containers.write_chapters(path, episode([(0, "a"), (13000, "too late")]))
    assert file_md5(path) == before


def test_chapter_track_timing_matches_the_movie(copy_of: Callable[[str], Path]) -> None:
    path = copy_of("faststart")
    containers.write_chapters(path, episode())
    data = path.read_bytes()
    moov = moov_of(data)
    mvhd = child(data, moov, b"mvhd")
    movie_scale, movie_duration = struct.unpack_from(">II", data, mvhd[1] + 12)
    next_id = struct.unpack_from(">I", data, mvhd[2] - 4)[0]
    traks = [box for box in boxes(data, moov[1], moov[2]) if box[0] == b"trak"]
    ids, durations = [], []
    for trak in traks:
        tkhd = child(data, trak, b"tkhd")
        ids.append(struct.unpack_from(">I", data, tkhd[1] + 12)[0])
        durations.append(struct.unpack_from(">I", data, tkhd[1] + 20)[0])
    assert durations[-1] == movie_duration and next_id == max(ids) + 1
    chap = child(data, child(data, traks[0], b"tref"), b"chap")
    assert struct.unpack_from(">I", data, chap[1])[0] == ids[-1]
    mdia = child(data, traks[-1], b"mdia")
    scale, media_duration = struct.unpack_from(">II", data, child(data, mdia, b"mdhd")[1] + 12)
    stbl = child(data, child(data, mdia, b"minf"), b"stbl")
    stts = child(data, stbl, b"stts")
    count = struct.unpack_from(">I", data, stts[1] + 4)[0]
    entries = [struct.unpack_from(">II", data, stts[1] + 8 + 8 * i) for i in range(count)]
    assert count == len(SEED_LIKE) + 1 and all(n == 1 for n, _ in entries)
    assert sum(delta for _, delta in entries) == media_duration
    assert media_duration * movie_scale == movie_duration * scale
    stsd = child(data, stbl, b"stsd")
    assert b"ftab" in data[stsd[1]:stsd[2]]


def test_relocation_moves_each_offset_with_its_box() -> None:
    relocation = Relocation([(0, 100, 0), (100, 1000, 50), (2000, 3000, -10)])
    assert relocation.shift([5, 100, 999, 1500, 2000]) == [5, 150, 1049, 1500, 1990]
    same = [110, 120]
    assert Relocation([(100, 1000, 0)]).shift(same) is same


def test_offset_tables_widen_to_co64() -> None:
    table = OffsetTable(Box(b"stco", payload=bytes(4) + struct.pack(">III", 2, 100, 0xFFFFFF00)),
                         [100, 0xFFFFFF00])
    table.apply(Relocation([(0, 0x1_0000_0000, 0x200)]))
    assert table.box.kind == b"co64"
    assert struct.unpack(">QQ", table.box.payload[8:]) == (100 + 0x200, 0x1_0000_0100)
    table.apply(Relocation([(0, 0x1_0000_0000, 0)]))
    assert table.box.kind == b"stco" and table.box.payload[8:] == struct.pack(">II", 100, 0xFFFFFF00)


# --- strip -----------------------------------------------------------------------------------

def test_strip_removes_both_forms(copy_of: Callable[[str], Path]) -> None:
    path = copy_of("faststart")
    pcm = decoded_md5(path)
    original = path.read_bytes()
    containers.write_chapters(path, episode())
    assert containers.strip_chapters(path) == len(SEED_LIKE)
    assert ffmpeg_chapters(path) == []
    assert MP4(path).chapters is None
    assert handlers(path) == [b"soun"]
    assert b"chap" not in path.read_bytes()[:4096] and top_kinds(path).count(b"mdat") == 1
    # The original's boxes (moov as long, its chunk offsets moved past the room kept for
    # re-tags, now a free box), the others byte for byte.
    def kept(data: bytes) -> list[tuple[bytes, bytes | int]]:
        return [(kind, end - start if kind == b"moov" else data[start:end])
                for kind, start, end in boxes(data) if kind != b"free"]

    assert kept(path.read_bytes()) == kept(original)
    assert decoded_md5(path) == pcm
    stat = path.stat()
    assert containers.strip_chapters(path) == 0
    assert path.stat().st_ino == stat.st_ino  # nothing to strip: not rewritten


def test_writing_no_chapters_strips(copy_of: Callable[[str], Path]) -> None:
    path = copy_of("m4a")
    containers.write_chapters(path, episode())
    containers.write_chapters(path, Episode(chapters=[]))
    assert ffmpeg_chapters(path) == [] and handlers(path) == [b"soun"]


# --- safety and damaged input ------------------------------------------------------------------

def test_failed_write_leaves_the_original(copy_of: Callable[[str], Path],
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    path = copy_of("faststart")
    before = file_md5(path)

    def broken_copy(source, dest, offset, length=None):  # type: ignore[no-untyped-def]
        dest.write(b"\0" * 1000)
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(mp4_module, "copy_range", broken_copy)
    with pytest.raises(WriteError):
        containers.write_chapters(path, episode())
    assert file_md5(path) == before
    assert sorted(os.listdir(path.parent)) == [path.name]


KILLED_WRITER = """
import sys, time
from pathlib import Path
from podcast_tool import containers
from podcast_tool.containers.mp4 import layout as mp4
from podcast_tool.model import Chapter, Episode

real_copy = mp4.copy_range
def slow_copy(source, dest, offset, length=None):
    real_copy(source, dest, offset, (length or 0) // 2)
    dest.flush()
    print("half written", flush=True)
    time.sleep(60)
mp4.copy_range = slow_copy
containers.write_chapters(Path(sys.argv[1]), Episode(chapters=[Chapter(0, "a"), Chapter(5000, "b")]))
"""


def test_killed_write_leaves_the_original(copy_of: Callable[[str], Path]) -> None:
    path = copy_of("faststart")
    before = file_md5(path)
    root = Path(__file__).resolve().parents[2]
    writer = subprocess.Popen([sys.executable, "-c", KILLED_WRITER, str(path)], cwd=root,
                              env={**os.environ, "PYTHONPATH": str(root)}, stdout=subprocess.PIPE)
    try:
        assert writer.stdout is not None and writer.stdout.readline() == b"half written\n"
    finally:
        writer.send_signal(signal.SIGKILL)
        writer.wait()
    assert file_md5(path) == before
    assert len(os.listdir(path.parent)) == 2  # the original and the dead writer's temp file
    containers.write_chapters(path, episode())  # the next write cleans up after it
    assert os.listdir(path.parent) == [path.name]
    assert len(ffmpeg_chapters(path)) == len(SEED_LIKE) + 1


def damaged(tmp_path: Path, data: bytes, name: str = "damaged.m4a") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_damaged_files_give_clear_errors(variants: dict[str, Path], tmp_path: Path) -> None:
    plain = variants["m4a"].read_bytes()
    fast = variants["faststart"].read_bytes()
    moov = moov_of(fast)
    big = bytearray(plain)
    mdat = next(box for box in boxes(plain) if box[0] == b"mdat")
    big[mdat[1] - 8:mdat[1] - 4] = struct.pack(">I", 0xFFFFFFF0)  # mdat claims ~4 GB
    nested = b"".join([struct.pack(">I4s", 8 * (200 - i), b"trak") for i in range(200)])
    looping = bytearray(fast)
    stco_at = fast.index(b"stco", moov[1])
    looping[stco_at + 8:stco_at + 12] = struct.pack(">I", 0x3FFFFFFF)  # absurd entry count
    cases = {
        "no moov (cut in half)": plain[:len(plain) // 2],
        "moov cut short": fast[:moov[1] + 200],
        "absurd box size": bytes(big),
        "box smaller than its header": plain[:28] + struct.pack(">I4s", 4, b"free") + plain[36:],
        "boxes nested forever": fast[:moov[1] - 8] + struct.pack(">I4s", 8 + len(nested), b"moov")
                                + nested,
        "absurd chunk count": bytes(looping),
    }
    for label, data in cases.items():
        path = damaged(tmp_path, data)
        for action in (lambda p=path: containers.read_chapters(p),
                       lambda p=path: containers.write_chapters(p, episode())):
            with pytest.raises(AudioFileError) as caught:
                action()
            assert str(path) in str(caught.value), label
            assert "Traceback" not in str(caught.value)
        assert path.read_bytes() == data, label


def test_sniff() -> None:
    assert CONTAINER.sniff(struct.pack(">I4s", 28, b"ftyp") + b"M4A ")
    assert CONTAINER.sniff(struct.pack(">I4s", 8, b"wide") + struct.pack(">I4s", 100, b"mdat"))
    assert not CONTAINER.sniff(struct.pack(">I4s", 8, b"free") + b"\0\0\0\x10RIFF")
    assert not CONTAINER.sniff(b"ID3\x03\x00\x00\x00\x00\x00\x00")
    assert not CONTAINER.sniff(b"OggS\x00\x02" + bytes(30))


def test_detected_by_content_not_extension(variants: dict[str, Path], tmp_path: Path) -> None:
    path = tmp_path / "really-mp4.mp3"
    shutil.copyfile(variants["m4a"], path)
    assert containers.detect(path) is CONTAINER
    containers.write_chapters(path, episode())
    assert len(ffmpeg_chapters(path)) == len(SEED_LIKE) + 1


def test_what_mp4_chapters_cannot_hold_is_reported(tmp_path: Path,
                                                  make_media: Callable[..., Path]) -> None:
    path = tmp_path / "episode.m4a"
    shutil.copyfile(make_media("m4a"), path)
    report = containers.write_chapters(path, Episode(chapters=[
        Chapter(0, "Accueil", description="Mot de la présidente", url="https://fas.fr"),
        Chapter(5000, "Débat", end_ms=8000), Chapter(9000, "Fin")]))
    (note,) = report.diagnostics
    # Links go in the text samples' href; a pause under 30 s stays in the chapter before.
    assert note.message.endswith("not written: descriptions, end times "
                                 "(a chapter now runs to the next one)")
    assert (note.code, note.severity, note.file) == ("mp4-not-kept", Severity.INFO, str(path))
    assert containers.write_chapters(path, Episode(chapters=[Chapter(0, "Seul")])).diagnostics == []

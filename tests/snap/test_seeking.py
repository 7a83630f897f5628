"""MP3 windows decoded from the frame index hold the whole decode's samples at the same times.

The reference is an independent one: ffmpeg decoding the whole file from its start, resampled
to the window's rate. Each kind of MP3 a user may bring is checked: CBR with a LAME/Info header,
VBR with a Xing header and without any header, a leading ID3v2 tag, junk before the first frame
and between frames (where ffmpeg's own seek is kept), a trailing ID3v1 tag.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
import pytest

from podcast_tool.containers.id3.frameindex import FrameIndex, build_index
from podcast_tool.ffmpeg import ffmpeg_exe, run_ffmpeg
from podcast_tool.snap import pauses, seeking
from tests.conftest import synthesize

SECONDS = 40
#: (start, length) of the windows compared, in ms: the start, the middle, across the end.
WINDOWS = [(0, 3000), (7_777, 2500), (21_010, 4000), (SECONDS * 1000 - 1500, 4000)]
ID3V1 = b"TAG" + b"Questions du public".ljust(125, b"\0")
KINDS = {
    "cbr-info-16k": ["-ar", "16000", "-c:a", "libmp3lame", "-b:a", "32k"],
    "cbr-44k-stereo": ["-ar", "44100", "-ac", "2", "-c:a", "libmp3lame", "-b:a", "128k"],
    "vbr-xing": ["-ar", "44100", "-c:a", "libmp3lame", "-q:a", "5"],
    "vbr-no-header": ["-ar", "22050", "-c:a", "libmp3lame", "-q:a", "6", "-write_xing", "0"],
    # Frames of 72 bytes: the reservoir's 511 bytes reach back the most frames.
    "low-8k": ["-ar", "8000", "-c:a", "libmp3lame", "-b:a", "8k"],
    "id3v2": ["-ar", "24000", "-c:a", "libmp3lame", "-q:a", "4", "-id3v2_version", "3",
              "-metadata", "title=Table ronde"],
}


@pytest.fixture(autouse=True)
def private_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    seeking._memo.clear()


@pytest.fixture(scope="module")
def mp3s(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("seeking")
    files = {kind: synthesize(folder / f"{kind}.mp3", SECONDS, extra)
             for kind, extra in KINDS.items()}
    files["junk"] = _with_junk(files["id3v2"], folder / "junk.mp3")
    files["id3v1-tail"] = folder / "id3v1-tail.mp3"
    files["id3v1-tail"].write_bytes(files["vbr-xing"].read_bytes() + ID3V1)
    return files


def _with_junk(source: Path, target: Path) -> Path:
    """``source`` with junk after its ID3v2 tag, between two frames, and an ID3v1 tag at the end."""
    from podcast_tool.containers.id3.sizes import tag_end

    data = source.read_bytes()
    with source.open("rb") as handle:
        start = tag_end(handle)
    index = build_index(source, start)
    assert index is not None
    middle = int(index.offsets[index.frames // 3])
    rng = np.random.default_rng(7)
    junk = (rng.integers(0, 0xFF, 700, dtype=np.uint8)).tobytes()  # never a sync byte
    target.write_bytes(data[:start] + junk[:300] + data[start:middle] + junk + data[middle:]
                       + ID3V1)
    return target


def whole_decode(path: Path, rate: int) -> np.ndarray:
    result = subprocess.run([ffmpeg_exe(), "-v", "error", "-i", str(path), "-ac", "1", "-ar",
                             str(rate), "-f", "s16le", "-"], capture_output=True, check=True)
    return np.frombuffer(result.stdout, dtype="<i2")


@pytest.mark.parametrize("kind", [*KINDS, "id3v1-tail"])
@pytest.mark.parametrize("rate", [8000, 22050])
def test_windows_hold_the_whole_decodes_samples(mp3s: dict[str, Path], kind: str,
                                                rate: int) -> None:
    path = mp3s[kind]
    assert seeking.frame_index(path) is not None
    whole = whole_decode(path, rate)
    for start_ms, length_ms in WINDOWS:
        window = np.frombuffer(pauses.decode_pcm(path, start_ms, length_ms, sample_rate=rate,
                                                 filters=""), dtype="<i2")
        first = start_ms * rate // 1000
        expected = whole[first:first + length_ms * rate // 1000]
        assert len(window) == len(expected), (kind, start_ms)
        assert np.array_equal(window, expected), (kind, start_ms, np.flatnonzero(
            window != expected)[:5])


@pytest.mark.parametrize("kind", [*KINDS, "id3v1-tail"])
@pytest.mark.parametrize("rate", [8000, 22050])
def test_windows_decoded_in_one_process_hold_the_whole_decodes_samples(
        mp3s: dict[str, Path], kind: str, rate: int) -> None:
    """One stream of all the windows' frames, joined: each window is still the whole decode's."""
    path = mp3s[kind]
    index = seeking.frame_index(path)
    assert index is not None
    whole = whole_decode(path, rate)
    # Out of order, overlapping, a few frames apart, and reaching the end.
    windows = [*WINDOWS, (22_000, 1000), (12_000, 2000), (14_100, 500), (33_000, 2000)]
    decoded = seeking.decode_spans(path, index, windows, sample_rate=rate, filters="",
                                   preroll_ms=pauses.RESAMPLER_PREROLL_MS)
    assert decoded is not None
    for (start_ms, length_ms), pcm in zip(windows, decoded, strict=True):
        window = np.frombuffer(pcm, dtype="<i2")
        first = start_ms * rate // 1000
        expected = whole[first:first + length_ms * rate // 1000]
        assert len(window) == len(expected), (kind, start_ms)
        assert np.array_equal(window, expected), (kind, start_ms, np.flatnonzero(
            window != expected)[:5])


@pytest.mark.parametrize("kind", [*KINDS, "id3v1-tail"])
def test_a_window_reaching_the_end_is_decoded_from_the_frames(mp3s: dict[str, Path],
                                                               kind: str) -> None:
    """ffmpeg trims no padding on a pipe: the stream is cut where the whole decode ends."""
    path = mp3s[kind]
    index = seeking.frame_index(path)
    assert index is not None
    rate = 8000
    pcm = seeking.decode_from_frames(path, index, SECONDS * 1000 - 1500, 4000,
                                     sample_rate=rate, filters="", preroll_ms=50)
    assert pcm is not None
    whole = whole_decode(path, rate)
    assert pcm == whole[(SECONDS * 1000 - 1500) * rate // 1000:].tobytes()


@pytest.mark.parametrize("kind", ["cbr-info-16k", "vbr-xing", "low-8k", "id3v1-tail"])
def test_filtered_windows_match_the_whole_decode_filtered(mp3s: dict[str, Path],
                                                          kind: str) -> None:
    """With the high-pass (infinite memory), the pre-roll leaves differences far below a level."""
    path = mp3s[kind]
    result = subprocess.run([ffmpeg_exe(), "-v", "error", "-i", str(path), "-af",
                             f"highpass=f={pauses.HIGHPASS_HZ}", "-ac", "1", "-ar", "8000", "-f",
                             "s16le", "-"], capture_output=True, check=True)
    whole = np.frombuffer(result.stdout, dtype="<i2").astype(np.int32)
    for start_ms, length_ms in WINDOWS[1:3]:
        window = np.frombuffer(pauses.decode_pcm(path, start_ms, length_ms),
                               dtype="<i2").astype(np.int32)
        expected = whole[start_ms * 8:(start_ms + length_ms) * 8]
        assert len(window) == len(expected)
        assert np.abs(window - expected).max() <= 2
    # Snapping's way: the windows shared among processes, each decoding several in one go.
    together = pauses.decode_windows(path, WINDOWS, processes=2)
    for (start_ms, length_ms), samples in zip(WINDOWS, together, strict=True):
        expected = whole[start_ms * 8:(start_ms + length_ms) * 8] / 32768
        assert len(samples) == len(expected)
        assert np.abs(samples - expected).max() <= 2 / 32768


def test_junk_between_frames_leaves_seeking_to_ffmpeg(mp3s: dict[str, Path]) -> None:
    """ffmpeg misses the Xing frame behind junk and loses frames beside it: its own seek agrees."""
    index = seeking.frame_index(mp3s["junk"])
    assert index is not None and not index.contiguous
    assert all(seeking.frame_index(mp3s[kind]).contiguous for kind in KINDS)  # type: ignore[union-attr]
    for start_ms, length_ms in WINDOWS[1:3]:
        ours = pauses.decode_pcm(mp3s["junk"], start_ms, length_ms)
        theirs = run_ffmpeg(pauses.window_args(mp3s["junk"], start_ms, length_ms)).stdout
        assert ours == theirs


def test_the_index_counts_the_frames_ffmpeg_decodes(mp3s: dict[str, Path]) -> None:
    for kind, path in mp3s.items():
        if kind == "junk":
            continue
        index = seeking.frame_index(path)
        assert index is not None
        rate = index.sample_rate
        whole = subprocess.run([ffmpeg_exe(), "-v", "error", "-i", str(path), "-ac", "1", "-f",
                                "s16le", "-"], capture_output=True, check=True).stdout
        samples = len(whole) // 2
        decoded = index.frames * index.samples_per_frame
        # ffmpeg trims the encoder delay and padding only where a LAME/Info header says so.
        trimmed = decoded - samples
        assert 0 <= trimmed <= seeking.MAX_START_SKIP + index.samples_per_frame, kind
        assert trimmed == 0 or index.header, kind
        assert abs(samples / rate - SECONDS) < 0.2, kind


def test_the_index_is_cached_and_a_changed_file_gets_a_new_one(mp3s: dict[str, Path],
                                                                tmp_path: Path) -> None:
    path = tmp_path / "copy.mp3"
    path.write_bytes(mp3s["vbr-xing"].read_bytes())
    index = seeking.frame_index(path)
    assert index is not None
    cached = list((tmp_path / "cache").rglob("*.frames"))
    assert len(cached) == 1
    again = FrameIndex.from_bytes(cached[0].read_bytes())
    assert again is not None and np.array_equal(again.offsets, index.offsets)
    assert again.header == index.header and again.end == index.end
    path.write_bytes(mp3s["cbr-info-16k"].read_bytes())
    seeking._memo.clear()
    changed = seeking.frame_index(path)
    assert changed is not None and changed.sample_rate == 16000


def test_a_damaged_cache_entry_is_rebuilt(mp3s: dict[str, Path]) -> None:
    path = mp3s["cbr-44k-stereo"]
    index = seeking.frame_index(path)
    assert index is not None
    from podcast_tool.studio import peaks

    entry = peaks.cache_path(path).with_suffix(".frames")
    entry.write_bytes(entry.read_bytes()[:-5])
    assert FrameIndex.from_bytes(entry.read_bytes()) is None
    seeking._memo.clear()
    rebuilt = seeking.frame_index(path)
    assert rebuilt is not None and np.array_equal(rebuilt.offsets, index.offsets)


def test_other_files_have_no_index(tmp_path: Path) -> None:
    flac = synthesize(tmp_path / "a.flac", 2, ["-c:a", "flac"])
    assert seeking.frame_index(flac) is None
    fake = tmp_path / "noise.mp3"
    fake.write_bytes(b"\xff\xfb" + bytes(range(256)) * 10)
    assert seeking.frame_index(fake) is None


@pytest.mark.parametrize("kind", [*KINDS, "id3v1-tail", "junk"])
def test_waveform_decoded_in_halves_has_one_decodes_peaks(mp3s: dict[str, Path],
                                                          kind: str) -> None:
    from podcast_tool.studio import peaks

    assert SECONDS >= peaks.MIN_SPLIT_SECONDS
    received: list[bytes] = []
    halves = peaks.decode_peaks(mp3s[kind], received.append, parts=2)
    assert halves == peaks.decode_peaks(mp3s[kind], parts=1)
    assert b"".join(received) == halves
    assert len(halves) == -(-len(whole_decode(mp3s[kind], peaks.SAMPLE_RATE))
                            // peaks.SAMPLES_PER_PEAK)


@pytest.mark.parametrize("kind", ["cbr-info-16k", "vbr-xing", "low-8k", "id3v1-tail"])
def test_waveform_split_anywhere_has_one_decodes_peaks(mp3s: dict[str, Path], kind: str) -> None:
    """The first part stopped at the split, the second decoded from a frame: one decode's peaks."""
    from podcast_tool.studio import peaks

    whole = peaks.decode_peaks(mp3s[kind], parts=1)
    for done in (0, len(whole) // 3 * peaks.SAMPLES_PER_PEAK):
        head_limit = peaks._Limit(known=False)
        head_limit.take(done)  # as if the first part had handed on that much already
        split = peaks._mp3_split(mp3s[kind], head_limit)
        assert split is not None
        index, first_samples = split
        assert first_samples % peaks.SAMPLES_PER_PEAK == 0 and first_samples > done
        head = peaks._decode_part(mp3s[kind], peaks._whole_command(mp3s[kind]), None, 0,
                                  peaks._Limit(first_samples), None, lambda: False)
        tail: list[bytes] = []
        peaks._decode_tail(mp3s[kind], index, first_samples, tail.append, lambda: False)
        assert head + b"".join(tail) == whole, done


def test_a_split_the_first_part_has_passed_is_refused() -> None:
    from podcast_tool.studio import peaks

    limit = peaks._Limit(known=False)
    assert limit.take(1000) == 1000 and not limit.reached()
    assert not limit.settle(800)
    assert limit.take(500) == 500 and not limit.reached()  # no limit: the part decodes all
    fresh = peaks._Limit(known=False)
    fresh.take(400)
    assert fresh.settle(800) and fresh.room(1000) == 400 and fresh.take(1000) == 400
    assert fresh.reached()

"""The seed outline tagged into MP3, M4A and Opus, then the preflight's verdicts per app."""

from __future__ import annotations

import json

from click.testing import CliRunner

from podcast_tool.cli import main
from tests.conftest import SEED_OUTLINE

SEED_SECONDS = 9195


def _tag_and_export(audio_copy, ext, folder):
    folder.mkdir()
    path = audio_copy(ext, seconds=SEED_SECONDS, name=f"episode.{ext}")
    runner = CliRunner()
    tagged = runner.invoke(main, ["tag", str(path), str(SEED_OUTLINE)])
    assert tagged.exit_code == 0, tagged.output
    assert "preflight: " in tagged.output
    sidecars = []
    for fmt, name in (("json", "episode.json"), ("vtt", "episode.vtt"), ("psc", "episode.psc"),
                      ("youtube", "description.txt")):
        target = folder / name
        args = ["export", str(path), "--format", fmt, "-o", str(target)]
        if fmt == "youtube":
            args.append("--add-zero-chapter")
        exported = runner.invoke(main, args)
        assert exported.exit_code == 0, exported.output
        sidecars.append(str(target))
    return path, sidecars


def _verdicts(path, sidecars):
    result = CliRunner().invoke(main, ["preflight", str(path), *sidecars, "--json"])
    assert result.exit_code in (0, 1), (result.output, result.exception)
    data = json.loads(result.stdout)
    return {app["app"]: app for app in data["apps"]}, result.exit_code


def test_seed_in_mp3_opus_m4a(audio_copy, tmp_path):
    mp3, mp3_sidecars = _tag_and_export(audio_copy, "mp3", tmp_path / "mp3")
    apps, code = _verdicts(mp3, [])
    # Every app that reads the MP3 lists the seed's 9 chapters; feed-only apps need sidecars.
    for key in ("apple", "overcast", "castro", "pocketcasts", "antennapod", "kasts", "ffmpeg"):
        assert apps[key]["verdict"] == "ok", apps[key]
        assert apps[key]["count"] == 9
        assert apps[key]["chapters"][3]["title"] == "Questions du public"
    for key in ("spotify", "youtube", "web"):
        assert apps[key]["verdict"] == "none"
    assert code == 1

    apps, _ = _verdicts(mp3, mp3_sidecars)
    assert apps["web"]["verdict"] == "ok" and apps["web"]["count"] == 9
    assert apps["spotify"]["source"].startswith("Podlove")
    # The description gets a 0:00 chapter, so YouTube lists 10; the seed's opening is short.
    assert apps["youtube"]["count"] in (0, 10)

    opus, _ = _tag_and_export(audio_copy, "opus", tmp_path / "opus")
    apps, _ = _verdicts(opus, [])
    assert apps["antennapod"]["verdict"] == "ok" and apps["antennapod"]["count"] == 9
    assert apps["ffmpeg"]["count"] == 9
    assert apps["apple"]["verdict"] == "none"  # Apple Podcasts plays no Ogg
    assert apps["pocketcasts"]["verdict"] == "none"

    m4a, _ = _tag_and_export(audio_copy, "m4a", tmp_path / "m4a")
    apps, _ = _verdicts(m4a, [])
    assert apps["antennapod"]["count"] == 9  # from chpl
    assert apps["pocketcasts"]["verdict"] == "none"  # Android: no M4A chapters
    for key in ("apple", "ffmpeg"):
        titles = [c["title"] for c in apps[key]["chapters"]]
        assert all(titles), titles  # the pre-roll sample before 0'20 has a title
        assert apps[key]["verdict"] == "ok", apps[key]

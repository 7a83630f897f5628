"""The studio's HTTP API with Starlette's TestClient: security checks, Range, save, conflicts."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from podcast_tool.studio.server import COOKIE, create_app
from podcast_tool.studio.session import StudioSession
from tests.conftest import ffmpeg_chapters
from tests.studio.helpers import make_episode

PORT = 8765
TOKEN = "test-token-0123456789"
BASE = f"http://127.0.0.1:{PORT}"
ORIGIN = {"origin": BASE}


@pytest.fixture(scope="module")
def originals(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return make_episode(tmp_path_factory.mktemp("studio-api"))


@pytest.fixture
def episode(originals: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
            ) -> tuple[Path, Path]:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    audio, chapters = (tmp_path / p.name for p in originals)
    shutil.copyfile(originals[0], audio)
    shutil.copyfile(originals[1], chapters)
    return audio, chapters


def client_for(session: StudioSession, *, authorised: bool = True) -> TestClient:
    client = TestClient(create_app(session, TOKEN, PORT), base_url=BASE)
    if authorised:
        client.cookies.set(COOKIE, TOKEN)
    return client


@pytest.fixture
def session(episode: tuple[Path, Path]) -> StudioSession:
    return StudioSession(*episode)


@pytest.fixture
def client(session: StudioSession) -> TestClient:
    return client_for(session)


def wait_for_peaks(session: StudioSession) -> None:
    deadline = time.monotonic() + 30
    while not session.peaks.done and time.monotonic() < deadline:
        time.sleep(0.05)
    assert session.peaks.done and session.peaks.error is None


# ---------------------------------------------------------------- security


def test_every_request_needs_the_token(session: StudioSession) -> None:
    anonymous = client_for(session, authorised=False)
    for path in ("/", "/audio", "/api/state", "/api/peaks", "/static/studio.js"):
        assert anonymous.get(path).status_code == 403, path
    assert anonymous.get("/api/state", params={"token": "wrong"}).status_code == 403
    assert anonymous.post("/api/save", json={}, headers=ORIGIN).status_code == 403


def test_the_token_in_the_url_sets_a_same_site_cookie(session: StudioSession) -> None:
    anonymous = client_for(session, authorised=False)
    response = anonymous.get("/", params={"token": TOKEN}, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/"
    cookie = response.headers["set-cookie"]
    assert f"{COOKIE}={TOKEN}" in cookie and "samesite=strict" in cookie.lower()
    assert "httponly" in cookie.lower()
    assert anonymous.get("/").status_code == 200  # the cookie now carries the token
    assert "text/html" in anonymous.get("/").headers["content-type"]


@pytest.mark.parametrize("host", ["evil.example:8765", "127.0.0.1:9999", "localhost.evil.com:8765",
                                  "127.0.0.1.nip.io:8765", ""])
def test_a_foreign_host_header_is_refused(client: TestClient, host: str) -> None:
    assert client.get("/api/state", headers={"host": host}).status_code == 421


def test_localhost_is_a_host_too(client: TestClient) -> None:
    assert client.get("/api/state", headers={"host": f"localhost:{PORT}"}).status_code == 200


@pytest.mark.parametrize("headers", [{}, {"origin": "http://evil.example"},
                                     {"origin": "null"}, {"origin": f"http://127.0.0.1:{PORT + 1}"},
                                     {**ORIGIN, "sec-fetch-site": "cross-site"}])
def test_writes_need_our_own_origin(client: TestClient, headers: dict[str, str],
                                    episode: tuple[Path, Path]) -> None:
    before = episode[1].read_bytes(), episode[0].read_bytes()
    state = client.get("/api/state").json()
    response = client.post("/api/save", json={"revision": state["revision"],
                                              "chapters": state["chapters"]}, headers=headers)
    assert response.status_code == 403
    assert (episode[1].read_bytes(), episode[0].read_bytes()) == before


def test_pages_carry_a_strict_content_security_policy(client: TestClient) -> None:
    policy = client.get("/").headers["content-security-policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy


@pytest.mark.parametrize("path", ["/static/../session.py", "/static/%2e%2e/session.py",
                                  "/static/..%2f..%2fserver.py", "/static//etc/passwd",
                                  "/static/%2fetc%2fpasswd", "/audio/../../etc/passwd",
                                  "/etc/passwd", "/static/vendor/../../__init__.py"])
def test_no_path_from_the_client_is_opened(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404, path
    assert b"root:" not in response.content and b"import" not in response.content


def test_query_parameters_never_name_a_file(client: TestClient, episode: tuple[Path, Path]) -> None:
    response = client.get("/audio", params={"path": "/etc/passwd", "file": "../webinaire.md"})
    assert response.content == episode[0].read_bytes()


# ---------------------------------------------------------------- reading


def test_state_has_the_chapters_in_the_outline_notation(client: TestClient) -> None:
    state = client.get("/api/state").json()
    assert [c["title"] for c in state["chapters"]] == [
        "Mot d'accueil", "Introduction du sujet", "Table ronde", "Questions du public"]
    assert state["notation"] == "fr" and state["language"] == "fr"
    assert [t["start"] for t in state["times"]] == ["0'00", "0'09", "0'21", "0'30"]
    assert state["chapters"][1]["description"] == "Définitions et historique"
    assert 39_900 <= state["duration_ms"] <= 40_200
    assert state["can_save"] and state["strings"]["save"] == "Enregistrer"


def test_range_requests_let_the_player_seek(client: TestClient, episode: tuple[Path, Path]) -> None:
    data = episode[0].read_bytes()
    response = client.get("/audio", headers={"range": "bytes=1000-1999"})
    assert response.status_code == 206
    assert response.headers["content-range"] == f"bytes 1000-1999/{len(data)}"
    assert response.content == data[1000:2000]
    assert response.headers["accept-ranges"] == "bytes"
    tail = client.get("/audio", headers={"range": "bytes=-100"})
    assert tail.status_code == 206 and tail.content == data[-100:]
    assert client.get("/audio", headers={"range": f"bytes={len(data) + 10}-"}).status_code == 416


def test_peaks_grow_then_come_from_the_cache(session: StudioSession, client: TestClient) -> None:
    session.start_peaks()
    wait_for_peaks(session)
    response = client.get("/api/peaks")
    assert response.headers["x-peaks-done"] == "1" and response.headers["x-peaks-cached"] == "0"
    peaks = response.content
    assert abs(len(peaks) - session.peaks.expected) <= 10  # the container rounds its duration
    # Loud where the tone plays, near silent in the pauses (8.5–10 s).
    assert max(peaks[50:200]) > 50 and max(peaks[430:495]) < 10
    assert client.get("/api/peaks", params={"start": 100}).content == peaks[100:]
    again = StudioSession(session.audio, session.chapters_path)
    again.start_peaks()
    wait_for_peaks(again)
    assert again.peaks.cached and bytes(again.peaks.data) == peaks


def test_live_diagnostics_name_the_chapter(client: TestClient) -> None:
    chapters = client.get("/api/state").json()["chapters"]
    chapters[2]["start_ms"] = 3_000  # before the chapter above it
    result = client.post("/api/check", json={"chapters": chapters}, headers=ORIGIN).json()
    assert not result["can_save"]
    codes = {(d["code"], d["chapter"]) for d in result["diagnostics"]}
    assert ("start-not-increasing", 2) in codes
    assert result["times"][2]["start"] == "0'03"


def test_malformed_chapters_are_a_clear_400(client: TestClient) -> None:
    for chapters in ("x", [{"start_ms": "5"}], [{"start_ms": 1, "origin": 99}], [{"start_ms": -1}]):
        response = client.post("/api/check", json={"chapters": chapters}, headers=ORIGIN)
        assert response.status_code == 400 and response.json()["error"]
    assert client.post("/api/check", content=b"{", headers=ORIGIN).status_code == 400


def test_snap_suggestions_point_at_the_pauses(client: TestClient) -> None:
    chapters = client.get("/api/state").json()["chapters"]
    suggestions = client.post("/api/suggest", json={"chapters": chapters},
                              headers=ORIGIN).json()["suggestions"]
    by_written = {s["written_ms"]: s for s in suggestions}
    assert set(by_written) >= {9_000, 21_000}
    for written, pause_end in ((9_000, 10_000), (21_000, 20_000), (30_000, 30_000)):
        assert pause_end - 1_000 <= by_written[written]["snapped_ms"] <= pause_end
        assert by_written[written]["confidence_label"] in ("high", "medium", "low")


# ---------------------------------------------------------------- saving


def test_save_writes_outline_and_recording(client: TestClient, episode: tuple[Path, Path]) -> None:
    audio, outline = episode
    state = client.get("/api/state").json()
    chapters = state["chapters"]
    chapters[1]["start_ms"] = 9_700
    chapters[2]["title"] = "Table ronde 1 : pourquoi ?"
    chapters.insert(3, {"origin": None, "start_ms": 25_000, "end_ms": None,
                        "title": "Témoignage", "description": ""})
    response = client.post("/api/save", json={"revision": state["revision"], "chapters": chapters},
                           headers=ORIGIN)
    assert response.status_code == 200, response.text
    text = outline.read_text(encoding="utf-8")
    assert "0'09,7 **Introduction du sujet** *Définitions et historique*" in text
    assert "0'21 **Table ronde 1 : pourquoi ?**" in text
    assert "0'25 **Témoignage**\n\n0'30 **Questions du public**" in text
    assert text.startswith("# Webinaire de test — 18 décembre 2020\n\nDéroulé du webinaire :\n")
    assert "Une note sous l'introduction." in text
    read_back = ffmpeg_chapters(audio)
    assert [c["title"] for c in read_back] == ["Mot d'accueil", "Introduction du sujet",
                                               "Table ronde 1 : pourquoi ?", "Témoignage",
                                               "Questions du public"]
    # ffmpeg's MP3 demuxer reports chapter times less its decoder delay (a few tens of ms).
    assert [round(c["start_ms"], -2) for c in read_back] == [0, 9_700, 21_000, 25_000, 30_000]
    saved = response.json()
    assert saved["revision"] == state["revision"] + 1
    assert saved["written"] == {"outline": "webinaire.md", "audio": "webinaire.mp3"}


def test_deleting_a_chapter_removes_its_line_only(client: TestClient,
                                                  episode: tuple[Path, Path]) -> None:
    state = client.get("/api/state").json()
    chapters = [c for c in state["chapters"] if c["title"] != "Table ronde"]
    assert client.post("/api/save", json={"revision": 0, "chapters": chapters},
                       headers=ORIGIN).status_code == 200
    text = episode[1].read_text(encoding="utf-8")
    assert "Table ronde" not in text and "Une note sous l'introduction.\n\n0'30" in text
    assert len(ffmpeg_chapters(episode[0])) == 3


def test_save_refuses_when_the_outline_changed_on_disk(client: TestClient,
                                                       episode: tuple[Path, Path]) -> None:
    audio, outline = episode
    state = client.get("/api/state").json()
    outline.write_text(outline.read_text(encoding="utf-8") + "\n0'20 **Ajout**\n", encoding="utf-8")
    changed, audio_before = outline.read_bytes(), audio.read_bytes()
    response = client.post("/api/save", json={"revision": state["revision"],
                                              "chapters": state["chapters"]}, headers=ORIGIN)
    assert response.status_code == 409 and response.json()["conflict"]
    assert "le déroulé a changé sur le disque" in response.json()["error"]  # the page speaks French
    assert outline.read_bytes() == changed and audio.read_bytes() == audio_before


def test_save_refuses_when_the_recording_changed_on_disk(client: TestClient,
                                                         episode: tuple[Path, Path]) -> None:
    audio, _ = episode
    state = client.get("/api/state").json()
    stat = audio.stat()
    os.utime(audio, ns=(stat.st_atime_ns, stat.st_mtime_ns + 5_000_000_000))
    response = client.post("/api/save", json={"revision": state["revision"],
                                              "chapters": state["chapters"]}, headers=ORIGIN)
    assert response.status_code == 409
    assert "l'enregistrement a changé" in response.json()["error"]


def test_save_refuses_a_stale_page(client: TestClient) -> None:
    state = client.get("/api/state").json()
    first = client.post("/api/save", json={"revision": 0, "chapters": state["chapters"]},
                        headers=ORIGIN)
    assert first.status_code == 200
    second = client.post("/api/save", json={"revision": 0, "chapters": state["chapters"]},
                         headers=ORIGIN)
    assert second.status_code == 409


def test_save_with_errors_writes_nothing(client: TestClient, episode: tuple[Path, Path]) -> None:
    before = episode[1].read_bytes(), episode[0].read_bytes()
    chapters = client.get("/api/state").json()["chapters"]
    chapters[3]["start_ms"] = 60_000  # past the end of the recording
    response = client.post("/api/save", json={"revision": 0, "chapters": chapters}, headers=ORIGIN)
    assert response.status_code == 422
    assert any(d["code"] == "past-audio-end" for d in response.json()["diagnostics"])
    assert (episode[1].read_bytes(), episode[0].read_bytes()) == before


def test_untrusted_titles_travel_as_data(client: TestClient, episode: tuple[Path, Path]) -> None:
    state = client.get("/api/state").json()
    state["chapters"][0]["title"] = "<img src=x onerror=alert(1)>"
    response = client.post("/api/save", json={"revision": 0, "chapters": state["chapters"]},
                           headers=ORIGIN)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    assert response.json()["chapters"][0]["title"] == "<img src=x onerror=alert(1)>"
    assert ffmpeg_chapters(episode[0])[0]["title"] == "<img src=x onerror=alert(1)>"


def test_save_writes_the_sidecars_asked_for(episode: tuple[Path, Path]) -> None:
    import json

    audio, outline = episode
    session = StudioSession(audio, outline, export=("json", "vtt"))
    client = client_for(session)
    chapters = client.get("/api/state").json()["chapters"]
    chapters[0]["title"] = "Accueil"
    saved = client.post("/api/save", json={"revision": 0, "chapters": chapters}, headers=ORIGIN)
    assert saved.status_code == 200, saved.text
    assert saved.json()["written"]["json"] == "webinaire.json"
    sidecar = json.loads(audio.with_suffix(".json").read_text(encoding="utf-8"))
    assert [c["title"] for c in sidecar["chapters"]][:2] == ["Accueil", "Introduction du sujet"]
    assert "Accueil" in audio.with_suffix(".vtt").read_text(encoding="utf-8")


def test_without_an_outline_the_recordings_own_chapters_are_edited(
        client: TestClient, episode: tuple[Path, Path]) -> None:
    audio, outline = episode
    state = client.get("/api/state").json()
    assert client.post("/api/save", json={"revision": 0, "chapters": state["chapters"]},
                       headers=ORIGIN).status_code == 200
    outline.unlink()
    own = client_for(StudioSession(audio, None))
    state = own.get("/api/state").json()
    assert state["kind"] == "audio" and state["outline_target"] is None
    assert [c["title"] for c in state["chapters"]][0] == "Mot d'accueil"
    state["chapters"][0]["title"] = "Bienvenue"
    saved = own.post("/api/save", json={"revision": 0, "chapters": state["chapters"]},
                     headers=ORIGIN)
    assert saved.status_code == 200, saved.text
    assert saved.json()["written"] == {"audio": "webinaire.mp3"}
    assert ffmpeg_chapters(audio)[0]["title"] == "Bienvenue"
    assert not outline.exists()


def test_the_page_speaks_english_when_asked(episode: tuple[Path, Path]) -> None:
    state = client_for(StudioSession(*episode, language="en")).get("/api/state").json()
    assert state["language"] == "en" and state["strings"]["save"] == "Save"
    french = client_for(StudioSession(*episode)).get("/api/state").json()
    assert french["strings"]["accept_high"] == "Accepter toutes les propositions de confiance élevée"


@pytest.mark.parametrize(("text", "ms"), [("0'20", 20_000), ("1'03''37", 3_817_000), ("7:00", 420_000),
                                          ("1:03:37.5", 3_817_500), ("0'09,7", 9_700), ("12", 12_000),
                                          ("2,5", 2_500), ("7 min 10", 430_000), ("pas un temps", None),
                                          ("0'20 Accueil", None), ("7:75", None), ("", None)])
def test_typed_times_are_read_in_every_notation(client: TestClient, text: str, ms: int | None) -> None:
    response = client.post("/api/time", json={"text": text}, headers=ORIGIN)
    assert response.status_code == 200 and response.json() == {"ms": ms}


def outline_as_docx(path: Path) -> Path:
    """The studio's outline as a Word document: bold titles, italic descriptions."""
    import docx

    from tests.studio.helpers import OUTLINE

    document = docx.Document()
    for line in OUTLINE.splitlines():
        if not line.strip():
            continue
        paragraph = document.add_paragraph()
        for index, piece in enumerate(line.replace("*", "\0").split("\0")):
            if piece:
                run = paragraph.add_run(piece)
                run.bold = index % 4 == 2 or None
                run.italic = index % 4 == 1 or None
    document.save(path)
    return path


def test_save_on_a_word_outline_writes_markdown_beside_it(episode: tuple[Path, Path]) -> None:
    audio, outline = episode
    document = outline_as_docx(outline.with_suffix(".docx"))
    outline.unlink()
    original = document.read_bytes()
    client = client_for(StudioSession(audio, document))
    state = client.get("/api/state").json()
    assert state["kind"] == "document" and state["outline_target"] == "webinaire.md"
    chapters = state["chapters"]
    assert [c["title"] for c in chapters] == ["Mot d'accueil", "Introduction du sujet",
                                              "Table ronde", "Questions du public"]
    chapters[2]["title"] = "Table ronde 1"
    saved = client.post("/api/save", json={"revision": 0, "chapters": chapters}, headers=ORIGIN)
    assert saved.status_code == 200, saved.text
    assert saved.json()["written"] == {"outline": "webinaire.md", "audio": "webinaire.mp3"}
    assert document.read_bytes() == original
    assert "0'21 **Table ronde 1**" in outline.read_text(encoding="utf-8")
    assert [c["title"] for c in ffmpeg_chapters(audio)][2] == "Table ronde 1"


def test_save_on_a_word_outline_keeps_an_existing_markdown_file(episode: tuple[Path, Path]) -> None:
    audio, outline = episode
    document = outline_as_docx(outline.with_suffix(".docx"))
    before = outline.read_bytes()
    client = client_for(StudioSession(audio, document))
    state = client.get("/api/state").json()
    assert state["outline_target"] == "webinaire.corrected.md"
    saved = client.post("/api/save", json={"revision": 0, "chapters": state["chapters"]},
                        headers=ORIGIN)
    assert saved.status_code == 200, saved.text
    assert saved.json()["written"]["outline"] == "webinaire.corrected.md"
    assert outline.read_bytes() == before
    assert "**Table ronde**" in outline.with_name("webinaire.corrected.md").read_text("utf-8")

"""The studio page in a real browser (Playwright driving Chromium), against the real command.

One studio runs for the whole module, started as a user starts it (``podcast-tool studio
AUDIO --no-browser``); the test that saves runs last, and the last test closes its "terminal".
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser import save_screenshot
from tests.conftest import ffmpeg_chapters
from tests.studio.helpers import make_episode

ROOT = Path(__file__).resolve().parents[2]
DOCS_SCREENSHOT = "studio.png"


class Studio:
    def __init__(self, process: subprocess.Popen[str], url: str, audio: Path, outline: Path) -> None:
        self.process, self.url, self.audio, self.outline = process, url, audio, outline


def start_studio(folder: Path, *options: str) -> Studio:
    audio, outline = make_episode(folder)
    env = {**os.environ, "XDG_CACHE_HOME": str(folder / "cache"), "COLUMNS": "200"}
    process = subprocess.Popen([sys.executable, "-m", "podcast_tool", "studio", str(audio),
                                "--no-browser", *options], stderr=subprocess.PIPE,
                               stdout=subprocess.PIPE, text=True, env=env, cwd=ROOT)
    assert process.stderr is not None
    url = None
    for _ in range(20):
        line = process.stderr.readline()
        found = re.search(r"http://127\.0\.0\.1:\d+/\?token=[\w-]+", line)
        if found:
            url = found.group(0)
            break
    assert url, "the studio printed no address"
    return Studio(process, url, audio, outline)


def stop_studio(studio: Studio) -> None:
    if studio.process.poll() is None:
        studio.process.kill()
        studio.process.wait()


@pytest.fixture(scope="module")
def studio(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Studio]:
    started = start_studio(tmp_path_factory.mktemp("studio-page"))
    yield started
    stop_studio(started)


def open_studio(page, studio: Studio):  # type: ignore[no-untyped-def]
    page.set_viewport_size({"width": 1280, "height": 760})
    page.on("dialog", lambda dialog: pytest.fail(f"the page opened a dialog: {dialog.message}"))
    page.goto(studio.url)
    page.wait_for_selector("body[data-ready='1']")
    page.wait_for_selector("body[data-waveform='ready']", timeout=20_000)
    return page


@pytest.fixture
def opened(page, studio: Studio):  # type: ignore[no-untyped-def]
    return open_studio(page, studio)


# The outline is French, so the studio speaks French unless told otherwise; --lang en is the other
# language, in a studio of its own.
LANGUAGES = {
    "fr": {"save": "Enregistrer", "snap": "Proposer les pauses", "chapters": "Chapitres",
           "out_of_order": "commence à 0'05, avant le chapitre au-dessus (0'09)"},
    "en": {"save": "Save", "snap": "Suggest pauses", "chapters": "Chapters",
           "out_of_order": "starts at 0'05, before the chapter above it (0'09)"},
}


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_studio_speaks_its_language(page, studio: Studio, language: str,  # type: ignore[no-untyped-def]
                                        tmp_path: Path) -> None:
    texts = LANGUAGES[language]
    shown = studio if language == "fr" else start_studio(tmp_path, "--lang", "en")
    try:
        open_studio(page, shown)
        assert page.locator("html").get_attribute("lang") == language
        assert page.text_content("#save") == texts["save"]
        body = page.inner_text("body")
        assert texts["snap"] in body and texts["chapters"] in body
        english_only = {"Save", "Suggest pauses", "Undo", "Play around"}
        french_only = {"Enregistrer", "Proposer les pauses", "Annuler"}
        assert not (english_only if language == "fr" else french_only) & {
            line.strip() for line in body.splitlines()}
        page.fill("tr.chapter[data-index='2'] input.start", "0'05")
        page.press("tr.chapter[data-index='2'] input.start", "Enter")
        diagnostic = page.locator("tr.notes[data-index='2'] li.diagnostic.error")
        diagnostic.wait_for()
        assert texts["out_of_order"] in diagnostic.inner_text()
        # Put the time back: the French studio's later tests expect the outline as it was.
        page.fill("tr.chapter[data-index='2'] input.start", "0'21")
        page.press("tr.chapter[data-index='2'] input.start", "Enter")
        diagnostic.wait_for(state="detached")
    finally:
        if shown is not studio:
            stop_studio(shown)


def current_time(page) -> float:  # type: ignore[no-untyped-def]
    return page.evaluate("document.querySelector('#player').currentTime")


def start_value(page, index: int) -> str:  # type: ignore[no-untyped-def]
    return page.input_value(f"tr.chapter[data-index='{index}'] input.start")


def test_the_waveform_is_drawn_with_a_marker_per_chapter(opened) -> None:  # type: ignore[no-untyped-def]
    page = opened
    painted = page.evaluate("""() => {
        const host = document.querySelector('#waveform > div');
        let painted = 0;
        for (const canvas of host.shadowRoot.querySelectorAll('canvas')) {
            const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
            for (let i = 3; i < data.length; i += 4) if (data[i] > 0) painted++;
        }
        return painted;
    }""")
    assert painted > 5000
    labels = page.locator("#waveform [part~='marker']").all_inner_texts()
    assert labels == ["Mot d'accueil", "Introduction du sujet", "Table ronde", "Questions du public"]
    assert page.input_value("tr.chapter[data-index='1'] input.description") == "Définitions et historique"
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.text_content("#save") == "Enregistrer"
    path = save_screenshot(page, DOCS_SCREENSHOT)
    assert path.stat().st_size > 10_000


def test_clicking_a_chapter_or_a_marker_seeks_there(opened) -> None:  # type: ignore[no-untyped-def]
    page = opened
    page.click("tr.chapter[data-index='2'] td.time")
    page.wait_for_function("() => Math.abs(document.querySelector('#player').currentTime - 21) < 0.05")
    assert page.locator("tr.chapter[data-index='2']").get_attribute("class") == "chapter selected"
    page.locator("#waveform [part~='start-3']").click()
    page.wait_for_function("() => Math.abs(document.querySelector('#player').currentTime - 30) < 0.05")


def test_dragging_a_marker_moves_the_chapter(opened) -> None:  # type: ignore[no-untyped-def]
    page = opened
    marker = page.locator("#waveform [part~='start-1']").bounding_box()
    assert marker is not None
    width = page.locator("#waveform").bounding_box()["width"]  # type: ignore[index]
    x, y = marker["x"] + marker["width"] / 2, marker["y"] + 60
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + width / 40 / 2, y, steps=5)  # about half a second to the right
    page.mouse.move(x + width / 40, y, steps=5)
    page.mouse.up()
    page.wait_for_function("() => document.querySelector(\"tr.chapter[data-index='1'] input.start\").value"
                           " !== \"0'09\"")
    moved = start_value(page, 1)
    assert re.fullmatch(r"0'09,\d|0'10(,\d)?", moved), moved
    page.click("#undo")
    page.wait_for_function("() => document.querySelector(\"tr.chapter[data-index='1'] input.start\").value"
                           " === \"0'09\"")


def test_keyboard_shortcuts(opened) -> None:  # type: ignore[no-untyped-def]
    page = opened
    page.click("#episode-title")
    page.keyboard.press("k")
    page.wait_for_function("() => Math.abs(document.querySelector('#player').currentTime - 9) < 0.05")
    page.keyboard.press("k")
    page.wait_for_function("() => Math.abs(document.querySelector('#player').currentTime - 21) < 0.05")
    page.keyboard.press("j")
    page.wait_for_function("() => Math.abs(document.querySelector('#player').currentTime - 9) < 0.05")
    page.keyboard.press("]")  # the selected boundary (Introduction) 0.1 s later
    page.wait_for_function("() => document.querySelector(\"tr.chapter[data-index='1'] input.start\").value"
                           " === \"0'09,1\"")
    page.keyboard.press("Shift+BracketRight")
    page.wait_for_function("() => document.querySelector(\"tr.chapter[data-index='1'] input.start\").value"
                           " === \"0'10,1\"")
    page.keyboard.press("[")
    page.wait_for_function("() => document.querySelector(\"tr.chapter[data-index='1'] input.start\").value"
                           " === \"0'10\"")
    for _ in range(3):
        page.keyboard.press("Control+z")
    page.wait_for_function("() => document.querySelector(\"tr.chapter[data-index='1'] input.start\").value"
                           " === \"0'09\"")
    page.keyboard.press("Space")
    page.wait_for_function("() => !document.querySelector('#player').paused")
    page.keyboard.press("Space")
    page.wait_for_function("() => document.querySelector('#player').paused")


def test_play_around_a_boundary(opened) -> None:  # type: ignore[no-untyped-def]
    page = opened
    page.click("tr.chapter[data-index='2'] button.play-around")
    page.wait_for_function("() => !document.querySelector('#player').paused")
    assert 17.9 <= current_time(page) <= 19.5  # from 3 s before 0'21


def test_chapters_out_of_order_get_a_diagnostic(opened) -> None:  # type: ignore[no-untyped-def]
    page = opened
    page.fill("tr.chapter[data-index='2'] input.start", "0'05")
    page.press("tr.chapter[data-index='2'] input.start", "Enter")
    diagnostic = page.locator("tr.notes[data-index='2'] li.diagnostic.error")
    diagnostic.wait_for()
    assert "Table ronde" in diagnostic.inner_text()
    assert page.is_disabled("#save")
    page.fill("tr.chapter[data-index='2'] input.start", "pas un temps")
    page.press("tr.chapter[data-index='2'] input.start", "Enter")
    page.wait_for_selector("tr.chapter[data-index='2'] input.start.bad")
    assert "pas un temps" in page.text_content("#status")


def test_accepting_a_snap_suggestion(opened) -> None:  # type: ignore[no-untyped-def]
    page = opened
    page.click("#suggest")
    page.wait_for_selector("#suggestions li.suggestion")
    assert page.locator("#waveform [part~='ghost-0']").count() == 1
    first = page.locator("#suggestions li.suggestion").first
    assert "Introduction du sujet" in first.inner_text()
    save_screenshot(page, "studio-suggestions.png")
    first.locator("button.accept").click()
    page.wait_for_function("() => document.querySelector(\"tr.chapter[data-index='1'] input.start\").value"
                           " === \"0'09,7\"")
    remaining = page.locator("#suggestions li.suggestion").count()
    page.locator("#suggestions li.suggestion").first.locator("button.reject").click()
    assert page.locator("#suggestions li.suggestion").count() == remaining - 1


def test_editing_a_title_and_saving_writes_both_files(opened, studio: Studio) -> None:  # type: ignore[no-untyped-def]
    page = opened
    hostile = "<img src=x onerror=alert(1)>"
    page.fill("tr.chapter[data-index='2'] input.title", hostile)
    page.press("tr.chapter[data-index='2'] input.title", "Tab")
    page.click("tr.chapter[data-index='0'] button.add")
    page.fill("tr.chapter[data-index='1'] input.title", "Présentation")
    page.press("tr.chapter[data-index='1'] input.title", "Tab")
    page.wait_for_function("() => !document.querySelector('#save').disabled")
    page.click("#save")
    page.wait_for_selector("body[data-saved='1']")
    assert "webinaire.md" in page.text_content("#status")
    titles = [c["title"] for c in ffmpeg_chapters(studio.audio)]
    assert titles == ["Mot d'accueil", "Présentation", "Introduction du sujet", hostile,
                      "Questions du public"]
    text = studio.outline.read_text(encoding="utf-8")
    assert "**Présentation**" in text and "Table ronde" not in text
    assert text.startswith("# Webinaire de test")
    page.reload()
    page.wait_for_selector("body[data-ready='1']")
    assert page.input_value("tr.chapter[data-index='3'] input.title") == hostile
    assert hostile in page.locator("#waveform [part~='start-3']").inner_text()
    assert page.evaluate("document.querySelectorAll('img').length") == 0
    page.wait_for_selector("body[data-waveform='ready']")


def test_the_studio_stops_when_its_terminal_closes(studio: Studio) -> None:
    studio.process.send_signal(signal.SIGHUP)
    assert studio.process.wait(timeout=10) == 0
    assert studio.process.stderr is not None
    assert "studio stopped" in studio.process.stderr.read()

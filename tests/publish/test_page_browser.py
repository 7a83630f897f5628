"""The replay page in a real browser (Playwright driving Chromium), from file:// and over http."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page

from podcast_tool.publish.page import build_page
from tests.browser import save_screenshot
from tests.conftest import SEED_OUTLINE
from tests.publish.helpers import OUTLINE_FR, make_recording, static_server

AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
DOCS = Path(__file__).resolve().parents[2] / "docs"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("browser-page")
    outline = folder / "webinaire.md"
    outline.write_text(OUTLINE_FR, encoding="utf-8")
    build_page(make_recording(folder / "webinaire.mp3"), outline, folder / "page")
    return folder / "page"


@pytest.fixture(scope="module")
def seed_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("browser-seed")
    build_page(make_recording(folder / "travail-pair-2020-12-18.mp3", seconds=9320), SEED_OUTLINE,
               folder / "page")
    return folder / "page"


def current_time(page: Page) -> float:
    return page.evaluate("document.getElementById('player').currentTime")


def wait_for_metadata(page: Page) -> None:
    page.wait_for_function("document.getElementById('player').readyState >= 1")


def current_chapter(page: Page) -> str | None:
    return page.evaluate("(document.querySelector('.chapter-link[aria-current]') || {}).textContent || null")


def test_from_file_clicking_a_chapter_plays_from_there(page: Page, site: Path) -> None:
    page.goto((site / "index.html").as_uri())
    wait_for_metadata(page)
    page.click("#chapitre-4 .chapter-link")
    page.wait_for_function("document.getElementById('player').currentTime >= 3817")
    assert 3817 <= current_time(page) < 3825
    page.wait_for_selector("#chapitre-4 .chapter-link[aria-current='true']")
    assert "Conclusion" in (current_chapter(page) or "")


def test_title_with_html_is_text(page: Page, site: Path) -> None:
    page.goto((site / "index.html").as_uri())
    assert page.inner_text("h1") == "Webinaire <b>Travail pair</b> & co"
    assert page.locator("h1 b, .chapters img, script:not([src]):not([type])").count() == 0
    assert page.inner_text("#chapitre-2 .chapter-title") == "Table ronde <img src=x onerror=alert(1)>"
    assert page.title() == "Webinaire <b>Travail pair</b> & co"
    # Lock screens: the media session names the episode.
    assert page.evaluate("navigator.mediaSession.metadata.title") == "Webinaire <b>Travail pair</b> & co"


def test_deep_links_start_there(page: Page, site: Path) -> None:
    for fragment, expected in (("#t=1:03:37", 3817), ("#t=1h03m37s", 3817), ("#t=3817", 3817),
                               ("#t=npt:0:04,0:05", 4), ("#chapitre-3", 4)):
        page.goto((site / "index.html").as_uri() + fragment)
        wait_for_metadata(page)
        page.wait_for_function(f"Math.abs(document.getElementById('player').currentTime - {expected}) < 2")
    parsed = page.evaluate("""[podcastPage.parseFragment('#t=10,20'), podcastPage.parseFragment('#t=,20'),
        podcastPage.parseFragment('#x=1&t=63:37'), podcastPage.parseFragment('#t=abc'),
        podcastPage.parseTime('1:03:37.5')]""")
    assert parsed == [{"start": 10, "end": 20}, {"start": 0, "end": 20}, {"start": 3817, "end": None},
                      None, 3817.5]


def test_over_http_the_current_chapter_follows_playback(page: Page, site: Path) -> None:
    with static_server(site) as base:
        page.goto(base + "index.html#t=1")
        wait_for_metadata(page)
        page.wait_for_selector("#chapitre-1 .chapter-link[aria-current='true']")
        page.wait_for_selector("#chapitre-2 .chapter-link[aria-current='true']")
        assert page.locator(".chapter-link[aria-current]").count() == 1
        assert page.evaluate("document.getElementById('player').paused") is False
        # Over http the chapters track is read too: the same chapters as the programme.
        page.wait_for_function("document.querySelector('track').track.cues.length === 4")
        page.click("#chapitre-4 .chapter-link")
        page.wait_for_function("document.getElementById('player').currentTime >= 3817")
        # Leave the page before the server stops: a media request still in flight would be
        # reset, and the browser logs that as a console error.
        page.goto("about:blank")


def test_copy_link_button_gives_the_moment(page: Page, site: Path) -> None:
    with static_server(site) as base:
        page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base.rstrip("/"))
        page.goto(base + "index.html")
        page.click("#chapitre-4 .copy-link")
        page.wait_for_function("document.getElementById('status').textContent === 'Lien copié'")
        assert page.evaluate("navigator.clipboard.readText()") == base + "index.html#t=3817"
        page.goto("about:blank")


def test_keyboard_and_accessibility(page: Page, site: Path) -> None:
    with static_server(site) as base:
        page.goto(base + "index.html")
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.className") == "skip-link"
        page.keyboard.press("Enter")
        for _ in range(2):  # the first chapter's link, then its copy button
            page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.getAttribute('aria-label')").startswith(
            "Copier un lien vers 0'00")
        page.add_script_tag(path=str(AXE))
        results = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
        page.goto("about:blank")
    serious = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]])
               for v in results["violations"] if v["impact"] in ("serious", "critical")]
    assert serious == []


@pytest.mark.parametrize(("name", "width", "height"), [("page-phone.png", 390, 844),
                                                       ("page-desktop.png", 1280, 900)])
def test_seed_page_screenshots_and_print(page: Page, seed_site: Path, name: str, width: int,
                                         height: int) -> None:
    page.set_viewport_size({"width": width, "height": height})
    page.goto((seed_site / "index.html").as_uri() + "#t=14:25")
    page.wait_for_selector("#chapitre-3 .chapter-link[aria-current]")
    page.evaluate("document.getElementById('player').pause()")
    page.evaluate("window.scrollTo(0, 0)")
    path = save_screenshot(page, name)
    assert path.stat().st_size > 10_000
    page.emulate_media(media="print")
    assert page.locator("audio").is_hidden()
    assert page.locator("#chapitre-9").is_visible()


PAGE_TEXTS = {
    "fr": {"anchor": "chapitre", "skip": "Aller au programme", "programme": "Programme",
           "copy": "Copier un lien vers 0'02\u00a0: Table ronde", "copied": "Lien copié",
           "recorded": "Enregistré le 18 décembre 2020", "download": "Télécharger l'enregistrement"},
    "en": {"anchor": "chapter", "skip": "Skip to the programme", "programme": "Programme",
           "copy": "Copy a link to 0'02: Table ronde", "copied": "Link copied",
           "recorded": "Recorded on 18 December 2020", "download": "Download the recording"},
}


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_page_speaks_its_language(page: Page, tmp_path: Path, language: str) -> None:
    from podcast_tool.publish.page import PageOptions

    texts = PAGE_TEXTS[language]
    outline = tmp_path / "webinaire.md"
    outline.write_text(OUTLINE_FR, encoding="utf-8")
    build_page(make_recording(tmp_path / "webinaire.mp3"), outline, tmp_path / "page",
               PageOptions(language=language))
    with static_server(tmp_path / "page") as base:
        page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base.rstrip("/"))
        page.goto(base + "index.html")
        assert page.locator("html").get_attribute("lang") == language
        assert page.inner_text(".skip-link") == texts["skip"]
        assert page.inner_text("#programme-title") == texts["programme"]
        body = page.inner_text("body")
        assert texts["recorded"] in body and texts["download"] in body
        other = PAGE_TEXTS["en" if language == "fr" else "fr"]
        assert other["download"] not in body and other["recorded"] not in body
        button = page.locator(f"#{texts['anchor']}-2 .copy-link")
        assert (button.get_attribute("aria-label") or "").startswith(texts["copy"])
        button.click()
        page.wait_for_function(f"document.getElementById('status').textContent === {texts['copied']!r}")
        assert page.evaluate("navigator.clipboard.readText()") == base + "index.html#t=2"
        page.goto("about:blank")

"""A real browser for the page tests: Playwright driving the system's Chromium.

``make test`` runs ``scripts/ensure-chromium`` first, so a missing browser stops the run with
a message saying how to install one; these fixtures fail the same way (never skip) when the
suite is started some other way.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser, ConsoleMessage, Page

#: Where the browser tests keep their screenshots (README shows some of them).
ARTIFACTS = Path(__file__).resolve().parent.parent / "build" / "test-artifacts"

#: The flags a sandboxed, offline machine needs: no background fetches, no GPU, and no
#: Chromium sandbox when the tests run as root (Chromium refuses to start otherwise).
CHROMIUM_ARGS = [
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--autoplay-policy=no-user-gesture-required",
]


def chromium_executable() -> str:
    configured = os.environ.get("PODCAST_TOOL_CHROMIUM")
    if configured and os.access(configured, os.X_OK):
        return configured
    for name in ("chromium", "chromium-browser", "google-chrome-stable", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    pytest.fail("no Chromium for the browser tests: run `make test` (it installs one where it "
                "can, or says how) or set PODCAST_TOOL_CHROMIUM", pytrace=False)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    from playwright.sync_api import sync_playwright

    args = list(CHROMIUM_ARGS)
    if os.geteuid() == 0:
        args.append("--no-sandbox")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium_executable(), args=args,
                                              headless=True)
        yield launched
        launched.close()


class ConsoleLog:
    """What the page printed to its console, and the errors it threw."""

    def __init__(self) -> None:
        self.errors: list[str] = []
        self.messages: list[str] = []

    def on_console(self, message: ConsoleMessage) -> None:
        self.messages.append(f"{message.type}: {message.text}")
        if message.type == "error":
            self.errors.append(message.text)

    def on_page_error(self, error: Exception) -> None:
        self.errors.append(str(error))


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh page (own context); the test fails if the page logged a console error."""
    context = browser.new_context()
    new_page = context.new_page()
    log = ConsoleLog()
    new_page.on("console", log.on_console)
    new_page.on("pageerror", log.on_page_error)
    new_page.console_log = log  # type: ignore[attr-defined]
    yield new_page
    context.close()
    assert not log.errors, f"console errors: {log.errors}"


def save_screenshot(page: Page, name: str, **options: object) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / name
    page.screenshot(path=str(path), **options)
    return path

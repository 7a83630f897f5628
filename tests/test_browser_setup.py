"""The browser the page tests use really starts, runs scripts and plays audio elements."""

from __future__ import annotations


def test_chromium_runs_a_page_and_its_script(page) -> None:
    page.set_content("<p id='out'>no script</p><script>"
                     "document.getElementById('out').textContent = 'script ran';</script>")
    assert page.text_content("#out") == "script ran"
    assert page.evaluate("typeof document.createElement('audio').play") == "function"

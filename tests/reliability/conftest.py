"""The reliability suite reports what it ran: fuzzed inputs and bounded runs, by kind.

Tests add to ``COUNTS`` (``count("kind", n)``); the numbers are printed at the end of the
test session, so a run shows the figures docs/reliability.md reports.
"""

from __future__ import annotations

from collections import Counter

import pytest

COUNTS: Counter[str] = Counter()


def count(kind: str, number: int = 1) -> None:
    COUNTS[kind] += number


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not COUNTS:
        return
    terminalreporter.write_sep("-", "reliability: inputs run")
    for kind, number in sorted(COUNTS.items()):
        terminalreporter.write_line(f"{kind}: {number:,}")

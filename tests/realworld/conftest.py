"""Prints the real-world corpus totals (written / refused / wrong) at the end of the run."""

from __future__ import annotations

from collections import Counter


def pytest_terminal_summary(terminalreporter, exitstatus, config):  # noqa: ARG001 - pytest's signature
    from tests.realworld.test_corpus import OUTCOMES

    if not OUTCOMES:
        return
    counts = Counter(outcome.split(":")[0] for outcome in OUTCOMES.values())
    terminalreporter.write_sep("-", "real-world corpus (mutagen's test data)")
    terminalreporter.write_line(f"{len(OUTCOMES)} files: {counts['written']} written, "
                                f"{counts['refused']} refused, {counts['wrong']} wrong")
    for name, outcome in sorted(OUTCOMES.items()):
        if outcome.startswith("wrong"):
            terminalreporter.write_line(f"  {name}: {outcome}")

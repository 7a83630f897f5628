"""Outline parsing, and ``check`` as a whole, grow linearly with the input: no blow-up.

Times ``parse_outline`` on outlines of 1k, 10k and 100k lines (the largest about 10 MB), and on
hostile single lines (runs of ``**``, ``[``, quotes, underscores…) of 0.1 and 1 million
characters. Then times the whole ``check`` command (reading, validation, the table and the
diagnostics it prints) on outlines of 1,000, 4,000 and 16,000 chapters, and on a chapter file
whose title is 100 KB and 1 MB of backslashes. Prints the time per line (or per character, or
per chapter) and its ratio to the smallest size: a ratio near 1 is linear growth; a quadratic
one would show 100 and more. The same for a saved web page of 1k and 10k paragraphs, and for one
nested 10k and 100k tags deep.
"""

from __future__ import annotations

import json
import random
import tempfile
from pathlib import Path

from bench.common import best_of
from podcast_tool.outline.parser import parse_outline
from podcast_tool.outline.timecodes import format_clock, format_fr

SIZES = (1_000, 10_000, 100_000)
#: Target: the per-line cost of the largest outline within this factor of the smallest's.
LINEAR_TOLERANCE = 3.0


def outline(lines: int, seed: int = 1) -> str:
    """A long outline in the seed's style: chapters in both notations, each with notes."""
    rng = random.Random(seed)
    parts = ["# Webinaire de test du 18 décembre 2020", ""]
    ms = 0
    while len(parts) < lines:
        ms += rng.randint(1, 120) * 1000
        end = ms + rng.randint(1, 60) * 1000
        time = f"{format_fr(ms)} à {format_fr(end)}" if rng.random() < 0.5 else f"- [{format_clock(ms)}]"
        parts.append(f"{time} **Intervention n°{len(parts)} sur l'accueil d'un travailleur pair** "
                     f"*Définitions, champs professionnels [lien](https://example.org/{len(parts)})*")
        for _ in range(rng.randint(0, 4)):
            parts.append("« Comment le sujet de la pair-aidance a émergé sur votre territoire ? » "
                         "*Importance de la dynamique participative ; c'est l'essentiel.*")
        parts.append("")
    return "\n".join(parts[:lines])


HOSTILE = {
    "bold markers": "**x",
    "open brackets": "[a](",
    "quotes and digits": "1'2'",
    "underscores": "_",
    "backslashes": "\\",
    "dashes": " -",
}


def main() -> None:
    base = None
    for lines in SIZES:
        text = outline(lines)
        seconds = best_of(lambda text=text: parse_outline(text), repeat=3)
        per_line = seconds / lines
        base = base or per_line
        print(f"{lines:>7} lines ({len(text.encode()) / 1e6:5.1f} MB): {seconds * 1000:8.1f} ms, "
              f"{per_line * 1e6:6.2f} µs/line, ratio to 1k {per_line / base:5.2f}", flush=True)
    ratio = per_line / base
    verdict = "met" if ratio <= LINEAR_TOLERANCE else "NOT met"
    print(f"per-line cost 100k/1k: {ratio:.2f} (target ≤ {LINEAR_TOLERANCE}: {verdict})")
    for label, unit in HOSTILE.items():
        timings = []
        for chars in (100_000, 1_000_000):
            line = "0'20 " + unit * (chars // len(unit))
            timings.append(best_of(lambda line=line: parse_outline(line), repeat=3) / chars)
        print(f"hostile line of {label}: {timings[1] * 1e9:6.1f} ns/char at 1M chars, "
              f"ratio to 100k {timings[1] / timings[0]:5.2f}", flush=True)
    web_pages()
    bench_check()


CHECK_SIZES = (1_000, 4_000, 16_000)


def check_command(path: Path) -> None:
    from click.testing import CliRunner

    from podcast_tool.cli import main as cli

    result = CliRunner().invoke(cli, ["check", str(path)])
    assert result.exit_code in (0, 1), result.output


def bench_check() -> None:
    with tempfile.TemporaryDirectory() as folder:
        base = None
        for count in CHECK_SIZES:
            path = Path(folder) / f"plan-{count}.md"
            path.write_text("".join(f"- {format_clock(i * 30_000)} Intervention n°{i}\n"
                                    for i in range(count)), "utf-8")
            seconds = best_of(lambda path=path: check_command(path), repeat=3)
            base = base or seconds / count
            print(f"check, {count:>6} chapters: {seconds * 1000:8.1f} ms, "
                  f"{seconds / count * 1e6:6.1f} µs/chapter, ratio to 1k "
                  f"{seconds / count / base:5.2f}", flush=True)
        timings = []
        for chars in (100_000, 1_000_000):
            path = Path(folder) / f"title-{chars}.json"
            path.write_text(json.dumps({"chapters": [{"startTime": 0, "title": "\\" * chars}]}),
                            "utf-8")
            timings.append(best_of(lambda path=path: check_command(path), repeat=3))
        print(f"check, a title of 1M backslashes: {timings[1] * 1000:.1f} ms, ratio to 100k "
              f"{timings[1] / timings[0]:5.2f} (10 times the characters)", flush=True)


def web_pages() -> None:
    from podcast_tool.outline.documents.web import read_html

    base = None
    for paragraphs in (1_000, 10_000):
        page = ("<html><body><main>" + "".join(
            f"<p>{format_fr(index * 1000)} <strong>Intervention n°{index}</strong> <em>sur l'accueil"
            "</em></p><nav>menu</nav>" for index in range(paragraphs)) + "</main></body></html>").encode()
        seconds = best_of(lambda page=page: read_html(page), repeat=3)
        base = base or seconds / paragraphs
        print(f"web page of {paragraphs:>6} paragraphs: {seconds * 1000:7.1f} ms, ratio to 1k "
              f"{seconds / paragraphs / base:5.2f}", flush=True)
    base = None
    for depth in (10_000, 100_000):
        page = ("<div><span>" * (depth // 2) + "0'20 Accueil" + "</span></div>" * (depth // 2)).encode()
        seconds = best_of(lambda page=page: read_html(page), repeat=3)
        base = base or seconds / depth
        print(f"web page {depth:>6} tags deep: {seconds * 1000:7.1f} ms, ratio to 10k "
              f"{seconds / depth / base:5.2f}", flush=True)


if __name__ == "__main__":
    main()

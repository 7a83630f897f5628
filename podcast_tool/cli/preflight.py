"""podcast-tool preflight AUDIO [SIDECAR…] [--app KEY…] [--json]"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from podcast_tool.cli.common import handles_errors, print_json, shown, stdout_console

VERDICT_STYLE = {"ok": "[green]shows them[/]", "warning": "[yellow]with problems[/]",
                 "none": "[bold red]none[/]"}
#: Titles shown per app in the table (all are in --json).
TITLES_SHOWN = 3
#: Titles are cut in the table (they are whole in --json).
TITLE_WIDTH = 28


@click.command("preflight")
@click.argument("audio", type=click.Path(path_type=Path, dir_okay=False))
@click.argument("sidecars", nargs=-1, type=click.Path(path_type=Path, dir_okay=False))
@click.option("--app", "apps", multiple=True, metavar="APP",
              help="Only this app (repeatable): apple, overcast, castro, pocketcasts, antennapod, "
                   "kasts, spotify, youtube, ffmpeg, web.")
@click.option("--json", "as_json", is_flag=True, help="Print the verdicts as JSON.")
@handles_errors
def command(audio: Path, sidecars: tuple[Path, ...], apps: tuple[str, ...], as_json: bool) -> None:
    """What each podcast app will show of AUDIO's chapters, and of the SIDECARs published with it.

    SIDECARs are the chapter files of the feed item: JSON chapters (podcast:chapters), Podlove
    (psc), WebVTT (the web page's <track>), and the description's timestamps (youtube format).
    Exit 0 when every app shows the chapters without a problem, 1 otherwise.
    """
    from podcast_tool.errors import UsageError
    from podcast_tool.preflight import app_keys, preflight

    unknown = [key for key in apps if key not in app_keys()]
    if unknown:
        raise UsageError(f"unknown app {unknown[0]!r} (known: {', '.join(app_keys())})")
    result = preflight(audio, list(sidecars), list(apps) or None)
    if as_json:
        print_json(result.to_dict())
    else:
        console = stdout_console()
        console.print(preflight_table(result))
        for report in result.reports:
            for finding in report.findings:
                if finding.code == "no-chapters" and not finding.hint:
                    continue
                mark = "[yellow]problem[/]" if finding.problem else "[cyan]note[/]"
                console.print(f"{shown(report.app.name)}: {mark}: {shown(finding.message)}")
                if finding.hint:
                    console.print(f"  [dim]hint: {shown(finding.hint)}[/]")
        console.print(shown(result.summary()))
    sys.exit(0 if result.ok else 1)


def preflight_table(result: object) -> object:
    from rich.table import Table

    from podcast_tool.outline.timecodes import format_clock
    from podcast_tool.preflight import Preflight
    from podcast_tool.preflight.rules import has_image

    assert isinstance(result, Preflight)
    table = Table(title=shown(f"What each app shows of {result.audio.name}"), title_justify="left")
    for heading in ("app", "verdict", "#", "titles as shown", "img", "links", "ends", "from"):
        table.add_column(heading, overflow="fold")
    for report in result.reports:
        reading = report.reading
        chapters = report.chapters
        titles = [f"{format_clock(c.start_ms)} {_cut(c.title) or '(untitled)'}"
                  for c in chapters[:TITLES_SHOWN]]
        if len(chapters) > TITLES_SHOWN:
            titles.append(f"… {len(chapters) - TITLES_SHOWN} more")
        images = sum(1 for c in chapters if has_image(c)) if reading.images else None
        links = sum(1 for c in chapters if c.url) if reading.links else None
        table.add_row(
            shown(report.app.name), VERDICT_STYLE[report.verdict], str(len(chapters)),
            shown("\n".join(titles)) or "—",
            "—" if images is None else str(images), "—" if links is None else str(links),
            "used" if reading.ends else "ignored",
            shown(reading.source or "—"))
    return table


def _cut(title: str) -> str:
    return title if len(title) <= TITLE_WIDTH else title[:TITLE_WIDTH - 1] + "…"

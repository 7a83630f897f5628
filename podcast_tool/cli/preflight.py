"""podcast-tool preflight AUDIO [SIDECAR…] [--app KEY…] [--json]"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from podcast_tool.cli.common import handles_errors, hint_line, print_json, shown, stdout_console
from podcast_tool.cli.localized import Command
from podcast_tool.i18n import N_, _, ngettext

VERDICT_STYLE = {"ok": "green", "warning": "yellow", "none": "bold red"}
VERDICT_TEXT = {"ok": N_("shows them"), "warning": N_("with problems"), "none": N_("none")}
#: Titles shown per app in the table (all are in --json).
TITLES_SHOWN = 3
#: Titles are cut in the table (they are whole in --json).
TITLE_WIDTH = 28


@click.command("preflight", cls=Command,
               help=N_("What each podcast app will show of AUDIO's chapters, and of the SIDECARs "
                       "published with it.\n\nSIDECARs are the chapter files of the feed item: JSON "
                       "chapters (podcast:chapters), Podlove (psc), WebVTT (the web page's <track>), "
                       "and the description's timestamps (youtube format). Exit 0 when every app "
                       "shows the chapters without a problem, 1 otherwise."))
@click.argument("audio", metavar=N_("AUDIO"), type=click.Path(path_type=Path, dir_okay=False))
@click.argument("sidecars", metavar=N_("SIDECARS"), nargs=-1, type=click.Path(path_type=Path, dir_okay=False))
@click.option("--app", "apps", multiple=True, metavar=N_("APP"),
              help=N_("Only this app (repeatable): apple, overcast, castro, pocketcasts, "
                      "antennapod, kasts, spotify, youtube, ffmpeg, web."))
@click.option("--json", "as_json", is_flag=True, help=N_("Print the verdicts as JSON."))
@handles_errors
def command(audio: Path, sidecars: tuple[Path, ...], apps: tuple[str, ...], as_json: bool) -> None:
    from podcast_tool.errors import UsageError
    from podcast_tool.preflight import app_keys, preflight

    unknown = [key for key in apps if key not in app_keys()]
    if unknown:
        raise UsageError(_("unknown app {app!r} (known: {known})").format(
            app=unknown[0], known=", ".join(app_keys())))
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
                label = _("problem:") if finding.problem else _("info:")
                mark = f"[{'yellow' if finding.problem else 'cyan'}]{label}[/]"
                console.print(_("{name}: {what}").format(name=shown(report.app.shown_name()),
                                                          what=f"{mark} {shown(finding.message)}"))
                if finding.hint:
                    console.print(f"  [dim]{hint_line(finding.hint)}[/]")
        console.print(shown(result.summary()))
    sys.exit(0 if result.ok else 1)


def preflight_table(result: object) -> object:
    from rich.table import Table

    from podcast_tool.outline.timecodes import format_clock
    from podcast_tool.preflight import Preflight
    from podcast_tool.preflight.rules import has_image

    assert isinstance(result, Preflight)
    title = _("What each app shows of {file}").format(file=result.audio.name)
    table = Table(title=shown(title), title_justify="left")
    for heading in (N_("app"), N_("verdict"), "#", N_("titles as shown"), N_("img"), N_("links"),
                    N_("ends"), N_("from")):
        table.add_column(_(heading), overflow="fold")
    for report in result.reports:
        reading = report.reading
        chapters = report.chapters
        untitled = _("(untitled)")
        titles = [f"{format_clock(c.start_ms)} {_cut(c.title) or untitled}"
                  for c in chapters[:TITLES_SHOWN]]
        if len(chapters) > TITLES_SHOWN:
            more = len(chapters) - TITLES_SHOWN
            titles.append(ngettext("… {count} more", "… {count} more", more).format(count=more))
        verdict_text = _(VERDICT_TEXT[report.verdict])
        verdict = f"[{VERDICT_STYLE[report.verdict]}]{verdict_text}[/]"
        images = sum(1 for c in chapters if has_image(c)) if reading.images else None
        links = sum(1 for c in chapters if c.url) if reading.links else None
        table.add_row(
            shown(report.app.shown_name()), verdict, str(len(chapters)),
            shown("\n".join(titles)) or "—",
            "—" if images is None else str(images), "—" if links is None else str(links),
            _("used") if reading.ends else _("ignored"),
            shown(reading.source or "—"))
    return table


def _cut(title: str) -> str:
    return title if len(title) <= TITLE_WIDTH else title[:TITLE_WIDTH - 1] + "…"

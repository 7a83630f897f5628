"""podcast-tool feed ROOT --base-url URL -o feed.xml | feed --init ROOT"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from podcast_tool.cli.common import handles_errors, print_publish_report, shown, stdout_console
from podcast_tool.cli.localized import Command
from podcast_tool.errors import UsageError
from podcast_tool.i18n import N_, _


@click.command("feed", cls=Command, help=N_(
    "Build (or update) the podcast feed of the recordings of ROOT, a batch folder.\n\nThe "
    "podcast's title, description, language, author, artwork and category come from "
    "ROOT/podcast.toml (`--init` creates one). Each episode's chapters.json is written beside "
    "the feed, in KEY/ as `publish` lays the site out."))
@click.argument("root", metavar=N_("ROOT"), default=".", type=click.Path(path_type=Path, file_okay=False))
@click.option("--base-url", metavar="URL", help=N_("The address the site is published at."))
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False),
              help=N_("The feed file to write [default: ROOT/feed.xml]."))
@click.option("--init", "init", is_flag=True,
              help=N_("Create ROOT/podcast.toml with defaults and comments, then stop."))
@handles_errors
def command(root: Path, base_url: str | None, output: Path | None, init: bool) -> None:
    from podcast_tool.publish.channel import init_channel

    if init:
        path = init_channel(root)
        stdout_console().print(_("{path}: written; fill in the podcast's details").format(
            path=shown(str(path))))
        return
    if not base_url:
        raise UsageError(_("--base-url is required: the feed's links are absolute addresses"))
    from podcast_tool.publish.site import write_feed

    output = output or root / "feed.xml"
    result = write_feed(root, base_url, output)
    print_publish_report(result.collection)
    stdout_console().print(_("{path}: {count} episode(s), {state}").format(
        path=shown(str(output)), count=len(result.collection.entries),
        state=_("written") if result.written else _("unchanged")))
    if result.collection.failures:
        sys.exit(1)

"""podcast-tool publish ROOT -o SITE --base-url URL"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from podcast_tool.cli.common import handles_errors, print_publish_report, shown, stdout_console
from podcast_tool.cli.localized import Command
from podcast_tool.i18n import N_, _


@click.command("publish", cls=Command, help=N_(
    "Publish ROOT, a batch folder, as a static site in SITE: tag what needs tagging (as "
    "`batch` does), then a page per recording, an index of all episodes, feed.xml and the "
    "sidecars.\n\nRunning it again redoes only what changed. Upload SITE to any web host, at "
    "the address given as --base-url."))
@click.argument("root", metavar=N_("ROOT"), default=".", type=click.Path(path_type=Path, file_okay=False))
@click.option("-o", "--output", "site", required=True, metavar=N_("SITE"),
              type=click.Path(path_type=Path, file_okay=False),
              help=N_("Folder to write the site into (created if needed)."))
@click.option("--base-url", required=True, metavar="URL",
              help=N_("The address the site is published at."))
@click.option("--snap", is_flag=True, help=N_("Move chapter times to the real pauses first."))
@click.option("--jobs", "-j", type=click.IntRange(1, 32), default=2, show_default=True,
              help=N_("Recordings tagged at the same time."))
@handles_errors
def command(root: Path, site: Path, base_url: str, snap: bool, jobs: int) -> None:
    from podcast_tool.publish.site import publish_site

    result = publish_site(root, site, base_url, workers=jobs, snap=snap)
    print_publish_report(result.collection)
    tagged = sum(r.status.value == "tagged" for r in result.tagging.results)  # type: ignore[attr-defined]
    stdout_console().print(_("{site}: {count} episode(s), {tagged} recording(s) tagged, {written} "
                             "file(s) written").format(site=shown(str(site)),
                                                       count=len(result.collection.entries),
                                                       tagged=tagged, written=len(result.written)))
    if result.collection.failures:
        sys.exit(1)

"""podcast-tool page AUDIO [CHAPTERS] -o DIR"""

from __future__ import annotations

from pathlib import Path

import click

from podcast_tool.cli.common import handles_errors, print_diagnostics, shown, stdout_console
from podcast_tool.cli.localized import Command
from podcast_tool.i18n import N_, _


@click.command("page", cls=Command, help=N_(
    "Write the replay page of AUDIO into DIR: index.html, chapters.vtt, chapters.json and the "
    "audio.\n\nCHAPTERS is the outline or sidecar (default: the chapters already in AUDIO). The "
    "folder works from file:// and from any static web host."))
@click.argument("audio", metavar=N_("AUDIO"), type=click.Path(path_type=Path, dir_okay=False))
@click.argument("chapters", metavar=N_("CHAPTERS"), required=False,
                type=click.Path(path_type=Path, dir_okay=False))
@click.option("-o", "--output", "folder", required=True, metavar=N_("DIR"),
              type=click.Path(path_type=Path, file_okay=False),
              help=N_("Folder to write the page into (created if needed)."))
@click.option("--audio-url", metavar="URL",
              help=N_("Play the recording from this address instead of copying it into the folder."))
@click.option("--page-url", metavar="URL",
              help=N_("Where the folder will be online: absolute links to moments and images."))
@click.option("--lang", "language", type=click.Choice(["en", "fr"]),
              help=N_("Language of the page (default: the episode's)."))
@click.option("--image", "artwork", metavar=N_("FILE|URL"), help=N_("Episode artwork (JPEG or PNG)."))
@click.option("--embed", is_flag=True,
              help=N_("Also write embed.html, an <iframe> to paste into a CMS page (needs --page-url)."))
@handles_errors
def command(audio: Path, chapters: Path | None, folder: Path, audio_url: str | None,
            page_url: str | None, language: str | None, artwork: str | None, embed: bool) -> None:
    from podcast_tool.publish.page import PageOptions, build_page

    result = build_page(audio, chapters, folder, PageOptions(
        audio_url=audio_url, page_url=page_url, language=language, embed=embed, artwork=artwork))
    print_diagnostics([d for d in result.diagnostics if d.severity.value != "info"])
    stdout_console().print(_("{page}: {chapters} chapters, {written} file(s) written, {unchanged} "
                             "unchanged").format(page=shown(str(folder / "index.html")),
                                                 chapters=len(result.episode.chapters),
                                                 written=len(result.written),
                                                 unchanged=len(result.unchanged)))

"""podcast-tool formats"""

from __future__ import annotations

import click

from podcast_tool.cli.common import handles_errors, stdout_console
from podcast_tool.cli.localized import Command
from podcast_tool.i18n import N_, _

#: Short headings, so the table fits 80 columns (the caption explains them).
FEATURE_HEADINGS = {"end": N_("end"), "description": N_("descr."), "url": N_("link"),
                    "image": N_("image"), "toc": N_("toc")}


@click.command("formats", cls=Command,
               help=N_("List the chapter formats (for --format and --from) and what each keeps."))
@handles_errors
def command() -> None:
    from rich.table import Table

    from podcast_tool.pipeline import FEATURES, all_formats

    table = Table(title=_("Chapter formats"), title_justify="left",
                  caption=_("Every format keeps start times and titles. end: end times; descr.: "
                            "descriptions; link, image: per-chapter URL and image; toc: hidden "
                            "chapters (toc: false; written {hidden} in outlines), which the formats "
                            "marked shown write as normal chapters, as audio files do."),
                  caption_justify="left")
    table.add_column(_("name"), style="bold", no_wrap=True)
    table.add_column(_("format"), min_width=16)
    table.add_column(_("extensions"))
    for feature in FEATURES:
        table.add_column(_(FEATURE_HEADINGS[feature]), justify="center")
    kept, shown_as_normal = _("yes"), _("shown")
    for chapter_format in all_formats():
        marks = [f"[green]{kept}[/]" if feature in chapter_format.keeps
                 else f"[dim]{shown_as_normal}[/]" if feature == "toc" else "[dim]–[/]"
                 for feature in FEATURES]
        table.add_row(chapter_format.name, _(chapter_format.label),
                      " ".join(chapter_format.extensions), *marks)
    stdout_console().print(table)

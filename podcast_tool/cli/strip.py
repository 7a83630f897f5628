"""podcast-tool strip AUDIO… [--dry-run]"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from podcast_tool.cli.common import (
    force_option,
    handles_errors,
    print_error,
    shown,
    stderr_console,
    stdout_console,
)
from podcast_tool.cli.localized import Command
from podcast_tool.errors import PodcastToolError
from podcast_tool.i18n import N_, _, ngettext


def _chapters(count: int) -> str:
    return ngettext("{count} chapter", "{count} chapters", count).format(count=count)


@click.command("strip", cls=Command,
               help=N_("Remove every chapter from each AUDIO file (MP3, M4A/M4B, Ogg, Opus, FLAC, "
                    "WAV).\n\nOther tags and cover art stay. A file that fails is reported and the "
                    "others are still processed; the exit code is then 1."))
@click.argument("audio", metavar=N_("AUDIO"), nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--dry-run", is_flag=True, help=N_("Show how many chapters would be removed; write nothing."))
@force_option
@handles_errors
def command(audio: tuple[Path, ...], dry_run: bool) -> None:
    from podcast_tool import pipeline

    out, err = stdout_console(), stderr_console()
    failed = 0
    for path in audio:
        try:
            count = pipeline.strip(path, dry_run=dry_run)
            if dry_run:
                message = (_("would remove {chapters}; nothing was written").format(
                    chapters=_chapters(count)) if count else _("no chapters; nothing to remove"))
            else:
                message = (_("removed {chapters}").format(chapters=_chapters(count)) if count
                           else _("no chapters; nothing to remove"))
        except PodcastToolError as error:
            failed += 1
            print_error(error, error.location() or str(path))
            continue
        out.print(_("{name}: {what}").format(name=shown(str(path)), what=message))
    if failed:
        if len(audio) > 1:
            err.print(ngettext("{failed} of {count} file failed", "{failed} of {count} files failed",
                               len(audio)).format(failed=failed, count=len(audio)))
        sys.exit(1)

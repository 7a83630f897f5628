"""The command line: a thin click layer over the core (one module per command).

Commands are imported only when run, so ``podcast-tool --help`` stays fast:
numpy, mutagen and the format modules load with the command that needs them.
"""

from __future__ import annotations

import importlib
from typing import Any

import click

from podcast_tool import __version__, i18n
from podcast_tool.cli.localized import Group, route_click_messages
from podcast_tool.i18n import N_, _

#: command name -> (module in podcast_tool.cli, one-line help shown by --help)
COMMANDS: dict[str, tuple[str, str]] = {
    "check": ("check", N_("Validate an outline (and its fit to the audio).")),
    "tag": ("tag", N_("Write chapters from an outline or sidecar into an audio file.")),
    "show": ("show", N_("Show the chapters stored in an audio file or chapter file.")),
    "export": ("export", N_("Convert chapters to another format (JSON, Podlove, WebVTT, CUE…).")),
    "strip": ("strip", N_("Remove every chapter from an audio file.")),
    "formats": ("formats_cmd", N_("List the chapter formats and what each keeps.")),
    "snap": ("snap", N_("Move outline times to the real pauses in the audio.")),
    "preflight": ("preflight", N_("Tell what each podcast app will show of a file's chapters.")),
    "batch": ("batch", N_("Tag every recording of a folder from its outline.")),
    "page": ("page", N_("Write the replay page of a recording: player, programme, deep links.")),
    "feed": ("feed", N_("Build the podcast feed (RSS) of a batch folder's recordings.")),
    "publish": ("publish", N_("Publish a batch folder as a static site: pages, index and feed.")),
    "studio": ("studio", N_("Check and correct the chapters by ear, in the browser.")),
    "demo": ("demo", N_("Synthesize the seed webinar replay, tag it and read it back.")),
}


class LazyGroup(Group):
    def main(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().main(*args, **kwargs)
        finally:
            i18n.set_language(None)  # a run's --lang ends with it (tests run many in-process)

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        # The language is known before anything is printed, even for "--help --lang fr";
        # each run starts afresh (tests invoke the group many times in one process).
        i18n.set_language(_language_argument(args))
        route_click_messages()
        return super().parse_args(ctx, args)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return [name for name, (module, _) in COMMANDS.items() if _available(module)]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return None
        module_name, _ = COMMANDS[cmd_name]
        if not _available(module_name):
            return None
        # Imported in English: click keeps some texts from import time ("file"), translated
        # when shown; importing in French would leave them French for later runs in-process.
        with i18n.language(i18n.SOURCE_LANGUAGE):
            module = importlib.import_module(f"podcast_tool.cli.{module_name}")
        return module.command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, _(COMMANDS[name][1])) for name in self.list_commands(ctx)]
        if rows:
            with formatter.section(_("Commands")):
                formatter.write_dl(rows)


def _available(module_name: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(f"podcast_tool.cli.{module_name}") is not None


def _language_argument(args: list[str]) -> str | None:
    """The value of ``--lang`` among the group's own options (before the command's name)."""
    for index, arg in enumerate(args):
        if arg == "--lang" and index + 1 < len(args):
            return i18n.language_of(args[index + 1])
        if arg.startswith("--lang="):
            return i18n.language_of(arg.partition("=")[2])
        if arg in COMMANDS:
            break
    return None


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]},
             help=N_("Chapter markers for webinar and event replays, from the outline you already "
                     "wrote.\n\nExit codes: 0 ok, 1 problems found or a file failed, 2 usage error."))
@click.option("--lang", type=click.Choice(i18n.LANGUAGES), expose_value=False, is_eager=True,
              metavar="fr|en",
              help=N_("Language of messages and help (default: PODCAST_TOOL_LANG, else the locale)."))
@click.version_option(__version__, prog_name="podcast-tool")
def main() -> None:
    """The group itself does nothing: each command is a module of podcast_tool.cli."""

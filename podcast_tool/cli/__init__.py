"""The command line: a thin click layer over the core (one module per command).

Commands are imported only when run, so ``podcast-tool --help`` stays fast:
numpy, mutagen and the format modules load with the command that needs them.
"""

from __future__ import annotations

import importlib

import click

from podcast_tool import __version__

#: command name -> (module in podcast_tool.cli, one-line help shown by --help)
COMMANDS: dict[str, tuple[str, str]] = {
    "check": ("check", "Validate an outline (and its fit to the audio)."),
    "tag": ("tag", "Write chapters from an outline or sidecar into an audio file."),
    "show": ("show", "Show the chapters stored in an audio file or chapter file."),
    "export": ("export", "Convert chapters to another format (JSON, Podlove, WebVTT, CUE…)."),
    "strip": ("strip", "Remove every chapter from an audio file."),
    "formats": ("formats_cmd", "List the chapter formats and what each keeps."),
    "snap": ("snap", "Move outline times to the real pauses in the audio."),
    "preflight": ("preflight", "Tell what each podcast app will show of a file's chapters."),
    "batch": ("batch", "Tag every recording of a folder from its outline."),
    "demo": ("demo", "Synthesize the seed webinar replay, tag it and read it back."),
}


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return [name for name, (module, _) in COMMANDS.items() if _available(module)]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return None
        module_name, _ = COMMANDS[cmd_name]
        if not _available(module_name):
            return None
        module = importlib.import_module(f"podcast_tool.cli.{module_name}")
        return module.command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, COMMANDS[name][1]) for name in self.list_commands(ctx)]
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


def _available(module_name: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(f"podcast_tool.cli.{module_name}") is not None


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="podcast-tool")
def main() -> None:
    """Chapter markers for webinar and event replays, from the outline you already wrote.

    Exit codes: 0 ok, 1 problems found or a file failed, 2 usage error.
    """

"""What every command shares: consoles, the error decorator, diagnostics output."""

from __future__ import annotations

import contextlib
import functools
import json
import re
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import click

from podcast_tool.errors import PodcastToolError
from podcast_tool.i18n import N_, _
from podcast_tool.model import Diagnostic, Severity
from podcast_tool.outline.text import CONTROL_CHARACTERS

if TYPE_CHECKING:
    from rich.console import Console

F = TypeVar("F", bound=Callable[..., Any])


#: What a terminal must never receive: control characters, and lone surrogates (a JSON
#: file's \udfff escape, an undecodable byte of a file name), which UTF-8 cannot encode.
_UNPRINTABLE = re.compile(CONTROL_CHARACTERS.pattern[:-1] + "\ud800-\udfff]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def shown(text: str) -> str:
    """User text (titles, file names, messages quoting them) made safe to print.

    Control characters and lone surrogates become U+FFFD: a title read from a crafted audio
    file could otherwise drive the terminal (escape sequences pass through rich), and a
    surrogate would stop the output with an encoding error. Rich markup is escaped: a title
    like "[/b]" would otherwise crash rich or vanish.
    """
    from rich.markup import escape

    return escape(_UNPRINTABLE.sub("\ufffd", text))


#: Help of the snap options, shared by ``snap`` and ``tag --snap``.
WINDOW_HELP = N_("Search this many seconds on each side of every written time.")
MIN_PAUSE_HELP = N_("Shortest silence, in seconds, that counts as a pause (breaths are shorter).")

SEVERITY_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}
#: What a diagnostic's severity is called in front of its message (gcc's words in French).
SEVERITY_LABEL = {Severity.ERROR: N_("error:"), Severity.WARNING: N_("warning:"),
                  Severity.INFO: N_("info:")}


def stdout_console() -> Console:
    # Built per call so CliRunner's captured streams are the ones used; rich is imported on
    # first use, so a command that prints nothing through it (or not yet) does not wait for it.
    from rich.console import Console

    return Console(file=sys.stdout, highlight=False, soft_wrap=True)


def stderr_console() -> Console:
    from rich.console import Console

    return Console(file=sys.stderr, highlight=False, soft_wrap=True)


def import_meanwhile(*modules: str, then: Callable[[], object] | None = None) -> None:
    """Import ``modules`` (then call ``then``) on a background thread, and return at once.

    For what a command prints after a long system call (the kernel copying and flushing a
    recording), during which the interpreter would sit idle: the import runs in that time
    instead of after it. A failure is left for the command's own import to report.
    """
    import importlib
    import threading

    def load() -> None:
        with contextlib.suppress(Exception):
            for name in modules:
                importlib.import_module(name)
            if then is not None:
                then()

    threading.Thread(target=load, name="podcast-tool-imports", daemon=True).start()


def handles_errors(function: F) -> F:
    """Turn our exceptions into ``FILE:LINE: error: message`` and their exit code."""

    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from podcast_tool.containers import recovery

        recovery.on_recovery = say_recovered
        try:
            return function(*args, **kwargs)
        except PodcastToolError as error:
            print_error(error)
            sys.exit(error.exit_code)
        except KeyboardInterrupt:
            stderr_console().print(_("interrupted; files being written were left as they were"))
            sys.exit(130)
        except Exception as error:  # noqa: BLE001 - the last boundary: a bug, reported as one
            from podcast_tool.bugs import BUG_EXIT_CODE, bug_message, write_bug_report

            message = bug_message(error, write_bug_report(error))
            label = _("error:")
            stderr_console().print(f"[bold red]{label}[/] {shown(message)}")
            sys.exit(BUG_EXIT_CODE)

    return wrapper  # type: ignore[return-value]


def say_recovered(path: Any, message: str) -> None:
    print_diagnostics([Diagnostic(Severity.INFO, "recovered-edit", message, file=str(path))])


def print_error(error: PodcastToolError, where: str | None = None) -> None:
    """``FILE:LINE: error: message`` and its hint, on stderr."""
    console = stderr_console()
    where = where if where is not None else error.location()
    head = f"{shown(where)}: " if where else ""
    label = _("error:")
    console.print(f"{head}[bold red]{label}[/] {shown(error.message)}")
    if error.hint:
        console.print(f"  [dim]{hint_line(error.hint)}[/]")


def force_option(function: F) -> F:
    """``--force``: write files whose owner has no write permission (root ignores the bits)."""

    @functools.wraps(function)
    def wrapper(*args: Any, force_read_only: bool = False, **kwargs: Any) -> Any:
        from podcast_tool.permissions import read_only_allowed

        with read_only_allowed(force_read_only):
            return function(*args, **kwargs)

    return click.option(  # type: ignore[return-value]
        "--force", "force_read_only", is_flag=True,
        help=N_("Write a file (or into a folder) its owner may not write; never an immutable "
                "file or a read-only file system."))(wrapper)


def print_diagnostics(diagnostics: list[Diagnostic], *, show_info: bool = True) -> None:
    shown_ones = [d for d in diagnostics if show_info or d.severity is not Severity.INFO]
    if not shown_ones:
        return  # building a console imports rich, for nothing here
    console = stderr_console()
    for diagnostic in shown_ones:
        where = diagnostic.location()
        head = f"{shown(where)}: " if where else ""
        style = SEVERITY_STYLE[diagnostic.severity]
        label = _(SEVERITY_LABEL[diagnostic.severity])
        console.print(f"{head}[{style}]{label}[/] {shown(diagnostic.message)}")
        if diagnostic.hint:
            console.print(f"  [dim]{hint_line(diagnostic.hint)}[/]")


def hint_line(hint: str) -> str:
    return _("hint: {hint}").format(hint=shown(hint))


def print_publish_report(collection: Any) -> None:
    """``feed`` and ``publish``: the plan's and each episode's warnings, then what was left out."""
    diagnostics = list(collection.warnings)
    for entry in collection.entries:
        diagnostics += [d for d in entry.diagnostics if d.severity is Severity.ERROR
                        or d.code.startswith("feed-")]
    print_diagnostics(diagnostics)
    console = stderr_console()
    for failure in collection.failures:
        console.print(_("[bold red]left out:[/] {failure}").format(failure=shown(failure.text())))


def print_json(data: object) -> None:
    # A lone surrogate can only be inside a JSON string: its escape keeps the text exact.
    text = json.dumps(data, ensure_ascii=False, indent=2)
    click.echo(_SURROGATE.sub(lambda found: f"\\u{ord(found.group()):04x}", text))


class ClockOfDay(click.ParamType):
    """A time of day (``14h00``, ``14:00``), as milliseconds since midnight."""

    name = "TIME"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        if isinstance(value, int):
            return value
        from podcast_tool.outline.clock import parse_clock_of_day

        try:
            return parse_clock_of_day(str(value))
        except ValueError:
            self.fail(_("not a time of day: {value} (write it as 14h00 or 14:00)").format(
                value=value), param, ctx)


CLOCK_START_HELP = N_("The time of day the recording began (14h00, 14:00), for outlines written "
                      "in times of day: it is subtracted from every time.")


def clock_start_option(function: F) -> F:
    return click.option("--clock-start", "clock_start", type=ClockOfDay(), metavar=N_("TIME"),
                        help=CLOCK_START_HELP)(function)

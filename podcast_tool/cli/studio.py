"""podcast-tool studio AUDIO [OUTLINE] [--port N] [--no-browser] [--lang fr|en]; studio FOLDER lists."""

from __future__ import annotations

from pathlib import Path

import click

from podcast_tool.cli.common import handles_errors, shown, stderr_console, stdout_console
from podcast_tool.cli.localized import Command
from podcast_tool.i18n import N_, _, ngettext


@click.command("studio", cls=Command, help=N_(
    "Check and correct the chapters of AUDIO by ear, in the browser.\n\nOUTLINE defaults to the "
    "chapter file paired with AUDIO (chapters/NAME.md in a batch folder, or NAME.md beside it); "
    "without one, the recording's own chapters are edited. Given a batch folder as AUDIO, lists its "
    "recordings. Stops on Ctrl-C."))
@click.argument("audio", metavar=N_("AUDIO"), type=click.Path(path_type=Path, exists=True))
@click.argument("outline", metavar=N_("OUTLINE"), required=False,
                type=click.Path(path_type=Path, dir_okay=False))
@click.option("--from", "from_format", metavar="FORMAT",
              help=N_("Chapter format of OUTLINE (default: detected)."))
@click.option("--port", type=click.IntRange(0, 65535), default=0,
              help=N_("Port on 127.0.0.1 (default: a free one)."))
@click.option("--no-browser", is_flag=True, help=N_("Print the page's address; open no browser."))
@click.option("--lang", type=click.Choice(["fr", "en"]),
              help=N_("Language of the page (default: the outline's)."))
@click.option("--export", "export", metavar="FORMATS", default="",
              help=N_("Sidecars Save also writes beside AUDIO, e.g. json,vtt."))
@click.option("--id3v2", "id3v2_version", type=click.Choice(["3", "4"]), default="3",
              show_default=True, help=N_("ID3v2 version for MP3."))
@handles_errors
def command(audio: Path, outline: Path | None, from_format: str | None, port: int,
            no_browser: bool, lang: str | None, export: str, id3v2_version: str) -> None:
    from podcast_tool.batch.plan import parse_export
    from podcast_tool.errors import UsageError
    from podcast_tool.studio.discover import find_chapters, list_recordings

    if audio.is_dir():
        if outline is not None:
            raise UsageError(_("give a recording, not a folder, with OUTLINE"), path=audio)
        pairs = list_recordings(audio)
        console = stdout_console()
        if not pairs:
            console.print(_("no recording with an outline in {folder}").format(
                folder=shown(str(audio))))
            return
        console.print(ngettext("{count} recording in {folder}; open it with:",
                               "{count} recordings in {folder}; open one with:",
                               len(pairs)).format(count=len(pairs), folder=shown(str(audio))))
        for recording, chapters in pairs:
            command_line = " ".join(("  podcast-tool studio", _quoted(recording), _quoted(chapters)))
            console.print(shown(command_line))
        return
    chapters = outline if outline is not None else find_chapters(audio)
    from podcast_tool.studio.session import StudioSession

    session = StudioSession(audio, chapters, from_format=from_format, language=lang,
                            export=parse_export(export) if export else (),
                            id3v2_version=int(id3v2_version))
    console = stderr_console()
    # The waveform's decode starts before the web server is even imported: it is the long part.
    session.start_peaks(_peaks_progress(console))
    from podcast_tool.studio import server

    try:
        sock = server.bind(port)
    except BaseException:
        session.peaks.stop.set()
        raise
    token = server.new_token()
    url = f"http://127.0.0.1:{sock.getsockname()[1]}/?token={token}"
    if chapters:
        console.print(_("studio for {audio} with {outline}").format(
            audio=shown(str(audio)), outline=shown(str(chapters))))
    else:
        console.print(_("studio for {audio} (its own chapters)").format(audio=shown(str(audio))))
    console.print(_("open {address} (Ctrl-C stops the studio)").format(address=url))

    def ready() -> None:
        if not no_browser:
            import webbrowser

            webbrowser.open(url)

    server.serve(session, sock, token, on_ready=ready)
    console.print(_("studio stopped"))


def _quoted(path: Path) -> str:
    import shlex

    return shlex.quote(str(path))


def _peaks_progress(console: object):  # type: ignore[no-untyped-def]
    """A terminal bar for the waveform's decode (printed only on a terminal)."""
    from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn

    label = _("waveform")
    bar = Progress(TextColumn(label), BarColumn(), TaskProgressColumn(),
                   console=console, transient=True)  # type: ignore[arg-type]
    task = bar.add_task(label, total=None)
    state = {"started": False}

    def update(done: int, total: int) -> None:
        if not state["started"]:
            bar.start()
            state["started"] = True
        bar.update(task, completed=done, total=total)
        if done >= total:
            bar.stop()

    return update

"""Which recordings a batch tags: folder pairs or a manifest, and the safety checks.

A folder batch pairs ``ROOT/audio/NAME.<audio>`` with ``ROOT/chapters/NAME.<chapters>``
(sub-folders pair too: ``audio/2021/NAME.mp3`` with ``chapters/2021/NAME.md``).
A manifest (CSV or TOML) lists the pairs, with options per recording; its
relative paths are relative to the manifest's own folder.

Nothing here reads audio or writes anything: planning only decides, so a plan
can be refused as a whole (a malformed manifest) before any file is touched.
"""

from __future__ import annotations

import csv
import io
import os
import re
import tomllib
from collections import defaultdict
from dataclasses import dataclass, replace
from pathlib import Path

from podcast_tool import fileaccess
from podcast_tool.batch.report import (
    BatchPlan,
    ErrorInfo,
    Job,
    RecordingOptions,
    RecordingResult,
    Status,
    display_path,
)
from podcast_tool.errors import UsageError
from podcast_tool.i18n import _
from podcast_tool.model import Diagnostic, Severity

MANIFEST_KEYS = ("audio", "chapters", "snap", "id3v2", "from", "export", "clock_start",
                 "gap_title")
TRUE_WORDS = {"1", "true", "yes", "on", "oui", "y"}
FALSE_WORDS = {"0", "false", "no", "off", "non", "n"}


def chapter_extensions() -> frozenset[str]:
    """Extensions of outlines and sidecars: every chapter format's, from the formats registry."""
    from podcast_tool.formats import all_formats

    return frozenset(ext for f in all_formats() for ext in f.extensions)


def audio_extensions() -> frozenset[str]:
    """Extensions of recordings: every container's that ``tag`` handles, from their registry."""
    from podcast_tool import containers

    return frozenset(containers.audio_extensions())


def sidecar_targets(audio: Path, export: tuple[str, ...]) -> tuple[tuple[str, Path], ...]:
    """Where each requested sidecar goes: beside the audio, named after it."""
    from podcast_tool.formats import get_format

    return tuple((name, audio.with_suffix(get_format(name).extensions[0])) for name in export)


def parse_export(text: str) -> tuple[str, ...]:
    """``"json,vtt psc"`` -> ``("json", "vtt", "psc")``, each a known format (else UsageError)."""
    from podcast_tool.formats import get_format

    names = tuple(dict.fromkeys(n for n in re.split(r"[\s,;]+", text.strip()) if n))
    claimed: dict[str, str] = {}
    for name in names:
        extension = get_format(name).extensions[0]
        if extension in claimed:
            raise UsageError(_("the sidecar formats {claimed} and {name} would both be written to "
                               "NAME{extension}").format(
                                 claimed=claimed[extension], name=name, extension=extension),
                             hint=_("ask for one of them here; `podcast-tool export` can write the "
                                    "other under another name"))
        claimed[extension] = name
    return names


# ---------------------------------------------------------------- folder mode


def _scan(folder: Path, extensions: frozenset[str] | tuple[str, ...]) -> dict[str, list[Path]]:
    """Files under ``folder`` with one of ``extensions``, keyed by relative path minus suffix."""
    found: dict[str, list[Path]] = defaultdict(list)
    if not folder.is_dir():
        return found
    for current, folders, files in os.walk(folder):
        folders[:] = sorted(f for f in folders if not f.startswith("."))
        for name in sorted(files):
            path = Path(current) / name
            if name.startswith(".") or path.suffix.lower() not in extensions:
                continue
            key = path.relative_to(folder).with_suffix("").as_posix()
            found[key].append(path)
    return found


def _require_known_format(options: RecordingOptions) -> None:
    """An unknown ``--from`` is a usage error before any pairing or reading."""
    if options.from_format:
        from podcast_tool.formats import get_format

        get_format(options.from_format)


def plan_folder(root: Path, options: RecordingOptions, *, allow_outside: bool = False) -> BatchPlan:
    _require_known_format(options)
    if not root.is_dir():
        raise UsageError(_("not a folder"), path=root)
    audio_dir, chapters_dir = root / "audio", root / "chapters"
    if not audio_dir.is_dir() and not chapters_dir.is_dir():
        raise UsageError(_("no audio/ or chapters/ folder here"), path=root,
                         hint=_("put recordings in audio/ and their outlines in chapters/ (same "
                                "name), or list them in a manifest (--manifest)"))
    audio_files = _scan(audio_dir, audio_extensions())
    chapter_files = _scan(chapters_dir, chapter_extensions())
    plan = BatchPlan(root=root)
    for key in sorted(audio_files.keys() | chapter_files.keys()):
        audios, outlines = audio_files.get(key, []), chapter_files.get(key, [])
        if not outlines:
            for audio in audios:
                _unpaired(plan, audio, "audio-without-outline",
                          _("no outline for this recording (expected chapters/{key}.md or another "
                            "chapter file); not tagged").format(key=key))
        elif not audios:
            for outline in outlines:
                _unpaired(plan, outline, "outline-without-audio",
                          _("no recording for this outline (expected audio/{key}.mp3 or another "
                            "audio file)").format(key=key))
        elif len(outlines) > 1:
            names = ", ".join(display_path(p, root) for p in outlines)
            for audio in audios:
                plan.rejected.append(_refused(
                    display_path(audio, root), audio, None,
                    f"{len(outlines)} chapter files for one recording: {names}",
                    hint=_("keep one of them, or pair the files explicitly in a manifest")))
        else:
            for audio in audios:
                plan.jobs.append(Job(name=display_path(audio, root), audio=audio,
                                     chapters=outlines[0], options=options))
    return check_plan(plan, allow_outside=allow_outside)


def _unpaired(plan: BatchPlan, path: Path, code: str, message: str) -> None:
    """A file left alone: a warning, and a row of its own in the summary and the report."""
    plan.warnings.append(Diagnostic(Severity.WARNING, code, message, file=str(path)))
    is_audio = code == "audio-without-outline"
    result = RecordingResult(name=display_path(path, plan.root), audio=path if is_audio else None,
                             chapters=None if is_audio else path, status=Status.UNPAIRED,
                             change=message.split(";")[0])
    plan.unpaired.append(result)


# -------------------------------------------------------------- manifest mode


@dataclass
class ManifestEntry:
    values: dict[str, object]
    #: Where the entry is, for messages: a CSV line, or (TOML) a label like "[[recording]] #2".
    line: int | None
    label: str

    def problem(self, message: str, manifest: Path) -> UsageError:
        return UsageError(f"{self.label}: {message}" if self.label else message, path=manifest,
                          line=self.line)


def plan_manifest(manifest: Path, root: Path, defaults: RecordingOptions, *,
                  allow_outside: bool = False) -> BatchPlan:
    _require_known_format(defaults)
    if not root.is_dir():
        raise UsageError(_("not a folder"), path=root)
    try:
        data = fileaccess.read_regular(manifest)
    except FileNotFoundError:
        raise UsageError(_("no such manifest"), path=manifest) from None
    except (fileaccess.NotRegularFileError, fileaccess.TooLargeError) as error:
        raise UsageError(str(error.strerror), path=manifest) from None
    except OSError as error:
        raise UsageError(_("cannot read the manifest ({strerror})").format(strerror=error.strerror),
                         path=manifest) from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # What Excel saves as "CSV" on a French Windows: accented file names must survive.
        text = data.decode("cp1252", errors="replace")
    suffix = manifest.suffix.lower()
    if suffix == ".toml":
        entries = _toml_entries(text, manifest)
    elif suffix in (".csv", ".tsv"):
        entries = _csv_entries(text, manifest)
    else:
        raise UsageError(_("a manifest is a .csv or a .toml file"), path=manifest)
    if not entries:
        raise UsageError(_("the manifest lists no recordings"), path=manifest)
    base = manifest.parent
    plan = BatchPlan(root=root)
    for entry in entries:
        audio = _entry_path(entry, "audio", manifest, base)
        chapters = _entry_path(entry, "chapters", manifest, base)
        options = _entry_options(entry, defaults, manifest)
        # The name is for reading only ("a/../b" stays as given for the file system).
        name = display_path(Path(os.path.normpath(audio)), Path(os.path.normpath(root)))
        plan.jobs.append(Job(name=name, audio=audio, chapters=chapters, options=options))
    return check_plan(plan, allow_outside=allow_outside)


def _csv_entries(text: str, manifest: Path) -> list[ManifestEntry]:
    # Spreadsheets in French locales save CSV with semicolons: take the header's separator.
    first_line = text.lstrip().partition("\n")[0]
    delimiter = max((",", ";", "\t"), key=first_line.count)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header: list[str] | None = None
    entries: list[ManifestEntry] = []
    try:
        for row in reader:
            if not any(cell.strip() for cell in row) or row[0].lstrip().startswith("#"):
                continue
            if header is None:
                header = [cell.strip().lower() for cell in row]
                unknown = [name for name in header if name not in MANIFEST_KEYS]
                if unknown or "audio" not in header or "chapters" not in header:
                    raise UsageError(
                        _("the header must name the columns audio and chapters (and optionally "
                          "snap, id3v2, from, export, clock_start, gap_title); found: {found}").format(
                            found=", ".join(header)),
                        path=manifest, line=reader.line_num)
                continue
            if len(row) > len(header):
                raise UsageError(_("{row_count} cells for {header_count} columns").format(
                                     row_count=len(row), header_count=len(header)), path=manifest,
                                 line=reader.line_num)
            values = {name: cell.strip() for name, cell in zip(header, row, strict=False)
                      if cell.strip()}
            entries.append(ManifestEntry(values, reader.line_num, ""))
    except csv.Error as error:
        raise UsageError(_("not a readable CSV file: {error}").format(error=error), path=manifest,
                         line=reader.line_num) from None
    return entries


def _toml_entries(text: str, manifest: Path) -> list[ManifestEntry]:
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise UsageError(_("not a valid TOML file: {error}").format(error=error), path=manifest) from None
    unknown = [key for key in document if key not in ("recording", "recordings")]
    recordings = document.get("recording", document.get("recordings"))
    if unknown or not isinstance(recordings, list):
        raise UsageError(_("a TOML manifest holds [[recording]] tables (audio, chapters and "
                           "optionally snap, id3v2, from, export, clock_start, gap_title)"), path=manifest)
    entries: list[ManifestEntry] = []
    for number, table in enumerate(recordings, start=1):
        label = f"[[recording]] #{number}"
        if not isinstance(table, dict):
            raise UsageError(_("{label} is not a table").format(label=label), path=manifest)
        unknown = [key for key in table if key not in MANIFEST_KEYS]
        if unknown:
            raise UsageError(_("{label}: unknown key(s) {keys} (known: {known})").format(
                label=label, keys=", ".join(unknown), known=", ".join(MANIFEST_KEYS)), path=manifest)
        entries.append(ManifestEntry(dict(table), None, label))
    return entries


def _entry_path(entry: ManifestEntry, key: str, manifest: Path, base: Path) -> Path:
    value = entry.values.get(key)
    if not isinstance(value, str) or not value.strip():
        raise entry.problem(f"no {key} path", manifest)
    path = Path(value.strip()).expanduser()
    return path if path.is_absolute() else base / path


def _entry_options(entry: ManifestEntry, defaults: RecordingOptions,
                   manifest: Path) -> RecordingOptions:
    def bad(what: str) -> UsageError:
        return entry.problem(what, manifest)

    options = defaults
    values = entry.values
    if "snap" in values:
        snap = values["snap"]
        if isinstance(snap, str) and snap.strip().lower() in TRUE_WORDS | FALSE_WORDS:
            snap = snap.strip().lower() in TRUE_WORDS
        if not isinstance(snap, bool):
            raise bad(f"snap must be yes or no, not {values['snap']!r}")
        options = replace(options, snap=snap)
    if "id3v2" in values:
        version = str(values["id3v2"]).strip().lower().removeprefix("2.")
        if version not in ("3", "4", "keep"):
            raise bad(f"id3v2 must be 3, 4 or keep, not {values['id3v2']!r}")
        options = replace(options, id3v2_version=None if version == "keep" else int(version))
    if "clock_start" in values:
        from podcast_tool.outline.clock import parse_clock_of_day

        try:
            options = replace(options, clock_start_ms=parse_clock_of_day(str(values["clock_start"])))
        except ValueError:
            raise bad(_("clock_start must be a time of day such as 14h00, not {value}").format(
                value=values["clock_start"])) from None
    if "gap_title" in values:
        gap_title = values["gap_title"]
        if not isinstance(gap_title, str):
            raise bad(_("gap_title must be a text, not {value}").format(value=gap_title))
        options = replace(options, gap_title=gap_title.strip())
    if "from" in values:
        from podcast_tool.formats import get_format

        name = str(values["from"]).strip()
        try:
            get_format(name)
        except UsageError as error:
            raise bad(error.message) from None
        options = replace(options, from_format=name)
    if "export" in values:
        export = values["export"]
        text = " ".join(map(str, export)) if isinstance(export, list) else str(export)
        try:
            options = replace(options, export=parse_export(text))
        except UsageError as error:
            raise bad(error.message) from None
    return options


# ------------------------------------------------------------- safety checks


def _refused(name: str, audio: Path, chapters: Path | None, message: str,
             hint: str | None = None) -> RecordingResult:
    result = RecordingResult(name=name, audio=audio, chapters=chapters)
    result.fail(ErrorInfo(message=message, file=str(audio), hint=hint))
    return result


def _inside(path: Path, root_real: Path) -> bool:
    return Path(os.path.realpath(path)).is_relative_to(root_real)


def check_plan(plan: BatchPlan, *, allow_outside: bool) -> BatchPlan:
    """Refuse the jobs that would write outside ROOT, write one file twice, or clobber a source."""
    root_real = Path(os.path.realpath(plan.root))
    jobs = [replace(job, sidecars=sidecar_targets(job.audio, job.options.export)) for job in plan.jobs]
    problems: dict[int, tuple[str, str | None]] = {}

    def refuse(index: int, message: str, hint: str | None = None) -> None:
        problems.setdefault(index, (message, hint))

    if not allow_outside:
        for index, job in enumerate(jobs):
            for role, path in (("audio file", job.audio), ("chapter file", job.chapters)):
                if not _inside(path, root_real):
                    refuse(index, f"the {role} {path} is outside the batch folder {plan.root}",
                           "use --allow-outside to tag files outside it")
            for name, target in job.sidecars:
                # An existing link is never written through: it could name any file at all.
                if os.path.islink(target):
                    refuse(index, f"the {name} sidecar {target} is a symbolic link; podcast-tool "
                                  "does not write through it", "remove the link, or use "
                                  "--allow-outside to write through it")
                elif not _inside(target, root_real):
                    refuse(index, f"the {name} sidecar {target} is outside the batch folder "
                                  f"{plan.root}", "use --allow-outside to write files outside it")
    by_audio: dict[Path, list[int]] = defaultdict(list)
    for index, job in enumerate(jobs):
        by_audio[Path(os.path.realpath(job.audio))].append(index)
    for indexes in by_audio.values():
        if len(indexes) > 1:
            for index in indexes:
                others = ", ".join(jobs[i].name for i in indexes if i != index)
                refuse(index, f"this recording is listed more than once (also as {others})",
                       "list each recording once")
    sources = {Path(os.path.realpath(p)) for job in jobs for p in (job.audio, job.chapters)}
    writers: dict[Path, list[int]] = defaultdict(list)
    for index, job in enumerate(jobs):
        for name, target in job.sidecars:
            real = Path(os.path.realpath(target))
            if real in sources:
                refuse(index, f"the {name} sidecar would overwrite {target}, which is a recording "
                              "or chapter file of this batch", "export another format, or "
                              "move the chapter files out of the audio folder")
            writers[real].append(index)
    for target, indexes in writers.items():
        if len(indexes) > 1:
            for index in dict.fromkeys(indexes):
                refuse(index, f"two sidecars would be written to the same file {target}",
                       "export formats with different extensions, or give the recordings "
                       "different names")
    from podcast_tool.batch.state import load_state, remembered_gap_title, was_snapped

    state = load_state(plan.root)
    kept: list[Job] = []
    for index, job in enumerate(jobs):
        if index in problems:
            message, hint = problems[index]
            plan.rejected.append(_refused(job.name, job.audio, job.chapters, message, hint))
        else:
            kept.append(replace(job, tagged_with_snap=was_snapped(state, job.audio, plan.root),
                                tagged_gap_title=remembered_gap_title(state, job.audio, plan.root)))
    plan.jobs = kept
    return plan

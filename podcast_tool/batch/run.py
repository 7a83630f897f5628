"""Tagging a batch's recordings, in parallel, each one on its own.

``process_recording`` is the whole life of one recording (validate, snap,
compare, tag, sidecars) and never raises: whatever goes wrong becomes a failed
result, so one bad recording never stops the rest. ``run_batch`` runs the jobs
on a pool and calls back (in the calling thread) as each starts and ends.

Threads, not processes: tagging spends its time in system calls that release
the GIL (copy_file_range, fsync) and snapping in ffmpeg subprocesses, so
processes would only add their start-up and imports (bench/bench_batch.py
measures both).
"""

from __future__ import annotations

import concurrent.futures
import time
from collections.abc import Callable
from pathlib import Path

from podcast_tool.batch.report import (
    BatchPlan,
    BatchReport,
    ErrorInfo,
    Job,
    RecordingResult,
    RunSettings,
    SidecarResult,
    SidecarState,
    Status,
)
from podcast_tool.busy import being_written, busy_error
from podcast_tool.containers import Capabilities
from podcast_tool.errors import (
    BusyError,
    LockedError,
    PodcastToolError,
    ValidationFailed,
    WriteError,
)
from podcast_tool.i18n import N_, _, ngettext
from podcast_tool.model import Chapter, Diagnostic, effective_ends
from podcast_tool.safewrite import file_signature, write_file

Row = tuple[int, int | None, str]


def chapter_rows(chapters: list[Chapter], duration_ms: int | None) -> list[Row]:
    """What must match for a file to count as already tagged: starts, effective ends, titles."""
    ends = effective_ends(chapters, duration_ms)
    return [(c.start_ms, end, c.title) for c, end in zip(chapters, ends, strict=True)]


def comparable_rows(stored: list[Chapter], wanted: list[Chapter], duration_ms: int | None,
                    capabilities: Capabilities) -> tuple[list[Row], list[Row]]:
    """Rows of the file's chapters and of the outline's, as the file's container can hold them.

    A container that keeps no end times (Vorbis comments, MP4) could never store the
    written ends, so they are left out of the comparison rather than making every run
    rewrite the file. A container whose chapter list starts at 0 pads a later first
    chapter with an untitled one: that filler is the container's, not a difference.
    """
    if capabilities.pads_start and stored and wanted and wanted[0].start_ms > 0 \
            and stored[0].start_ms == 0 and not stored[0].title:
        stored = stored[1:]
    if "end" not in capabilities.keeps:
        # Both sides: an MP4's long pauses read back as ends of the chapters before them.
        wanted = [chapter.with_times(chapter.start_ms, None) for chapter in wanted]
        stored = [chapter.with_times(chapter.start_ms, None) for chapter in stored]
    return chapter_rows(stored, duration_ms), chapter_rows(wanted, duration_ms)


#: How far a time read back from a file may be from the one written (its time scale's rounding).
_ROUNDING_MS = 1000


def _pauses(chapters: list[Chapter], duration_ms: int, shortest_ms: int) -> bool:
    """Whether ``chapters`` leave time in no chapter of ``shortest_ms`` or more after an end."""
    if not chapters:
        return False
    nexts = [c.start_ms for c in chapters[1:]] + [duration_ms]
    return any(c.end_ms is not None and following - c.end_ms >= shortest_ms
               for c, following in zip(chapters, nexts, strict=True))


def pause_change(stored: list[Chapter], wanted: list[Chapter], duration_ms: int,
                 capabilities: Capabilities, gap_title: str, remembered: str | None) -> str | None:
    """What differs in the pauses of a container that titles them (an M4A), in a few words.

    The comparison of rows leaves ends out for such a container, so a pause the file has and
    the outline no longer wants (or the reverse, or ``--gap-title ""``) is found here; the
    pause's title is not read back, so it is compared with the one an earlier run gave it.
    """
    if capabilities.titled_pause_ms is None:
        return None
    has = _pauses(stored, duration_ms, capabilities.titled_pause_ms - _ROUNDING_MS)
    wants = bool(gap_title) and _pauses(wanted, duration_ms, capabilities.titled_pause_ms)
    if has and not wants:
        return _("pauses go back into the chapters before them")
    if wants and not has:
        return _("pauses become chapters titled \"{title}\"").format(title=gap_title)
    if has and remembered is not None and remembered != gap_title:
        return _("pauses retitled \"{old}\" → \"{new}\"").format(old=remembered, new=gap_title)
    return None


def describe_change(before: list[Row], after: list[Row]) -> str:
    if before == after:
        return _("chapters already match")
    if not before:
        return ngettext("none → {count} chapter", "none → {count} chapters", len(after)).format(
            count=len(after))
    differing = sum(old != new for old, new in zip(before, after, strict=False))
    differing += abs(len(before) - len(after))
    return ngettext("{before} → {count} chapter, {differing} differ",
                    "{before} → {count} chapters, {differing} differ", len(after)).format(
                        before=len(before), count=len(after), differing=differing)


def process_recording(job: Job, settings: RunSettings) -> RecordingResult:
    """Tag one recording; every failure is caught and reported in the result."""
    result = RecordingResult(name=job.name, audio=job.audio, chapters=job.chapters)
    started = time.perf_counter()
    try:
        _process(job, settings, result)
    except ValidationFailed as error:
        result.diagnostics += error.diagnostics
        result.fail(error)
    except BusyError as error:
        result.fail(ErrorInfo(error.message, error.path, hint=_(
            "run the batch again once the recording has finished")), Status.BUSY)
    except LockedError as error:
        result.fail(ErrorInfo(error.message, error.path, hint=_("it was left as it was; run the "
                                                                "batch again once the other "
                                                                "process is done")))
    except PodcastToolError as error:
        result.fail(error)
    except OSError as error:
        result.fail(ErrorInfo(f"{error.strerror or error}", error.filename or str(job.audio)))
    except Exception as error:  # noqa: BLE001 - a bug on one recording must not stop the batch
        from podcast_tool.bugs import bug_message, write_bug_report

        result.fail(ErrorInfo(bug_message(error, write_bug_report(error)), str(job.audio)))
    result.seconds = time.perf_counter() - started
    return result


def _process(job: Job, settings: RunSettings, result: RecordingResult) -> None:
    from podcast_tool import pipeline
    from podcast_tool.containers import WriteOptions
    from podcast_tool.formats import ExportOptions, get_format
    from podcast_tool.formats.common import hidden_chapters_note

    before = file_signature(job.audio) if job.audio.exists() else None
    snap_options = None
    if job.options.snap:
        from podcast_tool.snap.placement import SnapOptions

        snap_options = SnapOptions()
    prepared = pipeline.prepare(job.audio, job.chapters, from_format=job.options.from_format,
                               snap_options=snap_options, clock_start_ms=job.options.clock_start_ms)
    result.diagnostics = prepared.diagnostics
    episode = prepared.episode
    result.chapter_count = len(episode.chapters)
    existing = prepared.audio_file.read()
    result.previous_count = len(existing.chapters)
    old_rows, new_rows = comparable_rows(existing.chapters, episode.chapters, episode.duration_ms,
                                         prepared.audio_file.capabilities)
    result.change = describe_change(old_rows, new_rows)
    capabilities = prepared.audio_file.capabilities
    pauses = pause_change(existing.chapters, episode.chapters, episode.duration_ms, capabilities,
                          job.options.gap_title, job.tagged_gap_title)
    if pauses is not None and old_rows == new_rows:
        result.change = pauses
    must_tag = settings.force or old_rows != new_rows or pauses is not None
    if must_tag and old_rows == new_rows and pauses is None:
        result.change += " (--force rewrites it)"
    if must_tag and job.tagged_with_snap and not job.options.snap and not settings.force:
        raise PodcastToolError(
            _("an earlier batch tagged this recording with --snap (its chapters sit on the real "
              "pauses); without --snap they would go back to the outline's written times; "
              "nothing was written"), path=job.audio,
            hint=_("run the batch with --snap again, or add --force to write the written times "
                   "(into the audio and its sidecars alike)"))

    # Render every sidecar before writing anything: a format that cannot hold
    # these chapters fails the recording while it is still untouched.
    rendered: list[tuple[str, Path, bytes]] = []
    sidecar_diagnostics: list[Diagnostic] = []
    for name, target in job.sidecars:
        text, diagnostics = get_format(name).dump(
            episode, ExportOptions(audio_name=job.audio.name))
        sidecar_diagnostics += diagnostics
        if "toc" not in get_format(name).keeps:
            sidecar_diagnostics += hidden_chapters_note(episode.chapters, get_format(name).label,
                                                        str(target))
        rendered.append((name, target, text.encode("utf-8")))

    if settings.dry_run:
        result.status = Status.WOULD_TAG if must_tag else Status.UNCHANGED
        for name, target, data in rendered:
            same = not settings.force and _same_content(target, data)
            result.sidecars.append(SidecarResult(
                name, target, SidecarState.UNCHANGED if same else SidecarState.WOULD_WRITE))
        result.diagnostics = prepared.diagnostics + sidecar_diagnostics
        return

    if must_tag:
        if before is not None and file_signature(job.audio) != before:
            if being_written(job.audio):
                raise busy_error(job.audio, N_("it grew while the batch was working on it"))
            raise WriteError(_("the file changed while the batch was working on it; nothing was "
                               "written"), path=job.audio, hint=_("run the batch again"))
        pipeline.write(prepared, WriteOptions(id3v2_version=job.options.id3v2_version,
                                             lock_wait_seconds=settings.lock_wait_seconds,
                                             gap_title=job.options.gap_title))
    result.status = Status.TAGGED if must_tag else Status.UNCHANGED
    # Already matching chapters keep whatever earlier run placed them.
    result.snapped = job.options.snap if must_tag else job.options.snap or job.tagged_with_snap
    if capabilities.titled_pause_ms is not None:
        result.gap_title = job.options.gap_title if must_tag else job.tagged_gap_title
    result.diagnostics = prepared.diagnostics + sidecar_diagnostics
    for name, target, data in rendered:
        if not settings.force and _same_content(target, data):
            result.sidecars.append(SidecarResult(name, target, SidecarState.UNCHANGED))
            continue
        try:
            write_file(target, data, lock_wait_seconds=settings.lock_wait_seconds)
        except PodcastToolError as error:
            done = "the chapters were written, but " if must_tag else ""
            result.fail(ErrorInfo(f"{done}the {name} sidecar could not be written: {error.message}",
                                  str(target), hint=error.hint))
            return
        result.sidecars.append(SidecarResult(name, target, SidecarState.WRITTEN))
    from podcast_tool.preflight import summary_after_tagging

    result.preflight = summary_after_tagging(job.audio, [target for _format, target, _text in rendered])


def _same_content(path: Path, data: bytes) -> bool:
    try:
        return path.is_file() and path.stat().st_size == len(data) and path.read_bytes() == data
    except OSError:
        return False


def run_jobs(jobs: list[Job], settings: RunSettings, *, workers: int,
             on_start: Callable[[Job], None] | None = None,
             on_done: Callable[[RecordingResult], None] | None = None) -> list[RecordingResult]:
    """Run ``jobs`` ``workers`` at a time; callbacks run in this thread, in completion order.

    Only ``workers`` jobs are handed to the pool at once, so "started" means
    running, not queued, and an interruption leaves the rest untouched.
    """
    results: list[RecordingResult] = []

    def finish(result: RecordingResult) -> None:
        results.append(result)
        if on_done:
            on_done(result)

    if workers <= 1 or len(jobs) <= 1:
        for job in jobs:
            if on_start:
                on_start(job)
            finish(process_recording(job, settings))
        return results
    waiting = list(reversed(jobs))
    with concurrent.futures.ThreadPoolExecutor(min(workers, len(jobs)),
                                               thread_name_prefix="batch") as pool:
        running: dict[concurrent.futures.Future[RecordingResult], Job] = {}
        while waiting or running:
            while waiting and len(running) < workers:
                job = waiting.pop()
                if on_start:
                    on_start(job)
                running[pool.submit(process_recording, job, settings)] = job
            done, _pending = concurrent.futures.wait(running, return_when=concurrent.futures.FIRST_COMPLETED)
            for future in done:
                running.pop(future)
                finish(future.result())  # process_recording never raises
    return results


def run_batch(plan: BatchPlan, settings: RunSettings, *, workers: int,
              on_start: Callable[[Job], None] | None = None,
              on_done: Callable[[RecordingResult], None] | None = None) -> BatchReport:
    """Run the plan's jobs; its refused recordings are reported (``on_done``) first."""
    started = time.perf_counter()
    for refused in plan.rejected:
        if on_done:
            on_done(refused)
    results = run_jobs(plan.jobs, settings, workers=workers, on_start=on_start, on_done=on_done)
    if not settings.dry_run:
        from podcast_tool.batch.state import save_state

        save_state(plan.root, results)
    results += plan.rejected
    results.sort(key=lambda r: (r.name, str(r.audio)))
    return BatchReport(root=plan.root, results=results, warnings=plan.warnings,
                       unpaired=plan.unpaired,
                       dry_run=settings.dry_run, force=settings.force,
                       seconds=time.perf_counter() - started)

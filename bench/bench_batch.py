"""Batch tagging: ``batch --jobs 2`` against a shell loop of ``podcast-tool tag``.

20 recordings of 10 minutes each (MP3), each with a 12-chapter JSON outline.
Both sides run as the user would run them (fresh processes), on fresh untagged
copies before every run. Then, inside one process, the thread pool against the
process pool (tagging, and snapping where this checkout has it), and the
incremental rerun where every recording is already tagged.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from bench.common import OUT, best_of, long_recording, report

RECORDINGS = 20
SECONDS = 600
REPO = Path(__file__).resolve().parent.parent
ENV = {**os.environ, "PYTHONPATH": str(REPO), "TTY_COMPATIBLE": "0"}


def outline(index: int) -> dict[str, object]:
    starts = [0, 20, 70, 125, 180, 230, 290, 335, 400, 455, 510, 570]
    return {"version": "1.2.0",
            "chapters": [{"startTime": start, "title": f"Épisode {index} — partie {number}"}
                         for number, start in enumerate(starts, start=1)]}


def make_folder(source: Path) -> Path:
    root = OUT / "batch"
    shutil.rmtree(root, ignore_errors=True)
    (root / "audio").mkdir(parents=True)
    (root / "chapters").mkdir()
    for index in range(RECORDINGS):
        name = f"replay-{index:02d}"
        (root / "chapters" / f"{name}.json").write_text(json.dumps(outline(index), ensure_ascii=False),
                                                        encoding="utf-8")
    restore(root, source)
    return root


def restore(root: Path, source: Path) -> None:
    """Fresh untagged copies, so every timed run really writes every file."""
    for index in range(RECORDINGS):
        shutil.copyfile(source, root / "audio" / f"replay-{index:02d}.mp3")


def run(args: list[str], cwd: Path) -> None:
    subprocess.run(args, cwd=cwd, env=ENV, check=True, stdout=subprocess.DEVNULL)


def main() -> None:
    source = long_recording("mp3", SECONDS)
    root = make_folder(source)
    python = sys.executable

    def batch() -> None:
        run([python, "-m", "podcast_tool", "batch", str(root), "--jobs", "2"], REPO)

    loop = ('for f in audio/*.mp3; do n=$(basename "$f" .mp3); '
            f'"{python}" -m podcast_tool tag "$f" "chapters/$n.json" || exit 1; done')

    def shell_loop() -> None:
        run(["bash", "-c", loop], root)

    ours = best_of(batch, repeat=3, setup=lambda: restore(root, source))
    theirs = best_of(shell_loop, repeat=3, setup=lambda: restore(root, source))
    report(f"batch --jobs 2 vs shell loop of tag ({RECORDINGS} × {SECONDS // 60} min MP3)",
           ours, theirs)

    batch()
    rerun = best_of(batch, repeat=3)
    report("batch rerun, every recording already tagged, vs the first run", rerun, ours)

    import concurrent.futures
    import multiprocessing

    from podcast_tool.batch.plan import plan_folder
    from podcast_tool.batch.report import RecordingOptions, RunSettings
    from podcast_tool.batch.run import process_recording, run_batch

    def in_process(executor: str, workers: int, options: RecordingOptions, repeat: int = 3) -> float:
        """The batch's thread pool, or (for comparison) the same jobs on a process pool."""
        def action() -> None:
            plan, settings = plan_folder(root, options), RunSettings(force=True)
            if executor == "thread":
                results = run_batch(plan, settings, workers=workers).results
            else:
                context = multiprocessing.get_context("forkserver")
                with concurrent.futures.ProcessPoolExecutor(workers, mp_context=context) as pool:
                    results = list(pool.map(process_recording, plan.jobs,
                                            [settings] * len(plan.jobs)))
            assert not any(r.error for r in results), [r.error for r in results if r.error]

        return best_of(action, repeat=repeat, setup=lambda: restore(root, source))

    plain = RecordingOptions()
    threads = in_process("thread", 2, plain)
    report("tagging, 2 workers: threads vs processes", threads, in_process("process", 2, plain))
    report("tagging: 2 threads vs 1", threads, in_process("thread", 1, plain))
    try:
        import podcast_tool.snap.placement  # noqa: F401
    except ModuleNotFoundError:
        print("snapping: not in this checkout, thread/process comparison with --snap not run")
        return
    snapping = RecordingOptions(snap=True)
    snap_threads = in_process("thread", 2, snapping, repeat=1)
    report("snap + tag, 2 workers: threads vs processes", snap_threads,
           in_process("process", 2, snapping, repeat=1))
    report("snap + tag: 2 threads vs 1", snap_threads, in_process("thread", 1, snapping, repeat=1))


if __name__ == "__main__":
    main()

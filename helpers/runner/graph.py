"""The series as a Dask graph: ``./run_all.sh --workers N [--scheduler ADDR]``.

The notebooks are tasks (:func:`helpers.runner.task.run_task`) with the dependencies they have:
01-05 (and 00) need nothing from each other and run side by side; 07 runs after 02 (it reuses
notebook 02's model when their runs match); the summary 06 runs after all the others (it reads
their metrics). Each task gets the files of the tasks it depends on, and the client writes every
result into the same run folder as a serial run (``DIR/notebooks/``, ``metrics/``, ``figures/``,
``models/``...), so :mod:`helpers.series` then writes ``results.md`` and ``index.html`` as usual.
With enough workers the series takes about as long as its longest notebook plus 06.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from ..files import atomic_path
from ..progress import duration
from .cluster import describe, open_client
from .task import error_line, run_task

SUMMARY = "06"
AFTER = {"07": ("02",)}
"""Notebook -> the notebooks it runs after (besides the summary, which runs after all)."""


def dependencies(numbers: list[str]) -> dict[str, list[str]]:
    """For each notebook number, the numbers (among ``numbers``) it must wait for."""
    deps = {}
    for n in numbers:
        if n == SUMMARY:
            deps[n] = [m for m in numbers if m != SUMMARY]
        else:
            deps[n] = [m for m in AFTER.get(n, ()) if m in numbers]
    return deps


def _write(out: Path, files: dict) -> None:
    for name, data in files.items():
        with atomic_path(out / name) as tmp:
            tmp.write_bytes(data)


def run_graph(run, params_for, scheduler: str | None = None, workers: int | None = None) -> None:
    """Run ``run.defaults``' notebooks (``{path: defaults}``) on Dask into ``run.out``; fills
    ``run.timings``, ``run.failed``, ``run.interrupted``, ``run.total`` as the serial loop does.
    ``params_for(notebook)``: the parameters it gets (as the serial run would give them)."""
    from distributed import as_completed

    notebooks = {nb.name[:2]: nb for nb in run.defaults}
    deps = dependencies(list(notebooks))
    t0 = time.perf_counter()
    with open_client(scheduler, workers=workers) as client:
        print(describe(client), flush=True)
        futures, stems = {}, {}
        for n in sorted(notebooks, key=lambda k: (k == SUMMARY, k)):  # dependencies first
            nb = notebooks[n]
            params = dict(params_for(nb))
            for name in ("data_dir", "sweep_dir"):  # the worker's folder is elsewhere: in full
                if params.get(name) and not os.path.isabs(str(params[name])):
                    params[name] = os.path.normpath(run.out / "notebooks" / str(params[name]))
            futures[n] = client.submit(
                run_task, nb.name, nb.read_bytes(), params, declared=sorted(run.defaults[nb]),
                keep_models=True, timeout=run.args.timeout, inputs=[futures[d] for d in deps[n]],
                origin=os.path.relpath(nb, Path.cwd()), key=f"series-{nb.stem}-{os.getpid()}-{time.time_ns()}",
                pure=False)
            stems[futures[n].key] = nb.stem
        total = len(futures)
        done = 0
        try:
            for fut in as_completed(list(futures.values()), loop=client.loop):
                stem = stems[fut.key]
                try:
                    result = fut.result()
                except Exception as e:  # noqa: BLE001 - the task itself (or a dependency) failed
                    result = {"status": "failed", "error": error_line(e), "files": {}, "seconds": 0}
                _write(run.out, result.get("files", {}))
                done += 1
                run.timings[stem] = result.get("seconds") or 0.0
                if result["status"] == "ok":
                    status = "ok"
                else:
                    run.failed.append(stem)
                    status = f"FAILED ({result['error']}); see {os.path.join(run.shown_out, 'notebooks', stem + '.ipynb')}"
                print(f"[{done}/{total}] {stem} ... {status} [{duration(run.timings[stem])}]"
                      f" ({result.get('worker', '?')})", flush=True)
        except KeyboardInterrupt:
            run.interrupted = next(nb.stem for nb in run.defaults if nb.stem not in run.timings)
            client.cancel(list(futures.values()))
    run.total = time.perf_counter() - t0

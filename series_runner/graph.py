"""The series as a Dask graph: ``./run_all.sh --workers N [--scheduler ADDR]``.

Each notebook is a task (:func:`series_runner.task.run_task`): 00-05 run side by side, 07 after 02
(it reuses notebook 02's model), the summary 06 after all the others (it reads their metrics). Each
task gets the files of the tasks it depends on, and every result is written into the run folder as
a serial run writes it.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from .cluster import describe, open_client
from .notebooks import Outcome, error_line, notebook_parameters
from .progress import duration
from .task import run_task, write_files

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


def run_graph(defaults: dict, params: dict, out: Path, shown_out: str, *, scheduler: str | None = None,
              workers: int | None = None, timeout: int | None = None) -> Outcome:
    """Run the notebooks of ``defaults`` (``{path: its parameters' defaults}``) with ``params`` on
    Dask into the run folder ``out`` (``shown_out``: as the user wrote it); returns the outcome."""
    from distributed import as_completed

    notebooks = {nb.name[:2]: nb for nb in defaults}
    deps = dependencies(list(notebooks))
    outcome = Outcome()
    t0 = time.perf_counter()
    with open_client(scheduler, workers=workers) as client:
        print(describe(client), flush=True)
        futures, stems = {}, {}
        for n in sorted(notebooks, key=lambda k: (k == SUMMARY, k)):  # dependencies first
            nb = notebooks[n]
            futures[n] = client.submit(
                run_task, nb.name, nb.read_bytes(), notebook_parameters(params, defaults[nb]),
                declared=sorted(defaults[nb]), keep_models=True, timeout=timeout,
                inputs=[futures[d] for d in deps[n]], origin=os.path.relpath(nb, Path.cwd()),
                key=f"series-{nb.stem}-{os.getpid()}-{time.time_ns()}", pure=False)
            stems[futures[n].key] = nb.stem
        try:
            for done, fut in enumerate(as_completed(list(futures.values()), loop=client.loop), 1):
                stem = stems[fut.key]
                try:
                    result = fut.result()
                except Exception as e:  # noqa: BLE001 - the task itself (or a dependency) failed
                    result = {"status": "failed", "error": error_line(e), "files": {}, "seconds": 0}
                write_files(out, result.get("files", {}))
                outcome.timings[stem] = result.get("seconds") or 0.0
                if result["status"] == "ok":
                    status = "ok"
                else:
                    outcome.failed.append(stem)
                    status = f"FAILED ({result['error']}); see {os.path.join(shown_out, 'notebooks', stem + '.ipynb')}"
                print(f"[{done}/{len(futures)}] {stem} ... {status} [{duration(outcome.timings[stem])}]"
                      f" ({result.get('worker', '?')})", flush=True)
        except KeyboardInterrupt:
            outcome.interrupted = next(nb.stem for nb in defaults if nb.stem not in outcome.timings)
            client.cancel(list(futures.values()))
    outcome.total = time.perf_counter() - t0
    return outcome

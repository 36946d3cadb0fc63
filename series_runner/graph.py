"""The one way the runner runs notebooks: a Dask task graph (:func:`series_graph` for the series,
a sweep's tasks side by side) run by :func:`compute`.

Without a cluster, Dask's synchronous scheduler runs it in this process, one task at a time; with
a ``distributed`` client (an embedded LocalCluster or a scheduler's address,
:mod:`series_runner.cluster`) the cluster runs it. Each task is :func:`series_runner.task.run_task`:
it never raises for a failing notebook, so one failure never stops the others.

In the series, 00-05 and 07 need nothing from each other; the summary 06 reads every other
notebook's metrics. Run in this process, the notebooks also wait for the one
before them, so that they run in the series' order.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Callable

import dask
from dask import delayed

from .notebooks import error_line
from .task import run_task

SUMMARY = "06"


def dependencies(numbers: list[str], in_order: bool = False) -> dict[str, list[str]]:
    """For each notebook number, the numbers (among ``numbers``, in running order) it must wait
    for; ``in_order``: also the one before it."""
    deps = {}
    for i, n in enumerate(numbers):
        if n == SUMMARY:
            deps[n] = [m for m in numbers if m != SUMMARY]
        else:
            deps[n] = [numbers[i - 1]] if in_order and i else []
    return deps


def series_graph(
    notebooks: dict[Path, dict], *, in_order: bool, folder: Path | None = None, timeout: int | None = None
) -> dict:
    """``{stem: task}`` for ``notebooks`` (``{path: its parameters}``, in running order).
    ``folder``: the run folder, where each notebook runs in place (this machine); None: each runs
    in a temporary folder of its worker and sends its files back, the files of the notebooks it
    depends on given to it first."""
    numbers = {nb.name[:2]: nb for nb in notebooks}
    deps = dependencies(list(numbers), in_order)
    tasks: dict = {}
    run = delayed(run_task, pure=False)
    token = f"{os.getpid()}-{time.time_ns()}"
    for n, nb in numbers.items():
        tasks[nb.stem] = run(
            nb.name,
            nb.read_bytes(),
            notebooks[nb],
            keep_models=True,
            timeout=timeout,
            inputs=[tasks[numbers[d].stem] for d in deps[n]],
            folder=None if folder is None else str(folder),
            origin=os.path.relpath(nb, Path.cwd()),
            dask_key_name=f"{nb.stem}-{token}",
        )
    return tasks


def failed(exc: BaseException) -> dict:
    """The result of a task that raised (a lost worker, a task cancelled...)."""
    return {"status": "failed", "error": error_line(exc), "files": {}, "seconds": 0}


def compute(
    tasks: dict,
    done: Callable[[str, dict], None],
    *,
    started: Callable[[str], None] | None = None,
    client=None,
    retries: int = 0,
) -> None:
    """Run ``tasks`` (``{name: task}``), calling ``done(name, result)`` as each one ends (and
    ``started(name)`` as each one starts, in this process). ``client``: a ``distributed.Client``;
    None: Dask's synchronous scheduler here. Ctrl-C cancels what is left and propagates."""
    names = {task.key: name for name, task in tasks.items()}
    if client is None:
        from dask.callbacks import Callback

        class Hooks(Callback):
            def _pretask(self, key, dsk, state):
                if key in names and started is not None:
                    started(names[key])

            def _posttask(self, key, result, dsk, state, worker_id):
                if key in names:
                    done(names[key], result)

        with Hooks():
            dask.compute(*tasks.values(), scheduler="synchronous", optimize_graph=False)
        return
    from distributed import as_completed

    futures = client.compute(list(tasks.values()), retries=retries, optimize_graph=False)
    try:
        for future in as_completed(futures, loop=client.loop):
            try:
                result = future.result()
            except Exception as e:  # noqa: BLE001 - the task function itself failed (KilledWorker...)
                result = failed(e)
            done(names[future.key], result)
            future.release()  # its bytes leave the worker's memory
    except KeyboardInterrupt:
        client.cancel(futures)
        raise

"""A sweep on a Dask cluster: ``./run_all.sh --sweep FILE [--out DIR] [--scheduler ADDR]``.

In order: the sweep file read and every task's parameters checked (:mod:`series_runner.sweepfile`);
the data, on the client (:mod:`series_runner.datacheck`); the sweep folder locked; tasks whose
results are complete there skipped (the same command resumes a sweep); the cluster checked; every
other task run there (:func:`series_runner.graph.compute`; a sweep needs ``distributed``), each
result written into ``DIR/<task>/`` as it arrives; then ``sweep.csv``,
``summary.csv``, ``sweep.png`` and ``index.html`` (:mod:`series_runner.sweepout`).

Exit status 0; 1 when a task failed; 2 before anything ran; 130 after Ctrl-C (finished tasks kept,
the resume command printed).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shlex
import shutil
import sys
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from dask import delayed

from helpers import runlock
from helpers.files import write_text
from helpers.params import notebook_defaults
from helpers.paths import REPO, as_given, show

from . import sweepout
from .cli import Stop, resume_command
from .cluster import ClusterError, describe, open_client, scheduler_address
from .datacheck import DataUnavailable, data_needs, ensure_run_data
from .graph import compute
from .notebooks import error_line, list_notebooks, user_folders
from .progress import duration
from .status import SweepProgress
from .sweepfile import SweepFileError, load
from .task import probe, run_task, write_files

TASK_FILE = "task.json"
"""Written last into a task's folder: its key, parameters, status and metrics (a complete task)."""


@dataclass
class Task:
    """One notebook with one parameter set."""

    notebook: Path
    parameters: dict
    varied: dict  # the parameters the sweep varies, with this task's values
    folder: str = ""
    defaults: dict = field(default_factory=dict)  # the notebook's parameters and their defaults

    @property
    def declared(self) -> list[str]:
        return sorted(self.defaults)

    @property
    def name(self) -> str:
        return self.notebook.stem

    @property
    def source(self) -> bytes:
        return self.notebook.read_bytes()

    @property
    def key(self) -> str:
        """Notebook name + its content's hash + the parameters: what makes a result reusable."""
        text = json.dumps(
            [self.name, hashlib.sha256(self.source).hexdigest(), self.parameters], sort_keys=True, default=str
        )
        return hashlib.sha256(text.encode()).hexdigest()[:20]


def _slug(value) -> str:
    if isinstance(value, (list, tuple)):
        value = "x".join(str(v) for v in value)
    return re.sub(r"[^A-Za-z0-9.]+", "-", str(value)).strip("-") or "none"


def plan(path) -> tuple[list[Task], list[str]]:
    """The tasks of the sweep file at ``path`` and the names of the parameters it varies.

    Raises:
        SweepFileError: the file cannot run (one message naming the place).
    """
    pairs = load(path)
    names = sorted({k for _, p in pairs for k in p})
    varied = [k for k in names if len({json.dumps(p.get(k), default=str) for _, p in pairs}) > 1]
    by_prefix = {p.stem[:2]: p for p in list_notebooks()}
    by_prefix.update({p.stem: p for p in by_prefix.values()})
    defaults_of = {by_prefix[nb]: None for nb, _ in pairs}
    for notebook in defaults_of:
        defaults_of[notebook] = notebook_defaults(notebook)
    tasks, seen = [], {}
    for nb, params in pairs:
        notebook = by_prefix[nb]
        task_varied = {k: params.get(k) for k in varied}
        folder = notebook.stem[:2] + "".join(f"_{k}-{_slug(v)}" for k, v in task_varied.items())
        seen[folder] = seen.get(folder, 0) + 1
        if seen[folder] > 1:
            folder += f"_{seen[folder]}"
        tasks.append(Task(notebook, params, task_varied, folder, defaults_of[notebook]))
    return tasks, varied


def complete(out: Path, task: Task) -> dict | None:
    """The task's record in ``out`` when its results are complete and of this very task."""
    try:
        record = json.loads((out / task.folder / TASK_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return record if record.get("key") == task.key and record.get("status") == "ok" else None


def metrics_of(files: dict) -> dict:
    """test_accuracy, macro_f1, fit_seconds from the task's ``metrics/*.json`` (empty if none)."""
    for name, data in sorted(files.items()):
        if name.startswith("metrics/") and name.endswith(".json"):
            try:
                m = json.loads(data)
            except ValueError:
                continue
            return {k: m.get(k) for k in ("test_accuracy", "macro_f1", "fit_seconds")}
    return {}


def write_result(out: Path, task: Task, result: dict) -> dict:
    """Write the task's files into ``out/<task>/``, each atomically, and its ``task.json`` last (a
    folder without it is incomplete and runs again); returns the record."""
    record = {
        "key": task.key,
        "task": task.folder,
        "notebook": task.name,
        "parameters": task.parameters,
        "varied": task.varied,
        "status": result["status"],
        "error": result.get("error", ""),
        "worker": result.get("worker", ""),
        "seconds": result.get("seconds"),
        "finished": datetime.now().isoformat(sep=" ", timespec="seconds"),
        **metrics_of(result.get("files", {})),
    }
    folder = out / task.folder
    (folder / TASK_FILE).unlink(missing_ok=True)
    shutil.rmtree(folder, ignore_errors=True)  # no file of an earlier attempt stays
    write_files(folder, result.get("files", {}))
    write_text(folder / TASK_FILE, json.dumps(record, indent=1, default=str))
    return record


def run_sweep(args, command: str) -> int:
    """``./run_all.sh --sweep FILE``: see the module's docstring; returns the exit status."""
    lock = None
    try:
        clash = [
            o
            for o, given in (
                ("--quick", args.quick),
                ("--synthetic", args.synthetic),
                ("-p", args.parameter),
                ("--only", args.only),
                ("--notebooks", args.notebooks),
            )
            if given
        ]
        if clash:
            raise Stop(f"{clash[0]} does not go with --sweep: put notebooks and parameters in the sweep file")
        try:
            tasks, varied = plan(args.sweep)
        except SweepFileError as e:
            raise Stop(str(e)) from None
        except OSError as e:
            raise Stop(f"{as_given(args.sweep)}: cannot read the sweep file ({e.strerror or e})") from None
        if args.out:
            out, shown_out = Path(os.path.abspath(os.path.expanduser(args.out))), as_given(args.out)
        else:
            out = REPO / "runs" / datetime.now().strftime("sweep-%Y%m%d-%H%M%S")
            shown_out = show(out)
        _check_data(tasks, out)
        out.mkdir(parents=True, exist_ok=True)
        try:
            lock = runlock.acquire(out, command, shown=f"{shown_out}/")
        except runlock.RunFolderBusy as e:
            raise Stop(str(e)) from None
        return _run(args, tasks, varied, out, shown_out)
    except Stop as stop:
        print(f"run_all.sh: {stop}", file=sys.stderr)
        return stop.status
    finally:
        if lock is not None:
            lock.release()


def _check_data(tasks: list[Task], out: Path) -> None:
    """The AG News files the tasks need, on the client, before anything starts."""
    needs: dict = {}
    for task in tasks:
        for folder, splits in data_needs(
            {task.notebook: task.defaults}, task.parameters, out / task.folder / "notebooks"
        ).items():
            for split, names in splits.items():
                needs.setdefault(folder, {}).setdefault(split, []).extend(
                    n for n in names if n not in needs.get(folder, {}).get(split, [])
                )
    try:  # workers on this machine inherit $AG_NEWS_DIR, made absolute here
        ensure_run_data(needs)
    except DataUnavailable as e:
        raise Stop(str(e), e.status) from None
    for task in tasks:  # folders given in the file: the same folder for every worker
        task.parameters = user_folders(task.parameters)


def check_cluster(client, address: str | None) -> None:
    """The scheduler and the workers import the project (Dask's scheduler unpickles the tasks)."""
    where = address or "the embedded cluster"
    try:
        client.run_on_scheduler(probe)
    except Exception as e:  # noqa: BLE001 - ModuleNotFoundError on the scheduler, mostly
        raise Stop(
            f"the Dask scheduler at {where} cannot import helpers and series_runner ({error_line(e)}): start "
            f"`dask scheduler` from the project's environment (.venv/bin/dask scheduler)."
        ) from None
    try:
        client.run(probe)
    except Exception as e:  # noqa: BLE001
        raise Stop(
            f"a Dask worker of {where} cannot import helpers and series_runner ({error_line(e)}): start "
            f"`dask worker` from the project's environment (.venv/bin/dask worker)."
        ) from None


def _run(args, tasks, varied, out: Path, shown_out: str) -> int:
    records: dict[str, dict] = {}
    todo = []
    for task in tasks:
        done = complete(out, task)
        if done:
            records[task.folder] = done
        else:
            todo.append(task)
    n_nb = len({t.name for t in tasks})
    print(
        f"Sweep {as_given(args.sweep)}: {len(tasks)} tasks ({n_nb} notebook{'s' * (n_nb != 1)}"
        f"{', varying ' + ', '.join(varied) if varied else ''}) into {shown_out}/"
        + (f"; {len(records)} complete already, skipped" if records else ""),
        flush=True,
    )
    interrupted = False
    t0 = time.perf_counter()
    if todo:
        address = scheduler_address(args.scheduler)
        try:
            with open_client(address, workers=args.workers) as client:
                check_cluster(client, address)
                print(describe(client), flush=True)
                interrupted = _submit(client, args, todo, out, records, len(tasks))
        except ClusterError as e:
            raise Stop(str(e)) from None
        except KeyboardInterrupt:
            interrupted = True
    total = time.perf_counter() - t0
    rows = [records[t.folder] for t in tasks if t.folder in records]
    sweepout.write_all(out, rows, varied, title=as_given(args.sweep))
    failed = [r["task"] for r in rows if r["status"] != "ok"]
    print(
        f"\nSweep: {duration(total)}; {len(rows)} of {len(tasks)} tasks finished"
        + (f", {len(failed)} failed" if failed else "")
        + ". Where to look:\n"
        f"  one row per task    {os.path.join(shown_out, 'sweep.csv')}\n"
        f"  summary             {os.path.join(shown_out, 'summary.csv')}\n"
        f"  report (a browser)  {os.path.join(shown_out, 'index.html')}\n"
        f"  notebook 06         -p sweep_dir {shlex.quote(shown_out)}",
        flush=True,
    )
    if interrupted:
        print(
            f"Interrupted: the finished tasks are kept in {shown_out}/. To finish the sweep "
            f"(complete tasks are skipped):\n  {resume_command(args, shown_out)}",
            file=sys.stderr,
        )
        return 130
    if failed:
        print(f"FAILED task(s): {', '.join(failed)} (see their executed notebooks)", file=sys.stderr)
        return 1
    return 0


def _submit(client, args, todo, out, records, total) -> bool:
    """Run the tasks on the cluster, write each result as it comes; True when Ctrl-C stopped it."""
    progress = SweepProgress(total=total, done=len(records), client=client)
    run = delayed(run_task, pure=False)
    tasks = {
        task.folder: run(
            task.notebook.name,
            task.source,
            task.parameters,
            declared=task.declared,
            keep_models=args.keep_models,
            timeout=args.timeout,
            origin=f"notebooks/{task.notebook.name}",
            dask_key_name=f"{task.folder}-{task.key}",
        )
        for task in todo
    }
    by_folder = {task.folder: task for task in todo}

    def done(folder: str, result: dict) -> None:
        records[folder] = write_result(out, by_folder[folder], result)
        progress.finished(folder, records[folder])

    progress.start()
    try:
        compute(tasks, done, client=client, retries=args.retries)
    except KeyboardInterrupt:
        progress.stop("interrupted")
        return True
    progress.stop()
    return False

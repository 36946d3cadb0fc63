"""The series run, ``./run_all.sh`` (``python -m series_runner``): parameters checked, the data
first (:mod:`series_runner.datacheck`), the run folder locked (:mod:`helpers.runlock`), the notebooks
run with papermill in ``DIR/notebooks/`` as a Dask graph (:mod:`series_runner.graph`): one after
another in this process, each with its progress shown (:mod:`series_runner.progress`), or side by
side on a cluster (``--workers N``, ``--scheduler ADDR``); then ``results.md``, ``results.json`` and
``index.html`` (:mod:`series_runner.report`).

Exit status 0; 1 when a notebook failed (the others still run); 2 when the run stops before any
notebook starts; 130 after Ctrl-C (finished results kept, the command that finishes the run
printed). ``--sweep FILE`` runs a sweep instead (:mod:`series_runner.sweep`).
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import sys
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from helpers import runlock
from helpers.evaluation import read_all_metrics
from helpers.files import OutputDirError, prepare_output_dir, write_json, write_text
from helpers.params import ParameterError, notebook_defaults
from helpers.paths import NOTEBOOKS, REPO, as_given, show
from helpers.progress import record_path
from helpers.summary import results_markdown

from .cli import Stop, build_parameters, fail, parser, resume_command, typed_command
from .cluster import ClusterError, describe, open_client, require_distributed, scheduler_address
from .datacheck import DataUnavailable, data_needs, ensure_run_data
from .graph import compute, series_graph
from .notebooks import Outcome, list_notebooks, notebook_parameters
from .progress import Progress, duration
from .report import write_index
from .task import write_files

# ---------------------------------------------------------------------------------------------
# the run, step by step
# ---------------------------------------------------------------------------------------------


@dataclass
class _Run:
    """What a run knows as it goes."""

    args: argparse.Namespace
    command: str  # as the user typed it, for the run folder's lock
    params: dict = field(default_factory=dict)
    defaults: dict = field(default_factory=dict)  # notebook -> its parameters' defaults
    out: Path = Path()
    shown_out: str = ""
    lock: runlock.RunLock | None = None
    outcome: Outcome = field(default_factory=Outcome)


def run_series(argv=None) -> int:
    """``./run_all.sh``: the steps of a run (see the module's docstring); returns the exit status."""
    args = parser().parse_args(argv)
    if args.sweep or args.workers is not None or scheduler_address(args.scheduler):
        try:
            _require_cluster(args)
        except Stop as stop:
            return fail(str(stop), stop.status)
    if args.sweep:  # the parameters then come from the sweep file
        from .sweep import run_sweep

        return run_sweep(args, typed_command(argv))
    run = _Run(args, typed_command(argv))
    try:
        try:
            _check_parameters(run)
            _choose_notebooks(run)
            _choose_run_folder(run)
            if run.out.is_dir():  # a folder another run is writing: stop before anything else
                _lock(run, early=True)
            _check_data(run)
            _prepare_run_folder(run)
            run.outcome = _run_notebooks(run)
        except Stop as stop:
            return fail(str(stop), stop.status)
        return _finish(run)
    finally:
        if run.lock is not None:
            run.lock.release()


def _require_cluster(args) -> None:
    if args.workers is not None and args.workers < 1:
        raise Stop(f"--workers must be at least 1; got {args.workers}")
    try:
        require_distributed("--sweep, --workers and --scheduler (a cluster)")
    except ClusterError as e:
        raise Stop(str(e)) from None


def _check_parameters(run: _Run) -> None:
    try:
        run.params = build_parameters(run.args)
    except ParameterError as e:
        raise Stop(str(e)) from None


def _choose_notebooks(run: _Run) -> None:
    """The notebooks to run (``--notebooks``, ``--only``) and their parameters' defaults; every
    ``-p`` name must be some notebook's parameter."""
    args = run.args
    folder = Path(args.notebooks).expanduser() if args.notebooks else NOTEBOOKS
    notebooks = list_notebooks(folder)
    if not notebooks:
        raise Stop(f"no NN_*.ipynb notebook in {as_given(args.notebooks) if args.notebooks else show(folder)}")
    if args.only:
        wanted = {s.strip() for s in args.only.split(",") if s.strip()}
        notebooks = [nb for nb in notebooks if nb.name[:2] in wanted]
        if not notebooks:
            raise Stop(f"--only {args.only} matches no notebook")
    run.defaults = {nb: notebook_defaults(nb) for nb in notebooks}
    given = {name for name, _ in args.parameter}  # --quick/--synthetic settings may go unused
    unused = given - set().union(*run.defaults.values()) - {"output_dir"}
    if unused:
        raise Stop(f"no notebook takes parameter(s) {', '.join(sorted(unused))}")


def _choose_run_folder(run: _Run) -> None:
    """``--out`` (or ``-p output_dir``) as the user wrote it, else ``runs/<date-time>``."""
    out_arg = run.args.out or run.params.pop("output_dir", None)  # -p output_dir works like --out
    run.params.pop("output_dir", None)
    if out_arg:
        out_given = Path(os.path.expanduser(as_given(out_arg)))
        run.shown_out = as_given(out_arg)
    else:
        out_given = REPO / "runs" / datetime.now().strftime("%Y%m%d-%H%M%S")
        run.shown_out = show(out_given)
    run.out = Path(os.path.abspath(out_given))


def _lock(run: _Run, early: bool = False) -> None:
    """One run per run folder (:mod:`helpers.runlock`); ``early``: before the folder is prepared."""
    try:
        run.lock = run.lock or runlock.acquire(run.out, run.command, shown=f"{run.shown_out}/")
    except runlock.RunFolderBusy as e:
        raise Stop(str(e)) from None
    except OSError as e:
        if not early:  # else the folder's preparation says what is wrong with it
            raise Stop(f"run folder {run.shown_out}/ cannot be locked: {e.strerror or e}") from None


def _check_data(run: _Run) -> None:
    """The data first, once: before any kernel starts and before the run folder exists."""
    try:
        ensure_run_data(data_needs(run.defaults, run.params, run.out / "notebooks"))
    except DataUnavailable as e:
        raise Stop(str(e), e.status) from None


def _prepare_run_folder(run: _Run) -> None:
    try:
        prepare_output_dir(run.out)
        (run.out / "notebooks").mkdir(exist_ok=True)
    except (OutputDirError, OSError) as e:
        raise Stop(str(e)) from None
    _lock(run)


def _run_notebooks(run: _Run) -> Outcome:
    """The notebooks as a Dask graph, in this process (their progress shown) or on a cluster; a
    failure is noted and the other notebooks run; Ctrl-C stops the run."""
    args, params, notebooks = run.args, run.params, list(run.defaults)
    address = scheduler_address(args.scheduler)
    here = address is None  # the notebooks run in the run folder itself (the cluster is on this machine)
    workdir = run.out / "notebooks" if here else None
    tasks = series_graph(
        {nb: notebook_parameters(params, set(run.defaults[nb]), workdir) for nb in notebooks},
        in_order=not (args.workers or address),
        folder=run.out if here else None,
        timeout=args.timeout,
    )
    print(
        f"Running {len(notebooks)} notebook{'s' * (len(notebooks) != 1)} into {run.shown_out}/ with "
        f"{json.dumps(params) if params else 'their defaults'}",
        flush=True,
    )
    outcome, progress, running = Outcome(), Progress(), []
    start_all = time.perf_counter()

    def started(stem: str) -> None:
        running.append(stem)
        progress.begin(f"[{len(outcome.timings) + 1}/{len(tasks)}] {stem}", record_path(run.out, stem))

    def done(stem: str, result: dict) -> None:
        write_files(run.out, result.get("files", {}))
        outcome.timings[stem] = result.get("seconds") or 0.0
        status = "ok"
        if result["status"] != "ok":
            outcome.failed.append(stem)
            status = f"FAILED ({result['error']}); see {os.path.join(run.shown_out, 'notebooks', stem + '.ipynb')}"
        status += f" [{duration(outcome.timings[stem])}]"
        if stem in running:
            running.remove(stem)
            progress.end(status)
        else:  # on a cluster: one line as each notebook ends
            print(
                f"[{len(outcome.timings)}/{len(tasks)}] {stem} ... {status} ({result.get('worker', '?')})", flush=True
            )

    try:
        if args.workers or address:
            try:
                with open_client(address, workers=args.workers) as client:
                    print(describe(client), flush=True)
                    compute(tasks, done, client=client)
            except ClusterError as e:
                raise Stop(str(e)) from None
        else:
            compute(tasks, done, started=started)
    except KeyboardInterrupt:
        if running:
            progress.end("interrupted")
        outcome.interrupted = next(nb.stem for nb in notebooks if nb.stem not in outcome.timings)
    outcome.total = time.perf_counter() - start_all
    return outcome


def _finish(run: _Run) -> int:
    """The results table and ``index.html``, then where to look; the exit status."""
    metrics = read_all_metrics(run.out)
    table = results_markdown(metrics)
    params, done = run.params, run.outcome
    write_text(run.out / "results.md", f"# Results of this run\n\nParameters: `{json.dumps(params)}`\n\n{table}\n")
    write_json(
        run.out / "results.json",
        {
            "parameters": params,
            "notebook_seconds": done.timings,
            "total_seconds": round(done.total, 1),
            "failed": done.failed,
            "interrupted": done.interrupted,
            "metrics": metrics,
        },
    )
    report = _write_report(run.out)
    if done.interrupted:
        rest = [nb.name[:2] for nb in run.defaults if nb.stem not in done.timings]
        print(
            f"Stopped at {done.interrupted} (its executed copy is partial). The notebooks that finished "
            f"and their results are kept in {run.shown_out}/; notebooks/ was only read. To finish the "
            f"run:\n  {resume_command(run.args, run.shown_out, rest)}",
            file=sys.stderr,
        )
        _where_to_look(run.shown_out, report, done.total, len(done.timings), done.failed)
        return 130
    print()
    print(table)
    _where_to_look(run.shown_out, report, done.total, len(run.defaults), done.failed)
    if done.failed:
        print(f"\nFAILED notebook(s): {', '.join(done.failed)}", file=sys.stderr)
        return 1
    return 0


def _write_report(out: Path) -> bool:
    """``DIR/index.html`` (and the notebooks' HTML); a problem here never fails the run."""
    try:
        write_index(out)
        return True
    except KeyboardInterrupt:
        print("run_all.sh: index.html not written (interrupted)", file=sys.stderr)
    except Exception as e:  # noqa: BLE001 - the results are written; the report is extra
        print(f"run_all.sh: index.html not written: {type(e).__name__}: {e}", file=sys.stderr)
    return False


def _where_to_look(shown_out: str, report: bool, total: float, n: int, failed: list[str]) -> None:
    jupyter = Path(sys.executable).parent / "jupyter"
    jupyter_cmd = shlex.quote(show(jupyter)) if jupyter.exists() else "jupyter"
    ran = f"{n} notebook{'s' * (n != 1)}" + (f", {len(failed)} failed" if failed else "")
    lines = [
        f"\nWhole run: {duration(total)} ({ran}). Where to look:",
        f"  results table       {os.path.join(shown_out, 'results.md')}",
    ]
    if report:
        lines.append(f"  report (a browser)  {os.path.join(shown_out, 'index.html')}")
    lines += [
        f"  executed notebooks  {os.path.join(shown_out, 'notebooks')}/",
        f"  in JupyterLab:      {jupyter_cmd} lab {shlex.quote(os.path.join(shown_out, 'notebooks'))}",
    ]
    print("\n".join(lines), flush=True)


def main() -> None:
    sys.exit(run_series())

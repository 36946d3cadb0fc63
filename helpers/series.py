"""Run the whole notebook series with papermill: ``./run_all.sh`` (``python -m helpers.series``).

Usage::

    ./run_all.sh [--quick] [--synthetic] [-p NAME VALUE]... [--out DIR] [--only NN[,NN...]]
                 [--timeout SECONDS] [--notebooks DIR]
    ./run_all.sh --sweep FILE [--out DIR] [--scheduler ADDR] [--workers N] [--keep-models]

``--sweep FILE`` runs a sweep file's tasks on a Dask cluster instead (:mod:`helpers.runner.sweep`,
docs/sweeps.md). ``--workers N`` / ``--scheduler ADDR`` without it run the series as a Dask graph
(:mod:`helpers.runner.graph`) into the same run folder; the rest of this docstring is about the
series run one notebook after another.

- ``--quick``: a seeded small subset of the data, a few epochs, fewer LIME samples
  (:data:`helpers.config.QUICK_SETTINGS`).
- ``--synthetic``: the generated corpus instead of AG News (no network; full size unless --quick).
- ``-p NAME VALUE``: a parameter for every notebook that declares it, read exactly as papermill's
  ``-p`` reads it (``None``, ``True``/``False``, integers, floats, else text), and a list written
  as ``"[50, 60, 75]"`` as a list (:func:`helpers.params.parse_cli_value`).
- ``--out DIR``: the run folder (default ``runs/<date-time>`` in the repository, git-ignored).

What a run does, in order:

1. checks the parameters (a bad value stops it at once, exit status 2);
2. **the data first, once**: works out which AG News files the chosen notebooks need (from each
   notebook's effective ``data_source``: ``"ag_news"`` needs ``train.csv`` and ``test.csv``,
   ``"ag_news_test_split"`` only ``test.csv``, ``"synthetic"`` nothing) and makes sure they are there
   (``-p data_dir`` / ``$AG_NEWS_DIR`` / the download cache), downloading them with a progress bar
   when needed. When it cannot, it prints one message (what is missing, where it looked, how to
   provide it) and exits with status 2 before any kernel starts or any run folder is made.
   ``$AG_NEWS_BASE_URL`` replaces the download address (a mirror; the tests' local server);
3. runs the notebooks one by one, showing the current step (the last Markdown heading above the
   cell being executed) and, while a network trains, ``epoch k/N`` with the epoch's time and
   validation accuracy, read from the notebook's ``model.fit(..., verbose=2)`` output: one updating
   line on a terminal, one line per step and epoch otherwise (CI logs);
4. writes the results table (``DIR/results.md``, ``DIR/results.json``) and a report to open in a
   browser (``DIR/index.html``, :mod:`helpers.report`), and says where to look.

A run folder is written by one run at a time (:mod:`helpers.runlock`): a second run into a folder
that a live run holds stops at once, naming that run; a folder left by a run that died is used
again as it is. The data check is :mod:`helpers.datacheck`, the progress display
:mod:`helpers.progress`, the results table :func:`helpers.summary.results_markdown`.

Executed notebooks go to ``DIR/notebooks/``, metrics to ``DIR/metrics/NN_<name>.json``, raw-text
models to ``DIR/models/NN_<name>.keras``. Each notebook runs with ``DIR/notebooks/`` as its working
folder and ``output_dir=".."``, so an executed copy can be run again in place (JupyterLab, nbval)
and writes to the same run folder; a ``-p data_dir`` is passed relative to that folder. The results
summary (``06_*``) runs last. A failing notebook does not stop the others; the exit status is then
1 and the failed notebooks are named (their executed copies show the error). Ctrl-C stops the run:
the finished notebooks' results stay in the run folder, the table of what finished is written, the
command that finishes the run is printed, and the exit status is 130. Notebooks in ``notebooks/``
are only read, never written; ``--notebooks DIR`` runs the ``NN_*.ipynb`` notebooks of another
folder the same way.

Paths are printed as the user wrote them: ``--out``, ``-p data_dir``, ``$AG_NEWS_DIR`` and
``--notebooks`` appear as given (normalized), relative ones relative to the folder the command was
started from; paths the runner makes up (the default run folder) are shown relative to that folder
when inside it, else in full.
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

from . import runlock
from .config import QUICK_SETTINGS
from .datacheck import BASE_URL_ENV, DataUnavailable, data_needs, ensure_run_data
from .evaluation import read_all_metrics
from .files import OutputDirError, prepare_output_dir, write_json, write_text
from .params import PARAMETER_NAMES, ParameterError, notebook_defaults, parse_cli_value, validate_parameters
from .paths import NOTEBOOKS, REPO, as_given, relative, script_name, show
from .progress import Progress, duration
from .report import write_index
from .summary import results_markdown

results_table = results_markdown
"""The results table in Markdown (the name notebook 06 has used; :func:`helpers.results_markdown`)."""

SUMMARY_PREFIX = "06_"
"""The results summary notebook: it runs last, after every other notebook (07 included)."""


# ---------------------------------------------------------------------------------------------
# the command line
# ---------------------------------------------------------------------------------------------

_HELP_EPILOG = f"""\
values of -p are read as papermill's -p reads them: None, True, False, integers (3), floats
(0.5), anything else as text; a list is written in brackets and quoted for the shell:
  -p lstm_units "[50, 60, 75]"     -p train_size None     -p data_dir None (no folder)

data: the notebooks' AG News files are looked for (and downloaded, once) before any notebook
starts: -p data_dir DIR, else $AG_NEWS_DIR, else the download cache (~/.keras/datasets/ag_news,
or $KERAS_HOME/datasets/ag_news). ${BASE_URL_ENV} replaces the download address. Without
network or files, --synthetic runs the series on a generated corpus.

examples:
  ./run_all.sh --quick
  ./run_all.sh -p epochs 10 -p batch_size 128 --out runs/longer
  AG_NEWS_DIR=/folder/with/csv ./run_all.sh --only 00,01,06
"""


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="run_all.sh",
        description="Run the notebook series with papermill into a run folder: the data first, "
                    "then each notebook with its progress, then the results table and index.html.",
        epilog=_HELP_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    quick = ", ".join(f"{k}={v}" for k, v in QUICK_SETTINGS.items())
    p.add_argument("--quick", action="store_true",
                   help=f"a seeded small subset and a short training ({quick})")
    p.add_argument("--synthetic", action="store_true",
                   help="the generated corpus instead of AG News (no network, no files needed)")
    p.add_argument("-p", "--parameter", nargs=2, action="append", default=[], metavar=("NAME", "VALUE"),
                   help="parameter for every notebook that has it (read like papermill's -p; a list "
                        "as \"[50, 60, 75]\", none as None); names: " + ", ".join(PARAMETER_NAMES))
    p.add_argument("--out", default=None, metavar="DIR", help="run folder (default: runs/<date-time>)")
    p.add_argument("--only", default=None, metavar="NN[,NN...]",
                   help="comma-separated notebook numbers to run, e.g. 00,01,06")
    p.add_argument("--timeout", type=int, default=None, metavar="SECONDS", help="per-cell timeout")
    p.add_argument("--notebooks", default=None, metavar="DIR",
                   help="folder of NN_*.ipynb notebooks to run (default: the series in notebooks/)")
    many = p.add_argument_group("many runs on a Dask cluster (docs/sweeps.md)")
    many.add_argument("--sweep", default=None, metavar="FILE",
                      help="run a sweep file's tasks (notebooks x parameter grid) into DIR "
                           "(default: runs/sweep-<date-time>); the file holds the notebooks and parameters")
    many.add_argument("--scheduler", default=None, metavar="ADDR",
                      help="an existing Dask scheduler (tcp://HOST:PORT; default: $DASK_SCHEDULER_ADDRESS, "
                           "else an embedded cluster on 127.0.0.1)")
    many.add_argument("--workers", type=int, default=None, metavar="N",
                      help="run on Dask: the embedded cluster's worker processes (default for --sweep: sized "
                           "to the machine); without --sweep, the series as a graph (07 after 02, 06 last)")
    many.add_argument("--keep-models", action="store_true", help="sweep: bring the saved models back too")
    many.add_argument("--retries", type=int, default=1, metavar="N", help="sweep: reruns of a task whose "
                      "task function raised (default 1); a lost worker's tasks run again anyway")
    return p


def build_parameters(args) -> dict:
    """The parameters given on the command line, validated (raises ParameterError)."""
    params: dict = {}
    if args.quick:
        params.update(QUICK_SETTINGS)
    if args.synthetic:
        params["data_source"] = "synthetic"
    for name, value in args.parameter:
        params[name] = parse_cli_value(value)
    return validate_parameters(params)  # fail before anything runs


def resume_command(args, out: str, numbers: list[str]) -> str:
    """The ``run_all.sh`` command that runs ``numbers`` into the same run folder ``out``
    (to be typed in the folder the first command was started from)."""
    parts = [script_name()] + ["--quick"] * args.quick + ["--synthetic"] * args.synthetic
    for name, value in args.parameter:
        parts += ["-p", name, value]
    if args.notebooks:
        parts += ["--notebooks", as_given(args.notebooks)]
    if args.timeout:
        parts += ["--timeout", str(args.timeout)]
    parts += ["--out", out, "--only", ",".join(numbers)]
    return " ".join(shlex.quote(p) for p in parts)


def list_notebooks(folder: Path = NOTEBOOKS) -> list[Path]:
    """The series' notebooks in running order (``NN_*.ipynb``; the summary ``06_*`` last)."""
    found = sorted(p for p in folder.glob("[0-9][0-9]_*.ipynb"))
    return [p for p in found if not p.name.startswith(SUMMARY_PREFIX)] + [
        p for p in found if p.name.startswith(SUMMARY_PREFIX)]


def notebook_parameters(params: dict, declared: set[str], run_notebooks: Path) -> dict:
    """The parameters one notebook gets: those it declares, with paths relative to its working
    folder ``run_notebooks`` (``DIR/notebooks``): ``output_dir=".."``, ``data_dir`` and ``sweep_dir`` rewritten
    (a relative ``data_dir`` is relative to the current folder, where the command was given)."""
    out = {k: v for k, v in params.items() if k in declared}
    for name in ("data_dir", "sweep_dir"):  # folders the user named: relative to the notebook's folder
        if out.get(name):
            folder = Path(str(out[name])).expanduser()
            out[name] = relative(folder if folder.is_absolute() else Path.cwd() / folder, run_notebooks)
    if "output_dir" in declared:
        out["output_dir"] = ".."
    return out


# ---------------------------------------------------------------------------------------------
# the run, step by step
# ---------------------------------------------------------------------------------------------


class _Stop(Exception):
    """The run stops before any notebook starts: ``run_all.sh: <message>``, exit ``status``."""

    def __init__(self, message: str, status: int = 2):
        super().__init__(message)
        self.status = status


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
    timings: dict = field(default_factory=dict)
    failed: list = field(default_factory=list)
    interrupted: str | None = None
    total: float = 0.0


def run_series(argv=None) -> int:
    """``./run_all.sh``: the steps of a run (see the module's docstring); returns the exit status."""
    args = _parser().parse_args(argv)
    if args.sweep:
        return _dispatch_many(args, argv)
    run = _Run(args, shlex.join([script_name(), *(sys.argv[1:] if argv is None else argv)]))
    try:
        try:
            _check_parameters(run)
            _choose_notebooks(run)
            _choose_run_folder(run)
            if run.out.is_dir():  # a folder another run is writing: stop before anything else
                _lock(run, early=True)
            _check_data(run)
            _prepare_run_folder(run)
        except _Stop as stop:
            return _fail(str(stop), stop.status)
        if args.workers or args.scheduler:  # the series as a Dask graph (helpers.runner.graph)
            from .runner.graph import run_graph

            run_graph(run, lambda nb: notebook_parameters(run.params, set(run.defaults[nb]), run.out / "notebooks"),
                      args.scheduler, args.workers)
        else:
            _run_notebooks(run)
        return _finish(run)
    finally:
        if run.lock is not None:
            run.lock.release()


def _dispatch_many(args, argv) -> int:
    """``--sweep`` (helpers.runner.sweep); the parameters then come from the sweep file."""
    command = shlex.join([script_name(), *(sys.argv[1:] if argv is None else argv)])
    from .runner.sweep import run_sweep

    return run_sweep(args, command)


def _fail(message: str, status: int = 2) -> int:
    print(f"run_all.sh: {message}", file=sys.stderr)
    return status


def _check_parameters(run: _Run) -> None:
    try:
        run.params = build_parameters(run.args)
    except ParameterError as e:
        raise _Stop(str(e)) from None


def _choose_notebooks(run: _Run) -> None:
    """The notebooks to run (``--notebooks``, ``--only``) and their parameters' defaults; every
    ``-p`` name must be some notebook's parameter."""
    args = run.args
    folder = Path(args.notebooks).expanduser() if args.notebooks else NOTEBOOKS
    notebooks = list_notebooks(folder)
    if not notebooks:
        raise _Stop(f"no NN_*.ipynb notebook in {as_given(args.notebooks) if args.notebooks else show(folder)}")
    if args.only:
        wanted = {s.strip() for s in args.only.split(",") if s.strip()}
        notebooks = [nb for nb in notebooks if nb.name[:2] in wanted]
        if not notebooks:
            raise _Stop(f"--only {args.only} matches no notebook")
    run.defaults = {nb: notebook_defaults(nb) for nb in notebooks}
    given = {name for name, _ in args.parameter}  # --quick/--synthetic settings may go unused
    unused = given - set().union(*run.defaults.values()) - {"output_dir"}
    if unused:
        raise _Stop(f"no notebook takes parameter(s) {', '.join(sorted(unused))}")


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
        raise _Stop(str(e)) from None
    except OSError as e:
        if not early:  # else the folder's preparation says what is wrong with it
            raise _Stop(f"run folder {run.shown_out}/ cannot be locked: {e.strerror or e}") from None


def _check_data(run: _Run) -> None:
    """The data first, once: before any kernel starts and before the run folder exists."""
    try:
        ensure_run_data(data_needs(run.defaults, run.params, run.out / "notebooks"))
    except DataUnavailable as e:
        raise _Stop(str(e), e.status) from None


def _prepare_run_folder(run: _Run) -> None:
    try:
        prepare_output_dir(run.out)
        (run.out / "notebooks").mkdir(exist_ok=True)
    except (OutputDirError, OSError) as e:
        raise _Stop(str(e)) from None
    _lock(run)


def _run_notebooks(run: _Run) -> None:
    """Each notebook with papermill in ``DIR/notebooks``, its progress shown; a failure is noted
    and the next notebook runs; Ctrl-C stops the loop."""
    import papermill as pm  # slow to import: only once the run is sure to start

    params, notebooks = run.params, list(run.defaults)
    run_notebooks = run.out / "notebooks"
    print(f"Running {len(notebooks)} notebook{'s' * (len(notebooks) != 1)} into {run.shown_out}/ with "
          f"{json.dumps(params) if params else 'their defaults'}", flush=True)
    start_all = time.perf_counter()
    progress = Progress()
    for i, nb in enumerate(notebooks, 1):
        nb_params = notebook_parameters(params, set(run.defaults[nb]), run_notebooks)
        target = run_notebooks / nb.name
        shown_target = os.path.join(run.shown_out, "notebooks", nb.name)
        progress.begin(f"[{i}/{len(notebooks)}] {nb.stem}")
        t0 = time.perf_counter()
        try:
            pm.execute_notebook(
                # Relative paths: papermill records them in the executed copy's metadata.
                relative(nb, Path.cwd()), relative(target, Path.cwd()), parameters=nb_params,
                cwd=str(run_notebooks),
                kernel_name="python3", progress_bar=False, log_output=False,
                stdout_file=progress, stderr_file=progress,  # read for progress, not shown
                on_cell_start=progress.on_cell_start,  # nbclient's hook: the current step
                execution_timeout=run.args.timeout,
                # The kernel's own log (unencrypted local TCP, "KeyboardInterrupt caught in kernel"
                # when it is stopped after a failure) is noise here: errors show in the notebook.
                extra_arguments=["--IPKernelApp.log_level=CRITICAL"],
            )
            status = "ok"
        except KeyboardInterrupt:
            run.interrupted = nb.stem
            progress.end("interrupted")
            break
        except Exception as e:  # PapermillExecutionError and kernel deaths alike
            run.failed.append(nb.stem)
            first = str(e).strip().splitlines()
            status = f"FAILED ({first[-1] if first else type(e).__name__}); see {shown_target}"
        run.timings[nb.stem] = time.perf_counter() - t0
        progress.end(f"{status} [{duration(run.timings[nb.stem])}]")
    run.total = time.perf_counter() - start_all


def _finish(run: _Run) -> int:
    """The results table and ``index.html``, then where to look; the exit status."""
    metrics = read_all_metrics(run.out)
    table = results_markdown(metrics)
    params = run.params
    write_text(run.out / "results.md", f"# Results of this run\n\nParameters: `{json.dumps(params)}`\n\n{table}\n")
    write_json(run.out / "results.json", {"parameters": params, "notebook_seconds": run.timings,
                                          "total_seconds": round(run.total, 1), "failed": run.failed,
                                          "interrupted": run.interrupted, "metrics": metrics})
    report = _write_report(run.out)
    if run.interrupted:
        rest = [nb.name[:2] for nb in run.defaults if nb.stem not in run.timings]
        print(f"Stopped at {run.interrupted} (its executed copy is partial). The notebooks that finished "
              f"and their results are kept in {run.shown_out}/; notebooks/ was only read. To finish the "
              f"run:\n  {resume_command(run.args, run.shown_out, rest)}", file=sys.stderr)
        _where_to_look(run.shown_out, report, run.total, len(run.timings), run.failed)
        return 130
    print()
    print(table)
    _where_to_look(run.shown_out, report, run.total, len(run.defaults), run.failed)
    if run.failed:
        print(f"\nFAILED notebook(s): {', '.join(run.failed)}", file=sys.stderr)
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


if __name__ == "__main__":
    main()

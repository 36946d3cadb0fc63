"""The command line of ``./run_all.sh`` (``python -m series_runner``): its options, the parameters
it gives the notebooks, the exception that stops a run with a message, and the command that
finishes an interrupted run."""

from __future__ import annotations

import argparse
import shlex
import sys

from helpers.config import QUICK_SETTINGS
from helpers.params import PARAMETER_NAMES, parse_cli_value, validate_parameters
from helpers.paths import as_given, script_name

from .datacheck import BASE_URL_ENV

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


class Stop(Exception):
    """A run stops with ``run_all.sh: <message>`` and exit ``status`` (2: before anything ran)."""

    def __init__(self, message: str, status: int = 2):
        super().__init__(message)
        self.status = status


def fail(message: str, status: int = 2) -> int:
    """Print ``run_all.sh: message`` on stderr; returns ``status``."""
    print(f"run_all.sh: {message}", file=sys.stderr)
    return status


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="run_all.sh",
        description="Run the notebook series with papermill into a run folder: the data first, "
        "then each notebook with its progress, then the results table and index.html.",
        epilog=_HELP_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    quick = ", ".join(f"{k}={v}" for k, v in QUICK_SETTINGS.items())
    p.add_argument("--quick", action="store_true", help=f"a seeded small subset and a short training ({quick})")
    p.add_argument(
        "--synthetic", action="store_true", help="the generated corpus instead of AG News (no network, no files needed)"
    )
    p.add_argument(
        "-p",
        "--parameter",
        nargs=2,
        action="append",
        default=[],
        metavar=("NAME", "VALUE"),
        help="parameter for every notebook that has it (read like papermill's -p; a list "
        'as "[50, 60, 75]", none as None); names: ' + ", ".join(PARAMETER_NAMES),
    )
    p.add_argument("--out", default=None, metavar="DIR", help="run folder (default: runs/<date-time>)")
    p.add_argument(
        "--only", default=None, metavar="NN[,NN...]", help="comma-separated notebook numbers to run, e.g. 00,01,06"
    )
    p.add_argument("--timeout", type=int, default=None, metavar="SECONDS", help="per-cell timeout")
    p.add_argument(
        "--notebooks",
        default=None,
        metavar="DIR",
        help="folder of NN_*.ipynb notebooks to run (default: the series in notebooks/)",
    )
    many = p.add_argument_group("many runs on a Dask cluster (docs/sweeps.md; needs ./setup.sh --sweeps)")
    many.add_argument(
        "--sweep",
        default=None,
        metavar="FILE",
        help="run a sweep file's tasks (notebooks x parameter grid or sets) into DIR "
        "(default: runs/sweep-<date-time>); the file holds the notebooks and parameters",
    )
    many.add_argument(
        "--scheduler",
        default=None,
        metavar="ADDR",
        help="an existing Dask scheduler (tcp://HOST:PORT; default: $DASK_SCHEDULER_ADDRESS, "
        "else an embedded cluster on 127.0.0.1)",
    )
    many.add_argument(
        "--workers",
        type=int,
        default=None,
        metavar="N",
        help="the embedded cluster's worker processes (default for --sweep: sized to the "
        "machine); without --sweep, the series on that cluster (06 last)",
    )
    many.add_argument("--keep-models", action="store_true", help="sweep: bring the saved models back too")
    many.add_argument(
        "--retries",
        type=int,
        default=1,
        metavar="N",
        help="sweep: reruns of a task whose task function raised (default 1); a lost worker's tasks run again anyway",
    )
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
    return validate_parameters(params)


def typed_command(argv=None) -> str:
    """The command as the user typed it (recorded in the run folder's lock)."""
    return shlex.join([script_name(), *(sys.argv[1:] if argv is None else argv)])


def resume_command(args, out: str, only: list[str] | None = None) -> str:
    """The ``run_all.sh`` command that finishes an interrupted run in the folder ``out``, with the
    options of the first (``only``: the notebooks still to run), to be typed in the same folder."""
    parts = [script_name()]
    if args.sweep:
        parts += ["--sweep", as_given(args.sweep)]
    parts += ["--quick"] * args.quick + ["--synthetic"] * args.synthetic
    for name, value in args.parameter:
        parts += ["-p", name, value]
    if args.notebooks:
        parts += ["--notebooks", as_given(args.notebooks)]
    parts += ["--out", out]
    for option, value in (("--scheduler", args.scheduler), ("--workers", args.workers), ("--timeout", args.timeout)):
        if value:
            parts += [option, str(value)]
    if args.keep_models:
        parts.append("--keep-models")
    if only:
        parts += ["--only", ",".join(only)]
    return shlex.join(parts)

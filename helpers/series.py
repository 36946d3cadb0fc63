"""Run the whole notebook series with papermill: ``./run_all.sh`` (``python -m helpers.series``).

Usage::

    ./run_all.sh [--quick] [--synthetic] [-p NAME VALUE]... [--out DIR] [--only NN[,NN...]]
                 [--timeout SECONDS] [--notebooks DIR]

- ``--quick``: a seeded small subset of the data (2,000 training / 400 test texts), 1 epoch and
  500 LIME samples instead of 5,000.
- ``--synthetic``: the generated corpus instead of AG News (no network; full size unless --quick).
- ``-p NAME VALUE``: a parameter for every notebook that declares it (values parsed as YAML, as
  papermill does: ``-p lstm_units "[64, 64]"``).
- ``--out DIR``: the run folder (default ``runs/<date-time>`` in the repository, git-ignored).

Executed notebooks go to ``DIR/notebooks/``, metrics to ``DIR/metrics/NN_<name>.json``, raw-text
models to ``DIR/models/NN_<name>.keras``; the results table is printed and written to
``DIR/results.md``. Each notebook runs with ``DIR/notebooks/`` as its working folder and
``output_dir=".."``, so an executed copy can be run again in place (JupyterLab, nbval) and writes to
the same run folder; a ``-p data_dir`` is passed relative to that folder. The results summary
(``06_*``) runs last. A failing notebook does not stop the others; the exit status is then 1 and the
failed notebooks are named (their executed copies show the error). Ctrl-C stops the run: the
finished notebooks' results stay in the run folder, the table of what finished is written, and the
exit status is 130. Notebooks in ``notebooks/`` are only read, never written; ``--notebooks DIR``
runs the ``NN_*.ipynb`` notebooks of another folder the same way.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from datetime import datetime
from pathlib import Path

from .config import APPROACHES, QUICK_SETTINGS
from .files import OutputDirError, prepare_output_dir, write_json, write_text
from .params import PARAMETER_NAMES, ParameterError, parse_cli_value, validate_parameters

REPO = Path(__file__).resolve().parent.parent
NOTEBOOKS = REPO / "notebooks"
QUICK = QUICK_SETTINGS
SUMMARY_PREFIX = "06_"
"""The results summary notebook: it runs last, after every other notebook (07 included)."""


def list_notebooks(folder: Path = NOTEBOOKS) -> list[Path]:
    """The series' notebooks in running order (``NN_*.ipynb``; the summary ``06_*`` last)."""
    found = sorted(p for p in folder.glob("[0-9][0-9]_*.ipynb"))
    return [p for p in found if not p.name.startswith(SUMMARY_PREFIX)] + [
        p for p in found if p.name.startswith(SUMMARY_PREFIX)]


def declared_parameters(notebook: Path) -> set[str]:
    """Names defined in a notebook's cell tagged ``parameters``."""
    import papermill as pm

    return set(pm.inspect_notebook(str(notebook)).keys())


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="run_all.sh",
        description="Run the notebook series with papermill into a run folder.",
    )
    p.add_argument("--quick", action="store_true",
                   help="seeded small subset (2,000 train / 400 test texts), 1 epoch")
    p.add_argument("--synthetic", action="store_true",
                   help="the generated corpus instead of AG News (no network needed)")
    p.add_argument("-p", "--parameter", nargs=2, action="append", default=[], metavar=("NAME", "VALUE"),
                   help=f"parameter for every notebook that has it; names: {', '.join(PARAMETER_NAMES)}")
    p.add_argument("--out", default=None, help="run folder (default: runs/<date-time>)")
    p.add_argument("--only", default=None,
                   help="comma-separated notebook numbers to run, e.g. 00,01,06")
    p.add_argument("--timeout", type=int, default=None, help="per-cell timeout in seconds")
    p.add_argument("--notebooks", default=None, metavar="DIR",
                   help="folder of NN_*.ipynb notebooks to run (default: the series in notebooks/)")
    return p


def build_parameters(args) -> dict:
    """The parameters given on the command line, validated (raises ParameterError)."""
    params: dict = {}
    if args.quick:
        params.update(QUICK)
    if args.synthetic:
        params["data_source"] = "synthetic"
    for name, value in args.parameter:
        params[name] = parse_cli_value(value)
    validate_parameters(params)  # fail before anything runs
    return params


def notebook_parameters(params: dict, declared: set[str], run_notebooks: Path) -> dict:
    """The parameters one notebook gets: those it declares, with paths relative to its working
    folder ``run_notebooks`` (``DIR/notebooks``): ``output_dir=".."`` and ``data_dir`` rewritten."""
    out = {k: v for k, v in params.items() if k in declared}
    if out.get("data_dir"):
        folder = Path(str(out["data_dir"])).expanduser()
        folder = folder if folder.is_absolute() else Path.cwd() / folder
        out["data_dir"] = _rel(folder, run_notebooks)
    if "output_dir" in declared:
        out["output_dir"] = ".."
    return out


def results_table(metrics: dict[str, dict]) -> str:
    """A Markdown table: each approach's test accuracy beside the tutorial's published one."""
    rows = [
        "| # | approach | test accuracy (this run) | published | data | train / test texts | epochs | fit time |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for a in APPROACHES.values():
        m = metrics.get(a.name)
        if m is None:
            rows.append(f"| {a.number} | {a.title} | (not run) | {a.published_accuracy:.2%} | | | | |")
            continue
        rows.append(
            f"| {a.number} | {a.title} | {m['test_accuracy']:.2%} | {a.published_accuracy:.2%} | "
            f"{m.get('data_source', '?')} | {m['n_train']:,} / {m['n_test']:,} | {m['epochs']} | "
            f"{m['fit_seconds']:.0f} s |"
        )
    return "\n".join(rows)


def resume_command(args, out: str, numbers: list[str]) -> str:
    """The ``run_all.sh`` command that runs ``numbers`` into the same run folder ``out``."""
    import shlex

    parts = ["./run_all.sh"] + ["--quick"] * args.quick + ["--synthetic"] * args.synthetic
    for name, value in args.parameter:
        parts += ["-p", name, value]
    if args.notebooks:
        parts += ["--notebooks", args.notebooks]
    if args.timeout:
        parts += ["--timeout", str(args.timeout)]
    parts += ["--out", out, "--only", ",".join(numbers)]
    return " ".join(shlex.quote(p) for p in parts)


def _rel(path: Path, start: Path) -> str:
    try:
        return os.path.relpath(path, start)
    except ValueError:  # pragma: no cover - other drive on Windows
        return str(path)


def run_series(argv=None) -> int:
    args = _parser().parse_args(argv)
    try:
        params = build_parameters(args)
    except ParameterError as e:
        print(f"run_all.sh: {e}", file=sys.stderr)
        return 2
    notebooks = list_notebooks(Path(args.notebooks) if args.notebooks else NOTEBOOKS)
    if not notebooks:
        print(f"run_all.sh: no NN_*.ipynb notebook in {args.notebooks}", file=sys.stderr)
        return 2
    if args.only:
        wanted = {s.strip() for s in args.only.split(",") if s.strip()}
        notebooks = [nb for nb in notebooks if nb.name[:2] in wanted]
        if not notebooks:
            print(f"run_all.sh: --only {args.only} matches no notebook", file=sys.stderr)
            return 2
    declared = {nb: declared_parameters(nb) for nb in notebooks}
    given = {name for name, _ in args.parameter}  # --quick/--synthetic settings may go unused
    unused = given - set().union(*declared.values()) - {"output_dir"}
    if unused:
        print(f"run_all.sh: no notebook takes parameter(s) {', '.join(sorted(unused))}", file=sys.stderr)
        return 2

    out_arg = args.out or params.pop("output_dir", None)  # -p output_dir works like --out
    params.pop("output_dir", None)
    out = Path(out_arg).expanduser() if out_arg else REPO / "runs" / datetime.now().strftime("%Y%m%d-%H%M%S")
    out = out if out.is_absolute() else Path.cwd() / out
    try:
        prepare_output_dir(out)
        (out / "notebooks").mkdir(exist_ok=True)
    except (OutputDirError, OSError) as e:
        print(f"run_all.sh: {e}", file=sys.stderr)
        return 2
    import papermill as pm

    shown_out = _rel(out, Path.cwd())
    print(f"Running {len(notebooks)} notebooks into {shown_out}/ with {json.dumps(params) if params else 'their defaults'}")
    failed: list[str] = []
    interrupted = None
    timings: dict[str, float] = {}
    start_all = time.perf_counter()
    run_notebooks = out / "notebooks"
    for i, nb in enumerate(notebooks, 1):
        nb_params = notebook_parameters(params, declared[nb], run_notebooks)
        target = run_notebooks / nb.name
        print(f"[{i}/{len(notebooks)}] {nb.stem} ...", end=" ", flush=True)
        t0 = time.perf_counter()
        try:
            pm.execute_notebook(
                # Relative paths: papermill records them in the executed copy's metadata.
                _rel(nb, Path.cwd()), _rel(target, Path.cwd()), parameters=nb_params,
                cwd=str(run_notebooks),
                kernel_name="python3", progress_bar=False, log_output=False,
                execution_timeout=args.timeout,
                # The kernel's warning about unencrypted local TCP is noise here.
                extra_arguments=["--IPKernelApp.log_level=ERROR"],
            )
            status = "ok"
        except KeyboardInterrupt:
            interrupted = nb.stem
            print("interrupted", flush=True)
            break
        except Exception as e:  # PapermillExecutionError and kernel deaths alike
            failed.append(nb.stem)
            first = str(e).strip().splitlines()
            status = f"FAILED ({first[-1] if first else type(e).__name__}); see {_rel(target, Path.cwd())}"
        timings[nb.stem] = time.perf_counter() - t0
        print(f"{status} [{timings[nb.stem]:.0f} s]", flush=True)

    from .evaluation import read_all_metrics

    metrics = read_all_metrics(out)
    table = results_table(metrics)
    total = time.perf_counter() - start_all
    write_text(out / "results.md", f"# Results of this run\n\nParameters: `{json.dumps(params)}`\n\n{table}\n")
    write_json(out / "results.json", {"parameters": params, "notebook_seconds": timings,
                                      "total_seconds": round(total, 1), "failed": failed,
                                      "interrupted": interrupted, "metrics": metrics})
    if interrupted:
        rest = [nb.name[:2] for nb in notebooks if nb.stem not in timings]
        print(f"Stopped at {interrupted} (its executed copy is partial). The notebooks that finished "
              f"and their results are kept in {shown_out}/; notebooks/ was only read. To finish the "
              f"run:\n  {resume_command(args, shown_out, rest)}", file=sys.stderr)
        return 130
    print()
    print(table)
    print(f"\nWhole series: {total / 60:.1f} min. Results: {shown_out}/results.md")
    if failed:
        print(f"\nFAILED notebook(s): {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


def main() -> None:
    sys.exit(run_series())


if __name__ == "__main__":
    main()

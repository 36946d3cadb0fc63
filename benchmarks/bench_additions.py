"""What notebook 01's two baselines and notebook 07's Transformer recipe and word-order probe add to
the full-scale series.

Run from the repository root (after ``./setup.sh``)::

    .venv/bin/python benchmarks/bench_additions.py                  # full scale: about 30 minutes on 2 cores
    .venv/bin/python benchmarks/bench_additions.py --quick          # the series' --quick run: a smoke test

Runs the whole series (00-07, then 06) as ``./run_all.sh --synthetic`` runs it: the generated
corpus of full size (120,000 / 7,600 texts), the tutorial's batch 512 and 5 epochs, LIME included,
into a temporary run folder. From that one run it reads:

- the series' wall time (the runner's process, start to end) and each notebook's (papermill's);
- the additions' own seconds, measured inside the same run: the cells ``own-baseline-tfidf`` and
  ``own-baseline-bag-of-words`` of 01 and the cells ``order-probe`` and ``transformer`` of 07
  (papermill records each cell's duration), plus the Transformer recipe's training and test
  predictions in 07's ``run`` cell (the fit seconds it prints, and the predictions' share
  estimated as the fit's 2%).

"After" is the series as it is (the run's wall time); "before" is the series as it was without the
additions (after, less the additions' seconds). It prints both and the additions' share,
after / before - 1. Everything runs interleaved in one process tree under the same load,
so the ratios are what to compare across machines, not the seconds. ``--rounds N`` runs the series N times and reports the
median share. A measuring script, not a test: it asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

from series_runner.notebooks import list_notebooks

REPO = Path(__file__).resolve().parent.parent
ADDED_CELLS = {
    "01_lstm_25_tokens": ("own-baseline-tfidf", "own-baseline-bag-of-words"),
    "07_further_recommendations": ("order-probe", "transformer"),
}
"""The additions' own cells, by notebook and cell id."""
TRANSFORMER_LINE = re.compile(r"^transformer\s+epochs.*?(\d+(?:\.\d+)?) s\s*$", re.M)
"""07's ``run`` cell prints one line per recipe, ending in its fit seconds."""
PREDICT_SHARE = 0.02
"""Test predictions (1,520 or 7,600 texts, batch 1,024) beside a 5-epoch fit: a small, estimated extra."""


def cell_seconds(nb, cell_id: str) -> float:
    """The seconds papermill recorded for one cell of an executed notebook."""
    cell = next(c for c in nb.cells if c.get("id") == cell_id)
    return float(cell.metadata["papermill"]["duration"])


def run_once(args, out: Path) -> dict:
    """One series run into ``out``; the seconds of the whole, of each notebook and of the additions."""
    command = [sys.executable, "-P", "-m", "series_runner", "--synthetic", "--out", str(out)]
    if args.quick:
        command.append("--quick")
    start = time.perf_counter()
    with open(out.parent / "series.log", "w") as log:
        done = subprocess.run(command, cwd=REPO, stdout=log, stderr=subprocess.STDOUT)
    total = time.perf_counter() - start
    if done.returncode:
        raise SystemExit(f"the series failed: its output is in {out.parent / 'series.log'}, its notebooks in {out}")
    notebooks, added = {}, {}
    for path in list_notebooks(out / "notebooks"):
        nb = nbformat.read(path, as_version=4)
        notebooks[path.stem] = float(nb.metadata["papermill"]["duration"])
        for cell_id in ADDED_CELLS.get(path.stem, ()):
            added[f"{path.stem[:2]} {cell_id}"] = cell_seconds(nb, cell_id)
        if path.stem == "07_further_recommendations":
            run_cell = next(c for c in nb.cells if c.get("id") == "run")
            text = "".join(o.get("text", "") for o in run_cell.outputs if o.output_type == "stream")
            fit = float(TRANSFORMER_LINE.search(text).group(1))
            added["07 transformer recipe (fit + predictions)"] = fit * (1 + PREDICT_SHARE)
    missing = {f"{nb[:2]} {c}" for nb, cells in ADDED_CELLS.items() for c in cells} - set(added)
    if missing:
        raise SystemExit(f"the run folder lacks {sorted(missing)}: did every notebook run?")
    return dict(total=total, notebooks=notebooks, added=added)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="the series' --quick run (a smoke test, not a measurement)")
    ap.add_argument("--rounds", type=int, default=1, help="series runs (default 1: about 30 minutes each)")
    ap.add_argument("--json", type=Path, default=None, help="also write the numbers here")
    args = ap.parse_args(argv)

    rounds = []
    for round_ in range(args.rounds):
        tmp = Path(tempfile.mkdtemp(prefix="bench-additions-"))
        r = run_once(args, tmp / "run")  # a failed run's folder stays, to read
        shutil.rmtree(tmp)
        added = sum(r["added"].values())
        before = r["total"] - added
        r.update(after=r["total"], before=before, added_seconds=added, share=r["total"] / before - 1)
        rounds.append(r)
        print(
            f"round {round_ + 1}: series {r['after'] / 60:.1f} min now, {r['before'] / 60:.1f} min before the "
            f"additions: {r['share']:+.1%}",
            flush=True,
        )
        for name, seconds in r["notebooks"].items():
            print(f"  {name:<34} {seconds:7.0f} s")
        for name, seconds in r["added"].items():
            print(f"  added: {name:<42} {seconds:6.1f} s")
    share = statistics.median(r["share"] for r in rounds)
    print(
        f"\nthe series now takes {share:+.1%} against the series before the baselines, the word-order probe "
        f"and the Transformer recipe (median of {len(rounds)} run{'s' if len(rounds) > 1 else ''}; "
        f"before {statistics.median(r['before'] for r in rounds) / 60:.1f} min, "
        f"after {statistics.median(r['after'] for r in rounds) / 60:.1f} min)"
    )
    if args.json:
        args.json.write_text(json.dumps(dict(rounds=rounds, share=share, quick=args.quick), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())

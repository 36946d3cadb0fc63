"""The whole series' wall time at two versions of the project, measured in one run.

Run from the repository root (after ``./setup.sh``)::

    .venv/bin/python benchmarks/bench_refs.py --before d4b394d              # full scale: about an hour on 2 cores
    .venv/bin/python benchmarks/bench_refs.py --before d4b394d --quick --only 00   # a smoke test

"Before" is a git revision, checked out into a temporary worktree (``git worktree add --detach``);
"after" is this working tree as it is, uncommitted edits included. Both run the series as
``./run_all.sh --synthetic`` runs it (the generated corpus of full size, 120,000 / 7,600 texts, the
tutorial's batch 512 and 5 epochs, LIME included), with this ``.venv``'s Python, each into its own
temporary run folder. With ``--rounds N`` they alternate (before, after, after, before, ...), so a
slow spell of the machine falls on both. Machines are noisy: compare the ratio, after / before,
not the seconds. A measuring script, not a test: it asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

REPO = Path(__file__).resolve().parent.parent


def run_series(checkout: Path, out: Path, args) -> dict:
    """One series run of ``checkout`` into ``out``: the runner's wall seconds and each notebook's."""
    command = [sys.executable, "-P", "-m", "series_runner", "--synthetic", "--out", str(out)]
    if args.quick:
        command.append("--quick")
    if args.only:
        command += ["--only", args.only]
    # The .venv holds this tree as an editable install: PYTHONPATH puts the checkout's own helpers and
    # runner first, for the runner and for every notebook's kernel it starts.
    env = {**os.environ, "PYTHONPATH": str(checkout)}
    start = time.perf_counter()
    with open(out.parent / "series.log", "w") as log:
        done = subprocess.run(command, cwd=checkout, env=env, stdout=log, stderr=subprocess.STDOUT)
    total = time.perf_counter() - start
    if done.returncode:
        raise SystemExit(f"the series of {checkout} failed: its output is in {out.parent / 'series.log'}")
    notebooks = {
        path.stem: float(nbformat.read(path, as_version=4).metadata["papermill"]["duration"])
        for path in sorted((out / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    }
    return dict(total=total, notebooks=notebooks)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--before", required=True, metavar="REV", help="the git revision to compare with")
    ap.add_argument("--rounds", type=int, default=1, help="runs of each version (default 1)")
    ap.add_argument("--quick", action="store_true", help="the series' --quick run (a smoke test, not a measurement)")
    ap.add_argument("--only", default=None, metavar="NN[,NN...]", help="only these notebooks (a smoke test)")
    ap.add_argument("--json", type=Path, default=None, help="also write the numbers here")
    args = ap.parse_args(argv)

    rev = subprocess.run(
        ["git", "rev-parse", "--short", args.before], cwd=REPO, check=True, capture_output=True, text=True
    ).stdout.strip()
    tmp = Path(tempfile.mkdtemp(prefix="bench-refs-"))
    before_tree = tmp / f"before-{rev}"
    subprocess.run(["git", "worktree", "add", "--detach", str(before_tree), rev], cwd=REPO, check=True)
    trees = {f"before ({rev})": before_tree, "after (this tree)": REPO}
    results = {name: [] for name in trees}
    try:
        for round_ in range(args.rounds):
            order = list(trees) if round_ % 2 == 0 else list(reversed(trees))
            for name in order:
                out = tmp / f"{round_}-{name.split()[0]}" / "run"
                out.parent.mkdir()
                r = run_series(trees[name], out, args)
                results[name].append(r)
                print(f"round {round_ + 1}, {name}: {r['total'] / 60:.1f} min", flush=True)
                for nb, seconds in r["notebooks"].items():
                    print(f"  {nb:<34} {seconds:7.0f} s", flush=True)
                shutil.rmtree(out.parent)
    finally:
        subprocess.run(["git", "worktree", "remove", "--force", str(before_tree)], cwd=REPO, check=False)
        shutil.rmtree(tmp, ignore_errors=True)

    before, after = (statistics.median(r["total"] for r in rs) for rs in results.values())
    print(
        f"\nthe series at {rev}: {before / 60:.1f} min; this tree: {after / 60:.1f} min; "
        f"after / before = {after / before:.3f} (median of {args.rounds} run{'s' if args.rounds > 1 else ''} each)"
    )
    if args.json:
        args.json.write_text(json.dumps(dict(before=rev, results=results, ratio=after / before), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())

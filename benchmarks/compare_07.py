"""Notebook 07 of two versions of the project, timed side by side (interleaved runs, one machine).

    .venv/bin/python benchmarks/compare_07.py OLD_REV [--train-size N] [--test-size N] [--repeats K]

OLD_REV (e.g. a commit) is checked out into a temporary folder and its notebook 07 runs with its own
`helpers` (PYTHONPATH); the working tree's notebook 07 runs with the current one. Runs alternate
(old, new, old, new, ...) so that a machine's drifting load touches both alike; the script prints
every wall time and the ratio of the medians, new / old. Each run has a fresh run folder.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def papermill(notebook: Path, out_dir: Path, params: dict, env: dict) -> float:
    (out_dir / "notebooks").mkdir(parents=True, exist_ok=True)
    args = [
        sys.executable,
        "-m",
        "papermill",
        str(notebook),
        str(out_dir / "notebooks" / notebook.name),
        "--cwd",
        str(out_dir / "notebooks"),
        "--no-progress-bar",
        "-p",
        "output_dir",
        "..",
    ]
    for k, v in params.items():
        args += ["-p", k, str(v)]
    start = time.perf_counter()
    subprocess.run(args, check=True, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("old_rev")
    p.add_argument("--train-size", type=int, default=24000)
    p.add_argument("--test-size", type=int, default=2000)
    p.add_argument("--repeats", type=int, default=2)
    args = p.parse_args()
    params = {"data_source": "synthetic", "train_size": args.train_size, "test_size": args.test_size}
    tmp = Path(tempfile.mkdtemp(prefix="compare07-"))
    old = tmp / "old"
    subprocess.run(
        f"git -C {REPO} archive {args.old_rev} | tar -x -C {tmp} --one-top-level=old", shell=True, check=True
    )
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}"}
    old_env = {**env, "PYTHONPATH": str(old)}
    nb07 = "notebooks/07_further_recommendations.ipynb"
    times = {"old": [], "new": []}
    for i in range(args.repeats):
        times["old"].append(papermill(old / nb07, tmp / f"old-run-{i}", params, old_env))
        times["new"].append(papermill(REPO / nb07, tmp / f"new-run-{i}", params, env))
        print(f"repeat {i + 1}: old {times['old'][-1]:.0f} s, new {times['new'][-1]:.0f} s", flush=True)
    ratio = statistics.median(times["new"]) / statistics.median(times["old"])
    print(
        f"notebook 07, {args.train_size:,} / {args.test_size:,} generated texts: old {times['old']} s, "
        f"new {times['new']} s; new / old = {ratio:.2f}"
    )
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()

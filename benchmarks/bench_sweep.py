"""Sweeps on Dask against running the same tasks one by one (a measuring script, not a test).

    .venv/bin/python benchmarks/bench_sweep.py                 # 2 tasks, 2 rounds, 2 workers
    .venv/bin/python benchmarks/bench_sweep.py --tasks 4 --repeats 3 --workers 2

Measured: the same tasks (notebook 01 on the generated corpus, tiny settings, one seed each) run
(a) serially, one after another in this process with the function a worker runs
(series_runner.task.run_task: papermill, a kernel per task), and (b) through the engine: an
embedded LocalCluster with --workers worker processes (its start-up included, and shown apart),
interleaved a/b/b/a/..., reported as the ratio engine / serial per round (median). On a 2-core
machine expect about 1: two workers share the same two cores.

On paper (not measured here; from the per-notebook wall times in benchmarks/README.md, "The whole
series at full scale", run B, 2-core VM, 2026-11-29): the series' critical path against its serial
sum, and a 25-run seed sweep (01-05 × 5 seeds) serially against N workers with 2 cores each.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SETTINGS = {"data_source": "synthetic", "train_size": 300, "test_size": 100, "epochs": 1, "lime_samples": 20}

FULL_SCALE_SECONDS = {  # benchmarks/README.md, "The whole series at full scale", run B wall times
    "00": 11,
    "01": 61,
    "02": 78,
    "03": 110,
    "04": 217,
    "05": 399,
    "06": 6,
}


def _tasks(n: int):
    from helpers.params import notebook_defaults

    nb = ROOT / "notebooks" / "01_lstm_25_tokens.ipynb"
    declared = sorted(notebook_defaults(nb))
    return nb, declared, [{**SETTINGS, "seed": s} for s in range(n)]


def serial(n: int) -> float:
    from series_runner.task import run_task

    nb, declared, params = _tasks(n)
    t0 = time.perf_counter()
    for p in params:
        r = run_task(nb.name, nb.read_bytes(), p, declared=declared)
        assert r["status"] == "ok", r["error"]
    return time.perf_counter() - t0


def engine(n: int, workers: int) -> tuple[float, float]:
    from series_runner.cluster import open_client
    from series_runner.task import run_task

    nb, declared, params = _tasks(n)
    t0 = time.perf_counter()
    with open_client(workers=workers) as client:
        client.wait_for_workers(workers)
        started = time.perf_counter() - t0
        futures = [client.submit(run_task, nb.name, nb.read_bytes(), p, declared=declared, pure=False) for p in params]
        results = client.gather(futures)
    assert all(r["status"] == "ok" for r in results), [r["error"] for r in results]
    return time.perf_counter() - t0, started


def on_paper(workers=(1, 2, 5, 10, 25)) -> dict:
    s = FULL_SCALE_SECONDS
    series_sum = sum(s.values())
    # 01-05 read the data themselves (00 is not needed before them) / or all after 00
    path_free = max(s[k] for k in ("01", "02", "03", "04", "05")) + s["06"]
    path_after_00 = s["00"] + path_free
    sweep = 5 * sum(s[k] for k in ("01", "02", "03", "04", "05"))
    per_n = {}
    for n in workers:  # longest-first onto n workers (a lower bound: the longest task)
        loads = [0.0] * n
        for t in sorted([s[k] for k in ("01", "02", "03", "04", "05")] * 5, reverse=True):
            loads[loads.index(min(loads))] += t
        per_n[n] = max(loads)
    return {
        "series_serial_s": series_sum,
        "series_critical_path_s": path_free,
        "series_critical_path_after_00_s": path_after_00,
        "seed_sweep_serial_s": sweep,
        "seed_sweep_n_workers_s": per_n,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--tasks", type=int, default=2)
    ap.add_argument("--repeats", type=int, default=2)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--json", default=str(ROOT / "benchmarks" / "results" / "sweep.json"))
    a = ap.parse_args()
    rounds = []
    for r in range(a.repeats):
        order = ("serial", "engine") if r % 2 == 0 else ("engine", "serial")
        got = {}
        for what in order:
            if what == "serial":
                got["serial"] = serial(a.tasks)
            else:
                got["engine"], got["startup"] = engine(a.tasks, a.workers)
            print(f"round {r + 1} {what}: {got[what]:.1f} s", flush=True)
        got["ratio"] = got["engine"] / got["serial"]
        rounds.append(got)
    paper = on_paper()
    out = {
        "tasks": a.tasks,
        "workers": a.workers,
        "settings": SETTINGS,
        "rounds": rounds,
        "median_ratio_engine_over_serial": statistics.median(r["ratio"] for r in rounds),
        "on_paper": paper,
    }
    Path(a.json).parent.mkdir(parents=True, exist_ok=True)
    Path(a.json).write_text(json.dumps(out, indent=1))
    print(
        f"\nmeasured: {a.tasks} tasks, engine ({a.workers} workers, start-up included) / serial = "
        f"{out['median_ratio_engine_over_serial']:.2f} (median of {a.repeats} interleaved rounds; "
        f"start-up {statistics.median(r['startup'] for r in rounds):.1f} s)"
    )
    m = lambda sec: f"{sec / 60:.1f} min"
    print("on paper (full-scale wall times of benchmarks/README.md, run B; NOT measured as a sweep):")
    print(
        f"  series 00-06 serially {m(paper['series_serial_s'])}; as a graph, critical path "
        f"{m(paper['series_critical_path_s'])} (05 + 06), {m(paper['series_critical_path_after_00_s'])} "
        f"if 01-05 waited for 00"
    )
    print(
        f"  seed sweep 01-05 × 5 seeds: serially {m(paper['seed_sweep_serial_s'])}; "
        + ", ".join(f"{n} workers {m(v)}" for n, v in paper["seed_sweep_n_workers_s"].items())
        + " (2 cores per worker, no start-up or transfer counted)"
    )


if __name__ == "__main__":
    main()

"""How much a network's test accuracy moves when only the seed changes.

The notebooks compare approaches by a single test accuracy from one seed. This script measures how
far that figure moves from seed to seed, so that the notebooks can say which differences are real.
It trains the tutorial's approaches 1 and 2 (by default) several times, each time with another seed,
with the approach notebooks' own cells (``imports`` to ``train``, run by tests/notebook_code.py).

Run from the repository root (after ``./setup.sh``)::

    AG_NEWS_DIR=/folder/with/test.csv .venv/bin/python benchmarks/seed_spread.py
    .venv/bin/python benchmarks/seed_spread.py --data quick --seeds 0,1,2       # generated corpus only

Two data settings (``--data``, default both):

- ``real``: the real AG News test split (``data_source="ag_news_test_split"``: 80% = 6,080 texts
  to train on, of which 608 are the validation slice, 20% = 1,520 to test on), batch 32, 5 epochs,
  as the README's real-split runs (``./run_all.sh -p data_source ag_news_test_split -p batch_size 32
  -p epochs 5``). Needs ``test.csv`` in ``$AG_NEWS_DIR`` or ``--data-dir``.
- ``quick``: the generated corpus at the sizes of ``./run_all.sh --quick``
  (``helpers.config.QUICK_SETTINGS``: 4,000 / 800 texts, 3 epochs, batch 64).

Two ways a seed changes (``--vary``, default both):

- ``all``: as the notebooks' ``seed`` parameter does: the seed picks the data (the 80/20 split of the
  real texts, or the generated corpus), the validation slice, the initial weights and the order of
  the batches. Seed ``s`` here is a notebook run with ``-p seed s``.
- ``weights``: the data of the first seed stay fixed (the same training and test texts); the seed
  picks the validation slice, the initial weights and the order of the batches. This is the noise
  between two runs on the same texts.

Printed as a table and written as JSON (``--json``, default ``benchmarks/results/seed_spread.json``)
and Markdown (``--markdown``, default ``benchmarks/results/seed_spread.md``; ``results/`` is
git-ignored): per data setting, way of varying and approach, every seed's test accuracy, the mean,
the min–max spread and the standard deviation (``statistics.stdev``, n − 1). A measuring script, not
a test: each training takes from seconds (quick) to a minute or two (real, on a 2-core CPU).
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


import helpers  # noqa: E402
from helpers import config  # noqa: E402

sys.path.insert(0, str(REPO / "tests"))
from notebook_code import train_approach  # noqa: E402  (the notebooks' own cells)

DATA_SETTINGS = {
    "real": {
        "data_source": "ag_news_test_split",
        "train_size": None,
        "test_size": None,
        "epochs": 5,
        "batch_size": 32,
        "label": "real AG News test split (80/20), batch 32, 5 epochs",
    },
    "quick": {
        "data_source": "synthetic",
        "train_size": config.QUICK_SETTINGS["train_size"],
        "test_size": config.QUICK_SETTINGS["test_size"],
        "epochs": config.QUICK_SETTINGS["epochs"],
        "batch_size": config.QUICK_SETTINGS["batch_size"],
        "label": "generated corpus, quick sizes ({train_size:,} / {test_size:,} texts), "
        "batch {batch_size}, {epochs} epochs",
    },
}
VARY = {
    "all": "the seed picks data, validation slice, weights and batch order (a notebook's -p seed)",
    "weights": "data of the first seed fixed; the seed picks validation slice, weights and batch order",
}


def data_label(name: str) -> str:
    s = DATA_SETTINGS[name]
    return s["label"].format(**s)


def load(setting: dict, data_seed: int, data_dir):
    """The data of one seed, as a notebook loads it."""
    return helpers.load_data(
        setting["data_source"],
        data_dir=data_dir,
        train_size=setting["train_size"],
        test_size=setting["test_size"],
        seed=data_seed,
    )


def train_once(approach: int, data, setting: dict, seed: int) -> dict:
    """The approach notebook's own cells (``imports`` to ``train``) with this seed; its test accuracy."""
    from helpers.tfsetup import keras

    a = config.get_approach(approach)
    ns = train_approach(a.name, data, epochs=setting["epochs"], batch_size=setting["batch_size"], seed=seed)
    pred = ns["model"].predict(ns["x_test"], batch_size=1024, verbose=0).argmax(axis=1)
    acc = float((pred == data.test_labels).mean())
    keras.backend.clear_session()
    return {
        "test_accuracy": round(acc, 4),
        "val_accuracy": [round(v, 4) for v in ns["history"].history.get("val_accuracy", [])],
        "fit_seconds": round(ns["fit_seconds"], 1),
        "n_train": len(ns["y_tr"]),
        "n_val": len(ns["y_val"]),
        "n_test": int(len(data.test_labels)),
    }


def summarize(accs: list[float]) -> dict:
    pts = [100 * a for a in accs]
    return {
        "mean": round(statistics.fmean(pts), 2),
        "min": round(min(pts), 2),
        "max": round(max(pts), 2),
        "spread": round(max(pts) - min(pts), 2),
        "std": round(statistics.stdev(pts), 2) if len(pts) > 1 else None,
    }


def markdown(res: dict) -> str:
    lines = [
        f"Seed spread, {res['date']} ({res['device']}; TensorFlow {res['tensorflow']}, "
        f"Keras {res['keras']}). Test accuracy in %, one training per seed; seeds "
        f"{', '.join(map(str, res['seeds']))}.",
        "",
        "| data | seed varies | approach | accuracy per seed | mean | min–max (spread) | std |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in res["results"]:
        s = r["summary"]
        per_seed = ", ".join(f"{100 * t['test_accuracy']:.2f}" for t in r["runs"])
        lines.append(
            f"| {data_label(r['data'])} | {r['vary']} | {r['approach']} | {per_seed} | "
            f"{s['mean']:.2f} | {s['min']:.2f}–{s['max']:.2f} ({s['spread']:.2f}) | "
            f"{'' if s['std'] is None else format(s['std'], '.2f')} |"
        )
    lines += ["", "seed varies: " + "; ".join(f"`{k}`: {v}" for k, v in VARY.items() if k in res["vary"])]
    return "\n".join(lines) + "\n"


def main(argv=None) -> int:
    p = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("--approaches", default="1,2", help="comma-separated approach numbers (default 1,2)")
    p.add_argument("--seeds", default="0,1,2,3,4", help="comma-separated seeds, at least 2 (default 0–4)")
    p.add_argument("--data", default="real,quick", help="real, quick or both (default real,quick)")
    p.add_argument("--vary", default="all,weights", help="all, weights or both (default all,weights)")
    p.add_argument("--data-dir", default=None, help="folder with test.csv (default $AG_NEWS_DIR)")
    p.add_argument("--json", default=str(REPO / "benchmarks" / "results" / "seed_spread.json"))
    p.add_argument("--markdown", default=str(REPO / "benchmarks" / "results" / "seed_spread.md"))
    args = p.parse_args(argv)
    approaches = [config.get_approach(int(s)).number for s in args.approaches.split(",") if s.strip()]
    seeds = [int(s) for s in args.seeds.split(",") if s.strip()]
    datas = [s.strip() for s in args.data.split(",") if s.strip()]
    varies = [s.strip() for s in args.vary.split(",") if s.strip()]
    if len(seeds) < 2 or len(set(seeds)) != len(seeds):
        p.error("--seeds needs at least two different seeds")
    for d in datas:
        if d not in DATA_SETTINGS:
            p.error(f"--data: unknown setting {d!r} (use {', '.join(DATA_SETTINGS)})")
    for v in varies:
        if v not in VARY:
            p.error(f"--vary: unknown value {v!r} (use {', '.join(VARY)})")

    from helpers.tfsetup import keras, tf

    helpers.notebook_setup()  # as every notebook: quiet logs, CPU threads tuned for LSTMs
    res = {
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "argv": sys.argv[1:],
        "device": helpers.describe_device(),
        "tensorflow": tf.__version__,
        "keras": keras.__version__,
        "python": platform.python_version(),
        "seeds": seeds,
        "vary": varies,
        "data_settings": {d: data_label(d) for d in datas},
        "results": [],
    }
    runs: dict = {}  # (data, data_seed, weight_seed, approach) -> run; seed 0 is shared by both ways
    t_start = time.perf_counter()
    for d in datas:
        setting = DATA_SETTINGS[d]
        cache_ids: dict = {}
        for vary in varies:
            per_approach: dict = {a: [] for a in approaches}
            for s in seeds:
                data_seed = s if vary == "all" else seeds[0]
                for a in approaches:
                    key = (d, data_seed, s, a)
                    if key not in runs:
                        if data_seed not in cache_ids:
                            cache_ids = {data_seed: load(setting, data_seed, args.data_dir)}
                        runs[key] = dict(train_once(a, cache_ids[data_seed], setting, s), data_seed=data_seed, seed=s)
                        r = runs[key]
                        print(
                            f"[{time.perf_counter() - t_start:6.0f} s] {d:<5} approach {a} data seed "
                            f"{data_seed} seed {s}: test accuracy {100 * r['test_accuracy']:.2f}% "
                            f"({r['fit_seconds']:.0f} s fit)",
                            flush=True,
                        )
                    per_approach[a].append(runs[key])
            for a, out in per_approach.items():
                res["results"].append(
                    {
                        "data": d,
                        "vary": vary,
                        "approach": a,
                        "runs": out,
                        "summary": summarize([r["test_accuracy"] for r in out]),
                    }
                )
    res["total_seconds"] = round(time.perf_counter() - t_start, 1)
    for path, text in ((args.json, json.dumps(res, indent=2) + "\n"), (args.markdown, markdown(res))):
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    print()
    print(markdown(res))
    return 0


if __name__ == "__main__":
    sys.exit(main())

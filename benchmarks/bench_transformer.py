"""What notebook 07's Transformer recipe costs against one of its LSTM recipes (interleaved, as a ratio).

    .venv/bin/python benchmarks/bench_transformer.py                       # full size: 120,000 generated texts
    .venv/bin/python benchmarks/bench_transformer.py --train-size 4000 --epochs 1 --repeats 1   # a smoke run

It runs notebook 07's own cells (parameters, setup, imports, data, vectorizer, the `recipes` cell and
the `transformer` cell) in this process, so it times exactly the code the notebook trains, then
trains the `transformer` recipe and one LSTM recipe (`adam` by default: the same optimizer, tokens,
epochs and batches) in turn, ``--repeats`` times (LSTM, Transformer, LSTM, Transformer, ...), so a
machine's drifting load touches both alike. It prints each ``fit`` time (as ``train_recipe`` measures
it: every epoch and its validation pass, tracing included) and the ratio of the medians,
Transformer / LSTM (also of the process's CPU time, which another program's load disturbs less), plus what the Transformer adds to the training of notebook 07's LSTM recipes.
A measuring script, not a test: it asserts nothing, and the numbers belong to the machine.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

import nbformat

REPO = Path(__file__).resolve().parent.parent
NOTEBOOK = REPO / "notebooks" / "07_further_recommendations.ipynb"
CELLS = ("parameters", "setup", "imports", "load-data", "vectorize", "recipes", "transformer")
"""Notebook 07's cells that define the data and the recipes (the kernel check aside)."""


def notebook_namespace(overrides: dict) -> dict:
    """Notebook 07's cells :data:`CELLS` run in one namespace, the parameters overridden as papermill would."""
    sys.path.insert(0, str(REPO))
    import helpers

    cells = {c.id: c.source for c in nbformat.read(NOTEBOOK, as_version=4).cells}
    namespace = {"helpers": helpers, "__name__": "__bench__"}
    for cid in CELLS:
        exec(compile(cells[cid], f"07:{cid}", "exec"), namespace)
        if cid == "parameters":
            namespace.update(overrides)
    return namespace


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--data-source", default="synthetic")
    p.add_argument("--train-size", type=int, default=None, help="None: all (120,000)")
    p.add_argument("--test-size", type=int, default=None)
    p.add_argument("--epochs", type=int, default=5, help="epochs of each recipe (07's fixed recipes: 5)")
    p.add_argument("--batch-size", type=int, default=512)
    p.add_argument("--repeats", type=int, default=2)
    p.add_argument("--lstm", default="adam", help="the LSTM recipe to compare with")
    p.add_argument("--json", type=Path, default=None, help="also write the numbers here")
    args = p.parse_args()

    start = time.perf_counter()
    ns = notebook_namespace(
        dict(
            data_source=args.data_source,
            train_size=args.train_size,
            test_size=args.test_size,
            epochs=args.epochs,
            batch_size=args.batch_size,
            output_dir=tempfile.mkdtemp(prefix="bench-transformer-"),
        )
    )
    print(
        f"notebook 07's data and recipes ready in {time.perf_counter() - start:.0f} s: "
        f"{len(ns['y_tr']):,} training texts, {len(ns['y_val']):,} validation, {len(ns['test_labels']):,} test, "
        f"{ns['helpers'].describe_device()}",
        flush=True,
    )

    recipes = ns["recipes"]
    times: dict[str, list[float]] = {args.lstm: [], "transformer": []}
    cpu: dict[str, list[float]] = {args.lstm: [], "transformer": []}
    accuracy: dict[str, float] = {}
    for i in range(args.repeats):
        for name in times:
            cpu_start = time.process_time()
            history, seconds, _ = ns["train_recipe"](**recipes[name])
            times[name].append(seconds)
            cpu[name].append(time.process_time() - cpu_start)  # less sensitive to other load
            accuracy[name] = history["val_accuracy"][-1]
            print(
                f"round {i + 1}: {name:<12} fit {seconds:7.1f} s wall, {cpu[name][-1]:7.1f} s CPU "
                f"(validation accuracy {accuracy[name]:.4f})",
                flush=True,
            )

    lstm, transformer = (statistics.median(times[n]) for n in (args.lstm, "transformer"))
    ratio = transformer / lstm
    cpu_ratio = statistics.median(cpu["transformer"]) / statistics.median(cpu[args.lstm])
    # notebook 07 trains its LSTM recipes besides notebook 02's reused `tutorial` one; the early-stopping
    # recipe up to `epochs` (10 by default) epochs: counted here as one recipe, the least it costs
    lstm_recipes = sum(1 for name, s in recipes.items() if s.get("network") != "transformer") - 1
    share = ratio / (lstm_recipes + ratio)
    print(
        f"\nmedian fit time: {args.lstm} {lstm:.1f} s, transformer {transformer:.1f} s; "
        f"ratio transformer / {args.lstm} = {ratio:.2f} (CPU time of the process: {cpu_ratio:.2f})"
    )
    print(
        f"notebook 07 trains {lstm_recipes} LSTM recipes: the Transformer adds about "
        f"{ratio / lstm_recipes:.1%} to their training ({share:.1%} of 07's training with it)"
    )
    if args.json:
        args.json.write_text(
            json.dumps(
                dict(
                    times=times,
                    cpu_seconds=cpu,
                    ratio=ratio,
                    cpu_ratio=cpu_ratio,
                    lstm_recipes_trained=lstm_recipes,
                    accuracy=accuracy,
                    settings=vars(args) | {"json": str(args.json)},
                ),
                indent=2,
            )
        )


if __name__ == "__main__":
    main()

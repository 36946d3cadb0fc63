"""What notebook 01's two baselines cost, beside approach 1's training, at full scale.

Run from the repository root (after ``./setup.sh``)::

    .venv/bin/python benchmarks/bench_baselines.py               # full-size generated corpus, 2 rounds
    .venv/bin/python benchmarks/bench_baselines.py --train-size 20000 --rounds 1   # a quick look

Runs 01's own cells as written (``own-baseline-tfidf``, ``own-baseline-bag-of-words``) and its
``network``, ``compile`` and ``train`` cells (approach 1's fit), interleaved round by round, on the
generated corpus of full size (120,000 / 7,600 texts; ``data_source="synthetic"``), at the
tutorial's settings (batch 512, 5 epochs). Prints the seconds of each and the ratio of the
baselines to approach 1's fit: the share the baselines add to 01, and, with the series' total
from docs/results.md, to the whole series. A measuring script, not a test: machines are noisy,
so compare the ratio of interleaved runs, not single timings.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import statistics
import sys
import time
from pathlib import Path

import nbformat

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--train-size", type=int, default=None, help="None: all 120,000 generated texts")
    ap.add_argument("--rounds", type=int, default=2)
    args = ap.parse_args(argv)

    import helpers

    cells = {c.id: c.source for c in nbformat.read(REPO / "notebooks" / "01_lstm_25_tokens.ipynb", as_version=4).cells}
    ns = {
        "seed": 0,
        "max_tokens": 25,
        "embed_len": 25,
        "lstm_units": 50,
        "epochs": 5,
        "batch_size": 512,
        "NAME": "01_lstm_25_tokens",
        "helpers": helpers,
    }
    helpers.notebook_setup(seed=0)
    exec(cells["imports"], ns)
    data = helpers.load_data("synthetic", train_size=args.train_size, seed=0)
    ns.update(
        train_texts=data.train_texts,
        train_labels=data.train_labels,
        test_texts=data.test_texts,
        test_labels=data.test_labels,
        class_names=list(data.class_names),
    )
    exec(cells["vectorize"], ns)
    print(f"{len(data.train_texts):,} training texts, {len(data.test_texts):,} test texts")
    timings = {"baselines": [], "approach 1 fit": []}
    for round_ in range(args.rounds):
        with contextlib.redirect_stdout(io.StringIO()):
            start = time.perf_counter()
            exec(cells["own-baseline-tfidf"], ns)
            exec(cells["own-baseline-bag-of-words"], ns)
            timings["baselines"].append(time.perf_counter() - start)
            exec(cells["network"], ns)
            exec(cells["compile"], ns)
            start = time.perf_counter()
            exec(cells["train"].replace("verbose=2", "verbose=0"), ns)
            timings["approach 1 fit"].append(time.perf_counter() - start)
        print(
            f"round {round_ + 1}: baselines {timings['baselines'][-1]:.1f} s "
            f"(TF-IDF accuracy {ns['tfidf_accuracy']:.4f}, bag of words {ns['bow_accuracy']:.4f}), "
            f"approach 1's fit {timings['approach 1 fit'][-1]:.1f} s"
        )
    ratios = [b / f for b, f in zip(timings["baselines"], timings["approach 1 fit"])]
    print(
        f"baselines / approach 1's fit: median {statistics.median(ratios):.3f} "
        f"(rounds: {', '.join(f'{r:.3f}' for r in ratios)})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

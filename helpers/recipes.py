"""Notebook 07's plumbing: recipe rows, the results table and chart, and its metrics file.

Notebook 07 writes the recipes themselves (optimizers, schedule, early stopping, initialization,
dropout, padding) and trains every one of them in its own cells; this module only records what
they did. Honest comparison rules, kept here:

- the rows stay in the order the recipes ran: one run per recipe, from one seed, does not rank them,
  so nothing here prints a difference between recipes;
- when one recipe must be chosen (the metrics file holds one), it is chosen by *validation*
  accuracy, never by test accuracy;
- the early-stopping recipe's kept epoch is the one with the lowest validation loss;
- the TF-IDF baseline row carries the ``C`` its notebook cell chose on the validation slice.
"""

from __future__ import annotations

import numpy as np

from .data import AG_NEWS_SIZES
from .evaluation import build_metrics, evaluate_predictions, write_metrics
from .files import in_run_folder

RECIPE_NETWORK = dict(embed_len=25, lstm_units=[50], bidirectional=False)
"""The network every recipe trains: approach 2's (Embedding(25) → LSTM(50) → Dense(4))."""

BASELINE = "tfidf_logreg"


def describe_recipe(settings: dict) -> str:
    """A recipe's changes from the tutorial's setup, in words (``{}`` or rmsprop alone: none)."""
    s = dict(settings)
    parts = []
    optimizer = s.pop("optimizer", "adam")
    parts.append(
        "Adam instead of rmsprop"
        if optimizer == "adam"
        else "none: rmsprop, rate 0.001 (the tutorial's setup)"
        if optimizer == "rmsprop"
        else f"optimizer {optimizer}"
    )
    if s.pop("learning_rate", 0.001) == "cosine":
        parts.append("rate 0.003 decaying to 0 along a cosine")
    if s.pop("early_stopping", False):
        parts.append("up to `epochs` epochs, early stopping on validation loss (best epoch kept)")
    if "max_tokens" in s:
        parts.append(f"{s.pop('max_tokens')} tokens per text")
    if s.get("kernel_initializer", "glorot_uniform") != "glorot_uniform":
        parts.append(f"LSTM input weights initialized {s.pop('kernel_initializer')}")
    s.pop("kernel_initializer", None)
    if s.get("dropout"):
        parts.append(f"dropout {s.pop('dropout')} on the LSTM's inputs and output")
    s.pop("dropout", None)
    if s.pop("padding", "post") == "pre":
        parts.append('padding at the start ("pre") instead of the end')
    if s.pop("mask_zero", False):
        parts.append("padding masked (mask_zero=True)")
    parts += [f"{k}={v!r}" for k, v in s.items()]
    return ", ".join(parts)


def recipe_record(name: str, settings: dict, history: dict, seconds: float, probabilities, y_test) -> dict:
    """One recipe's row: what it changes, epochs trained and kept, validation and test accuracy.

    The kept epoch is the last one, or, for an early-stopping recipe, the one with the lowest
    validation loss (the weights ``restore_best_weights`` brings back). ``probabilities`` (the
    test texts' class probabilities) and ``history`` are kept for the metrics file.
    """
    history = {k: [float(v) for v in vals] for k, vals in dict(history).items()}
    ran = len(history.get("loss", []))
    val_loss = history.get("val_loss") or []
    kept = int(np.argmin(val_loss)) + 1 if settings.get("early_stopping") and val_loss else ran
    val_acc = (history.get("val_accuracy") or [float("nan")] * max(ran, 1))[max(kept, 1) - 1]
    probabilities = np.asarray(probabilities)
    test_acc = float((probabilities.argmax(axis=1) == np.asarray(y_test)).mean())
    return {
        "recipe": name,
        "change": describe_recipe(settings),
        "epochs run": ran,
        "kept epoch": kept,
        "val accuracy": round(float(val_acc), 4),
        "test accuracy": round(test_acc, 4),
        "fit s": round(float(seconds), 1),
        "settings": dict(settings),
        "history": history,
        "probabilities": probabilities,
    }


def recipes_table(results: dict, baseline: dict | None, y_test):
    """Every recipe's row (see :func:`recipe_record`) in the order of ``results`` (the order the
    recipes ran, not a ranking), the TF-IDF baseline last.

    Args:
        results: recipe name → :func:`recipe_record`.
        baseline: ``dict(C=, val_accuracy=, probabilities=, seconds=, features=)`` or None.
    """
    import pandas as pd

    columns = ["change", "epochs run", "kept epoch", "val accuracy", "test accuracy", "fit s"]
    rows = [{"recipe": name, **{k: r[k] for k in columns}} for name, r in results.items()]
    if baseline is not None:
        acc = float((np.asarray(baseline["probabilities"]).argmax(axis=1) == np.asarray(y_test)).mean())
        rows.append(
            {
                "recipe": BASELINE,
                "change": f"no network: TF-IDF of words and word pairs ({baseline['features']:,} "
                f"features), logistic regression (C={baseline['C']:g}, chosen on validation)",
                "epochs run": None,
                "kept epoch": None,
                "val accuracy": round(float(baseline["val_accuracy"]), 4),
                "test accuracy": round(acc, 4),
                "fit s": round(float(baseline["seconds"]), 1),
            }
        )
    table = pd.DataFrame(rows).set_index("recipe")
    table.attrs["baseline"] = None if baseline is None else {k: v for k, v in baseline.items() if k != "probabilities"}
    return table


def best_recipe(table) -> str:
    """The LSTM recipe with the highest *validation* accuracy (never chosen by test accuracy); the
    TF-IDF baseline and the Transformer encoder are not LSTM recipes."""
    lstm = table.drop(index=[BASELINE, "transformer"], errors="ignore")
    return str(lstm["val accuracy"].astype(float).idxmax())


def plot_recipes(table, title: str = "Test accuracy of each recipe"):
    """Horizontal bars of test accuracy (the baseline in grey, the tutorial's setup dashed)."""
    import matplotlib.pyplot as plt

    acc = table["test accuracy"].astype(float)
    fig, ax = plt.subplots(figsize=(8, 0.5 * len(acc) + 1.5))
    colors = ["tab:gray" if name == BASELINE else "tab:blue" for name in acc.index]
    bars = ax.barh(list(acc.index)[::-1], list(acc.values)[::-1], color=colors[::-1])
    for bar, v in zip(bars, list(acc.values)[::-1]):
        ax.text(v, bar.get_y() + bar.get_height() / 2, f" {v:.2%}", va="center")
    if "tutorial" in acc.index:
        ax.axvline(acc["tutorial"], color="tab:red", linestyle="--", linewidth=1, label="tutorial's setup")
        ax.legend(loc="lower right")
    lo = max(0.0, float(acc.min()) - 0.05)
    ax.set_xlim(lo, min(1.0, float(acc.max()) + 0.06))
    ax.set_xlabel("test accuracy")
    ax.set_title(title)
    fig.tight_layout()
    return fig


def save_recipes_metrics(
    output_dir,
    name: str,
    table,
    results: dict,
    *,
    params: dict,
    data,
    vocab_size: int,
    y_test,
    n_train: int,
    n_val: int,
) -> dict:
    """Write notebook 07's metrics file: the best recipe's full metrics (chosen by validation
    accuracy) plus every recipe's accuracies (``recipes``) and the baseline's
    (``baseline``, ``baseline_accuracy``). ``n_train``/``n_val``: the sizes of the notebook's
    training part and validation slice. Prints the path; returns the record."""
    best = best_recipe(table)
    r = results[best]
    settings = r["settings"]
    run_params = dict(
        params,
        max_tokens=int(settings.get("max_tokens", params["max_tokens"])),
        embed_len=RECIPE_NETWORK["embed_len"],
        lstm_units=RECIPE_NETWORK["lstm_units"],
        bidirectional=False,
        epochs=r["epochs run"],
    )
    baseline = table.attrs.get("baseline")
    extra = {
        "recipe": best,
        "selected_by": "validation accuracy",
        "recipe_settings": settings,
        "recipes": [
            {
                "name": k,
                "change": v["change"],
                "test_accuracy": v["test accuracy"],
                "val_accuracy": v["val accuracy"],
                "epochs_run": v["epochs run"],
                "best_epoch": v["kept epoch"],
                "fit_seconds": v["fit s"],
            }
            for k, v in results.items()
        ],
        "baseline": None
        if baseline is None
        else {
            "name": BASELINE,
            "test_accuracy": float(table.loc[BASELINE, "test accuracy"]),
            "val_accuracy": round(float(baseline["val_accuracy"]), 6),
            "C": float(baseline["C"]),
            "n_features": int(baseline["features"]),
            "fit_seconds": round(float(baseline["seconds"]), 2),
        },
        "baseline_accuracy": None if baseline is None else float(table.loc[BASELINE, "test accuracy"]),
    }
    metrics = build_metrics(
        approach=name,
        ev=evaluate_predictions(y_test, r["probabilities"]),
        params=run_params,
        train_result=dict(history=r["history"], fit_seconds=r["fit s"], n_train=int(n_train), n_val=int(n_val)),
        data=data,
        vocab_size=vocab_size,
        extra=extra,
    )
    path = write_metrics(metrics, output_dir, name)
    print("saved", in_run_folder(path, output_dir))
    return metrics


def recipes_summary(table, data) -> str:
    """A Markdown paragraph reading this run's recipes honestly: the recipe chosen on validation and
    the baseline, each with its test accuracy, no difference between rows (one run per recipe does
    not rank them), and what this run's data can show."""
    best = best_recipe(table)
    acc = table["test accuracy"].astype(float)
    lines = [f"**Chosen on the validation slice: `{best}`**, test accuracy **{acc[best]:.2%}**."]
    if BASELINE in acc.index:
        lines.append(f"**TF-IDF + logistic regression:** test accuracy {acc[BASELINE]:.2%}.")
    lines.append(
        "Each row is one run from one seed: the gaps between rows are not a ranking. A seed "
        "sweep (`sweeps/seed_spread.yaml`) measures how far a seed moves them."
    )
    n_all = int(len(data.train_labels))
    full = (
        data.source == "ag_news" and n_all >= AG_NEWS_SIZES["train"] and len(data.test_labels) >= AG_NEWS_SIZES["test"]
    )
    if full:
        lines.append(
            "This run used all of AG News: its figures can be set beside the published ones in the introduction."
        )
    else:
        why = {
            "synthetic": "the generated corpus, not AG News",
            "ag_news_test_split": f"only the real test split ({n_all:,} of its texts for training)",
        }.get(data.source, f"a subset of AG News ({n_all:,} training texts)")
        lines.append(
            f"This run used {why}: it shows what the recipes do at this size, and says "
            "nothing about how they compare on the full data."
        )
    return "\n\n".join(lines)

"""A run's scores, its training curves, and its metrics JSON in the run folder (read by notebook 06
and the series runner)."""

from __future__ import annotations

import json
import platform
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from . import config
from .files import in_run_folder, run_folder, write_json


def _version(package: str) -> str:
    """The installed version of ``package`` (from its metadata: nothing is imported)."""
    from importlib.metadata import version

    return version(package)


TIMING_FIELDS = ("fit_seconds", "predict_seconds")
"""Metrics fields that measure time: they differ between otherwise identical runs."""

REQUIRED_FIELDS = (
    "approach",
    "test_accuracy",
    "n_train",
    "n_test",
    "epochs",
    "max_tokens",
    "embed_len",
    "lstm_units",
    "bidirectional",
    "fit_seconds",
    "history",
)
"""Fields every metrics JSON file has (the contract the summary notebook and run_all.sh read)."""


@dataclass
class Evaluation:
    """Test-set results.

    Attributes:
        y_true, y_pred: ``int`` arrays of shape ``(n_test,)``.
        probabilities: ``(n_test, 4)`` class probabilities.
        accuracy: share of correct predictions.
        report: scikit-learn's classification report as a dict (per class: precision, recall,
            f1-score, support).
        report_text: the same report as printable text.
        confusion: ``(4, 4)`` counts; row = true class, column = predicted class.
    """

    y_true: np.ndarray
    y_pred: np.ndarray
    probabilities: np.ndarray
    accuracy: float
    report: dict
    report_text: str
    confusion: np.ndarray
    class_names: tuple[str, ...] = config.CLASS_NAMES


def evaluate_predictions(y_true, probabilities, class_names=config.CLASS_NAMES) -> Evaluation:
    """Score class probabilities ``(n, k)`` against true labels ``(n,)``."""
    from sklearn.metrics import accuracy_score, classification_report, confusion_matrix

    y_true = np.asarray(y_true)
    probs = np.asarray(probabilities)
    y_pred = probs.argmax(axis=1)
    labels = list(range(len(class_names)))
    kw = dict(labels=labels, target_names=list(class_names), zero_division=0)
    return Evaluation(
        y_true=y_true,
        y_pred=y_pred,
        probabilities=probs,
        accuracy=float(accuracy_score(y_true, y_pred)),
        report=classification_report(y_true, y_pred, output_dict=True, **kw),
        report_text=classification_report(y_true, y_pred, digits=4, **kw),
        confusion=confusion_matrix(y_true, y_pred, labels=labels),
        class_names=tuple(class_names),
    )


def plot_training_curves(history: dict, title: str = "Training curves"):
    """Loss and accuracy per epoch, training and validation; returns the figure."""
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(10, 3.6))
    for ax, key in zip(axes, ("loss", "accuracy")):
        vals = history.get(key, [])
        epochs = np.arange(1, len(vals) + 1)
        ax.plot(epochs, vals, "o-", label="training")
        if history.get(f"val_{key}"):
            ax.plot(epochs, history[f"val_{key}"], "s--", label="validation")
        ax.set_xlabel("epoch")
        ax.set_ylabel(key)
        ax.set_xticks(epochs)
        ax.grid(alpha=0.3)
        ax.legend()
    fig.suptitle(title)
    fig.tight_layout()
    return fig


def build_metrics(
    *,
    approach: str,
    ev: Evaluation,
    params: dict,
    train_result,
    data,
    vocab_size: int,
    published_accuracy: float | None = None,
    extra: dict | None = None,
) -> dict:
    """Assemble the metrics record of one run (see :data:`REQUIRED_FIELDS`).

    ``train_result``: ``dict(history=, fit_seconds=, n_train=, n_val=)`` of the notebook's training.
    """
    fit = train_result
    units = params["lstm_units"]
    units = [int(units)] if isinstance(units, (int, np.integer)) else [int(u) for u in units]
    m = {
        "approach": approach,
        "data_source": data.source,
        "test_accuracy": round(ev.accuracy, 6),
        "n_train": int(fit["n_train"]),
        "n_val": int(fit["n_val"]),
        "n_test": int(len(ev.y_true)),
        "epochs": int(params["epochs"]),
        "batch_size": int(params["batch_size"]),
        "seed": int(params["seed"]),
        "max_tokens": int(params["max_tokens"]),
        "embed_len": int(params["embed_len"]),
        "lstm_units": units,
        "bidirectional": bool(params.get("bidirectional", False)),
        "vocab_size": int(vocab_size),
        "fit_seconds": round(float(fit["fit_seconds"]), 2),
        "history": {k: [round(float(v), 6) for v in vals] for k, vals in fit["history"].items()},
        "per_class": {name: {k: round(float(v), 6) for k, v in ev.report[name].items()} for name in ev.class_names},
        "macro_f1": round(float(ev.report["macro avg"]["f1-score"]), 6),
        "confusion_matrix": ev.confusion.tolist(),
        "published_accuracy": published_accuracy,
        "versions": {
            "python": platform.python_version(),
            "tensorflow": _version("tensorflow"),
            "keras": _version("keras"),
        },
    }
    if extra:
        m.update(extra)
    return m


def write_metrics(metrics: dict, output_dir, name: str) -> Path:
    """Write ``output_dir/metrics/<name>.json`` atomically; returns its path."""
    missing = [f for f in REQUIRED_FIELDS if f not in metrics]
    if missing:
        raise ValueError(f"metrics lack required fields: {', '.join(missing)}")
    return write_json(run_folder(output_dir) / "metrics" / f"{name}.json", metrics)


def read_all_metrics(output_dir) -> dict[str, dict]:
    """Every ``metrics/*.json`` of a run folder (``None``: the repository's ``runs/notebooks``), by
    file stem, sorted by name."""
    folder = run_folder(output_dir) / "metrics"
    out = {}
    for p in sorted(folder.glob("*.json")):
        out[p.stem] = json.loads(p.read_text(encoding="utf-8"))
    return out


def without_timings(metrics: dict) -> dict:
    """A copy of ``metrics`` without the fields that measure time (for comparing runs)."""
    return {k: v for k, v in metrics.items() if k not in TIMING_FIELDS}


def network_settings(model) -> dict:
    """What a Keras network of this series is, read from its layers: ``max_tokens`` (its input row),
    ``embed_len``, ``lstm_units`` (one entry per LSTM layer, bottom to top), ``bidirectional``
    (every LSTM wrapped in ``Bidirectional``) and ``layers`` (each layer's class name, e.g.
    ``["Embedding", "Bidirectional(LSTM)", "Dense"]``)."""
    names, units, wrapped = [], [], []
    embed_len = None
    for layer in model.layers:
        kind = type(layer).__name__
        inner = getattr(layer, "forward_layer", None) if kind == "Bidirectional" else None
        if inner is not None:
            names.append(f"Bidirectional({type(inner).__name__})")
            units.append(int(inner.units))
            wrapped.append(True)
            continue
        names.append(kind)
        if kind in ("LSTM", "GRU", "SimpleRNN"):
            units.append(int(layer.units))
            wrapped.append(False)
        elif kind == "Embedding":
            embed_len = int(layer.output_dim)
    shape = model.inputs[0].shape if getattr(model, "inputs", None) else (None, None)
    return {
        "max_tokens": None if shape[-1] is None else int(shape[-1]),
        "embed_len": embed_len,
        "lstm_units": units,
        "bidirectional": bool(wrapped) and all(wrapped),
        "layers": names,
    }


def save_run_metrics(
    output_dir,
    name: str,
    *,
    model,
    history: dict,
    fit_seconds: float,
    y_test,
    probabilities,
    n_train: int,
    n_val: int,
    params: dict,
    data,
    vocab_size: int,
) -> dict:
    """Score a notebook's run and write ``output_dir/metrics/<name>.json`` (atomically).

    The network's settings are read from ``model`` itself (:func:`network_settings`), so the file
    describes the network the notebook really trained. The tutorial's published accuracy is added
    for the five approaches. Prints the file's path relative to the run folder.

    Returns:
        The metrics record (see :data:`REQUIRED_FIELDS`).
    """
    net = network_settings(model)
    run_params = {
        **params,
        **{k: net[k] for k in ("max_tokens", "embed_len", "lstm_units", "bidirectional") if net[k] is not None},
    }
    approach = config.approach_named(name)
    published = approach.published_accuracy if approach else None
    metrics = build_metrics(
        approach=name,
        ev=evaluate_predictions(y_test, probabilities),
        params=run_params,
        train_result=dict(
            history=dict(history), fit_seconds=float(fit_seconds), n_train=int(n_train), n_val=int(n_val)
        ),
        data=data,
        vocab_size=vocab_size,
        published_accuracy=published,
        extra={"layers": net["layers"], "trainable_params": int(model.count_params())},
    )
    path = write_metrics(metrics, output_dir, name)
    print("saved", in_run_folder(path, output_dir))
    return metrics

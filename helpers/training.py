"""Training: seeds, a validation slice held out from the training data, and the history kept.

The tutorial passed the *test* set as ``validation_data``. Watching test accuracy while deciding
how to train (epochs, settings) tunes the model to the test set, and the final test score is then
no longer an honest estimate; so a slice of the training texts is held out for validation instead.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from . import config
from .tfsetup import keras, tf


def set_seed(seed: int) -> None:
    """Seed Python, NumPy and TensorFlow, and ask TensorFlow for deterministic kernels.

    On a CPU the same seed then gives identical weights and metrics run after run. On a GPU the
    cuDNN kernels may still differ in the last bits between runs, so metrics can differ slightly.
    """
    keras.utils.set_random_seed(int(seed))
    try:
        tf.config.experimental.enable_op_determinism()
    except Exception:  # pragma: no cover - older TensorFlow
        pass


def validation_split(x, y, fraction: float = config.VALIDATION_FRACTION, seed: int = 0):
    """Split ``(x, y)`` into training and validation parts, stratified by class and seeded.

    Returns:
        ``(x_train, y_train, x_val, y_val)``; ``x_val`` holds ``round(fraction * n)`` rows
        (at least one per class when there are enough rows, none when ``fraction`` is 0).
    """
    y = np.asarray(y)
    if fraction <= 0:
        return x, y, x[:0], y[:0]
    from sklearn.model_selection import train_test_split

    n_classes = len(np.unique(y))
    n_val = max(int(round(fraction * len(y))), n_classes)
    stratify = y if len(y) - n_val >= n_classes else None
    idx_tr, idx_val = train_test_split(
        np.arange(len(y)), test_size=n_val, stratify=stratify, random_state=seed
    )
    idx_tr.sort()
    idx_val.sort()
    return x[idx_tr], y[idx_tr], x[idx_val], y[idx_val]


@dataclass
class TrainResult:
    """What :func:`train` returns.

    Attributes:
        history: per-epoch lists ``{"loss", "accuracy", "val_loss", "val_accuracy"}``.
        fit_seconds: wall time of ``model.fit``.
        n_train, n_val: rows used for training and for validation.
    """

    history: dict = field(default_factory=dict)
    fit_seconds: float = 0.0
    n_train: int = 0
    n_val: int = 0


def train(
    model: keras.Model,
    x,
    y,
    *,
    epochs: int = config.EPOCHS,
    batch_size: int = config.BATCH_SIZE,
    validation_fraction: float = config.VALIDATION_FRACTION,
    seed: int = 0,
    verbose: int = 2,
    callbacks=None,
) -> TrainResult:
    """Fit a compiled model on token ids ``x`` ``(n, max_tokens)`` and labels ``y`` ``(n,)``.

    A stratified ``validation_fraction`` of the rows is held out and scored after every epoch.
    ``verbose=2`` prints one line per epoch (no per-batch progress bar).
    """
    x_tr, y_tr, x_val, y_val = validation_split(np.asarray(x), np.asarray(y), validation_fraction, seed)
    start = time.perf_counter()
    hist = model.fit(
        x_tr,
        y_tr,
        batch_size=int(batch_size),
        epochs=int(epochs),
        validation_data=(x_val, y_val) if len(y_val) else None,
        shuffle=True,
        verbose=verbose,
        callbacks=callbacks,
    )
    seconds = time.perf_counter() - start
    history = {k: [float(v) for v in vals] for k, vals in hist.history.items()}
    return TrainResult(history=history, fit_seconds=seconds, n_train=len(y_tr), n_val=len(y_val))

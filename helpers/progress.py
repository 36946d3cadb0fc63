"""The progress record of a notebook's fits: one JSON line per finished epoch.

A minimal stand-in with the agreed behaviour: ``helpers.ProgressLog(out, NAME)`` appends
``{"fit": k, "epoch": e, "epochs": E, ...the epoch's logs}`` to ``out/progress/NAME.jsonl``, where
``k`` counts the fits of that notebook (that file) in this process from 0; the first fit starts the
file afresh.
"""

from __future__ import annotations

import json
from pathlib import Path

import keras

_FITS: dict[Path, int] = {}
"""The fits begun so far in this process, per progress file."""


class ProgressLog(keras.callbacks.Callback):
    """Appends one JSON line per finished epoch to ``out / "progress" / f"{name}.jsonl"``."""

    def __init__(self, out, name: str):
        super().__init__()
        self.path = Path(out) / "progress" / f"{name}.jsonl"
        self.fit = None

    def on_train_begin(self, logs=None):
        self.fit = _FITS.get(self.path.resolve(), -1) + 1
        _FITS[self.path.resolve()] = self.fit
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if self.fit == 0:
            self.path.write_text("", encoding="utf-8")

    def on_epoch_end(self, epoch, logs=None):
        record = {"fit": self.fit, "epoch": epoch, "epochs": self.params.get("epochs"),
                  **{key: float(value) for key, value in (logs or {}).items()}}
        with self.path.open("a", encoding="utf-8") as file:
            file.write(json.dumps(record) + "\n")

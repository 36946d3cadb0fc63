"""The progress record of a notebook's training: :class:`ProgressLog`, a Keras callback that
appends one JSON line per finished epoch to ``<run folder>/progress/<NAME>.jsonl``, and
:func:`read_record`, which the series runner uses to show ``epoch e/E`` while a notebook runs.

A line is ``{"fit": k, "epoch": e, "epochs": E, <the epoch's logs>..., "seconds": s}``: ``k``
counts the fits of that notebook from 0 (07 trains several recipes), ``e`` counts from 1, ``E`` is
the fit's ``epochs``. The first fit of a kernel starts the file afresh, so a notebook run again
does not add to an old record.

``ProgressLog`` subclasses ``keras.callbacks.Callback``: the class is made on first use, so this
module imports without Keras (the runner only reads records).
"""

from __future__ import annotations

import json
import time
from pathlib import Path

FOLDER = "progress"

_fits: dict[str, int] = {}
"""Record file -> the number of the last fit this process started writing to it."""


def record_path(out, name: str) -> Path:
    """Where the record of notebook ``name`` in the run folder ``out`` is written."""
    return Path(out) / FOLDER / f"{name}.jsonl"


def read_record(path, offset: int = 0) -> tuple[list[dict], int]:
    """The complete lines of the record ``path`` from byte ``offset`` on (a line being written is
    left for the next call), and the offset to read from next time. No file: nothing yet."""
    try:
        with open(path, "rb") as f:
            if f.seek(0, 2) < offset:  # the file was started afresh
                offset = 0
            f.seek(offset)
            data = f.read()
    except OSError:
        return [], offset
    end = data.rfind(b"\n") + 1
    entries = []
    for line in data[:end].splitlines():
        try:
            entries.append(json.loads(line))
        except ValueError:
            continue
    return entries, offset + end


def _number(value):
    try:
        return float(value)
    except (TypeError, ValueError):
        return str(value)


def _progress_log_class():
    import keras

    class ProgressLog(keras.callbacks.Callback):
        """``model.fit(..., callbacks=[helpers.ProgressLog(out, NAME)])``: one JSON line per
        finished epoch in ``out/progress/NAME.jsonl`` (``out``: what
        ``helpers.prepare_output_dir`` returned)."""

        def __init__(self, out, name: str):
            super().__init__()
            self.path = record_path(out, name)
            self.fit = None
            self._t0 = time.perf_counter()

        def on_train_begin(self, logs=None):
            key = str(self.path.resolve())
            self.fit = _fits.get(key, -1) + 1
            _fits[key] = self.fit
            self.path.parent.mkdir(parents=True, exist_ok=True)
            if self.fit == 0:
                self.path.write_text("", encoding="utf-8")

        def on_epoch_begin(self, epoch, logs=None):
            self._t0 = time.perf_counter()

        def on_epoch_end(self, epoch, logs=None):
            entry = {
                "fit": self.fit,
                "epoch": epoch + 1,
                "epochs": self.params.get("epochs"),
                **{k: _number(v) for k, v in (logs or {}).items()},
                "seconds": round(time.perf_counter() - self._t0, 2),
            }
            with open(self.path, "a", encoding="utf-8") as f:
                f.write(json.dumps(entry) + "\n")

    ProgressLog.__module__ = __name__
    return ProgressLog


def __getattr__(name: str):
    if name == "ProgressLog":
        cls = globals()["ProgressLog"] = _progress_log_class()
        return cls
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

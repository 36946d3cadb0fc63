"""One ``fit`` that holds two of notebook 07's recipes: an early-stopping run and the same run cut
after a fixed number of epochs.

``adam`` and ``adam_early_stopping`` start from the same seed, train on the same batches, and the
sums are deterministic (notebook 01's set-up), so their first epochs are the same numbers, bit for
bit. Whichever run is shorter is the first epochs of the other: ``adam``'s 5 epochs inside an
early-stopping run that goes on, or an early-stopping run that stops after epoch 3 inside
``adam``'s 5. :class:`SharedRun` lets one ``fit`` give both: it keeps the weights after epoch
``after``, and when the early stopping stops sooner, it keeps what that stop leaves (its epochs,
its best weights, its seconds) and lets the fit go on to epoch ``after``.
"""

from __future__ import annotations

import time

import keras


class SharedRun(keras.callbacks.Callback):
    """A callback that keeps two runs of one ``fit``; list it *after* the ``EarlyStopping`` callback.

    Args:
        stopper: the fit's ``keras.callbacks.EarlyStopping`` (with ``restore_best_weights=True``),
            or None for a fit without one (then the first run is the whole fit).
        after: the epoch at which the second run, the one without early stopping, ends.

    After the fit, :meth:`runs` gives ``(history, seconds, weights)`` for the early-stopping run and
    for the run cut after epoch ``after``. When the stopper asks to stop before epoch ``after``,
    this callback notes the stop, switches the stopper off (it neither stops nor restores weights
    any more) and lets the fit go on; the fit must then be allowed at least ``after`` epochs.
    """

    def __init__(self, stopper: keras.callbacks.EarlyStopping | None, after: int):
        super().__init__()
        if isinstance(after, bool) or not isinstance(after, int) or after < 1:
            raise ValueError(f"after must be a whole number of epochs, 1 or more; got {after!r}")
        if stopper is not None and not stopper.restore_best_weights:
            raise ValueError("SharedRun needs an EarlyStopping with restore_best_weights=True")
        self.stopper, self.after = stopper, after
        self.stopped = None     # (epochs, seconds, best weights) when the stopper stopped before `after`
        self.cut = None         # (seconds, weights) after epoch `after`

    def on_train_begin(self, logs=None):
        self.start = time.perf_counter()
        self.stopped = self.cut = None

    def on_epoch_end(self, epoch, logs=None):
        done = epoch + 1
        if done == self.after:
            self.cut = time.perf_counter() - self.start, self.model.get_weights()
        if self.model.stop_training and done < self.after and self.stopped is None and self.stopper is not None:
            # the early stopping ends here: keep what it leaves, then let the fit go on to `after`
            self.stopped = done, time.perf_counter() - self.start, self.stopper.best_weights
            self.stopper.patience, self.stopper.restore_best_weights = float("inf"), False
            self.model.stop_training = False
        if done >= self.after and self.stopped is not None:
            self.model.stop_training = True     # both runs are complete

    def runs(self, history: dict, seconds: float) -> tuple:
        """``((history, seconds, weights) of the early-stopping run, (history, seconds, weights) of the
        run cut after epoch ``after``)``; ``history`` and ``seconds`` are the whole fit's."""
        if self.cut is None:
            ran = len(next(iter(history.values()), []))
            raise ValueError(f"the fit ended after {ran} epochs, before epoch {self.after} (after)")
        cut = {k: list(v[:self.after]) for k, v in history.items()}, self.cut[0], self.cut[1]
        if self.stopped is None:        # the early-stopping run is the whole fit (weights: the model's now)
            return (dict(history), seconds, self.model.get_weights()), cut
        epochs, stop_seconds, best_weights = self.stopped
        return ({k: list(v[:epochs]) for k, v in history.items()}, stop_seconds, best_weights), cut

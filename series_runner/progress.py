"""What the terminal shows while a run goes: :class:`LiveLine`, a status line rewritten in place
on a terminal (ticking every second) or plain lines in a pipe or a CI log; :class:`Progress`, the
series' line: each finished epoch of the running notebook (``epoch e/E``, its time and validation
accuracy), read from the notebook's progress record (:mod:`helpers.progress`), never from its
console output."""

from __future__ import annotations

import os
import shutil
import sys
import threading
import time

from helpers.progress import read_record

CLEAR = "\r\x1b[K"
"""Back to the line's start and clear it (a live line is redrawn in place)."""


class LiveLine:
    """A status line. On a terminal (``live``; not ``TERM=dumb``): one line rewritten in place
    and redrawn every ``tick`` seconds, cut to the terminal's width; otherwise plain lines.
    Subclasses say what the line holds (:meth:`line`)."""

    def __init__(self, stream=None, live: bool | None = None, tick: float = 1.0):
        self.stream = stream or sys.stdout
        if live is None:
            live = bool(getattr(self.stream, "isatty", lambda: False)()) and os.environ.get("TERM") != "dumb"
        self.live, self.tick = live, tick
        self.lock = threading.RLock()
        self._stop = threading.Event()
        self._thread = None

    def line(self) -> str:
        raise NotImplementedError

    def start_ticker(self) -> None:
        """Draw the line now and again every ``tick`` seconds (:meth:`tick_`) until
        :meth:`stop_ticker`."""
        if self.live:
            self.draw()
        self._stop.clear()
        self._thread = threading.Thread(target=self._ticker, daemon=True)
        self._thread.start()

    def stop_ticker(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=2)
            self._thread = None

    def _ticker(self):
        while not self._stop.wait(self.tick):
            with self.lock:
                self.tick_()

    def tick_(self) -> None:
        """What happens every ``tick`` seconds: the line drawn again."""
        self.draw()

    def draw(self) -> None:
        line = self.line()
        width = shutil.get_terminal_size((100, 20)).columns - 1
        if len(line) > width:
            line = line[: max(width - 1, 1)] + "…"
        self.emit(CLEAR + line)

    def emit(self, text: str) -> None:
        """Write ``text`` as it is; a closed pipe never stops the run."""
        try:
            self.stream.write(text)
            self.stream.flush()
        except (OSError, ValueError):
            pass


class Progress(LiveLine):
    """The series' line. Live: one line per notebook with its last epoch and elapsed time.
    Otherwise: one line when a notebook starts, one per finished epoch, one when it ends. The
    epochs come from the notebook's record (``record``), read every ``tick`` seconds."""

    def __init__(self, stream=None, live: bool | None = None, tick: float = 1.0):
        super().__init__(stream, live, tick)
        self._label, self._record, self._offset, self._last = "", None, 0, ""
        self._t0 = time.monotonic()

    def begin(self, label: str, record=None) -> None:
        with self.lock:
            self._label, self._record, self._offset, self._last = label, record, 0, ""
            self._t0 = time.monotonic()
            if not self.live:
                self.emit(f"{label} ...\n")
        self.start_ticker()

    def end(self, status: str) -> None:
        self.stop_ticker()
        with self.lock:
            self.poll()
            self.emit((CLEAR if self.live else "") + f"{self._label} ... {status}\n")
            self._record = None

    def tick_(self) -> None:
        self.poll()
        if self.live:
            self.draw()

    def poll(self) -> None:
        """Show the epochs recorded since the last look."""
        with self.lock:
            if self._record is None:
                return
            entries, self._offset = read_record(self._record, self._offset)
            for entry in entries:
                self._last = epoch_text(entry)
                if not self.live:
                    self.emit(f"      {self._last}\n")

    def line(self) -> str:
        return " | ".join(
            [f"{self._label} ...", *([self._last] if self._last else []), _clock(time.monotonic() - self._t0)]
        )


def epoch_text(entry: dict) -> str:
    """One record line for people: ``epoch 2/5: 3 s, val_accuracy 0.7250`` (``of fit 2`` after
    the first fit)."""
    fit = entry.get("fit") or 0
    text = f"epoch {entry.get('epoch')}/{entry.get('epochs')}" + (f" of fit {fit + 1}" if fit else "")
    if isinstance(entry.get("seconds"), (int, float)):
        text += f": {entry['seconds']:.0f} s"
    shown = [k for k in ("val_accuracy",) if k in entry] or [k for k in ("accuracy", "loss") if k in entry]
    for name in shown:
        value = entry[name]
        text += f", {name} {value:.4f}" if isinstance(value, (int, float)) else f", {name} {value}"
    return text


def _clock(seconds: float) -> str:
    s = int(seconds)
    return f"{s // 3600}:{s // 60 % 60:02d}:{s % 60:02d}" if s >= 3600 else f"{s // 60}:{s % 60:02d}"


def duration(seconds: float) -> str:
    """A run's length for people: ``"42 s"``, ``"3 min 07 s"``, ``"1 h 05 min"``."""
    s = round(seconds)
    if s < 60:
        return f"{s} s"
    if s < 3600:
        return f"{s // 60} min {s % 60:02d} s"
    return f"{s // 3600} h {s // 60 % 60:02d} min"

"""What the terminal shows while a run goes: :class:`LiveLine`, a status line rewritten in place
on a terminal (ticking every second) or plain lines in a pipe or a CI log; :class:`Progress`, the
series' line: the notebook's current step (the last Markdown heading above the running cell) and,
while a network trains, ``epoch k/N`` with its time and validation accuracy, read from
``model.fit(..., verbose=2)``'s output."""

from __future__ import annotations

import os
import re
import shutil
import sys
import threading
import time

_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
_EPOCH = re.compile(r"^\s*Epoch (\d+)/(\d+)\s*$")
# Keras' end-of-epoch line: "57/57 - 3s - 52ms/step - accuracy: 0.3 - ... - val_accuracy: 0.41"
# (verbose=2), or the last bar of verbose=1: "57/57 ━━━━━━ 3s 52ms/step - accuracy: ...".
_STEP_LINE = re.compile(r"^\s*(\d+)/(\d+)\s+(?:-\s+|━+\s+)(\d+)s\s+(?:-\s+)?\S+/\w+(.*)$")
_METRIC = re.compile(r"([A-Za-z_][\w.]*): ([-+\w.]+)")


def markdown_heading(source: str) -> str | None:
    """The last Markdown heading of a cell's text, without its ``#``s (``"5. Train"``)."""
    found = None
    fenced = False
    for line in source.splitlines():
        if line.lstrip().startswith("```"):
            fenced = not fenced
        m = None if fenced else re.match(r"^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$", line)
        if m and m.group(1):
            found = m.group(1)
    return found


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
        """Draw the line now and again every ``tick`` seconds until :meth:`stop_ticker`."""
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
    """The series' line. Live: one line per notebook with its step, epoch and elapsed time.
    Otherwise: one line when a notebook starts, one per step and per finished epoch, one when it
    ends. Keras' per-batch output is never shown."""

    def __init__(self, stream=None, live: bool | None = None, tick: float = 1.0):
        super().__init__(stream, live, tick)
        self._label = ""
        self._reset()

    def _reset(self):
        self._heading = None
        self._shown_heading = None
        self._epoch = None  # (k, N) of the epoch under way
        self._last_epoch = ""
        self._buffer = ""
        self._t0 = time.monotonic()

    # -- notebook start and end ----------------------------------------------------------
    def begin(self, label: str) -> None:
        with self.lock:
            self._label = label
            self._reset()
            if self.live:
                self.start_ticker()
            else:
                self.emit(f"{label} ...\n")

    def end(self, status: str) -> None:
        self.stop_ticker()
        with self.lock:
            self.feed("\n")  # a last line without its newline
            self.emit((CLEAR if self.live else "") + f"{self._label} ... {status}\n")

    # -- hooks ---------------------------------------------------------------------------
    def on_cell_start(self, cell=None, **_):
        """nbclient's hook, called before every cell (Markdown ones too)."""
        if cell is None:
            return
        if cell.get("cell_type") == "markdown":
            heading = markdown_heading(cell.get("source", ""))
            if heading:
                self._heading = heading
        elif cell.get("cell_type") == "code" and cell.get("source", "").strip():
            self.step(self._heading)

    def step(self, heading: str | None) -> None:
        with self.lock:
            if not heading or heading == self._shown_heading:
                return
            self._shown_heading = heading
            self._epoch = None
            self._last_epoch = ""
            if self.live:
                self.draw()
            else:
                self.emit(f"      {heading}\n")

    def feed(self, text: str) -> None:
        """The notebook's streamed output (stdout, stderr), in any chunks."""
        with self.lock:
            self._buffer += text
            *lines, self._buffer = re.split(r"\r\n|\n", self._buffer)
            for line in lines:
                self._line(line)
            if len(self._buffer) > 100_000:  # a bar without newline (verbose=1): keep its end
                self._buffer = self._buffer[-10_000:]

    # file-like, for papermill's stdout_file / stderr_file
    def write(self, text: str) -> int:
        self.feed(text)
        return len(text)

    def flush(self) -> None:
        pass

    def _line(self, line: str) -> None:
        line = _ANSI.sub("", re.split(r"[\r\b]", line)[-1] if re.search(r"[\r\b]", line) else line)
        m = _EPOCH.match(line)
        if m:
            self._epoch = (int(m.group(1)), int(m.group(2)))
            if self.live:
                self.draw()
            return
        m = _STEP_LINE.match(line)
        if not m or m.group(1) != m.group(2):
            return
        metrics = dict(_METRIC.findall(m.group(4)))
        val = {k: v for k, v in metrics.items() if k.startswith("val_")}
        if self._epoch is None and not val:
            return  # evaluate()/predict(), not an epoch of fit()
        k, n = self._epoch or (1, 1)  # Keras prints no "Epoch 1/1" for a single epoch
        if "val_accuracy" in val:
            shown = {"val_accuracy": val["val_accuracy"]}
        else:  # another metric, or no validation data
            shown = val or {name: v for name, v in metrics.items() if name in ("accuracy", "loss")}
        text = f"epoch {k}/{n}: {m.group(3)}s" + "".join(f", {name} {v}" for name, v in shown.items())
        self._epoch = None
        self._last_epoch = text
        if self.live:
            self.draw()
        else:
            self.emit(f"      {text}\n")

    def line(self) -> str:
        parts = [f"{self._label} ..."]
        if self._shown_heading:
            parts.append(self._shown_heading)
        if self._epoch is not None:
            parts.append(f"epoch {self._epoch[0]}/{self._epoch[1]}"
                         + (f" (last {self._last_epoch.split(': ', 1)[1]})" if self._last_epoch else ""))
        elif self._last_epoch:
            parts.append(self._last_epoch)
        parts.append(_clock(time.monotonic() - self._t0))
        return " | ".join(parts)


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

"""What the terminal shows while a sweep runs: tasks done / running / failed / total and the time
left, one line rewritten in place on a terminal, one line per event otherwise (a pipe, a CI log)."""

from __future__ import annotations

import os
import shutil
import sys
import threading
import time

from ..progress import duration


class SweepProgress:
    """``client``: a ``distributed.Client`` (how many tasks its workers are running, and how many
    workers share the rest); ``done``: tasks complete before this run (skipped)."""

    def __init__(self, total: int, done: int = 0, client=None, stream=None, live: bool | None = None,
                 tick: float = 1.0):
        self.total, self.skipped, self.client = total, done, client
        self.stream = stream or sys.stdout
        if live is None:
            live = bool(getattr(self.stream, "isatty", lambda: False)()) and os.environ.get("TERM") != "dumb"
        self.live, self.tick = live, tick
        self.ok = self.failed = 0
        self.seconds: list[float] = []
        self._t0 = time.monotonic()
        self._lock = threading.RLock()
        self._stop = threading.Event()
        self._thread = None

    # -- counts --------------------------------------------------------------------------
    def running(self) -> int:
        try:  # a worker runs as many tasks as it has threads; the rest wait there
            threads = {w: i.get("nthreads", 1) for w, i in self.client.scheduler_info()["workers"].items()}
            return sum(min(len(keys), threads.get(w, 1)) for w, keys in self.client.processing().items())
        except Exception:  # noqa: BLE001 - no client, or the scheduler is gone
            return 0

    def workers(self) -> int:
        try:
            return max(1, len(self.client.scheduler_info().get("workers", {})))
        except Exception:  # noqa: BLE001
            return 1

    def time_left(self) -> float | None:
        """Mean task time × tasks left ÷ workers (None before the first task ends)."""
        if not self.seconds:
            return None
        left = self.total - self.skipped - self.ok - self.failed
        return sum(self.seconds) / len(self.seconds) * left / self.workers()

    def line(self) -> str:
        done = self.skipped + self.ok + self.failed
        left = self.time_left()
        return (f"sweep: {done}/{self.total} done, {self.running()} running, {self.failed} failed"
                + (f", about {duration(left)} left" if left is not None else "")
                + f" [{duration(time.monotonic() - self._t0)}]")

    # -- events --------------------------------------------------------------------------
    def start(self) -> None:
        if self.live:
            self._draw()
            self._thread = threading.Thread(target=self._ticker, daemon=True)
            self._thread.start()
        else:
            self._write(self.line() + "\n")

    def finished(self, task: str, record: dict) -> None:
        with self._lock:
            if record.get("status") == "ok":
                self.ok += 1
            else:
                self.failed += 1
            if record.get("seconds"):
                self.seconds.append(float(record["seconds"]))
            acc = record.get("test_accuracy")
            what = (f"ok" + (f", test accuracy {acc:.4f}" if isinstance(acc, (int, float)) else "")
                    if record.get("status") == "ok" else f"FAILED: {record.get('error', '')}")
            event = f"{task}: {what} ({record.get('worker', '?')}, {record.get('seconds', '?')} s)"
            self._write(("\r\x1b[K" if self.live else "") + event + "\n" + (self.line() + "\n") * (not self.live))
            if self.live:
                self._draw()

    def stop(self, why: str = "") -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=2)
        with self._lock:
            if self.live or why:  # a log already has the last counts after the last event
                self._write(("\r\x1b[K" if self.live else "") + self.line() + (f" ({why})" if why else "") + "\n")

    # -- drawing -------------------------------------------------------------------------
    def _ticker(self):
        while not self._stop.wait(self.tick):
            with self._lock:
                self._draw()

    def _draw(self):
        line = self.line()
        width = shutil.get_terminal_size((100, 20)).columns - 1
        self._write("\r\x1b[K" + (line if len(line) <= width else line[: max(width - 1, 1)] + "…"))

    def _write(self, text: str) -> None:
        try:
            self.stream.write(text)
            self.stream.flush()
        except (OSError, ValueError):
            pass

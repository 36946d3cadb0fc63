"""The sweep's progress line: tasks done / running / failed / total and the time left
(:class:`~series_runner.progress.LiveLine`: in place on a terminal, one line per event otherwise)."""

from __future__ import annotations

import time

from .progress import CLEAR, LiveLine, duration


class SweepProgress(LiveLine):
    """``client``: a ``distributed.Client`` (how many tasks its workers are running, and how many
    workers share the rest); ``done``: tasks complete before this run (skipped)."""

    def __init__(
        self, total: int, done: int = 0, client=None, stream=None, live: bool | None = None, tick: float = 1.0
    ):
        super().__init__(stream, live, tick)
        self.total, self.skipped, self.client = total, done, client
        self.ok = self.failed = 0
        self.seconds: list[float] = []
        self._t0 = time.monotonic()

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
        return (
            f"sweep: {done}/{self.total} done, {self.running()} running, {self.failed} failed"
            + (f", about {duration(left)} left" if left is not None else "")
            + f" [{duration(time.monotonic() - self._t0)}]"
        )

    # -- events --------------------------------------------------------------------------
    def start(self) -> None:
        if self.live:
            self.start_ticker()
        else:
            self.emit(self.line() + "\n")

    def finished(self, task: str, record: dict) -> None:
        with self.lock:
            if record.get("status") == "ok":
                self.ok += 1
            else:
                self.failed += 1
            if record.get("seconds"):
                self.seconds.append(float(record["seconds"]))
            acc = record.get("test_accuracy")
            what = (
                "ok" + (f", test accuracy {acc:.4f}" if isinstance(acc, (int, float)) else "")
                if record.get("status") == "ok"
                else f"FAILED: {record.get('error', '')}"
            )
            event = f"{task}: {what} ({record.get('worker', '?')}, {record.get('seconds', '?')} s)"
            if self.live:
                self.emit(CLEAR + event + "\n")
                self.draw()
            else:
                self.emit(event + "\n" + self.line() + "\n")

    def stop(self, why: str = "") -> None:
        self.stop_ticker()
        with self.lock:
            if self.live or why:  # a log already has the last counts after the last event
                self.emit((CLEAR if self.live else "") + self.line() + (f" ({why})" if why else "") + "\n")

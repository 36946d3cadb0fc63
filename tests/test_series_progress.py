"""What the terminal shows while a notebook runs (:class:`series_runner.progress.Progress`): each
finished epoch, read from the notebook's progress record (``progress/<NAME>.jsonl``, written by
``helpers.ProgressLog``) as it grows. One updating line on a terminal; one line per epoch otherwise.
(A real ``fit`` writing the record: tests/test_series_run.py.)"""

from __future__ import annotations

import io
import json
import re
import time

from helpers.progress import read_record, record_path
from series_runner.progress import Progress

EPOCHS = [
    {"fit": 0, "epoch": 1, "epochs": 3, "accuracy": 0.3, "loss": 1.38, "val_accuracy": 0.41, "seconds": 3.2},
    {"fit": 0, "epoch": 2, "epochs": 3, "accuracy": 0.6, "loss": 0.9, "val_accuracy": 0.725, "seconds": 2.1},
    {"fit": 0, "epoch": 3, "epochs": 3, "accuracy": 0.8, "loss": 0.5, "val_accuracy": 0.8125, "seconds": 2.0},
    {"fit": 1, "epoch": 1, "epochs": 2, "accuracy": 0.5, "loss": 0.7, "seconds": 1.0},  # no validation data
]


class Tty(io.StringIO):
    def isatty(self):
        return True


def _append(path, *entries, end="\n"):
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a") as f:
        f.write("".join(json.dumps(e) + "\n" for e in entries)[:-1] + end)


def _wait_for(condition, seconds=5.0):
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.02)
    assert condition()


def test_a_log_gets_one_line_per_epoch_as_the_record_grows(tmp_path):
    record = record_path(tmp_path, "01_lstm")
    stream = io.StringIO()
    p = Progress(stream, live=False, tick=0.02)
    p.begin("[2/8] 01_lstm", record)
    _wait_for(lambda: stream.getvalue() == "[2/8] 01_lstm ...\n")  # no record yet: nothing more
    _append(record, EPOCHS[0])
    _wait_for(lambda: "epoch 1/3" in stream.getvalue())
    _append(record, *EPOCHS[1:3])
    _append(record, EPOCHS[3], end="")  # a line still being written waits for its end
    time.sleep(0.1)
    assert "fit 2" not in stream.getvalue()
    with open(record, "a") as f:
        f.write("\n")
    p.end("ok [12 s]")

    assert stream.getvalue().splitlines() == [
        "[2/8] 01_lstm ...",
        "      epoch 1/3: 3 s, val_accuracy 0.4100",
        "      epoch 2/3: 2 s, val_accuracy 0.7250",
        "      epoch 3/3: 2 s, val_accuracy 0.8125",
        "      epoch 1/2 of fit 2: 1 s, accuracy 0.5000, loss 0.7000",
        "[2/8] 01_lstm ... ok [12 s]",
    ]


def test_a_terminal_gets_one_updating_line(tmp_path):
    record = record_path(tmp_path, "02_lstm")
    stream = Tty()
    p = Progress(stream, tick=0.05)
    assert p.live
    p.begin("[3/8] 02_lstm", record)
    _append(record, EPOCHS[0])
    time.sleep(0.3)  # the record is read, and the clock ticks, on their own
    shown_during = stream.getvalue()
    p.end("ok [4 s]")
    text = stream.getvalue()

    assert "\n" not in shown_during, "a terminal line was not updated in place"
    last = shown_during.split("\r\x1b[K")[-1]
    assert re.fullmatch(r"\[3/8\] 02_lstm \.\.\. \| epoch 1/3: 3 s, val_accuracy 0\.4100 \| 0:00", last), last
    assert shown_during.count("\r\x1b[K") >= 3  # begin and the redraws
    assert text.endswith("\r\x1b[K[3/8] 02_lstm ... ok [4 s]\n") and text.count("\n") == 1


def test_a_terminal_line_fits_the_terminal(monkeypatch):
    monkeypatch.setenv("COLUMNS", "40")
    stream = Tty()
    p = Progress(stream, tick=60)
    p.begin("[1/1] " + "a_very_long_notebook_name" * 3)
    p.end("ok")
    drawn = stream.getvalue().split("\r\x1b[K")[1]
    assert len(drawn) == 39 and drawn.endswith("…")


def test_a_record_started_afresh_is_read_from_its_start(tmp_path):
    record = record_path(tmp_path, "x")
    _append(record, *EPOCHS[:3])
    entries, offset = read_record(record)
    assert [e["epoch"] for e in entries] == [1, 2, 3] and offset == record.stat().st_size
    assert read_record(record, offset) == ([], offset)
    record.write_text(json.dumps(EPOCHS[3]) + "\n")  # the notebook was run again
    assert read_record(record, offset) == ([EPOCHS[3]], record.stat().st_size)
    assert read_record(tmp_path / "none.jsonl", 0) == ([], 0)

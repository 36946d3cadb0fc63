"""What the terminal shows while a notebook runs (:class:`series_runner.progress.Progress`): the current
step (the last Markdown heading above the cell being executed) and, while a network trains,
``epoch k/N`` with the epoch's time and validation accuracy, read from Keras' ``verbose=2`` output.
One updating line on a terminal; one line per step and epoch otherwise. Never a per-batch line."""

from __future__ import annotations

import io
import re

import nbformat
import pytest

from series_runner.progress import Progress, markdown_heading

FIT_OUTPUT = (
    "Epoch 1/3\n"
    "57/57 - 3s - 52ms/step - accuracy: 0.3000 - loss: 1.3800 - val_accuracy: 0.4100 - val_loss: 1.3000\n"
    "Epoch 2/3\n"
    "57/57 - 2s - 40ms/step - accuracy: 0.6000 - loss: 0.9000 - val_accuracy: 0.7250 - val_loss: 0.8000\n"
    "Epoch 3/3\n"
    "57/57 - 2s - 41ms/step - accuracy: 0.8000 - loss: 0.5000 - val_accuracy: 0.8125 - val_loss: 0.6000\n"
    " 8/8 - 0s - 9ms/step - accuracy: 0.8000 - loss: 0.5500\n"  # evaluate(): not an epoch
)


class Tty(io.StringIO):
    def isatty(self):
        return True


def _cells(progress: Progress, *cells) -> None:
    for c in cells:
        progress.on_cell_start(cell=c, cell_index=0)


def test_a_log_gets_one_line_per_step_and_per_epoch():
    stream = io.StringIO()
    p = Progress(stream, live=False)
    p.begin("[2/8] 01_lstm")
    _cells(p, nbformat.v4.new_markdown_cell("# 01 · Approach 1"), nbformat.v4.new_markdown_cell("## 1. Load the data"),
           nbformat.v4.new_code_cell("data = load()"), nbformat.v4.new_code_cell("more = 1"),
           nbformat.v4.new_markdown_cell("## 5. Train\nTraining takes a while."),
           nbformat.v4.new_code_cell(""),  # empty: not executed, no step
           nbformat.v4.new_code_cell("model.fit(...)"))
    # The stream arrives in chunks that cut lines anywhere.
    for i in range(0, len(FIT_OUTPUT), 17):
        p.write(FIT_OUTPUT[i:i + 17])
    p.end("ok [12 s]")

    assert stream.getvalue().splitlines() == [
        "[2/8] 01_lstm ...",
        "      1. Load the data",
        "      5. Train",
        "      epoch 1/3: 3s, val_accuracy 0.4100",
        "      epoch 2/3: 2s, val_accuracy 0.7250",
        "      epoch 3/3: 2s, val_accuracy 0.8125",
        "[2/8] 01_lstm ... ok [12 s]",
    ]


def test_one_epoch_without_validation_and_verbose_1_bars():
    stream = io.StringIO()
    p = Progress(stream, live=False)
    p.begin("[1/1] x")
    # Keras prints no "Epoch 1/1" for one epoch; with validation data the line still counts.
    p.write("3/3 - 1s - 265ms/step - accuracy: 0.4583 - loss: 0.7811 - val_accuracy: 0.6250 - val_loss: 0.6474\n")
    # verbose=1: a bar rewritten with backspaces and carriage returns; only its last state counts.
    p.write("Epoch 1/2\n")
    bar = "\x1b[1m{n}/4\x1b[0m \x1b[32m━━━━\x1b[0m \x1b[1m{s}s\x1b[0m 5ms/step - accuracy: 0.5000 - loss: 0.7000"
    p.write(bar.format(n=1, s=0) + "\b" * 40 + "\r" + bar.format(n=2, s=0) + "\b" * 40 + "\r")
    p.write(bar.format(n=4, s=1) + "\n")
    # no validation: the training accuracy and loss
    p.end("ok")
    lines = stream.getvalue().splitlines()
    assert lines[1:] == ["      epoch 1/1: 1s, val_accuracy 0.6250",
                         "      epoch 1/2: 1s, accuracy 0.5000, loss 0.7000", "[1/1] x ... ok"]


def test_a_terminal_gets_one_updating_line():
    stream = Tty()
    p = Progress(stream, tick=0.05)
    assert p.live
    p.begin("[3/8] 02_lstm")
    _cells(p, nbformat.v4.new_markdown_cell("## 5. Train"), nbformat.v4.new_code_cell("fit()"))
    p.write(FIT_OUTPUT.split("Epoch 2/3")[0] + "Epoch 2/3\n")
    import time

    time.sleep(0.2)  # the clock ticks on its own
    shown_during = stream.getvalue()
    p.end("ok [4 s]")
    text = stream.getvalue()

    assert "\n" not in shown_during, "a terminal line was not updated in place"
    last = shown_during.split("\r\x1b[K")[-1]
    assert re.fullmatch(r"\[3/8\] 02_lstm \.\.\. \| 5\. Train \| epoch 2/3 \(last 3s, val_accuracy 0\.4100\) \| 0:00", last), last
    assert shown_during.count("\r\x1b[K") >= 4  # begin, step, epochs, and the clock's redraws
    assert text.endswith("\r\x1b[K[3/8] 02_lstm ... ok [4 s]\n") and text.count("\n") == 1
    assert "57/57" not in text


def test_a_terminal_line_fits_the_terminal(monkeypatch):
    monkeypatch.setenv("COLUMNS", "40")
    stream = Tty()
    p = Progress(stream, tick=60)
    p.begin("[1/1] " + "a_very_long_notebook_name" * 3)
    p.end("ok")
    drawn = stream.getvalue().split("\r\x1b[K")[1]
    assert len(drawn) == 39 and drawn.endswith("…")


@pytest.mark.parametrize("source, heading", [
    ("## 5. Train", "5. Train"),
    ("# Title\nsome text\n### 2.1 Details ###", "2.1 Details"),
    ("no heading here", None),
    ("```\n# a comment in code\n```\ntext", None),
    ("#hashtag is not a heading", None),
])
def test_markdown_heading(source, heading):
    assert markdown_heading(source) == heading

"""Draws the pictures of notebooks 03, 04 and 05, in the style of notebook 01's LSTM picture
(tools/draw_lstm_cell.py): a Bidirectional LSTM layer (03), three stacked LSTM layers (04) and three
stacked bidirectional LSTM layers (05), each unrolled over the steps of one "post"-padded row. Run
once after a change, from the repository root:

    .venv/bin/python tools/draw_stacked.py

It writes notebooks/figures/bidirectional_lstm.png, stacked_lstm.png and
stacked_bidirectional_lstm.png; each notebook shows its image as an attachment of a markdown cell
(so executed copies in a run folder carry it too), and tests/test_teaching_facts.py checks that the
attachment and the file are the same.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from draw_lstm_cell import INPUT, STATE_H, arrow, box

FIGURES = Path(__file__).resolve().parent.parent / "notebooks" / "figures"
FORWARD, BACKWARD, PAD = "#d1e5f0", "#fddbc7", "#e0e0e0"
COLUMNS = [("1", "w"), ("2", "w"), ("…", None), ("n", "w"), ("n+1", "pad"), ("…", None), ("50", "pad")]
"""The steps drawn: the first words, the last word n, then the padding up to step 50."""


def _xs():
    return [1.3 + 1.25 * k for k in range(len(COLUMNS))]


def _tokens(ax, y):
    """The row of token ids at height y: words, then padding (id 0)."""
    for x, (label, kind) in zip(_xs(), COLUMNS):
        if kind is None:
            ax.text(x, y, "…", ha="center", va="center", fontsize=14)
            continue
        box(
            ax,
            x,
            y,
            0.95,
            0.45,
            f"{label}: " + ("word" if kind == "w" else "0"),
            "white" if kind == "w" else PAD,
            fontsize=8.5,
        )
    ax.text(0.75, y, "token ids\n→ Embedding", ha="right", va="center", fontsize=8, color=INPUT)


def _row(ax, y, name, color, backwards=False, inputs_from=None, outputs_up=True, final_only=False):
    """One LSTM unrolled: a box per step, the state carried along (right, or left when backwards)."""
    xs = _xs()
    for x, (label, kind) in zip(xs, COLUMNS):
        if kind is None:
            ax.text(x, y, "· · ·", ha="center", va="center", fontsize=12)
            continue
        box(ax, x, y, 0.8, 0.5, name, color, fontsize=8.5)
        if inputs_from is not None:
            arrow(ax, [(x, inputs_from + 0.25), (x, y - 0.25)], INPUT, lw=1.0)
        if outputs_up and not final_only:
            arrow(ax, [(x, y + 0.25), (x, y + 0.55)], STATE_H, lw=1.0)
    for x0, x1 in zip(xs[:-1], xs[1:]):
        a, b = (x1 - 0.4, x0 + 0.4) if backwards else (x0 + 0.4, x1 - 0.4)
        arrow(ax, [(a, y), (b, y)], "#555555", lw=1.3)
    return (xs[0] - 0.4, y) if backwards else (xs[-1] + 0.4, y)


def draw_bidirectional(ax):
    ax.set_xlim(-0.6, 12.2)
    ax.set_ylim(-0.6, 4.6)
    _tokens(ax, 0.0)
    f_end = _row(ax, 1.2, "LSTM →", FORWARD, inputs_from=0.0, outputs_up=False)
    b_end = _row(ax, 2.3, "LSTM ←", BACKWARD, backwards=True, inputs_from=None, outputs_up=False)
    for x, (_, kind) in zip(_xs(), COLUMNS):  # the backward LSTM reads the same vectors
        if kind is not None:
            arrow(ax, [(x + 0.3, 0.25), (x + 0.3, 2.05)], INPUT, lw=0.8)
    box(ax, 10.9, 3.7, 1.7, 0.6, "concatenate\n[h→ ; h←]: 100", "#ffffbf", fontsize=8.5)
    arrow(ax, [f_end, (10.4, f_end[1]), (10.4, 3.4)], "#2166ac", lw=2.0)
    ax.text(9.55, 1.35, "h→ after step 50\n(after the padding)", fontsize=8, color="#2166ac")
    arrow(ax, [b_end, (0.35, b_end[1]), (0.35, 3.7), (10.05, 3.7)], "#b2182b", lw=2.0)
    ax.text(0.5, 2.7, "h← after step 1 (it read the words last)", fontsize=8, color="#b2182b")
    box(ax, 10.9, 4.35, 1.7, 0.4, "Dense(4) softmax", "#fee08b", fontsize=8.5)
    arrow(ax, [(10.9, 4.0), (10.9, 4.15)])
    ax.text(
        1.0,
        4.35,
        "Bidirectional(LSTM(50)): two LSTMs with their own weights, one reading each way",
        fontsize=11,
        weight="bold",
        va="center",
    )
    ax.axis("off")


def draw_stack(ax, units=(50, 60, 75), bidirectional=False):
    step = 1.25 if bidirectional else 0.95
    top = 0.9 + step * len(units)
    ax.set_xlim(-0.6, 12.2)
    ax.set_ylim(-0.6, top + 0.9)
    _tokens(ax, 0.0)
    below = 0.0
    for k, n in enumerate(units, 1):
        y = 0.9 + step * (k - 1)
        last = k == len(units)
        seq = "" if last else ", return_sequences=True"
        if bidirectional:
            end = _row(ax, y, "→", FORWARD, inputs_from=below, outputs_up=False)  # both read the layer below;
            start = _row(ax, y + 0.5, "←", BACKWARD, backwards=True, outputs_up=not last)  # their pair goes up
            ax.text(
                10.35,
                y + 0.25,
                f"Bidirectional(LSTM({n}{seq}))\n"
                + (f"→ and ← per step: {2 * n}" if not last else f"final states: {2 * n}"),
                fontsize=8,
                va="center",
            )
            below = y + 0.5
        else:
            end = _row(ax, y, f"LSTM {k}", FORWARD, inputs_from=below, outputs_up=not last)
            ax.text(
                10.35,
                y,
                f"LSTM({n}{seq})\n" + (f"a state per step: {n}" if not last else f"final state: {n}"),
                fontsize=8,
                va="center",
            )
            below = y
    box(ax, 11.2, top + 0.35, 1.6, 0.4, "Dense(4) softmax", "#fee08b", fontsize=8.5)
    if bidirectional:
        arrow(ax, [end, (9.95, end[1]), (9.95, top + 0.35), (10.4, top + 0.35)], STATE_H, lw=2.0)
        arrow(ax, [start, (0.25, start[1]), (0.25, top + 0.15), (10.4, top + 0.15)], "#b2182b", lw=2.0)
    else:
        arrow(ax, [end, (9.95, end[1]), (9.95, top + 0.35), (10.4, top + 0.35)], STATE_H, lw=2.0)
    title = "Three stacked bidirectional LSTM layers" if bidirectional else "Three stacked LSTM layers"
    ax.text(
        0.0,
        top + 0.75,
        title
        + ": each lower layer hands on a state at every step; the top one only its final"
        + (" states" if bidirectional else " state"),
        fontsize=10.5,
        weight="bold",
        va="center",
    )
    ax.axis("off")


def main() -> list[Path]:
    FIGURES.mkdir(parents=True, exist_ok=True)
    written = []
    for name, draw, size in (
        ("bidirectional_lstm", draw_bidirectional, (11, 4.2)),
        ("stacked_lstm", lambda ax: draw_stack(ax), (11, 4.6)),
        ("stacked_bidirectional_lstm", lambda ax: draw_stack(ax, bidirectional=True), (11, 5.6)),
    ):
        fig, ax = plt.subplots(figsize=size)
        draw(ax)
        fig.tight_layout()
        path = FIGURES / f"{name}.png"
        fig.savefig(path, dpi=100, metadata={"Software": None})
        plt.close(fig)
        written.append(path)
    return written


if __name__ == "__main__":
    for path in main():
        print("wrote", path.name)

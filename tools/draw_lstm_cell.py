"""Draws notebook 01's picture of the LSTM: one step of the cell, and the cell unrolled over the
25 tokens of approach 1. Run once after a change, from the repository root:

    .venv/bin/python tools/draw_lstm_cell.py

It writes notebooks/figures/lstm_cell.png; notebook 01 shows that image (as an attachment of its
markdown cell, so executed copies in a run folder carry it too: paste the new file into the cell
in JupyterLab, and tests/test_teaching_facts.py checks that the two are the same file).
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from matplotlib.patches import Circle, FancyArrowPatch, FancyBboxPatch

OUT = Path(__file__).resolve().parent.parent / "notebooks" / "figures" / "lstm_cell.png"

GATE = {"f": "#f4a582", "i": "#92c5de", "c": "#b8e186", "o": "#c2a5cf"}
STATE_C, STATE_H, INPUT = "#b2182b", "#2166ac", "#4d4d4d"


def arrow(ax, points, color="black", lw=1.6, head=True):
    """A polyline from point to point, with an arrow head at the end."""
    for (x0, y0), (x1, y1) in zip(points[:-2], points[1:-1]):
        ax.plot([x0, x1], [y0, y1], color=color, lw=lw, solid_capstyle="round", zorder=1)
    ax.add_patch(
        FancyArrowPatch(
            points[-2],
            points[-1],
            arrowstyle="-|>" if head else "-",
            mutation_scale=13,
            color=color,
            lw=lw,
            shrinkA=0,
            shrinkB=0,
            zorder=1,
        )
    )


def box(ax, x, y, w, h, text, color, fontsize=11, weight="normal"):
    ax.add_patch(
        FancyBboxPatch(
            (x - w / 2, y - h / 2),
            w,
            h,
            boxstyle="round,pad=0.02,rounding_size=0.12",
            facecolor=color,
            edgecolor="black",
            lw=1.2,
            zorder=2,
        )
    )
    ax.text(x, y, text, ha="center", va="center", fontsize=fontsize, weight=weight, zorder=3)


def node(ax, x, y, text, r=0.22):
    ax.add_patch(Circle((x, y), r, facecolor="white", edgecolor="black", lw=1.2, zorder=2))
    ax.text(x, y, text, ha="center", va="center", fontsize=12, zorder=3)


def draw_cell(ax):
    """One step: x_t, h_{t-1}, c_{t-1} in; the four blocks; c_t, h_t out."""
    ax.set_xlim(-0.3, 11.6)
    ax.set_ylim(-0.75, 6.3)
    ax.add_patch(
        FancyBboxPatch(
            (1.0, 0.55),
            8.6,
            5.0,
            boxstyle="round,pad=0.05,rounding_size=0.3",
            facecolor="#f7f7f7",
            edgecolor="#999999",
            lw=1,
            zorder=0,
        )
    )
    ax.text(1.2, 5.3, "LSTM cell, step t", fontsize=10, color="#666666", va="top")
    yc, yh, yg = 4.6, 1.2, 2.6  # cell-state line, hidden line, gate row
    gates = {"f": 2.4, "i": 3.8, "c": 5.0, "o": 6.6}  # x of each block (Keras' order: i, f, c, o)
    # the cell state: c_{t-1} → × f → + i·c̃ → c_t
    arrow(ax, [(0.0, yc), (2.18, yc)], STATE_C, lw=2.4)
    arrow(ax, [(2.62, yc), (3.58, yc)], STATE_C, lw=2.4)
    arrow(ax, [(4.02, yc), (10.8, yc)], STATE_C, lw=2.4)
    ax.text(-0.05, yc + 0.3, r"$c_{t-1}$", fontsize=13, color=STATE_C)
    ax.text(10.3, yc + 0.3, r"$c_t$", fontsize=13, color=STATE_C)
    node(ax, 2.4, yc, "×")
    node(ax, 3.8, yc, "+")
    # the input: h_{t-1} and x_t side by side feed every block
    arrow(ax, [(0.0, yh), (1.7, yh)], STATE_H, lw=2.0, head=False)
    ax.text(-0.05, yh + 0.25, r"$h_{t-1}$", fontsize=13, color=STATE_H)
    arrow(ax, [(1.7, -0.55), (1.7, yh)], INPUT, lw=2.0, head=False)
    ax.text(1.85, -0.55, r"$x_t$ (the token's embedding)", fontsize=11, color=INPUT, va="bottom")
    ax.plot([1.7, 6.6], [yh, yh], color="black", lw=1.6, zorder=1)
    for g, x in gates.items():
        arrow(ax, [(x, yh), (x, yg - 0.38)])
    labels = {"f": "forget\nσ", "i": "input\nσ", "c": "candidate\ntanh", "o": "output\nσ"}
    for g, x in gates.items():
        box(ax, x, yg, 1.05 if g != "c" else 1.15, 0.75, labels[g], GATE[g], fontsize=9.5)
    ax.text(gates["f"] - 0.62, yg + 0.55, r"$f_t$", fontsize=12)
    ax.text(gates["i"] - 0.62, yg + 0.55, r"$i_t$", fontsize=12)
    ax.text(gates["c"] + 0.12, yg + 0.55, r"$\tilde c_t$", fontsize=12)
    ax.text(gates["o"] - 0.62, yg + 0.55, r"$o_t$", fontsize=12)
    # f → × ; i and c̃ → × → +
    arrow(ax, [(gates["f"], yg + 0.38), (2.4, yc - 0.22)])
    node(ax, 4.4, 3.65, "×", r=0.2)
    arrow(ax, [(gates["i"], yg + 0.38), (gates["i"], 3.65), (4.2, 3.65)])
    arrow(ax, [(gates["c"], yg + 0.38), (gates["c"], 3.65), (4.6, 3.65)])
    arrow(ax, [(4.4, 3.85), (4.4, 4.2), (3.8, 4.2), (3.8, yc - 0.22)])
    # h_t = o ⊙ tanh(c_t)
    box(ax, 8.0, 3.65, 0.8, 0.5, "tanh", "#fddbc7", fontsize=9.5)
    arrow(ax, [(8.0, yc), (8.0, 3.9)], STATE_C)
    node(ax, 8.0, yh, "×")
    arrow(ax, [(8.0, 3.4), (8.0, yh + 0.22)])
    arrow(ax, [(gates["o"], yg + 0.38), (gates["o"], 3.1), (7.3, 3.1), (7.3, yh), (7.78, yh)])
    arrow(ax, [(8.22, yh), (10.8, yh)], STATE_H, lw=2.4)
    ax.text(10.3, yh + 0.25, r"$h_t$", fontsize=13, color=STATE_H)
    ax.text(0.0, 6.0, "One step of the LSTM", fontsize=13, weight="bold")
    ax.axis("off")


def draw_unrolled(ax, tokens, n=25, keep=(0, 1, 2, 23, 24)):
    """The same cell (the same weights) applied token after token; only h after the last goes on."""
    ax.set_xlim(-0.3, 11.6)
    ax.set_ylim(-1.1, 3.1)
    xs = [0.9 + 1.55 * k for k in range(len(keep) + 1)]
    positions = list(keep[:3]) + [None] + list(keep[3:])
    x_prev = 0.0
    ax.text(-0.2, 1.55, r"$h_0{=}0$" "\n" r"$c_0{=}0$", fontsize=10, va="center")
    for x, t in zip(xs, positions):
        if t is None:
            ax.text(x, 1.2, "· · ·", ha="center", va="center", fontsize=16)
            ax.text(x, -0.35, f"tokens {keep[2] + 2}–{keep[3]}", ha="center", fontsize=9, color=INPUT)
            arrow(ax, [(x_prev, 1.2), (x - 0.45, 1.2)], "#555555", lw=1.8)
            x_prev = x + 0.45
            continue
        arrow(ax, [(x_prev, 1.2), (x - 0.55, 1.2)], "#555555", lw=1.8)
        if t in (1, 2):
            ax.text((x_prev + x - 0.55) / 2, 1.32, r"$h, c$", ha="center", fontsize=10, color="#555555")
        box(ax, x, 1.2, 1.1, 0.8, "LSTM", "#f7f7f7", fontsize=10, weight="bold")
        arrow(ax, [(x, 0.15), (x, 0.8)], INPUT)
        ax.text(x, -0.05, f"{t + 1}: “{tokens[t]}”", ha="center", va="top", fontsize=9.5)
        x_prev = x + 0.55
    arrow(ax, [(x_prev, 1.2), (x_prev + 0.9, 1.2)], STATE_H, lw=2.4)
    ax.text(x_prev + 0.05, 1.4, r"$h_{25}$", fontsize=12, color=STATE_H)
    box(ax, x_prev + 1.55, 1.2, 1.3, 0.8, "Dense(4)\nsoftmax", "#fee08b", fontsize=9.5)
    ax.text(x_prev + 1.55, 0.55, "4 class\nprobabilities", ha="center", va="top", fontsize=9)
    ax.text(
        xs[0] - 0.6,
        -0.85,
        f"each step: the same weights; the text's token ids → Embedding → one vector "
        f"per step; after step {n} the rest of the text is cut off",
        fontsize=9,
        color="#555555",
    )
    ax.text(0.0, 2.75, f"Unrolled over the {n} tokens of one text (the tutorial's example)", fontsize=13, weight="bold")
    ax.axis("off")


def main() -> Path:
    tokens = (
        "united seeks further labor cuts united airlines is moving to obtain another 725 million in "
        "labor concessions and eliminate employees' traditional pensions as it seeks"
    ).split()
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(10, 8.2), gridspec_kw={"height_ratios": [1.7, 1]})
    draw_cell(top)
    draw_unrolled(bottom, tokens)
    fig.tight_layout()
    OUT.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(OUT, dpi=100, metadata={"Software": None})
    plt.close(fig)
    return OUT


if __name__ == "__main__":
    print("wrote", main().relative_to(Path.cwd()) if main().is_relative_to(Path.cwd()) else OUT.name)

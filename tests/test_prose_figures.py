"""One story: notebook prose types no figure that a run or the data produce, and no date.

A run's numbers change with the data, the settings and the seed; a cell prints them (or writes the
Markdown), so that the executed copies, the prose and the README tell one story. Provenance (data,
settings, date) lives in the copies' banners and in docs/results.md, never in the lessons. Typed
figures are only the tutorial's published accuracies and the cited papers' figures below."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat

from helpers.config import APPROACHES

REPO = Path(__file__).resolve().parent.parent
BOOKS = sorted((REPO / "notebooks").glob("[0-9][0-9]_*.ipynb"))

CITED = {
    "86.06%": "word-level LSTM on AG News, Zhang, Zhao and LeCun (2015)",
    "92.36%": "TF-IDF n-grams + logistic regression on AG News, Zhang, Zhao and LeCun (2015)",
    "92.5%": "fastText with word pairs on AG News, Joulin et al. (2016)",
    "91.66%": "the tutorial's own training log: approach 4's score on the test texts after epoch 4",
}
"""Figures of cited papers and of the tutorial's text that the prose may quote."""

ALLOWED = {f"{a.published_accuracy * 100:.2f}%" for a in APPROACHES.values()} | set(CITED)
"""The tutorial's published accuracies (helpers.config) and the cited papers' figures."""

DATE = re.compile(r"\b20\d\d-\d\d-\d\d\b")
PERCENT = re.compile(r"\b\d+\.\d+ ?%")
MEASURED = re.compile(
    r"\b(measured|counted|checked) (on|in) (19|20)\d\d|\b(measured|counted|checked) (19|20)\d\d"
    r"|\bmeasured on (a|the|this|my|our) (machine|laptop|cpu|gpu)",
    re.I,
)


def typed_figures(markdown: str) -> list[str]:
    """The dates, decimal percentages and "measured on" notes in a Markdown text, code aside."""
    prose = re.sub(r"```.*?```|`[^`]*`", "", markdown, flags=re.S)
    hits = [
        m.group(0).replace(" ", "")
        for m in sorted([*DATE.finditer(prose), *PERCENT.finditer(prose)], key=lambda m: m.start())
    ]
    return [h for h in hits if h not in ALLOWED] + [m.group(0) for m in MEASURED.finditer(prose)]


def test_notebook_prose_types_no_run_figure_and_no_date():
    assert typed_figures("reached 65.07% (measured 2026-11-30), not `f'{acc:.2%}'`; the tutorial's 90.18%") == [
        "65.07%",
        "2026-11-30",
        "measured 2026",
    ]  # the check finds what it looks for, and only that
    found = [
        f"notebooks/{path.name}, cell '{c.id}': {', '.join(hits)}"
        for path in BOOKS
        for c in nbformat.read(path, as_version=4).cells
        if c.cell_type == "markdown" and (hits := typed_figures(c.source))
    ]
    assert not found, (
        "figures a run or the data produce, typed in prose (a cell should print them; provenance "
        "goes to docs/results.md):\n  " + "\n  ".join(found)
    )

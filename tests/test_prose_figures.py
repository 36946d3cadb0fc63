"""One story: notebook prose types no figure that a run or the data produce, and no date.

A run's numbers change with the data, the settings and the seed; a cell prints them (or writes the
Markdown), so that the executed copies, the prose and the README tell one story. Provenance (data,
settings, date) lives in the copies' banners and in docs/results.md, never in the lessons. Typed
figures are only the tutorial's published accuracies and the cited papers' figures below."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

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
MEASURED = re.compile(r"\b(measured|counted|checked) (on|in) (19|20)\d\d|\b(measured|counted|checked) (19|20)\d\d"
                      r"|\bmeasured on (a|the|this|my|our) (machine|laptop|cpu|gpu)", re.I)


def typed_figures(markdown: str) -> list[str]:
    """The dates, decimal percentages and "measured on" notes in a Markdown text, code aside."""
    prose = re.sub(r"```.*?```|`[^`]*`", "", markdown, flags=re.S)
    hits = [m.group(0).replace(" ", "") for m in sorted([*DATE.finditer(prose), *PERCENT.finditer(prose)],
                                                        key=lambda m: m.start())]
    return [h for h in hits if h not in ALLOWED] + [m.group(0) for m in MEASURED.finditer(prose)]


def test_the_check_finds_run_figures_and_dates_and_lets_the_tutorials_pass():
    assert typed_figures("approach 2 reached 65.07% (measured 2026-11-30)") == ["65.07%", "2026-11-30",
                                                                                 "measured 2026"]
    assert typed_figures("The tutorial reached **90.18%**; TF-IDF 92.36% (Zhang et al., 2015).") == []
    assert typed_figures("a cell prints `f'{acc:.2%}'` and `12.5 %` in code: ```x = '2026-01-01'```") == []
    assert typed_figures("measured on my laptop, 12.5 % of the texts") == ["12.5%", "measured on my laptop"]
    assert "90.18%" in ALLOWED and "91.53%" in ALLOWED and len(ALLOWED) == 9


@pytest.mark.parametrize("path", BOOKS, ids=lambda p: p.stem)
def test_notebook_prose_types_no_run_figure_and_no_date(path):
    found = [f"cell '{c.id}': {', '.join(hits)}" for c in nbformat.read(path, as_version=4).cells
             if c.cell_type == "markdown" and (hits := typed_figures(c.source))]
    assert not found, (f"notebooks/{path.name} types figures a run or the data produce (a cell should "
                       f"print them; provenance goes to docs/results.md):\n  " + "\n  ".join(found))

"""Tables of a run folder's metrics: notebook 06, and the results table of a series run.

Every function accepts whatever :func:`helpers.evaluation.read_all_metrics` returns: approaches
that were not run are listed as missing, and metrics files of other notebooks (e.g. ``07_*``),
which may lack some fields or carry others, never make a function fail.

One function builds the results rows, :func:`results_rows`; every results table is rendered from
them: ``results.md`` and notebook 06's table (:func:`results_markdown`) and the series run's
``index.html`` (:func:`results_html`).
"""

from __future__ import annotations

import html

from .config import APPROACHES


def split_metrics(all_metrics: dict) -> tuple[dict, dict, list]:
    """Split metrics by file stem into ``(approaches, others, missing)``.

    ``approaches`` holds the five tutorial approaches that were run (by ``NN_<slug>``), ``others``
    every other metrics file, ``missing`` the names of the approaches without a metrics file.
    """
    names = {a.name for a in APPROACHES.values()}
    ours = {k: v for k, v in all_metrics.items() if k in names}
    others = {k: v for k, v in all_metrics.items() if k not in names}
    missing = [a.name for a in APPROACHES.values() if a.name not in ours]
    return ours, others, missing


def _num(v):
    return v if isinstance(v, (int, float)) and not isinstance(v, bool) else None


def results_rows(all_metrics: dict) -> list[dict]:
    """One row per tutorial approach: this run's test accuracy beside the published one, and what
    the run was (data, sizes, epochs, training time). Approaches without metrics keep their row,
    with ``None`` for this run's figures."""
    rows = []
    for a in APPROACHES.values():
        m = all_metrics.get(a.name) or {}
        acc = _num(m.get("test_accuracy"))
        rows.append(
            {
                "number": a.number,
                "approach": a.name,
                "network": a.title,
                "test accuracy (this run)": acc,
                "published": a.published_accuracy,
                "macro F1": _num(m.get("macro_f1")),
                "data": m.get("data_source"),
                "train texts": _num(m.get("n_train")),
                "test texts": _num(m.get("n_test")),
                "epochs": _num(m.get("epochs")),
                "fit seconds": _num(m.get("fit_seconds")),
            }
        )
    return rows


RESULTS_HEADER = (
    "#",
    "approach",
    "test accuracy (this run)",
    "published",
    "data",
    "train / test texts",
    "epochs",
    "fit time",
)
"""The columns of the series run's results table (``results.md``, ``index.html``)."""


def results_cells(all_metrics: dict) -> list[list[str]]:
    """The series run's results table as text cells (:data:`RESULTS_HEADER`), from :func:`results_rows`."""

    def fmt(v, spec):
        return "?" if v is None else format(v, spec)

    cells = []
    for r in results_rows(all_metrics):
        acc = r["test accuracy (this run)"]
        first = [str(r["number"]), r["network"]]
        if acc is None:
            cells.append(first + ["(not run)", f"{r['published']:.2%}", "", "", "", ""])
            continue
        cells.append(
            first
            + [
                f"{acc:.2%}",
                f"{r['published']:.2%}",
                str(r["data"] or "?"),
                f"{fmt(r['train texts'], ',')} / {fmt(r['test texts'], ',')}",
                fmt(r["epochs"], ""),
                f"{fmt(r['fit seconds'], '.0f')} s",
            ]
        )
    return cells


def results_markdown(all_metrics: dict) -> str:
    """A Markdown table: each approach's test accuracy beside the tutorial's published one."""

    def line(cells):
        return "|" + "|".join(f" {c} " if c else " " for c in cells) + "|"

    rows = [line(RESULTS_HEADER), "|" + "---|" * len(RESULTS_HEADER)]
    return "\n".join(rows + [line(cells) for cells in results_cells(all_metrics)])


def results_html(all_metrics: dict) -> str:
    """The same table as HTML (every cell escaped)."""
    out = ["<table>", "<tr>" + "".join(f"<th>{html.escape(c)}</th>" for c in RESULTS_HEADER) + "</tr>"]
    out += ["<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>" for row in results_cells(all_metrics)]
    out.append("</table>")
    return "\n".join(out)


OTHER_COLUMNS = ("approach", "test_accuracy", "macro_f1", "data_source", "n_train", "n_test", "epochs", "fit_seconds")


def other_metrics_frame(others: dict):
    """A table of metrics files that are not the five approaches (any fields; missing ones empty).

    The common fields come first; any other plain (number, text, true/false) fields follow.
    """
    import pandas as pd

    rows = []
    for name, m in others.items():
        if not isinstance(m, dict):
            m = {}
        row = {"file": name}
        for k in OTHER_COLUMNS:
            row[k] = m.get(k)
        for k, v in m.items():
            if k not in row and isinstance(v, (int, float, str, bool)) and k != "published_accuracy":
                row[k] = v
        rows.append(row)
    frame = pd.DataFrame(rows)
    return frame.set_index("file") if len(frame) else frame

"""A sweep folder's tables, picture and page: ``sweep.csv`` (one row per task; notebook 06 reads
it), ``summary.csv`` (per notebook and non-seed parameters: mean, std, min, max, n of the test
accuracy beside the published figure), ``sweep.png`` and ``index.html``."""

from __future__ import annotations

import csv
import html
import io
import json
import math
from pathlib import Path

from helpers.config import APPROACHES
from helpers.files import save_figure, write_text

METRICS = ("test_accuracy", "macro_f1", "fit_seconds")


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, (list, tuple, dict)):
        return json.dumps(value)
    return value


def sweep_rows(records: list[dict], varied: list[str]) -> list[dict]:
    """``sweep.csv``'s rows: task, notebook, the varied parameters, metrics, worker, status, error
    (metrics empty for a failed task)."""
    rows = []
    for r in records:
        ok = r.get("status") == "ok"
        row = {"task": r["task"], "notebook": r["notebook"]}
        row.update({k: _cell(r.get("varied", {}).get(k)) for k in varied})
        row.update({k: _cell(r.get(k)) if ok else "" for k in METRICS})
        row.update(
            {
                "worker": r.get("worker", ""),
                "status": r.get("status", "failed"),
                "error": " ".join(str(r.get("error") or "").split()),
            }
        )
        rows.append(row)
    return rows


def published() -> dict[str, float]:
    return {a.name: a.published_accuracy for a in APPROACHES.values()}


def summary_rows(rows: list[dict], varied: list[str]) -> list[dict]:
    """Grouped by notebook and the varied parameters other than ``seed``: the test accuracy's
    mean, standard deviation (n-1; empty for one run), min, max and n over the finished tasks."""
    keys = [k for k in varied if k != "seed"]
    groups: dict = {}
    for row in rows:
        if row["status"] == "ok" and row["test_accuracy"] != "":
            groups.setdefault((row["notebook"], *(str(row[k]) for k in keys)), []).append(float(row["test_accuracy"]))
    pub = published()
    out = []
    for group, accs in groups.items():
        n = len(accs)
        mean = sum(accs) / n
        std = math.sqrt(sum((a - mean) ** 2 for a in accs) / (n - 1)) if n > 1 else None
        out.append(
            {
                "notebook": group[0],
                **dict(zip(keys, group[1:])),
                "mean": round(mean, 6),
                "std": "" if std is None else round(std, 6),
                "min": min(accs),
                "max": max(accs),
                "n": n,
                "published": pub.get(group[0], ""),
            }
        )
    return out


def _csv(rows: list[dict], columns: list[str]) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=columns, lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    return buf.getvalue()


def write_all(out: Path, records: list[dict], varied: list[str], title: str = "") -> None:
    """``sweep.csv``, ``summary.csv``, ``sweep.png`` (when a task finished) and ``index.html``."""
    rows = sweep_rows(records, varied)
    columns = ["task", "notebook", *varied, *METRICS, "worker", "status", "error"]
    write_text(out / "sweep.csv", _csv(rows, columns))
    summary = summary_rows(rows, varied)
    keys = [k for k in varied if k != "seed"]
    write_text(out / "summary.csv", _csv(summary, ["notebook", *keys, "mean", "std", "min", "max", "n", "published"]))
    picture = write_picture(out / "sweep.png", rows, varied) if summary else None
    write_text(out / "index.html", page(rows, summary, columns, picture, title))


def write_picture(path: Path, rows: list[dict], varied: list[str]) -> Path:
    """Left: each notebook's runs (dots), their mean ± std and the published figure. Right (when
    the sweep varies a parameter other than the seed): mean accuracy against that parameter."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    ok = [r for r in rows if r["status"] == "ok" and r["test_accuracy"] != ""]
    swept = next((k for k in varied if k != "seed"), None)
    fig, axes = plt.subplots(1, 2 if swept else 1, figsize=(12 if swept else 7, 4), squeeze=False)
    ax = axes[0][0]
    names = sorted({r["notebook"] for r in ok})
    pub = published()
    for i, name in enumerate(names):
        accs = [float(r["test_accuracy"]) for r in ok if r["notebook"] == name]
        mean = sum(accs) / len(accs)
        std = math.sqrt(sum((a - mean) ** 2 for a in accs) / (len(accs) - 1)) if len(accs) > 1 else 0
        ax.plot([i - 0.12] * len(accs), accs, "o", color="tab:blue", alpha=0.5, label="one run" if i == 0 else None)
        ax.errorbar(
            i + 0.12, mean, yerr=std, fmt="s", color="tab:blue", capsize=4, label="mean ± std" if i == 0 else None
        )
        if name in pub:
            ax.plot(
                i + 0.3,
                pub[name],
                "D",
                color="tab:orange",
                label="tutorial (published)" if not any(n in pub for n in names[:i]) else None,
            )
    ax.set_xticks(range(len(names)), names, rotation=20, ha="right")
    ax.set(ylabel="test accuracy", title="Test accuracy per notebook (all runs)")
    ax.legend(frameon=False, fontsize=8)
    ax.grid(axis="y", alpha=0.3)
    if swept:
        ax = axes[0][1]
        for name in names:
            by_value: dict = {}
            for r in ok:
                if r["notebook"] == name:
                    by_value.setdefault(str(r[swept]), []).append(float(r["test_accuracy"]))
            xs = sorted(by_value, key=lambda v: (float(v) if _number(v) else math.inf, v))
            ax.plot(xs, [sum(by_value[x]) / len(by_value[x]) for x in xs], "o-", label=name)
        ax.set(xlabel=swept, ylabel="mean test accuracy", title=f"Test accuracy against {swept}")
        ax.legend(frameon=False, fontsize=8)
        ax.grid(alpha=0.3)
    fig.tight_layout()
    save_figure(fig, path)
    plt.close(fig)
    return path


def _number(text: str) -> bool:
    try:
        float(text)
        return True
    except ValueError:
        return False


def _table(rows: list[dict], columns: list[str], link: bool = False) -> str:
    head = "".join(f"<th>{html.escape(c)}</th>" for c in columns)
    body = []
    for r in rows:
        cells = []
        for c in columns:
            text = html.escape(str(r.get(c, "")))
            if link and c == "task":
                text = f'<a href="{html.escape(r["task"])}/notebooks/{html.escape(r["notebook"])}.ipynb">{text}</a>'
            cells.append(f"<td>{text}</td>")
        css = ' class="failed"' if r.get("status") == "failed" else ""
        body.append(f"<tr{css}>{''.join(cells)}</tr>")
    return f"<table><tr>{head}</tr>{''.join(body)}</table>"


def page(rows, summary, columns, picture, title) -> str:
    n_ok = sum(r["status"] == "ok" for r in rows)
    sum_cols = list(summary[0]) if summary else []
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Sweep {html.escape(title)}</title>
<style>body{{font-family:sans-serif;margin:2em}}table{{border-collapse:collapse}}
td,th{{border:1px solid #ccc;padding:2px 6px;font-size:90%}}tr.failed{{background:#fdd}}</style></head>
<body><h1>Sweep {html.escape(title)}</h1>
<p>{n_ok} of {len(rows)} tasks finished ok. Files: <a href="sweep.csv">sweep.csv</a>,
<a href="summary.csv">summary.csv</a>; each task's folder holds its executed notebook, metrics and
figures. Notebook 06 shows the spread with <code>-p sweep_dir</code> set to this folder.</p>
<h2>Summary (test accuracy)</h2>{_table(summary, sum_cols) if summary else "<p>no task finished</p>"}
{'<p><img src="sweep.png" alt="test accuracy per notebook" style="max-width:100%"></p>' if picture else ""}
<h2>Tasks</h2>{_table(rows, columns, link=True)}
</body></html>
"""

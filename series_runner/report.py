"""A run folder's report for a browser: ``DIR/index.html`` (written by ``./run_all.sh``).

One page to look at a whole run without Jupyter: the results table (rendered from the run's metrics
by :func:`helpers.summary.results_html`, the rows ``results.md`` shows), each notebook's status (ok,
FAILED with its error, interrupted), its figures (``DIR/figures/NN_*.png``, grouped per notebook by
their ``NN_`` prefix), its LIME explanation (``DIR/explanations/NN_*.html``) and a link to an HTML
rendering of the executed notebook (nbconvert, ``DIR/html/NN_<name>.html``, self-contained: no
script is loaded from the internet). Every link is relative, so the run folder can be moved,
copied or zipped; every file is written atomically. Usage::

    from series_runner.report import write_index
    write_index("runs/20261129-120000")   # -> Path("runs/20261129-120000/index.html")
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from urllib.parse import quote

from helpers.evaluation import read_all_metrics
from helpers.files import write_text
from helpers.summary import results_html

HTML_FOLDER = "html"
"""Subfolder of the run folder for the notebooks' HTML renderings."""

_TEMPLATE = """{%- extends 'lab/index.html.j2' -%}
{%- block html_head_js_requirejs -%}{%- endblock html_head_js_requirejs -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
"""
"""JupyterLab's look, without the scripts nbconvert loads from a CDN (require.js, MathJax,
mermaid): the series uses none of them, and an offline browser would only report failed loads."""

_STYLE = """
body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 72em; padding: 0 1em; color: #222; }
table { border-collapse: collapse; margin: 1em 0; }
th, td { border: 1px solid #ccc; padding: .3em .6em; text-align: left; }
th { background: #f3f3f3; }
section.notebook { border-top: 1px solid #ddd; margin-top: 1.5em; }
.status { font-weight: bold; padding: .1em .5em; border-radius: .3em; }
.status.ok { background: #e3f4e3; color: #1b5e20; }
.status.failed { background: #fde0e0; color: #b71c1c; }
.status.interrupted { background: #fff3cd; color: #7a5a00; }
.error { background: #fff5f5; border-left: 4px solid #b71c1c; padding: .5em; white-space: pre-wrap; }
figure { display: inline-block; margin: .5em 1em .5em 0; vertical-align: top; }
figure img { max-width: 34em; border: 1px solid #eee; }
figcaption { font-size: .9em; color: #555; }
"""


def write_index(run_dir) -> Path:
    """Write ``run_dir/index.html`` (and ``run_dir/html/*.html``) from what the run folder holds.

    Works on a complete run, a run with failed notebooks and an interrupted one alike: it shows
    what exists. A notebook's HTML rendering is made again only when its executed copy is newer.

    Returns:
        The path of ``index.html``.
    """
    run_dir = Path(run_dir)
    summary = _read_json(run_dir / "results.json")
    failed = set(summary.get("failed") or [])
    interrupted = summary.get("interrupted")
    seconds = summary.get("notebook_seconds") or {}

    executed = sorted((run_dir / "notebooks").glob("*.ipynb"))
    figures = _by_prefix(sorted((run_dir / "figures").glob("*.png")))
    explanations = _by_prefix(sorted((run_dir / "explanations").glob("*.html")))
    stems = [p.stem for p in executed]
    prefixes = {s[:2] for s in stems}
    orphans = [p for key, ps in figures.items() if key not in prefixes for p in ps]

    sections = []
    for nb_path in executed:
        stem = nb_path.stem
        error = None
        rendered = None
        try:
            nb = _read_notebook(nb_path)
            error = _first_error(nb)
            rendered = _render(nb, nb_path, run_dir / HTML_FOLDER / f"{stem}.html")
        except Exception as e:  # noqa: BLE001 - a broken file is shown as such, never fatal
            error = error or f"this executed notebook cannot be read: {type(e).__name__}: {e}"
        if stem == interrupted:
            status, css = "interrupted (partial)", "interrupted"
        elif stem in failed or error:
            status, css = "FAILED", "failed"
        else:
            status, css = "ok", "ok"
        sections.append(
            _section(
                run_dir,
                stem,
                status,
                css,
                error,
                seconds.get(stem),
                nb_path,
                rendered,
                figures.get(stem[:2], []),
                explanations.get(stem[:2], []),
            )
        )

    page = _page(run_dir, summary, sections, orphans)
    return write_text(run_dir / "index.html", page)


# ---------------------------------------------------------------------------------------------


def _read_json(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _read_notebook(path: Path):
    import nbformat

    return nbformat.read(path, as_version=4)


def _first_error(nb) -> str | None:
    """The first error output of an executed notebook, as ``"ValueError: message"``."""
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                return f"{out.get('ename', 'Error')}: {out.get('evalue', '')}".strip()
    if nb.metadata.get("papermill", {}).get("exception"):
        return "the notebook stopped with an error (the kernel may have died)"
    return None


def _render(nb, nb_path: Path, target: Path) -> Path:
    """``target``: the notebook as a self-contained HTML page (JupyterLab's look)."""
    if target.exists() and target.stat().st_mtime_ns >= nb_path.stat().st_mtime_ns:
        return target
    from jinja2 import DictLoader
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(
        extra_loaders=[DictLoader({"run_report.html.j2": _TEMPLATE})], template_file="run_report.html.j2"
    )
    body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": nb_path.stem}})
    return write_text(target, body)


def _by_prefix(paths) -> dict[str, list[Path]]:
    """Files grouped by their ``NN`` prefix (``"01"`` for ``01_lstm_25_tokens_curves.png``)."""
    out: dict[str, list[Path]] = {}
    for p in paths:
        key = p.name[:2] if re.match(r"\d\d_", p.name) else ""
        out.setdefault(key, []).append(p)
    return out


def _href(run_dir: Path, path: Path) -> str:
    """A relative, URL-quoted link from ``index.html`` to ``path``."""
    return "/".join(quote(part) for part in path.relative_to(run_dir).parts)


def _e(text) -> str:
    return html.escape(str(text), quote=True)


def _figure(run_dir: Path, png: Path) -> str:
    src = _href(run_dir, png)
    caption = png.stem
    return (
        f'<figure><a href="{src}"><img src="{src}" alt="{_e(caption)}"></a>'
        f"<figcaption>{_e(caption)}</figcaption></figure>"
    )


def _section(run_dir, stem, status, css, error, seconds, nb_path, rendered, pngs, lime) -> str:
    links = []
    if rendered is not None:
        links.append(f'<a href="{_href(run_dir, rendered)}">the notebook as a web page</a>')
    links.append(f'<a href="{_href(run_dir, nb_path)}">executed notebook (.ipynb)</a>')
    links += [f'<a href="{_href(run_dir, p)}">LIME explanation ({_e(p.stem)})</a>' for p in lime]
    parts = [
        f'<section class="notebook {css}" id="{_e(stem)}">',
        f'<h2>{_e(stem)} <span class="status {css}">{_e(status)}</span>'
        + (f" <small>{seconds:.0f} s</small>" if isinstance(seconds, (int, float)) else "")
        + "</h2>",
    ]
    if error and css != "ok":
        parts.append(f'<div class="error">{_e(error)}</div>')
    parts.append("<p>" + " · ".join(links) + "</p>")
    if pngs:
        parts.append("<div>" + "".join(_figure(run_dir, p) for p in pngs) + "</div>")
    parts.append("</section>")
    return "\n".join(parts)


def _page(run_dir: Path, summary: dict, sections: list[str], orphans: list[Path]) -> str:
    # the results table from the metrics themselves (the rows results.md is written from)
    table = results_html(read_all_metrics(run_dir)) if (run_dir / "metrics").is_dir() else ""
    facts = []
    if summary.get("parameters") is not None:
        facts.append(f"Parameters: <code>{_e(json.dumps(summary['parameters']))}</code>")
    if isinstance(summary.get("total_seconds"), (int, float)):
        facts.append(f"Whole run: {summary['total_seconds'] / 60:.1f} min")
    if summary.get("failed"):
        facts.append("FAILED: " + ", ".join(_e(s) for s in summary["failed"]))
    if summary.get("interrupted"):
        facts.append(f"Interrupted at {_e(summary['interrupted'])} (Ctrl-C): the run is partial")
    links = []
    for name in ("results.md", "results.json"):
        if (run_dir / name).is_file():
            links.append(f'<a href="{quote(name)}">{name}</a>')
    body = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>Run {_e(run_dir.name)}: LSTM text classification of AG News</title>",
        f"<style>{_STYLE}</style></head><body>",
        f"<h1>Run {_e(run_dir.name)}</h1>",
        "<p>" + "<br>".join(facts) + "</p>" if facts else "",
        "<h2>Results</h2>",
        table or "<p>(no results table in this run folder)</p>",
        "<p>" + " · ".join(links) + "</p>" if links else "",
        "<h2>Notebooks</h2>" if sections else "<p>No notebook was executed in this run folder.</p>",
        *sections,
    ]
    if orphans:
        body += [
            '<section class="notebook"><h2>Other figures</h2><div>',
            "".join(_figure(run_dir, p) for p in orphans),
            "</div></section>",
        ]
    body.append("</body></html>\n")
    return "\n".join(b for b in body if b)

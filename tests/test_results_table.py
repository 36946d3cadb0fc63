"""One function builds the results rows (:func:`helpers.summary.results_rows`); the Markdown table
(``results.md``, notebook 06) and the series run's ``index.html`` are both rendered from them:
change the rows, and both change the same way."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat

import helpers
import helpers.summary as summary
from series_runner.series import run_series

METRICS = {
    "01_lstm_25_tokens": {
        "test_accuracy": 0.875,
        "data_source": "synthetic",
        "n_train": 3600,
        "n_test": 800,
        "epochs": 3,
        "fit_seconds": 4.2,
        "macro_f1": 0.87,
    }
}


def test_the_tables_show_the_same_rows():
    rows = summary.results_rows(METRICS)
    assert [r["approach"] for r in rows] == [a.name for a in helpers.APPROACHES.values()]
    assert rows[0]["test accuracy (this run)"] == 0.875
    assert [r["test accuracy (this run)"] for r in rows[1:]] == [None] * 4  # four approaches not run
    md = helpers.results_markdown(METRICS).splitlines()
    assert md[2] == "| 1 | Single LSTM layer, 25 tokens | 87.50% | 90.18% | synthetic | 3,600 / 800 | 3 | 4 s |"
    assert md[3] == "| 2 | Single LSTM layer, 50 tokens | (not run) | 91.47% | | | | |" and len(md) == 7
    html = helpers.results_html(METRICS)
    assert (
        "<tr><td>1</td><td>Single LSTM layer, 25 tokens</td><td>87.50%</td><td>90.18%</td>"
        "<td>synthetic</td><td>3,600 / 800</td><td>3</td><td>4 s</td></tr>"
    ) in html


def _marked_rows(monkeypatch):
    """The rows function's rows, each network renamed: what every table shows must follow."""
    original = summary.results_rows

    def marked(all_metrics):
        return [dict(r, network=f"ROW-{r['number']}") for r in original(all_metrics)]

    monkeypatch.setattr(summary, "results_rows", marked)


def test_results_md_and_index_html_come_from_the_rows_function(tmp_path, monkeypatch):
    _marked_rows(monkeypatch)
    books = tmp_path / "books"
    books.mkdir()
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    params = nbformat.v4.new_code_cell('output_dir = "."')
    params.metadata["tags"] = ["parameters"]
    write = (
        "import json\nfrom pathlib import Path\n"
        f"Path(output_dir, 'metrics', '01_lstm_25_tokens.json').write_text({json.dumps(json.dumps(METRICS['01_lstm_25_tokens']))})"
    )
    nb.cells = [params, nbformat.v4.new_code_cell(write)]
    nbformat.write(nb, books / "01_metrics.ipynb")
    monkeypatch.chdir(tmp_path)

    assert run_series(["--notebooks", "books", "--out", "run"]) == 0
    run = Path("run")
    results_md = (run / "results.md").read_text(encoding="utf-8")
    page = (run / "index.html").read_text(encoding="utf-8")
    for n in range(1, 6):
        assert f"| {n} | ROW-{n} |" in results_md
        assert f"<tr><td>{n}</td><td>ROW-{n}</td>" in page
    assert "| 1 | ROW-1 | 87.50% |" in results_md and "<td>ROW-1</td><td>87.50%</td>" in page
    assert "Single LSTM layer" not in results_md + page

"""``series_runner.report.write_index(run_dir)`` on run folders made by hand: what exists is shown
(interrupted, failed, unreadable notebooks alike), every link is relative and resolves, odd file
names are quoted, and a notebook's web page is made again only when the notebook changed."""

from __future__ import annotations

import json
import time
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import nbformat

from series_runner.report import write_index

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d4944415478da63f8cfc0f01f0005000202a0d8e6a70000000049454e44ae426082"
)


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links = []

    def handle_starttag(self, tag, attrs):
        self.links += [(tag, v) for k, v in attrs if k in ("src", "href") and v is not None]


def _executed(path: Path, outputs=(), exception=False) -> None:
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("x = 1", outputs=list(outputs))
    nb.cells = [nbformat.v4.new_markdown_cell("## 1. Start"), cell]
    nb.metadata["papermill"] = {"exception": exception}
    nbformat.write(nb, path)


def _links_resolve(run_dir: Path) -> list[tuple[str, str]]:
    parser = _Links()
    parser.feed((run_dir / "index.html").read_text(encoding="utf-8"))
    for tag, link in parser.links:
        parts = urlsplit(link)
        assert not parts.scheme and not parts.netloc and not link.startswith("/"), link
        assert (run_dir / unquote(parts.path)).is_file(), f"<{tag}> {link} does not resolve"
    return parser.links


def test_an_interrupted_run_shows_what_exists(tmp_path):
    run = tmp_path / "run #1"
    (run / "notebooks").mkdir(parents=True)
    (run / "figures").mkdir()
    (run / "explanations").mkdir()
    _executed(run / "notebooks" / "00_first.ipynb")
    _executed(run / "notebooks" / "01_second.ipynb")  # partial when Ctrl-C came
    (run / "notebooks" / "02_unreadable.ipynb").write_text("{ not json")
    (run / "figures" / "00_first_a & b?.png").write_bytes(PNG)
    (run / "figures" / "summary.png").write_bytes(PNG)  # no NN_ prefix: "Other figures"
    (run / "explanations" / "00_first.html").write_text("<p>LIME</p>")
    (run / "metrics").mkdir()  # the results table comes from the metrics, never from results.md
    (run / "metrics" / "01_lstm_25_tokens.json").write_text(
        json.dumps(
            {
                "test_accuracy": 0.5,
                "data_source": "<b>news</b>",
                "n_train": 90,
                "n_test": 10,
                "epochs": 1,
                "fit_seconds": 2.0,
            }
        )
    )
    (run / "results.md").write_text("# Results\n\n| # | approach |\n|---|---|\n| 1 | not this table |\n")
    (run / "results.json").write_text(
        json.dumps({"failed": [], "interrupted": "01_second", "notebook_seconds": {"00_first": 2.0}, "parameters": {}})
    )

    index = write_index(run)
    assert index == run / "index.html"
    page = index.read_text(encoding="utf-8")
    links = _links_resolve(run)
    hrefs = {unquote(link) for _, link in links}
    assert {
        "figures/00_first_a & b?.png",
        "figures/summary.png",
        "explanations/00_first.html",
        "html/00_first.html",
        "html/01_second.html",
        "notebooks/02_unreadable.ipynb",
    } <= hrefs
    assert "html/02_unreadable.html" not in hrefs
    assert 'class="status interrupted">interrupted (partial)' in page
    unreadable = page[page.index('id="02_unreadable"') :]
    assert "FAILED" in unreadable and "cannot be read" in unreadable
    assert "Other figures" in page and "Interrupted at 01_second" in page
    assert "<td>&lt;b&gt;news&lt;/b&gt;</td>" in page  # table cells are escaped
    assert "<td>50.00%</td>" in page and "not this table" not in page


def test_a_failed_notebook_without_results_json(tmp_path):
    run = tmp_path / "run"
    (run / "notebooks").mkdir(parents=True)
    error = nbformat.v4.new_output("error", ename="KeyError", evalue="'x'", traceback=[])
    _executed(run / "notebooks" / "03_bad.ipynb", outputs=[error], exception=True)
    page = write_index(run).read_text(encoding="utf-8")
    _links_resolve(run)
    assert 'class="status failed">FAILED' in page and "KeyError: &#x27;x&#x27;" in page
    assert "no results table" in page


def test_a_page_is_made_again_only_for_a_changed_notebook(tmp_path):
    run = tmp_path / "run"
    (run / "notebooks").mkdir(parents=True)
    nb = run / "notebooks" / "00_first.ipynb"
    _executed(nb)
    write_index(run)
    page = run / "html" / "00_first.html"
    first = page.stat().st_mtime_ns
    write_index(run)
    assert page.stat().st_mtime_ns == first
    time.sleep(0.01)
    _executed(nb, outputs=[nbformat.v4.new_output("stream", name="stdout", text="a new output\n")])
    write_index(run)
    assert page.stat().st_mtime_ns > first and "a new output" in page.read_text(encoding="utf-8")

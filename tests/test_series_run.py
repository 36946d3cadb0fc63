"""A whole (tiny) series run as a user meets it: progress lines from the record a real Keras ``fit``
with ``helpers.ProgressLog`` writes in the notebook's kernel (two fits), paths printed as the user wrote them, the end summary (the run's time and
where to look) and ``DIR/index.html`` with the figures, the notebooks as web pages and the failed
notebook marked. The run happens once for this module; the tests only read it."""

from __future__ import annotations

import base64
import json
import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import nbformat
import pytest
from conftest import child_env

PNG = base64.b64decode(  # a 1x1 PNG
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)

# its tests share a module-scoped fixture: one process runs them all (--dist loadgroup)
pytestmark = pytest.mark.xdist_group("test_series_run")

FIT = """\
import numpy as np
from helpers.progress import ProgressLog
from helpers.tfsetup import keras
keras.utils.set_random_seed(0)
x = np.random.rand(96, 4).astype("float32")
y = (x[:, 0] > 0.5).astype("int64")
model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2, activation="softmax")])
model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
history = model.fit(x, y, epochs=3, batch_size=16, validation_split=0.25, verbose=2,
                    callbacks=[ProgressLog(output_dir, "00_fit")])
model.fit(x, y, epochs=2, batch_size=16, verbose=0, callbacks=[ProgressLog(output_dir, "00_fit")])"""


def _notebook(path: Path, cells) -> None:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    params = nbformat.v4.new_code_cell('output_dir = "."')
    params.metadata["tags"] = ["parameters"]
    nb.cells = [nbformat.v4.new_markdown_cell("# A tiny notebook"), params, *cells]
    nbformat.write(nb, path)


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    """``series_runner`` started in a folder of its own with ``--notebooks books --out runs/../tiny/``
    (relative, unnormalized): 00 trains a tiny network and saves figures, 01 fails, 02 finishes."""
    md, code = nbformat.v4.new_markdown_cell, nbformat.v4.new_code_cell
    here = tmp_path_factory.mktemp("user")
    books = here / "books"
    books.mkdir()
    save = (
        "from pathlib import Path\nimport base64\n"
        f"png = base64.b64decode({base64.b64encode(PNG).decode()!r})\n"
        "Path(output_dir, 'figures').mkdir(exist_ok=True)\n"
        "for kind in ('curves', 'confusion matrix'):\n"
        "    Path(output_dir, 'figures', f'00_fit_{kind}.png').write_bytes(png)\n"
        "Path(output_dir, 'figures', '01_broken_curves.png').write_bytes(png)"
    )
    _notebook(
        books / "00_fit.ipynb",
        [
            md("## 1. Data\nSome text."),
            code("n = 96"),
            md("## 5. Train"),
            code(FIT),
            md("## 6. Evaluate"),
            code("model.evaluate(x, y, verbose=2)\n" + save),
        ],
    )
    _notebook(books / "01_broken.ipynb", [md("## 2. Break"), code('raise ValueError("a deliberate failure")')])
    _notebook(books / "02_last.ipynb", [md("## 3. End"), code("print('done')")])
    r = subprocess.run(
        [sys.executable, "-m", "series_runner", "--notebooks", "books", "--out", "runs/../tiny/"],
        cwd=here,
        env=child_env(),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert r.returncode == 1, r.stdout + r.stderr
    return here, here / "tiny", r


def test_progress_shows_each_epoch_of_each_fit_from_the_record(run):
    _, out, r = run
    lines = r.stdout.splitlines()
    start = lines.index("[1/3] 00_fit ...")
    end = next(i for i, line in enumerate(lines) if line.startswith("[1/3] 00_fit ... ok ["))
    shown = [line.strip() for line in lines[start + 1 : end]]
    assert len(shown) == 5, shown
    for k, line in enumerate(shown[:3], 1):
        assert re.fullmatch(rf"epoch {k}/3: \d+ s, val_accuracy \d\.\d{{4}}", line), line
    for k, line in enumerate(shown[3:], 1):  # the second fit, without validation data
        assert re.fullmatch(rf"epoch {k}/2 of fit 2: \d+ s, accuracy \d\.\d{{4}}, loss \d\.\d+", line), line
    # Keras' own per-batch and per-epoch lines never reach the terminal.
    assert not re.search(r"^\s*\d+/\d+ ", r.stdout, re.M) and "Epoch 1/3" not in r.stdout
    assert "[3/3] 02_last ... ok [" in r.stdout
    record = [json.loads(line) for line in (out / "progress" / "00_fit.jsonl").read_text().splitlines()]
    assert [(e["fit"], e["epoch"], e["epochs"]) for e in record] == [
        (0, 1, 3),
        (0, 2, 3),
        (0, 3, 3),
        (1, 1, 2),
        (1, 2, 2),
    ]
    assert {"accuracy", "loss", "val_accuracy", "val_loss"} <= set(record[0]) and "val_loss" not in record[3]
    assert all(0 <= e["accuracy"] <= 1 for e in record)


def test_paths_appear_as_given(run):
    here, out, r = run
    assert "Running 3 notebooks into tiny/ with their defaults" in r.stdout
    assert (
        "[2/3] 01_broken ... FAILED (ValueError: a deliberate failure); see tiny/notebooks/01_broken.ipynb ["
        in r.stdout
    )
    assert str(here) not in r.stdout + r.stderr and "../" not in r.stdout + r.stderr
    assert (out / "notebooks" / "01_broken.ipynb").is_file()  # relative to where it was started


def test_the_end_says_how_long_and_where_to_look(run):
    _, out, r = run
    tail = r.stdout[r.stdout.index("Whole run:") :]
    assert re.match(r"Whole run: \d+ s \(3 notebooks, 1 failed\)\. Where to look:", tail)
    for line in (
        "results table       tiny/results.md",
        "report (a browser)  tiny/index.html",
        "executed notebooks  tiny/notebooks/",
        "lab tiny/notebooks",
    ):
        assert line in tail
    jupyter = re.search(r"in JupyterLab:\s+(\S+) lab tiny/notebooks", tail).group(1)
    assert Path(jupyter).name == "jupyter" and Path(jupyter).is_file()
    assert r.stderr.strip().endswith("FAILED notebook(s): 01_broken")


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[tuple[str, str]] = []
        self.sections: dict[str, str] = {}

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        for name in ("src", "href"):
            if a.get(name) is not None:
                self.links.append((tag, a[name]))
        if tag == "section" and a.get("id"):
            self.sections[a["id"]] = a.get("class", "")


def test_index_html_links_everything_relatively(run):
    _, out, _ = run
    index = out / "index.html"
    page = index.read_text(encoding="utf-8")
    parser = _Links()
    parser.feed(page)
    assert parser.links, "no links at all"
    for tag, link in parser.links:
        parts = urlsplit(link)
        assert not parts.scheme and not parts.netloc and not link.startswith("/"), link
        assert (out / unquote(parts.path)).is_file(), f"<{tag}> {link} does not resolve"
    srcs = {unquote(link) for tag, link in parser.links if tag == "img"}
    assert srcs == {"figures/00_fit_curves.png", "figures/00_fit_confusion matrix.png", "figures/01_broken_curves.png"}
    hrefs = {unquote(link) for tag, link in parser.links if tag == "a"}
    for stem in ("00_fit", "01_broken", "02_last"):
        assert f"html/{stem}.html" in hrefs and f"notebooks/{stem}.ipynb" in hrefs
    assert "results.md" in hrefs
    # the failed notebook is marked, with its error; the others are not
    assert parser.sections == {"00_fit": "notebook ok", "01_broken": "notebook failed", "02_last": "notebook ok"}
    broken = page[page.index('id="01_broken"') : page.index('id="02_last"')]
    assert "FAILED" in broken and "ValueError: a deliberate failure" in broken
    assert "FAILED" not in page[page.index('id="00_fit"') : page.index('id="01_broken"')]
    # figures sit with their notebook (by NN_ prefix)
    fit = page[page.index('id="00_fit"') : page.index('id="01_broken"')]
    assert "00_fit_curves.png" in fit and "01_broken_curves.png" in broken


def test_the_notebook_pages_are_self_contained(run):
    _, out, _ = run
    page = (out / "html" / "00_fit.html").read_text(encoding="utf-8")
    assert "epoch" in page.lower() or "Epoch" in page  # the executed outputs are there
    assert "val_accuracy" in page and "5. Train" in page
    assert not re.search(r"""<script[^>]+src=["']https?:""", page), "a script loaded from the internet"
    assert "ValueError" in (out / "html" / "01_broken.html").read_text(encoding="utf-8")
    umask = os.umask(0)
    os.umask(umask)
    for page in (out / "index.html", out / "html" / "00_fit.html"):  # not private like a temp file
        assert os.stat(page).st_mode & 0o777 == 0o666 & ~umask, page

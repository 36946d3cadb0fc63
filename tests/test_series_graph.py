"""The series is one Dask graph: run in this process by Dask's synchronous scheduler (the default),
on an embedded cluster of two workers (``./run_all.sh --workers 2``), or with each notebook in a
folder of its own whose files come back (a cluster elsewhere), it writes the same files: tiny
notebooks without TensorFlow (the summary 06 reads everything the others wrote)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from conftest import child_env

from series_runner.graph import compute, dependencies, series_graph
from series_runner.task import write_files

WRITE = "from pathlib import Path\nout = Path(output_dir)\n(out / 'outputs').mkdir(exist_ok=True)\n"
BOOKS = {
    "02_model": WRITE + "(out / 'models').mkdir(exist_ok=True)\n"
    "(out / 'models' / '02_model.keras').write_bytes(b'weights')\n"
    "(out / 'outputs' / '02.txt').write_text('two')",
    "07_recipes": WRITE + "(out / 'outputs' / '07.txt').write_text('seven')",
    "06_summary": WRITE + "names = sorted(p.name for p in (out / 'outputs').glob('*.txt'))\n"
    "(out / 'outputs' / 'all.txt').write_text(','.join(names))",
}


def _book(path: Path, code: str) -> None:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    params = nbformat.v4.new_code_cell('output_dir = "."')
    params.metadata["tags"] = ["parameters"]
    nb.cells = [nbformat.v4.new_markdown_cell("# A tiny notebook"), params, nbformat.v4.new_code_cell(code)]
    nbformat.write(nb, path)


def _files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.name.startswith(".")
    }


def test_dependencies():
    assert dependencies(["00", "01", "02", "06", "07"]) == {
        "00": [],
        "01": [],
        "02": [],
        "06": ["00", "01", "02", "07"],
        "07": [],
    }
    assert dependencies(["07"]) == {"07": []}
    # in this process, one after another in the series' order
    assert dependencies(["00", "02", "07", "06"], in_order=True) == {
        "00": [],
        "02": ["00"],
        "07": ["02"],
        "06": ["00", "02", "07"],
    }


def _books(folder: Path) -> None:
    folder.mkdir()
    for name, code in BOOKS.items():
        _book(folder / f"{name}.ipynb", code)


@pytest.mark.slow
def test_the_series_writes_the_same_files_however_it_is_run(tmp_path, monkeypatch):
    _books(tmp_path / "books")
    env = {**child_env(), "HELPERS_TF_THREADS": "1,1"}
    runs = {}
    for out, extra in (("here", []), ("cluster", ["--workers", "2"])):
        r = subprocess.run(
            [sys.executable, "-m", "series_runner", "--notebooks", "books", "--out", out, *extra],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert r.returncode == 0, r.stdout + r.stderr
        runs[out] = _files(tmp_path / out)
        if out == "here":  # in the series' order, whatever order Dask would pick
            assert [line.split(" ...")[0] for line in r.stdout.splitlines() if " ... ok [" in line] == [
                "[1/3] 02_model",
                "[2/3] 07_recipes",
                "[3/3] 06_summary",
            ], r.stdout
    # each notebook in a folder of its own, its files sent back (as on a cluster elsewhere)
    monkeypatch.chdir(tmp_path)
    books = {p: {"output_dir": ".."} for p in sorted((tmp_path / "books").glob("*.ipynb"))}
    books = {p: books[p] for p in sorted(books, key=lambda p: p.name.startswith("06"))}
    away = tmp_path / "away"
    compute(series_graph(books, in_order=False), lambda stem, result: write_files(away, result["files"]))
    runs["away"] = _files(away)

    here = runs["here"]
    made = sorted(p for p in here if p.startswith(("outputs/", "models/", "notebooks/")))
    assert len(made) == 7, here.keys()
    for name, files in runs.items():
        assert made == sorted(p for p in files if p.startswith(("outputs/", "models/", "notebooks/"))), name
        for path in made:
            if not path.startswith("notebooks/"):
                assert files[path] == here[path], (name, path)
        for nb in BOOKS:  # the executed copies name the client's paths, not a worker's temporary folder
            meta = nbformat.reads(files[f"notebooks/{nb}.ipynb"].decode(), 4).metadata.papermill
            assert meta.input_path == f"books/{nb}.ipynb" and meta.output_path == f"notebooks/{nb}.ipynb", meta
    assert here["outputs/all.txt"] == b"02.txt,07.txt"  # 06 saw every other notebook's output
    assert here["outputs/07.txt"] == b"seven"

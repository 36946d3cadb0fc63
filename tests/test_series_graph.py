"""The series as a Dask graph (``./run_all.sh --workers 2``) writes the same files as a serial run:
tiny notebooks without TensorFlow (07 reads 02's model, the summary 06 reads everything the others
wrote), run once serially and once on an embedded cluster of two workers."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from conftest import child_env

from series_runner.graph import dependencies

WRITE = ("from pathlib import Path\n"
         "out = Path(output_dir)\n"
         "(out / 'outputs').mkdir(exist_ok=True)\n")
BOOKS = {
    "02_model": WRITE + "(out / 'models').mkdir(exist_ok=True)\n"
                        "(out / 'models' / '02_model.keras').write_bytes(b'weights')\n"
                        "(out / 'outputs' / '02.txt').write_text('two')",
    "07_reuse": WRITE + "model = (out / 'models' / '02_model.keras').read_bytes()  # fails before 02\n"
                        "(out / 'outputs' / '07.txt').write_text('seven:' + model.decode())",
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
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and not p.name.startswith(".")}


def test_dependencies():
    assert dependencies(["00", "01", "02", "06", "07"]) == {
        "00": [], "01": [], "02": [], "06": ["00", "01", "02", "07"], "07": ["02"]}
    assert dependencies(["07"]) == {"07": []}  # without 02 in the run, 07 runs as it would alone


@pytest.mark.slow
def test_workers_2_writes_the_same_files_as_a_serial_run(tmp_path):
    (tmp_path / "books").mkdir()
    for name, code in BOOKS.items():
        _book(tmp_path / "books" / f"{name}.ipynb", code)
    env = {**child_env(), "HELPERS_TF_THREADS": "1,1"}
    runs = {}
    for out, extra in (("serial", []), ("graph", ["--workers", "2"])):
        r = subprocess.run([sys.executable, "-m", "series_runner", "--notebooks", "books", "--out", out, *extra],
                           cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
        assert r.returncode == 0, r.stdout + r.stderr
        runs[out] = _files(tmp_path / out)
    serial, graph = runs["serial"], runs["graph"]
    assert sorted(graph) == sorted(serial)
    for name in serial:
        if name.startswith(("outputs/", "models/")):
            assert graph[name] == serial[name], name
    assert graph["outputs/all.txt"] == b"02.txt,07.txt"  # 06 saw every other notebook's output
    assert graph["outputs/07.txt"] == b"seven:weights"
    for nb in BOOKS:  # the executed copies name the client's paths, not a worker's temporary folder
        meta = nbformat.reads(graph[f"notebooks/{nb}.ipynb"].decode(), 4).metadata.papermill
        assert meta.input_path == f"books/{nb}.ipynb" and meta.output_path == f"notebooks/{nb}.ipynb", meta

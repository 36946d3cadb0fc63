"""Faults during a series run (``run_all.sh`` = ``python -m series_runner``): a notebook failing in
the middle, a kernel dying, and Ctrl-C. The runner keeps going after a failure, names it, keeps
every finished result; Ctrl-C stops it with status 130 and leaves the committed notebooks alone."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import psutil
import pytest
from conftest import child_env

REPO = Path(__file__).resolve().parent.parent


def _write_notebook(path: Path, body: str) -> None:
    """A tiny series notebook: a ``parameters`` cell with ``output_dir``, then ``body``."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    params = nbformat.v4.new_code_cell('output_dir = "."')
    params.metadata["tags"] = ["parameters"]
    nb.cells = [params, nbformat.v4.new_code_cell(body)]
    nbformat.write(nb, path)


def _finishes(name: str) -> str:
    return f'from pathlib import Path\nPath(output_dir, "{name}.done").write_text("finished")'


def _snapshot(*folders: Path) -> dict:
    """Every file under ``folders`` (by its path below the folders' parent): its bytes' SHA-256
    and modification time."""
    snap = {}
    for folder in folders:
        for p in sorted(folder.rglob("*")) if folder.exists() else []:
            if p.is_file():
                key = str(p.relative_to(folder.parent))
                snap[key] = (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns)
    return snap


FAILURES = {
    "exception": ('raise ValueError("a deliberate failure in the middle")', "a deliberate failure in the middle"),
    "kernel_dies": ("import os\nos._exit(3)", None),
}


@pytest.mark.parametrize("kind", FAILURES)
def test_a_failing_notebook_does_not_stop_the_series(tmp_path, kind):
    body, message = FAILURES[kind]
    books = tmp_path / "books"
    books.mkdir()
    _write_notebook(books / "00_first.ipynb", _finishes("00_first"))
    _write_notebook(books / "01_broken.ipynb", body)
    _write_notebook(books / "02_last.ipynb", _finishes("02_last"))
    out = tmp_path / "run"
    r = subprocess.run(
        [sys.executable, "-m", "series_runner", "--notebooks", str(books), "--out", str(out)],
        cwd=REPO,
        env=child_env(),
        capture_output=True,
        text=True,
        timeout=300,
    )

    assert r.returncode == 1, r.stdout + r.stderr
    assert "FAILED notebook(s): 01_broken" in r.stderr
    assert "[2/3] 01_broken ... FAILED" in r.stdout and "[3/3] 02_last ... ok" in r.stdout
    # an absolute --out is printed as given, not as a chain of ../
    assert f"Running 3 notebooks into {out}/" in r.stdout
    assert f"see {out}/notebooks/01_broken.ipynb" in r.stdout and "../" not in r.stdout
    # The notebooks before and after the failing one ran and kept their results.
    assert (out / "00_first.done").read_text() == "finished"
    assert (out / "02_last.done").read_text() == "finished"
    summary = json.loads((out / "results.json").read_text())
    assert summary["failed"] == ["01_broken"] and set(summary["notebook_seconds"]) == {
        "00_first",
        "01_broken",
        "02_last",
    }
    assert (out / "results.md").is_file()
    # The failing notebook's executed copy is kept, and shows the error when there was one.
    executed = nbformat.read(out / "notebooks" / "01_broken.ipynb", as_version=4)
    if message:
        errors = [o for c in executed.cells for o in c.get("outputs", []) if o.output_type == "error"]
        assert errors and errors[0].ename == "ValueError" and message in errors[0].evalue
    assert "IPKernelApp" not in r.stdout + r.stderr, "kernel log noise in the runner's output"


def test_an_empty_notebooks_folder_is_a_clear_error(tmp_path):
    r = subprocess.run(
        [sys.executable, "-m", "series_runner", "--notebooks", str(tmp_path), "--out", str(tmp_path / "run")],
        cwd=REPO,
        env=child_env(),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert r.returncode == 2 and "no NN_*.ipynb notebook" in r.stderr
    assert not (tmp_path / "run").exists()


@pytest.mark.slow
def test_ctrl_c_stops_the_series_and_loses_nothing(tmp_path):
    """Ctrl-C in a terminal sends SIGINT to the whole process group, kernel included. The notebook
    that finished before keeps every result, byte for byte; the notebooks run are only read."""
    books = tmp_path / "books"
    books.mkdir()
    _write_notebook(books / "00_first.ipynb", _finishes("00_first"))
    _write_notebook(
        books / "01_slow.ipynb",
        "from pathlib import Path\nimport time\n"
        'Path(output_dir, "01_slow.started").write_text("started")\ntime.sleep(300)',
    )
    _write_notebook(books / "02_last.ipynb", _finishes("02_last"))
    sources = _snapshot(REPO / "notebooks", books)
    assert len(sources) >= 3
    out = tmp_path / "run"
    proc = subprocess.Popen(
        [sys.executable, "-m", "series_runner", "--quick", "--notebooks", str(books), "--out", str(out)],
        cwd=REPO,
        env=child_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    started = out / "01_slow.started"
    deadline = time.monotonic() + 120
    while not started.exists() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.1)
    assert proc.poll() is None and started.exists(), "the series ended before it could be interrupted"
    # What 00_first left in the run folder: its executed copy and its output file (01_slow's copy
    # is still being written; the run's lock file goes when the run ends).
    finished = {k: v for k, v in _snapshot(out).items() if not k.endswith(("01_slow.ipynb", ".run.lock"))}
    assert {
        str((out / "00_first.done").relative_to(tmp_path)),
        str((out / "notebooks" / "00_first.ipynb").relative_to(tmp_path)),
    } <= set(finished)
    kernels = psutil.Process(proc.pid).children(recursive=True)
    assert kernels, "no kernel process was started"
    os.killpg(proc.pid, signal.SIGINT)
    stdout, stderr = proc.communicate(timeout=120)

    assert proc.returncode == 130, stdout + stderr
    assert "[2/3] 01_slow ... interrupted" in stdout and "Stopped at 01_slow" in stderr
    summary = json.loads((out / "results.json").read_text())
    assert summary["interrupted"] == "01_slow" and set(summary["notebook_seconds"]) == {"00_first"}
    assert f"./run_all.sh --quick --notebooks {books} --out {out} --only 01,02" in stderr
    assert not (out / "02_last.done").exists()
    # Nothing is left running; the notebooks run (and the committed ones) are untouched; what
    # finished before Ctrl-C is still there, byte for byte.
    _, alive = psutil.wait_procs(kernels, timeout=20)
    assert not alive, f"processes left running: {[p.pid for p in alive]}"
    assert _snapshot(REPO / "notebooks", books) == sources
    after = _snapshot(out)
    assert {k: after.get(k) for k in finished} == finished
    assert (out / "00_first.done").read_text() == "finished"
    # The report shows the interrupted notebook as such.
    index = (out / "index.html").read_text()
    assert 'id="01_slow"' in index and "interrupted (partial)" in index
    assert not [p for p in out.rglob(".*") if p.is_file()], "temporary files left behind"

"""One run per run folder (``helpers.runlock``): a second run into a folder that a live run is
writing stops at once and names that run; a folder left by a run that was killed is usable again
with no clean-up; the series' own notebooks are not blocked by their run's lock. And a notebook's
``output_dir=None`` is the repository's ``runs/notebooks`` wherever the kernel starts."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest
from conftest import child_env

import helpers
from helpers import files, runlock

REPO = Path(__file__).resolve().parent.parent


def _books(folder: Path) -> Path:
    """One tiny notebook that prepares its run folder as every notebook of the series does."""
    folder.mkdir()
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    params = nbformat.v4.new_code_cell('output_dir = "."')
    params.metadata["tags"] = ["parameters"]
    nb.cells = [
        params,
        nbformat.v4.new_code_cell(
            "import helpers\nfrom pathlib import Path\n"
            "out = helpers.prepare_output_dir(output_dir)\n(out / 'done.txt').write_text('done')"
        ),
    ]
    nbformat.write(nb, folder / "00_tiny.ipynb")
    return folder


def _hold_lock(out: Path) -> subprocess.Popen:
    """Another process (a run) holding ``out``'s lock, until it is killed."""
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            (
                "import time\nfrom helpers import runlock\n"
                f"runlock.acquire({str(out)!r}, './run_all.sh --out run')\nprint('locked', flush=True)\ntime.sleep(120)"
            ),
        ],
        env=child_env(),
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout.readline().strip() == "locked"
    return holder


def _series(books: Path, out: Path, timeout: float = 120):
    t0 = time.monotonic()
    r = subprocess.run(
        [sys.executable, "-m", "series_runner", "--notebooks", str(books), "--out", str(out)],
        cwd=REPO,
        env=child_env(),
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    return r, time.monotonic() - t0


def test_a_second_run_into_a_busy_folder_stops_at_once_naming_the_first(tmp_path):
    books = _books(tmp_path / "books")
    out = tmp_path / "run"
    out.mkdir()
    with runlock.acquire(out, "./run_all.sh --quick --out run") as lock:
        r, seconds = _series(books, out)
        assert lock.path.is_file()
    assert r.returncode == 2, r.stdout + r.stderr
    assert seconds < 15 and "Traceback" not in r.stderr
    assert r.stderr.startswith(
        f"run_all.sh: run folder {out}/ is being written by another run (process {os.getpid()}, started "
    )
    assert "command: ./run_all.sh --quick --out run)" in r.stderr and "--out DIR" in r.stderr
    assert not (out / "notebooks").exists() and not (out / "done.txt").exists()
    assert not (out / runlock.LOCK_FILE).exists(), "the lock file outlived its run"


def test_a_notebook_run_on_its_own_is_refused_a_folder_another_run_holds(tmp_path, monkeypatch):
    out = tmp_path / "run"
    out.mkdir()
    holder = _hold_lock(out)
    try:
        monkeypatch.delenv(runlock.RUN_VARIABLE, raising=False)
        with pytest.raises(runlock.RunFolderBusy, match=f"process {holder.pid}, started .*--out run"):
            helpers.prepare_output_dir(out)
        monkeypatch.setenv(runlock.RUN_VARIABLE, str(holder.pid))  # a notebook of that very run
        assert helpers.prepare_output_dir(out) == out
    finally:
        holder.kill()
        holder.wait()
    # killed: the folder is free again, with its lock file still there
    assert (out / runlock.LOCK_FILE).is_file() and runlock.holder(out) is None
    monkeypatch.delenv(runlock.RUN_VARIABLE, raising=False)
    assert helpers.prepare_output_dir(out) == out


def test_after_a_killed_run_a_new_run_works(tmp_path):
    books = _books(tmp_path / "books")
    out = tmp_path / "run"
    out.mkdir()
    dead = _hold_lock(out)
    assert runlock.holder(out)["pid"] == dead.pid
    os.kill(dead.pid, signal.SIGKILL)
    dead.wait()
    assert (out / runlock.LOCK_FILE).is_file()  # left behind, as by any killed run

    r, _ = _series(books, out)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "[1/1] 00_tiny ... ok" in r.stdout  # its own notebook was not blocked by its run's lock
    assert (out / "done.txt").read_text() == "done"
    assert not (out / runlock.LOCK_FILE).exists()


def test_output_dir_none_is_the_repositorys_runs_notebooks_from_any_folder(tmp_path, monkeypatch):
    for cwd in (tmp_path, REPO / "notebooks", REPO):
        r = subprocess.run(
            [sys.executable, "-c", "import helpers\nprint(helpers.files.run_folder(None))"],
            cwd=cwd,
            env=child_env(),
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert r.returncode == 0, r.stderr
        assert Path(r.stdout.strip()) == REPO / "runs" / "notebooks", cwd
    # an explicit path still means what the user wrote, relative to the current folder
    monkeypatch.chdir(tmp_path)
    assert files.run_folder("../elsewhere") == Path("../elsewhere")
    # every helper that takes output_dir resolves None the same way
    monkeypatch.setattr(files, "DEFAULT_RUN_FOLDER", tmp_path / "default")
    namespace = {"output_dir": None, "epochs": 1}
    assert helpers.check_parameters(namespace)["output_dir"] is None
    out = helpers.prepare_output_dir(None)
    assert out == tmp_path / "default" and (out / "metrics").is_dir()
    (out / "metrics" / "01_lstm_25_tokens.json").write_text('{"test_accuracy": 0.5}')
    assert helpers.read_all_metrics(None) == {"01_lstm_25_tokens": {"test_accuracy": 0.5}}
    assert helpers.in_run_folder(out / "figures" / "x.png", None) == "figures/x.png"

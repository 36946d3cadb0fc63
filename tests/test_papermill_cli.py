"""papermill's own command line, as an instructor runs it (papermill's documentation's way): from
the repository's root and from ``notebooks/``, without ``-p output_dir``, a notebook writes its run
folder into the repository's ``runs/notebooks/`` and nowhere else; the folder that holds the clone
is left untouched."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import child_env
from install_support import copy_repo

TINY = ["-p", "data_source", "synthetic", "-p", "train_size", "200", "-p", "test_size", "40"]


def _files(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()}


@pytest.mark.slow
def test_papermill_from_the_root_and_from_notebooks_writes_into_the_repository(tmp_path):
    parent = tmp_path / "parent"  # an otherwise empty folder holding the clone
    clone = copy_repo(parent / "clone")
    before = _files(clone)
    papermill = str(Path(sys.executable).parent / "papermill")
    # the clone's own helpers, as in a clone with its own .venv; no __pycache__ written into the clone
    env = {**child_env(), "PYTHONPATH": str(clone), "PYTHONDONTWRITEBYTECODE": "1"}
    for cwd, notebook, output in (
        (clone, "notebooks/00_prepare_data.ipynb", "out-root.ipynb"),
        (clone / "notebooks", "00_prepare_data.ipynb", "../out-notebooks.ipynb"),
    ):
        r = subprocess.run(
            [papermill, notebook, output, *TINY], cwd=cwd, env=env, capture_output=True, text=True, timeout=600
        )
        assert r.returncode == 0, f"papermill in {cwd.relative_to(parent)}: {r.stderr[-3000:]}"
        assert sorted(os.listdir(parent)) == ["clone"], f"written beside the clone: {os.listdir(parent)}"
    new = _files(clone) - before
    outside = sorted(
        f
        for f in new - {"out-root.ipynb", "out-notebooks.ipynb"}
        if not f.startswith(os.path.join("runs", "notebooks") + os.sep)
    )
    assert not outside, f"written outside runs/notebooks: {outside}"
    figures = clone / "runs" / "notebooks" / "figures"
    assert sorted(p.name for p in figures.glob("00_prepare_data_*.png")), sorted(new)
    assert not (clone / "notebooks" / "runs").exists() and not (parent / "runs").exists()

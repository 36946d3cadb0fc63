"""Installing as Python users do (slow: each test builds a virtual environment with uv, from its cache):

- on a Colab-like runtime (Python 3.12 with Colab's TensorFlow 2.19, Keras 3.10, NumPy 2.0, IPython
  7.34, ipykernel 6.17.1, tornado 6.4.2, ...: :data:`COLAB_LIKE`), in a copy whose address
  tools/set_repository.py set, notebooks 00 and 01 run at quick settings, their first cell taking
  the Colab path (``google.colab`` imported: the clone, the install of what Colab lacks, ``%cd``),
  and the install changes none of Colab's packages;
- ``pip install ".[notebooks]"`` from pyproject.toml alone (no requirements.txt) gives a kernel on
  which notebook 01 runs at quick settings.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from install_support import QUICK_RUN, copy_repo, find_python

REPO = Path(__file__).resolve().parent.parent
ADDRESS = "https://github.com/example-org/lstm-agnews"
"""The address the Colab test sets in its copy (git clones it from the copy: no network)."""
BIN = Path(sys.executable).parent
COLAB_LIKE = [
    "tensorflow==2.19.*",
    "keras==3.10.*",
    "numpy==2.0.*",
    "ipython==7.34.0",
    "ipykernel==6.17.1",
    "tornado==6.4.2",
    "pandas==2.2.2",
    "scikit-learn==1.6.1",
    "matplotlib==3.10.0",
    "scipy==1.15.*",
    "scikit-image==0.25.*",
    "tqdm",
]
"""Colab's runtime as far as the series touches it (Python 3.12): what Colab ships, not lime."""
WATCHED = (
    "tensorflow",
    "keras",
    "numpy",
    "ipython",
    "ipykernel",
    "tornado",
    "pandas",
    "scikit-learn",
    "matplotlib",
    "scipy",
    "jupyter-client",
    "pyzmq",
    "traitlets",
)
QUICK_00 = ["-p", "data_source", "synthetic", "-p", "train_size", "200", "-p", "test_size", "40"]

pytestmark = pytest.mark.slow


def uv() -> str:
    found = shutil.which("uv") or str(BIN / "uv")
    if not Path(found).exists():
        pytest.skip("uv is not installed (it is in requirements-test.txt: run ./run_tests.sh)")
    return found


def make_venv(folder: Path, python: str, *packages: str) -> Path:
    subprocess.run([uv(), "venv", "-q", "--seed", "--python", python, str(folder)], check=True, timeout=300)
    if packages:
        r = subprocess.run(
            [uv(), "pip", "install", "-q", "--python", str(folder / "bin" / "python"), *packages],
            capture_output=True,
            text=True,
            timeout=900,
        )
        assert r.returncode == 0, r.stderr[-3000:]
    return folder / "bin" / "python"


def versions(python: Path) -> dict[str, str]:
    out = subprocess.run(
        [
            str(python),
            "-I",
            "-c",
            "import json, importlib.metadata as m; print(json.dumps("
            "{d.metadata['Name'].lower().replace('_', '-'): d.version for d in m.distributions()}))",
        ],
        capture_output=True,
        text=True,
        check=True,
        cwd=python.parent,
    ).stdout
    return json.loads(out)


def kernel_spec(folder: Path, name: str, python: Path) -> Path:
    """A Jupyter kernel running ``python`` (as Colab's runs its own), in a JUPYTER_PATH folder."""
    spec = folder / "kernels" / name
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(
        json.dumps(
            {
                "argv": [str(python), "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                "display_name": name,
                "language": "python",
            }
        )
    )
    return folder


def papermill(
    notebook: str, out: Path, kernel: str, cwd: Path, env: dict, *parameters: str, notebooks: Path = REPO / "notebooks"
) -> dict:
    """Runs a notebook (of this repository, or of ``notebooks``) with papermill on ``kernel``, started
    in ``cwd``; its metrics."""
    out.mkdir(parents=True, exist_ok=True)
    r = subprocess.run(
        [
            str(BIN / "papermill"),
            str(notebooks / f"{notebook}.ipynb"),
            str(out / f"{notebook}.ipynb"),
            "-k",
            kernel,
            "--cwd",
            str(cwd),
            *parameters,
            "-p",
            "output_dir",
            str(out),
        ],
        env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", **env},
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert r.returncode == 0, r.stderr[-4000:]
    metrics = out / "metrics" / f"{notebook}.json"
    return json.loads(metrics.read_text()) if metrics.exists() else {}


def git_origin(folder: Path) -> tuple[Path, dict]:
    """A git repository of the working tree whose address tools/set_repository.py set to ADDRESS,
    and the environment that makes ``git clone ADDRESS`` clone it (git's url.<base>.insteadOf): the
    clone on Colab, without the network."""
    copy_repo(folder)
    r = subprocess.run([sys.executable, "tools/set_repository.py", ADDRESS], cwd=folder, capture_output=True, text=True)
    if "nothing written" in r.stderr:
        pytest.skip(f"the notebooks lack the series' first cell: {r.stderr.strip()[:300]}")
    assert r.returncode == 0, r.stderr
    for args in (
        ["init", "-q"],
        ["add", "-A"],
        ["-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-qm", "s"],
    ):
        subprocess.run(["git", *args], cwd=folder, check=True, capture_output=True)
    return folder, {
        "GIT_CONFIG_COUNT": "1",
        "GIT_CONFIG_KEY_0": f"url.{folder.as_uri()}.insteadOf",
        "GIT_CONFIG_VALUE_0": ADDRESS,
    }


def test_colab_like_runtime_keeps_its_packages_and_runs_00_and_01(tmp_path):
    python = find_python("3.12")
    if python is None:
        pytest.skip("no Python 3.12 here (pyenv or PATH): Colab runs Python 3.12")
    origin, git = git_origin(tmp_path / "origin")
    colab = make_venv(tmp_path / "colab", python, *COLAB_LIKE)
    before = versions(colab)
    assert "lime" not in before and "lstm-agnews-helpers" not in before

    # 00 and 01 on that runtime, their first cell on the Colab path: a fresh start folder (the clone
    # happens there), google.colab imported at the kernel's start as on Colab, its pip first on PATH
    ipython_dir = tmp_path / "ipython"
    (ipython_dir / "profile_default" / "startup").mkdir(parents=True)
    (ipython_dir / "profile_default" / "startup" / "00-colab.py").write_text(
        "import sys, types\nsys.modules['google.colab'] = types.ModuleType('google.colab')\n"
    )
    start = tmp_path / "start"
    start.mkdir()
    env = {
        **git,
        "JUPYTER_PATH": str(kernel_spec(tmp_path / "jupyter", "colab-like", colab)),
        "IPYTHONDIR": str(ipython_dir),
        "PATH": f"{colab.parent}{os.pathsep}{os.environ['PATH']}",
    }
    papermill(
        "00_prepare_data", tmp_path / "run00", "colab-like", start, env, *QUICK_00, notebooks=origin / "notebooks"
    )
    assert (start / "lstm-agnews" / "notebooks" / "01_lstm_25_tokens.ipynb").exists()  # cloned by the first cell
    after = versions(colab)
    assert {k: after.get(k) for k in WATCHED} == {k: before.get(k) for k in WATCHED}
    assert set(after) - set(before) == {"lime", "lstm-agnews-helpers"}, set(after) - set(before)
    metrics = papermill(
        "01_lstm_25_tokens", tmp_path / "run01", "colab-like", start, env, *QUICK_RUN, notebooks=origin / "notebooks"
    )
    assert metrics["versions"]["tensorflow"] == before["tensorflow"] and metrics["versions"]["keras"] == before["keras"]
    assert len(metrics["history"]["loss"]) == 1 and 0 <= metrics["test_accuracy"] <= 1
    final = versions(colab)
    assert {k: final.get(k) for k in WATCHED} == {k: before.get(k) for k in WATCHED}


def test_pip_install_from_pyproject_alone_gives_a_kernel_that_runs_01(tmp_path):
    """A copy without requirements.txt, installed as a learner would (``pip install ".[notebooks]"``,
    not editable), runs notebook 01 from another folder: helpers comes from the installed package."""
    python = find_python("%d.%d" % sys.version_info[:2])
    if python is None:
        pytest.skip("no base interpreter for this Python")
    copy = copy_repo(tmp_path / "repo", without=("requirements.txt",))
    assert not (copy / "requirements.txt").exists()
    venv = make_venv(tmp_path / "venv", python, f"{copy}[notebooks]")
    origin = subprocess.run(
        [str(venv), "-I", "-c", "import importlib.util; print(importlib.util.find_spec('helpers').origin)"],
        capture_output=True,
        text=True,
        check=True,
        cwd=tmp_path,
    ).stdout
    assert "site-packages" in origin, origin
    have = versions(venv)
    start = tmp_path / "elsewhere"
    start.mkdir()
    metrics = papermill(
        "01_lstm_25_tokens",
        tmp_path / "run01",
        "from-pyproject",
        start,
        {"JUPYTER_PATH": str(kernel_spec(tmp_path / "jupyter", "from-pyproject", venv))},
        *QUICK_RUN,
    )
    assert metrics["versions"]["keras"] == have["keras"] and metrics["versions"]["tensorflow"] == have["tensorflow"]
    assert len(metrics["history"]["loss"]) == 1 and 0 <= metrics["test_accuracy"] <= 1

"""The notebooks' first code cell (``kernel-check``, the same in every notebook) and helpers/kernel.py:
it passes in the project's kernel; on a Python, TensorFlow or Keras outside the ranges pyproject.toml
declares it stops with one message naming the versions found and those needed (never a traceback
inside Keras), locally and on Colab; on Colab it installs only what Colab lacks; and the project's
address stands in one place (pyproject.toml), which every mention repeats."""

from __future__ import annotations

import os
import re
import runpy
import subprocess
import sys
import tomllib
from pathlib import Path

import nbformat
import pytest
from IPython.core.inputtransformer2 import TransformerManager
from test_setup import _probe, find_python

REPO = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((REPO / "notebooks").glob("[0-9][0-9]_*.ipynb"))
PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text())
ADDRESS = PYPROJECT["project"]["urls"]["Repository"]
LOCAL_TODO = "pick the kernel 'LSTM AG News' in Kernel > Change Kernel, or run ./setup.sh"


def kernel_cell() -> str:
    """The first code cell, as IPython runs it (its ``%cd`` and ``!git`` lines turned into Python)."""
    sources = {c.source for p in NOTEBOOKS for c in nbformat.read(p, as_version=4).cells if c.id == "kernel-check"}
    assert len(sources) == 1, "the notebooks' kernel-check cells differ: run tools/sync_cells.py"
    return TransformerManager().transform_cell(sources.pop())


def run_cell(tmp_path, prelude: str = "", python: str = sys.executable, cwd: Path | None = None,
             **env) -> subprocess.CompletedProcess:
    return subprocess.run([python, "-c", prelude + kernel_cell()], cwd=cwd or tmp_path, capture_output=True,
                          text=True, timeout=120, env={**os.environ, **env})


def last_line(r: subprocess.CompletedProcess) -> str:
    assert r.returncode != 0, r.stdout
    return r.stderr.strip().splitlines()[-1]


def fake_distribution(folder: Path, name: str, version: str) -> None:
    info = folder / f"{name}-{version}.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n")


def test_the_first_cell_passes_in_this_kernel(tmp_path):
    r = run_cell(tmp_path)
    assert r.returncode == 0, r.stderr[-2000:]
    assert r.stdout == ""


def test_the_first_cell_is_the_first_code_cell_everywhere():
    for path in NOTEBOOKS:
        nb = nbformat.read(path, as_version=4)
        code = [c for c in nb.cells if c.cell_type == "code"]
        assert code[0].id == "kernel-check", path.name
        assert [c.id for c in nb.cells].index("kernel-md") == [c.id for c in nb.cells].index("kernel-check") - 1


@pytest.mark.parametrize("fakes, found, needed", [
    ({"keras": "2.15.0"}, "Keras 2.15.0", "Keras 3.10 or later, before 4"),
    ({"keras": "2.15.0", "tensorflow": "2.15.1"}, "TensorFlow 2.15.1 and Keras 2.15.0",
     "TensorFlow 2.19 or later, before 2.22 and Keras 3.10 or later, before 4"),
], ids=["keras2", "keras2-tf215"])
def test_a_too_old_tensorflow_or_keras_stops_with_one_message(fakes, found, needed, tmp_path):
    """The tutorial's Keras 2 stack (its versions faked in the packages' metadata, which is what the
    check reads): one message naming what was found and what is needed, from the check itself."""
    for name, version in fakes.items():
        fake_distribution(tmp_path / "site", name, version)
    r = run_cell(tmp_path, PYTHONPATH=str(tmp_path / "site"))
    assert last_line(r) == f"ImportError: This kernel has {found}; the series needs {needed}: {LOCAL_TODO} " \
                           "and open the notebooks with .venv/bin/jupyter lab."
    assert "keras" not in "".join(l for l in r.stderr.splitlines() if l.startswith("  File")), r.stderr


def test_a_too_old_colab_runtime_stops_before_installing_anything(tmp_path):
    """On Colab (``google.colab`` imported) with TensorFlow 2.15 and Keras 2.15: the message says to
    take a newer runtime, and nothing is installed (pip is never called)."""
    for name, version in {"keras": "2.15.0", "tensorflow": "2.15.1"}.items():
        fake_distribution(tmp_path / "site", name, version)
    colab = ("import subprocess, sys, types\nsys.modules['google.colab'] = types.ModuleType('google.colab')\n"
             "def _no(*a, **k): raise AssertionError('installed something: %r' % (a,))\nsubprocess.run = _no\n")
    r = run_cell(tmp_path, colab, cwd=REPO / "notebooks", PYTHONPATH=str(tmp_path / "site"))
    last = last_line(r)
    assert last.startswith("ImportError: This kernel has TensorFlow 2.15.1 and Keras 2.15.0; the series needs "
                           "TensorFlow 2.19 or later"), last
    assert "choose the latest runtime version (Runtime > Change runtime type)" in last and "./setup.sh" not in last


def test_an_unsupported_python_stops_with_one_message(tmp_path):
    r = run_cell(tmp_path, "import sys\nsys.version_info = (3, 14, 0, 'final', 0)\n")
    assert last_line(r).startswith("ImportError: This kernel has Python 3.14.0; the series needs Python 3.11 or "
                                   "later, before 3.14: " + LOCAL_TODO)


@pytest.mark.parametrize("minor", ["3.8", "3.10"])
def test_an_old_python_kernel_gets_the_message_too(minor, tmp_path):
    """A real Python 3.8 or 3.10 without the project's packages: the first cell says it cannot import
    helpers; and helpers/kernel.py itself, standard library only, runs there and names the Python."""
    python = find_python(minor)
    if python is None:
        pytest.skip(f"no Python {minor} here (pyenv or PATH)")
    r = run_cell(tmp_path, python=python)
    assert last_line(r).startswith("ModuleNotFoundError: This kernel cannot import the project's package helpers: "
                                   "pick the kernel 'LSTM AG News'")
    check = f"import runpy; runpy.run_path({str(REPO / 'helpers' / 'kernel.py')!r})['check_kernel']()"
    r = subprocess.run([python, "-I", "-c", check], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert last_line(r).startswith(f"ImportError: This kernel has Python {_probe(python)[0]}; the series needs "
                                   "Python 3.11 or later, before 3.14: " + LOCAL_TODO)


def test_missing_packages_are_named(tmp_path):
    hide = ("import importlib.util\nreal = importlib.util.find_spec\n"
            "importlib.util.find_spec = lambda name, *a: None if name in ('tensorflow', 'lime') else real(name, *a)\n")
    assert last_line(run_cell(tmp_path, hide)).startswith(
        f"ModuleNotFoundError: This kernel lacks the project's packages (tensorflow, lime): {LOCAL_TODO}")


# ---------------------------------------------------------------------------------------------
# helpers/kernel.py's parts
# ---------------------------------------------------------------------------------------------


@pytest.fixture()
def kernel():
    return runpy.run_path(str(REPO / "helpers" / "kernel.py"))


def test_the_declared_ranges_are_pyproject_tomls(kernel):
    python, requirements = kernel["declared"]()
    assert python == PYPROJECT["project"]["requires-python"]
    assert requirements == PYPROJECT["project"]["dependencies"]
    names = [kernel["split_requirement"](r)[0] for r in requirements]
    assert {"tensorflow", "keras", "numpy", "scikit-learn", "pandas", "matplotlib", "lime"} <= set(names)


@pytest.mark.parametrize("version, specifier, ok", [
    ("2.19.1", ">=2.19,<2.22", True), ("2.22.0", ">=2.19,<2.22", False), ("2.15.1", ">=2.19,<2.22", False),
    ("3.10.0", ">=3.10,<4", True), ("4.0.0", ">=3.10,<4", False), ("0.2.0.1", ">=0.2.0.1,<0.3", True),
    ("3.13.0", ">=3.11,<3.14", True), ("3.14.0", ">=3.11,<3.14", False), ("2.0.2", ">=2.0,<3", True),
    ("2.21.0rc1", ">=2.19", True), ("1.26.4", ">=2.0,<3", False),
])
def test_satisfies_compares_release_numbers(kernel, version, specifier, ok):
    assert kernel["satisfies"](version, specifier) is ok


def test_on_colab_only_the_project_and_what_colab_lacks_are_installed(kernel, monkeypatch):
    """With every version in range and LIME and the project missing: pip installs the project
    without its dependencies and LIME at its declared range, nothing else."""
    calls = []
    check = kernel["check_kernel"]
    g = check.__globals__
    monkeypatch.setitem(g, "out_of_range", lambda: [])
    monkeypatch.setitem(g, "missing", lambda: [] if calls else ["lime>=0.2.0.1,<0.3"])
    monkeypatch.setitem(g, "installed_version", lambda name: None)
    monkeypatch.setattr(g["subprocess"], "run", lambda args, **kw: calls.append(args[3:]))
    check(colab=True)
    assert calls == [["install", "-q", "--no-deps", "-e", str(REPO)], ["install", "-q", "lime>=0.2.0.1,<0.3"]]


# ---------------------------------------------------------------------------------------------
# The project's address: one place
# ---------------------------------------------------------------------------------------------

OTHER_PROJECTS = {"computationalmodelling/nbval", "mhjabreel/CharCnn_Keras"}
"""Other projects' repositories the documents link to."""


def test_every_mention_of_the_projects_address_agrees():
    """pyproject.toml's [project.urls] Repository is the address; the README, CONTRIBUTING, the docs
    and every notebook's first cell name that one (the clone, the Open-in-Colab links)."""
    project = re.fullmatch(r"https://github\.com/([\w.-]+/[\w.-]+)", ADDRESS).group(1)
    mentions = {}
    files = [REPO / "README.md", REPO / "CONTRIBUTING.md", *sorted((REPO / "docs").glob("*.md")), *NOTEBOOKS]
    for path in files:
        text = path.read_text() if path.suffix == ".md" else \
            "\n".join(c.source for c in nbformat.read(path, as_version=4).cells)
        for repo in re.findall(r"(?:github\.com|colab\.research\.google\.com/github)/([\w.-]+/[\w.-]+?)(?:\.git)?(?=[/\s\"')\]]|$)",
                               text):
            if repo not in OTHER_PROJECTS:
                mentions.setdefault(repo, set()).add(path.relative_to(REPO).as_posix())
    assert set(mentions) == {project}, mentions
    assert {f"notebooks/{p.name}" for p in NOTEBOOKS} | {"README.md"} <= mentions[project]
    readme = (REPO / "README.md").read_text()
    for path in NOTEBOOKS:   # an Open-in-Colab link for every notebook
        assert f"https://colab.research.google.com/github/{project}/blob/main/notebooks/{path.name}" in readme, path.name

"""The notebooks' first code cell (``kernel-check``, the same in every notebook) and helpers/kernel.py:
it passes in the project's kernel; with Python or a runtime requirement outside the ranges
pyproject.toml declares, or missing, it stops with one message naming what was found, what is
needed and what to do (never a traceback inside Keras); and the project's address stands in one
place (pyproject.toml), which every mention repeats."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import nbformat
import pytest
from IPython.core.inputtransformer2 import TransformerManager

from helpers import kernel

REPO = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((REPO / "notebooks").glob("[0-9][0-9]_*.ipynb"))
PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text())
LOCAL_TODO = "pick the kernel 'LSTM AG News' in Kernel > Change Kernel, or run ./setup.sh"


def kernel_cell() -> str:
    """The first code cell, as IPython runs it (its ``%cd`` and ``!git`` lines turned into Python)."""
    sources = {c.source for p in NOTEBOOKS for c in nbformat.read(p, as_version=4).cells if c.id == "kernel-check"}
    assert len(sources) == 1, "the notebooks' kernel-check cells differ"
    return TransformerManager().transform_cell(sources.pop())


def fake_distribution(folder: Path, name: str, version: str, *lines: str) -> None:
    info = folder / f"{name.replace('-', '_')}-{version}.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(
        "\n".join(["Metadata-Version: 2.1", f"Name: {name}", f"Version: {version}", *lines]) + "\n"
    )


def test_the_first_cell_passes_in_this_kernel(tmp_path):
    r = subprocess.run(
        [sys.executable, "-c", kernel_cell()], cwd=REPO / "notebooks", capture_output=True, text=True, timeout=120
    )
    assert r.returncode == 0, r.stderr[-2000:]
    assert r.stdout == ""


def test_a_too_old_keras_stops_the_first_cell_before_keras_is_imported(tmp_path):
    """The tutorial's Keras 2 stack (its versions faked in the packages' metadata, which is what the
    check reads): one message naming what was found and what is needed, from the check itself."""
    for name, version in {"keras": "2.15.0", "tensorflow": "2.15.1"}.items():
        fake_distribution(tmp_path / "site", name, version)
    code = kernel_cell() + "\nprint('passed')"
    r = subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO / "notebooks",
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONPATH": str(tmp_path / "site")},
    )
    assert r.returncode != 0 and "passed" not in r.stdout
    assert r.stderr.strip().splitlines()[-1] == (
        "ImportError: This kernel has TensorFlow 2.15.1 and Keras 2.15.0; the series needs TensorFlow 2.19 "
        f"or later, before 2.22 and Keras 3.10 or later, before 4: {LOCAL_TODO} and open the notebooks "
        "with .venv/bin/jupyter lab."
    )
    assert "keras" not in "".join(line for line in r.stderr.splitlines() if line.startswith("  File")), r.stderr


def test_a_missing_package_is_named(monkeypatch):
    real = kernel.importlib.metadata.version

    def version(name):
        if name == "lime":
            raise kernel.importlib.metadata.PackageNotFoundError(name)
        return real(name)

    monkeypatch.setattr(kernel.importlib.metadata, "version", version)
    with pytest.raises(
        ImportError,
        match=re.escape(f"This kernel has no LIME; the series needs LIME 0.2.0.1 or later, before 0.3: {LOCAL_TODO}"),
    ):
        kernel.check_kernel()


def test_an_unsupported_python_is_named_and_colab_gets_its_own_advice(monkeypatch):
    monkeypatch.setattr(sys, "version_info", (3, 14, 0, "final", 0))
    with pytest.raises(
        ImportError,
        match=re.escape(
            f"This kernel has Python 3.14.0; the series needs Python 3.11 or later, before 3.14: {LOCAL_TODO}"
        ),
    ):
        kernel.check_kernel()
    monkeypatch.setitem(sys.modules, "google.colab", type(sys)("google.colab"))
    with pytest.raises(ImportError) as error:
        kernel.check_kernel()
    assert "Runtime > Change runtime type" in str(error.value) and "./setup.sh" not in str(error.value)


def test_the_ranges_are_pyproject_tomls(tmp_path, monkeypatch):
    """Another pyproject.toml beside the package: its ranges are the ones checked."""
    numpy = kernel.installed_version("numpy")
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text(
        '[project]\nrequires-python = ">=3.11"\ndependencies = [\n  "numpy>=99.1",\n'
        '  "pandas>=0.1",\n  "not-installed-here>=1; python_version < \'3\'",\n]\n'
    )
    monkeypatch.setattr(kernel, "PYPROJECT", pyproject)
    with pytest.raises(
        ImportError, match=re.escape(f"This kernel has NumPy {numpy}; the series needs NumPy 99.1 or later: ")
    ):
        kernel.check_kernel()


def test_without_pyproject_the_installed_metadata_is_read(tmp_path, monkeypatch):
    """An installed project (no pyproject.toml beside the package): its Requires-Python and runtime
    Requires-Dist, extras left out."""
    fake_distribution(
        tmp_path,
        kernel.PROJECT,
        "1.0.0",
        "Requires-Python: >=3.11,<3.99",
        "Requires-Dist: numpy>=99.1",
        "Provides-Extra: test",
        'Requires-Dist: absent-one; extra == "test"',
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(kernel, "PYPROJECT", tmp_path / "absent" / "pyproject.toml")
    python, requirements = kernel.declared()
    assert python == kernel.SpecifierSet(">=3.11,<3.99") and [str(r) for r in requirements] == ["numpy>=99.1"]
    with pytest.raises(ImportError, match=r"This kernel has NumPy [\d.]+; the series needs NumPy 99.1 or later: "):
        kernel.check_kernel()


# ---------------------------------------------------------------------------------------------
# The project's address: one place
# ---------------------------------------------------------------------------------------------

"""helpers.kernel: the notebooks' first cell stops on a kernel that is not the project's, saying why."""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path

import pytest

from helpers import kernel

REPO = Path(__file__).resolve().parent.parent


def test_the_supported_pythons_are_pyprojects():
    requires = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["requires-python"]
    low, high = kernel.PYTHONS
    assert requires == f">={low[0]}.{low[1]},<{high[0]}.{high[1] + 1}"


def test_this_kernel_passes():
    kernel.check_kernel()


def test_an_unsupported_python_is_named(monkeypatch):
    monkeypatch.setattr(sys, "version_info", (3, 14, 0, "final", 0))
    with pytest.raises(ImportError, match=r"^This kernel has Python 3\.14\.0 \(the project needs 3\.11, 3\.12 or 3\.13\)"):
        kernel.check_kernel()


def test_missing_packages_and_old_versions_are_named(monkeypatch):
    real = kernel.importlib.util.find_spec
    monkeypatch.setattr(kernel.importlib.util, "find_spec", lambda name, *a: None if name == "lime" else real(name, *a))
    with pytest.raises(ModuleNotFoundError, match=r"lacks the project's packages \(lime\): .*'LSTM AG News'"):
        kernel.check_kernel()
    monkeypatch.undo()
    versions = {"keras": "2.15.0", "tensorflow": "2.15.1"}
    monkeypatch.setattr(kernel, "installed_version", lambda *names: versions.get(names[0]))
    with pytest.raises(ImportError, match=r"Keras 2\.15\.0 \(the notebooks need Keras 3\) and TensorFlow 2\.15\.1"):
        kernel.check_kernel()

"""Whether a notebook's kernel is the project's: every notebook's first code cell calls :func:`check_kernel`.

This module needs only the standard library and parses on Python 3.8 and later, so run on its own
it says what is wrong with any kernel (an older or newer Python, packages missing or too old); it
reads versions from the installed packages' metadata. ``import helpers.kernel`` imports the package
(and so Keras) first: where that fails, the first cell says what to do in one sentence of its own.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import sys

PYTHONS = ((3, 11), (3, 13))
"""The oldest and newest Python the project supports (pyproject.toml's ``requires-python``)."""

PACKAGES = ("helpers", "tensorflow", "keras", "sklearn", "lime", "matplotlib", "pandas")
"""What the notebooks import (import names)."""

PLACEHOLDER_URL = "https://github.com/OWNER/REPOSITORY.git"
"""REPO_URL where no ``REPO_URL`` is set: whoever publishes the repository puts its address here."""


def what_to_do(repo_url: str = PLACEHOLDER_URL, colab: bool | None = None) -> str:
    """What to do when the kernel is not the project's: the Colab steps in a Colab runtime
    (``google.colab`` imported), else the project's kernel or ``./setup.sh``."""
    if colab is None:
        colab = "google.colab" in sys.modules
    if colab:
        return (f"in a Colab cell run !git clone {repo_url} lstm-agnews && pip install -q -r lstm-agnews/requirements.txt "
                "-e lstm-agnews, then Runtime > Restart session, then %cd lstm-agnews/notebooks and run the notebook again.")
    return ("pick the kernel 'LSTM AG News' in Kernel > Change Kernel, or run ./setup.sh and open the notebooks "
            "with .venv/bin/jupyter lab.")


def installed_version(*distributions: str) -> str | None:
    """The version of the first of these distributions that is installed (read, not imported)."""
    for name in distributions:
        try:
            return importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            pass
    return None


def _major_minor(version: str) -> tuple[int, int]:
    parts = [int(n) if n.isdigit() else 0 for n in version.split(".")[:2]] + [0, 0]
    return parts[0], parts[1]


def check_versions(todo: str) -> None:
    """Raise an ``ImportError`` that says what this kernel has and ``todo`` (what to do) when its
    Keras is not 3 or its TensorFlow older than 2.16."""
    wrong = []
    keras = installed_version("keras") or "3"
    if keras.split(".")[0] != "3":
        wrong.append(f"Keras {keras} (the notebooks need Keras 3)")
    tensorflow = installed_version("tensorflow", "tensorflow-cpu", "tensorflow-macos") or "2.16"
    if _major_minor(tensorflow) < (2, 16):
        wrong.append(f"TensorFlow {tensorflow} (Keras 3 needs TensorFlow 2.16 or later)")
    if wrong:
        raise ImportError(f"This kernel has {' and '.join(wrong)}: {todo}")


def check_kernel(repo_url: str = PLACEHOLDER_URL) -> None:
    """Stop, saying what this kernel lacks and what to do, unless it runs Python 3.11-3.13 with the
    project's packages, Keras 3 and TensorFlow 2.16 or later.

    Raises ``ModuleNotFoundError`` when packages are missing (naming them, and the Python when it is
    outside 3.11-3.13 too), else ``ImportError`` for an unsupported Python or old Keras/TensorFlow.
    """
    todo = what_to_do(repo_url)
    python = "" if PYTHONS[0] <= sys.version_info[:2] <= PYTHONS[1] else (
        "Python %d.%d.%d (the project needs 3.11, 3.12 or 3.13)" % tuple(sys.version_info[:3]))
    missing = [name for name in PACKAGES if importlib.util.find_spec(name) is None]
    if missing:
        runs = f" and runs {python}" if python else ""
        raise ModuleNotFoundError(f"This kernel lacks the project's packages ({', '.join(missing)}){runs}: {todo}")
    if python:
        raise ImportError(f"This kernel has {python}: {todo}")
    check_versions(todo)

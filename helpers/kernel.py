"""The package versions a notebook's kernel must have, checked by every notebook's first code cell.

The cell itself first checks the Python (3.11-3.13) and that the project's packages are there at
all (it cannot import this module otherwise), then calls :func:`check_versions`. Versions are read
from the installed packages' metadata, so nothing heavy (TensorFlow) is imported here.
"""

from __future__ import annotations

import importlib.metadata


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

"""Whether this kernel can run the series: Python and the runtime requirements within the ranges the
project declares (pyproject.toml's ``[project]``, the one place they are written).

Every notebook's first code cell calls :func:`check_kernel` right after ``import helpers``, which
imports nothing heavy (:mod:`helpers`), so the check speaks before a too-old Keras fails deep inside.
This module reads versions from the installed packages' metadata, importing none of them.
"""

from __future__ import annotations

import importlib.metadata
import sys
from pathlib import Path

from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.version import InvalidVersion, Version

PROJECT = "lstm-agnews-helpers"
"""The project's distribution name (pyproject.toml's ``[project] name``)."""

PYPROJECT = Path(__file__).resolve().parent.parent / "pyproject.toml"
"""pyproject.toml, where this package runs from a checkout; elsewhere the installed metadata is read."""

NAMES = {"tensorflow": "TensorFlow", "keras": "Keras", "numpy": "NumPy", "matplotlib": "Matplotlib", "lime": "LIME"}
"""How the message names a distribution (others by their own name)."""

ALTERNATIVES = {"tensorflow": ("tensorflow-cpu", "tensorflow-macos")}
"""Distributions that provide the same package under another name."""

LOCAL_TODO = (
    "pick the kernel 'LSTM AG News' in Kernel > Change Kernel, or run ./setup.sh and open the "
    "notebooks with .venv/bin/jupyter lab."
)
COLAB_TODO = (
    "choose the latest Colab runtime version (Runtime > Change runtime type) and run the "
    "notebook again; the series uses Colab's own TensorFlow and Keras."
)

_ORDER = {">=": 0, ">": 0, "~=": 0, "==": 0, "===": 0, "<": 1, "<=": 1, "!=": 2}
_WORDS = {
    ">=": "{} or later",
    ">": "after {}",
    "<": "before {}",
    "<=": "up to {}",
    "!=": "not {}",
    "~=": "compatible with {}",
    "==": "{}",
    "===": "{}",
}


def declared() -> tuple[SpecifierSet, list[Requirement]]:
    """The Python range and the runtime requirements the project declares: pyproject.toml's where it
    is beside this package, else the installed distribution's metadata (extras left out)."""
    if PYPROJECT.is_file():
        import tomllib

        project = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["project"]
        python, requirements = project["requires-python"], project["dependencies"]
    else:
        python = importlib.metadata.metadata(PROJECT)["Requires-Python"] or ""
        requirements = importlib.metadata.requires(PROJECT) or []
    parsed = [Requirement(r) for r in requirements]
    return SpecifierSet(python), [r for r in parsed if r.marker is None or r.marker.evaluate({"extra": ""})]


def installed_version(name: str) -> str | None:
    """The installed version of a distribution (from its metadata, not imported), or None."""
    for dist in (name, *ALTERNATIVES.get(name, ())):
        try:
            return importlib.metadata.version(dist)
        except importlib.metadata.PackageNotFoundError:
            pass
    return None


def in_words(specifier: SpecifierSet) -> str:
    """``>=3.10,<4`` -> ``"3.10 or later, before 4"``."""
    clauses = sorted(specifier, key=lambda s: (_ORDER.get(s.operator, 3), s.version))
    return ", ".join(_WORDS.get(s.operator, s.operator + "{}").format(s.version) for s in clauses)


def _within(version: str, specifier: SpecifierSet) -> bool:
    try:
        return specifier.contains(Version(version), prereleases=True)
    except InvalidVersion:
        return False


def problems() -> list[tuple[str, str | None, SpecifierSet]]:
    """``(what, version found or None when missing, versions needed)`` for Python and each runtime
    requirement that is missing or outside its declared range."""
    python, requirements = declared()
    found = "%d.%d.%d" % tuple(sys.version_info[:3])
    wrong = [] if _within(found, python) else [("Python", found, python)]
    for requirement in requirements:
        version = installed_version(requirement.name)
        if version is None or not _within(version, requirement.specifier):
            wrong.append((NAMES.get(requirement.name.lower(), requirement.name), version, requirement.specifier))
    return wrong


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def check_kernel() -> None:
    """Stop, with one message, unless this kernel can run the series: Python, TensorFlow, Keras and
    the other runtime requirements installed and within the declared ranges.

    Raises ``ImportError`` naming what was found (``no LIME`` for a missing package), what the series
    needs, and what to do: locally, pick the project's kernel or run ``./setup.sh``; on Colab
    (``google.colab`` imported), take a newer runtime.
    """
    wrong = problems()
    if wrong:
        found = _and([f"{what} {version}" if version else f"no {what}" for what, version, _ in wrong])
        needed = _and([f"{what} {in_words(specifier)}" if specifier else what for what, _, specifier in wrong])
        todo = COLAB_TODO if "google.colab" in sys.modules else LOCAL_TODO
        raise ImportError(f"This kernel has {found}; the series needs {needed}: {todo}")

"""The repository's folders, and paths in messages as the user wrote them.

Messages of the series runner print paths as the user gave them (``--out``, ``-p data_dir``,
``$AG_NEWS_DIR``, ``--notebooks``): as written, normalized, relative ones relative to the folder the
command was started from (:func:`as_given`). Paths the runner makes up (the default run folder, the
download cache) are shown relative to that folder when inside it, else in full (:func:`show`).
"""

from __future__ import annotations

import os
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
"""The repository: the folder above the ``helpers`` package (installed in editable mode)."""

NOTEBOOKS = REPO / "notebooks"
"""The series' notebooks."""


def relative(path, start) -> str:
    """``path`` relative to ``start`` (``os.path.relpath``; in full across Windows drives)."""
    try:
        return os.path.relpath(path, start)
    except ValueError:  # pragma: no cover - other drive on Windows
        return str(path)


def as_given(text) -> str:
    """A path the user typed, for messages: as written, normalized (``runs//x/`` → ``runs/x``)."""
    return os.path.normpath(str(text))


def show(path) -> str:
    """A path the runner made up, for messages: relative to the current folder when inside it,
    else in full (never a chain of ``../``)."""
    path = Path(os.path.abspath(path))
    try:
        return str(path.relative_to(Path.cwd())) or "."
    except ValueError:
        return str(path)


def script_name() -> str:
    """``./run_all.sh`` as the user would type it from the current folder."""
    shown = show(REPO / "run_all.sh")
    return shown if os.path.isabs(shown) else "./" + shown

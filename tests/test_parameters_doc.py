"""docs/running.md's parameter table says which notebooks take which parameter, as the notebooks'
``parameters`` cells declare them (read with :func:`helpers.params.notebook_defaults`)."""

from __future__ import annotations

import re
from pathlib import Path

from helpers.params import PARAMETER_NAMES, notebook_defaults

REPO = Path(__file__).resolve().parent.parent


def _numbers(text: str) -> set[str]:
    """``"00–05, 07"`` → ``{"00", ..., "05", "07"}``."""
    found = set()
    for part in text.split(","):
        first, _, last = part.strip().partition("–")
        found |= {f"{n:02d}" for n in range(int(first), int(last or first) + 1)}
    return found


def test_the_parameter_table_names_the_notebooks_that_take_each_parameter():
    text = (REPO / "docs" / "running.md").read_text(encoding="utf-8")
    table = text[text.index("## Parameters") :].split("\n\n")[2]
    documented: dict[str, set[str]] = {}
    for row in table.splitlines()[2:]:
        names, notebooks = row.split("|")[1:3]
        for name in re.findall(r"`(\w+)`", names):
            documented[name] = _numbers(notebooks)
    declared: dict[str, set[str]] = {}
    for notebook in sorted((REPO / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        for name in notebook_defaults(notebook):
            declared.setdefault(name, set()).add(notebook.name[:2])
    assert set(documented) == set(PARAMETER_NAMES) == set(declared)
    assert documented == declared

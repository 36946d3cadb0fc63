"""Every notebook's exercises survive Run All: notebooks 00, 02 and 07 (the others, and why the
split: tests/test_exercises.py)."""

from __future__ import annotations

import pytest
from exercise_harness import REPO, check_and_run, kernel  # noqa: F401 (fixture)

NOTEBOOKS = [p for p in sorted((REPO / "notebooks").glob("[0-9][0-9]_*.ipynb")) if p.name[:2] in {"00", "02", "07"}]


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_exercises_have_hints_and_solutions_that_run(path, kernel, tmp_path):
    check_and_run(path, kernel, tmp_path)

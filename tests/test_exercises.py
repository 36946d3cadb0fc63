"""Every notebook's exercises survive Run All (the harness: tests/exercise_harness.py), one test
per notebook, so the suite's workers share them."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from exercise_harness import REPO, check_and_run, check_texts, exercises_cell, kernel, run_solutions, solution_cells  # noqa: F401 (fixture)

NOTEBOOKS = sorted((REPO / "notebooks").glob("[0-9][0-9]_*.ipynb"))


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_exercises_have_hints_and_solutions_that_run(path, kernel, tmp_path):
    check_and_run(path, kernel, tmp_path)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_every_exercise_fits_the_notebook_as_it_stands(path, tmp_path):
    """The text, the metadata and every solution's edits, without running them: a cell rewritten
    (say, by the formatter) that an edit no longer matches fails here in a second."""
    nb = nbformat.read(path, as_version=4)
    problems = check_texts(nb, path.stem)
    for number, entry in enumerate(exercises_cell(nb, path.stem).metadata["exercises"], start=1):
        try:
            solution_cells(nb, entry, tmp_path)
        except AssertionError as e:
            problems.append(f"exercise {number} ({entry['title']!r}): {e}")
    assert not problems, "\n".join(problems)


# ---------------------------------------------------------------------------------------------
# the harness itself, on a small notebook written here
# ---------------------------------------------------------------------------------------------

FAKE_EXERCISES = """## Exercises

1. **Add one.** Make `y` one larger.

   <details><summary>Hint</summary>

   Change the `compute` cell.
   </details>

   <details><summary>Solution</summary>

   ```python
   y = x + n + 1
   ```
   `y` is then 3.
   </details>

2. **Divide.** Divide by `n - 1`.

   <details><summary>Hint</summary>

   Python does not divide by zero.
   </details>

   <details><summary>Solution</summary>

   ```python
   z = y / (n - 1)
   ```
   </details>

**Next:** nothing.
"""


def fake_notebook(folder: Path, exercises: list[dict], markdown: str = FAKE_EXERCISES) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell("x = 1", id="start"),
        nbformat.v4.new_code_cell("n = 5", id="parameters", metadata={"tags": ["parameters"]}),
        nbformat.v4.new_code_cell("y = x + n", id="compute"),
        nbformat.v4.new_code_cell("w = 1 / (y - 2)", id="later"),
        nbformat.v4.new_markdown_cell(markdown, id="exercises", metadata={"exercises": exercises}),
    ]
    path = folder / "99_fake.ipynb"
    nbformat.write(nb, path)
    return path


GOOD = {
    "title": "Add one",
    "parameters": {"n": 1},
    "edits": [{"cell": "compute", "old": "y = x + n", "new": "y = x + n + 1"}],
    "check": "assert y == 3",
}
BROKEN = {
    "title": "Divide",
    "parameters": {"n": 1},
    "insert": [{"after": "compute", "source": "z = y / (n - 1)"}],
    "check": "assert z",
}


@pytest.mark.slow
def test_the_harness_reports_a_broken_solution(tmp_path, kernel):
    path = fake_notebook(tmp_path, [GOOD, BROKEN])
    nb = nbformat.read(path, as_version=4)
    assert check_texts(nb, "99_fake") == []
    failures, _ = run_solutions(path, kernel, tmp_path / "runs")
    assert len(failures) == 1, failures
    assert failures[0].startswith(
        "notebook 99_fake, exercise 2 ('Divide'): cell 'inserted after compute' failed: ZeroDivisionError"
    )
    # a check that does not hold fails too, and names the check
    wrong = dict(GOOD, check="assert y == 4, 'y is not 4'")
    failures, _ = run_solutions(fake_notebook(tmp_path, [wrong, GOOD]), kernel, tmp_path / "runs2")
    assert (
        len(failures) == 1 and "exercise 1 ('Add one'): cell 'check' failed: AssertionError: y is not 4" in failures[0]
    )
    # a solution that breaks a cell AFTER the one it changes fails (Run All reaches that cell)
    breaks_later = {"title": "Add one", "parameters": {"n": 1}}
    failures, _ = run_solutions(fake_notebook(tmp_path, [GOOD, breaks_later]), kernel, tmp_path / "runs3")
    assert len(failures) == 1, failures
    assert failures[0].startswith("notebook 99_fake, exercise 2 ('Add one'): cell 'later' failed: ZeroDivisionError")
    # the exercises of one notebook share the kernel as Run All again would: the second run sees what
    # the first left; the first exercise of a notebook starts from a forgotten kernel
    first = dict(GOOD, insert=[{"after": "compute", "source": "left_over = y"}])
    second = dict(GOOD, check="assert left_over == 3")
    assert run_solutions(fake_notebook(tmp_path, [first, second]), kernel, tmp_path / "runs4")[0] == []
    failures, _ = run_solutions(fake_notebook(tmp_path, [second]), kernel, tmp_path / "runs5")
    assert len(failures) == 1 and "NameError: name 'left_over' is not defined" in failures[0], failures


def test_the_harness_checks_the_text(tmp_path):
    name = "99_fake"
    # the inserted code must be in the solution's text
    drifted = dict(BROKEN, insert=[{"after": "compute", "source": "z = y / (n - 2)"}])
    nb = nbformat.read(fake_notebook(tmp_path, [GOOD, drifted]), as_version=4)
    assert check_texts(nb, name) == [
        f"notebook {name}, exercise 2 ('Divide'): the inserted code is not in the solution: 'z = y / (n - 2)'"
    ]
    # one metadata entry for two exercises
    nb = nbformat.read(fake_notebook(tmp_path, [GOOD]), as_version=4)
    assert check_texts(nb, name) == [
        f"notebook {name}: 2 exercises in the text but 1 entries in the 'exercises' metadata"
    ]
    # an exercise without a hint
    no_hint = FAKE_EXERCISES.replace("<details><summary>Hint</summary>\n\n   Python", "Python")
    nb = nbformat.read(fake_notebook(tmp_path, [GOOD, BROKEN], no_hint), as_version=4)
    assert check_texts(nb, name) == [
        f"notebook {name}, exercise 2 ('Divide'): needs exactly one <details><summary>Hint</summary> block, found 0"
    ]
    # no metadata at all
    nb = nbformat.read(fake_notebook(tmp_path, []), as_version=4)
    with pytest.raises(AssertionError, match="notebook 99_fake: exercises cell has no 'exercises' metadata"):
        check_texts(nb, name)


def test_an_edit_must_match_exactly_once(tmp_path):
    nb = nbformat.read(fake_notebook(tmp_path, [GOOD, BROKEN]), as_version=4)
    entry = dict(GOOD, edits=[{"cell": "compute", "old": "x + m", "new": "x"}])
    with pytest.raises(AssertionError, match="occurs 0 times"):
        solution_cells(nb, entry, tmp_path)
    cells = solution_cells(nb, GOOD, tmp_path)
    assert [cid for cid, _ in cells] == ["start", "parameters", "injected-parameters", "compute", "later", "check"]
    assert cells[2][1] == f"# Parameters\noutput_dir = {str(tmp_path)!r}\nn = 1\n"

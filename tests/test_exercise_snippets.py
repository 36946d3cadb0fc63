"""Every exercise's solution code pastes as a learner pastes it: without a SyntaxError.

The exercise harness (tests/exercise_harness.py) applies each solution through its metadata: an
edit replaces the *text* ``old`` with ``new`` inside a line. A learner instead copies the solution's
code block and pastes it over the whole line it replaces. A replacement line that drops the comma
ending the line it replaces runs under the harness and fails for the learner, so this test pastes
the way a learner does (no kernel, no data: it only parses):

- a ``python`` block of a solution whose lines carry an edit's ``new`` text (a deletion has none) replaces, line for line,
  each line of that edit's cell holding the edit's ``old`` text (keeping the line's indentation),
  and the cell must then parse;
- any other ``python`` block must parse on its own (a new cell, or lines to add).
"""

from __future__ import annotations

import ast
import re
import textwrap

import nbformat
import pytest
from exercise_harness import DETAILS, NOTEBOOKS, exercise_texts, exercises_cell

FENCE = re.compile(r"```python\n(.*?)```", re.DOTALL)


def pasted(source: str, pairs: list[tuple[str, str]]) -> str:
    """``source`` with each line holding ``old`` replaced by the learner's ``line`` (same indentation)."""
    lines = source.splitlines()
    for old, line in pairs:
        hits = [i for i, text in enumerate(lines) if old in text]
        assert len(hits) == 1, f"{old!r} is on {len(hits)} lines of the cell"
        indent = lines[hits[0]][: len(lines[hits[0]]) - len(lines[hits[0]].lstrip())]
        lines[hits[0]] = indent + line.strip()
    return "\n".join(lines)


def paste_problems(nb, name: str) -> list[str]:
    """What goes wrong when a learner pastes each solution block of notebook ``nb``."""
    cell = exercises_cell(nb, name)
    code = {c.id: c.source for c in nb.cells if c.cell_type == "code"}
    problems = []
    for (number, text), entry in zip(exercise_texts(cell.source), cell.metadata["exercises"]):
        solution = "\n".join(content for kind, content in DETAILS.findall(text) if kind == "Solution")
        edits = [e for e in entry.get("edits", []) if e["new"].strip() and "\n" not in e["new"].strip()]
        for block in (textwrap.dedent(b) for b in FENCE.findall(solution)):
            where = f"notebook {name}, exercise {number}, the block\n    " + block.strip().replace("\n", "\n    ")
            by_cell: dict[str, list[tuple[str, str]]] = {}
            for line in block.splitlines():
                for edit in edits:
                    if line.strip() and edit["new"].strip() in line:
                        by_cell.setdefault(edit["cell"], []).append((edit["old"], line))
            if not by_cell:
                try:
                    ast.parse(block)
                except SyntaxError as e:
                    problems.append(f"{where}\ndoes not parse on its own: {e.msg} (line {e.lineno})")
                continue
            for cid, pairs in by_cell.items():
                try:
                    ast.parse(pasted(code[cid], pairs))
                except AssertionError as e:
                    problems.append(f"{where}\ncannot be pasted over cell {cid!r}: {e}")
                except SyntaxError as e:
                    problems.append(
                        f"{where}\npasted over the line(s) it replaces in cell {cid!r}, gives a "
                        f"SyntaxError: {e.msg} (line {e.lineno}); keep the replaced line's "
                        f"trailing comma or bracket in the solution"
                    )
    return problems


KNOWN: dict[str, str] = {}
"""Notebooks whose exercises another change is fixing (remove the entry with the fix)."""


@pytest.mark.parametrize(
    "path",
    [pytest.param(p, marks=pytest.mark.xfail(reason=KNOWN[p.stem])) if p.stem in KNOWN else p for p in NOTEBOOKS],
    ids=[p.stem for p in NOTEBOOKS],
)
def test_solution_code_pastes_without_a_syntax_error(path):
    problems = paste_problems(nbformat.read(path, as_version=4), path.stem)
    assert not problems, "\n\n".join(problems)


def _fake(block: str, new: str) -> nbformat.NotebookNode:
    exercises = (
        "## Exercises\n\n1. **Change a layer.** Do it.\n\n   <details><summary>Hint</summary>\n\n"
        "   A hint.\n   </details>\n\n   <details><summary>Solution</summary>\n\n"
        f"   ```python\n   {block}\n   ```\n   </details>\n"
    )
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell("model = make([\n    first(1),  # a comment\n    second(2),\n])", id="network"),
        nbformat.v4.new_markdown_cell(
            exercises,
            id="exercises",
            metadata={
                "exercises": [
                    {"title": "Change a layer", "edits": [{"cell": "network", "old": "first(1),", "new": new}]}
                ]
            },
        ),
    ]
    return nb


def test_a_replacement_line_without_its_comma_is_caught():
    assert paste_problems(_fake("other(1),", "other(1),"), "fake") == []
    problems = paste_problems(_fake("other(1)", "other(1)"), "fake")  # parses alone, not in its place
    assert len(problems) == 1 and "SyntaxError" in problems[0]
    assert "does not parse on its own" in paste_problems(_fake("x = (", "y"), "fake")[0]

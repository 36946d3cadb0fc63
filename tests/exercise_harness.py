"""The exercise harness (used by tests/test_exercises.py).

Every notebook's exercises: each has a hint and a solution a learner can reveal, and each solution
survives Run All: applied as written, the whole notebook runs after it.

The format (one markdown cell with id ``exercises`` at the end of every notebook):

- numbered items ``1. **Title.** task ...``, each with a ``<details><summary>Hint</summary> ...
  </details>`` and a ``<details><summary>Solution</summary> ... </details>`` block;
- the cell's metadata ``"exercises"``: one entry per numbered item, in order, with ``title``,
  optional ``parameters`` (as ``-p NAME VALUE`` would set them), ``edits`` (``{"cell", "old",
  "new"}``: ``old`` occurs exactly once in that code cell and becomes ``new``), ``insert``
  (``{"after", "source"}``: a new code cell after that cell) and an optional ``check`` (code run
  after the whole notebook, asserting what the solution says to expect). Every ``new`` and every inserted ``source`` appears word for
  word in that exercise's solution text, so the text and the test cannot drift apart.

A solution runs on the generated corpus with tiny parameters (:data:`TINY`, for the names the
notebook's ``parameters`` cell defines; then the exercise's own), EVERY code cell of its notebook
in order (as Run All would: a demo after the solution that breaks under it fails the test) with a
papermill-like ``# Parameters`` cell after the parameters cell, then its check. The exercises of one notebook share one Jupyter kernel ("python3", this interpreter); before the
first one (and after a failed solution) the kernel forgets everything (``%reset -f``,
``keras.backend.clear_session()``); between two exercises of one
notebook it does NOT, as a learner who applies the next solution and clicks Run All again keeps the
kernel: every exercise after the first is also "Run All a second time in one kernel" (variables
and Keras state left by the previous run must not break it).
"""

from __future__ import annotations

import re
import textwrap
import time
from pathlib import Path

import nbformat
import pytest
from conftest import child_env

REPO = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((REPO / "notebooks").glob("[0-9][0-9]_*.ipynb"))

TINY = {
    "data_source": "synthetic",
    "train_size": 200,
    "test_size": 40,
    "epochs": 1,
    "batch_size": 32,
    "lime_samples": 10,
}
"""The test's parameters (plus ``output_dir``, a fresh temporary folder per exercise)."""

CELL_TIMEOUT = 300
ANSI = re.compile(r"\x1b\[[0-9;]*m")
ITEM = re.compile(r"(\d+)\.\s")
DETAILS = re.compile(r"<details>\s*<summary>\s*(Hint|Solution)\s*</summary>(.*?)</details>", re.DOTALL)
END_OF_EXERCISES = re.compile(r"\*\*Next|#{1,6}\s")


class ExerciseKernel:
    """One Jupyter kernel that runs code and reports the first error of a cell."""

    def __init__(self):
        from jupyter_client.manager import KernelManager

        self.km = KernelManager(kernel_name="python3")
        self.km.start_kernel(extra_arguments=["--IPKernelApp.log_level=ERROR"], env=child_env())
        self.kc = self.km.client()
        self.kc.start_channels()
        self.kc.wait_for_ready(timeout=120)

    def run(self, code: str, timeout: float = CELL_TIMEOUT) -> str | None:
        """Run ``code``; ``None`` when it ran, else the error (name, value, end of the traceback)."""
        if not self.km.is_alive():
            return "the kernel died (it is restarted for the next exercise)"
        try:
            reply = self.kc.execute_interactive(
                code, timeout=timeout, output_hook=lambda msg: None, allow_stdin=False, stop_on_error=True
            )
        except TimeoutError:
            self.km.interrupt_kernel()
            return f"timed out after {timeout} s"
        content = reply["content"]
        if content["status"] == "ok":
            return None
        tb = ANSI.sub("", "\n".join(content.get("traceback", [])))
        tail = "\n".join(tb.strip().splitlines()[-12:])
        return f"{content.get('ename')}: {content.get('evalue')}\n{tail}"

    def reset(self, folder: Path, forget: bool = True) -> None:
        """Work in ``folder``; with ``forget``, first forget the previous run: Keras' state, open
        figures, every variable (a dead kernel is restarted either way)."""
        if not self.km.is_alive():
            self.km.restart_kernel(now=True)
            self.kc.wait_for_ready(timeout=120)
            forget = True
        if not forget:
            self.run(f"import os as _os; _os.chdir({str(folder)!r}); del _os")
            return
        self.run(
            "import sys as _sys\n"
            "if 'keras' in _sys.modules: _sys.modules['keras'].backend.clear_session()\n"
            "if 'matplotlib.pyplot' in _sys.modules: _sys.modules['matplotlib.pyplot'].close('all')\n"
            "import gc as _gc; _gc.collect()"
        )
        self.run("%reset -f")
        self.run(f"import os as _os; _os.chdir({str(folder)!r}); del _os")

    def shutdown(self) -> None:
        self.kc.stop_channels()
        self.km.shutdown_kernel(now=True)


# ---------------------------------------------------------------------------------------------
# reading a notebook's exercises
# ---------------------------------------------------------------------------------------------


def exercises_cell(nb, name: str):
    cells = [c for c in nb.cells if c.get("id") == "exercises"]
    if not cells or cells[0].cell_type != "markdown":
        raise AssertionError(f"notebook {name}: no markdown cell with id 'exercises'")
    cell = cells[0]
    if not cell.metadata.get("exercises"):
        raise AssertionError(f"notebook {name}: exercises cell has no 'exercises' metadata")
    return cell


def exercise_texts(markdown: str) -> list[tuple[int, str]]:
    """The numbered items of the exercises cell, ``[(number, text), ...]``, up to a heading or the
    ``**Next:**`` line; each text dedented by its list indentation (so code inside a list item reads
    as written). Lines inside fenced code blocks never start or end an item."""
    items: list[list] = []
    fenced = False
    for line in markdown.splitlines():
        if line.lstrip().startswith("```"):
            fenced = not fenced
        elif not fenced:
            item = ITEM.match(line)
            if item:
                items.append([int(item.group(1)), line, []])
                continue
            if items and END_OF_EXERCISES.match(line):
                break
        if items:
            items[-1][2].append(line)
    return [(n, first + "\n" + textwrap.dedent("\n".join(rest))) for n, first, rest in items]


def check_texts(nb, name: str) -> list[str]:
    """Problems of the exercises' text and metadata (hint, solution, counts, the solution's code)."""
    cell = exercises_cell(nb, name)
    entries = cell.metadata["exercises"]
    items = exercise_texts(cell.source)
    problems = []
    if [n for n, _ in items] != list(range(1, len(items) + 1)):
        problems.append(f"notebook {name}: the exercises are not numbered 1, 2, 3, ...: {[n for n, _ in items]}")
    if len(entries) != len(items):
        problems.append(
            f"notebook {name}: {len(items)} exercises in the text but {len(entries)} "
            f"entries in the 'exercises' metadata"
        )
    code_ids = {c.get("id") for c in nb.cells if c.cell_type == "code"}
    for (number, text), entry in zip(items, entries):
        where = f"notebook {name}, exercise {number} ({entry.get('title', 'no title')!r})"
        blocks = {}
        for kind, content in DETAILS.findall(text):
            blocks.setdefault(kind, []).append(content)
        for kind in ("Hint", "Solution"):
            if len(blocks.get(kind, [])) != 1:
                problems.append(
                    f"{where}: needs exactly one <details><summary>{kind}</summary> block, "
                    f"found {len(blocks.get(kind, []))}"
                )
        solution = "\n".join(blocks.get("Solution", []))
        if not entry.get("title"):
            problems.append(f"{where}: its metadata entry has no title")
        if "run_until" in entry:
            problems.append(f"{where}: 'run_until' is gone: every solution runs the whole notebook")
        for edit in entry.get("edits", []):
            if edit.get("cell") not in code_ids:
                problems.append(f"{where}: edit of {edit.get('cell')!r}, which is not a code cell's id")
            if edit.get("new", "") not in solution:
                problems.append(f"{where}: the edit's new text is not in the solution: {edit.get('new')!r}")
        for insert in entry.get("insert", []):
            if insert.get("after") not in code_ids:
                problems.append(f"{where}: insert after {insert.get('after')!r}, which is not a code cell's id")
            if insert.get("source", "") not in solution:
                problems.append(f"{where}: the inserted code is not in the solution: {insert.get('source')!r}")
    return problems


# ---------------------------------------------------------------------------------------------
# running a notebook's solutions
# ---------------------------------------------------------------------------------------------


def parameter_names(source: str) -> set[str]:
    import ast

    return {
        t.id
        for node in ast.parse(source).body
        if isinstance(node, ast.Assign)
        for t in node.targets
        if isinstance(t, ast.Name)
    }


def solution_cells(nb, entry: dict, output_dir: Path) -> list[tuple[str, str]]:
    """The ``(cell id, source)`` pairs an exercise's solution runs, in order."""
    code = [c for c in nb.cells if c.cell_type == "code"]
    sources = {c.id: c.source for c in code}
    for edit in entry.get("edits", []):
        old, cid = edit["old"], edit["cell"]
        count = sources[cid].count(old)
        if count != 1:
            raise AssertionError(
                f"edit of cell {cid!r}: the old text occurs {count} times (must be exactly once): {old!r}"
            )
        sources[cid] = sources[cid].replace(old, edit["new"])
    inserts: dict[str, list[str]] = {}
    for insert in entry.get("insert", []):
        inserts.setdefault(insert["after"], []).append(insert["source"])
    cells = []
    for c in code:
        cells.append((c.id, sources[c.id]))
        if "parameters" in c.metadata.get("tags", []):
            values = {k: v for k, v in TINY.items() if k in parameter_names(c.source)}
            values.update(output_dir=str(output_dir), **entry.get("parameters", {}))
            cells.append(
                ("injected-parameters", "# Parameters\n" + "".join(f"{k} = {v!r}\n" for k, v in values.items()))
            )
        cells.extend((f"inserted after {c.id}", s) for s in inserts.get(c.id, []))
    if entry.get("check"):
        cells.append(("check", entry["check"]))
    return cells


def run_solutions(nb_path: Path, kernel: ExerciseKernel, tmp: Path) -> tuple[list[str], list[str]]:
    """Run every exercise's solution of one notebook; returns (failures, timings)."""
    name = nb_path.stem
    nb = nbformat.read(nb_path, as_version=4)
    entries = exercises_cell(nb, name).metadata["exercises"]
    failures, timings = [], []
    for number, entry in enumerate(entries, start=1):
        where = f"notebook {name}, exercise {number} ({entry.get('title', 'no title')!r})"
        start = time.perf_counter()
        output_dir = tmp / f"{name}_exercise_{number}"
        output_dir.mkdir(parents=True)
        kernel.reset(nb_path.parent, forget=number == 1 or bool(failures))
        try:
            cells = solution_cells(nb, entry, output_dir)
        except (AssertionError, KeyError) as e:
            failures.append(f"{where}: {e}")
            continue
        for cid, source in cells:
            error = kernel.run(source)
            if error is not None:
                failures.append(f"{where}: cell {cid!r} failed: {error}")
                break
        timings.append(f"{where}: {time.perf_counter() - start:.1f} s")
    return failures, timings


@pytest.fixture
def kernel():
    """One kernel per test (per notebook): its exercises share it, as a learner's Run All again
    does; a fresh one per notebook lets the suite's workers take the notebooks one by one."""
    k = ExerciseKernel()
    yield k
    k.shutdown()


def check_and_run(path: Path, kernel: ExerciseKernel, tmp_path: Path) -> None:
    """The exercise test of one notebook: the text and metadata, then every solution, Run All."""
    nb = nbformat.read(path, as_version=4)
    problems = check_texts(nb, path.stem)
    assert not problems, "\n".join(problems)
    failures, timings = run_solutions(path, kernel, tmp_path)
    print("\n".join(timings))
    assert not failures, "\n\n".join(failures)

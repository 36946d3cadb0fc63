"""The two packages and the direction of imports, read from the source with :mod:`ast` (imports
inside functions included): ``series_runner`` (what runs the notebooks) imports ``helpers``;
``helpers`` imports nothing of ``series_runner``; the notebooks import only ``helpers`` of the
project. Inside ``series_runner``: no import circle, no use of another module's ``_private`` names,
no module over 450 lines."""

from __future__ import annotations

import ast
import json
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
PROJECT = {"helpers", "series_runner"}
RUNNER = {p.stem: p for p in sorted((REPO / "series_runner").glob("*.py"))}
MAX_LINES = 450


def imports(source: str, package: str | None = None) -> list[tuple[str, str | None, int]]:
    """``(module, imported name or None, line)`` for every import in ``source``, relative ones
    resolved inside ``package`` (``from .task import x`` in series_runner: ``series_runner.task``)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(a.name, None, node.lineno) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level:
                module = ".".join(filter(None, [package, module]))
            found += [(module, a.name, node.lineno) for a in node.names]
    return found


def code_cells(notebook: Path) -> list[str]:
    """A notebook's code cells, each IPython ``%`` or ``!`` line replaced by ``pass``."""
    nb = json.loads(notebook.read_text(encoding="utf-8"))

    def plain(line: str) -> str:
        code = line.lstrip()
        return line[: len(line) - len(code)] + "pass" if code.startswith(("%", "!")) else line

    return ["\n".join(plain(line) for line in "".join(c["source"]).splitlines())
            for c in nb["cells"] if c["cell_type"] == "code"]


def test_the_import_reader_sees_imports_inside_functions_and_relative_ones():
    found = imports("def f():\n    import series_runner.sweep\nfrom .task import run_task\n", "series_runner")
    assert sorted(found, key=lambda f: f[2]) == [("series_runner.sweep", None, 2), ("series_runner.task", "run_task", 3)]


@pytest.mark.parametrize("path", sorted((REPO / "helpers").rglob("*.py")), ids=lambda p: p.name)
def test_helpers_imports_nothing_of_the_runner(path):
    for module, _, line in imports(path.read_text(encoding="utf-8"), "helpers"):
        assert module.split(".")[0] != "series_runner", f"{path.relative_to(REPO)}:{line} imports {module}"


@pytest.mark.parametrize("notebook", sorted((REPO / "notebooks").glob("*.ipynb")), ids=lambda p: p.name)
def test_notebooks_import_only_helpers_of_the_project(notebook):
    cells = code_cells(notebook)
    found = {module.split(".")[0] for cell in cells for module, _, _ in imports(cell)}
    assert found & PROJECT <= {"helpers"}, f"{notebook.name} imports {sorted(found & PROJECT)}"
    assert "helpers" in found  # the reader read the notebook


def _runner_graph() -> dict[str, set[str]]:
    graph = {}
    for name, path in RUNNER.items():
        deps = set()
        for module, what, _ in imports(path.read_text(encoding="utf-8"), "series_runner"):
            if module == "series_runner" and what in RUNNER:  # from . import sweepout
                deps.add(what)
            elif module.startswith("series_runner."):
                deps.add(module.split(".")[1])
        graph[name] = deps - {name}
    return graph


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """An import circle of ``graph`` (``module -> the modules it imports``), or None."""
    try:
        tuple(TopologicalSorter(graph).static_order())
    except CycleError as e:
        return list(e.args[1])
    return None


def test_no_import_circle_in_the_runner():
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) is not None and _cycle({"a": {"b"}}) is None
    graph = _runner_graph()
    assert {"cli", "notebooks", "datacheck"} <= graph["series"], graph["series"]
    cycle = _cycle(graph)
    assert cycle is None, "import circle: " + " -> ".join(cycle)


@pytest.mark.parametrize("name", sorted(RUNNER))
def test_the_runner_uses_no_private_name_of_another_module(name):
    tree = ast.parse(RUNNER[name].read_text(encoding="utf-8"))
    bound = set()  # names this module binds to modules of the project
    for module, what, line in imports(RUNNER[name].read_text(encoding="utf-8"), "series_runner"):
        if module.split(".")[0] not in PROJECT:
            continue
        assert not any(part.startswith("_") for part in module.split(".")), f"{name}.py:{line} imports {module}"
        assert what is None or not what.startswith("_"), f"{name}.py:{line} imports {what} from {module}"
        if what is None or (REPO / module.replace(".", "/") / f"{what}.py").is_file():  # a module
            bound.add(what or module.split(".")[-1])
    for node in ast.walk(tree):
        if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
                and node.value.id in bound and node.attr.startswith("_") and not node.attr.endswith("__")):
            pytest.fail(f"series_runner/{name}.py:{node.lineno} uses {node.value.id}.{node.attr}")


def test_no_runner_module_over_450_lines():
    long = {name: n for name, p in RUNNER.items()
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert not long, f"modules over {MAX_LINES} lines (two jobs?): {long}"

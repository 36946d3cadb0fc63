"""The shape of the ``helpers`` package (read from its source with :mod:`ast`): no import circle
between its modules (imports inside functions included), no module using another module's
``_private`` names, no module over 450 lines (past that, a module holds two jobs), and nothing of
what runs the notebooks (the series runner) imported by the notebooks' package."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "helpers"
RUNNER = {"series", "runner", "sweepfile", "datacheck", "progress", "report"}
"""What runs the notebooks: it may import ``helpers``, never the other way."""
MODULES = {p.stem: p for p in sorted(PACKAGE.glob("*.py")) if p.stem not in RUNNER}
MAX_LINES = 450


def _tree(name: str) -> ast.Module:
    return ast.parse(MODULES[name].read_text(encoding="utf-8"), filename=str(MODULES[name]))


def _imports(name: str, tree: ast.Module | None = None) -> list[tuple[str, str | None, str, int]]:
    """``(module, imported name or None, the name it is bound to, line)`` for every import of a
    helpers module in ``name`` (or in ``tree``)."""
    package: list[str] = []
    found = []
    for node in ast.walk(tree or _tree(name)):
        if isinstance(node, ast.ImportFrom):
            if node.level:  # relative: from . import x, from .x import y, from ..x import y
                base = package[: len(package) - (node.level - 1)] if node.level - 1 <= len(package) else []
            elif node.module == "helpers" or (node.module or "").startswith("helpers."):
                base = []
            else:
                continue
            module = ".".join(base + ([node.module.removeprefix("helpers.")]
                                      if node.module and node.module != "helpers" else []))
            for a in node.names:
                sub = f"{module}.{a.name}" if module else a.name
                if sub in MODULES or sub in RUNNER:  # from . import x: a module
                    found.append((sub, None, a.asname or a.name, node.lineno))
                else:
                    found.append((module, a.name, a.asname or a.name, node.lineno))
        elif isinstance(node, ast.Import):
            found += [(a.name.removeprefix("helpers."), None, a.asname or a.name, node.lineno) for a in node.names
                      if a.name.startswith("helpers.")]
    return found


def _graph() -> dict[str, set[str]]:
    return {name: {m for m, _, _, _ in _imports(name) if m in MODULES and m != name} for name in MODULES}


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node):
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return path[path.index(nxt):] + [nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        path.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_the_checks_can_fail():
    """The cycle finder finds a circle, and the import reader sees imports inside functions."""
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) is None
    tree = ast.parse("def f():\n    from .series import main\n    from . import report\n")
    assert [m for m, _, _, _ in _imports("x", tree)] == ["series", "report"]


def test_no_import_circle():
    cycle = _cycle({k: v for k, v in _graph().items() if k != "__init__"})
    assert cycle is None, "import circle: " + " -> ".join(cycle)
    assert not any("__init__" in deps for deps in _graph().values()), "a module imports the package"


@pytest.mark.parametrize("name", sorted(MODULES))
def test_no_private_name_of_another_module(name):
    imported_modules = set()  # the names this module binds to other helpers modules
    for module, what, bound, line in _imports(name):
        assert not module.rsplit(".", 1)[-1].startswith("_"), f"helpers/{name}.py:{line} imports the private module {module}"
        assert what is None or not what.startswith("_"), f"helpers/{name}.py:{line} imports {what} from {module}"
        if what is None or what in MODULES:
            imported_modules.add(bound)
    for node in ast.walk(_tree(name)):
        if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
                and node.value.id in imported_modules and node.attr.startswith("_")):
            pytest.fail(f"helpers/{name}.py:{node.lineno} uses {node.value.id}.{node.attr}")


def test_no_module_over_450_lines():
    long = {name: n for name, p in MODULES.items()
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert not long, f"modules over {MAX_LINES} lines (two jobs?): {long}"


@pytest.mark.parametrize("name", sorted(MODULES))
def test_the_notebooks_package_imports_nothing_of_the_runner(name):
    runner = sorted({m.split(".")[0] for m, _, _, _ in _imports(name)} & RUNNER)
    assert not runner, f"helpers/{name}.py imports {runner}"

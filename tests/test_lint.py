"""The tree as its tools see it: ruff (lint and format, notebooks included; pyproject.toml's
[tool.ruff]) and import-linter (the packages' layers, no import circle; [tool.importlinter]); and
what import-linter cannot read: the notebooks import only ``helpers`` of the project."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from IPython.core.inputtransformer2 import TransformerManager

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


@pytest.mark.parametrize(
    "command",
    [
        ["ruff", "check", "--no-cache", "."],
        ["ruff", "format", "--check", "--no-cache", "."],
        ["lint-imports", "--no-cache"],
    ],
    ids=lambda c: " ".join(c[:2]),
)
def test_the_tree_passes_its_tools(command):
    r = subprocess.run([str(BIN / command[0]), *command[1:]], cwd=REPO, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, (r.stdout + r.stderr)[-5000:]


def test_notebooks_import_only_helpers_of_the_project():
    for path in sorted((REPO / "notebooks").glob("*.ipynb")):
        code = "\n".join(
            TransformerManager().transform_cell(c.source)
            for c in nbformat.read(path, as_version=4).cells
            if c.cell_type == "code"
        )
        found = {
            (a.name if isinstance(node, ast.Import) else node.module or "").split(".")[0]
            for node in ast.walk(ast.parse(code))
            if isinstance(node, (ast.Import, ast.ImportFrom))
            for a in node.names
        }
        assert found & {"helpers", "series_runner"} == {"helpers"}, f"{path.name} imports {sorted(found)}"

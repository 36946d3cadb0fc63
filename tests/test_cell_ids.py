"""tools/cell_ids.py gives a notebook's new cells (random ids from JupyterLab or nbformat) their
`own-` names, leaves every other cell and byte as it was, and --check lists without changing."""

from __future__ import annotations

import contextlib
import importlib.util
import io
from pathlib import Path
from types import SimpleNamespace

import nbformat

REPO = Path(__file__).resolve().parent.parent
TOOL = REPO / "tools" / "cell_ids.py"
NOTEBOOKS = sorted((REPO / "notebooks").glob("[0-9][0-9]_*.ipynb"))


_spec = importlib.util.spec_from_file_location("cell_ids", TOOL)
cell_ids = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(cell_ids)


def _tool(*args) -> SimpleNamespace:
    """The command, in this process: its exit status and what it printed."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        rc = cell_ids.main([str(a) for a in args])
    return SimpleNamespace(returncode=rc, stdout=out.getvalue(), stderr="")


def test_new_cells_get_own_names_and_nothing_else_changes(tmp_path):
    src = REPO / "notebooks" / "02_lstm_50_tokens.ipynb"
    book = tmp_path / src.name
    nb = nbformat.read(src, as_version=4)
    at = [c.id for c in nb.cells].index("own-padding-states") + 1
    md = nbformat.v4.new_markdown_cell("### The forget gate, step by step\nSome text.")
    md.id = "3f2a9c1e-7b4d-4e8a-9c2f-1a2b3c4d5e6f"  # as JupyterLab names a cell
    code = nbformat.v4.new_code_cell("# The forget gate, step by step\nprint(1)")
    code.id = "0a1b2c3d"  # as nbformat names one
    again = nbformat.v4.new_code_cell("the forget gate step by step = 2")
    again.id = "c0ffee12"
    nb.cells[at:at] = [md, code, again]
    nbformat.write(nb, book)
    before = book.read_text()

    r = _tool("--check", book)
    assert r.returncode == 1 and r.stdout.count("needs an id") == 3, r.stdout + r.stderr
    assert book.read_text() == before

    r = _tool(book)
    assert r.returncode == 0, r.stderr
    after = nbformat.read(book, as_version=4)
    ids = [c.id for c in after.cells]
    assert ids[at : at + 3] == ["own-the-forget-gate-step-md", "own-the-forget-gate-step", "own-the-forget-gate-step-2"]
    assert ids[:at] + ids[at + 3 :] == [c.id for c in nbformat.read(src, as_version=4).cells]
    # only the three ids changed in the file's text
    changed = [(a, b) for a, b in zip(before.splitlines(), book.read_text().splitlines()) if a != b]
    assert len(changed) == 3 and all('"id":' in a for a, _ in changed)
    assert _tool("--check", book).returncode == 0


def test_the_committed_notebooks_have_no_random_cell_ids():
    r = _tool("--check", *NOTEBOOKS)
    assert r.returncode == 0, r.stdout

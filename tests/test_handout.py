"""tools/handout.py: copies of the notebooks without the exercises' solutions, that still run."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import nbformat
import pytest

# its tests share a module-scoped fixture: one process runs them all (--dist loadgroup)
pytestmark = pytest.mark.xdist_group("test_handout")

REPO = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((REPO / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def _tool():
    spec = importlib.util.spec_from_file_location("handout", REPO / "tools" / "handout.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


handout = _tool()


@pytest.fixture(scope="module")
def copies(tmp_path_factory):
    out = tmp_path_factory.mktemp("handout")
    assert handout.main([str(out)]) == 0
    return out


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_a_handout_keeps_everything_but_the_solutions(path, copies):
    original = nbformat.read(path, as_version=4)
    copy = nbformat.read(copies / path.name, as_version=4)
    assert [c.get("id") for c in copy.cells] == [c.get("id") for c in original.cells]
    exercises = next(c for c in original.cells if c.get("id") == "exercises")
    handed = next(c for c in copy.cells if c.get("id") == "exercises")
    assert exercises.source.count("<summary>Solution</summary>") >= 1  # there was something to remove
    assert "<summary>Solution</summary>" not in nbformat.writes(copy)  # nowhere in the copy
    assert "exercises" not in handed.metadata  # nor as the harness's edits
    assert handed.source.count("<summary>Hint</summary>") == exercises.source.count("<summary>Hint</summary>")
    assert handed.source.count("<details>") == handed.source.count("</details>")
    numbered = [line.split(".")[0] for line in exercises.source.splitlines() if line[:1].isdigit()]
    assert [line.split(".")[0] for line in handed.source.splitlines() if line[:1].isdigit()] == numbered
    for kept, was in zip(copy.cells, original.cells):
        if was.get("id") != "exercises":
            assert kept.source == was.source and kept.cell_type == was.cell_type


def test_only_the_named_notebooks_and_an_unknown_name_stops(tmp_path):
    assert [p.name for p in handout.handout(tmp_path / "two", ["03", "00_prepare_data"])] == [
        "00_prepare_data.ipynb",
        "03_bidirectional_lstm.ipynb",
    ]
    with pytest.raises(SystemExit, match="no notebook 99"):
        handout.handout(tmp_path / "none", ["99"])


@pytest.mark.slow
def test_a_handout_notebook_runs(tmp_path):
    """Handout 00 runs with papermill on the generated corpus, from its own folder."""
    import papermill as pm

    out = tmp_path / "handout"
    handout.handout(out, ["00"])
    pm.execute_notebook(
        str(out / "00_prepare_data.ipynb"),
        str(tmp_path / "00-run.ipynb"),
        parameters={
            "data_source": "synthetic",
            "train_size": 200,
            "test_size": 40,
            "output_dir": str(tmp_path / "run"),
        },
        kernel_name="python3",
        cwd=str(out),
        progress_bar=False,
    )
    ran = nbformat.read(tmp_path / "00-run.ipynb", as_version=4)
    code = [c for c in ran.cells if c.cell_type == "code"]
    assert code and all(c.get("execution_count") for c in code)
    assert not any(o.get("output_type") == "error" for c in code for o in c.get("outputs", []))
    assert "<summary>Solution</summary>" not in nbformat.writes(ran)

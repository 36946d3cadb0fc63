"""The notebooks' own code, cell by cell, for tests and benchmarks.

The lesson's code (the vectorizer, each network, compile, fit, the raw-text model, LIME) lives only
in the notebooks' cells. Tests and benchmarks run those cells, taken by cell id, in a namespace
they fill with what the earlier cells would have defined::

    ns = run_cells("01_lstm_25_tokens", ["imports", "vectorize", "network"], train_texts=..., ...)
    ns["model"]

Cells run as plain Python: IPython's ``display`` is a no-op here and a cell whose last line is an
expression just evaluates it.
"""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
NOTEBOOKS = REPO / "notebooks"


def notebook_path(notebook: str) -> Path:
    """``"01_lstm_25_tokens"`` (or a path) as the notebook's file."""
    path = Path(notebook)
    return path if path.suffix == ".ipynb" else NOTEBOOKS / f"{notebook}.ipynb"


def cell_source(notebook: str, cell_id: str) -> str:
    """The source of the code cell with this id (the first one, where a notebook repeats an id)."""
    cells = json.loads(notebook_path(notebook).read_text(encoding="utf-8"))["cells"]
    for cell in cells:
        if cell.get("id") == cell_id and cell["cell_type"] == "code":
            source = cell["source"]
            return "".join(source) if isinstance(source, list) else source
    raise KeyError(f"{notebook} has no code cell with id {cell_id!r}")


def run_cells(notebook: str, cell_ids, namespace: dict | None = None, *, quiet: bool = True, **values) -> dict:
    """Run the notebook's cells ``cell_ids`` in order in ``namespace`` (a new one if None), after
    putting ``values`` (and ``helpers``, ``NAME`` = the notebook's name) into it; returns the namespace.
    ``quiet`` drops what the cells print."""
    import helpers

    ns = {} if namespace is None else namespace
    ns.setdefault("__name__", "__notebook__")
    ns.setdefault("helpers", helpers)
    ns.setdefault("NAME", notebook_path(notebook).stem)
    ns.setdefault("display", lambda *args, **kwargs: None)
    ns.update(values)
    for cell_id in cell_ids:
        code = compile(cell_source(notebook, cell_id), f"<{ns['NAME']}:{cell_id}>", "exec")
        with contextlib.redirect_stdout(io.StringIO()) if quiet else contextlib.nullcontext():
            exec(code, ns)
    return ns


def code_cell_ids(notebook: str) -> list[str]:
    """The ids of the notebook's code cells, in order."""
    cells = json.loads(notebook_path(notebook).read_text(encoding="utf-8"))["cells"]
    return [cell["id"] for cell in cells if cell["cell_type"] == "code"]


def statement(notebook: str, start: str) -> str:
    """The first top-level statement of the notebook's code cells whose source starts with ``start``
    (e.g. ``"model.compile("``: the notebook's own compile call, in whichever cell it stands)."""
    import ast

    for cell_id in code_cell_ids(notebook):
        source = cell_source(notebook, cell_id)
        try:
            tree = ast.parse(source)
        except SyntaxError:  # a cell with IPython magics (the kernel check)
            continue
        for node in tree.body:
            segment = ast.get_source_segment(source, node)
            if segment.startswith(start):
                return segment
    raise KeyError(f"{notebook} has no statement starting {start!r}")


TRAIN_CELLS = ("imports", "vectorize", "network", "compile", "train")
"""The cells of an approach notebook that turn its texts into a trained ``model``."""


def train_approach(
    notebook: str, data, *, epochs: int = 1, batch_size: int = 64, seed: int = 0, cells=TRAIN_CELLS, **overrides
) -> dict:
    """An approach notebook's own cells from ``imports`` to ``train`` on ``data`` (a
    ``helpers.NewsData``), with its default parameters except ``epochs``, ``batch_size``, ``seed`` and
    ``overrides``; returns the namespace (``vectorizer``, ``model``, ``history``, ``x_test`` ...)."""
    import tempfile
    from pathlib import Path

    from helpers.params import notebook_defaults

    if "out" not in overrides:  # the run folder: the progress record and figures go there, not into runs/
        overrides["out"] = Path(tempfile.mkdtemp(prefix="train-approach-"))
        overrides.setdefault("output_dir", str(overrides["out"]))
    params = {
        **notebook_defaults(notebook_path(notebook)),
        "epochs": epochs,
        "batch_size": batch_size,
        "seed": seed,
        **overrides,
    }
    return run_cells(
        notebook,
        cells,
        **params,
        data=data,
        train_texts=data.train_texts,
        train_labels=data.train_labels,
        test_texts=data.test_texts,
        test_labels=data.test_labels,
        class_names=list(data.class_names),
    )


def weight_count(vocab_size, embed_len, lstm_units, bidirectional, num_classes=4) -> int:
    """The textbook count: an LSTM with ``u`` units reading ``d`` numbers has ``4·u·(d + u + 1)``
    weights (4 gates: input weights, recurrent weights, a bias)."""
    k = 2 if bidirectional else 1
    total, d = vocab_size * embed_len, embed_len
    for u in lstm_units:
        total += k * 4 * u * (d + u + 1)
        d = k * u
    return total + (d + 1) * num_classes

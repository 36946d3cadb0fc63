"""Notebook parameters (papermill): names, allowed values, a check that fails fast, and the
defaults a notebook declares.

Each notebook has one cell tagged ``parameters``; papermill may override any of its names. The
cell right after calls :func:`check_parameters`, which raises :class:`ParameterError` for a bad
value before any data is loaded or any network trained; it reads only the notebook's declared
names (:data:`NOTEBOOK_PARAMETERS`), never a learner's own variables. The series runner reads each
notebook's defaults from that cell (:func:`notebook_defaults`), parses ``-p`` values with
:func:`parse_cli_value` and refuses an unknown name with :func:`validate_parameters`.
"""

from __future__ import annotations

import ast
import json
from collections.abc import Mapping
from pathlib import Path

import numpy as np

from .config import approach_named
from .data import DATA_SOURCES


class ParameterError(ValueError):
    """A notebook parameter has a value that is not allowed, or an unknown name."""


def _is_int(v) -> bool:
    return isinstance(v, (int, np.integer)) and not isinstance(v, (bool, np.bool_))


def _int_check(lo: int, hi: int, optional: bool = False):
    allowed = f"an integer from {lo:,} to {hi:,}" + (" or None (all)" if optional else "")

    def check(name, v):
        if optional and v is None:
            return None
        if not _is_int(v) or not lo <= v <= hi:
            raise ParameterError(f"{name} must be {allowed}; got {v!r} ({type(v).__name__})")
        return int(v)

    return check


def _units_check(name, v):
    allowed = (
        "a positive integer (one LSTM layer) or a non-empty list of up to 8 positive "
        "integers (one per stacked LSTM layer), each at most 4,096, e.g. 50 or [50, 60, 75]"
    )
    raw = v
    if isinstance(v, str):  # a list written as text (papermill's -p, or a hand-edited value)
        try:
            v = ast.literal_eval(v.strip())
        except (ValueError, SyntaxError):
            raise ParameterError(f"{name} must be {allowed}; got {raw!r} (str)") from None
    if _is_int(v):
        return int(v)
    if not isinstance(v, (list, tuple)) or not 1 <= len(v) <= 8 or not all(_is_int(u) and 1 <= u <= 4096 for u in v):
        raise ParameterError(f"{name} must be {allowed}; got {raw!r} ({type(raw).__name__})")
    return [int(u) for u in v]


def _choice_check(choices):
    allowed = "one of " + ", ".join(repr(c) for c in choices)

    def check(name, v):
        if v not in choices:
            raise ParameterError(f"{name} must be {allowed}; got {v!r}")
        return v

    return check


def _path_check(none_means: str, empty_is_none: bool = False):
    allowed = f"a folder path (text) or None{none_means}"

    def check(name, v):
        if v is None or (empty_is_none and v == ""):
            return None
        if not isinstance(v, str) or not v.strip():
            raise ParameterError(f"{name} must be {allowed}; got {v!r} ({type(v).__name__})")
        return v

    return check


def _sweep_dir_check(name, v):
    """None, or a folder that holds a sweep's ``sweep.csv`` (notebook 06 reads it)."""
    if v is None:
        return None
    if not isinstance(v, str) or not v.strip():
        raise ParameterError(f"{name} must be a sweep's folder (text) or None; got {v!r} ({type(v).__name__})")
    if not (Path(v) / "sweep.csv").is_file():
        where = "does not exist" if not Path(v).exists() else "has no sweep.csv"
        raise ParameterError(f"{name} must be a sweep's folder (one with sweep.csv) or None; {v!r} {where}")
    return v


PARAMETERS = {
    "max_tokens": _int_check(1, 1000),
    "embed_len": _int_check(1, 1024),
    "lstm_units": _units_check,
    "epochs": _int_check(1, 1000),
    "batch_size": _int_check(1, 65536),
    "train_size": _int_check(100, 10_000_000, optional=True),
    "test_size": _int_check(4, 10_000_000, optional=True),
    "seed": _int_check(0, 2**32 - 1),
    "data_source": _choice_check(DATA_SOURCES),
    "data_dir": _path_check("", empty_is_none=True),
    "output_dir": _path_check(" (the repository's runs/notebooks)"),
    "lime_samples": _int_check(10, 100_000),
    "sweep_dir": _sweep_dir_check,
}
"""Every parameter a notebook of the series may take, with its check."""

PARAMETER_NAMES = tuple(PARAMETERS)


def validate_parameters(params: Mapping) -> dict:
    """Check ``params`` (name → value) and return them normalized.

    Raises:
        ParameterError: for the first unknown name or bad value, naming it and what is allowed.
    """
    unknown = [k for k in params if k not in PARAMETERS]
    if unknown:
        raise _unknown_parameter(unknown[0])
    return {k: PARAMETERS[k](k, v) for k, v in params.items()}


def _unknown_parameter(name: str) -> ParameterError:
    return ParameterError(f"unknown parameter {name!r}; the parameters are: {', '.join(PARAMETER_NAMES)}")


_APPROACH_PARAMETERS = (
    "max_tokens",
    "embed_len",
    "lstm_units",
    "epochs",
    "batch_size",
    "data_source",
    "data_dir",
    "train_size",
    "test_size",
    "seed",
    "lime_samples",
    "output_dir",
)
NOTEBOOK_PARAMETERS = {
    "00": ("data_source", "data_dir", "train_size", "test_size", "seed", "output_dir"),
    **{f"0{n}": _APPROACH_PARAMETERS for n in range(1, 6)},
    "06": ("output_dir", "sweep_dir"),
    "07": (
        "max_tokens",
        "epochs",
        "batch_size",
        "data_source",
        "data_dir",
        "train_size",
        "test_size",
        "seed",
        "output_dir",
    ),
}
"""The names each notebook's ``parameters`` cell defines, by the notebook's number (a test holds
this equal to the notebooks)."""


def declared_parameters(notebook: str | None) -> tuple[str, ...]:
    """The parameter names of ``notebook`` (``"04_stacked_lstm"``; every known name for None or a
    notebook outside the series)."""
    return NOTEBOOK_PARAMETERS.get(str(notebook or "")[:2], PARAMETER_NAMES)


def check_parameters(namespace: dict, notebook: str | None = None) -> dict:
    """Validate a notebook's parameters (call it with ``globals()`` right after its parameters cell).

    Only the notebook's declared parameter names are read from ``namespace``; any other variable
    is left alone. Normalized values are written back (``lstm_units="[50, 60]"`` becomes
    ``[50, 60]``), so running the cell again gives the same result.

    Args:
        notebook: the notebook's name (``"04_stacked_lstm"``). For an approach notebook,
            ``lstm_units`` must then match the LSTM layers its network cell writes out: one integer
            for a single layer (01–03), a list of exactly 3 for the stacks (04, 05).

    Returns:
        The parameters, validated and normalized.

    Raises:
        ParameterError: a bad value, naming the parameter and what is allowed.
    """
    clean = validate_parameters({k: namespace[k] for k in declared_parameters(notebook) if k in namespace})
    if notebook is not None and "lstm_units" in clean:
        clean["lstm_units"] = _units_for_notebook(clean["lstm_units"], notebook)
    namespace.update(clean)
    return clean


def _units_for_notebook(units, notebook: str):
    """``lstm_units`` shaped for an approach notebook's network: an int for one LSTM layer, a list of
    as many integers as it stacks layers."""
    approach = approach_named(notebook)
    if approach is None:
        return units
    layers = len(approach.lstm_units)
    as_list = [units] if isinstance(units, int) else list(units)
    if len(as_list) != layers:
        want = (
            "one positive integer (its network has one LSTM layer)"
            if layers == 1
            else f"a list of {layers} positive integers (its network stacks {layers} LSTM layers), "
            f"e.g. {list(approach.lstm_units)}"
        )
        raise ParameterError(f"lstm_units must be {want} in {notebook}; got {units!r}")
    return as_list[0] if layers == 1 else as_list


def parse_cli_value(text: str):
    """Parse a ``-p NAME VALUE`` value exactly as papermill's own ``-p`` does, plus lists.

    papermill's command line (``papermill/cli.py``, ``_resolve_type``, mirrored here because it
    is not public API) reads ``True``/``False``/``None`` (exactly so written: ``none`` or
    ``true`` stay text), then anything ``int()`` accepts as an integer, then anything
    ``float()`` accepts as a float, and keeps everything else as text. papermill passes a list
    on as text (``"[50, 60, 75]"``); here text written as a Python list literal becomes that
    list, so that ``-p lstm_units "[50, 60, 75]"`` gives ``[50, 60, 75]``. Text that merely looks
    like a list but is not a literal stays text (the parameter check then names it).

    Examples: ``"None"`` → ``None``; ``"True"`` → ``True``; ``"3"`` → ``3``; ``"0.5"`` → ``0.5``;
    ``"[50, 60]"`` → ``[50, 60]``; ``"none"`` → ``"none"``; ``"data/ag"`` → ``"data/ag"``.
    """
    if text == "True":
        return True
    if text == "False":
        return False
    if text == "None":
        return None
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    stripped = text.strip()
    if stripped.startswith("[") and stripped.endswith("]"):
        try:
            value = ast.literal_eval(stripped)
        except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
            return text
        if isinstance(value, list):
            return value
    return text


UNKNOWN = object()
"""A notebook default that is not a Python literal (:func:`notebook_defaults`)."""


def notebook_defaults(notebook) -> dict:
    """The names a notebook's cell tagged ``parameters`` defines, with their default values
    (:data:`UNKNOWN` for a default that is not a Python literal).

    Read from the notebook's JSON with :mod:`ast` (milliseconds: the runner answers before it
    imports papermill); a cell that is not plain Python is left to ``papermill.inspect_notebook``.
    """
    doc = json.loads(Path(notebook).read_text(encoding="utf-8"))
    cell = next(
        (
            c
            for c in doc.get("cells", [])
            if c.get("cell_type") == "code" and "parameters" in c.get("metadata", {}).get("tags", [])
        ),
        None,
    )
    if cell is None:
        return {}
    source = cell.get("source", "")
    source = "".join(source) if isinstance(source, list) else str(source)
    try:
        body = ast.parse(source).body
    except SyntaxError:  # IPython syntax (a magic): papermill's own reading
        import papermill as pm  # slow to import: only for such a cell

        return {name: _literal(info.get("default")) for name, info in pm.inspect_notebook(str(notebook)).items()}
    out = {}
    for node in body:
        if isinstance(node, ast.Assign):
            targets, value = node.targets, node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            targets, value = [node.target], node.value
        else:
            continue
        for target in targets:
            if isinstance(target, ast.Name):
                out[target.id] = _literal(ast.get_source_segment(source, value))
    return out


def _literal(text):
    try:
        return ast.literal_eval(str(text))
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return UNKNOWN

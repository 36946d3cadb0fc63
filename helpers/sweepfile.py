"""Sweep files (issue 20, first part): read a YAML sweep file and expand it into tasks.

A sweep file names notebooks (as ``--only`` names them), fixed ``parameters`` and a ``grid``
(every combination of its lists). Every task's parameters are checked with the notebooks' own
checks (helpers.params.validate_parameters) before anything runs; a bad file raises one
SweepFileError naming the file, the key and the value.
"""
from __future__ import annotations

import itertools
from pathlib import Path

from helpers.params import validate_parameters


class SweepFileError(ValueError):
    """A sweep file that cannot run; the message names the place."""


def expand(spec: dict, source: str = "<sweep>") -> list[tuple[str, dict]]:
    """Return (notebook, parameters) for every task of the sweep ``spec``."""
    if not isinstance(spec, dict):
        raise SweepFileError(f"{source}: expected a mapping with 'notebooks', got {spec!r}")
    unknown = set(spec) - {"notebooks", "parameters", "grid"}
    if unknown:
        raise SweepFileError(f"{source}: unknown key {sorted(unknown)[0]!r}")
    notebooks = spec.get("notebooks")
    if not isinstance(notebooks, list) or not notebooks:
        raise SweepFileError(f"{source}: key 'notebooks': a non-empty list, got {notebooks!r}")
    from helpers.paths import NOTEBOOKS

    known = sorted(p.stem for p in NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
    for nb in notebooks:
        if not any(k.startswith(f"{nb}_") or k == str(nb) for k in known):
            raise SweepFileError(f"{source}: key 'notebooks': unknown notebook {nb!r}")
    fixed = spec.get("parameters") or {}
    grid = spec.get("grid") or {}
    for key, value in grid.items():
        if not isinstance(value, list) or not value:
            raise SweepFileError(f"{source}: key 'grid.{key}': a non-empty list, got {value!r}")
    names = list(grid)
    tasks = []
    for combo in itertools.product(*(grid[n] for n in names)):
        params = {**fixed, **dict(zip(names, combo))}
        try:
            validate_parameters(params)
        except Exception as exc:  # the notebooks' own check says what is wrong
            raise SweepFileError(f"{source}: parameters {params!r}: {exc}") from None
        tasks.extend((str(nb), dict(params)) for nb in notebooks)
    return tasks


def load(path) -> list[tuple[str, dict]]:
    """Read and expand the YAML sweep file at ``path``."""
    import yaml

    try:
        spec = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise SweepFileError(f"{path}: not valid YAML: {exc}".splitlines()[0]) from None
    return expand(spec, str(path))

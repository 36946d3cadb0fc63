"""Sweep files: a YAML file naming notebooks (as ``--only`` names them), the ``parameters`` every
task gets, a ``grid`` (every combination of its lists) and ``sets`` (explicit parameter sets, one per
student or group; with a grid, each set × each grid point), expanded into tasks.

Every parameter is checked before anything runs, with the notebooks' own checks
(:func:`helpers.params.validate_parameters`) and against the parameters the sweep's notebooks
declare; a bad file raises one :class:`SweepFileError` naming the file, the place and the key.
"""

from __future__ import annotations

import itertools
from pathlib import Path

from helpers.params import ParameterError, notebook_defaults, validate_parameters

from .notebooks import list_notebooks

KEYS = ("notebooks", "parameters", "grid", "sets")


class SweepFileError(ValueError):
    """A sweep file that cannot run; the message names the place."""


def expand(spec, source: str = "<sweep>") -> list[tuple[str, dict]]:
    """Return ``(notebook, parameters)`` for every task of the sweep ``spec``: for each set (one
    empty set without ``sets``), for each grid point, each notebook."""
    if not isinstance(spec, dict):
        raise SweepFileError(f"{source}: expected a mapping with 'notebooks', got {spec!r}")
    unknown = [k for k in spec if k not in KEYS]
    if unknown:
        raise SweepFileError(f"{source}: unknown key {unknown[0]!r}; a sweep file has {', '.join(KEYS)}")

    def stop(place: str, problem: str):
        return SweepFileError(f"{source}: key {place!r}: {problem}")

    notebooks = spec.get("notebooks")
    if not isinstance(notebooks, list) or not notebooks:
        raise stop("notebooks", f"a non-empty list, got {notebooks!r}")
    known = list_notebooks()
    takes = {"output_dir"}  # every parameter some notebook of the sweep declares
    for nb in notebooks:
        found = [p for p in known if p.stem.startswith(f"{nb}_") or p.stem == str(nb)]
        if not found:
            raise stop("notebooks", f"unknown notebook {nb!r}")
        takes |= set(notebook_defaults(found[0]))

    def check(place: str, name, value) -> None:
        try:
            validate_parameters({name: value})
        except ParameterError as e:
            raise stop(place, str(e)) from None
        if name not in takes:
            raise stop(place, f"no notebook of the sweep takes parameter {name!r}")

    fixed = spec.get("parameters") or {}
    if not isinstance(fixed, dict):
        raise stop("parameters", f"a mapping of parameters, got {fixed!r}")
    for name, value in fixed.items():
        check(f"parameters.{name}", name, value)
    grid = spec.get("grid") or {}
    if not isinstance(grid, dict):
        raise stop("grid", f"a mapping of parameter lists, got {grid!r}")
    for name, values in grid.items():
        if not isinstance(values, list) or not values:
            raise stop(f"grid.{name}", f"a non-empty list, got {values!r}")
        for value in values:
            check(f"grid.{name}", name, value)
    sets = _sets(spec, stop, check, grid)

    tasks = []
    for one in sets:
        for combo in itertools.product(*grid.values()):
            params = validate_parameters({**fixed, **one, **dict(zip(grid, combo))})
            tasks.extend((str(nb), dict(params)) for nb in notebooks)
    return tasks


def _sets(spec: dict, stop, check, grid: dict) -> list[dict]:
    """The file's ``sets``, each checked (``[{}]`` without them)."""
    if "sets" not in spec:
        return [{}]
    sets = spec["sets"]
    if not isinstance(sets, list) or not sets:
        raise stop("sets", f"a non-empty list of parameter sets (mappings, one per student or group), got {sets!r}")
    for i, one in enumerate(sets):
        if not isinstance(one, dict):
            raise stop(f"sets[{i}]", f"a mapping of parameters (set {i + 1} of {len(sets)}), got {one!r}")
        for name, value in one.items():
            place = f"sets[{i}].{name}"
            if name in grid:
                raise stop(place, f"{name!r} is in 'grid' too; give it in one place")
            check(place, name, value)
    return sets


def load(path) -> list[tuple[str, dict]]:
    """Read and expand the YAML sweep file at ``path``."""
    import yaml

    try:
        spec = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise SweepFileError(f"{path}: not valid YAML: {exc}".splitlines()[0]) from None
    return expand(spec, str(path))

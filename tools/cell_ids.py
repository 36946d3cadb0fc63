"""Give a notebook's new cells their `own-` ids (JupyterLab cannot set a cell's id).

    .venv/bin/python tools/cell_ids.py notebooks/02_lstm_50_tokens.ipynb [more notebooks]
    .venv/bin/python tools/cell_ids.py --check notebooks/*.ipynb     # list them, change nothing

A new cell made in JupyterLab gets a random id (a UUID such as "3f2a9c1e-7b4d-4e8a-9c2f-...",
or 8 hex digits from nbformat). The project names every cell (tests/test_cell_ids.py:
ids are names, and a notebook's own cells start with "own-"), so this command renames each
randomly named cell after its first words: "own-" + up to four words of its first line, plus
"-md" for a markdown cell (e.g. "own-the-forget-gate-md"), made unique with "-2", "-3", ...
Every other cell, and everything else in the file, stays as it is. Rename a cell by hand in the
.ipynb file (its "id" field) when a better name comes to mind. Exit status 1 with --check when a
cell needs an id.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import nbformat

NAME = re.compile(r"[a-z0-9-]+")
GENERATED = re.compile(r"[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}|(?=[a-f]*[0-9])[0-9a-f]{8}")
"""The ids JupyterLab (a UUID) and nbformat (8 hex digits) give a new cell."""


def needs_name(cell_id: str) -> bool:
    return not NAME.fullmatch(cell_id) or bool(GENERATED.fullmatch(cell_id))


def proposed_id(cell, taken: set[str]) -> str:
    first = next((l for l in cell.source.splitlines() if l.strip()), "")
    words = re.findall(r"[a-z0-9]+", first.lower().replace("# plumbing", ""))[:4] or ["cell"]
    base = "own-" + "-".join(words) + ("-md" if cell.cell_type == "markdown" else "")
    name, n = base, 2
    while name in taken:
        name, n = f"{base}-{n}", n + 1
    return name


def name_cells(path: Path, check: bool = False) -> list[tuple[str, str]]:
    """(old id, new id) for each cell of ``path`` that needs a name; the file is rewritten unless ``check``."""
    nb = nbformat.read(path, as_version=4)
    taken = {c.id for c in nb.cells}
    renamed = []
    for cell in nb.cells:
        if needs_name(cell.id):
            new = proposed_id(cell, taken)
            taken.add(new)
            renamed.append((cell.id, new))
            cell.id = new
    if renamed and not check:
        nbformat.validate(nb)
        text = nbformat.writes(nb)
        path.write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")
    return renamed


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("notebooks", nargs="+", type=Path)
    ap.add_argument("--check", action="store_true", help="list the cells that need an id; change nothing")
    args = ap.parse_args(argv)
    missing = 0
    for path in args.notebooks:
        for old, new in name_cells(path, check=args.check):
            missing += 1
            print(f"{path}: cell {old!r} {'needs an id, e.g.' if args.check else '->'} {new!r}")
    return 1 if args.check and missing else 0


if __name__ == "__main__":
    sys.exit(main())

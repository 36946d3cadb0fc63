"""Copy the shared cells of the notebooks from the one you edit into the others.

    .venv/bin/python tools/sync_cells.py            # writes them
    .venv/bin/python tools/sync_cells.py --check    # lists what differs, changes nothing (exit 1)

Edit a shared cell once, then run this:

- 01's shared code cells go to 02-05: every code cell of 01 whose id 02-05 have too, except a
  notebook's own cells (ids starting with ``own-``) and the cells that make an approach what it is
  (``PER_APPROACH`` in tests/test_notebook_consistency.py). Of ``parameters`` only the run settings
  go (from ``# run settings`` on); ``setup`` goes with 01's name replaced by the notebook's own.
- 02's shared markdown cells (the short line 02-05 carry for each step) go to 03-05.
- 01's ``kernel-check`` goes to every notebook, its ``kernel-md`` to 00, 06 and 07 (02-05 carry
  02's short one), and its ``load-data`` to 00 and 07.

A cell's source and tags are copied; outputs, other metadata and every other cell stay as they are.
"""

from __future__ import annotations

import argparse
import ast
import sys
from pathlib import Path

import nbformat

REPO = Path(__file__).resolve().parent.parent
FOLDER = REPO / "notebooks"
APPROACHES = ["01_lstm_25_tokens", "02_lstm_50_tokens", "03_bidirectional_lstm", "04_stacked_lstm",
              "05_stacked_bidirectional_lstm"]
EVERYWHERE = ("kernel-check",)
BEYOND_APPROACHES = {"load-data": ("00_prepare_data", "07_further_recommendations"),
                     "kernel-md": ("00_prepare_data", "06_results_summary", "07_further_recommendations")}
OWN = "own-"
RUN_SETTINGS = "# run settings"


def per_approach() -> set[str]:
    """The ids of the cells that differ from approach to approach, as the consistency test lists them."""
    tree = ast.parse((REPO / "tests" / "test_notebook_consistency.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "PER_APPROACH" for t in node.targets):
            return set(ast.literal_eval(node.value))
    raise LookupError("PER_APPROACH not found in tests/test_notebook_consistency.py")


def _source_for(cell_id: str, source: str, target: str, current: str, origin: str) -> str:
    if cell_id == "parameters":
        return current[:current.index(RUN_SETTINGS)] + source[source.index(RUN_SETTINGS):]
    if cell_id == "setup":
        return source.replace(origin, target)
    return source


def plan(folder: Path = FOLDER) -> dict[str, list[tuple[str, str, list]]]:
    """{notebook name: [(cell id, source, tags)]}: what each notebook's shared cells should be."""
    books = {p.stem: nbformat.read(p, as_version=4) for p in sorted(folder.glob("[0-9][0-9]_*.ipynb"))}
    differ = per_approach() - {"parameters", "setup"}
    first, second = APPROACHES[0], APPROACHES[1]
    wanted: dict[str, list[tuple[str, str, list]]] = {name: [] for name in books}

    def copy(cell, origin: str, targets) -> None:
        for target in targets:
            mine = {c.id: c for c in books[target].cells}
            if cell.id in mine:
                source = _source_for(cell.id, cell.source, target, mine[cell.id].source, origin)
                wanted[target].append((cell.id, source, list(cell.metadata.get("tags", []))))

    others = {}
    for name in APPROACHES[1:]:
        others[name] = {c.id for c in books[name].cells}
    for cell in books[first].cells:
        if cell.cell_type == "code" and not cell.id.startswith(OWN) and cell.id not in differ \
                and cell.id not in EVERYWHERE:
            copy(cell, first, [n for n in APPROACHES[1:] if cell.id in others[n]])
    for cell in books[second].cells:
        if cell.cell_type == "markdown" and not cell.id.startswith(OWN) and cell.id not in per_approach():
            copy(cell, second, APPROACHES[2:])
    for cell in books[first].cells:
        if cell.id in EVERYWHERE:
            copy(cell, first, [n for n in books if n != first])
        if cell.id in BEYOND_APPROACHES:
            copy(cell, first, [n for n in BEYOND_APPROACHES[cell.id] if n in books])
    return wanted


def sync(folder: Path = FOLDER, check: bool = False) -> list[str]:
    """Bring the shared cells in line (unless ``check``); returns "notebook: cell" for each that differed."""
    differing = []
    for name, cells in plan(folder).items():
        path = folder / f"{name}.ipynb"
        nb = nbformat.read(path, as_version=4)
        by_id = {c.id: c for c in nb.cells}
        changed = False
        for cell_id, source, tags in cells:
            cell = by_id[cell_id]
            if cell.source != source or list(cell.metadata.get("tags", [])) != tags:
                differing.append(f"notebooks/{path.name}: cell '{cell_id}'")
                cell.source = source
                if tags:
                    cell.metadata["tags"] = tags
                else:
                    cell.metadata.pop("tags", None)
                changed = True
        if changed and not check:
            nbformat.validate(nb)
            text = nbformat.writes(nb)
            path.write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")
    return differing


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--check", action="store_true", help="list the shared cells that differ; change nothing")
    args = ap.parse_args(argv)
    differing = sync(check=args.check)
    for line in differing:
        print(f"{line} {'differs from its source' if args.check else 'updated'}")
    if args.check and differing:
        print("Run .venv/bin/python tools/sync_cells.py to copy them (see its docstring for which cell goes where).")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Copies of the notebooks to hand out: the exercises keep their hints, lose their solutions.

    .venv/bin/python tools/handout.py OUT_DIR [NOTEBOOK ...]

writes each notebook of notebooks/ (or only those named, as 03 or 03_bidirectional_lstm) into
OUT_DIR with, in its exercises cell (cell id ``exercises``), every
``<details><summary>Solution</summary> ... </details>`` block removed, and that cell's metadata
``exercises`` (the solutions as edits, for tests/exercise_harness.py) dropped too. Nothing else
changes: the copies run as the notebooks do, in the kernel "LSTM AG News" or from a clone.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import nbformat
from nbconvert.preprocessors import Preprocessor

REPO = Path(__file__).resolve().parent.parent
SOLUTION = re.compile(r"\n?[ \t]*<details><summary>Solution</summary>.*?</details>[ \t]*\n?", re.DOTALL)


class RemoveSolutions(Preprocessor):
    """Removes the Solution blocks (and the solutions' metadata) from the cell with id ``exercises``."""

    def preprocess_cell(self, cell, resources, index):
        if cell.get("id") == "exercises" and cell.cell_type == "markdown":
            cell.source = re.sub(r"\n{3,}", "\n\n", SOLUTION.sub("\n", cell.source)).rstrip("\n")
            cell.metadata.pop("exercises", None)
        return cell, resources


def handout(out_dir: Path, names: list[str] | None = None) -> list[Path]:
    """Writes the handout copies into ``out_dir``; their paths."""
    paths = sorted((REPO / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    if names:
        chosen = [p for p in paths if any(p.stem == n or p.stem[:2] == n for n in names)]
        missing = [n for n in names if not any(p.stem == n or p.stem[:2] == n for p in paths)]
        if missing:
            raise SystemExit(f"handout.py: no notebook {', '.join(missing)} in notebooks/")
        paths = chosen
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        nb, _ = RemoveSolutions().preprocess(nb, {})
        nbformat.write(nb, out_dir / path.name)
        written.append(out_dir / path.name)
    return written


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out_dir", type=Path, help="folder for the copies (made if missing)")
    ap.add_argument("notebooks", nargs="*", help="only these notebooks (03 or 03_bidirectional_lstm)")
    args = ap.parse_args(argv)
    written = handout(args.out_dir, args.notebooks)
    print(f"handout.py: {len(written)} notebooks without solutions in {args.out_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

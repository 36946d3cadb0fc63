"""Sets the project's public address everywhere, from one source: pyproject.toml's [project.urls].

    .venv/bin/python tools/set_repository.py https://github.com/OWNER/NAME   # set (a fork: its own)
    .venv/bin/python tools/set_repository.py --unset                         # back to no address
    .venv/bin/python tools/set_repository.py --check                         # every place agrees?

The address is written in pyproject.toml (``Repository = "..."`` under [project.urls]; no such
line while unset) and repeated, by this command only, in:

- README.md: the clone command of its first screen, the notebooks table (a Colab column, with one "Open in Colab" link per notebook, only
  while an address is set) and the "Colab" section between its markers;
- every notebook's first code cell (id ``kernel-check``): the line after its
  ``if "google.colab" in sys.modules ...`` line clones the address and installs what Colab lacks,
  or, while unset, stops with a message pointing at the README's "Colab" section.

``--check`` rewrites nothing: it lists every place that differs from what pyproject.toml says and
exits 1 if there is one. tests/test_set_repository.py runs it on the repository.
"""

from __future__ import annotations

import argparse
import re
import sys
import tomllib
from pathlib import Path

import nbformat

REPO = Path(__file__).resolve().parent.parent
GITHUB = re.compile(r"https://github\.com/[A-Za-z0-9][A-Za-z0-9-]*/[A-Za-z0-9._-]+")
COLAB_IF = 'if "google.colab" in sys.modules and not os.path.exists("../pyproject.toml"):'
UNSET_LINE = "    raise SystemExit(\"No repository address is set for Colab yet: see the README, 'Colab'.\")"
CLONE_LINE = "    !git clone -q --depth 1 {url} lstm-agnews && pip install -q --no-deps -e lstm-agnews lime"
CLONE_PATTERN = re.compile(re.escape(CLONE_LINE).replace(re.escape("{url}"), r"\S+"))
TABLE_BEGIN, TABLE_END = "<!-- notebooks:begin -->", "<!-- notebooks:end -->"
COLAB_BEGIN, COLAB_END = "<!-- colab:begin -->", "<!-- colab:end -->"
CLONE_BEGIN, CLONE_END = "<!-- clone:begin -->", "<!-- clone:end -->"
URL_COMMENT = "# The project's public address: tools/set_repository.py URL sets it here and everywhere it is repeated."

COLAB_UNSET = """No public address is set yet, so there are no Colab links. Once the project is published, its
maintainers run `.venv/bin/python tools/set_repository.py https://github.com/OWNER/NAME`, which
writes the address into `pyproject.toml`, adds a *Colab* column to the notebooks table below and makes each
notebook's first cell clone it on Colab; a fork runs the same command with its own address."""

CLONE_UNSET = """```bash
cd lstm-agnews    # your copy of the project: no public address is set yet (see Colab below)
```"""

CLONE_SET = """```bash
git clone --depth 1 {url} lstm-agnews && cd lstm-agnews
```"""

COLAB_SET = """1. Follow a notebook's *Colab* link in the notebooks table below.
2. Runtime → Change runtime type → a GPU, then Runtime → Run all.
3. The first cell clones {url} and installs only this project and LIME, keeping Colab's own
   TensorFlow and Keras; a runtime older than the series supports stops there, naming the versions.

This path is tested on a Colab-like set of packages (`tests/test_install.py`), not on Colab itself.
A fork sets its own address with `.venv/bin/python tools/set_repository.py URL`."""


def read_address(root: Path = REPO) -> str | None:
    """pyproject.toml's [project.urls] Repository, or None while unset (absent or empty)."""
    urls = tomllib.loads((root / "pyproject.toml").read_text()).get("project", {}).get("urls", {})
    return urls.get("Repository") or None


def notebooks(root: Path) -> list[Path]:
    return sorted((root / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def pyproject_text(text: str, url: str | None) -> str:
    """pyproject.toml with its [project.urls] table holding ``url`` (or no Repository line)."""
    head, sep, rest = text.partition("[project.urls]\n")
    if not sep:
        raise SystemExit("set_repository.py: pyproject.toml has no [project.urls] table")
    end = re.search(r"^\[", rest, flags=re.MULTILINE)
    body, tail = (rest[: end.start()], rest[end.start() :]) if end else (rest, "")
    lines = [
        line
        for line in body.splitlines()
        if line.strip() and not line.startswith("#") and not line.startswith("Repository")
    ]
    lines = [URL_COMMENT, *lines, *([f'Repository = "{url}"'] if url else [])]
    return f"{head}{sep}" + "\n".join(lines) + "\n\n" + tail


def colab_link(url: str, name: str) -> str:
    slug = url.removeprefix("https://github.com/")
    return f"[Colab](https://colab.research.google.com/github/{slug}/blob/main/notebooks/{name}.ipynb)"


def _between(text: str, begin: str, end: str, new: str) -> str:
    """``text`` with ``new`` between the lines ``begin`` and ``end`` (indented as ``begin`` is)."""
    if begin not in text or end not in text:
        raise SystemExit(f"set_repository.py: README.md lacks the lines {begin} and {end}")
    head, rest = text.split(begin, 1)
    indent = head[head.rfind("\n") + 1 :]
    tail = rest.split(end, 1)[1]
    body = "\n".join(indent + line if line else line for line in new.split("\n"))
    return f"{head}{begin}\n{body}\n{indent}{end}{tail}"


def readme_text(text: str, url: str | None, names: list[str]) -> str:
    """README.md with the notebooks table (a Colab column only with an address) and the Colab section."""
    table = text.split(TABLE_BEGIN, 1)[1].split(TABLE_END, 1)[0] if TABLE_BEGIN in text else ""
    taught = {}
    for row in table.splitlines():
        cells = [c.strip() for c in row.strip().strip("|").split("|")]
        if len(cells) >= 2 and cells[0].startswith("`"):
            taught[cells[0].strip("`")] = cells[1]
    rows = [
        "| notebook | what it teaches | read |" + (" Colab |" if url else ""),
        "|---|---|---|" + ("---|" if url else ""),
    ]
    for name in names:
        row = f"| `{name}` | {taught.get(name, '')} | [read](docs/notebooks/{name}.ipynb) |"
        rows.append(row + (f" {colab_link(url, name)} |" if url else ""))
    text = _between(text, TABLE_BEGIN, TABLE_END, "\n".join(rows))
    text = _between(text, CLONE_BEGIN, CLONE_END, CLONE_SET.format(url=url) if url else CLONE_UNSET)
    return _between(text, COLAB_BEGIN, COLAB_END, COLAB_SET.format(url=url) if url else COLAB_UNSET)


def first_cell_line(url: str | None) -> str:
    return CLONE_LINE.format(url=url) if url else UNSET_LINE


def notebook_source(source: str, url: str | None) -> str | None:
    """The kernel-check cell's source with the line after the Colab ``if`` for ``url``; None when
    the cell lacks that ``if`` line followed by one of the two lines this command writes."""
    lines = source.split("\n")
    at = [n for n, line in enumerate(lines) if line.startswith(COLAB_IF)]
    if len(at) != 1 or at[0] + 1 >= len(lines):
        return None
    i = at[0] + 1
    if lines[i] != UNSET_LINE and not CLONE_PATTERN.fullmatch(lines[i]):
        return None
    lines[i] = first_cell_line(url)
    return "\n".join(lines)


def places(root: Path, url: str | None) -> tuple[dict[Path, str], list[str]]:
    """Every file this command writes, with the text it should hold for ``url``; and the notebooks
    whose first cell it cannot write (not in the series' form)."""
    wanted = {root / "pyproject.toml": pyproject_text((root / "pyproject.toml").read_text(), url)}
    paths = notebooks(root)
    wanted[root / "README.md"] = readme_text((root / "README.md").read_text(), url, [p.stem for p in paths])
    unfit = []
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        cell = next((c for c in nb.cells if c.get("id") == "kernel-check"), None)
        source = notebook_source(cell.source, url) if cell is not None else None
        if source is None:
            unfit.append(
                f"{path.relative_to(root)}: its kernel-check cell lacks the line {COLAB_IF} followed by "
                "the Colab line this command writes (see the series' first cell in CONTRIBUTING.md)"
            )
        elif source != cell.source:
            cell.source = source
            wanted[path] = nbformat.writes(nb) + "\n"
    return wanted, unfit


def check(root: Path = REPO) -> list[str]:
    """The places that differ from pyproject.toml's address (empty: all agree)."""
    url = read_address(root)
    wanted, unfit = places(root, url)
    return unfit + [
        f"{path.relative_to(root)} does not match pyproject.toml's address ({url or 'unset'})"
        for path, text in wanted.items()
        if path.read_text() != text
    ]


def set_address(url: str | None, root: Path = REPO) -> list[Path]:
    """Writes ``url`` (None: unset) into pyproject.toml, then everywhere it is repeated; the files changed."""
    if url is not None and not GITHUB.fullmatch(url):
        raise SystemExit(f"set_repository.py: {url!r} is not a GitHub address like https://github.com/OWNER/NAME")
    wanted, unfit = places(root, url)
    if unfit:
        raise SystemExit("set_repository.py: nothing written: " + "; ".join(unfit))
    changed = [path for path, text in wanted.items() if path.read_text() != text]
    for path in changed:
        path.write_text(wanted[path])
    return changed


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    group = ap.add_mutually_exclusive_group(required=True)
    group.add_argument("url", nargs="?", help="https://github.com/OWNER/NAME")
    group.add_argument("--unset", action="store_true", help="remove the address everywhere")
    group.add_argument("--check", action="store_true", help="list the places that differ from pyproject.toml")
    ap.add_argument("--root", type=Path, default=REPO, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.check:
        problems = check(args.root)
        for problem in problems:
            print(f"set_repository.py: {problem}", file=sys.stderr)
        if problems:
            print(
                "set_repository.py: run tools/set_repository.py with the address (or --unset) to write it everywhere",
                file=sys.stderr,
            )
        return 1 if problems else 0
    changed = set_address(None if args.unset else args.url.rstrip("/").removesuffix(".git"), args.root)
    print(
        f"set_repository.py: {len(changed)} files changed" + "".join(f"\n  {p.relative_to(args.root)}" for p in changed)
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

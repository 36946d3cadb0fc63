"""tools/set_repository.py: pyproject.toml's [project.urls] is the one source of the project's
address; the README's clone line, Colab section and Colab links and every notebook's first-cell
Colab line follow it. On the repository every place agrees; on a copy, setting an address and
unsetting it again rewrites every place and comes back to the same files."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

REPO = Path(__file__).resolve().parent.parent
FIRST_CELL = """import os
import sys

if "google.colab" in sys.modules and not os.path.exists("../pyproject.toml"):  # on Colab: fetch the project first
    raise SystemExit("No repository address is set for Colab yet: see the README, 'Colab'.")
    %cd lstm-agnews/notebooks
sys.path.insert(0, os.path.abspath(".."))  # the project's helpers, importable at once
import helpers
helpers.check_kernel()  # stops here, naming the versions, if this kernel cannot run the series"""
"""The series' first code cell while no address is set (cell id kernel-check)."""


def _tool():
    spec = importlib.util.spec_from_file_location("set_repository", REPO / "tools" / "set_repository.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


tool = _tool()


def _common_first_cell(path: Path) -> bool:
    cell = next((c for c in nbformat.read(path, as_version=4).cells if c.get("id") == "kernel-check"), None)
    return cell is not None and tool.notebook_source(cell.source, None) is not None


def test_every_place_agrees_with_pyproject():
    notebooks = tool.notebooks(REPO)
    if not any(_common_first_cell(p) for p in notebooks):
        pytest.skip("no notebook has the series' first cell yet: the README and pyproject are checked on their own")
    r = subprocess.run(
        [sys.executable, str(REPO / "tools" / "set_repository.py"), "--check"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert r.returncode == 0, r.stderr


def test_the_readme_and_pyproject_agree_with_the_source():
    url = tool.read_address(REPO)
    names = [p.stem for p in tool.notebooks(REPO)]
    readme = (REPO / "README.md").read_text()
    assert tool.readme_text(readme, url, names) == readme, "run tools/set_repository.py (see its --check)"
    pyproject = (REPO / "pyproject.toml").read_text()
    assert tool.pyproject_text(pyproject, url) == pyproject


def _copy(tmp_path: Path) -> Path:
    """README, pyproject.toml and the notebooks, each notebook's first cell in the series' form."""
    for name in ("README.md", "pyproject.toml"):
        shutil.copy2(REPO / name, tmp_path / name)
    (tmp_path / "notebooks").mkdir()
    for path in tool.notebooks(REPO):
        nb = nbformat.read(path, as_version=4)
        next(c for c in nb.cells if c.get("id") == "kernel-check").source = FIRST_CELL
        nbformat.write(nb, tmp_path / "notebooks" / path.name)
    return tmp_path


def _colab_line(path: Path) -> str:
    source = next(c for c in nbformat.read(path, as_version=4).cells if c.get("id") == "kernel-check").source
    lines = source.split("\n")
    return lines[next(n for n, line in enumerate(lines) if line.startswith(tool.COLAB_IF)) + 1]


def test_setting_an_address_writes_every_place_and_unsetting_restores_them(tmp_path):
    copy = _copy(tmp_path)
    before = {p: p.read_text() for p in [copy / "README.md", copy / "pyproject.toml", *tool.notebooks(copy)]}
    assert tool.main(["--check", "--root", str(copy)]) == 0
    assert "colab.research.google.com" not in before[copy / "README.md"]

    url = "https://github.com/example-org/lstm-agnews"
    assert tool.main([url + ".git", "--root", str(copy)]) == 0
    assert tool.read_address(copy) == url
    readme = (copy / "README.md").read_text()
    assert f"git clone --depth 1 {url} lstm-agnews && cd lstm-agnews" in readme
    for path in tool.notebooks(copy):
        link = f"https://colab.research.google.com/github/example-org/lstm-agnews/blob/main/notebooks/{path.name}"
        row = next(line for line in readme.splitlines() if line.startswith(f"| `{path.stem}` |"))
        assert row.endswith(f"[Colab]({link}) |") and row.count("|") == 5, row
        assert _colab_line(path) == (
            f"    !git clone -q --depth 1 {url} lstm-agnews && pip install -q --no-deps -e lstm-agnews lime"
        )
    assert "Change runtime type" in readme
    assert tool.main(["--check", "--root", str(copy)]) == 0

    # a place that drifts from the source is found
    (copy / "README.md").write_text(
        readme.replace("example-org/lstm-agnews/blob/main/notebooks/03", "someone/else/blob/main/notebooks/03")
    )
    assert tool.check(copy) == [f"README.md does not match pyproject.toml's address ({url})"]

    assert tool.main(["--unset", "--root", str(copy)]) == 0
    assert {p: p.read_text() for p in before} == before
    assert all(_colab_line(p) == tool.UNSET_LINE for p in tool.notebooks(copy))


def test_only_a_github_address_is_taken_and_an_unknown_first_cell_is_left_alone(tmp_path):
    copy = _copy(tmp_path)
    with pytest.raises(SystemExit, match="not a GitHub address"):
        tool.main(["https://example.org/x", "--root", str(copy)])
    path = tool.notebooks(copy)[0]
    nb = nbformat.read(path, as_version=4)
    next(c for c in nb.cells if c.get("id") == "kernel-check").source = "import helpers"
    nbformat.write(nb, path)
    readme = (copy / "README.md").read_text()
    with pytest.raises(SystemExit, match=f"nothing written: notebooks/{path.name}"):
        tool.main(["https://github.com/a/b", "--root", str(copy)])
    assert (copy / "README.md").read_text() == readme and tool.read_address(copy) is None


OTHER_PROJECTS = {"computationalmodelling/nbval", "mhjabreel/CharCnn_Keras"}
"""Other projects' repositories the documents link to."""


def test_the_documents_name_no_other_address_of_the_project():
    """README, CONTRIBUTING and docs/*.md mention no GitHub repository but other projects' and,
    once set, the project's own (a placeholder such as OWNER/REPOSITORY would be a dead link)."""
    import re

    url = tool.read_address(REPO)
    allowed = OTHER_PROJECTS | ({url.removeprefix("https://github.com/")} if url else set())
    found = {}
    for path in [
        REPO / "README.md",
        REPO / "CONTRIBUTING.md",
        *sorted((REPO / "docs").glob("*.md")),
        *sorted((REPO / ".github").rglob("*.md")),
    ]:
        for repo in re.findall(
            r"(?:github\.com|colab\.research\.google\.com/github)/([\w.-]+/[\w.-]+?)(?:\.git)?(?=[/\s\"')\]]|$)",
            path.read_text(),
        ):
            if repo not in allowed:
                found.setdefault(repo, []).append(path.relative_to(REPO).as_posix())
    assert not found, found

"""Project-level promises: pins in one place, the README's commands, CI, no machine paths."""

from __future__ import annotations

import re
import subprocess
import tempfile
from pathlib import Path

import helpers

REPO = Path(__file__).resolve().parent.parent


def _lock() -> dict[str, list]:
    """requirements.txt: {canonical name: [Requirement, ...]} (one per environment marker)."""
    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name

    lock = {}
    for line in (REPO / "requirements.txt").read_text().splitlines():
        line = line.split("#")[0].strip()
        if line:
            req = Requirement(line)
            lock.setdefault(canonicalize_name(req.name), []).append(req)
    return lock


def test_requirements_are_exact_pins_of_everything_pyproject_declares():
    """requirements.txt is the lock: one exact version per package (per environment marker), and
    every runtime dependency and extra of pyproject.toml in it, at a version within its range."""
    import tomllib

    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name

    lock = _lock()
    loose = [str(r) for reqs in lock.values() for r in reqs
             if len(r.specifier) != 1 or next(iter(r.specifier)).operator != "=="]
    assert lock and not loose, loose
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    declared = [*project["dependencies"], *(r for extra in project["optional-dependencies"].values() for r in extra)]
    for line in declared:
        want = Requirement(line)
        pins = lock.get(canonicalize_name(want.name))
        assert pins, f"{want.name} is declared in pyproject.toml but not locked in requirements.txt"
        for pin in pins:
            version = next(iter(pin.specifier)).version
            assert want.specifier.contains(version, prereleases=True), f"{pin} lies outside {want}"
    assert set(project["optional-dependencies"]) == {"notebooks", "sweeps", "test"}
    assert not {"torchtext", "scikit-plot"} & set(lock)
    assert next(iter(lock["keras"][0].specifier)).version.startswith("3.")


def test_environment_yml_mirrors_requirements():
    env = (REPO / "environment.yml").read_text()
    assert "-r requirements.txt" in env and "-e ." in env


def test_one_python_range_everywhere():
    """pyproject.toml and environment.yml name the same supported Pythons, 3.11 to 3.13 (setup.sh's
    and the kernel check's refusals are tested in tests/test_setup.py and tests/test_kernel_check.py)."""
    import tomllib

    assert tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["requires-python"] == ">=3.11,<3.14"
    assert "  - python>=3.11,<3.14\n" in (REPO / "environment.yml").read_text()


def test_ci_calls_exactly_the_readme_test_command():
    readme = (REPO / "README.md").read_text()
    assert "./run_tests.sh" in readme and "./run_all.sh" in readme
    ci = (REPO / ".ci" / "run").read_text()
    commands = [l.strip() for l in ci.splitlines() if l.strip() and not l.strip().startswith("#")]
    assert commands[-1] == "./run_tests.sh"


def test_the_github_workflows_run_what_contributing_says():
    """tests.yml runs ./run_tests.sh, the command CONTRIBUTING.md says CI runs; notebooks.yml, the
    instructors' papermill + nbval loop, is named there for what it is."""
    import yaml

    def runs(name):
        workflow = yaml.safe_load((REPO / ".github" / "workflows" / name).read_text())
        return [step.get("run", "") for job in workflow["jobs"].values() for step in job["steps"]]

    assert any(r.strip().endswith("./run_tests.sh") for r in runs("tests.yml")), runs("tests.yml")
    assert any("papermill" in r and "--nbval-lax" in r for r in runs("notebooks.yml"))
    contributing = (REPO / "CONTRIBUTING.md").read_text()
    assert "CI runs exactly `./run_tests.sh`" in contributing and "`.github/workflows/tests.yml`" in contributing
    assert "`.github/workflows/notebooks.yml`" in contributing


def test_the_pre_commit_hooks_run_the_projects_own_checks():
    import yaml

    config = yaml.safe_load((REPO / ".pre-commit-config.yaml").read_text())
    entries = " ".join(h["entry"] for repo in config["repos"] for h in repo["hooks"])
    for check in ("tools/cell_ids.py --check", "tools/sync_cells.py --check", "nbconvert --log-level=WARN --clear-output"):
        assert check in entries, check
    assert "pre-commit" in _lock()


def test_no_absolute_machine_paths_in_committed_files():
    files = subprocess.run(["git", "ls-files"], cwd=REPO, capture_output=True, text=True).stdout.split()
    places = {str(REPO.parent) + "/", str(Path.home()) + "/", tempfile.gettempdir() + "/"}
    offenders = []
    for f in files:
        p = REPO / f
        if p.suffix in {".py", ".ipynb", ".md", ".sh", ".json", ".yml", ".toml", ".txt", ".cfg"} and p.is_file():
            text = p.read_text(errors="ignore")
            offenders += [f"{f}: {place}" for place in places if place in text]
    assert not offenders


def test_import_helpers_gives_documented_api():
    for name in dir(helpers):
        if name.startswith("_"):
            continue
        obj = getattr(helpers, name)
        if callable(obj) and not isinstance(obj, type(helpers)):
            assert obj.__doc__, f"helpers.{name} has no docstring"


TUTORIAL_URL = "https://coderzcolumn.com/tutorials/artificial-intelligence/keras-lstm-networks-for-text-classification"


def _readme_prose() -> str:
    """The README without its code blocks, as ``sed '/^```/,/^```/d' README.md`` leaves it."""
    return re.sub(r"^```.*?^```[^\n]*\n?", "", (REPO / "README.md").read_text(), flags=re.DOTALL | re.MULTILINE)


def test_readme_is_a_quick_start_with_three_ways_in_and_credit():
    from helpers.config import QUICK_SETTINGS

    readme = (REPO / "README.md").read_text()
    first_screen = "\n".join(readme.splitlines()[:60])
    for way in ("docs/notebooks/", "./setup.sh && .venv/bin/jupyter lab notebooks/", "./run_all.sh",
                "Open in Colab", "du -sh .venv", "not tried on Colab itself", "Start at 00, then 01",
                "docs/instructors.md", "CONTRIBUTING.md", "#results"):
        assert way in first_screen, way
    for name, value in QUICK_SETTINGS.items():   # the quick values, to type into a parameters cell
        assert f"\n{name} = {value}\n" in first_screen, name
    for credit in ("Keras: LSTM Networks For Text Classification Tasks", "Sunny Solanki", "CoderzColumn", TUTORIAL_URL):
        assert credit in first_screen, credit
    words = len(_readme_prose().split())
    assert words < 1_500, f"README has {words} words outside code blocks"


def test_readme_keeps_the_learner_first():
    readme = (REPO / "README.md").read_text()
    contributors = readme.index("## For instructors and contributors")
    assert readme.index("./run_tests.sh") > contributors, "the test command sits under contributors"
    assert readme.count("<!-- results:begin -->") == 1 and readme.count("<!-- results:end -->") == 1
    assert readme.index("<!-- results:begin -->") < readme.index("<!-- results:end -->")
    for words in ("no Intel-Mac packages since 2.17", "Apple silicon", "WSL2, untested"):
        assert words in readme, words
    many_runs = readme[readme.index("**Many runs**"):]
    assert "docs/sweeps.md" in many_runs.split("\n\n")[0] and "SLURM" in many_runs.split("\n\n")[0]
    assert "SLURMCluster" not in readme   # the recipe lives in docs/sweeps.md


def test_an_open_licence_covers_code_and_text_and_credits_the_tutorial():
    licence = (REPO / "LICENSE").read_text()
    assert "MIT License" in licence and "Permission is hereby granted, free of charge" in licence
    assert "Creative Commons Attribution 4.0" in licence and "notebooks' text" in licence
    assert "Sunny Solanki" in licence and TUTORIAL_URL in licence
    assert "LICENSE" in (REPO / "README.md").read_text()

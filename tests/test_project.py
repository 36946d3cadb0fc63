"""Project-level promises: pins in one place, the README's commands, CI, no machine paths."""

from __future__ import annotations

import re
import subprocess
import tempfile
from pathlib import Path

import helpers

REPO = Path(__file__).resolve().parent.parent


LOCKS = {
    "requirements.txt": ("notebooks",),
    "requirements-sweeps.txt": ("notebooks", "sweeps"),
    "requirements-test.txt": ("notebooks", "sweeps", "test"),
}
"""Each lock and the extras it holds beside the runtime dependencies: the learner's (what ./setup.sh
installs), the cluster's (./setup.sh --sweeps) and the test set's (./run_tests.sh)."""


def _lock(name: str = "requirements.txt") -> dict[str, list]:
    """A lock: {canonical name: [Requirement, ...]} (one per environment marker)."""
    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name

    lock = {}
    for line in (REPO / name).read_text().splitlines():
        line = line.split("#")[0].strip()
        if line:
            req = Requirement(line)
            lock.setdefault(canonicalize_name(req.name), []).append(req)
    return lock


def test_each_lock_pins_exactly_what_pyproject_declares_for_it():
    """Every lock holds one exact version per package (per environment marker), and every runtime
    dependency and every requirement of its extras, at a version within its range; the learner's
    lock holds nothing of the test set or the cluster, and the other locks keep its versions."""
    import tomllib

    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name

    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    assert set(project["optional-dependencies"]) == {"notebooks", "sweeps", "test"}
    learner = _lock()
    for name, extras in LOCKS.items():
        lock = _lock(name)
        loose = [
            str(r)
            for reqs in lock.values()
            for r in reqs
            if len(r.specifier) != 1 or next(iter(r.specifier)).operator != "=="
        ]
        assert lock and not loose, (name, loose)
        for line in [
            *project["dependencies"],
            *(r for extra in extras for r in project["optional-dependencies"][extra]),
        ]:
            want = Requirement(line)
            pins = lock.get(canonicalize_name(want.name))
            assert pins, f"{want.name} is declared in pyproject.toml but not locked in {name}"
            for pin in pins:
                assert want.specifier.contains(next(iter(pin.specifier)).version, prereleases=True), (
                    f"{pin} outside {want}"
                )

        def versions(reqs):
            return {next(iter(r.specifier)).version for r in reqs}

        moved = {k: versions(v) for k, v in lock.items() if k in learner and versions(v) != versions(learner[k])}
        assert set(learner) <= set(lock) and not moved, f"{name} moves a learner's version: {moved}"
    for package in ("pytest", "playwright", "distributed", "pre-commit", "ruff", "import-linter", "nbval"):
        assert package not in learner, f"{package} is in the learner's lock"
    assert {"dask", "packaging"} <= set(learner)
    assert not {"torchtext", "scikit-plot"} & set(_lock("requirements-test.txt"))
    assert next(iter(learner["keras"][0].specifier)).version.startswith("3.")


def test_environment_yml_mirrors_requirements():
    env = (REPO / "environment.yml").read_text()
    assert "-r requirements.txt" in env and "-e ." in env


def test_one_python_range_everywhere():
    """pyproject.toml and environment.yml name the same supported Pythons, 3.11 to 3.13 (setup.sh's
    and the kernel check's refusals are tested in tests/test_setup.py and tests/test_kernel_check.py)."""
    import tomllib

    assert tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["requires-python"] == ">=3.11,<3.14"
    assert "  - python>=3.11,<3.14\n" in (REPO / "environment.yml").read_text()


def test_ci_calls_exactly_the_test_command():
    ci = (REPO / ".ci" / "run").read_text()
    commands = [l.strip() for l in ci.splitlines() if l.strip() and not l.strip().startswith("#")]
    assert commands[-1] == "./run_tests.sh"


def test_the_github_workflows_run_the_suite_and_the_notebooks():
    """tests.yml runs ./run_tests.sh; notebooks.yml, the instructors' papermill + nbval loop."""
    import yaml

    def runs(name):
        workflow = yaml.safe_load((REPO / ".github" / "workflows" / name).read_text())
        return [step.get("run", "") for job in workflow["jobs"].values() for step in job["steps"]]

    assert any(r.strip().endswith("./run_tests.sh") for r in runs("tests.yml")), runs("tests.yml")
    assert any("papermill" in r and "--nbval-lax" in r for r in runs("notebooks.yml"))


def test_the_pre_commit_hooks_run_the_projects_own_checks():
    import yaml

    config = yaml.safe_load((REPO / ".pre-commit-config.yaml").read_text())
    entries = " ".join(h.get("entry", "") for repo in config["repos"] for h in repo["hooks"])
    for check in ("tools/cell_ids.py --check", "nbconvert --log-level=WARN --clear-output"):
        assert check in entries, check
    assert "pre-commit" in _lock("requirements-test.txt")


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


def test_readme_stays_short_and_holds_one_results_block():
    readme = (REPO / "README.md").read_text()
    words = len(_readme_prose().split())
    assert words < 1_500, f"README has {words} words outside code blocks"
    assert readme.count("<!-- results:begin -->") == 1 and readme.count("<!-- results:end -->") == 1
    assert readme.index("<!-- results:begin -->") < readme.index("<!-- results:end -->")


def test_an_open_licence_covers_code_and_text_and_credits_the_tutorial():
    licence = (REPO / "LICENSE").read_text()
    assert "MIT License" in licence and "Permission is hereby granted, free of charge" in licence
    assert "Creative Commons Attribution 4.0" in licence and "notebooks' text" in licence
    assert "Sunny Solanki" in licence and TUTORIAL_URL in licence
    assert "LICENSE" in (REPO / "README.md").read_text()

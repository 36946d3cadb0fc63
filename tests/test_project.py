"""Project-level promises: pins in one place, the README's commands, CI, no machine paths."""

from __future__ import annotations

import re
import subprocess
import tempfile
from pathlib import Path

import helpers

REPO = Path(__file__).resolve().parent.parent


def test_requirements_are_exact_pins_with_the_stack():
    lines = [l.strip() for l in (REPO / "requirements.txt").read_text().splitlines()]
    reqs = [l for l in lines if l and not l.startswith("#")]
    # exact pins; a package only some Python versions need carries an environment marker
    pin = r"[A-Za-z0-9_.\-]+==[0-9][^\s;]*( ; python_version == \"3\.1[123]\")?"
    assert reqs and all(re.fullmatch(pin, r) for r in reqs), [r for r in reqs if not re.fullmatch(pin, r)]
    names = {r.split("==")[0].lower() for r in reqs}
    for pkg in ("tensorflow", "keras", "lime", "papermill", "nbval", "jupyterlab", "scikit-learn", "pytest"):
        assert pkg in names
    assert not {"torchtext", "scikit-plot"} & names
    keras_version = next(r for r in reqs if r.lower().startswith("keras=="))
    assert keras_version.split("==")[1].startswith("3.")


def test_environment_yml_mirrors_requirements():
    env = (REPO / "environment.yml").read_text()
    assert "-r requirements.txt" in env and "-e ." in env


def test_one_python_range_everywhere():
    """pyproject.toml, environment.yml, setup.sh and the notebooks' kernel check (helpers/kernel.py) name the same
    supported Pythons: 3.11, 3.12 and 3.13."""
    import tomllib

    assert tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["requires-python"] == ">=3.11,<3.14"
    assert "  - python>=3.11,<3.14\n" in (REPO / "environment.yml").read_text()
    setup = (REPO / "setup.sh").read_text()
    assert 'SUPPORTED="3.11, 3.12 or 3.13"' in setup and "3.11.*|3.12.*|3.13.*)" in setup
    kernel = (REPO / "helpers" / "kernel.py").read_text()
    assert "PYTHONS = ((3, 11), (3, 13))" in kernel and "the project needs 3.11, 3.12 or 3.13" in kernel


def test_ci_calls_exactly_the_readme_test_command():
    readme = (REPO / "README.md").read_text()
    assert "./run_tests.sh" in readme and "./run_all.sh" in readme
    ci = (REPO / ".ci" / "run").read_text()
    commands = [l.strip() for l in ci.splitlines() if l.strip() and not l.strip().startswith("#")]
    assert commands[-1] == "./run_tests.sh"


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


def test_readme_is_a_quick_start_with_three_ways_in_and_credit():
    readme = (REPO / "README.md").read_text()
    first_screen = "\n".join(readme.splitlines()[:50])
    for way in ("docs/notebooks/", "./setup.sh && .venv/bin/jupyter lab notebooks/", "./run_all.sh",
                "Colab", "du -sh .venv", "not tried on Colab itself"):
        assert way in first_screen, way
    for credit in ("Keras: LSTM Networks For Text Classification Tasks", "Sunny Solanki", "CoderzColumn", TUTORIAL_URL):
        assert credit in first_screen, credit
    prose = re.sub(r"```.*?```", "", readme, flags=re.DOTALL)
    assert len(prose.split()) <= 1_800, f"README has {len(prose.split())} words outside code blocks"
    assert "CONTRIBUTING.md" in readme and "docs/instructors.md" in readme


def test_an_open_licence_covers_code_and_text_and_credits_the_tutorial():
    licence = (REPO / "LICENSE").read_text()
    assert "MIT License" in licence and "Permission is hereby granted, free of charge" in licence
    assert "Creative Commons Attribution 4.0" in licence and "notebooks' text" in licence
    assert "Sunny Solanki" in licence and TUTORIAL_URL in licence
    assert "LICENSE" in (REPO / "README.md").read_text()

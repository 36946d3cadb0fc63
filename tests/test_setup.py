"""./setup.sh on the learner's Python: 3.12 and 3.13 for real (a .venv built with each in a copy
of the repository holds exactly the lock, registers the Jupyter kernel and runs a notebook through
papermill; the suite's own .venv is the check of the Python it was built with), a half-built .venv
completed, a .venv of a Python that is gone made anew, a set-up without network served from uv's
cache, any other Python stopped at once with one message, and the GPU choice.

The copies and their environments live in one temporary folder per session, removed at the end.
Wheels are shared through uv's cache, so only the first set-up with each Python downloads them.
setup.sh registers its Jupyter kernel in the copy's own JUPYTER_DATA_DIR, never in the user's.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

# _probe stays importable from here for tests/test_kernel_check.py until it takes it from tests/conftest.py
from install_support import QUICK_RUN, _probe, copy_repo, find_python
from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

REPO = Path(__file__).resolve().parent.parent
SUPPORTED = ("3.11", "3.12", "3.13")
OWN = "%d.%d" % sys.version_info[:2]
# setup.sh's tools, for a PATH that holds no Python (and no uv) but the ones a test puts there
TOOLS = ("bash", "cat", "dirname", "grep", "sed", "rm", "mkdir", "cp", "cmp", "env")
NOT_FOR_LEARNERS = ("pytest", "playwright", "distributed", "pre-commit", "ruff", "import-linter", "nbval")
"""The test set and the cluster: never in a learner's .venv (./run_tests.sh and ./setup.sh --sweeps add them)."""


# ---------------------------------------------------------------------------------------------
# Interpreters, copies of the repository, running setup.sh
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def scratch():
    """One temporary folder for every copy and environment these tests build; removed at the end."""
    folder = Path(tempfile.mkdtemp(prefix="setup-tests-"))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def setup_env(copy: Path, **extra) -> dict:
    """The environment setup.sh runs in: no PYTHON, SETUP_GPU or virtual environment inherited, the
    Jupyter kernel registered inside the copy's folder."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHON", "VIRTUAL_ENV", "SETUP_GPU")}
    env["JUPYTER_DATA_DIR"] = str(copy.parent / "jupyter")
    env.update(extra)
    return env


def run_setup(copy: Path, env: dict, timeout: float = 900, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["bash", str(copy / "setup.sh"), *args],
        cwd=copy,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )


def tools_path(folder: Path, pythons: dict[str, str]) -> str:
    """A PATH of one folder: setup.sh's tools and, as python3, python, ..., only the given interpreters."""
    folder.mkdir(parents=True, exist_ok=True)
    for tool in TOOLS:
        found = shutil.which(tool)
        if found:
            (folder / tool).symlink_to(found)
    for name, target in pythons.items():
        (folder / name).symlink_to(target)
    return str(folder)


def pins_for(version: str) -> dict[str, str]:
    """requirements.txt's pins that apply to this Python version on this machine, by canonical name."""
    environment = {**default_environment(), "python_version": version[:4].rstrip("."), "python_full_version": version}
    pins = {}
    for line in (REPO / "requirements.txt").read_text().splitlines():
        line = line.split("#")[0].strip()
        if line:
            req = Requirement(line)
            if req.marker is None or req.marker.evaluate(environment):
                pins[canonicalize_name(req.name)] = str(req.specifier).removeprefix("==")
    return pins


def installed(python: Path) -> dict[str, str]:
    out = subprocess.run(
        [
            str(python),
            "-I",
            "-c",
            "import json, importlib.metadata as m; print(json.dumps("
            "{d.metadata['Name']: d.version for d in m.distributions()}))",
        ],
        capture_output=True,
        text=True,
        check=True,
        cwd=python.parent,
    ).stdout
    return {canonicalize_name(k): v for k, v in json.loads(out).items()}


# ---------------------------------------------------------------------------------------------
# Each supported Python, for real
# ---------------------------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("minor", SUPPORTED)
def test_a_supported_python_sets_up_an_environment_that_runs_a_notebook(minor, scratch):
    """setup.sh with Python 3.12 (named by PYTHON, over a .venv an interrupted set-up left: completed,
    then made anew without network, from uv's cache) and 3.13 (found by itself as python3, the only
    Python on PATH and no uv there: pip puts the pinned uv into .venv, over a .venv whose Python is
    gone): the .venv holds exactly the pins for that Python, the kernel is registered, and it runs
    notebook 01 through papermill on a tiny generated corpus."""
    if minor == OWN:
        pytest.skip(f"this suite runs in a .venv that setup.sh built with Python {OWN}: the whole suite is its check")
    python = find_python(minor)
    if python is None:
        others = [m for m in ("3.12", "3.13") if find_python(m)]
        if os.environ.get("CI") == "true" and not others:
            pytest.fail(
                "CI=true but neither Python 3.12 nor 3.13 is installed (pyenv or PATH): "
                "the set-up on a newer Python cannot be tested"
            )
        pytest.skip(f"no Python {minor} here (looked in pyenv's versions and for python{minor} on PATH)")
    version = _probe(python)[0]
    copy = copy_repo(scratch / f"py{minor}" / "repo")
    venv_python = copy / ".venv" / "bin" / "python"
    if minor == "3.12":  # an interrupted set-up: the virtual environment made, nothing installed yet
        subprocess.run([python, "-m", "venv", str(copy / ".venv")], check=True, timeout=120)
        (copy / ".venv" / "kept").write_text("")
        # uv: this suite's, on PATH
        env = setup_env(copy, PYTHON=python, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
        says = f"Installing requirements.txt into .venv (Python {version})"
    else:  # a .venv whose Python is gone
        (copy / ".venv" / "bin").mkdir(parents=True)
        venv_python.symlink_to(copy.parent / "removed-python" / "python3.11")
        env = setup_env(copy, PATH=tools_path(scratch / f"py{minor}" / "bin", {"python3": python}))
        says = f"Making .venv with Python {version} (python3)"
    r = run_setup(copy, env)
    assert r.returncode == 0, r.stdout + r.stderr
    assert says in r.stdout, r.stdout
    assert (copy / ".venv" / "kept").exists() == (minor == "3.12")
    assert _probe(str(venv_python))[0] == version
    pins = pins_for(version)
    have = installed(venv_python)
    assert {k: have.get(k) for k in pins} == pins
    # the installer itself is the one extra where pip had to put it into .venv (no uv on PATH)
    assert set(have) - set(pins) <= {"pip", "lstm-agnews-helpers", "uv"}, set(have) - set(pins)
    assert not set(NOT_FOR_LEARNERS) & set(have), set(NOT_FOR_LEARNERS) & set(have)
    spec = json.loads((copy.parent / "jupyter" / "kernels" / "lstm-agnews" / "kernel.json").read_text())
    assert spec["display_name"] == "LSTM AG News" and Path(spec["argv"][0]).resolve() == venv_python.resolve()
    assert (copy / ".venv" / "share" / "jupyter" / "lab" / "settings" / "overrides.json").read_text() == (
        REPO / "tools" / "jupyter" / "overrides.json"
    ).read_text()

    # a second set-up finds .venv in line with the lock: nothing installed, the kernel left as it is
    kernel = copy.parent / "jupyter" / "kernels" / "lstm-agnews" / "kernel.json"
    registered = kernel.stat().st_mtime_ns
    start = time.monotonic()
    r = run_setup(copy, env)
    assert r.returncode == 0, r.stdout + r.stderr
    assert time.monotonic() - start < 15 and "Installing" not in r.stdout and "Registered" not in r.stdout, r.stdout
    assert kernel.stat().st_mtime_ns == registered

    if minor == "3.12":  # no network: the same set-up from uv's cache
        shutil.rmtree(copy / ".venv")
        dead = "http://127.0.0.1:9"
        r = run_setup(copy, {**env, "HTTPS_PROXY": dead, "HTTP_PROXY": dead, "ALL_PROXY": dead, "UV_HTTP_TIMEOUT": "5"})
        assert r.returncode == 0, r.stdout + r.stderr
        assert "setup.sh: installing from uv's cache only (no network?)" in r.stderr, r.stderr
        assert {k: installed(venv_python).get(k) for k in pins} == pins

    out = scratch / f"py{minor}" / "run"
    out.mkdir()
    r = subprocess.run(
        [
            str(copy / ".venv" / "bin" / "papermill"),
            "01_lstm_25_tokens.ipynb",
            str(out / "01.ipynb"),
            *QUICK_RUN,
            "-p",
            "output_dir",
            str(out),
        ],
        cwd=copy / "notebooks",
        env={**env, "PATH": f"{copy / '.venv' / 'bin'}{os.pathsep}{os.environ['PATH']}", "TF_CPP_MIN_LOG_LEVEL": "3"},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert r.returncode == 0, r.stderr[-3000:]
    metrics = json.loads((out / "metrics" / "01_lstm_25_tokens.json").read_text())
    # trained and scored, one epoch, under this Python and the pinned Keras and TensorFlow
    assert metrics["versions"] == {"python": version, "keras": pins["keras"], "tensorflow": pins["tensorflow"]}
    assert len(metrics["history"]["loss"]) == 1 and metrics["n_test"] == 20
    assert 0 <= metrics["test_accuracy"] <= 1 and metrics["trainable_params"] > 0


# ---------------------------------------------------------------------------------------------
# Unsupported Pythons stop at once, with one message
# ---------------------------------------------------------------------------------------------


def _assert_one_message(r: subprocess.CompletedProcess, seconds: float, copy: Path, found: str):
    assert r.returncode != 0
    assert seconds < 20, f"setup.sh took {seconds:.1f} s to refuse"
    message = r.stderr
    assert "Traceback" not in message and r.stdout == "", r.stdout + message
    assert message.startswith("setup.sh: ") and message.count("setup.sh: ") == 1, message
    assert found in message, message
    for words in (
        "3.11, 3.12 or 3.13",
        "PYTHON=/path/to/python3.12",
        "environment.yml",
        "uv python install 3.13",
        "pyenv install",
    ):
        assert words in message, f"{words!r} missing from: {message}"
    assert not (copy / ".venv").exists(), "a .venv was left behind"


def test_python_3_10_stops_at_once_with_one_message(scratch):
    python = find_python("3.10")
    if python is None:
        pytest.skip("no Python 3.10 here (pyenv or PATH)")
    copy = copy_repo(scratch / "py3.10" / "repo")
    version = _probe(python)[0]
    for env, found in (
        (setup_env(copy, PYTHON=python), f"Found: {python} is Python {version}."),
        (
            setup_env(
                copy, PATH=tools_path(scratch / "py3.10" / "bin", {"python3": python, "python3.11": "/bin/false"})
            ),
            f"Found: python3 is Python {version}; python3.11 does not run as Python.",
        ),
    ):
        start = time.monotonic()
        r = run_setup(copy, env, timeout=60)
        _assert_one_message(r, time.monotonic() - start, copy, found)


def test_a_broken_or_too_new_python_stops_at_once_with_one_message(scratch):
    copy = copy_repo(scratch / "fake" / "repo")
    fake = scratch / "fake" / "python3.14"
    fake.write_text("#!/bin/sh\necho '3.14.0'\n")  # what a Python 3.14 answers
    fake.chmod(0o755)
    for python, found in (
        ("/bin/false", "Found: /bin/false does not run as Python."),
        (str(fake), f"Found: {fake} is Python 3.14.0."),
        ("no-such-python", "Found: no-such-python does not run as Python."),
    ):
        start = time.monotonic()
        r = run_setup(copy, setup_env(copy, PYTHON=python), timeout=60)
        _assert_one_message(r, time.monotonic() - start, copy, found)


# ---------------------------------------------------------------------------------------------
# GPU or CPU: what setup.sh asks uv to install, with a stub nvidia-smi and a uv that only records
# ---------------------------------------------------------------------------------------------


def test_setup_installs_the_cuda_extra_where_nvidia_smi_lists_a_gpu(scratch):
    """Where nvidia-smi lists a GPU, or SETUP_GPU=1, the one install adds TensorFlow's CUDA extra at
    the lock's TensorFlow version; without nvidia-smi, with one that fails, or with SETUP_GPU=0, not."""
    pin = pins_for("%d.%d.%d" % sys.version_info[:3])["tensorflow"]
    copy = copy_repo(scratch / "gpu" / "repo")
    (copy / ".venv" / "bin").mkdir(parents=True)  # a current .venv: this suite's Python
    (copy / ".venv" / "bin" / "python").write_text(f'#!/bin/sh\nexec "{sys.executable}" "$@"\n')
    (copy / ".venv" / "bin" / "python").chmod(0o755)
    log = scratch / "gpu" / "uv.log"

    def installs(stub_rc: int | None, setup_gpu: str | None = None) -> str:
        stubs = scratch / "gpu" / f"stubs-{stub_rc}-{setup_gpu}"
        stubs.mkdir()
        (stubs / "uv").write_text(
            f'#!/bin/sh\n[ "$1" = --version ] && echo "uv 0.0.0" && exit 0\necho "$@" > "{log}"\n'
        )
        if stub_rc is not None:
            (stubs / "nvidia-smi").write_text(f"#!/bin/sh\necho 'GPU 0: Stub GPU (UUID: GPU-0)'\nexit {stub_rc}\n")
        for stub in stubs.iterdir():
            stub.chmod(0o755)
        path = tools_path(stubs / "tools", {})  # shadows any real nvidia-smi and uv
        env = setup_env(copy, PATH=f"{stubs}{os.pathsep}{path}", **({"SETUP_GPU": setup_gpu} if setup_gpu else {}))
        for old in (copy / ".venv").glob(".stamp-*"):  # each case installs anew
            old.unlink()
        log.unlink(missing_ok=True)
        r = run_setup(copy, env, timeout=120)
        assert r.returncode == 0, r.stdout + r.stderr
        args = log.read_text()
        assert "-r requirements.txt" in args and "-e ." in args, args
        return args

    cuda = f"tensorflow[and-cuda]=={pin}"
    assert cuda in installs(0)  # nvidia-smi lists a GPU
    assert cuda not in installs(None)  # no nvidia-smi
    assert cuda not in installs(9)  # nvidia-smi there, but no GPU or driver
    assert cuda not in installs(0, "0")  # SETUP_GPU=0: the CPU only
    assert cuda in installs(9, "1")  # SETUP_GPU=1 asks for the GPU set-up


# ---------------------------------------------------------------------------------------------
# A second set-up, --sweeps, and ./run_all.sh --help
# ---------------------------------------------------------------------------------------------


def test_a_second_setup_installs_nothing_and_keeps_the_kernel(scratch):
    """Once .venv holds the lock, ./setup.sh installs nothing and leaves the registered kernel as it
    is, in seconds; it registers the kernel again where it points at another Python, and installs
    again when the lock changes; --sweeps adds the cluster's lock once."""
    copy = copy_repo(scratch / "again" / "repo")
    (copy / ".venv" / "bin").mkdir(parents=True)  # a current .venv: this suite's Python
    (copy / ".venv" / "bin" / "python").write_text(f'#!/bin/sh\nexec "{sys.executable}" "$@"\n')
    (copy / ".venv" / "bin" / "python").chmod(0o755)
    stubs, log = scratch / "again" / "stubs", scratch / "again" / "uv.log"
    stubs.mkdir()
    (stubs / "uv").write_text(f'#!/bin/sh\n[ "$1" = --version ] && echo "uv 0.0.0" && exit 0\necho "$@" >> "{log}"\n')
    (stubs / "uv").chmod(0o755)
    env = setup_env(copy, PATH=f"{stubs}{os.pathsep}{tools_path(stubs / 'tools', {})}", SETUP_GPU="0")
    kernel = copy.parent / "jupyter" / "kernels" / "lstm-agnews" / "kernel.json"

    def setup(*args: str) -> tuple[str, str]:
        """(what uv was asked to install, setup.sh's output); the log emptied for the next call."""
        r = run_setup(copy, env, 120, *args)
        assert r.returncode == 0, r.stdout + r.stderr
        asked = log.read_text() if log.exists() else ""
        log.unlink(missing_ok=True)
        return asked, r.stdout

    asked, said = setup()
    assert "-r requirements.txt" in asked and "Registered" in said
    assert json.loads(kernel.read_text())["argv"][0] == sys.executable
    registered = kernel.stat().st_mtime_ns
    start = time.monotonic()
    asked, said = setup()
    assert time.monotonic() - start < 5, "a set-up with nothing to do took seconds"
    assert asked == "" and "Registered" not in said and kernel.stat().st_mtime_ns == registered, said

    spec = json.loads(kernel.read_text())
    kernel.write_text(json.dumps({**spec, "argv": ["/another/python", *spec["argv"][1:]]}))
    asked, said = setup()  # the kernel points elsewhere: registered again, nothing installed
    assert asked == "" and "Registered" in said and json.loads(kernel.read_text())["argv"][0] == sys.executable

    asked, _ = setup("--sweeps")
    assert "-r requirements-sweeps.txt" in asked and "-r requirements.txt" not in asked, asked
    assert setup("--sweeps")[0] == ""

    with (copy / "requirements.txt").open("a") as lock:  # a new lock (git pull): installed again
        lock.write("\n")
    assert "-r requirements.txt" in setup()[0]


def test_run_all_help_answers_at_once_without_a_venv(scratch):
    """./run_all.sh --help on a fresh clone, with no Python on PATH at all: the runner's help, at
    once, and no .venv made."""
    copy = copy_repo(scratch / "help" / "repo")
    path = tools_path(scratch / "help" / "bin", {})
    start = time.monotonic()
    r = subprocess.run(
        ["bash", str(copy / "run_all.sh"), "--help"],
        cwd=scratch / "help",
        env=setup_env(copy, PATH=path),
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )
    assert r.returncode == 0 and time.monotonic() - start < 5, r.stderr
    assert r.stdout == (REPO / "tools" / "run_all_help.txt").read_text() and "usage: run_all.sh" in r.stdout
    assert not (copy / ".venv").exists()


def test_the_help_run_all_prints_is_the_runners():
    r = subprocess.run(
        [sys.executable, "-P", "-m", "series_runner", "--help"],
        cwd=REPO,
        env={**os.environ, "COLUMNS": "100"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert r.returncode == 0, r.stderr
    assert r.stdout == (REPO / "tools" / "run_all_help.txt").read_text(), (
        "the runner's help changed: COLUMNS=100 .venv/bin/python -m series_runner --help > tools/run_all_help.txt"
    )

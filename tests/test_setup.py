"""./setup.sh on the learner's Python: 3.12 and 3.13 for real (a .venv built with each in a copy
of the repository runs a notebook through papermill; the suite's own .venv is the check of the
Python it was built with), any other Python stopped at once with one message, a half-built or
stale .venv rebuilt; and the notebooks' kernel check of the versions that matter.

The copies and their environments live in one temporary folder per session, removed at the end.
Wheels are shared through the installer's own cache (uv's or pip's), so only the first set-up
with each Python downloads them. setup.sh registers its Jupyter kernel in the copy's own
JUPYTER_DATA_DIR, never in the user's.
"""

from __future__ import annotations

import glob
import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

REPO = Path(__file__).resolve().parent.parent
SUPPORTED = ("3.11", "3.12", "3.13")
OWN = "%d.%d" % sys.version_info[:2]
QUICK_RUN = ["-p", "data_source", "synthetic", "-p", "train_size", "100", "-p", "test_size", "20",
             "-p", "epochs", "1", "-p", "batch_size", "32", "-p", "lime_samples", "10"]
# setup.sh's tools, for a PATH that holds no Python but the ones a test puts there
TOOLS = ("bash", "cat", "sha256sum", "cut", "dirname", "grep", "head", "sed", "timeout", "rm", "mkdir",
         "cp", "cmp", "tail", "env")


# ---------------------------------------------------------------------------------------------
# Interpreters, copies of the repository, running setup.sh
# ---------------------------------------------------------------------------------------------


def _probe(python: str) -> tuple[str, bool] | None:
    """(version, can make a venv) of an interpreter, or None when it does not run."""
    try:
        r = subprocess.run([python, "-c", "import sys\ntry:\n import venv, ensurepip\n v = 1\nexcept Exception:\n v = 0\n"
                            "print('%d.%d.%d' % sys.version_info[:3], v)"],
                           capture_output=True, text=True, timeout=30, stdin=subprocess.DEVNULL)
    except (OSError, subprocess.TimeoutExpired):
        return None
    if r.returncode != 0 or not r.stdout.strip():
        return None
    version, venv = r.stdout.split()
    return version, venv == "1"


def find_python(minor: str) -> str | None:
    """An interpreter of this minor version that can make a venv: pyenv's versions (newest
    first), then pythonX.Y on PATH."""
    candidates = []
    if shutil.which("pyenv"):
        root = subprocess.run(["pyenv", "root"], capture_output=True, text=True).stdout.strip()
        found = glob.glob(os.path.join(root, "versions", f"{minor}.*", "bin", f"python{minor}"))
        candidates += sorted(found, key=lambda p: [int(n) for n in re.findall(r"\d+", Path(p).parents[1].name)],
                             reverse=True)
    if shutil.which(f"python{minor}"):
        candidates.append(shutil.which(f"python{minor}"))
    for c in candidates:
        probed = _probe(c)
        if probed and probed[0].startswith(minor + ".") and probed[1]:
            return c
    return None


@pytest.fixture(scope="session")
def scratch():
    """One temporary folder for every copy and environment these tests build; removed at the end."""
    folder = Path(tempfile.mkdtemp(prefix="setup-tests-"))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def copy_repo(dest: Path) -> Path:
    """The repository's files (tracked and not ignored: the working tree as it is), without .venv
    or run folders, copied to dest."""
    r = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=REPO,
                       capture_output=True, text=True)
    if r.returncode == 0:
        for name in filter(None, r.stdout.split("\0")):
            src = REPO / name
            if src.is_file():
                (dest / name).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(src, dest / name)
    else:  # not a git checkout
        shutil.copytree(REPO, dest, dirs_exist_ok=True,
                        ignore=shutil.ignore_patterns(".venv", "runs", ".git", "__pycache__", "test-artifacts"))
    return dest


def setup_env(copy: Path, **extra) -> dict:
    """The environment setup.sh runs in: no PYTHON or virtual environment inherited, the Jupyter
    kernel registered inside the copy's folder."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHON", "VIRTUAL_ENV", "SETUP_INSTALLER")}
    env["JUPYTER_DATA_DIR"] = str(copy.parent / "jupyter")
    env.update(extra)
    return env


def run_setup(copy: Path, env: dict, timeout: float = 900) -> subprocess.CompletedProcess:
    return subprocess.run(["bash", str(copy / "setup.sh")], cwd=copy, env=env, capture_output=True, text=True,
                          timeout=timeout, stdin=subprocess.DEVNULL)


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
    """requirements.txt's pins that apply to this Python version, by canonical name."""
    pins = {}
    for line in (REPO / "requirements.txt").read_text().splitlines():
        line = line.split("#")[0].strip()
        if line:
            req = Requirement(line)
            if req.marker is None or req.marker.evaluate({"python_version": version[:4], "python_full_version": version}):
                pins[canonicalize_name(req.name)] = str(req.specifier).removeprefix("==")
    return pins


# ---------------------------------------------------------------------------------------------
# Each supported Python, for real
# ---------------------------------------------------------------------------------------------


def _plant_unstamped_venv(copy: Path, python: str) -> str:
    """A .venv an interrupted set-up left: a virtual environment without the stamp."""
    subprocess.run([python, "-m", "venv", "--without-pip", str(copy / ".venv")], check=True, timeout=120)
    (copy / ".venv" / "half-built").write_text("")
    return "incomplete"


def _plant_venv_of_a_gone_python(copy: Path, python: str) -> str:
    """A complete-looking .venv (stamp and all) whose interpreter no longer exists."""
    bin_dir = copy / ".venv" / "bin"
    bin_dir.mkdir(parents=True)
    (bin_dir / "python").symlink_to(copy.parent / "removed-python" / "python3.11")
    want = hashlib.sha256((copy / "requirements.txt").read_bytes() + (copy / "pyproject.toml").read_bytes()).hexdigest()
    (copy / ".venv" / ".setup-stamp").write_text(f"{want}\n3.11.7\n{copy.parent}/removed-python/python3.11\n")
    (copy / ".venv" / "half-built").write_text("")
    return "no longer runs"


@pytest.mark.slow
@pytest.mark.parametrize("minor", SUPPORTED)
def test_a_supported_python_sets_up_an_environment_that_runs_a_notebook(minor, scratch):
    """setup.sh with Python 3.12 (named by PYTHON, over a .venv an interrupted set-up left) and 3.13
    (found by itself as python3, the only Python on PATH, over a .venv whose Python is gone):
    the .venv is rebuilt, holds exactly the pins for that Python, and runs notebook 01 through
    papermill on a tiny generated corpus."""
    if minor == OWN:
        pytest.skip(f"this suite runs in a .venv that setup.sh built with Python {OWN}: the whole suite is its check")
    python = find_python(minor)
    if python is None:
        others = [m for m in ("3.12", "3.13") if find_python(m)]
        if os.environ.get("CI") == "true" and not others:
            pytest.fail("CI=true but neither Python 3.12 nor 3.13 is installed (pyenv or PATH): "
                        "the set-up on a newer Python cannot be tested")
        pytest.skip(f"no Python {minor} here (looked in pyenv's versions and for python{minor} on PATH)")
    copy = copy_repo(scratch / f"py{minor}" / "repo")
    if minor == "3.12":
        expected = _plant_unstamped_venv(copy, python)
        env = setup_env(copy, PYTHON=python)
    else:
        expected = _plant_venv_of_a_gone_python(copy, python)
        env = setup_env(copy, PATH=tools_path(scratch / f"py{minor}" / "bin", {"python3": python}))
    r = run_setup(copy, env)
    assert r.returncode == 0, r.stdout + r.stderr
    version = _probe(python)[0]
    assert f"Python {version}" in r.stdout, r.stdout  # says which Python it uses
    assert expected in r.stderr and "rebuilding .venv" in r.stderr, r.stderr
    assert not (copy / ".venv" / "half-built").exists()
    venv_python = copy / ".venv" / "bin" / "python"
    assert _probe(str(venv_python))[0] == version
    installed = json.loads(subprocess.run([str(venv_python), "-m", "pip", "list", "--format=json"],
                                          capture_output=True, text=True, check=True).stdout)
    installed = {canonicalize_name(p["name"]): p["version"] for p in installed}
    pins = pins_for(version)
    assert {k: installed.get(k) for k in pins} == pins
    assert set(installed) - set(pins) <= {"pip", "lstm-agnews-helpers"}, set(installed) - set(pins)

    out = scratch / f"py{minor}" / "run"
    out.mkdir()
    r = subprocess.run([str(copy / ".venv" / "bin" / "papermill"), "01_lstm_25_tokens.ipynb", str(out / "01.ipynb"),
                        *QUICK_RUN, "-p", "output_dir", str(out)],
                       cwd=copy / "notebooks", env={**env, "PATH": f"{copy / '.venv' / 'bin'}{os.pathsep}{os.environ['PATH']}",
                                                    "TF_CPP_MIN_LOG_LEVEL": "3"},
                       capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr[-3000:]
    metrics = json.loads((out / "metrics" / "01_lstm_25_tokens.json").read_text())
    # trained and scored, one epoch, under this Python and the pinned Keras and TensorFlow
    assert metrics["versions"] == {"python": version, "keras": pins["keras"], "tensorflow": pins["tensorflow"]}
    assert len(metrics["history"]["loss"]) == 1 and metrics["n_test"] == 20
    assert 0 <= metrics["test_accuracy"] <= 1 and metrics["trainable_params"] > 0


# ---------------------------------------------------------------------------------------------
# Unsupported Pythons stop at once; a half-built .venv is not trusted
# ---------------------------------------------------------------------------------------------


def _assert_one_message(r: subprocess.CompletedProcess, seconds: float, copy: Path, found: str):
    assert r.returncode != 0
    assert seconds < 20, f"setup.sh took {seconds:.1f} s to refuse"
    message = r.stderr
    assert "Traceback" not in message and r.stdout == "", r.stdout + message
    assert message.startswith("setup.sh: ") and message.count("setup.sh: ") == 1, message
    assert found in message, message
    for words in ("3.11, 3.12 or 3.13", "PYTHON=/path/to/python3.12", "environment.yml", "uv python install 3.13",
                  "pyenv install"):
        assert words in message, f"{words!r} missing from: {message}"
    assert not (copy / ".venv").exists(), "a .venv was left behind"


def test_python_3_10_stops_at_once_with_one_message(scratch):
    python = find_python("3.10")
    if python is None:
        pytest.skip("no Python 3.10 here (pyenv or PATH)")
    copy = copy_repo(scratch / "py3.10" / "repo")
    version = _probe(python)[0]
    for env, found in ((setup_env(copy, PYTHON=python), f"PYTHON={python} is Python {version}"),
                       (setup_env(copy, PATH=tools_path(scratch / "py3.10" / "bin", {"python3": python, "python": python})),
                        f"Found: python3 is Python {version}; python is Python {version}.")):
        start = time.monotonic()
        r = run_setup(copy, env, timeout=60)
        _assert_one_message(r, time.monotonic() - start, copy, found)


def test_a_broken_or_too_new_python_stops_at_once_with_one_message(scratch):
    copy = copy_repo(scratch / "fake" / "repo")
    fake = scratch / "fake" / "python3.14"
    fake.write_text("#!/bin/sh\necho '3.14.0 venv /usr/local/bin/python3.14'\n")  # what a Python 3.14 answers
    fake.chmod(0o755)
    for python, found in (("/bin/false", "PYTHON=/bin/false does not run as a Python interpreter"),
                          (str(fake), f"PYTHON={fake} is Python 3.14.0"),
                          ("no-such-python", "PYTHON=no-such-python does not run")):
        start = time.monotonic()
        r = run_setup(copy, setup_env(copy, PYTHON=python), timeout=60)
        _assert_one_message(r, time.monotonic() - start, copy, found)


def _start_setup_and_stop_it_while_installing(copy: Path, env: dict, stop_at="Installing the pinned packages") -> str:
    """Runs setup.sh until it prints a line starting with stop_at (by default: it starts
    installing packages), then kills it (and its children): an interrupted set-up. Returns what
    it printed."""
    p = subprocess.Popen(["bash", str(copy / "setup.sh")], cwd=copy, env=env, stdin=subprocess.DEVNULL,
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
    lines = []
    try:
        for line in p.stdout:
            lines.append(line)
            if line.startswith(stop_at):
                break
    finally:
        os.killpg(p.pid, signal.SIGKILL)
        p.wait(timeout=60)
    return "".join(lines)


@pytest.mark.parametrize("planted", ["unstamped", "other-python"])
def test_a_half_built_or_stale_venv_is_noticed_and_rebuilt(planted, scratch):
    """A .venv without the stamp (an interrupted set-up), or one made with another Python than
    PYTHON names, is noticed, said in one line and wiped before the build; and the build, stopped
    while installing, leaves a .venv the next set-up again does not trust."""
    python = find_python(OWN)
    if python is None:
        pytest.skip(f"no base interpreter for Python {OWN}")
    copy = copy_repo(scratch / f"stale-{planted}" / "repo")
    env = setup_env(copy, PYTHON=python)
    if planted == "unstamped":
        _plant_unstamped_venv(copy, python)
        expected = "setup.sh: .venv is incomplete (an interrupted set-up?): rebuilding .venv"
    else:
        other = next((p for p in map(find_python, ("3.13", "3.12", "3.11", "3.10")) if p and _probe(p)[0][:4] != OWN),
                     None)
        if other is None:
            pytest.skip("no second Python version here (pyenv or PATH)")
        _plant_unstamped_venv(copy, other)
        want = hashlib.sha256((copy / "requirements.txt").read_bytes() + (copy / "pyproject.toml").read_bytes())
        exe = subprocess.run([other, "-c", "import sys; print(sys.executable)"], capture_output=True, text=True).stdout
        (copy / ".venv" / ".setup-stamp").write_text(f"{want.hexdigest()}\n{_probe(other)[0]}\n{exe}")
        expected = (f"setup.sh: .venv was made with Python {_probe(other)[0]} ({exe.strip()}), "
                    f"not with PYTHON={python} (Python {_probe(python)[0]}): rebuilding .venv")
    text = _start_setup_and_stop_it_while_installing(copy, env)
    assert expected in text, text
    assert not (copy / ".venv" / "half-built").exists()
    assert not (copy / ".venv" / ".setup-stamp").exists()
    text = _start_setup_and_stop_it_while_installing(copy, env)
    assert "setup.sh: .venv is incomplete (an interrupted set-up?): rebuilding .venv" in text, text


def test_a_failing_uv_falls_back_to_pip(scratch):
    """uv on PATH that fails to install: setup.sh says so in one line and installs with pip."""
    python = find_python(OWN)
    if python is None:
        pytest.skip(f"no base interpreter for Python {OWN}")
    copy = copy_repo(scratch / "failing-uv" / "repo")
    bin_dir = scratch / "failing-uv" / "bin"
    bin_dir.mkdir()
    (bin_dir / "uv").write_text('#!/bin/sh\n[ "$1" = --version ] && echo "uv 0.0.1" && exit 0\n'
                                'echo "error: no network (a failing uv)" >&2\nexit 2\n')
    (bin_dir / "uv").chmod(0o755)
    env = setup_env(copy, PYTHON=python, PATH=f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    text = _start_setup_and_stop_it_while_installing(copy, env, stop_at="Installing the pinned packages with pip")
    assert "Installing the pinned packages with uv 0.0.1..." in text, text
    assert ("setup.sh: uv could not install the pins; installing them with pip instead. "
            "uv said: error: no network (a failing uv)") in text, text
    assert text.rstrip().endswith("Installing the pinned packages with pip..."), text


# ---------------------------------------------------------------------------------------------
# The kernel check: the first code cell of every notebook
# ---------------------------------------------------------------------------------------------


def _kernel_check() -> str:
    sources = {path.name: next(c for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code").source
               for path in sorted((REPO / "notebooks").glob("[0-9][0-9]_*.ipynb"))}
    assert len(set(sources.values())) == 1, "the notebooks' first code cells differ"
    return next(iter(sources.values()))


def _fake_distribution(folder: Path, name: str, version: str) -> None:
    info = folder / f"{name}-{version}.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n")


def test_the_kernel_check_passes_in_this_environment(tmp_path):
    r = subprocess.run([sys.executable, "-c", _kernel_check()], cwd=tmp_path, capture_output=True, text=True,
                       timeout=120)
    assert r.returncode == 0, r.stderr[-2000:]


@pytest.mark.parametrize("fakes, words", [
    ({"keras": "2.15.0"}, "This kernel has Keras 2.15.0 (the notebooks need Keras 3)"),
    ({"keras": "2.15.0", "tensorflow": "2.15.1"},
     "This kernel has Keras 2.15.0 (the notebooks need Keras 3) and TensorFlow 2.15.1 (Keras 3 needs TensorFlow 2.16"),
], ids=["keras2", "keras2-tf215"])
def test_the_kernel_check_stops_a_kernel_with_keras_2(fakes, words, tmp_path):
    """A kernel whose packages are there but too old (the tutorial's Keras 2 stack) stops in the
    first cell with what it found and what to do; the versions are read without importing them."""
    for name, version in fakes.items():
        _fake_distribution(tmp_path / "site", name, version)
    r = subprocess.run([sys.executable, "-c", _kernel_check()], cwd=tmp_path, capture_output=True, text=True,
                       env={**os.environ, "PYTHONPATH": str(tmp_path / "site")}, timeout=120)
    assert r.returncode != 0
    last = r.stderr.strip().splitlines()[-1]
    assert last.startswith(f"ImportError: {words}"), last
    assert "'LSTM AG News'" in last and "./setup.sh" in last, last


def test_the_kernel_check_stops_an_unsupported_python(tmp_path):
    """A Python outside 3.11-3.13 (simulated: this Python reporting 3.14.0 once helpers is imported,
    as NumPy would not import on this Python under another version) stops the notebook."""
    simulate = "import sys, helpers.kernel\nsys.version_info = (3, 14, 0, 'final', 0)\n"
    r = subprocess.run([sys.executable, "-c", simulate + _kernel_check()],
                       cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert r.returncode != 0
    last = r.stderr.strip().splitlines()[-1]
    assert last.startswith("ImportError: This kernel has Python 3.14.0 (the project needs 3.11, 3.12 or 3.13)")
    assert "'LSTM AG News'" in last and "./setup.sh" in last, last


def test_the_kernel_check_stops_a_python_3_10_kernel(tmp_path):
    """A real Python 3.10 (no project packages, an unsupported version): the first cell stops with its
    own sentence (helpers cannot be imported there), and helpers/kernel.py itself, which needs only
    the standard library, runs on it and says both what is missing and that the Python is too old."""
    python = find_python("3.10")
    if python is None:
        pytest.skip("no Python 3.10 here (pyenv or PATH)")
    r = subprocess.run([python, "-I", "-c", _kernel_check()], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert r.returncode != 0
    last = r.stderr.strip().splitlines()[-1]
    assert last.startswith("ModuleNotFoundError: This kernel cannot import the project's package helpers: "), last
    assert "'LSTM AG News'" in last and "./setup.sh" in last, last
    check = f"import runpy; runpy.run_path({str(REPO / 'helpers' / 'kernel.py')!r})['check_kernel']()"
    r = subprocess.run([python, "-I", "-c", check], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    last = r.stderr.strip().splitlines()[-1]
    assert last.startswith("ModuleNotFoundError: This kernel lacks the project's packages (helpers, tensorflow, "), last
    assert f"and runs Python {_probe(python)[0]} (the project needs 3.11, 3.12 or 3.13)" in last, last
    assert "'LSTM AG News'" in last and "./setup.sh" in last, last


# ---------------------------------------------------------------------------------------------
# GPU or CPU: what setup.sh decides (SETUP_DECIDE_ONLY=1 changes nothing), with a stub nvidia-smi
# ---------------------------------------------------------------------------------------------


def _decide(tmp_path, stub_rc: int | None, setup_gpu: str | None = None) -> list[str]:
    """setup.sh's decision with a stub nvidia-smi first on PATH that exits stub_rc (None: none at all)."""
    stubs = tmp_path / f"stubs-{stub_rc}-{setup_gpu}"
    stubs.mkdir(exist_ok=True)
    if stub_rc is not None:
        stub = stubs / "nvidia-smi"
        stub.write_text(f"#!/bin/sh\necho 'GPU 0: Stub GPU (UUID: GPU-0)'\nexit {stub_rc}\n")
        stub.chmod(0o755)
    else:  # shadow any real nvidia-smi: the PATH holds only the stubs folder and setup.sh's tools
        for tool in TOOLS + ("python3", "sha256sum", "sort", "tr"):
            found = shutil.which(tool)
            if found and not (stubs / tool).exists():
                (stubs / tool).symlink_to(found)
    path = str(stubs) if stub_rc is None else f"{stubs}{os.pathsep}{os.environ['PATH']}"
    env = {k: v for k, v in os.environ.items() if k not in ("SETUP_GPU", "PYTHON")}
    env.update(PATH=path, SETUP_DECIDE_ONLY="1", **({"SETUP_GPU": setup_gpu} if setup_gpu is not None else {}))
    r = subprocess.run(["bash", str(REPO / "setup.sh")], env=env, capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    return r.stdout.splitlines()


def test_setup_chooses_the_cuda_extra_where_nvidia_smi_works(tmp_path):
    pin = next(l.split("==")[1].strip() for l in (REPO / "requirements.txt").read_text().splitlines()
               if l.startswith("tensorflow=="))
    gpu = _decide(tmp_path, 0)
    assert gpu[0] == f"gpu tensorflow[and-cuda]=={pin}"
    assert _decide(tmp_path, None)[0] == "cpu"          # no nvidia-smi
    assert _decide(tmp_path, 9)[0] == "cpu"             # nvidia-smi there, but no GPU or driver
    assert _decide(tmp_path, 0, "0")[0] == "cpu"        # SETUP_GPU=0 forces the CPU
    assert _decide(tmp_path, 9, "1")[0] == gpu[0]       # SETUP_GPU=1 asks for the GPU set-up
    # the choice is part of the stamp: the suite's .venv is current for one choice, not the other
    venv_lines = {_decide(tmp_path, 0, "1")[1], _decide(tmp_path, 0, "0")[1]}
    assert "venv: up to date" in venv_lines
    assert "venv: requirements.txt, pyproject.toml or the GPU choice changed" in venv_lines

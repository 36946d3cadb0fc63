"""Whether a notebook's kernel can run the series; on Colab, first install what Colab lacks.

Every notebook's first code cell runs this file with :func:`runpy.run_path` and calls
:func:`check_kernel`. It is not imported as ``helpers.kernel``: importing ``helpers`` imports Keras,
which on a kernel with a too-old Keras or TensorFlow would fail first, deep inside Keras. So this
file uses the standard library only and parses on Python 3.8 and later; it reads versions from the
installed packages' metadata (importing nothing heavy) and compares them with the ranges the
project declares (``pyproject.toml``, the one place they are written).
"""

from __future__ import annotations

import importlib
import importlib.metadata
import importlib.util
import re
import subprocess
import sys
from pathlib import Path

PROJECT = "lstm-agnews-helpers"
"""The project's distribution name (pyproject.toml's ``[project] name``)."""

ROOT = Path(__file__).resolve().parent.parent
"""The project's folder when this file runs from a checkout (pyproject.toml is there)."""

NAMES = {"tensorflow": "TensorFlow", "keras": "Keras", "numpy": "NumPy", "matplotlib": "Matplotlib",
         "lime": "LIME"}
"""How the messages name a distribution (others by their own name)."""

IMPORT_NAMES = {"scikit-learn": "sklearn"}
"""Import names that differ from the distribution's name."""

DISTRIBUTIONS = {"tensorflow": ("tensorflow", "tensorflow-cpu", "tensorflow-macos")}
"""Distributions that provide the same package under another name."""

LOCAL_TODO = ("pick the kernel 'LSTM AG News' in Kernel > Change Kernel, or run ./setup.sh and open the "
              "notebooks with .venv/bin/jupyter lab.")
COLAB_TODO = ("this Colab runtime is older than the series supports: choose the latest runtime version "
              "(Runtime > Change runtime type) and run the notebook again. The series uses Colab's own "
              "TensorFlow and Keras and never replaces them.")


def declared() -> tuple[str, list[str]]:
    """The Python range and the runtime requirements the project declares: from pyproject.toml
    where this file runs from a checkout, else from the installed project's metadata."""
    pyproject = ROOT / "pyproject.toml"
    if pyproject.is_file():
        text = pyproject.read_text(encoding="utf-8")
        python = re.search(r'^requires-python\s*=\s*"([^"]+)"', text, re.M).group(1)
        block = re.search(r"^dependencies\s*=\s*\[(.*?)^\]", text, re.M | re.S).group(1)
        return python, re.findall(r'^\s*"([^"]+)"', block, re.M)
    meta = importlib.metadata.metadata(PROJECT)
    requirements = [r for r in (meta.get_all("Requires-Dist") or []) if "extra ==" not in r]
    return meta["Requires-Python"], requirements


def split_requirement(requirement: str) -> tuple[str, str]:
    """``"keras>=3.10,<4"`` -> ``("keras", ">=3.10,<4")`` (name lower-cased, extras and markers dropped)."""
    match = re.match(r"\s*([A-Za-z0-9._-]+)\s*(?:\[[^\]]*\])?\s*\(?([^;)]*)", requirement)
    return match.group(1).lower().replace("_", "-"), match.group(2).replace(" ", "")


def _release(version: str) -> tuple[int, ...]:
    return tuple(int(re.match(r"\d*", part).group() or 0) for part in version.split("+")[0].split("."))


def satisfies(version: str, specifier: str) -> bool:
    """Whether ``version`` (e.g. ``"2.19.1"``) lies in ``specifier`` (e.g. ``">=2.19,<2.22"``), comparing
    release numbers (enough for the ranges pyproject.toml declares)."""
    have = _release(version)
    for clause in filter(None, specifier.split(",")):
        op, bound = re.match(r"(~=|==|!=|<=|>=|<|>)?(.*)", clause).groups()
        want = _release(bound.rstrip(".*"))
        width = max(len(have), len(want))
        a, b = have + (0,) * (width - len(have)), want + (0,) * (width - len(want))
        ok = {">=": a >= b, "<=": a <= b, ">": a > b, "<": a < b, "!=": a != b,
              "~=": a >= b and have[:len(want) - 1] == want[:-1]}.get(op or "==", a == b)
        if not ok:
            return False
    return True


def in_words(specifier: str) -> str:
    """``">=3.10,<4"`` -> ``"3.10 or later, before 4"``."""
    words = {">=": "{} or later", "<": "before {}", "<=": "up to {}", ">": "after {}", "==": "{}", "!=": "not {}"}
    parts = []
    for clause in filter(None, specifier.split(",")):
        op, bound = re.match(r"(~=|==|!=|<=|>=|<|>)?(.*)", clause).groups()
        parts.append(words.get(op or "==", "{}").format(bound))
    return ", ".join(parts)


def installed_version(name: str) -> str | None:
    """The installed version of a distribution (read from its metadata, not imported), or None."""
    for dist in DISTRIBUTIONS.get(name, (name,)):
        try:
            return importlib.metadata.version(dist)
        except importlib.metadata.PackageNotFoundError:
            pass
    return None


def python_version() -> str:
    return "%d.%d.%d" % tuple(sys.version_info[:3])


def out_of_range() -> list[tuple[str, str, str]]:
    """(what, version found, versions needed) for Python and each installed runtime requirement
    outside the declared range."""
    python, requirements = declared()
    wrong = []
    if not satisfies(python_version(), python):
        wrong.append(("Python", python_version(), python))
    for requirement in requirements:
        name, specifier = split_requirement(requirement)
        version = installed_version(name)
        if version is not None and not satisfies(version, specifier):
            wrong.append((NAMES.get(name, name), version, specifier))
    return wrong


def missing() -> list[str]:
    """The runtime requirements (as declared) whose package this kernel cannot import."""
    _, requirements = declared()
    return [r for r in requirements
            if importlib.util.find_spec(IMPORT_NAMES.get(split_requirement(r)[0], split_requirement(r)[0])) is None]


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def install_what_colab_lacks(lacking: list[str]) -> None:
    """Install this project (editable, without its dependencies: Colab's own TensorFlow, Keras,
    IPython and the rest stay as they are) and the declared requirements Colab lacks."""
    pip = [sys.executable, "-m", "pip", "install", "-q"]
    if installed_version(PROJECT) is None:
        print(f"Installing this project from {ROOT} (pip install --no-deps -e .)")
        subprocess.run(pip + ["--no-deps", "-e", str(ROOT)], check=True)
    if lacking:
        print(f"Installing what Colab lacks: {', '.join(lacking)}")
        subprocess.run(pip + lacking, check=True)
    importlib.invalidate_caches()


def check_versions(todo: str = LOCAL_TODO) -> None:
    """Raise ``ImportError`` naming the versions found and those needed when Python or an installed
    runtime requirement lies outside the declared ranges; ``todo`` says what to do."""
    wrong = out_of_range()
    if wrong:
        found = _and([f"{what} {version}" for what, version, _ in wrong])
        needed = _and([f"{what} {in_words(specifier)}" for what, _, specifier in wrong])
        raise ImportError(f"This kernel has {found}; the series needs {needed}: {todo}")


def check_kernel(colab: bool | None = None) -> None:
    """Stop, with one message, unless this kernel can run the series: Python, TensorFlow, Keras and
    the other runtime requirements within the ranges pyproject.toml declares, and all of them there.

    On Colab (``google.colab`` imported), the versions are checked first, then what Colab lacks is
    installed (:func:`install_what_colab_lacks`). Raises ``ImportError`` naming the versions found
    and those needed, or ``ModuleNotFoundError`` naming the missing packages.
    """
    if colab is None:
        colab = "google.colab" in sys.modules
    todo = COLAB_TODO if colab else LOCAL_TODO
    check_versions(todo)
    lacking = missing()
    if colab and (lacking or installed_version(PROJECT) is None):
        install_what_colab_lacks(lacking)
        lacking = missing()
    if lacking:
        names = ", ".join(IMPORT_NAMES.get(n, n) for n in (split_requirement(r)[0] for r in lacking))
        if colab:
            todo = "installing them did not make them importable (see pip's messages above): run this cell again."
        raise ModuleNotFoundError(f"This kernel lacks the project's packages ({names}): {todo}")

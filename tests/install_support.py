"""What the installation tests share (tests/test_setup.py, tests/test_install.py): finding a Python
of a given version, copying the working tree, the quick notebook parameters. Test modules import
this module, never each other."""

from __future__ import annotations

import glob
import os
import re
import shutil
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
QUICK_RUN = [
    "-p",
    "data_source",
    "synthetic",
    "-p",
    "train_size",
    "100",
    "-p",
    "test_size",
    "20",
    "-p",
    "epochs",
    "1",
    "-p",
    "batch_size",
    "32",
    "-p",
    "lime_samples",
    "10",
]


def _probe(python: str) -> tuple[str, bool] | None:
    """(version, can make a venv) of an interpreter, or None when it does not run."""
    try:
        r = subprocess.run(
            [
                python,
                "-c",
                "import sys\ntry:\n import venv, ensurepip\n v = 1\nexcept Exception:\n v = 0\n"
                "print('%d.%d.%d' % sys.version_info[:3], v)",
            ],
            capture_output=True,
            text=True,
            timeout=30,
            stdin=subprocess.DEVNULL,
        )
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
        candidates += sorted(
            found, key=lambda p: [int(n) for n in re.findall(r"\d+", Path(p).parents[1].name)], reverse=True
        )
    if shutil.which(f"python{minor}"):
        candidates.append(shutil.which(f"python{minor}"))
    for c in candidates:
        probed = _probe(c)
        if probed and probed[0].startswith(minor + ".") and probed[1]:
            return c
    return None


def copy_repo(dest: Path, without: tuple[str, ...] = ()) -> Path:
    """The repository's files (tracked and not ignored: the working tree as it is), without .venv
    or run folders (and without the files named in ``without``), copied to dest."""
    r = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    if r.returncode == 0:
        for name in filter(None, r.stdout.split("\0")):
            src = REPO / name
            if src.is_file() and name not in without:
                (dest / name).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(src, dest / name)
    else:  # not a git checkout
        shutil.copytree(
            REPO,
            dest,
            dirs_exist_ok=True,
            ignore=shutil.ignore_patterns(".venv", "runs", ".git", "__pycache__", "test-artifacts", *without),
        )
    return dest

"""Run folders and atomic writes: an interrupted run never leaves a half-written file behind.

Every file is written to a temporary name in the same folder and then renamed over the target
(``os.replace`` is atomic), so a reader sees either the old file or the complete new one.

A notebook's ``output_dir`` names its run folder; ``None`` (every notebook's default) means the
repository's ``runs/notebooks/`` (:data:`DEFAULT_RUN_FOLDER`), wherever the kernel started
(JupyterLab, papermill from any folder, nbconvert); a path means what the user wrote, relative to
the kernel's working folder (:func:`run_folder`). Notebooks print the files they save relative to
the run folder (:func:`in_run_folder`), so their outputs name no machine's folders.
"""

from __future__ import annotations

import json
import os
import tempfile
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from . import runlock
from .paths import REPO

SUBFOLDERS = ("metrics", "models", "figures", "explanations")

DEFAULT_RUN_FOLDER = REPO / "runs" / "notebooks"
"""A notebook's run folder when its ``output_dir`` is ``None``: the repository's ``runs/notebooks``."""


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


class OutputDirError(OSError):
    """The output folder cannot be created or written to."""


@contextmanager
def atomic_path(path):
    """Yield a temporary path beside ``path``; on success rename it to ``path``, else delete it."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=path.suffix + ".part", dir=path.parent)
    os.close(fd)
    try:
        yield Path(tmp)
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes owner-only files; give the usual permissions
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_text(path, text: str) -> Path:
    """Write ``text`` to ``path`` atomically (UTF-8)."""
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return Path(path)


def write_json(path, obj) -> Path:
    """Write ``obj`` as indented, key-sorted JSON, atomically."""
    return write_text(path, json.dumps(obj, indent=2, sort_keys=True, default=_jsonable) + "\n")


def _jsonable(o):
    if isinstance(o, np.integer):
        return int(o)
    if isinstance(o, np.floating):
        return float(o)
    if isinstance(o, np.ndarray):
        return o.tolist()
    if isinstance(o, (set, tuple)):
        return list(o)
    if isinstance(o, Path):
        return str(o)
    raise TypeError(f"not JSON serializable: {type(o).__name__}")


def save_figure(fig, path, dpi: int = 110) -> Path:
    """Save a matplotlib figure as PNG, atomically."""
    with atomic_path(path) as tmp:
        fig.savefig(tmp, dpi=dpi, bbox_inches="tight", format="png")
    return Path(path)


def run_folder(output_dir) -> Path:
    """The run folder ``output_dir`` names: ``None`` (or ``""``) → :data:`DEFAULT_RUN_FOLDER`,
    else the path as written (relative to the current folder, ``~`` expanded)."""
    if output_dir is None or output_dir == "":
        return DEFAULT_RUN_FOLDER
    return Path(output_dir).expanduser()


def prepare_output_dir(output_dir=None) -> Path:
    """Create the run folder and its subfolders and prove they are writable.

    Called before any data is loaded or any network trained, so a bad folder fails in seconds.

    Args:
        output_dir: the run folder (:func:`run_folder`: ``None`` is the repository's
            ``runs/notebooks``).

    Returns:
        The folder as a ``Path``.

    Raises:
        OutputDirError: naming the folder and the reason (exists as a file, permission denied...).
        helpers.runlock.RunFolderBusy: another live run (``./run_all.sh``) is writing the folder.
    """
    out = run_folder(output_dir)
    shown = str(output_dir) if output_dir not in (None, "") else str(out)
    runlock.check_free(out, repr(shown))
    try:
        for sub in SUBFOLDERS:
            (out / sub).mkdir(parents=True, exist_ok=True)
            probe = out / sub / ".write-test"
            probe.write_text("ok")
            probe.unlink()
    except OSError as e:
        raise OutputDirError(
            f"output_dir {shown!r} cannot be used: {e.strerror or e}. Choose a folder you "
            f"can write to (papermill: -p output_dir DIR; run_all.sh: --out DIR)."
        ) from None
    return out


def in_run_folder(path, output_dir) -> str:
    """``path`` written relative to the run folder, e.g. ``"figures/01_x_curves.png"``.

    Notebooks print this instead of an absolute path, so their outputs name no machine's folders.
    """
    try:
        rel = os.path.relpath(Path(path).resolve(), run_folder(output_dir).resolve())
    except ValueError:  # pragma: no cover - another drive on Windows
        return Path(path).name
    return Path(rel).as_posix()


def save_run_figure(fig, output_dir, name: str, kind: str) -> str:
    """Save ``fig`` as ``output_dir/figures/<name>_<kind>.png`` (atomically); returns the path
    relative to the run folder, for printing."""
    path = save_figure(fig, run_folder(output_dir) / "figures" / f"{name}_{kind}.png")
    return in_run_folder(path, output_dir)

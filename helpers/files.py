"""Run folders and atomic writes: an interrupted run never leaves a half-written file behind.

Every file is written to a temporary name in the same folder and then renamed over the target
(``os.replace`` is atomic), so a reader sees either the old file or the complete new one.
"""

from __future__ import annotations

import json
import os
import tempfile
from contextlib import contextmanager
from pathlib import Path

SUBFOLDERS = ("metrics", "models", "figures", "explanations")


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
    import numpy as np

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


def prepare_output_dir(output_dir) -> Path:
    """Create the run folder and its subfolders and prove they are writable.

    Called before any data is loaded or any network trained, so a bad folder fails in seconds.

    Returns:
        The folder as a ``Path``.

    Raises:
        OutputDirError: naming the folder and the reason (exists as a file, permission denied...).
    """
    out = Path(output_dir).expanduser()
    try:
        for sub in SUBFOLDERS:
            (out / sub).mkdir(parents=True, exist_ok=True)
            probe = out / sub / ".write-test"
            probe.write_text("ok")
            probe.unlink()
    except OSError as e:
        raise OutputDirError(
            f"output_dir {str(output_dir)!r} cannot be used: {e.strerror or e}. Choose a folder you "
            f"can write to (papermill: -p output_dir DIR; run_all.sh: --out DIR)."
        ) from None
    return out

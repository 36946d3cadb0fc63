"""What a Dask worker runs for one notebook: :func:`run_task`.

The client sends the notebook's content (workers need the project's environment, not a copy of the
repository); the notebook runs with papermill in the run folder when it is on this machine, else
in a temporary run folder of the worker, whose every file comes back as bytes (``models/`` only
when asked). A notebook that fails is a result too (``status: failed``, its error and executed
copy).
"""

from __future__ import annotations

import contextlib
import os
import socket
import tempfile
import time
from pathlib import Path

from helpers.files import atomic_path

from .notebooks import error_line, execute, notebook_parameters

MODEL_SUFFIXES = (".keras", ".h5", ".weights.h5")


def probe() -> str:
    """Run on the scheduler and the workers before a sweep: they can import the project."""
    import helpers
    import series_runner

    return f"{helpers.__file__} {series_runner.__file__}"


def worker_name() -> str:
    """This worker's address (inside a Dask task), else the host's name."""
    try:
        from distributed import get_worker

        return get_worker().address
    except Exception:  # noqa: BLE001 - outside a worker (a direct call in a test)
        return socket.gethostname()


def run_task(
    notebook: str,
    source: bytes,
    parameters: dict,
    *,
    declared: list[str] | None = None,
    keep_models: bool = False,
    timeout: int | None = None,
    inputs=(),
    origin: str | None = None,
    folder: str | None = None,
) -> dict:
    """Run one notebook (``notebook``: its file name, ``source``: its bytes) with ``parameters``.

    ``declared``: when given, the parameters the notebook declares (only those are passed, folders
    made absolute, ``output_dir`` the run folder's root, :func:`notebook_parameters`); else
    ``parameters`` are passed as they are. ``folder``: the run folder to run in, on this machine
    (nothing comes back); None: a temporary folder, into which the files of ``inputs`` (results of
    earlier tasks: 06 reads the others' metrics, 07 notebook 02's model) are put first, and whose
    new or changed files come back (``models/`` only with ``keep_models``). ``origin``: the
    notebook's path as papermill should record it. Returns ``{"status": "ok"|"failed", "error",
    "files": {relative path: bytes}, "worker", "seconds"}``; a failing notebook is a result too.
    """
    t0 = time.perf_counter()
    params = parameters if declared is None else notebook_parameters(parameters, declared)
    with contextlib.ExitStack() as stack:
        root = Path(folder) if folder else Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="sweep-task-")))
        books = root / "notebooks"
        books.mkdir(parents=True, exist_ok=True)
        given = {} if folder else _put(root, inputs)
        fd, copy = tempfile.mkstemp(suffix=".ipynb")  # the notebook to run, outside the run folder
        stack.callback(os.unlink, copy)
        os.write(fd, source)
        os.close(fd)
        status, error = "ok", ""
        try:
            execute(copy, books / notebook, params, books, timeout)
        except Exception as e:  # noqa: BLE001 - PapermillExecutionError, a dead kernel: a result
            status, error = "failed", error_line(e)
        _record_paths(books / notebook, origin or notebook, f"notebooks/{notebook}")
        files = {} if folder else _files_back(root, given, keep_models)
    return {
        "status": status,
        "error": error,
        "files": files,
        "worker": worker_name(),
        "seconds": round(time.perf_counter() - t0, 1),
        "pid": os.getpid(),
    }


def _put(root: Path, inputs) -> dict:
    """The files of earlier tasks' results (executed notebooks aside) written into ``root``."""
    given = {}
    for earlier in inputs:
        for name, data in earlier.get("files", {}).items():
            if not name.startswith("notebooks/"):
                (root / name).parent.mkdir(parents=True, exist_ok=True)
                (root / name).write_bytes(data)
                given[name] = data
    return given


def _files_back(root: Path, given: dict, keep_models: bool) -> dict:
    files = {}
    for path in sorted(root.rglob("*")):
        if not path.is_file() or path.name.startswith("."):
            continue
        name = path.relative_to(root).as_posix()
        if not keep_models and (name.startswith("models/") or path.name.endswith(MODEL_SUFFIXES)):
            continue
        data = path.read_bytes()
        if given.get(name) != data:
            files[name] = data
    return files


def write_files(folder: Path, files: dict) -> None:
    """Write a task's returned files (``{relative path: bytes}``) into ``folder``, each atomically."""
    for name, data in files.items():
        with atomic_path(Path(folder) / name) as tmp:
            tmp.write_bytes(data)


def _record_paths(executed: Path, input_path: str, output_path: str) -> None:
    """Papermill records its input and output paths in the executed notebook: there, the
    worker's temporary folder; here, the paths as the client names them."""
    import json

    try:
        nb = json.loads(executed.read_text(encoding="utf-8"))
        nb.setdefault("metadata", {}).setdefault("papermill", {}).update(input_path=input_path, output_path=output_path)
        executed.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    except (OSError, ValueError):  # no executed copy (the kernel never started): nothing to fix
        pass

"""What a Dask worker runs for one task of a sweep: :func:`run_task`.

The client sends the notebook's content (so workers need no copy of the repository, only the
project's environment with ``helpers`` installed), the notebook runs with papermill in a temporary
folder of the worker (its run folder: ``notebooks/``, ``metrics/``, ``figures/``, ...), and every
file it wrote comes back to the client as bytes (``models/`` only when asked), which writes them
(:mod:`helpers.runner.sweep`). A notebook that fails is a result too (``status: failed``, its error
and executed copy): only a lost worker or a broken task function make Dask run the task again.
"""

from __future__ import annotations

import os
import socket
import tempfile
import time
from pathlib import Path

MODEL_SUFFIXES = (".keras", ".h5", ".weights.h5")


def probe() -> str:
    """Run on the scheduler and the workers before a sweep: they can import ``helpers``."""
    import helpers

    return getattr(helpers, "__file__", "?")


def worker_name() -> str:
    """This worker's address (inside a Dask task), else the host's name."""
    try:
        from distributed import get_worker

        return get_worker().address
    except Exception:  # noqa: BLE001 - outside a worker (a direct call in a test)
        return socket.gethostname()


def error_line(exc: BaseException) -> str:
    """An exception in one line: papermill's last line (``ValueError: ...``) or the type and text."""
    lines = [line.strip() for line in str(exc).strip().splitlines() if line.strip()]
    text = lines[-1] if lines else ""
    name = type(exc).__name__
    if text and not text.startswith(name) and name != "PapermillExecutionError":
        text = f"{name}: {text}"
    return (text or name)[:500]


def run_task(notebook: str, source: bytes, parameters: dict, *, declared: list[str],
             keep_models: bool = False, timeout: int | None = None, inputs=(), origin: str | None = None) -> dict:
    """Run one notebook (``notebook``: its file name, ``source``: its bytes) with ``parameters``.

    ``declared``: the parameters the notebook declares (only those are passed; ``output_dir`` is
    the run folder's root, ``".."`` from ``notebooks/``). ``inputs``: results of earlier tasks
    whose files are put into the run folder first (the series as a graph: 06 reads the others'
    metrics, 07 notebook 02's model); only files that are new or changed come back. ``origin``:
    the notebook's path as papermill should record it (else the worker's temporary path). Returns ``{"status": "ok"|"failed",
    "error", "files": {relative path: bytes}, "worker", "seconds"}``.
    """
    import papermill as pm

    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="sweep-task-") as tmp:
        root = Path(tmp)
        books = root / "notebooks"
        books.mkdir()
        given = {}
        for earlier in inputs:
            for name, data in earlier.get("files", {}).items():
                if not name.startswith("notebooks/"):
                    (root / name).parent.mkdir(parents=True, exist_ok=True)
                    (root / name).write_bytes(data)
                    given[name] = data
        (root / "source.ipynb").write_bytes(source)
        params = {k: v for k, v in parameters.items() if k in declared}
        if "output_dir" in declared:
            params["output_dir"] = ".."
        status, error = "ok", ""
        try:
            pm.execute_notebook(
                str(root / "source.ipynb"), str(books / notebook), parameters=params, cwd=str(books),
                kernel_name="python3", progress_bar=False, log_output=False,
                execution_timeout=timeout, extra_arguments=["--IPKernelApp.log_level=CRITICAL"],
            )
        except Exception as e:  # noqa: BLE001 - PapermillExecutionError, a dead kernel: a result
            status, error = "failed", error_line(e)
        (root / "source.ipynb").unlink()
        _record_paths(books / notebook, origin or notebook, f"notebooks/{notebook}")
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
    return {"status": status, "error": error, "files": files, "worker": worker_name(),
            "seconds": round(time.perf_counter() - t0, 1), "pid": os.getpid()}


def _record_paths(executed: Path, input_path: str, output_path: str) -> None:
    """Papermill records its input and output paths in the executed notebook: there, the
    worker's temporary folder; here, the paths as the client names them."""
    import json

    try:
        nb = json.loads(executed.read_text(encoding="utf-8"))
        nb.setdefault("metadata", {}).setdefault("papermill", {}).update(
            input_path=input_path, output_path=output_path)
        executed.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    except (OSError, ValueError):  # no executed copy (the kernel never started): nothing to fix
        pass

"""The notebooks a run executes: which ones and in what order, the parameters each one gets, and
the papermill call that runs one (:func:`series_runner.task.run_task`)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from helpers.paths import NOTEBOOKS, relative

SUMMARY_PREFIX = "06_"
"""The results summary notebook: it runs last, after every other notebook (07 included)."""

USER_FOLDERS = ("data_dir", "sweep_dir")
"""Parameters naming folders the user typed, relative to the folder the command was started in."""


def list_notebooks(folder: Path = NOTEBOOKS) -> list[Path]:
    """The series' notebooks in running order (``NN_*.ipynb``; the summary ``06_*`` last)."""
    found = sorted(folder.glob("[0-9][0-9]_*.ipynb"))
    return [p for p in found if not p.name.startswith(SUMMARY_PREFIX)] + [
        p for p in found if p.name.startswith(SUMMARY_PREFIX)
    ]


def user_folders(params: dict, workdir: Path | None = None) -> dict:
    """``params`` with the folders the user named (:data:`USER_FOLDERS`) rewritten relative to
    ``workdir``, a notebook's working folder, or absolute when ``workdir`` is None (a worker's
    folder is elsewhere)."""
    out = dict(params)
    for name in USER_FOLDERS:
        if out.get(name):
            folder = Path(os.path.abspath(Path(str(out[name])).expanduser()))
            out[name] = str(folder) if workdir is None else relative(folder, workdir)
    return out


def notebook_parameters(params: dict, declared, workdir: Path | None = None) -> dict:
    """The parameters one notebook gets: those it ``declared``, folders as :func:`user_folders`
    writes them, and ``output_dir=".."`` (its working folder is ``<run folder>/notebooks``)."""
    out = user_folders({k: v for k, v in params.items() if k in declared}, workdir)
    if "output_dir" in declared:
        out["output_dir"] = ".."
    return out


def error_line(exc: BaseException) -> str:
    """An exception in one line: papermill's last line (``ValueError: ...``) or the type and text."""
    lines = [line.strip() for line in str(exc).strip().splitlines() if line.strip()]
    text = lines[-1] if lines else ""
    name = type(exc).__name__
    if text and not text.startswith(name) and name != "PapermillExecutionError":
        text = f"{name}: {text}"
    return (text or name)[:500]


def execute(source, target, parameters: dict, cwd, timeout: int | None = None) -> None:
    """Run the notebook ``source`` with papermill into ``target``, in the folder ``cwd``, quietly.

    Raises:
        Exception: papermill's error when a cell fails or the kernel dies.
    """
    import papermill as pm  # slow to import: only when a notebook runs

    pm.execute_notebook(
        str(source),
        str(target),
        parameters=parameters,
        cwd=str(cwd),
        kernel_name="python3",
        progress_bar=False,
        log_output=False,
        execution_timeout=timeout,
        # The kernel's own log (unencrypted local TCP, "KeyboardInterrupt caught in kernel" when it
        # is stopped after a failure) is noise here: errors show in the executed notebook.
        extra_arguments=["--IPKernelApp.log_level=CRITICAL"],
    )


@dataclass
class Outcome:
    """What running a run's notebooks gave: seconds per notebook (by stem), the failed ones, the
    one Ctrl-C stopped, and the whole time."""

    timings: dict = field(default_factory=dict)
    failed: list = field(default_factory=list)
    interrupted: str | None = None
    total: float = 0.0

"""The Dask cluster a sweep (or the series) runs on: :func:`open_client`.

No scheduler given (``--scheduler``, ``$DASK_SCHEDULER_ADDRESS``): an embedded ``LocalCluster`` on
127.0.0.1 only, one-thread worker processes sized to the machine (:func:`default_workers`), each
given ``HELPERS_TF_THREADS`` so that workers × TensorFlow threads ≈ cores (:func:`tf_threads`).
Otherwise the existing cluster at that address (``tcp://`` or ``tls://``). Dask does the
scheduling, the retries and the handling of lost workers.
"""

from __future__ import annotations

import contextlib
import os

SCHEDULER_VARIABLE = "DASK_SCHEDULER_ADDRESS"
"""Dask's own variable for the scheduler's address; used when no ``--scheduler`` is given."""

LOOPBACK = "127.0.0.1"

_GIB = 1024**3
MEMORY_PER_WORKER = 3 * _GIB
"""What one worker running a notebook (its kernel, TensorFlow, one network) may need."""


INSTALL_COMMAND = "./setup.sh --sweeps"
"""What adds ``distributed`` (the ``sweeps`` extra) to the learner's install."""


class ClusterError(RuntimeError):
    """The cluster cannot be used; the message is one line saying why and what to do."""


def require_distributed(what: str) -> None:
    """Stop at once, naming the command that installs it, when ``distributed`` is missing.

    Raises:
        ClusterError: ``what`` needs ``distributed``, and it is not installed.
    """
    try:
        import distributed  # noqa: F401 - only whether it imports
    except ImportError:
        raise ClusterError(
            f"{what} needs Dask's `distributed`, which is not installed; add it with: {INSTALL_COMMAND}"
        ) from None


def cores() -> int:
    """The cores this process may use."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


def default_workers(n_cores: int | None = None, memory: int | None = None) -> int:
    """Worker processes for this machine: two cores each (TensorFlow runs two operations at once,
    :mod:`helpers.tfsetup`), at most one per :data:`MEMORY_PER_WORKER` of memory, at least one."""
    n_cores = cores() if n_cores is None else n_cores
    if memory is None:
        try:
            import psutil

            memory = psutil.virtual_memory().total
        except Exception:  # noqa: BLE001 - no psutil: cores decide
            memory = n_cores * MEMORY_PER_WORKER
    return max(1, min(n_cores // 2, memory // MEMORY_PER_WORKER))


def tf_threads(workers: int, n_cores: int | None = None) -> str:
    """``HELPERS_TF_THREADS`` (``"INTRA,INTER"``) for each of ``workers`` on ``n_cores``: the
    cores shared out, each share split by the notebooks' own rule
    (:func:`helpers.tfsetup.thread_setting`)."""
    from helpers.tfsetup import thread_setting  # imports TensorFlow: only when a cluster starts

    n_cores = cores() if n_cores is None else n_cores
    intra, inter = thread_setting(cores=max(1, n_cores // max(1, workers)))
    return f"{intra},{inter}"


def dashboard_available() -> bool:
    """Dask's dashboard needs ``bokeh`` (optional, not pinned)."""
    import importlib.util

    return importlib.util.find_spec("bokeh") is not None


def scheduler_address(scheduler: str | None = None) -> str | None:
    """``scheduler``, else ``$DASK_SCHEDULER_ADDRESS``, else None (the embedded cluster)."""
    return scheduler or os.environ.get(SCHEDULER_VARIABLE) or None


@contextlib.contextmanager
def open_client(scheduler: str | None = None, workers: int | None = None, security=None, timeout: float = 30):
    """A ``distributed.Client`` for the duration of the block (closed after it, and the embedded
    cluster shut down). ``workers``: the embedded cluster's worker processes (default
    :func:`default_workers`); ignored for an existing cluster.

    Raises:
        ClusterError: the scheduler cannot be reached (one line).
    """
    require_distributed("a Dask cluster")
    from distributed import Client, LocalCluster

    address = scheduler_address(scheduler)
    if address:
        try:
            client = Client(address, security=security, timeout=timeout, set_as_default=False)
        except (OSError, TimeoutError) as e:
            raise ClusterError(
                f"cannot reach the Dask scheduler at {address} ({type(e).__name__}: "
                f"{str(e).splitlines()[0] if str(e) else 'no answer'}); is "
                f"`dask scheduler` running there?"
            ) from None
        with client:
            yield client
        return
    n = workers or default_workers()
    cluster = LocalCluster(
        host=LOOPBACK,
        n_workers=n,
        threads_per_worker=1,
        processes=True,
        dashboard_address=f"{LOOPBACK}:0" if dashboard_available() else None,
        env={
            "HELPERS_TF_THREADS": os.environ.get("HELPERS_TF_THREADS") or tf_threads(n)
        },  # the user's own setting wins
    )
    try:
        with Client(cluster, set_as_default=False) as client:
            yield client
    finally:
        try:
            cluster.close(timeout=30)
        except Exception:  # noqa: BLE001 - workers already gone (Ctrl-C reaches them too)
            pass


def describe(client) -> str:
    """One line: the scheduler, its workers, the dashboard's address when there is one."""
    info = client.scheduler_info()
    n = len(info.get("workers", {}))
    line = f"Dask scheduler {client.scheduler.address} with {n} worker{'s' * (n != 1)}"
    link = getattr(client, "dashboard_link", None) if dashboard_available() else None
    return line + (f"; dashboard {link}" if link else "")

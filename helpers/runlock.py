"""One run per run folder: the run writing a folder holds its lock, ``DIR/.run.lock``.

The series runner (``./run_all.sh``) takes the lock of its run folder for the whole run, and a second
run into the same folder stops at once with a message naming the first (its process id, when it
started, its command). The lock file holds those three facts; the lock itself is an ``flock`` on it,
which the operating system releases when the process ends in any way (even ``kill -9``), so a folder
left by a run that died is usable again without any clean-up. A run that ends removes the file.

Notebooks do not take the lock (several may write one folder, e.g. in JupyterLab), but their
run-folder preparation (:func:`helpers.prepare_output_dir`) refuses a folder that a live run holds,
unless it is their own series run (:data:`RUN_VARIABLE`, set by the holder for the kernels it starts).
Without ``fcntl`` (Windows outside WSL), a lock file whose process is alive counts as held.
"""

from __future__ import annotations

import json
import os
import time
from datetime import datetime
from pathlib import Path

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows outside WSL
    fcntl = None

LOCK_FILE = ".run.lock"
"""The lock file's name in the run folder."""

RUN_VARIABLE = "HELPERS_RUN_PID"
"""Set by the run holding a lock, for the notebooks it runs: they may use its folder."""


class RunFolderBusy(OSError):
    """Another live run is writing the run folder. ``holder``: its ``pid``, ``started``, ``command``."""

    def __init__(self, shown: str, holder: dict):
        self.holder = holder
        who = (
            f"process {holder.get('pid', '?')}, started {holder.get('started', '?')}, "
            f"command: {holder.get('command', '?')}"
        )
        super().__init__(
            f"run folder {shown} is being written by another run ({who}). Wait until "
            f"it ends or stop it, or choose another folder (run_all.sh: --out DIR; "
            f"papermill: -p output_dir DIR)."
        )


class RunLock:
    """A held lock (:func:`acquire`); :meth:`release` it, or use it as a context manager."""

    def __init__(self, path: Path, fd: int):
        self.path, self._fd = path, fd

    def release(self) -> None:
        if self._fd is None:
            return
        try:
            if _same_file(self._fd, self.path):
                self.path.unlink()
        except OSError:
            pass
        os.close(self._fd)
        self._fd = None
        if os.environ.get(RUN_VARIABLE) == str(os.getpid()):
            del os.environ[RUN_VARIABLE]

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.release()


def acquire(folder, command: str, shown: str | None = None) -> RunLock:
    """Take the lock of ``folder`` (which must exist) for this process, recording ``command``.

    Raises:
        RunFolderBusy: another live run holds it (``shown``: the folder as the message names it).
    """
    path = Path(folder) / LOCK_FILE
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            if not _try_lock(fd, exclusive=True) or (fcntl is None and _alive(_read(fd))):
                raise RunFolderBusy(shown or str(folder), _read(fd, wait=True))
        except BaseException:
            os.close(fd)
            raise
        if _same_file(fd, path):  # not a file that its finishing holder removed meanwhile
            break
        os.close(fd)
    info = {"pid": os.getpid(), "started": datetime.now().isoformat(sep=" ", timespec="seconds"), "command": command}
    os.ftruncate(fd, 0)
    os.pwrite(fd, json.dumps(info).encode("utf-8"), 0)
    os.environ[RUN_VARIABLE] = str(os.getpid())  # the kernels this run starts inherit it
    return RunLock(path, fd)


def holder(folder) -> dict | None:
    """The live run holding ``folder``'s lock (``pid``, ``started``, ``command``), or None: no lock
    file, or one left by a run that died."""
    path = Path(folder) / LOCK_FILE
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return None
    try:
        if fcntl is not None:
            if _try_lock(fd, exclusive=False):
                fcntl.flock(fd, fcntl.LOCK_UN)
                return None
            return _read(fd, wait=True)
        info = _read(fd)
        return info if _alive(info) else None
    finally:
        os.close(fd)


def check_free(folder, shown: str | None = None) -> None:
    """Raise :class:`RunFolderBusy` when a live run other than this process (or the series run
    that started it) holds ``folder``'s lock."""
    info = holder(folder)
    ours = {str(os.getpid()), os.environ.get(RUN_VARIABLE)}
    if info is not None and str(info.get("pid")) not in ours:
        raise RunFolderBusy(shown or str(folder), info)


def _try_lock(fd: int, exclusive: bool) -> bool:
    if fcntl is None:
        return True
    try:
        fcntl.flock(fd, (fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH) | fcntl.LOCK_NB)
        return True
    except BlockingIOError:
        return False


def _read(fd: int, wait: bool = False) -> dict:
    """The lock file's facts; ``wait``: give a holder that just took the lock a moment to write them."""
    for _ in range(10 if wait else 1):
        try:
            info = json.loads(os.pread(fd, 65536, 0).decode("utf-8") or "null")
        except (OSError, ValueError):
            info = None
        if isinstance(info, dict):
            return info
        if wait:
            time.sleep(0.05)
    return {}


def _alive(info: dict) -> bool:
    pid = info.get("pid")
    if not isinstance(pid, int) or pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's live process
        return True
    return True


def _same_file(fd: int, path: Path) -> bool:
    try:
        a, b = os.fstat(fd), os.stat(path)
    except OSError:
        return False
    return (a.st_dev, a.st_ino) == (b.st_dev, b.st_ino)

"""TensorFlow and Keras for the notebooks: imported quietly on request, and tuned.

Importing this module imports neither. :func:`quiet_logs` (which :func:`helpers.notebook_setup`
calls) imports them with ``TF_CPP_MIN_LOG_LEVEL=3`` and ``KERAS_BACKEND=tensorflow`` unless already
set. TensorFlow's native libraries still write a few lines straight to file descriptor 2 while they
load (absl's "All log messages before absl::InitializeLog() ...", CUDA probing), which no setting
silences; in a notebook they would land in the cell. So that import runs inside
:func:`native_stderr_captured`: its standard error goes to a temporary file, dropped on success and
written out if the import fails. ``HELPERS_TF_QUIET=0`` shows everything.

``tf`` and ``keras`` are this module's attributes on first use (``from helpers.tfsetup import keras``
imports Keras then, plainly). :func:`tune_cpu_threads` sets TensorFlow's threads for LSTMs.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import sys
import tempfile

THREADS_VARIABLE = "HELPERS_TF_THREADS"
QUIET_VARIABLE = "HELPERS_TF_QUIET"


def __getattr__(name: str):
    if name not in ("tf", "keras"):
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return importlib.import_module("tensorflow" if name == "tf" else name)


@contextlib.contextmanager
def native_stderr_captured(what: str):
    """File descriptor 2 into a temporary file for the block; on an exception, what was written
    there goes to the real standard error after ``helpers: <what> failed``, and the exception
    propagates. Does nothing when ``$HELPERS_TF_QUIET`` is ``0``."""
    if os.environ.get(QUIET_VARIABLE, "1").strip().lower() in ("0", "no", "false", "off"):
        yield
        return
    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile() as capture:
        os.dup2(capture.fileno(), 2)
        try:
            yield
        except BaseException:
            sys.stderr.flush()
            os.dup2(saved, 2)
            capture.seek(0)
            text = capture.read().decode("utf-8", "replace").rstrip()
            sys.stderr.write(
                f"helpers: {what} failed; what it printed on standard error:\n{text}\n"
                if text
                else f"helpers: {what} failed (it printed nothing on standard error)\n"
            )
            raise
        finally:
            sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)


def quiet_logs() -> None:
    """Import TensorFlow and Keras without their native start-up lines (when not imported yet), and
    set TensorFlow's Python logger to errors only (no deprecation or retracing warnings)."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")  # TensorFlow's C++ logs: none below FATAL
    os.environ.setdefault("KERAS_BACKEND", "tensorflow")
    with native_stderr_captured("importing TensorFlow"):
        import keras  # noqa: F401 - imported here, quietly, for the notebook's own imports
        import tensorflow as tf
    tf.get_logger().setLevel("ERROR")


def thread_setting(cores: int | None = None, has_gpu: bool = False) -> tuple[int, int] | None:
    """``(intra_op, inter_op)`` threads to use, or None for TensorFlow's defaults.

    Reads ``$HELPERS_TF_THREADS``: ``auto`` (the default: on a machine without a GPU, half the
    ``cores`` per operation and two operations at once), ``tensorflow``, or ``INTRA,INTER``.
    """
    setting = os.environ.get(THREADS_VARIABLE, "auto").strip().lower()
    if setting == "tensorflow":
        return None
    if setting == "auto":
        if has_gpu:
            return None
        if cores is None:
            cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
        return max(1, cores // 2), 2
    try:
        intra, inter = (int(x) for x in setting.split(","))
        if intra < 1 or inter < 1:
            raise ValueError
    except ValueError:
        raise ValueError(
            f"{THREADS_VARIABLE}={os.environ[THREADS_VARIABLE]!r}: use 'auto', 'tensorflow' or two "
            f"positive integers 'INTRA,INTER' (threads per operation, operations at once)"
        ) from None
    return intra, inter


def tune_cpu_threads() -> tuple[int, int] | None:
    """Set TensorFlow's thread pools for LSTMs on a CPU (:func:`thread_setting`); returns what it set.

    An LSTM step is a chain of small matrix products: splitting each over all cores costs more in
    hand-offs than it gains, while independent operations (the two directions of a bidirectional
    layer, the gradients) can run side by side. On 2 cores this trains approaches 3-5 12-18% faster
    than TensorFlow's defaults (benchmarks/README.md). Call it before TensorFlow runs anything;
    threads someone already chose, or pools already started, are left alone (returns None).
    """
    import tensorflow as tf

    if (
        tf.config.threading.get_intra_op_parallelism_threads(),
        tf.config.threading.get_inter_op_parallelism_threads(),
    ) != (0, 0):
        return None
    setting = thread_setting(has_gpu=bool(tf.config.list_physical_devices("GPU")))
    if setting is None:
        return None
    try:
        tf.config.threading.set_intra_op_parallelism_threads(setting[0])
        tf.config.threading.set_inter_op_parallelism_threads(setting[1])
    except RuntimeError:  # TensorFlow already started its thread pools: keep them
        return None
    return setting

"""Import TensorFlow and Keras once, quietly, with thread settings that suit LSTMs on a CPU.

TensorFlow's native libraries print start-up logs (oneDNN, CUDA probing, absl) straight to the
process's standard error, below Python. In a notebook those lines land in the first cell that
imports TensorFlow and teach nothing, so the import runs with file descriptor 2 pointed at
/dev/null. Python-level errors during the import are still raised normally.

Threads: an LSTM step is a chain of small matrix products (512 × 75 by 75 × 300 at most here).
Splitting each of them over all cores costs more in hand-offs than it gains, while independent
operations (the two directions of a bidirectional layer, the gradient products) can run side by
side. So on a machine without a GPU each operation gets half the cores and two operations run at
once; on 2 cores (one thread per operation, two at once) this trained approaches 3–5 12–18% faster
than TensorFlow's default (see benchmarks/README.md). ``HELPERS_TF_THREADS=tensorflow`` keeps
TensorFlow's defaults; ``HELPERS_TF_THREADS=INTRA,INTER`` sets both numbers.
"""

from __future__ import annotations

import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")


def _quiet_import():
    if "tensorflow" in sys.modules:
        import tensorflow as tf
        import keras

        return tf, keras
    sys.stderr.flush()
    saved = os.dup(2)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    try:
        import tensorflow as tf
        import keras

        _configure_threads(tf)
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)
    tf.get_logger().setLevel("ERROR")
    return tf, keras


THREADS_VARIABLE = "HELPERS_TF_THREADS"


def thread_setting(cores: int | None = None, has_gpu: bool = False) -> tuple[int, int] | None:
    """``(intra_op, inter_op)`` threads to use, or None for TensorFlow's defaults.

    Reads ``$HELPERS_TF_THREADS``: ``auto`` (the default: half the ``cores`` per operation and two
    operations at once, on a machine without a GPU), ``tensorflow``, or ``INTRA,INTER``.
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


def _configure_threads(tf) -> None:
    setting = thread_setting(has_gpu=bool(tf.config.list_physical_devices("GPU")))
    if setting is None:
        return
    try:
        tf.config.threading.set_intra_op_parallelism_threads(setting[0])
        tf.config.threading.set_inter_op_parallelism_threads(setting[1])
    except RuntimeError:  # TensorFlow already started its thread pools: keep them
        pass


tf, keras = _quiet_import()

__all__ = ["tf", "keras"]

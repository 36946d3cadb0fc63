"""Import TensorFlow and Keras once, quietly.

TensorFlow's native libraries print start-up logs (oneDNN, CUDA probing, absl) straight to the
process's standard error, below Python. In a notebook those lines land in the first cell that
imports TensorFlow and teach nothing, so the import runs with file descriptor 2 pointed at
/dev/null. Python-level errors during the import are still raised normally.
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
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)
    tf.get_logger().setLevel("ERROR")
    return tf, keras


tf, keras = _quiet_import()

__all__ = ["tf", "keras"]

"""Import TensorFlow and Keras once, quietly, with thread settings that suit LSTMs on a CPU.

``helpers.tfsetup.tf`` and ``helpers.tfsetup.keras`` are imported on first use (``from .tfsetup
import keras, tf``), so ``import helpers`` stays quick.

Quiet start: TensorFlow's native libraries print start-up logs (oneDNN, CUDA probing, absl) straight
to the process's standard error, below Python. In a notebook those lines land in the first cell that
imports TensorFlow and teach nothing, so the import runs with file descriptor 2 pointed at a
temporary file. If the import fails (any exception), what it printed is written to the real standard
error before the exception propagates, so a broken installation is never silent; during the import
Python's ``faulthandler`` reports a native crash on the real standard error.
``HELPERS_TF_QUIET=0`` turns the quiet start off (every start-up line shows).

Loading saved models: ``import helpers`` installs a small import hook, so that when ``keras`` (or
``tensorflow``) is imported afterwards, by ``helpers`` or by the user, the import is just as quiet,
:func:`helpers.standardize` is registered with Keras (a ``.keras`` file whose ``TextVectorization``
uses it loads with plain ``keras.saving.load_model``) and the thread settings below apply. The hook
removes itself once both are imported.

Threads: an LSTM step is a chain of small matrix products (512 × 75 by 75 × 300 at most here).
Splitting each of them over all cores costs more in hand-offs than it gains, while independent
operations (the two directions of a bidirectional layer, the gradient products) can run side by
side. So on a machine without a GPU each operation gets half the cores and two operations run at
once; on 2 cores (one thread per operation, two at once) this trained approaches 3–5 12–18% faster
than TensorFlow's default (see benchmarks/README.md). ``HELPERS_TF_THREADS=tensorflow`` keeps
TensorFlow's defaults; ``HELPERS_TF_THREADS=INTRA,INTER`` sets both numbers. Threads someone
already set (non-zero) are left alone.
"""

from __future__ import annotations

import contextlib
import faulthandler
import importlib.abc
import os
import sys
import tempfile
import warnings

THREADS_VARIABLE = "HELPERS_TF_THREADS"
QUIET_VARIABLE = "HELPERS_TF_QUIET"

_HOOKED = ("tensorflow", "keras")
_imported: set[str] = set()  # modules of _HOOKED whose import the hook saw finish
_quiet_depth = 0
_serializable: list = []  # functions registered with Keras once it is imported (:func:`serializable`)


def serializable(fn):
    """Have ``fn`` registered with Keras as ``"helpers>{fn.__name__}"`` whenever Keras is imported
    (before or after ``helpers``), so saved models that use it load; returns ``fn`` (a decorator)."""
    _serializable.append(fn)
    return fn


def _set_environment() -> None:
    """Before TensorFlow or Keras import: native logs off, the TensorFlow backend for Keras."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ.setdefault("KERAS_BACKEND", "tensorflow")


def _quiet_wanted() -> bool:
    return os.environ.get(QUIET_VARIABLE, "1").strip().lower() not in ("0", "no", "false", "off")


@contextlib.contextmanager
def quiet_stderr(what: str = "importing TensorFlow"):
    """File descriptor 2 into a temporary file for the duration of the block.

    On success the captured text is dropped. On any exception it is written to the real standard
    error, after a line saying ``helpers: <what> failed; ...``, and the exception propagates.
    Nested uses capture once (the outermost one).
    """
    global _quiet_depth
    if _quiet_depth or not _quiet_wanted():
        yield
        return
    _flush_stderr()
    capture = tempfile.TemporaryFile()
    saved = os.dup(2)
    own_faulthandler = not faulthandler.is_enabled()
    if own_faulthandler:  # a native crash: Python's traceback on the real standard error
        faulthandler.enable(file=saved)
    os.dup2(capture.fileno(), 2)
    _quiet_depth += 1
    failed = False
    try:
        yield
    except BaseException:
        failed = True
        raise
    finally:
        _quiet_depth -= 1
        _flush_stderr()
        os.dup2(saved, 2)
        if own_faulthandler:
            faulthandler.disable()
        os.close(saved)
        if failed:
            capture.seek(0)
            _report(what, capture.read().decode("utf-8", "replace"))
        capture.close()


def _flush_stderr() -> None:
    try:
        sys.stderr.flush()
    except Exception:  # pragma: no cover - no usable sys.stderr
        pass


def _report(what: str, text: str) -> None:
    message = (f"helpers: {what} failed; what it printed on standard error:\n{text.rstrip()}\n"
               if text.strip() else f"helpers: {what} failed (it printed nothing on standard error)\n")
    try:
        sys.stderr.write(message)
        sys.stderr.flush()
    except Exception:  # pragma: no cover - no usable sys.stderr
        os.write(2, message.encode("utf-8", "replace"))


def _load():
    """Import TensorFlow and Keras (quietly, once) and apply helpers' settings to them."""
    _set_environment()
    with quiet_stderr():
        import tensorflow as tf
        import keras

        _configure(tf)  # probing for a GPU logs too
    register_custom_objects(keras)
    return tf, keras


def __getattr__(name):  # ``from .tfsetup import tf, keras`` imports them on first use
    if name in ("tf", "keras"):
        tf, keras = _load()
        globals().update(tf=tf, keras=keras)
        return globals()[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def register_custom_objects(keras) -> None:
    """Register helpers' serializable functions (:func:`helpers.standardize`) with ``keras``."""
    for fn in _serializable:
        keras.saving.register_keras_serializable(package="helpers")(fn)


def _configure(tf) -> None:
    current = (tf.config.threading.get_intra_op_parallelism_threads(),
               tf.config.threading.get_inter_op_parallelism_threads())
    if current == (0, 0):  # TensorFlow's defaults: nobody chose threads yet
        _configure_threads(tf)
    tf.get_logger().setLevel("ERROR")


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


# --- the import hook ------------------------------------------------------------------------------


def _finished(name: str) -> bool:
    if name in _imported:
        return True
    module = sys.modules.get(name)
    return module is not None and not getattr(getattr(module, "__spec__", None), "_initializing", False)


def _after_import() -> None:
    """Once Keras is imported: register helpers' functions; once both are: threads, logger, unhook."""
    try:
        if _finished("keras"):
            register_custom_objects(sys.modules["keras"])
            if _finished("tensorflow"):
                remove_import_hook()
                with quiet_stderr():  # probing for a GPU logs too
                    _configure(sys.modules["tensorflow"])
    except Exception as e:  # never break the user's own import
        warnings.warn(f"helpers could not prepare Keras ({type(e).__name__}: {e}); load models "
                      f"with helpers.load_text_model", RuntimeWarning, stacklevel=2)


class _HookedLoader(importlib.abc.Loader):
    """Runs the real loader quietly, then :func:`_after_import`."""

    def __init__(self, loader, name: str):
        self._loader, self._name = loader, name

    def create_module(self, spec):
        return self._loader.create_module(spec)

    def exec_module(self, module):
        module.__loader__ = self._loader  # the real loader, for importlib.resources, inspect, reload
        if getattr(module, "__spec__", None) is not None:
            module.__spec__.loader = self._loader
        _set_environment()
        with quiet_stderr(f"importing {self._name}"):
            self._loader.exec_module(module)
        _imported.add(self._name)
        _after_import()

    def __getattr__(self, name):
        return getattr(self._loader, name)


class _ImportHook(importlib.abc.MetaPathFinder):
    """Finds ``tensorflow`` and ``keras`` with the other finders and wraps their loader."""

    def find_spec(self, fullname, path=None, target=None):
        if fullname not in _HOOKED or path is not None:
            return None
        for finder in list(sys.meta_path):
            find = getattr(finder, "find_spec", None)
            if isinstance(finder, _ImportHook) or find is None:
                continue
            spec = find(fullname, path, target)
            if spec is not None:
                break
        else:
            return None
        if spec.loader is not None and hasattr(spec.loader, "exec_module"):
            spec.loader = _HookedLoader(spec.loader, fullname)
        return spec


def install_import_hook() -> None:
    """Prepare Keras for helpers now if it is imported already, else when it gets imported."""
    if _finished("keras") and _finished("tensorflow"):
        register_custom_objects(sys.modules["keras"])
        return
    if _finished("keras"):  # Keras without TensorFlow (yet): register now, configure later
        register_custom_objects(sys.modules["keras"])
    if not any(isinstance(f, _ImportHook) for f in sys.meta_path):
        sys.meta_path.insert(0, _ImportHook())


def remove_import_hook() -> None:
    sys.meta_path[:] = [f for f in sys.meta_path if not isinstance(f, _ImportHook)]


__all__ = ["tf", "keras"]

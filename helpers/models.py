"""The networks: built from the approaches table, compiled as in the tutorial, exported for raw text.

Keras 3 notes: ``Embedding`` no longer takes ``input_length`` (the ``Input`` layer gives the length);
``LSTM`` picks the fused cuDNN kernel by itself when a GPU is present and the layer keeps its default
activations, so the same code runs fast on CPU and GPU.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from . import config
from .text import as_string_array
from .tfsetup import keras, tf


def _units_tuple(lstm_units) -> tuple[int, ...]:
    if isinstance(lstm_units, (int, np.integer)):
        return (int(lstm_units),)
    return tuple(int(u) for u in lstm_units)


def build_model(
    vocab_size: int,
    max_tokens: int,
    embed_len: int,
    lstm_units: int | Sequence[int],
    bidirectional: bool = False,
    num_classes: int = len(config.CLASS_NAMES),
    name: str | None = None,
) -> keras.Model:
    """Embedding → LSTM layer(s) (optionally ``Bidirectional``) → Dense softmax.

    Every LSTM layer but the last returns its whole sequence (``return_sequences=True``) so the next
    one can read it; the last returns only its final state.

    Args:
        vocab_size: number of token ids (vocabulary size, padding and ``[UNK]`` included).
        max_tokens: length of each input row of token ids.
        embed_len: embedding vector length.
        lstm_units: units of each LSTM layer (an int for a single layer).
        bidirectional: wrap every LSTM layer in ``Bidirectional``.

    Returns:
        An uncompiled ``keras.Sequential`` mapping ``(batch, max_tokens)`` ids to
        ``(batch, num_classes)`` class probabilities.
    """
    units = _units_tuple(lstm_units)
    stack: list = [
        keras.Input(shape=(int(max_tokens),), dtype="int64", name="token_ids"),
        keras.layers.Embedding(int(vocab_size), int(embed_len), name="embedding"),
    ]
    for i, u in enumerate(units):
        last = i == len(units) - 1
        lstm = keras.layers.LSTM(u, return_sequences=not last, name=f"lstm_{i + 1}")
        stack.append(keras.layers.Bidirectional(lstm, name=f"bidirectional_{i + 1}") if bidirectional else lstm)
    stack.append(keras.layers.Dense(num_classes, activation="softmax", name="classes"))
    return keras.Sequential(stack, name=name or "lstm_classifier")


def build_approach(approach, vocab_size: int, **overrides) -> keras.Model:
    """:func:`build_model` with an approach's settings (number 1–5 or name); ``overrides`` win."""
    a = config.get_approach(approach)
    kw = dict(max_tokens=a.max_tokens, embed_len=a.embed_len, lstm_units=a.lstm_units,
              bidirectional=a.bidirectional, name=a.slug)
    kw.update(overrides)
    return build_model(vocab_size, **kw)


def compile_model(model: keras.Model, optimizer=config.OPTIMIZER) -> keras.Model:
    """Compile as the tutorial did: rmsprop, sparse categorical cross-entropy, accuracy."""
    model.compile(optimizer=optimizer, loss=config.LOSS, metrics=list(config.METRICS))
    return model


def expected_param_count(vocab_size, max_tokens, embed_len, lstm_units, bidirectional, num_classes=4) -> int:
    """Number of weights of :func:`build_model`'s network, by the textbook formula.

    An LSTM layer with ``u`` units reading ``d`` features has ``4·u·(d + u + 1)`` weights (4 gates,
    each with input weights, recurrent weights and a bias).
    """
    units = _units_tuple(lstm_units)
    k = 2 if bidirectional else 1
    total, d = vocab_size * embed_len, embed_len
    for u in units:
        total += k * 4 * u * (d + u + 1)
        d = k * u
    return total + (d + 1) * num_classes


def export_text_model(vectorizer, model: keras.Model, name: str | None = None) -> keras.Model:
    """An end-to-end model that takes raw strings: ``vectorizer`` followed by ``model``.

    Returns:
        A ``keras.Model`` mapping a string tensor of shape ``(n,)`` to probabilities ``(n, 4)``.
        Save it with ``model.save("x.keras")``; load it with :func:`load_text_model` or
        ``keras.saving.load_model("x.keras")`` after ``import helpers`` (its vectorizer uses
        :func:`helpers.standardize`, which ``helpers`` registers). For serving without this
        project, write a SavedModel with :func:`export_serving`.

        Which call takes which input: :func:`predict_texts` takes anything (a string, list,
        tuple, NumPy array, pandas Series). Keras' own ``model.predict`` takes the texts only as a
        NumPy ``dtype=object`` array, ``model.predict(np.array(texts, dtype=object))``, or as a
        ``tf.constant(texts)``; it rejects a list or tuple (``Unrecognized data type``), NumPy's
        fixed-width string arrays such as ``np.array(["a"])`` (``Invalid dtype: str32``), bytes,
        a pandas Series of strings (``Invalid dtype: str``; ``series.to_numpy(dtype=object)``
        works) and an empty array (an ``UnboundLocalError`` inside Keras).
    """
    inputs = keras.Input(shape=(), dtype="string", name="text")
    outputs = model(vectorizer(inputs))
    return keras.Model(inputs, outputs, name=name or f"{model.name}_text")


def load_text_model(path) -> keras.Model:
    """Load a model saved from :func:`export_text_model` (``.keras`` file), without its optimizer.

    The same as ``keras.saving.load_model(path, compile=False)`` after ``import helpers``.
    """
    return keras.saving.load_model(str(path), compile=False)


def export_serving(text_model: keras.Model, path) -> Path:
    """Write a raw-text model as a TensorFlow SavedModel folder, the format for serving.

    The folder holds the whole pipeline (standardization, vocabulary, network) as a TensorFlow
    graph, so loading it needs TensorFlow only, neither Keras models code nor this project::

        import tensorflow as tf
        loaded = tf.saved_model.load("runs/.../models/01_lstm_25_tokens")
        probabilities = loaded.serve(tf.constant(["Oil prices rise", "Yankees beat Red Sox"]))

    ``serve`` takes a 1-D string tensor (any number of texts, empty strings included) and returns
    ``(n, 4)`` probabilities; TensorFlow Serving finds the same function as the
    ``serving_default`` signature.

    Written with Keras' ``text_model.export(path, format="tf_saved_model", verbose=False)`` into a
    temporary folder beside ``path``, then renamed to ``path``: an interrupted export leaves no
    half-written model, and an existing SavedModel at ``path`` is replaced only once the new one
    is complete.

    Returns:
        ``path`` as a ``Path``.

    Raises:
        FileExistsError: ``path`` exists and is not a SavedModel folder (a file, or a folder with
            other contents), which is never replaced.
    """
    path = Path(path)
    if path.exists() and not _replaceable_saved_model(path):
        raise FileExistsError(f"{path} exists and is not a SavedModel folder; not replacing it")
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent))
    old = None
    try:
        text_model.export(str(tmp), format="tf_saved_model", verbose=False)
        if path.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{path.name}.", suffix=".old", dir=path.parent))
            os.replace(path, old)  # an empty folder is replaced by a rename
            try:
                os.replace(tmp, path)
            except BaseException:
                os.replace(old, path)
                old = None
                raise
        else:
            os.replace(tmp, path)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
    return path


def _replaceable_saved_model(path: Path) -> bool:
    return path.is_dir() and (not any(path.iterdir()) or (path / "saved_model.pb").is_file())


def predict_texts(text_model: keras.Model, texts, batch_size: int = 1024) -> np.ndarray:
    """Class probabilities for raw texts.

    Takes anything: a single string, a list, a tuple, a NumPy array (fixed-width or ``object``) or
    a pandas Series, including an empty one and empty, whitespace-only or unknown-word texts (they
    map to padding or ``[UNK]`` ids and still get a probability row). Keras' own ``model.predict``
    takes raw texts only as ``np.array(texts, dtype=object)`` (see :func:`export_text_model`).

    Returns:
        ``float32`` array of shape ``(n, 4)``; each row is finite and sums to 1.

    Raises:
        TypeError: an element is not a string.
    """
    arr = as_string_array(texts)
    n_out = text_model.output_shape[-1]
    if len(arr) == 0:
        return np.zeros((0, n_out), dtype=np.float32)
    fn = _compiled_call(text_model)
    out = []
    for start in range(0, len(arr), batch_size):
        out.append(fn(tf.constant(arr[start:start + batch_size])).numpy())
    return np.concatenate(out, axis=0)


def _compiled_call(text_model):
    """The model's forward pass as a graph function, built once per model (about 3x faster than
    eager calls for the LSTM loops, which LIME's thousands of texts feel)."""
    fn = getattr(text_model, "_helpers_predict_fn", None)
    if fn is None:
        fn = tf.function(lambda x: text_model(x, training=False), reduce_retracing=True)
        text_model._helpers_predict_fn = fn
    return fn

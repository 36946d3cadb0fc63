"""Text → token ids, the Keras 3 way (``TextVectorization``), with the original Tokenizer's rules.

The tutorial used Keras 2's ``keras.preprocessing.text.Tokenizer`` (gone in Keras 3). Its rules:
lower-case; replace each of ``!"#$%&()*+,-./:;<=>?@[\\]^_`{|}~`` and tab/newline with a space;
split on whitespace. :func:`standardize` applies exactly these rules inside TensorFlow, and
:func:`tokenize_like_keras2` is a plain-Python statement of the same rules for checks.

Index 0 of the vocabulary is padding and index 1 is ``[UNK]`` (a word not seen when the vocabulary
was built); the other words follow by decreasing frequency, as with the Tokenizer.
"""

from __future__ import annotations

import re

import numpy as np

from . import tfsetup  # TensorFlow is imported on first use (``tfsetup.tf``): this module imports quickly

KERAS2_FILTERS = '!"#$%&()*+,-./:;<=>?@[\\]^_`{|}~\t\n'
"""The characters the Keras 2 Tokenizer replaced with spaces (its default ``filters``)."""

_FILTER_REGEX = "[" + re.escape(KERAS2_FILTERS) + "]"


def tokenize_like_keras2(text: str) -> list[str]:
    """Plain-Python tokenization with the Keras 2 Tokenizer's default rules.

    >>> tokenize_like_keras2("Wall St.Bears#39;s\\\\band")
    ['wall', 'st', 'bears', '39', 's', 'band']
    """
    text = text.lower()
    text = text.translate(str.maketrans({c: " " for c in KERAS2_FILTERS}))
    return text.split()


@tfsetup.serializable
def standardize(texts):
    """TensorFlow version of the Keras 2 Tokenizer's standardization (a ``TextVectorization`` hook).

    Use it as ``keras.layers.TextVectorization(standardize=helpers.standardize, ...)``. It is
    registered with Keras as ``"helpers>standardize"`` as soon as both ``helpers`` and ``keras`` are
    imported (in either order), so a ``.keras`` file whose vectorizer uses it loads with
    ``keras.saving.load_model`` after ``import helpers``. Without ``helpers`` such a file does not
    load (``Could not locate function 'helpers>standardize'``); the SavedModel written by
    :func:`helpers.export_serving` needs no ``helpers`` at all.

    Args:
        texts: string tensor of any shape.

    Returns:
        string tensor of the same shape, lower-cased, the filter characters replaced by spaces.
    """
    tf = tfsetup.tf
    texts = tf.strings.lower(texts, encoding="utf-8")
    return tf.strings.regex_replace(texts, _FILTER_REGEX, " ")


def make_vectorizer(max_tokens: int, vocabulary=None, train_texts=None, batch_size: int = 4096):
    """Build a ``TextVectorization`` layer: texts in, ``max_tokens`` token ids out.

    Give either a ``vocabulary`` (list of words, without the padding and ``[UNK]`` entries) or
    ``train_texts`` to learn it from. Learn it from the training texts only: the tutorial also
    used the test texts, which lets test words the model never trains on into the vocabulary (a
    small leak of test data into the model).

    Texts longer than ``max_tokens`` are truncated at the end and shorter ones padded with 0 at
    the end ("post"), as the tutorial did with ``pad_sequences(padding="post", truncating="post")``.

    Returns:
        A ``keras.layers.TextVectorization`` mapping a batch of ``n`` strings to an ``int64``
        tensor of shape ``(n, max_tokens)``.
    """
    tf, keras = tfsetup.tf, tfsetup.keras
    layer = keras.layers.TextVectorization(
        standardize=standardize,
        split="whitespace",
        output_mode="int",
        output_sequence_length=int(max_tokens),
        vocabulary=None if vocabulary is None else list(vocabulary),
        name="vectorizer",
    )
    if vocabulary is None:
        if train_texts is None:
            raise ValueError("make_vectorizer needs either vocabulary= or train_texts=")
        layer.adapt(tf.data.Dataset.from_tensor_slices(as_string_array(train_texts)).batch(batch_size))
    return layer


def build_vocabulary(train_texts, batch_size: int = 4096) -> list[str]:
    """The vocabulary learned from ``train_texts``: ``["", "[UNK]", most frequent word, ...]``."""
    return make_vectorizer(1, train_texts=train_texts, batch_size=batch_size).get_vocabulary()


def as_string_array(texts) -> np.ndarray:
    """``texts`` (a string, list, tuple, array, pandas Series) as a 1-D NumPy array of ``str``.

    Raises:
        TypeError: an element is not a string.
    """
    if isinstance(texts, str):
        texts = [texts]
    arr = np.asarray(texts, dtype=object).reshape(-1)
    bad = [type(t).__name__ for t in arr[:1000] if not isinstance(t, (str, bytes))]
    if bad:
        raise TypeError(f"texts must be strings; found an element of type {bad[0]}")
    return arr.astype(str) if len(arr) else np.array([], dtype=str)


def vectorize(vectorizer, texts, batch_size: int = 4096) -> np.ndarray:
    """Map texts to padded token ids with a ``tf.data`` pipeline (batched, parallel, prefetched).

    Args:
        vectorizer: a layer from :func:`make_vectorizer`.
        texts: sequence of ``n`` strings.

    Returns:
        ``int64`` array of shape ``(n, max_tokens)``.
    """
    arr = as_string_array(texts)
    width = vectorizer.get_config()["output_sequence_length"]
    if len(arr) == 0:
        return np.zeros((0, width), dtype=np.int64)
    tf = tfsetup.tf
    ds = (
        tf.data.Dataset.from_tensor_slices(arr)
        .batch(batch_size)
        .map(vectorizer, num_parallel_calls=tf.data.AUTOTUNE, deterministic=True)
        .prefetch(tf.data.AUTOTUNE)
    )
    return np.concatenate([b.numpy() for b in ds], axis=0).astype(np.int64, copy=False)


def ids_to_words(vocabulary, ids) -> list[str]:
    """Turn one row of token ids back into words (padding dropped), to show what a model sees."""
    return [str(vocabulary[i]) for i in np.asarray(ids).tolist() if i != 0]

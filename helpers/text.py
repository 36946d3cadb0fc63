"""Text → token ids with the original Keras 2 Tokenizer's rules.

The tutorial used Keras 2's ``Tokenizer`` (gone in Keras 3). Its rules: lower-case; replace each
of ``!"#$%&()*+,-./:;<=>?@[\\]^_`{|}~``, tab and newline with a space; split on whitespace.
:func:`standardize` applies them inside a ``TextVectorization`` layer, and
:func:`tokenize_like_keras2` states them in plain Python.
"""

from __future__ import annotations

import re

import keras
import tensorflow as tf

KERAS2_FILTERS = '!"#$%&()*+,-./:;<=>?@[\\]^_`{|}~\t\n'
"""The characters the Keras 2 Tokenizer replaced with spaces (its default ``filters``)."""

_FILTER_REGEX = "[" + re.escape(KERAS2_FILTERS) + "]"
_TO_SPACES = str.maketrans({c: " " for c in KERAS2_FILTERS})


def tokenize_like_keras2(text: str) -> list[str]:
    """Plain-Python tokenization with the Keras 2 Tokenizer's default rules.

    >>> tokenize_like_keras2("Wall St.Bears#39;s\\\\band")
    ['wall', 'st', 'bears', '39', 's', 'band']
    """
    return text.lower().translate(_TO_SPACES).split()


@keras.saving.register_keras_serializable(package="helpers")
def standardize(texts):
    """Lower-case and replace the Keras 2 filter characters with spaces (a string tensor, any shape).

    Use it as ``keras.layers.TextVectorization(standardize=helpers.standardize, ...)``. It is
    registered with Keras as ``"helpers>standardize"`` when this module loads, so a ``.keras`` file
    whose vectorizer uses it loads with ``keras.saving.load_model(path, custom_objects={
    "helpers>standardize": helpers.standardize})`` (without it, Keras fails with ``Could not locate
    function 'helpers>standardize'``).
    """
    return tf.strings.regex_replace(tf.strings.lower(texts, encoding="utf-8"), _FILTER_REGEX, " ")

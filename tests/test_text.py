"""Vectorization: the original Tokenizer's rules inside TextVectorization, padding, truncation."""

from __future__ import annotations

import numpy as np
from notebook_code import run_cells

import helpers
from helpers.text import KERAS2_FILTERS

TRICKY = [
    "Wall St.Bears#39;s\\band",
    "Wall St. Bears Claw Back Into the Black (Reuters)",
    "AT&T's 3-for-1 split: $4.50/share? [UPDATE]",
    "tab\tand\nnewline",
    "  leading   and trailing  ",
    "ÉLAN Über café NAÏVE",
    "don't stop-believin'",
    "e-mail: user@example.com ~ {x} | y ^ z `q` _u_",
    "",
    "!!!",
]


def test_reference_rules_on_the_tutorial_example():
    assert helpers.tokenize_like_keras2("Wall St.Bears#39;s\\band") == ["wall", "st", "bears", "39", "s", "band"]
    assert helpers.tokenize_like_keras2("don't") == ["don't"]  # the apostrophe is not filtered
    assert set(KERAS2_FILTERS) >= set('!"#$%&()*+,-./:;<=>?@[\\]^_`{|}~\t\n')


def _vectorize_cell(train_texts, test_texts, max_tokens):
    """Notebook 01's own ``vectorize`` cell on these texts."""
    ns = run_cells(
        "01_lstm_25_tokens",
        ["imports", "vectorize"],
        seed=0,
        max_tokens=max_tokens,
        train_texts=np.array(train_texts, dtype=object),
        test_texts=np.array(test_texts, dtype=object),
    )
    return ns["vocabulary"], ns["x_train"], ns["x_test"]


def _words(vocabulary, row):
    return [vocabulary[i] for i in row if i != 0]


def test_the_notebooks_vectorizer_follows_the_keras2_tokenizer_rules():
    vocabulary, x_train, _ = _vectorize_cell(TRICKY * 2, TRICKY, 40)  # twice: a word seen once becomes [UNK]
    assert vocabulary[:2] == ["", "[UNK]"]  # 0 = padding, 1 = unknown word
    for text, row in zip(TRICKY, x_train):
        assert _words(vocabulary, row) == helpers.tokenize_like_keras2(text), text


def test_padding_and_truncation_are_post_and_the_vocabulary_is_the_training_texts():
    vocabulary, x_train, x_test = _vectorize_cell(
        ["e d c b a", "e d c b", "e d c", "e d", "e", "a"], ["e d", "e d c b a e", "", "e zebra"], 4
    )
    assert vocabulary == ["", "[UNK]", "e", "d", "c", "b", "a"]  # most frequent first
    assert x_test.tolist() == [[2, 3, 0, 0], [2, 3, 4, 5], [0, 0, 0, 0], [2, 1, 0, 0]]  # a test-only word: [UNK]
    assert x_train.shape == (6, 4) and x_test.dtype == np.int64

"""Vectorization: the original Tokenizer's rules inside TextVectorization, padding, truncation."""

from __future__ import annotations

import numpy as np
import pytest

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


def test_vectorizer_tokens_match_the_keras2_tokenizer_rules():
    vec = helpers.make_vectorizer(40, train_texts=TRICKY)
    vocab = vec.get_vocabulary()
    assert vocab[:2] == ["", "[UNK]"]  # 0 = padding, 1 = unknown word
    ids = helpers.vectorize(vec, TRICKY)
    for text, row in zip(TRICKY, ids):
        assert helpers.ids_to_words(vocab, row) == helpers.tokenize_like_keras2(text), text


def test_padding_and_truncation_are_post():
    vec = helpers.make_vectorizer(4, vocabulary=["a", "b", "c", "d", "e"])
    ids = helpers.vectorize(vec, ["a b", "a b c d e", ""])
    # ids: "" 0, [UNK] 1, a 2, b 3, ...
    assert ids.tolist() == [[2, 3, 0, 0], [2, 3, 4, 5], [0, 0, 0, 0]]
    assert ids.dtype == np.int64 and ids.shape == (3, 4)


def test_vocabulary_comes_from_training_texts_only():
    vec = helpers.make_vectorizer(5, train_texts=["market shares rise", "market falls"])
    assert vec.get_vocabulary()[2] == "market"  # most frequent first
    ids = helpers.vectorize(vec, ["market zebra"])[0]
    assert ids[0] == 2 and ids[1] == 1  # a word only in test texts is [UNK]


def test_tf_data_pipeline_equals_a_direct_call_and_keeps_order():
    texts = [f"word{i % 37} other{i % 11} text {i}" for i in range(10_000)]
    vec = helpers.make_vectorizer(6, train_texts=texts)
    batched = helpers.vectorize(vec, texts, batch_size=999)
    direct = vec(np.array(texts)).numpy()
    assert batched.shape == (10_000, 6)
    np.testing.assert_array_equal(batched, direct)


def test_vectorize_edge_inputs():
    vec = helpers.make_vectorizer(3, vocabulary=["a"])
    assert helpers.vectorize(vec, []).shape == (0, 3)
    assert helpers.vectorize(vec, "a").tolist() == [[2, 0, 0]]  # a single string is one text
    with pytest.raises(TypeError, match="must be strings"):
        helpers.vectorize(vec, ["a", 3])
    with pytest.raises(ValueError, match="vocabulary= or train_texts="):
        helpers.make_vectorizer(3)


def test_build_vocabulary_orders_by_frequency():
    vocab = helpers.build_vocabulary(["b a a", "a c b", "a"])
    assert vocab[:5] == ["", "[UNK]", "a", "b", "c"]

"""Notebook 01's own ``train`` cell: the validation slice, the history, seeds and reproducibility."""

from __future__ import annotations

import numpy as np
from notebook_code import train_approach

import helpers


def test_the_validation_slice_is_a_stratified_tenth_and_the_history_has_every_epoch(trained, small_corpus):
    y_tr, y_val = trained["y_tr"], trained["y_val"]
    assert len(y_tr) + len(y_val) == 8000 and len(y_val) == 800
    assert np.bincount(y_val).tolist() == (np.bincount(small_corpus.train_labels) // 10).tolist()
    history = trained["history"].history
    assert set(history) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert all(len(v) == 1 for v in history.values())
    assert trained["fit_seconds"] > 0


def _run_once(corpus, seed):
    ns = train_approach("01_lstm_25_tokens", corpus, seed=seed, batch_size=32, max_tokens=20, embed_len=8, lstm_units=8)
    return ns["history"].history, ns["model"].predict(ns["x_test"], verbose=0)


def test_same_seed_twice_gives_identical_results():
    corpus = helpers.make_synthetic_news(600, 100, seed=1)
    (history_a, p_a), (history_b, p_b) = _run_once(corpus, 7), _run_once(corpus, 7)
    assert history_a == history_b
    np.testing.assert_array_equal(p_a, p_b)
    history_c, _ = _run_once(corpus, 8)
    assert history_c["loss"] != history_a["loss"]  # the seed really matters

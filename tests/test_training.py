"""Training: validation slice, history, seeds and reproducibility."""

from __future__ import annotations

import numpy as np

import helpers
from helpers.evaluation import without_timings


def test_validation_split_is_stratified_and_disjoint():
    x = np.arange(1000).reshape(-1, 1)
    y = np.repeat(np.arange(4), 250)
    xt, yt, xv, yv = helpers.validation_split(x, y, 0.1, seed=0)
    assert len(yv) == 100 and len(yt) == 900
    assert np.bincount(yv).tolist() == [25] * 4
    assert not set(xt[:, 0]) & set(xv[:, 0])
    xt2, _, xv2, _ = helpers.validation_split(x, y, 0.1, seed=0)
    np.testing.assert_array_equal(xv, xv2)
    assert len(helpers.validation_split(x, y, 0.0)[2]) == 0


def test_history_and_sizes(trained):
    r = trained["result"]
    assert set(r.history) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert all(len(v) == 1 for v in r.history.values())
    assert r.n_train + r.n_val == 8000 and r.n_val == 800
    assert r.fit_seconds > 0


def _run_once(corpus, seed):
    helpers.set_seed(seed)
    vec = helpers.make_vectorizer(20, train_texts=corpus.train_texts)
    x = helpers.vectorize(vec, corpus.train_texts)
    model = helpers.compile_model(helpers.build_model(vec.vocabulary_size(), 20, 8, 8))
    result = helpers.train(model, x, corpus.train_labels, epochs=1, batch_size=32, seed=seed, verbose=0)
    ev = helpers.evaluate(model, helpers.vectorize(vec, corpus.test_texts), corpus.test_labels)
    params = dict(epochs=1, batch_size=32, seed=seed, max_tokens=20, embed_len=8, lstm_units=8,
                  bidirectional=False)
    return helpers.build_metrics(approach="tiny", ev=ev, params=params, train_result=result,
                                 data=corpus, vocab_size=vec.vocabulary_size())


def test_same_seed_twice_gives_identical_metrics():
    corpus = helpers.make_synthetic_news(600, 100, seed=1)
    a, b = _run_once(corpus, 7), _run_once(corpus, 7)
    assert without_timings(a) == without_timings(b)
    assert a["history"]["loss"] == b["history"]["loss"]
    c = _run_once(corpus, 8)
    assert c["history"]["loss"] != a["history"]["loss"]  # the seed really matters

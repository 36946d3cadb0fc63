"""The generated corpus: AG-News-like shape, seeded, learnable."""

from __future__ import annotations

import numpy as np

import helpers


def test_default_size_matches_ag_news_and_classes_are_balanced():
    d = helpers.make_synthetic_news()
    assert (d.n_train, d.n_test) == (120_000, 7_600)
    assert np.bincount(d.train_labels).tolist() == [30_000] * 4
    assert np.bincount(d.test_labels).tolist() == [1_900] * 4
    assert d.train_texts.dtype == object and d.train_labels.dtype == np.int64
    lengths = np.array([len(helpers.tokenize_like_keras2(t)) for t in d.train_texts[:3000]])
    assert 35 <= lengths.mean() <= 50  # AG News texts average about 40 tokens
    assert lengths.min() >= 8 and (lengths > 50).mean() > 0.1  # some texts exceed 50 tokens
    vocab = set(w for t in d.train_texts[:20_000] for w in helpers.tokenize_like_keras2(t))
    assert len(vocab) > 10_000


def test_seeded():
    a = helpers.make_synthetic_news(200, 40, seed=5)
    b = helpers.make_synthetic_news(200, 40, seed=5)
    c = helpers.make_synthetic_news(200, 40, seed=6)
    assert a.train_texts.tolist() == b.train_texts.tolist()
    assert a.train_labels.tolist() == b.train_labels.tolist()
    assert a.train_texts.tolist() != c.train_texts.tolist()


def test_one_epoch_model_beats_70_percent(trained, small_corpus):
    ev = helpers.evaluate_predictions(small_corpus.test_labels, trained["model"].predict(trained["x_test"], verbose=0))
    assert ev.accuracy > 0.70, ev.accuracy

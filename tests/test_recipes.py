"""Notebook 07's helpers: the TF-IDF baseline, the recipes and their table (small generated corpus)."""

from __future__ import annotations

import numpy as np
import pytest

import helpers
from helpers import recipes as R


@pytest.fixture(scope="module")
def corpus():
    return helpers.load_data("synthetic", train_size=1500, test_size=400, seed=0)


@pytest.fixture(scope="module")
def ids(corpus):
    vec = helpers.make_vectorizer(20, train_texts=corpus.train_texts)
    return (helpers.vectorize(vec, corpus.train_texts), helpers.vectorize(vec, corpus.test_texts),
            vec.vocabulary_size())


def test_tfidf_baseline_learns_and_picks_C_on_validation(corpus):
    b = R.tfidf_baseline(corpus.train_texts, corpus.train_labels, corpus.test_texts,
                         corpus.test_labels, Cs=(1.0, 10.0))
    assert b.test_accuracy > 0.70
    assert b.C in (1.0, 10.0) and b.val_accuracy == max(b.val_accuracies.values())
    assert b.evaluation.confusion.sum() == len(corpus.test_labels)
    probs = b.pipeline.predict_proba(["the minister said troops", "the striker scored a goal"])
    assert probs.shape == (2, 4) and np.allclose(probs.sum(1), 1)


def test_default_recipes_start_with_the_tutorial_and_change_one_thing():
    rs = R.default_recipes(50)
    assert rs[0].name == "tutorial" and rs[0].optimizer == "rmsprop" and rs[0].epochs == 5
    assert len({r.name for r in rs}) == len(rs)
    assert any(r.early_stopping for r in rs) and any(r.schedule == "cosine" for r in rs)
    assert any(r.dropout > 0 for r in rs) and max(r.max_tokens for r in rs) == 80
    est = R.estimate_seconds(rs, seconds_per_epoch_50=10, max_epochs=10)
    assert est == pytest.approx(10 * (5 * 4 + 6 + 5 * 1.6))


def test_recipe_model_shapes_and_bad_settings():
    m = R.build_recipe_model(R.Recipe("x", "", dropout=0.2, max_tokens=12), vocab_size=100)
    assert m.input_shape == (None, 12) and m.output_shape == (None, 4)
    assert [l.name for l in m.layers][-2:] == ["dropout", "classes"]
    with pytest.raises(ValueError, match="optimizer"):
        R.make_optimizer(R.Recipe("x", "", optimizer="sgdx"), 10)
    with pytest.raises(ValueError, match="schedule"):
        R.make_optimizer(R.Recipe("x", "", schedule="step"), 10)


def test_recipes_run_table_best_and_metrics(corpus, ids, tmp_path):
    x_tr, x_te, vocab = ids
    rs = [R.Recipe("tutorial", "none", max_tokens=16),
          R.Recipe("adam_es", "adam + early stopping", optimizer="adam", epochs=None, max_tokens=20,
                   learning_rate=0.01, schedule="cosine", patience=1)]
    results = [R.run_recipe(r, x_tr, corpus.train_labels, x_te, corpus.test_labels, vocab,
                            max_epochs=2, batch_size=128) for r in rs]
    assert [r.epochs_run for r in results][0] == 2 and 1 <= results[1].best_epoch <= results[1].epochs_run
    for r in results:
        assert 0 <= r.test_accuracy <= 1 and r.evaluation.probabilities.shape == (400, 4)
        assert r.val_accuracy == r.train_result.history["val_accuracy"][r.best_epoch - 1]
    with pytest.raises(ValueError, match="needs 80 tokens"):
        R.run_recipe(R.Recipe("long", "", max_tokens=80), x_tr, corpus.train_labels, x_te,
                     corpus.test_labels, vocab, max_epochs=1)
    base = R.BaselineResult(None, 1.0, 0.9, 0.91, results[0].evaluation, 1.0, 10, {1.0: 0.9})
    table = R.recipe_table(results, base)
    assert table.shape[0] == 3 and list(table.index) == ["tutorial", "adam_es", "tfidf_logreg"]
    assert {"val accuracy", "test accuracy", "epochs run"} <= set(table.columns)
    best = R.best_recipe(results)
    assert best.val_accuracy == max(r.val_accuracy for r in results)
    fig = R.plot_recipes(table)
    assert len(fig.axes[0].patches) == 3
    params = dict(max_tokens=best.recipe.max_tokens, embed_len=25, lstm_units=50, bidirectional=False,
                  epochs=best.epochs_run, batch_size=128, seed=0)
    m = helpers.build_metrics(approach="07_further_recommendations", ev=best.evaluation, params=params,
                              train_result=best.train_result, data=corpus, vocab_size=vocab,
                              extra=R.recipes_metrics_extra(results, base, best))
    path = helpers.write_metrics(m, tmp_path, "07_further_recommendations")
    assert path.name == "07_further_recommendations.json"
    assert [r["name"] for r in m["recipes"]] == ["tutorial", "adam_es"] and m["baseline_accuracy"] == 0.91

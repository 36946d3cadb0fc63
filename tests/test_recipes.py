"""Notebook 07's plumbing (helpers.recipes): recipe rows, the table, the choice of the best recipe
by validation accuracy, the metrics file, the reuse of notebook 02's run; a recipe network
trained as notebook 07 trains it, on a small generated corpus, which must learn; and 07's one fit
for ``adam`` and ``adam_early_stopping``, whose two rows must be exactly the two recipes trained
alone."""

from __future__ import annotations

import json

import numpy as np
import pytest

import helpers
from notebook_code import run_cells, train_approach
from helpers import recipes as R

Y_TEST = np.array([0, 1, 2, 3] * 25)


def _probabilities(correct: int, y=Y_TEST) -> np.ndarray:
    """One-hot probabilities right for the first ``correct`` texts, wrong for the others."""
    pred = np.array(y)
    pred[correct:] = (pred[correct:] + 1) % 4
    return np.eye(4, dtype=np.float32)[pred]


def _history(val_loss, val_accuracy) -> dict:
    n = len(val_loss)
    return {"loss": [1.0] * n, "accuracy": [0.5] * n, "val_loss": list(val_loss),
            "val_accuracy": list(val_accuracy)}


@pytest.fixture(scope="module")
def corpus():
    return helpers.load_data("synthetic", train_size=1500, test_size=400, seed=0)


def test_describe_recipe_names_each_change():
    assert R.describe_recipe({"optimizer": "rmsprop"}) == "none: rmsprop, rate 0.001 (the tutorial's setup)"
    assert R.describe_recipe({"optimizer": "adam"}) == "Adam instead of rmsprop"
    words = R.describe_recipe({"optimizer": "adam", "learning_rate": "cosine", "early_stopping": True,
                               "max_tokens": 80, "kernel_initializer": "he_uniform", "dropout": 0.3,
                               "padding": "pre", "unknown": 1})
    for part in ("cosine", "early stopping", "80 tokens per text", "initialized he_uniform",
                 "dropout 0.3", '"pre"', "unknown=1"):
        assert part in words, (part, words)


def test_recipe_record_keeps_the_lowest_validation_loss_epoch_only_with_early_stopping():
    history = _history(val_loss=[0.9, 0.5, 0.7, 0.8], val_accuracy=[0.6, 0.8, 0.75, 0.7])
    stopped = R.recipe_record("es", {"optimizer": "adam", "early_stopping": True}, history, 3.21,
                              _probabilities(60), Y_TEST)
    assert (stopped["epochs run"], stopped["kept epoch"], stopped["val accuracy"]) == (4, 2, 0.8)
    assert stopped["test accuracy"] == 0.6 and stopped["fit s"] == 3.2 and not stopped["reused"]
    fixed = R.recipe_record("adam", {"optimizer": "adam"}, history, 1.0, _probabilities(100), Y_TEST,
                            reused="notebook 02's run")
    assert (fixed["kept epoch"], fixed["val accuracy"], fixed["test accuracy"]) == (4, 0.7, 1.0)
    assert fixed["reused"] == "notebook 02's run" and fixed["probabilities"].shape == (100, 4)


def _results_and_baseline():
    # "adam" is best on test, "tutorial" on validation: the best recipe must be "tutorial".
    results = {
        "tutorial": R.recipe_record("tutorial", {"optimizer": "rmsprop"},
                                    _history([0.6, 0.5], [0.7, 0.9]), 10.0, _probabilities(70), Y_TEST),
        "adam": R.recipe_record("adam", {"optimizer": "adam"},
                                _history([0.6, 0.5], [0.7, 0.8]), 12.0, _probabilities(85), Y_TEST),
    }
    baseline = dict(C=10.0, val_accuracy=0.95, probabilities=_probabilities(90), seconds=2.0,
                    features=12345)
    return results, baseline


def test_table_chart_and_best_recipe_by_validation_accuracy():
    results, baseline = _results_and_baseline()
    table = R.recipes_table(results, baseline, Y_TEST)
    assert list(table.index) == ["tutorial", "adam", R.BASELINE]
    assert table["test accuracy"].tolist() == [0.7, 0.85, 0.9]
    assert "12,345 features" in table.loc[R.BASELINE, "change"] and "C=10" in table.loc[R.BASELINE, "change"]
    assert R.best_recipe(table) == "tutorial"  # the baseline and test accuracy play no part
    fig = R.plot_recipes(table)
    assert sorted(round(p.get_width(), 4) for p in fig.axes[0].patches) == [0.7, 0.85, 0.9]
    text = R.recipes_summary(table, helpers.load_data("synthetic", train_size=400, test_size=100, seed=0))
    assert "`tutorial`" in text and "70.00%" in text and "90.00%" in text
    assert "the LSTM is behind by 20.00 points" in text
    assert "says nothing about how they compare on the full data" in text


def test_metrics_file_holds_the_validation_best_recipe(corpus, tmp_path):
    y = corpus.test_labels
    results = {
        "tutorial": R.recipe_record("tutorial", {"optimizer": "rmsprop"}, _history([0.6], [0.9]), 1.0,
                                    _probabilities(300, y), y),
        "adam_80_tokens": R.recipe_record("adam_80_tokens", {"optimizer": "adam", "max_tokens": 80},
                                          _history([0.5], [0.95]), 1.0, _probabilities(200, y), y),
    }
    table = R.recipes_table(results, None, y)
    params = dict(max_tokens=50, epochs=5, batch_size=512, seed=0)
    m = R.save_recipes_metrics(tmp_path, "07_further_recommendations", table, results, params=params,
                               data=corpus, vocab_size=1000, y_test=y, n_train=1349, n_val=151)
    written = json.loads((tmp_path / "metrics" / "07_further_recommendations.json").read_text())
    assert written == json.loads(json.dumps(m))
    assert m["recipe"] == "adam_80_tokens" and m["selected_by"] == "validation accuracy"
    assert m["test_accuracy"] == 0.5 and m["max_tokens"] == 80 and m["epochs"] == 1
    assert (m["n_train"], m["n_val"]) == (1349, 151)  # the notebook's own split, as given
    assert [r["name"] for r in m["recipes"]] == ["tutorial", "adam_80_tokens"]
    assert m["baseline"] is None and m["baseline_accuracy"] is None


def test_reuse_of_notebook_02_only_for_the_same_run(corpus, tmp_path):
    texts = list(corpus.test_texts[:30])
    params = dict(max_tokens=50, epochs=10, batch_size=512, seed=0)
    assert R.reuse_notebook_02(tmp_path, params, corpus, texts) is None  # no run of notebook 02
    (tmp_path / "models").mkdir()
    ns = train_approach(R.NOTEBOOK_02, corpus, cells=("imports", "vectorize", "network", "text-model"), out=tmp_path)
    text_model = ns["text_model"]  # notebook 02's raw-text model, saved by its own cell
    history = _history([0.6, 0.5], [0.7, 0.8])
    metrics = {"data_source": corpus.source, "n_train": 1350, "n_val": 150, "n_test": 400, "seed": 0,
               "epochs": 5, "batch_size": 512, "max_tokens": 50, "embed_len": 25, "lstm_units": [50],
               "bidirectional": False, "history": history, "fit_seconds": 7.5}
    helpers.write_json(tmp_path / "metrics" / f"{R.NOTEBOOK_02}.json", metrics)
    got_history, seconds, probabilities = R.reuse_notebook_02(tmp_path, params, corpus, texts)
    assert got_history == history and seconds == 7.5
    np.testing.assert_allclose(probabilities, text_model.predict(np.array(texts, dtype=object), verbose=0), atol=1e-6)
    for change in (dict(seed=1), dict(batch_size=64), dict(max_tokens=25), dict(epochs=3)):
        assert R.reuse_notebook_02(tmp_path, {**params, **change}, corpus, texts) is None, change
    # a quick run: notebook 02 and the recipes both train min(5, epochs) = 3 epochs
    helpers.write_json(tmp_path / "metrics" / f"{R.NOTEBOOK_02}.json", {**metrics, "epochs": 3})
    assert R.reuse_notebook_02(tmp_path, {**params, "epochs": 3}, corpus, texts) is not None


@pytest.mark.slow
def test_a_recipe_network_learns_the_generated_corpus(corpus):
    """Approach 2's network trained as notebook 07's ``train_recipe`` does (Adam, a validation slice),
    small: 1,350 texts, 20 tokens, 3 epochs of batch 64. Measured 0.83-0.93 test accuracy over
    seeds 0-2 on a CPU (0.925 with seed 0); chance is 0.25."""
    import keras
    from keras import layers
    from sklearn.model_selection import train_test_split

    vec = layers.TextVectorization(standardize=helpers.standardize, split="whitespace",
                                   output_sequence_length=20)
    vec.adapt(corpus.train_texts)
    x, x_test = vec(corpus.train_texts).numpy(), vec(corpus.test_texts).numpy()
    x_tr, x_val, y_tr, y_val = train_test_split(x, corpus.train_labels, test_size=0.1,
                                                stratify=corpus.train_labels, random_state=0)
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input(shape=(20,), dtype="int64"),
                              layers.Embedding(vec.vocabulary_size(), R.RECIPE_NETWORK["embed_len"]),
                              layers.LSTM(R.RECIPE_NETWORK["lstm_units"][0]),
                              layers.Dense(4, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(x_tr, y_tr, epochs=3, batch_size=64, validation_data=(x_val, y_val), verbose=0)
    record = R.recipe_record("adam", {"optimizer": "adam"}, history.history, 1.0,
                             model.predict(x_test, verbose=0), corpus.test_labels)
    assert record["test accuracy"] > 0.70, record["test accuracy"]
    assert record["val accuracy"] > 0.60, record["val accuracy"]
    assert record["history"]["loss"][-1] < record["history"]["loss"][0]  # training reduced the loss


@pytest.mark.parametrize("stops_first", [False, True], ids=["adam-inside-early-stopping",
                                                           "early-stopping-inside-adam"])
def test_one_fit_gives_exactly_adam_and_adam_early_stopping(corpus, stops_first):
    """Notebook 07 trains ``adam`` and ``adam_early_stopping`` in one fit
    (``train_recipe(also_after=k)`` with ``helpers.SharedRun``). That holds only if the first epochs
    of the longer run are bit for bit the shorter run (same seed, same batches, deterministic sums).
    Both ways round, trained both ways here, small (1,350 texts, 20 tokens, batch 64), ``epochs`` = 7
    so that ``adam`` trains 5 and the early stopping up to 7: either the early stopping goes past
    epoch 5, or, with the validation labels shifted by one class (the better the network learns, the
    worse its validation loss), it stops after epoch 3 and the fit goes on to epoch 5 for ``adam``."""
    import keras
    from keras import layers
    from sklearn.model_selection import train_test_split
    import tensorflow as tf

    tf.config.experimental.enable_op_determinism()      # as notebook 07's setup does (GPU kernels too)
    vec = layers.TextVectorization(standardize=helpers.standardize, split="whitespace",
                                   output_sequence_length=32)
    vec.adapt(corpus.train_texts)
    x, x_test = vec(corpus.train_texts).numpy(), vec(corpus.test_texts).numpy()
    x_tr, x_val, y_tr, y_val = train_test_split(x, corpus.train_labels, test_size=0.1,
                                                stratify=corpus.train_labels, random_state=0)
    if stops_first:
        y_val = (np.asarray(y_val) + 1) % 4
    ns = run_cells("07_further_recommendations", ["imports", "recipes"], seed=0, epochs=7,
                   batch_size=64, max_tokens=20, longest=32, vocab_size=vec.vocabulary_size(),
                   x_tr=x_tr, y_tr=y_tr, x_val=x_val, y_val=y_val, x_test=x_test)
    recipes, train_recipe = ns["recipes"], ns["train_recipe"]
    alone = {name: train_recipe(**recipes[name]) for name in ("adam", "adam_early_stopping")}
    stopping_run, adam_run = train_recipe(**recipes["adam_early_stopping"], also_after=5)
    stopped_after = len(alone["adam_early_stopping"][0]["loss"])
    assert (stopped_after < 5) if stops_first else (stopped_after > 5), alone["adam_early_stopping"][0]
    assert len(alone["adam"][0]["loss"]) == 5
    for name, shared in (("adam", adam_run), ("adam_early_stopping", stopping_run)):
        (history, seconds, probabilities), (own_history, own_seconds, own_probabilities) = shared, alone[name]
        assert history == own_history, name              # every loss and accuracy, to the last bit
        assert np.array_equal(probabilities, own_probabilities), name
        assert seconds > 0
    shorter, longer = (stopping_run, adam_run) if stops_first else (adam_run, stopping_run)
    assert shorter[1] < longer[1]                        # the shorter run's seconds: up to its last epoch
    # a fixed recipe has no epoch 6 to keep: a clear error at once, before any training
    with pytest.raises(ValueError, match="also_after must be from 1 to the recipe's 5 epochs"):
        train_recipe(**recipes["adam"], also_after=6)

"""Evaluation: scores, report, confusion matrix, plots and metrics files."""

from __future__ import annotations

import json

import numpy as np
import pytest

import helpers
from helpers.evaluation import REQUIRED_FIELDS

PNG = b"\x89PNG\r\n\x1a\n"


def _ev():
    y_true = np.array([0, 0, 1, 1, 2, 2, 3, 3])
    probs = np.eye(4)[[0, 1, 1, 1, 2, 2, 3, 0]]
    return helpers.evaluate_predictions(y_true, probs)


def test_scores_and_confusion_matrix():
    ev = _ev()
    assert ev.accuracy == pytest.approx(6 / 8)
    assert ev.confusion.tolist() == [[1, 1, 0, 0], [0, 2, 0, 0], [0, 0, 2, 0], [1, 0, 0, 1]]
    assert ev.report["Sports"]["precision"] == pytest.approx(2 / 3)
    assert ev.report["World"]["recall"] == pytest.approx(0.5)
    assert "Sci/Tech" in ev.report_text and "0.7500" in ev.report_text


def test_training_curves_are_written_as_png(tmp_path):
    hist = {"loss": [1.0, 0.5], "accuracy": [0.5, 0.8], "val_loss": [0.9, 0.6], "val_accuracy": [0.6, 0.7]}
    fig2 = helpers.plot_training_curves(hist)
    assert len(fig2.axes) == 2 and len(fig2.axes[0].lines) == 2
    assert helpers.save_figure(fig2, tmp_path / "c.png").read_bytes()[:8] == PNG


def test_metrics_json_roundtrip_and_required_fields(trained, small_corpus, tmp_path):
    ev = helpers.evaluate_predictions(small_corpus.test_labels, trained["model"].predict(trained["x_test"], verbose=0))
    params = dict(epochs=1, batch_size=64, seed=0, max_tokens=25, embed_len=25, lstm_units=50, bidirectional=False)
    m = helpers.build_metrics(
        approach="01_lstm_25_tokens",
        ev=ev,
        params=params,
        train_result=_fit(trained),
        data=small_corpus,
        vocab_size=trained["vectorizer"].vocabulary_size(),
        published_accuracy=0.9018,
    )
    path = helpers.write_metrics(m, tmp_path, "01_lstm_25_tokens")
    assert path == tmp_path / "metrics" / "01_lstm_25_tokens.json"
    back = json.loads(path.read_text())
    assert set(REQUIRED_FIELDS) <= set(back)
    assert back["lstm_units"] == [50] and back["n_test"] == 1000 and back["n_train"] == 7200
    assert back["test_accuracy"] == pytest.approx(ev.accuracy, abs=1e-6)
    assert helpers.read_all_metrics(tmp_path)["01_lstm_25_tokens"] == back
    assert not list((tmp_path / "metrics").glob("*.part"))
    with pytest.raises(ValueError, match="required fields"):
        helpers.write_metrics({"approach": "x"}, tmp_path, "bad")


def _fit(trained) -> dict:
    """What notebook 01's train cell measured, as build_metrics takes it."""
    return dict(
        history=trained["history"].history,
        fit_seconds=trained["fit_seconds"],
        n_train=len(trained["y_tr"]),
        n_val=len(trained["y_val"]),
    )


def test_save_run_metrics_describes_the_trained_network(trained, small_corpus, tmp_path, capsys):
    model = trained["model"]
    probs = model.predict(trained["x_test"], verbose=0)
    params = dict(
        epochs=1,
        batch_size=64,
        seed=0,
        max_tokens=99,
        embed_len=99,
        lstm_units=7,
        data_source="synthetic",
        output_dir=str(tmp_path),
    )
    m = helpers.save_run_metrics(
        tmp_path,
        "01_lstm_25_tokens",
        model=model,
        history=trained["history"].history,
        fit_seconds=3.5,
        y_test=small_corpus.test_labels,
        probabilities=probs,
        n_train=7200,
        n_val=800,
        params=params,
        data=small_corpus,
        vocab_size=trained["vectorizer"].vocabulary_size(),
    )
    assert capsys.readouterr().out.strip() == "saved metrics/01_lstm_25_tokens.json"
    back = json.loads((tmp_path / "metrics" / "01_lstm_25_tokens.json").read_text())
    assert back == json.loads(json.dumps(m))
    # the network's own sizes win over the parameters; the published figure is the approach's
    assert (back["max_tokens"], back["embed_len"], back["lstm_units"]) == (25, 25, [50])
    assert back["layers"] == ["Embedding", "LSTM", "Dense"] and back["published_accuracy"] == 0.9018
    assert back["trainable_params"] == model.count_params()
    assert back["test_accuracy"] == pytest.approx(float((probs.argmax(1) == small_corpus.test_labels).mean()), abs=1e-6)
    assert (back["n_train"], back["n_val"], back["fit_seconds"]) == (7200, 800, 3.5)


def _metrics(**changes):
    m = {
        "approach": "02_lstm_50_tokens",
        "test_accuracy": 0.9,
        "published_accuracy": 0.9147,
        "data_source": "ag_news",
        "n_train": 108_000,
        "n_val": 12_000,
        "n_test": 7600,
        "epochs": 5,
        "batch_size": 512,
        "max_tokens": 50,
        "embed_len": 25,
        "lstm_units": [50],
    }
    return {**m, **changes}


def test_compare_with_published_says_same_settings_only_when_they_are():
    assert "Same data, same network, same settings" in helpers.compare_with_published(_metrics())
    for change, words in (
        (dict(batch_size=64), "batches of 64"),
        (dict(embed_len=50), "embed_len is 50"),
        (dict(lstm_units=[64]), "lstm_units is [64]"),
        (dict(epochs=3), "3 epoch(s)"),
        (dict(n_train=3600, n_val=400), "a subset of AG News"),
        (dict(data_source="synthetic"), "generated corpus"),
    ):
        text = helpers.compare_with_published(_metrics(**change))
        assert "cannot be compared" in text and words in text and "same settings" not in text, change

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
    table = helpers.confusion_table(ev)
    assert list(table.index) == list(helpers.CLASS_NAMES) and table.values.sum() == 8


def test_plots_are_written_as_png(tmp_path):
    ev = _ev()
    fig = helpers.plot_confusion_matrix(ev)
    path = helpers.save_figure(fig, tmp_path / "figures" / "cm.png")
    assert path.read_bytes()[:8] == PNG
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == list(helpers.CLASS_NAMES)
    assert ax.images[0].get_cmap().name == "Blues"
    texts = sorted(t.get_text() for t in ax.texts)
    assert "0.50" in texts and "1.00" in texts  # row-normalized values
    hist = {"loss": [1.0, 0.5], "accuracy": [0.5, 0.8], "val_loss": [0.9, 0.6], "val_accuracy": [0.6, 0.7]}
    fig2 = helpers.plot_training_curves(hist)
    assert len(fig2.axes) == 2 and len(fig2.axes[0].lines) == 2
    assert helpers.save_figure(fig2, tmp_path / "c.png").read_bytes()[:8] == PNG


def test_metrics_json_roundtrip_and_required_fields(trained, small_corpus, tmp_path):
    ev = helpers.evaluate(trained["model"], trained["x_test"], small_corpus.test_labels)
    params = dict(epochs=1, batch_size=64, seed=0, max_tokens=25, embed_len=25, lstm_units=50,
                  bidirectional=False)
    m = helpers.build_metrics(approach="01_lstm_25_tokens", ev=ev, params=params,
                              train_result=trained["result"], data=small_corpus,
                              vocab_size=trained["vectorizer"].vocabulary_size(),
                              published_accuracy=0.9018)
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

"""LIME as the notebooks run it (their ``lime-example`` and ``lime-explain`` cells), and its saved view."""

from __future__ import annotations

import numpy as np
from notebook_code import run_cells

import helpers


def _explain(trained):
    return run_cells(
        "01_lstm_25_tokens", ["lime-example", "lime-explain"], dict(trained), lime_samples=100, HTML=lambda html: html
    )


def test_the_explanation_weighs_words_of_the_text_for_its_true_label_and_is_seeded(trained, tmp_path):
    ns = _explain(trained)
    explanation, text, label = ns["explanation"], ns["text"], ns["true_label"]
    assert explanation.available_labels() == [label]
    weights = explanation.as_list(label=label)
    assert 1 <= len(weights) <= 10
    assert all(isinstance(v, float) and w in text for w, v in weights)
    np.testing.assert_allclose(explanation.predict_proba, ns["classifier_fn"]([text])[0], atol=1e-6)
    assert _explain(trained)["explanation"].as_list(label=label) == weights  # seeded by the seed parameter

    shown = helpers.save_explanation_html(explanation, tmp_path, "01_x", [label])
    assert shown == "explanations/01_x.html"
    html = (tmp_path / shown).read_text()
    assert "<html>" in html and text.split()[0] in html and all(w in html for w, _ in weights)

"""LIME explanations through the raw-text model."""

from __future__ import annotations

import numpy as np

import helpers


def test_tutorial_example_index():
    assert helpers.tutorial_example_index(7600) == 5158
    assert helpers.tutorial_example_index(7600) == np.random.RandomState(1).randint(1, 7600)


def test_explanation_weights_html_and_chart(trained, small_corpus, tmp_path):
    text = small_corpus.test_texts[0]
    ex = helpers.explain_text(trained["text_model"], text, num_features=6, num_samples=100, seed=0)
    assert ex.probabilities.shape == (4,) and ex.predicted == int(np.argmax(ex.probabilities))
    assert 1 <= len(ex.weights) <= 6
    words = set(helpers.tokenize_like_keras2(text)) | set(text.split())
    assert all(isinstance(w, str) and isinstance(v, float) for w, v in ex.weights)
    assert all(w.lower() in {x.lower() for x in words} or w in text for w, _ in ex.weights)
    path = ex.save_html(tmp_path / "explanations" / "ex.html")
    html = path.read_text()
    assert "<html>" in html and "lime" in html.lower()
    again = helpers.explain_text(trained["text_model"], text, num_features=6, num_samples=100, seed=0)
    assert again.weights == ex.weights  # seeded


def test_save_explanation_html_writes_limes_view(trained, small_corpus, tmp_path):
    from lime.lime_text import LimeTextExplainer

    text = str(small_corpus.test_texts[0])
    label = int(small_corpus.test_labels[0])
    explanation = LimeTextExplainer(class_names=list(helpers.CLASS_NAMES), random_state=0).explain_instance(
        text, lambda t: helpers.predict_texts(trained["text_model"], t), labels=[label],
        num_features=5, num_samples=60)
    shown = helpers.save_explanation_html(explanation, tmp_path, "01_x", [label])
    assert shown == "explanations/01_x.html"
    html = (tmp_path / shown).read_text()
    assert "<html>" in html and text.split()[0] in html
    words = [w for w, _ in explanation.as_list(label=label)]
    assert all(w in html for w in words)

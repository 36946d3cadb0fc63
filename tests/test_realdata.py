"""Checks on real AG News text: the offline copy of the test split (AG_NEWS_DIR), skipped without it."""

from __future__ import annotations

import contextlib
import io
from collections import Counter

import numpy as np
import pytest
from conftest import real_data_dir, requires_real_data
from notebook_code import TRAIN_CELLS, train_approach

import helpers
from helpers import data as D

pytestmark = [requires_real_data, pytest.mark.realdata, pytest.mark.xdist_group("test_realdata")]


@pytest.fixture(scope="module")
def real_test():
    return helpers.load_split("test", real_data_dir())


def test_real_test_split_parses_and_verifies(real_test):
    texts, labels = real_test
    assert D.md5sum(real_data_dir() / "test.csv") == D.AG_NEWS_MD5["test"]
    assert texts.shape == (7600,) and np.bincount(labels).tolist() == [1900] * 4
    assert texts[0].startswith("Fears for T N pension after talks")


def test_the_tutorials_example_is_5158(real_test):
    texts, labels = real_test
    i = np.random.RandomState(1).randint(1, len(texts))  # as the notebooks' lime-example cell
    assert i == 5158
    assert texts[i].startswith("United Seeks Further Labor Cuts")
    assert helpers.CLASS_NAMES[labels[i]] == "Business"


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_every_real_split_and_subset_keeps_the_tutorials_text_for_testing(seed):
    """Wherever the data holds it, the text the notebooks explain with LIME is a test text."""
    for test_size in (None, 40):
        data = helpers.load_data("ag_news_test_split", data_dir=real_data_dir(), test_size=test_size, seed=seed)
        row = D.tutorial_text_row(data.test_texts)
        assert row is not None and D.tutorial_text_row(data.train_texts) is None
        assert helpers.CLASS_NAMES[data.test_labels[row]] == "Business"
        assert len(data.test_texts) == (test_size or 1520) and len(data.train_texts) == 6080
        counts = np.bincount(data.test_labels)
        assert counts.max() - counts.min() <= 1  # still class-balanced
        assert len(set(data.test_texts) & set(data.train_texts)) < 5  # no text moved into both parts


def test_vectorizing_real_texts(real_test):
    texts, _ = real_test
    with contextlib.redirect_stdout(io.StringIO()):
        vectorizer, ids, _ = helpers.vectorize(texts, texts[:300], 50)  # the step 01 teaches, 02-05 call
    vocab = vectorizer.get_vocabulary()
    counts = Counter(w for t in texts for w in helpers.tokenize_like_keras2(t))
    assert set(vocab[2:]) == {w for w, k in counts.items() if k >= 2}  # words seen once: [UNK]
    assert 8_000 < len(vocab) < 20_000
    assert vocab[2] == "the"
    assert ids.shape == (7600, 50)
    for t, row in zip(texts[:300], ids[:300]):
        assert [vocab[i] for i in row if i != 0] == [
            w if counts[w] >= 2 else "[UNK]" for w in helpers.tokenize_like_keras2(t)[:50]
        ]
    lengths = (ids > 0).sum(axis=1)
    assert 0.05 < (lengths == 50).mean() < 0.5  # some texts are cut at 50 tokens


@pytest.fixture(scope="module")
def real_run(tmp_path_factory):
    """Notebook 01's own cells (imports to text-model), 5 epochs of batch 32, on a stratified 80% of
    the real test split (more steps than 5 x 512)."""
    data = helpers.load_data("ag_news_test_split", data_dir=real_data_dir(), seed=0)
    out = tmp_path_factory.mktemp("run")
    (out / "models").mkdir()
    ns = train_approach("01_lstm_25_tokens", data, epochs=5, batch_size=32, cells=(*TRAIN_CELLS, "text-model"), out=out)
    return data, ns


def test_learns_real_text_well_above_chance(real_run):
    data, ns = real_run
    assert (data.n_train, data.n_test) == (6080, 1520)
    ev = helpers.evaluate_predictions(data.test_labels, ns["model"].predict(ns["x_test"], verbose=0))
    assert ev.accuracy > 0.70, ev.accuracy  # chance is 0.25
    assert ev.confusion.sum() == 1520 and np.trace(ev.confusion) == round(ev.accuracy * 1520)
    assert min(ev.report[c]["f1-score"] for c in helpers.CLASS_NAMES) > 0.5


def test_lime_on_the_tutorials_example(real_run, real_test, tmp_path):
    """As the notebooks do: LIME with positions kept and the vectorizer's word split (the notebooks'
    own split_like_vectorizer) on the raw-text model, for the text's true label (Business, as in
    the tutorial), through Keras' own predict on an object array."""
    import json
    import re

    from lime.lime_text import LimeTextExplainer

    split_like_vectorizer = helpers.split_like_vectorizer  # notebook 01's, as tests/test_lesson.py proves
    _, ns = real_run
    texts, labels = real_test
    text, true_label = texts[5158], int(labels[5158])
    assert helpers.CLASS_NAMES[true_label] == "Business"
    text_model = ns["text_model"]  # notebook 01's raw-text model

    def classifier_fn(batch):
        return text_model.predict(np.array(batch, dtype=object), batch_size=1024, verbose=0)

    explainer = LimeTextExplainer(
        class_names=list(helpers.CLASS_NAMES), random_state=0, bow=False, split_expression=split_like_vectorizer
    )
    explanation = explainer.explain_instance(
        text, classifier_fn, labels=[true_label], num_features=10, num_samples=1000
    )
    assert explanation.available_labels() == [true_label]
    weights = explanation.as_list(label=true_label)
    assert len(weights) == 10
    words = split_like_vectorizer(text)
    assert [w.lower() for w in words] == helpers.tokenize_like_keras2(text)  # the vectorizer's tokens
    assert [words[i] for i, _ in explanation.as_map()[true_label]] == [w for w, _ in weights]
    np.testing.assert_allclose(explanation.predict_proba, classifier_fn([text])[0], atol=1e-6)
    # The word LIME weighs most for Business does push towards Business: hidden in its place, less Business.
    top, _ = max(explanation.as_map()[true_label], key=lambda iv: iv[1])
    position = 0
    for word in words[:top]:  # each word is a piece of the raw text, in order
        position = text.index(word, position) + len(word)
    position = text.index(words[top], position)
    without = text[:position] + "UNKWORDZ" + text[position + len(words[top]) :]
    assert classifier_fn([without])[0][true_label] < explanation.predict_proba[true_label]
    if explanation.predict_proba.argmax() == true_label and explanation.predict_proba[true_label] >= 0.9:
        assert sum(w for _, w in weights) > 0  # the notebooks' check: the weights for it outweigh those against
    # The saved page shows this text and these weights, for the requested label only
    shown = helpers.save_explanation_html(explanation, tmp_path, "lime", [true_label])
    html = (tmp_path / shown).read_text(encoding="utf-8")
    assert json.dumps(re.sub(r"[<>&]", "|", text)) in html  # the explained text, as LIME embeds it
    assert html.count("exp.show(") == 1
    assert f"exp.show({json.dumps(weights, ensure_ascii=False)}, {true_label}, exp_div)" in html

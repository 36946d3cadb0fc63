"""LIME on a sequence model keeps word positions and splits words as the vectorizer does.

Notebook 01's cells ``lime-explain`` and ``lime-window`` (``helpers.explain_with_lime`` is the
first, tests/test_lesson.py) are run here as written, on a small LSTM trained on the generated
corpus: LIME's words are the vectorizer's tokens, a hidden word becomes ``[UNK]`` in a row of
unchanged length, ``[UNK]`` is trained, the position table finds every word LIME lists, and for a
confidently right prediction the top weights for the class outweigh, in sum, those against it."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import numpy as np
import pytest

import helpers

# its tests share a module-scoped fixture: one process runs them all (--dist loadgroup)
pytestmark = pytest.mark.xdist_group("test_lime_positions")

REPO = Path(__file__).resolve().parent.parent
CELLS = {c.id: c.source for c in nbformat.read(REPO / "notebooks" / "01_lstm_25_tokens.ipynb", as_version=4).cells}


def _split_function():
    """The notebook's split_like_vectorizer, defined as the cell defines it."""
    source = CELLS["lime-explain"]
    namespace = {"re": re}
    exec(source[: source.index("def classifier_fn")], namespace)
    return namespace["split_like_vectorizer"]


def test_lime_words_are_the_vectorizers_tokens_as_pieces_of_the_raw_text():
    split = _split_function()
    text = "Albertson's #39;s U.S.-based e-mail (AP) -- Wal-Mart's CEO: \"profits\" up 5.2%\ttoday"
    words = split(text)
    assert [w.lower() for w in words] == helpers.tokenize_like_keras2(text)
    assert "Albertson's" in words and "Wal" in words and "5" in words  # the apostrophe stays, "-" and "." split
    position = 0
    for word in words:  # each word is a piece of the raw text, in order
        position = text.index(word, position) + len(word)
    for character in '!"#$%&()*+,-./:;<=>?@[\\]^_`{|}~\t\n':
        assert split(f"a{character}b") == ["a", "b"] == helpers.tokenize_like_keras2(f"a{character}b")


def test_a_hidden_word_becomes_unk_and_the_row_keeps_its_length():
    from lime.lime_text import IndexedString

    split = _split_function()
    text = "Albertson's shares rise as grocer cuts costs"
    indexed = IndexedString(text, split_expression=split, bow=False)
    assert list(indexed.inverse_vocab) == split(text)
    hidden = indexed.inverse_removing([1])  # hide the second word, "shares"
    assert hidden == "Albertson's UNKWORDZ rise as grocer cuts costs"
    from keras import layers

    vectorizer = layers.TextVectorization(
        standardize=helpers.standardize,
        split="whitespace",
        output_sequence_length=10,
        vocabulary=["albertson's", "shares", "rise", "as", "grocer", "cuts", "costs"],
    )
    before, after = (vectorizer(np.array([t], dtype=object)).numpy()[0] for t in (text, hidden))
    assert (before != 0).sum() == (after != 0).sum() == 7  # the same length: no word moved
    assert after[1] == 1 and (np.delete(after, 1) == np.delete(before, 1)).all()  # [UNK] in its place


@pytest.fixture(scope="module")
def trained():
    """A small LSTM (vectorizer included) trained on the generated corpus, and its test texts."""
    import keras
    from keras import layers

    helpers.notebook_setup(seed=0)
    data = helpers.load_data("synthetic", train_size=3000, test_size=200, seed=0)
    vectorizer, x_train, _ = helpers.vectorize(data.train_texts, data.test_texts, 25)  # rare words → [UNK]
    model = keras.Sequential(
        [
            keras.Input(shape=(25,), dtype="int64"),
            layers.Embedding(vectorizer.vocabulary_size(), 16),
            layers.LSTM(16),
            layers.Dense(4, activation="softmax"),
        ]
    )
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    unk_before = model.layers[0].get_weights()[0][1].copy()
    model.fit(x_train, data.train_labels, batch_size=32, epochs=4, verbose=0)
    text_input = keras.Input(shape=(), dtype="string")
    text_model = keras.Model(text_input, model(vectorizer(text_input)))
    return text_model, data, x_train, unk_before, model


def test_lime_stand_in_for_a_hidden_word_is_trained(trained):
    """A hidden word becomes [UNK]; rare training words map to it too, so its Embedding row trains
    (with every training word in the vocabulary it never occurs and keeps its random start)."""
    _, data, x_train, unk_before, model = trained
    assert (x_train == 1).mean() > 0.001
    embeddings = model.layers[0].get_weights()[0]
    assert np.abs(embeddings[1] - unk_before).max() > 1e-3
    unused = np.setdiff1d(np.arange(2, len(embeddings)), x_train)  # ids of the vocabulary past every cut
    if len(unused):  # never read: never moved (the contrast)
        assert np.abs(embeddings[unused[0]]).max() <= 0.05


def test_the_notebooks_lime_cells_on_a_confident_right_prediction(trained, capsys):
    import pandas as pd
    from IPython.display import HTML
    from lime.lime_text import LimeTextExplainer

    text_model, data, *_ = trained
    probabilities = text_model.predict(np.array(data.test_texts, dtype=object), verbose=0)
    right = np.flatnonzero(probabilities.argmax(axis=1) == data.test_labels)
    index = int(right[probabilities[right].max(axis=1).argmax()])  # the surest right prediction
    assert probabilities[index].max() >= 0.9, "the tiny model is not sure of any text: train it longer"
    namespace = dict(
        re=re,
        np=np,
        pd=pd,
        helpers=helpers,
        HTML=HTML,
        display=lambda *a: None,
        LimeTextExplainer=LimeTextExplainer,
        text_model=text_model,
        seed=0,
        text=str(data.test_texts[index]),
        true_label=int(data.test_labels[index]),
        class_names=list(data.class_names),
        lime_samples=1000,
        max_tokens=25,
        NAME="01_lstm_25_tokens",
    )
    exec(CELLS["lime-explain"], namespace)  # its assert: weights for the class outweigh those against (it applies here)
    explanation = namespace["explanation"]
    weights = [w for _, w in explanation.as_list(label=namespace["true_label"])]
    assert namespace["predicted"] == namespace["true_label"] and sum(weights) > 0
    exec(CELLS["lime-window"].rsplit("\npd.DataFrame(", 1)[0], namespace)  # its assert: every word found
    rows = namespace["window_rows"]
    words = namespace["split_like_vectorizer"](namespace["text"])
    assert all(words[position[0] - 1] == word for word, position, weight in rows if weight is not None)
    assert len([r for r in rows if r[2] is not None]) == len(weights)

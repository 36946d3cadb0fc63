"""The notebooks' own networks (their ``network`` and ``compile`` cells) and raw-text model
(``text-model`` cell): layer stacks, weight counts, what the raw-text model takes."""

from __future__ import annotations

import numpy as np
import pytest
from notebook_code import code_cell_ids, notebook_path, run_cells, statement, weight_count

import helpers
from helpers.params import notebook_defaults
from helpers.tfsetup import keras, tf

VOCAB = 1000


def test_weight_count_by_hand():
    assert weight_count(1000, 25, [50], False) == 25_000 + 15_200 + 204  # approach 1
    assert weight_count(1000, 30, [50, 60, 75], True) == (  # approach 5: layer inputs 30 -> 100 -> 120
        30_000 + 2 * 4 * 50 * 81 + 2 * 4 * 60 * 161 + 2 * 4 * 75 * 196 + 151 * 4
    )


@pytest.mark.parametrize("approach", helpers.APPROACHES.values(), ids=lambda a: a.name)
def test_each_notebooks_network_is_its_approach(approach, tmp_path):
    params = {**notebook_defaults(notebook_path(approach.name)), "output_dir": str(tmp_path)}
    ids = code_cell_ids(approach.name)
    before = ids[ids.index("setup") : ids.index("network") + 1]  # set-up, imports, the network; no data
    ns = run_cells(
        approach.name, [i for i in before if i in ("setup", "imports", "network")], **params, vocab_size=VOCAB
    )
    exec(statement(approach.name, "model.compile("), ns)  # the notebook's own compile call
    model = ns["model"]
    layers = model.layers
    assert isinstance(layers[0], keras.layers.Embedding) and layers[0].output_dim == approach.embed_len
    recurrent = layers[1:-1]
    assert len(recurrent) == len(approach.lstm_units)
    for i, (layer, units) in enumerate(zip(recurrent, approach.lstm_units)):
        assert isinstance(layer, keras.layers.Bidirectional) == approach.bidirectional
        lstm = layer.forward_layer if approach.bidirectional else layer
        assert isinstance(lstm, keras.layers.LSTM) and lstm.units == units
        assert lstm.return_sequences == (i < len(recurrent) - 1)
    assert isinstance(layers[-1], keras.layers.Dense) and layers[-1].units == 4
    assert model.input_shape == (None, approach.max_tokens) and model.output_shape == (None, 4)
    assert model.count_params() == weight_count(VOCAB, approach.embed_len, approach.lstm_units, approach.bidirectional)
    settings = helpers.network_settings(model)  # what the metrics file records
    assert (settings["max_tokens"], settings["embed_len"], settings["lstm_units"], settings["bidirectional"]) == (
        approach.max_tokens,
        approach.embed_len,
        list(approach.lstm_units),
        approach.bidirectional,
    )
    assert type(model.optimizer).__name__ == "RMSprop" and model.loss == "sparse_categorical_crossentropy"


def test_the_raw_text_model_equals_vectorizer_then_network(trained, small_corpus):
    tm = trained["text_model"]
    texts = np.array(small_corpus.test_texts[:50], dtype=object)
    np.testing.assert_allclose(
        tm.predict(texts, verbose=0),
        trained["model"].predict(trained["vectorizer"](texts).numpy(), verbose=0),
        atol=1e-5,
    )


ODD_TEXTS = [
    "",
    "   \t\n ",
    "!!! ... ??? ###",
    "東京の株式市場 Россия новости",
    "🙂🚀🔥 📈",
    "zzqx wvpt qqqq jjjjz",  # all words unknown
    " ".join(["market"] * 10_000),  # a 10,000-word text
]


def test_limes_classifier_fn_gives_a_probability_row_for_any_text(trained):
    ns = run_cells("01_lstm_25_tokens", ["lime-example", "lime-explain"], dict(trained), lime_samples=10)
    p = ns["classifier_fn"](ODD_TEXTS)
    assert p.shape == (len(ODD_TEXTS), 4) and np.isfinite(p).all()
    np.testing.assert_allclose(p.sum(axis=1), 1.0, atol=1e-5)


def test_which_call_takes_which_input(trained, small_corpus):
    """The facts the README states about Keras' own predict on the raw-text model."""
    import pandas as pd

    tm = trained["text_model"]
    texts = list(small_corpus.test_texts[:20]) + ["", "東京の株式市場"]
    expected = tm.predict(np.array(texts, dtype=object), verbose=0)  # the notebooks' form
    np.testing.assert_allclose(tm.predict(tf.constant(texts), verbose=0), expected, atol=1e-6)
    series = pd.Series(texts)
    np.testing.assert_allclose(tm.predict(series.to_numpy(dtype=object), verbose=0), expected, atol=1e-6)
    with pytest.raises(ValueError, match="Unrecognized data type"):
        tm.predict(texts, verbose=0)
    with pytest.raises(ValueError, match="Unrecognized data type"):
        tm.predict(tuple(texts), verbose=0)
    with pytest.raises(ValueError, match=r"Invalid dtype: str\d+"):
        tm.predict(np.array(texts), verbose=0)
    with pytest.raises(ValueError, match="Invalid dtype: str"):
        tm.predict(series, verbose=0)

"""The networks: layer stacks, parameter counts, raw-text export, robust prediction."""

from __future__ import annotations

import numpy as np
import pytest

import helpers
from helpers.tfsetup import keras, tf

VOCAB = 1000


@pytest.mark.parametrize("number", [1, 2, 3, 4, 5])
def test_layer_stack_and_parameter_count(number):
    a = helpers.APPROACHES[number]
    model = helpers.build_approach(number, VOCAB)
    layers = model.layers
    assert isinstance(layers[0], keras.layers.Embedding)
    assert layers[0].output_dim == a.embed_len
    recurrent = layers[1:-1]
    assert len(recurrent) == len(a.lstm_units)
    for layer, units, i in zip(recurrent, a.lstm_units, range(len(recurrent))):
        lstm = layer.forward_layer if a.bidirectional else layer
        assert isinstance(layer, keras.layers.Bidirectional) == a.bidirectional
        assert isinstance(lstm, keras.layers.LSTM) and lstm.units == units
        assert lstm.return_sequences == (i < len(recurrent) - 1)
    dense = layers[-1]
    assert isinstance(dense, keras.layers.Dense) and dense.units == 4
    assert model.input_shape == (None, a.max_tokens)
    assert model.output_shape == (None, 4)
    expected = helpers.expected_param_count(VOCAB, a.max_tokens, a.embed_len, a.lstm_units, a.bidirectional)
    assert model.count_params() == expected


def test_parameter_count_by_hand():
    # Approach 1: embedding 1000x25, LSTM 4*50*(25+50+1), dense 51*4
    assert helpers.expected_param_count(1000, 25, 25, 50, False) == 25_000 + 15_200 + 204
    # Approach 5 (bidirectional stack): layer inputs 30 -> 100 -> 120, output 150
    assert helpers.expected_param_count(1000, 50, 30, [50, 60, 75], True) == (
        30_000 + 2 * 4 * 50 * 81 + 2 * 4 * 60 * 161 + 2 * 4 * 75 * 196 + 151 * 4
    )


def test_compile_uses_the_tutorial_settings():
    model = helpers.compile_model(helpers.build_approach(1, VOCAB))
    assert type(model.optimizer).__name__ == "RMSprop"
    assert model.loss == "sparse_categorical_crossentropy"


def test_export_save_load_and_predict_raw_strings(trained, tmp_path, small_corpus):
    tm = trained["text_model"]
    path = tmp_path / "model.keras"
    tm.save(path)
    loaded = helpers.load_text_model(path)
    texts = list(small_corpus.test_texts[:50])
    p1 = helpers.predict_texts(tm, texts)
    p2 = helpers.predict_texts(loaded, texts)
    np.testing.assert_allclose(p1, p2, atol=1e-6)
    # Same answer as the two-step path (vectorize, then the id model)
    ids = helpers.vectorize(trained["vectorizer"], texts)
    np.testing.assert_allclose(p1, trained["model"].predict(ids, verbose=0), atol=1e-5)
    # Plain keras.saving.load_model works too once helpers is imported
    again = keras.saving.load_model(str(path), compile=False)
    np.testing.assert_allclose(helpers.predict_texts(again, np.array(texts)), p1, atol=1e-6)


ODD_TEXTS = [
    "",
    "   \t\n ",
    "!!! ... ??? ###",
    "東京の株式市場 Россия новости",
    "🙂🚀🔥 📈",
    "zzqx wvpt qqqq jjjjz",  # all words unknown
    " ".join(["market"] * 10_000),  # a 10,000-word text
]


def test_prediction_on_odd_inputs_gives_probability_rows(trained):
    tm = trained["text_model"]
    p = helpers.predict_texts(tm, ODD_TEXTS)
    assert p.shape == (len(ODD_TEXTS), 4)
    assert np.isfinite(p).all()
    np.testing.assert_allclose(p.sum(axis=1), 1.0, atol=1e-5)


@pytest.mark.parametrize("texts", ["a single string", ("a", "tuple"), np.array(["numpy", "array"]),
                                   np.array(["object", "array"], dtype=object)])
def test_prediction_accepts_str_tuple_array(trained, texts):
    p = helpers.predict_texts(trained["text_model"], texts)
    as_list = [texts] if isinstance(texts, str) else [str(t) for t in texts]
    np.testing.assert_array_equal(p, helpers.predict_texts(trained["text_model"], as_list))
    assert p.shape == (len(as_list), 4)


def test_prediction_accepts_pandas_series_and_empty_list(trained):
    import pandas as pd

    texts = ["oil prices", "the striker scored", ""]
    p = helpers.predict_texts(trained["text_model"], pd.Series(texts, index=[7, 3, 5]))
    np.testing.assert_array_equal(p, helpers.predict_texts(trained["text_model"], texts))
    empty = helpers.predict_texts(trained["text_model"], [])
    assert empty.shape == (0, 4) and empty.dtype == np.float32


def test_which_call_takes_which_input(trained, small_corpus):
    """The facts the README and export_text_model's docstring state about Keras' own predict."""
    import pandas as pd

    tm = trained["text_model"]
    texts = list(small_corpus.test_texts[:20]) + ["", "東京の株式市場"]
    expected = helpers.predict_texts(tm, texts)
    # The form the notebooks use: a NumPy object array (or a string tensor)
    np.testing.assert_allclose(tm.predict(np.array(texts, dtype=object), verbose=0), expected, atol=1e-6)
    np.testing.assert_allclose(tm.predict(tf.constant(texts), verbose=0), expected, atol=1e-6)
    series = pd.Series(texts)
    np.testing.assert_allclose(tm.predict(series.to_numpy(dtype=object), verbose=0), expected, atol=1e-6)
    # What Keras' predict rejects (helpers.predict_texts takes all of these)
    with pytest.raises(ValueError, match="Unrecognized data type"):
        tm.predict(texts, verbose=0)
    with pytest.raises(ValueError, match="Unrecognized data type"):
        tm.predict(tuple(texts), verbose=0)
    with pytest.raises(ValueError, match=r"Invalid dtype: str\d+"):
        tm.predict(np.array(texts), verbose=0)
    with pytest.raises(ValueError, match="Invalid dtype: str32"):
        tm.predict(np.array(["a"]), verbose=0)
    with pytest.raises(ValueError, match="Invalid dtype: str"):
        tm.predict(series, verbose=0)


def test_prediction_rejects_non_strings_clearly(trained):
    with pytest.raises(TypeError, match="must be strings"):
        helpers.predict_texts(trained["text_model"], ["ok", None])

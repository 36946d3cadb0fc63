"""helpers' shared steps are the code notebook 01 shows: 01's own cells and the helpers functions,
run on the same small inputs, give the same ids, vocabulary, printed scores, confusion counts and
plot, raw-text model and LIME explanation; the tutorial's text is the one explained wherever the
data holds it."""

from __future__ import annotations

import contextlib
import io

import numpy as np
import pytest
from notebook_code import cell_source, notebook_path, run_cells

import helpers
from helpers.params import notebook_defaults

# its tests share a module-scoped fixture: one process runs them all (--dist loadgroup)
pytestmark = pytest.mark.xdist_group("test_lesson")

NB = "01_lstm_25_tokens"


@pytest.fixture(scope="module")
def lesson(tmp_path_factory):
    """01's cells from imports to LIME on a small generated corpus (one short epoch), each run in
    a namespace that gets what the earlier cells would have defined."""
    data = helpers.load_data("synthetic", train_size=240, test_size=40, seed=0)
    out = helpers.prepare_output_dir(tmp_path_factory.mktemp("cells"))
    params = {
        **notebook_defaults(notebook_path(NB)),
        "epochs": 1,
        "batch_size": 64,
        "lstm_units": 8,
        "embed_len": 8,
        "lime_samples": 60,
        "output_dir": str(out),
    }
    ns = run_cells(
        NB,
        [
            "imports",
            "vectorize",
            "network",
            "compile",
            "train",
            "unk-check",
            "evaluate",
            "confusion-plot",
            "text-model",
            "lime-example",
            "lime-explain",
            "lime-chart",
        ],
        **params,
        data=data,
        train_texts=data.train_texts,
        train_labels=data.train_labels,
        test_texts=data.test_texts,
        test_labels=data.test_labels,
        class_names=list(data.class_names),
        out=out,
    )
    return ns, data


def _printed(function, *args, **kwargs):
    shown = []
    with contextlib.redirect_stdout(io.StringIO()) as printed, pytest.MonkeyPatch.context() as patch:
        patch.setattr("IPython.display.display", lambda obj, *a, **k: shown.append(obj))
        result = function(*args, **kwargs)
    return result, printed.getvalue(), shown


def test_vectorize_is_01s_vectorize_step(lesson):
    ns, data = lesson
    (vectorizer, x_train, x_test), printed, _ = _printed(
        helpers.vectorize, data.train_texts, data.test_texts, ns["max_tokens"]
    )
    assert vectorizer.get_vocabulary() == ns["vocabulary"]
    assert np.array_equal(x_train, ns["x_train"]) and np.array_equal(x_test, ns["x_test"])
    assert f"vocabulary size: {ns['vocab_size']:,}" in printed
    # the stand-in LIME uses is trained: rare words map to [UNK] (id 1) in the training ids
    assert (x_train == 1).any()
    assert all(
        word in ns["vocabulary"]
        for word in helpers.tokenize_like_keras2(str(data.train_texts[0]))
        if sum(helpers.tokenize_like_keras2(str(t)).count(word) for t in data.train_texts) >= 2
    )


def test_evaluate_is_01s_evaluate_steps(lesson, tmp_path):
    ns, data = lesson
    out = helpers.prepare_output_dir(tmp_path)
    probabilities, printed, shown = _printed(
        helpers.evaluate,
        ns["model"],
        ns["x_test"],
        data.test_labels,
        list(data.class_names),
        name=NB,
        output_dir=str(out),
    )
    assert np.array_equal(probabilities, ns["probabilities"])
    cell_printed = io.StringIO()
    with contextlib.redirect_stdout(cell_printed):
        run_cells(NB, ["evaluate"], ns, quiet=False)
    assert printed.startswith(cell_printed.getvalue())  # accuracy and report, to the digit
    counts = eval(compile(cell_source(NB, "confusion"), "<confusion>", "eval"), ns)
    assert len(shown) == 1 and shown[0].equals(counts)  # the confusion counts, as a table
    assert counts.to_numpy().sum() == len(data.test_labels)
    # the normalized "Blues" plot: the same picture, to the byte
    ours = (out / "figures" / f"{NB}_confusion_matrix.png").read_bytes()
    cells = (helpers.files.run_folder(ns["output_dir"]) / "figures" / f"{NB}_confusion_matrix.png").read_bytes()
    assert ours == cells


def test_text_model_and_lime_are_01s(lesson, tmp_path):
    ns, data = lesson
    out = helpers.prepare_output_dir(tmp_path)
    text_model, _, _ = _printed(helpers.text_model, ns["vectorizer"], ns["model"], out, NB)
    assert (out / "models" / f"{NB}.keras").is_file() and (out / "models" / f"{NB}_serving").is_dir()
    sample = np.array([str(t) for t in data.test_texts[:5]], dtype=object)
    assert np.array_equal(text_model.predict(sample, verbose=0), ns["text_model"].predict(sample, verbose=0))

    explanation, printed, shown = _printed(
        helpers.explain_with_lime,
        text_model,
        data,
        NB,
        output_dir=str(out),
        num_samples=ns["lime_samples"],
        seed=ns["seed"],
    )
    assert f"test text #{ns['index']}," in printed
    label = ns["true_label"]
    assert explanation.as_list(label=label) == ns["explanation"].as_list(label=label)
    assert np.array_equal(explanation.predict_proba, ns["explanation"].predict_proba)
    assert (out / "figures" / f"{NB}_lime.png").is_file() and (out / "explanations" / f"{NB}.html").is_file()


def test_the_tutorials_text_is_found_by_its_title_else_the_tutorials_formula():
    texts = [f"text {i}" for i in range(7600)]
    labels = np.arange(7600) % 4
    with contextlib.redirect_stdout(io.StringIO()) as printed:
        index, text, _ = helpers.lime_example(texts, labels, helpers.CLASS_NAMES)
    assert (
        index == 5158 == np.random.RandomState(1).randint(1, 7600) and "Not the tutorial's text" in printed.getvalue()
    )
    texts[17] = helpers.config.TUTORIAL_TITLE + " United Airlines is moving ..."
    with contextlib.redirect_stdout(io.StringIO()) as printed:
        index, text, true_label = helpers.lime_example(texts, labels, helpers.CLASS_NAMES)
    assert (index, text, true_label) == (17, texts[17], 1) and "This is the tutorial's text" in printed.getvalue()


def test_exact_float32_turns_tf32_off_in_the_block_and_restores_it():
    import tensorflow as tf

    before = tf.config.experimental.tensor_float_32_execution_enabled()
    for setting in (True, False):
        tf.config.experimental.enable_tensor_float_32_execution(setting)
        with helpers.exact_float32():
            assert not tf.config.experimental.tensor_float_32_execution_enabled()
        assert tf.config.experimental.tensor_float_32_execution_enabled() == setting
    with pytest.raises(ZeroDivisionError), helpers.exact_float32():
        1 / 0
    assert tf.config.experimental.tensor_float_32_execution_enabled() is False
    tf.config.experimental.enable_tensor_float_32_execution(before)


def test_progress_log_writes_one_line_per_epoch_and_counts_the_fits(tmp_path):
    import json

    import keras

    model = keras.Sequential([keras.Input(shape=(2,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    x, y = np.zeros((8, 2)), np.zeros(8)
    for _ in range(2):
        model.fit(x, y, epochs=2, verbose=0, callbacks=[helpers.ProgressLog(tmp_path, "nb")])
    lines = [json.loads(line) for line in (tmp_path / "progress" / "nb.jsonl").read_text().splitlines()]
    assert [(r["fit"], r["epoch"], r["epochs"]) for r in lines] == [(0, 1, 2), (0, 2, 2), (1, 1, 2), (1, 2, 2)]
    assert all(isinstance(r["loss"], float) for r in lines)

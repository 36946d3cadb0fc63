"""The shared steps of the series, as notebook 01 teaches them.

Notebook 01 shows each step as code in its own cells (load, vectorize, evaluate, the raw-text model,
LIME); here each step is that same code, written once as a function, so that notebooks 02-05 call
it in one line and keep their cells for their own idea. ``tests/test_lesson.py`` runs 01's cells
and these functions on the same inputs and checks that they give the same results.
"""

from __future__ import annotations

import collections
import contextlib
import re

import numpy as np

from .config import TUTORIAL_TITLE
from .explain import save_explanation_html
from .files import save_run_figure

MIN_COUNT = 2
"""A training word enters the vocabulary when it occurs at least this often; rarer words become
``[UNK]`` (id 1), so the network learns to read ``[UNK]`` (LIME's stand-in for a hidden word)."""


SPLIT_CHARACTERS = '!"#$%&()*+,-./:;<=>?@[\\]^_`{|}~'
"""The Keras 2 Tokenizer's filters: :func:`helpers.standardize` makes them spaces."""


def vectorize(train_texts, test_texts, max_tokens: int, min_count: int = MIN_COUNT):
    """01's vectorize step: a ``TextVectorization`` layer whose vocabulary is the training words
    seen at least ``min_count`` times, ``max_tokens`` ids per text ("post" padding and cutting).
    Prints the vocabulary size, the shapes and the first text as ids; returns
    ``(vectorizer, x_train, x_test)`` (``int64`` arrays of shape ``(n, max_tokens)``)."""
    from keras import layers

    from .text import standardize, tokenize_like_keras2

    vectorizer = layers.TextVectorization(
        standardize=standardize,  # lower-case; the Keras 2 Tokenizer's punctuation → spaces
        split="whitespace",  # words are what lies between spaces
        output_mode="int",  # each word → its id in the vocabulary
        output_sequence_length=max_tokens,  # pad with 0 / cut at the end ("post")
    )
    vectorizer.adapt(train_texts)  # learn the vocabulary from the training texts only
    counts = collections.Counter(word for text in train_texts for word in tokenize_like_keras2(str(text)))
    vectorizer.set_vocabulary(
        [
            word
            for word in vectorizer.get_vocabulary()[2:]  # rarer words → [UNK]
            if counts[word] >= min_count
        ]
    )
    vocabulary = vectorizer.get_vocabulary()
    vocab_size = len(vocabulary)  # "" (padding, id 0) and "[UNK]" (id 1) included

    x_train = vectorizer(train_texts).numpy()  # (n_train, max_tokens) token ids
    x_test = vectorizer(test_texts).numpy()

    print(f"vocabulary size: {vocab_size:,}")
    print("x_train:", x_train.shape, x_train.dtype, " x_test:", x_test.shape)
    print("first text:", train_texts[0])
    print("as ids:    ", x_train[0].tolist())
    print("as words:  ", " ".join(vocabulary[i] for i in x_train[0] if i != 0))
    return vectorizer, x_train, x_test


def evaluate(model, x_test, test_labels, class_names, *, name: str, output_dir=None):
    """01's evaluate steps: prints the test accuracy and the classification report, displays the
    confusion matrix in counts (rows true class, columns predicted) and normalized per row in the
    "Blues" colour map (saved as ``figures/<name>_confusion_matrix.png`` in the run folder);
    returns the ``(n_test, 4)`` class probabilities."""
    import matplotlib.pyplot as plt
    import pandas as pd
    from IPython.display import display
    from sklearn.metrics import ConfusionMatrixDisplay, accuracy_score, classification_report, confusion_matrix

    probabilities = model.predict(x_test, batch_size=1024, verbose=0)  # (n_test, 4)
    predictions = probabilities.argmax(axis=1)  # the most probable class

    print(f"test accuracy: {accuracy_score(test_labels, predictions):.4f}\n")
    print(classification_report(test_labels, predictions, target_names=class_names, digits=4, zero_division=0))

    display(
        pd.DataFrame(
            confusion_matrix(test_labels, predictions),
            index=pd.Index(class_names, name="true"),
            columns=pd.Index(class_names, name="predicted"),
        )
    )

    fig, ax = plt.subplots(figsize=(5.5, 5))
    ConfusionMatrixDisplay.from_predictions(
        test_labels,
        predictions,
        display_labels=class_names,
        normalize="true",
        cmap="Blues",
        values_format=".2f",
        colorbar=False,
        ax=ax,
    )
    ax.set_title(f"{name}: normalized confusion matrix")
    plt.setp(ax.get_xticklabels(), rotation=30, ha="right")
    print("saved", save_run_figure(fig, output_dir, name, "confusion_matrix"))  # plumbing
    return probabilities


def text_model(vectorizer, model, out, name: str):
    """01's raw-text model: ``vectorizer`` then ``model``, strings in, probabilities out; saved as
    ``models/<name>.keras`` and exported as the SavedModel ``models/<name>_serving/`` in the run
    folder ``out`` (the path :func:`helpers.prepare_output_dir` returned). Returns the model."""
    import keras

    text_input = keras.Input(shape=(), dtype="string", name="text")  # one raw text per row
    text_model = keras.Model(text_input, model(vectorizer(text_input)), name=f"{name}_text")

    model_path = out / "models" / f"{name}.keras"
    text_model.save(model_path)  # vectorizer + network, one file
    text_model.export(out / "models" / f"{name}_serving", verbose=False)  # the SavedModel, for serving
    print(f"saved models/{name}.keras and models/{name}_serving/ in the run folder")
    return text_model


def split_like_vectorizer(text):
    """The text's words as pieces of the raw text, split where the vectorizer splits (so "albertson's" stays one word)."""
    return [word for word in re.split(f"[\\s{re.escape(SPLIT_CHARACTERS)}]+", text) if word]


def lime_example(test_texts, test_labels, class_names):
    """01's choice of the text LIME explains: the tutorial's text (found by its title) when the test
    texts hold it, else the text the tutorial's formula picks. Prints which; returns
    ``(index, text, true_label)``."""
    found = [i for i, t in enumerate(test_texts) if str(t).startswith(TUTORIAL_TITLE)]
    index = found[0] if found else int(np.random.RandomState(1).randint(1, len(test_texts)))  # the tutorial's formula
    text, true_label = str(test_texts[index]), int(test_labels[index])
    print(f"test text #{index}, true class {class_names[true_label]}:")
    print(text)
    print(
        "\nThis is the tutorial's text."
        if found
        else f"\nNot the tutorial's text: these test texts do not hold it, so the tutorial's formula picked #{index}."
    )
    return index, text, true_label


def explain_with_lime(
    text_model, data, name: str, *, output_dir=None, num_samples: int = 5000, seed: int = 0, num_features: int = 10
):
    """01's LIME steps on the text :func:`lime_example` picks from ``data`` (a
    :class:`helpers.NewsData`), for its true label: positions kept (``bow=False``, a hidden word
    becomes ``[UNK]``), words split as the vectorizer splits them. Prints the prediction and the
    weights' balance, checks that for a right prediction with p >= 0.9 the top weights for the class
    outweigh those against it, displays LIME's view and its chart (saved in the run folder, with
    the view as ``explanations/<name>.html``); returns the ``lime`` ``Explanation``."""
    from IPython.display import HTML, display
    from lime.lime_text import LimeTextExplainer

    from .text import tokenize_like_keras2

    class_names = list(data.class_names)
    _, text, true_label = lime_example(data.test_texts, data.test_labels, class_names)
    lime_samples = num_samples

    def classifier_fn(texts):
        """A list of n strings in, an (n, 4) array of class probabilities out."""
        return text_model.predict(np.array(texts, dtype=object), batch_size=1024, verbose=0)

    assert [word.lower() for word in split_like_vectorizer(text)] == tokenize_like_keras2(
        text
    )  # LIME's words = the vectorizer's
    explainer = LimeTextExplainer(
        class_names=class_names,
        random_state=seed,
        bow=False,  # a hidden word becomes "UNKWORDZ" → [UNK]: the others keep their places
        split_expression=split_like_vectorizer,
    )  # words split as the vectorizer splits them
    explanation = explainer.explain_instance(
        text,
        classifier_fn,
        labels=[true_label],  # its true label
        num_features=num_features,
        num_samples=lime_samples,
    )
    predicted = int(explanation.predict_proba.argmax())
    print(
        f"predicted: {class_names[predicted]} (p = {explanation.predict_proba[predicted]:.2f}); "
        f"explained for the true class, {class_names[true_label]} "
        f"(p = {explanation.predict_proba[true_label]:.2f})"
    )
    top_weights = [weight for _, weight in explanation.as_list(label=true_label)]
    positive, negative = sum(w for w in top_weights if w > 0), -sum(w for w in top_weights if w < 0)
    print(
        f"{sum(w > 0 for w in top_weights)} of the {len(top_weights)} top weights for {class_names[true_label]} are positive; "
        f"together {positive:.3f} for it, {negative:.3f} against it"
    )
    if predicted == true_label and explanation.predict_proba[true_label] >= 0.9 and lime_samples >= 1000:
        # right and sure: hiding the words it relies on lowers the probability, so the weights for it outweigh those against
        assert positive > negative, top_weights
    display(HTML(explanation.as_html(labels=[true_label])))  # LIME's interactive view

    fig = explanation.as_pyplot_figure(label=true_label)
    fig.set_size_inches(7, 4)
    fig.tight_layout()
    print("saved", save_run_figure(fig, output_dir, name, "lime"))  # plumbing
    print("saved", save_explanation_html(explanation, output_dir, name, [true_label]))  # plumbing
    return explanation


@contextlib.contextmanager
def exact_float32():
    """Within the block, TensorFlow computes float32 matrix products exactly (TF32 off: it matters
    on recent NVIDIA GPUs only); the setting before the block comes back after it."""
    import tensorflow as tf

    before = tf.config.experimental.tensor_float_32_execution_enabled()
    tf.config.experimental.enable_tensor_float_32_execution(False)
    try:
        yield
    finally:
        tf.config.experimental.enable_tensor_float_32_execution(before)

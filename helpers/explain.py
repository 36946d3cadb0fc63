"""Explaining one prediction with LIME.

LIME perturbs a text by dropping words at random, asks the model for the class probabilities of
each variant, and fits a small linear model on "which words were kept": its weights say how much
each word pushed the prediction towards (or away from) a class. It needs a function from raw
strings to probabilities, which the exported raw-text model provides.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from . import config
from .files import in_run_folder, run_folder, write_text
from .models import predict_texts


def tutorial_example_index(n_test: int, seed: int = 1) -> int:
    """The test example the tutorial explains: ``np.random.RandomState(1).randint(1, n_test)``.

    With the 7,600 AG News test texts this is index 5158.
    """
    return int(np.random.RandomState(seed).randint(1, n_test))


@dataclass
class Explanation:
    """A LIME explanation of one text.

    Attributes:
        text: the explained text.
        probabilities: the model's class probabilities for it, shape ``(4,)``.
        predicted: index of the predicted class.
        weights: ``[(word, weight), ...]`` for the predicted class, largest magnitude first.
        lime: the underlying ``lime.explanation.Explanation`` (``show_in_notebook()`` etc.).
    """

    text: str
    probabilities: np.ndarray
    predicted: int
    weights: list
    lime: object
    class_names: tuple[str, ...] = config.CLASS_NAMES

    def as_html(self) -> str:
        """Self-contained interactive HTML (LIME's view)."""
        return self.lime.as_html(text=True)

    def save_html(self, path) -> Path:
        """Write the interactive HTML to ``path`` atomically."""
        return write_text(path, self.as_html())

    def show(self) -> None:
        """Display LIME's interactive view in a notebook.

        LIME's own ``show_in_notebook`` imports ``display`` from ``IPython.core.display``, which
        IPython 9 removed; the same HTML is displayed through ``IPython.display`` instead.
        """
        from IPython.display import HTML, display

        display(HTML(self.as_html()))


def explain_text(
    text_model,
    text: str,
    class_names=config.CLASS_NAMES,
    *,
    num_features: int = 10,
    num_samples: int = 5000,
    seed: int = 0,
    batch_size: int = 2048,
) -> Explanation:
    """Explain the model's prediction for one raw ``text`` with ``LimeTextExplainer``.

    Args:
        text_model: a raw-text model (:func:`helpers.models.export_text_model`).
        num_features: how many words to weigh.
        num_samples: how many perturbed variants LIME scores (the model sees this many texts).
        seed: LIME's random state (the same seed gives the same explanation).
    """
    from lime.lime_text import LimeTextExplainer

    if not isinstance(text, str):
        raise TypeError(f"text must be a string, got {type(text).__name__}")
    probs = predict_texts(text_model, [text])[0]
    predicted = int(np.argmax(probs))
    explainer = LimeTextExplainer(class_names=list(class_names), random_state=seed)
    exp = explainer.explain_instance(
        text,
        lambda texts: predict_texts(text_model, texts, batch_size=batch_size),
        num_features=num_features,
        num_samples=num_samples,
        labels=(predicted,),
    )
    return Explanation(
        text=text, probabilities=probs, predicted=predicted,
        weights=exp.as_list(label=predicted), lime=exp, class_names=tuple(class_names),
    )


def save_explanation_html(explanation, output_dir, name: str, labels=None) -> str:
    """Write LIME's interactive view of ``explanation`` (a ``lime.explanation.Explanation``) to
    ``output_dir/explanations/<name>.html``, atomically; returns the path relative to the run
    folder, for printing."""
    path = write_text(run_folder(output_dir) / "explanations" / f"{name}.html",
                      explanation.as_html(labels=labels))
    return in_run_folder(path, output_dir)

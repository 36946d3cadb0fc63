"""The plumbing of the notebooks "LSTM text classification with Keras on AG News".

The notebooks write the Keras, scikit-learn and LIME code they teach in their own cells; this
package fetches and checks the data, checks parameters, prepares the run folder and saves into it,
and builds the tables and figures that are not the lesson.

``import helpers`` imports nothing but this file: every name loads with its module on first use
(PEP 562), so :func:`check_kernel` runs, and names what is wrong, even in a kernel that lacks NumPy
or has too old a Keras. TensorFlow and Keras load only with the names that need them
(:func:`standardize`, :func:`tokenize_like_keras2`, the shared steps of :mod:`helpers.lesson`,
:class:`ProgressLog`), and :func:`notebook_setup`
imports them quietly. :func:`standardize` is registered with Keras when
its module loads: on first use of the name, in :func:`notebook_setup`, or at ``import helpers`` when
Keras is already imported. So a saved model whose vectorizer uses it loads with
``keras.saving.load_model(path, custom_objects={"helpers>standardize": helpers.standardize})``.
"""

from __future__ import annotations

import importlib
import sys

_NAMES = {
    "config": (
        "APPROACHES",
        "BATCH_SIZE",
        "CLASS_NAMES",
        "EPOCHS",
        "FURTHER_RECOMMENDATIONS",
        "Approach",
        "get_approach",
    ),
    "corpus": ("NewsData",),
    "data": (
        "AG_NEWS_BASE_URL",
        "AG_NEWS_MD5",
        "DATA_SOURCES",
        "ChecksumError",
        "DataError",
        "DataNotFoundError",
        "MalformedDataError",
        "load_ag_news",
        "load_data",
        "load_split",
        "stratified_subsample",
    ),
    "evaluation": (
        "build_metrics",
        "evaluate_predictions",
        "network_settings",
        "plot_training_curves",
        "read_all_metrics",
        "save_run_metrics",
        "write_metrics",
    ),
    "explain": ("save_explanation_html",),
    "files": (
        "DEFAULT_RUN_FOLDER",
        "OutputDirError",
        "in_run_folder",
        "prepare_output_dir",
        "save_figure",
        "save_run_figure",
        "write_json",
    ),
    "kernel": ("check_kernel",),
    "lesson": (
        "evaluate",
        "exact_float32",
        "explain_with_lime",
        "lime_example",
        "split_like_vectorizer",
        "text_model",
        "vectorize",
    ),
    "notebook": ("compare_with_published", "describe_device", "notebook_setup", "set_seed"),
    "paths": (),
    "params": ("PARAMETER_NAMES", "ParameterError", "check_parameters", "validate_parameters"),
    "progress": ("ProgressLog",),
    "recipes": (
        "best_recipe",
        "plot_recipes",
        "recipe_record",
        "recipes_summary",
        "recipes_table",
        "save_recipes_metrics",
    ),
    "runlock": ("RunFolderBusy",),
    "summary": ("other_metrics_frame", "results_html", "results_markdown", "results_rows", "split_metrics"),
    "synthetic": ("make_synthetic_news",),
    "text": ("standardize", "tokenize_like_keras2"),
    "tfsetup": (),
}
"""Each module of the package and the names ``helpers`` takes from it; both load on first use."""

_MODULE_OF = {name: module for module, names in _NAMES.items() for name in names}


def __getattr__(name: str):
    if name in _NAMES:
        return importlib.import_module(f".{name}", __name__)  # importing sets it as an attribute
    if name not in _MODULE_OF:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{_MODULE_OF[name]}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*_NAMES, *_MODULE_OF})


if "keras" in sys.modules:  # Keras is loaded already: register helpers.standardize with it now
    from . import text  # noqa: F401 - registration is the point

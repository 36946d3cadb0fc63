"""Shared code of the notebook series "LSTM text classification with Keras on AG News".

The plumbing of the notebooks: they show the Keras, scikit-learn and LIME code they teach in their
own cells; this package fetches and checks the data, checks parameters, writes the run folder and
runs the series. Small modules with one job each:

- :mod:`helpers.config`     the tutorial's five approaches, settings, published results, quick settings
- :mod:`helpers.kernel`     the package versions a notebook's kernel needs (Keras 3, TensorFlow 2.16+)
- :mod:`helpers.params`     notebook parameters, their checks, and the defaults a notebook declares
- :mod:`helpers.corpus`     ``NewsData``: the texts and labels of both splits, whatever the source
- :mod:`helpers.data`       AG News: where it is (folder, cache, download), MD5 check, parsing,
                            subsampling; errors that say why as attributes
- :mod:`helpers.synthetic`  a generated AG-News-sized corpus for offline runs and tests
- :mod:`helpers.tfsetup`    TensorFlow and Keras imported quietly, with CPU threads set for LSTMs
- :mod:`helpers.text`       the Keras 2 Tokenizer's rules for ``TextVectorization`` (``standardize``)
- :mod:`helpers.models`     the reference networks of the five approaches (tests, benchmarks),
                            raw-text export, prediction and the serving export
- :mod:`helpers.training`   seeds, validation slice, fit (tests, benchmarks)
- :mod:`helpers.evaluation` scores, training curves, the metrics JSON of a notebook's run
- :mod:`helpers.explain`    LIME: the tutorial's example, saving LIME's view
- :mod:`helpers.recipes`    notebook 07's table, chart and metrics file, reuse of notebook 02's run
- :mod:`helpers.paths`      the repository's folders; paths in messages as the user wrote them
- :mod:`helpers.files`      run folders (``output_dir=None``: the repository's ``runs/notebooks``),
                            saving into them, atomic writes
- :mod:`helpers.runlock`    one run per run folder: the lock a series run holds on its folder
- :mod:`helpers.notebook`   notebook conveniences (quiet set-up, the device, this run and the tutorial)
- :mod:`helpers.summary`    the results rows and every table and chart of a run folder's metrics
                            (notebook 06, ``results.md``, ``index.html``)
- :mod:`helpers.series`     running the whole series with papermill (``./run_all.sh``): the command
                            line and the run, step by step
- :mod:`helpers.sweepfile`  sweep files (issue 20): a YAML file of notebooks, parameters and grid
  expanded into checked tasks, one message naming the place for a bad file
- :mod:`helpers.datacheck`  the series' data check: the AG News files the notebooks need, first
- :mod:`helpers.progress`   what the terminal shows while a notebook runs (step, epoch, clock)
- :mod:`helpers.report`     a run folder's ``index.html``

What runs many notebooks at once, on a Dask cluster (``./run_all.sh --sweep``, ``--workers``;
docs/sweeps.md), is
the subpackage :mod:`helpers.runner`; the notebooks never import it:

- :mod:`helpers.runner`          the subpackage (its docstring maps it)
- :mod:`helpers.runner.cluster`  the Dask client: an embedded LocalCluster on 127.0.0.1 sized to
                                 the machine, or an existing scheduler (``--scheduler``)
- :mod:`helpers.runner.task`     what a worker runs: one notebook with papermill in a temporary
                                 folder, its files returned as bytes
- :mod:`helpers.runner.sweep`    a sweep: check, data, lock, submit, write each result atomically,
                                 resume, Ctrl-C
- :mod:`helpers.runner.status`   the sweep's progress line (done / running / failed / time left)
- :mod:`helpers.runner.graph`    the series as a Dask graph (``./run_all.sh --workers N``): 07 after
                                 02, 06 after all, into the same run folder
- :mod:`helpers.runner.sweepout` ``sweep.csv``, ``summary.csv``, ``sweep.png``, ``index.html``

The modules that need TensorFlow are imported on first use, so ``import helpers`` is quick; the
names below are available as ``helpers.<name>`` either way.

``import helpers`` also prepares Keras for this project whenever Keras gets imported (before or
after ``helpers``): :func:`helpers.standardize` is registered, so a saved raw-text model loads with
``keras.saving.load_model(path)``, TensorFlow starts quietly and gets the thread settings of
:mod:`helpers.tfsetup`. TensorFlow itself is not imported by ``import helpers``.
"""

from __future__ import annotations

import importlib

from .config import (  # noqa: F401
    APPROACHES, BATCH_SIZE, CLASS_NAMES, EPOCHS, FURTHER_RECOMMENDATIONS, Approach, get_approach,
)
from .data import (  # noqa: F401
    AG_NEWS_BASE_URL, AG_NEWS_MD5, DATA_SOURCES, ChecksumError, DataError, DataNotFoundError,
    MalformedDataError, NewsData, load_ag_news, load_data, load_split, stratified_subsample,
)
from .kernel import check_versions  # noqa: F401  (stdlib only: the notebooks' first cell calls it)
from .files import (  # noqa: F401
    DEFAULT_RUN_FOLDER, OutputDirError, in_run_folder, prepare_output_dir, save_figure, save_run_figure,
    write_json,
)
from .params import PARAMETER_NAMES, ParameterError, check_parameters, validate_parameters  # noqa: F401
from .runlock import RunFolderBusy  # noqa: F401
from .text import standardize  # noqa: F401  (no TensorFlow needed to import it)
from . import tfsetup

tfsetup.install_import_hook()

_LAZY = {
    "make_synthetic_news": "synthetic",
    "make_vectorizer": "text", "vectorize": "text",
    "tokenize_like_keras2": "text", "ids_to_words": "text", "build_vocabulary": "text",
    "build_model": "models", "build_approach": "models", "compile_model": "models",
    "export_text_model": "models", "load_text_model": "models", "predict_texts": "models",
    "export_serving": "models",
    "expected_param_count": "models",
    "set_seed": "training", "train": "training", "validation_split": "training",
    "evaluate": "evaluation", "evaluate_predictions": "evaluation",
    "plot_training_curves": "evaluation", "build_metrics": "evaluation", "write_metrics": "evaluation",
    "read_all_metrics": "evaluation", "save_run_metrics": "evaluation", "network_settings": "evaluation",
    "save_explanation_html": "explain",
    "reuse_notebook_02": "recipes", "recipe_record": "recipes", "recipes_table": "recipes",
    "plot_recipes": "recipes", "save_recipes_metrics": "recipes", "recipes_summary": "recipes",
    "explain_text": "explain", "tutorial_example_index": "explain",
    "notebook_setup": "notebook", "describe_device": "notebook", "compare_with_published": "notebook",
    "split_metrics": "summary", "results_rows": "summary", "results_frame": "summary",
    "results_markdown": "summary", "results_html": "summary", "per_class_f1_frame": "summary",
    "other_metrics_frame": "summary", "plot_accuracy_comparison": "summary",
    "plot_per_class_f1": "summary", "plot_fit_seconds": "summary",
}


def __getattr__(name):
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'helpers' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(_LAZY))

"""The plumbing of the notebooks "LSTM text classification with Keras on AG News".

The notebooks write the Keras, scikit-learn and LIME code they teach in their own cells; this
package fetches and checks the data, checks parameters, prepares the run folder and saves into it,
and builds the tables and figures that are not the lesson. ``import helpers`` imports TensorFlow and
Keras (:mod:`helpers.tfsetup`) and registers :func:`standardize` with Keras, so a saved model whose
vectorizer uses it loads with ``keras.saving.load_model``.

A process that never runs Keras (the series runner, which only checks parameters, data and files)
sets ``HELPERS_IMPORT_KERAS=0`` before ``import helpers``: it then gets the plumbing without
TensorFlow, whose import takes seconds, and without ``standardize``, ``tokenize_like_keras2``, the
notebook set-up and notebook 07's ``SharedRun`` (:mod:`helpers.text`, :mod:`helpers.notebook`,
:mod:`helpers.sharedrun`).
"""

from __future__ import annotations

import os

from . import config, corpus, data, evaluation, explain, files, kernel, params, recipes, summary, synthetic
from .config import (APPROACHES, BATCH_SIZE, CLASS_NAMES, EPOCHS, FURTHER_RECOMMENDATIONS, Approach,
                     get_approach)
from .corpus import NewsData
from .data import (AG_NEWS_BASE_URL, AG_NEWS_MD5, DATA_SOURCES, ChecksumError, DataError, DataNotFoundError,
                   MalformedDataError, load_ag_news, load_data, load_split, stratified_subsample)
from .evaluation import (build_metrics, evaluate_predictions, network_settings, plot_training_curves,
                         read_all_metrics, save_run_metrics, write_metrics)
from .explain import save_explanation_html
from .files import (DEFAULT_RUN_FOLDER, OutputDirError, in_run_folder, prepare_output_dir, save_figure,
                    save_run_figure, write_json)
from .kernel import check_kernel
from .params import PARAMETER_NAMES, ParameterError, check_parameters, validate_parameters
from .runlock import RunFolderBusy
from .recipes import (best_recipe, plot_recipes, recipe_record, recipes_summary, recipes_table,
                      reuse_notebook_02, save_recipes_metrics)
from .summary import (other_metrics_frame, results_html, results_markdown, results_rows,
                      split_metrics)
from .synthetic import make_synthetic_news

if os.environ.get("HELPERS_IMPORT_KERAS", "1") != "0":
    from . import notebook, text, tfsetup  # tfsetup first (via text): TensorFlow's environment, then the import
    from .notebook import compare_with_published, describe_device, notebook_setup, set_seed
    from . import lesson, progress
    from .lesson import (evaluate, exact_float32, explain_with_lime, lime_example, split_like_vectorizer, text_model,
                         vectorize)
    from .progress import ProgressLog
    from .sharedrun import SharedRun
    from .text import standardize, tokenize_like_keras2

"""The plumbing of the notebooks "LSTM text classification with Keras on AG News".

The notebooks write the Keras, scikit-learn and LIME code they teach in their own cells; this
package fetches and checks the data, checks parameters, prepares the run folder and saves into it,
and builds the tables and figures that are not the lesson.

``import helpers`` never imports TensorFlow or Keras: the names that need them (:func:`standardize`,
:func:`tokenize_like_keras2`, :class:`SharedRun`) load on first use (PEP 562), and
:func:`notebook_setup` imports TensorFlow quietly. :func:`standardize` is registered with Keras when
its module loads: on first use of the name, in :func:`notebook_setup`, or at ``import helpers`` when
Keras is already imported. So a saved model whose vectorizer uses it loads with
``keras.saving.load_model(path, custom_objects={"helpers>standardize": helpers.standardize})``.
"""

from __future__ import annotations

import importlib
import sys

from . import config, corpus, data, evaluation, explain, files, kernel, notebook, params, recipes, summary, synthetic
from . import tfsetup
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
from .notebook import compare_with_published, describe_device, notebook_setup, set_seed
from .params import PARAMETER_NAMES, ParameterError, check_parameters, validate_parameters
from .runlock import RunFolderBusy
from .recipes import (best_recipe, plot_recipes, recipe_record, recipes_summary, recipes_table,
                      reuse_notebook_02, save_recipes_metrics)
from .summary import (other_metrics_frame, results_html, results_markdown, results_rows,
                      split_metrics)
from .synthetic import make_synthetic_news

_LAZY = {
    "standardize": "text",
    "tokenize_like_keras2": "text",
    "SharedRun": "sharedrun",
    "text": None,
    "sharedrun": None,
}
"""Names whose module imports Keras: name -> its module (None: the name is a module of its own)."""


def __getattr__(name: str):
    if name not in _LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    module = importlib.import_module(f".{_LAZY[name] or name}", __name__)
    value = module if _LAZY[name] is None else getattr(module, name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})


if "keras" in sys.modules:  # Keras is loaded already: register helpers.standardize with it now
    from . import text

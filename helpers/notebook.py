"""Notebook conveniences: the set-up call, a word on the hardware, a run's accuracy beside the tutorial's."""

from __future__ import annotations

import os

from . import tfsetup
from .config import BATCH_SIZE, EPOCHS, approach_named
from .data import AG_NEWS_SIZES


def notebook_setup(seed: int | None = None) -> None:
    """Prepare a notebook: TensorFlow imported with its logs quiet (:func:`helpers.tfsetup.quiet_logs`),
    its CPU threads tuned for LSTMs (:func:`helpers.tfsetup.tune_cpu_threads`), :func:`helpers.standardize`
    registered with Keras (saved models that use it load), plots as PNG images, tidy tables; with
    ``seed`` given, also :func:`set_seed`."""
    tfsetup.quiet_logs()
    tfsetup.tune_cpu_threads()
    import matplotlib

    from . import text  # noqa: F401 - registers helpers.standardize with Keras

    try:
        from IPython import get_ipython

        ip = get_ipython()
        if ip is not None:
            ip.run_line_magic("matplotlib", "inline")
            from matplotlib_inline.backend_inline import set_matplotlib_formats

            set_matplotlib_formats("png")
    except Exception:  # noqa: BLE001 - outside IPython (or without its inline backend): plots to files only
        matplotlib.use("Agg")
    import pandas as pd

    pd.set_option("display.precision", 4)
    pd.set_option("display.max_colwidth", 120)
    if seed is not None:
        set_seed(seed)


def set_seed(seed: int) -> None:
    """Seed Python, NumPy and TensorFlow, and ask TensorFlow for deterministic kernels.

    On a CPU the same seed then gives identical weights and metrics run after run; on a GPU cuDNN
    may still differ in the last bits.
    """
    tfsetup.keras.utils.set_random_seed(int(seed))
    tfsetup.tf.config.experimental.enable_op_determinism()


def describe_device() -> str:
    """Which device TensorFlow will train on, in one line."""
    tf = tfsetup.tf
    gpus = tf.config.list_physical_devices("GPU")
    if gpus:
        names = []
        for g in gpus:
            try:
                names.append(tf.config.experimental.get_device_details(g).get("device_name", g.name))
            except Exception:  # noqa: BLE001 - no details for this device: its name will do
                names.append(g.name)
        return f"GPU: {', '.join(names)} (LSTM layers use the cuDNN kernel)"
    intra = tf.config.threading.get_intra_op_parallelism_threads()
    inter = tf.config.threading.get_inter_op_parallelism_threads()
    threads = (
        f"{intra} thread(s) per operation, {inter} operations at once"
        if intra and inter
        else "TensorFlow's default threads"
    )
    return f"CPU only ({os.cpu_count()} cores; {threads})"


def compare_with_published(metrics: dict) -> str:
    """A Markdown paragraph setting a run's test accuracy beside the tutorial's published one.

    It calls the two "same settings" only when every setting is the tutorial's: all of AG News,
    the approach's network sizes, batch 512 and 5 epochs. Otherwise it names what differs (the
    generated corpus, a subset, only the real test split, other sizes, batches or epochs) and says
    that the comparison means nothing.
    """
    acc = metrics["test_accuracy"]
    pub = metrics.get("published_accuracy")
    source = metrics.get("data_source", "ag_news")
    lines = [
        f"**This run:** test accuracy **{acc:.2%}** on {metrics['n_test']:,} test texts "
        f"({metrics['n_train']:,} training texts, {metrics['epochs']} epoch(s) of batch "
        f"{metrics.get('batch_size', '?')})."
    ]
    if pub is None:
        lines.append("The tutorial published no figure for this network.")
        return "\n\n".join(lines)
    lines.append(
        f"**The tutorial:** {pub:.2%} on the 7,600 AG News test texts after {EPOCHS} epochs "
        f"of batch {BATCH_SIZE} on all 120,000 training texts (difference: "
        f"{100 * (acc - pub):+.2f} points)."
    )
    reasons = []
    if source == "synthetic":
        reasons.append("this run used the generated corpus, not AG News")
    elif source == "ag_news_test_split":
        reasons.append("this run trained on 80% of the 7,600 real test texts only, not on the training split")
    else:
        full = metrics["n_train"] + metrics.get("n_val", 0)
        if full < AG_NEWS_SIZES["train"] or metrics["n_test"] < AG_NEWS_SIZES["test"]:
            reasons.append("this run used a subset of AG News")
    approach = approach_named(metrics.get("approach"))
    if approach is not None:
        sizes = {
            "max_tokens": approach.max_tokens,
            "embed_len": approach.embed_len,
            "lstm_units": list(approach.lstm_units),
        }
        for key, want in sizes.items():
            if key in metrics and metrics[key] != want:
                reasons.append(f"its {key} is {metrics[key]} instead of the tutorial's {want}")
    if metrics.get("batch_size", BATCH_SIZE) != BATCH_SIZE:
        reasons.append(f"it trained in batches of {metrics['batch_size']} instead of {BATCH_SIZE}")
    if metrics["epochs"] != EPOCHS:
        reasons.append(f"it trained for {metrics['epochs']} epoch(s) instead of {EPOCHS}")
    if reasons:
        lines.append(
            "The two figures cannot be compared: " + "; ".join(reasons) + ". This run only "
            "shows that the code works end to end; it says nothing about the published figure."
        )
    else:
        lines.append(
            "Same data, same network, same settings: a difference of a point or so is "
            "expected from the random start, the validation slice held out of training "
            "(10% fewer training texts) and the vocabulary learned from training texts only."
        )
    return "\n\n".join(lines)

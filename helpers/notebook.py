"""Notebook conveniences: quiet, readable output and a word on the hardware."""

from __future__ import annotations


def notebook_setup(seed: int | None = None) -> None:
    """Prepare a notebook: TensorFlow imported quietly, plots as PNG images, tidy tables.

    With ``seed`` given, also seeds Python, NumPy and TensorFlow (see :func:`helpers.set_seed`).
    """
    from ._tf import tf  # noqa: F401  (quiet import before anything else touches TensorFlow)
    import matplotlib

    try:
        from IPython import get_ipython

        ip = get_ipython()
        if ip is not None:
            ip.run_line_magic("matplotlib", "inline")
            from matplotlib_inline.backend_inline import set_matplotlib_formats

            set_matplotlib_formats("png")
    except Exception:  # pragma: no cover - outside IPython
        matplotlib.use("Agg")
    import pandas as pd

    pd.set_option("display.precision", 4)
    pd.set_option("display.max_colwidth", 120)
    if seed is not None:
        from .training import set_seed

        set_seed(seed)


def describe_device() -> str:
    """Which device TensorFlow will train on, in one line."""
    from ._tf import tf

    gpus = tf.config.list_physical_devices("GPU")
    if gpus:
        names = []
        for g in gpus:
            try:
                names.append(tf.config.experimental.get_device_details(g).get("device_name", g.name))
            except Exception:
                names.append(g.name)
        return f"GPU: {', '.join(names)} (LSTM layers use the cuDNN kernel)"
    import os

    return f"CPU only ({os.cpu_count()} cores)"

""":class:`NewsData`: the texts and labels a notebook trains and tests on, whatever their source.

Both sources build it: :mod:`helpers.data` (AG News, or its test split) and :mod:`helpers.synthetic`
(the generated corpus).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .config import CLASS_NAMES


@dataclass
class NewsData:
    """Texts and labels of both splits.

    Attributes:
        train_texts, test_texts: arrays of ``str``, shape ``(n_train,)`` / ``(n_test,)``.
        train_labels, test_labels: ``int64`` arrays of the same shapes, values 0–3.
        class_names: names of labels 0–3.
        source: where the data came from (``"ag_news"``, ``"synthetic"``, ...).
    """

    train_texts: np.ndarray
    train_labels: np.ndarray
    test_texts: np.ndarray
    test_labels: np.ndarray
    class_names: tuple[str, ...] = CLASS_NAMES
    source: str = "ag_news"
    notes: list[str] = field(default_factory=list)

    @property
    def n_train(self) -> int:
        return len(self.train_texts)

    @property
    def n_test(self) -> int:
        return len(self.test_texts)

    def __repr__(self) -> str:
        return f"NewsData(source={self.source!r}, n_train={self.n_train}, n_test={self.n_test})"

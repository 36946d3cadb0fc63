"""The tutorial's five approaches, its training settings and its published results, in one table.

Every notebook and helper reads the approaches from :data:`APPROACHES`, so a network is described
in exactly one place.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

CLASS_NAMES: tuple[str, ...] = ("World", "Sports", "Business", "Sci/Tech")
"""AG News class names in label order (label = class index in the CSV files − 1)."""

# Training settings of the original tutorial, shared by all five approaches.
BATCH_SIZE = 512
EPOCHS = 5
VALIDATION_FRACTION = 0.1
"""Share of the training texts held out for validation (the tutorial validated on the test set)."""

QUICK_SETTINGS = {"train_size": 4000, "test_size": 800, "epochs": 3, "batch_size": 64, "lime_samples": 500}
"""``./run_all.sh --quick``: a seeded small subset, small batches and a few epochs, so that every
network still visibly learns (well above the 25% of chance) in a few minutes. Quick numbers are not
the tutorial's: it trained 5 epochs of batch 512 on all 120,000 texts."""


@dataclass(frozen=True)
class Approach:
    """One network of the tutorial.

    Attributes:
        number: 1–5, as in the tutorial.
        slug: file-name part, e.g. ``"lstm_25_tokens"`` (metrics go to ``NN_<slug>.json``).
        title: human-readable name.
        max_tokens: every text is padded/truncated ("post") to this many token ids.
        embed_len: length of each word's embedding vector.
        lstm_units: units of each LSTM layer, first to last (one entry = one LSTM layer).
        bidirectional: whether every LSTM layer is wrapped in ``Bidirectional``.
        published_accuracy: the tutorial's test accuracy for this approach (a fraction).
    """

    number: int
    slug: str
    title: str
    max_tokens: int
    embed_len: int
    lstm_units: tuple[int, ...]
    bidirectional: bool
    published_accuracy: float

    @property
    def name(self) -> str:
        """``"NN_<slug>"``: the notebook's and the metrics file's base name."""
        return f"{self.number:02d}_{self.slug}"

    def as_dict(self) -> dict:
        d = asdict(self)
        d["lstm_units"] = list(self.lstm_units)
        d["name"] = self.name
        return d


APPROACHES: dict[int, Approach] = {
    a.number: a
    for a in (
        Approach(1, "lstm_25_tokens", "Single LSTM layer, 25 tokens", 25, 25, (50,), False, 0.9018),
        Approach(2, "lstm_50_tokens", "Single LSTM layer, 50 tokens", 50, 25, (50,), False, 0.9147),
        Approach(3, "bidirectional_lstm", "Bidirectional LSTM layer", 50, 25, (50,), True, 0.9153),
        Approach(4, "stacked_lstm", "Three stacked LSTM layers", 50, 25, (50, 60, 75), False, 0.8936),
        Approach(
            5,
            "stacked_bidirectional_lstm",
            "Three stacked bidirectional LSTM layers",
            50,
            30,
            (50, 60, 75),
            True,
            0.9101,
        ),
    )
}
"""The five approaches of the tutorial, by number."""


def get_approach(approach: int | str | Approach) -> Approach:
    """Return an :class:`Approach` from its number (1–5), its name/slug, or itself."""
    if isinstance(approach, Approach):
        return approach
    if isinstance(approach, int) and not isinstance(approach, bool) and approach in APPROACHES:
        return APPROACHES[approach]
    for a in APPROACHES.values():
        if approach in (a.slug, a.name):
            return a
    raise ValueError(
        f"unknown approach {approach!r}: use a number 1–5 or one of " + ", ".join(a.name for a in APPROACHES.values())
    )


def approach_named(name) -> Approach | None:
    """The approach whose notebook is ``name`` (``"03_bidirectional_lstm"``), or None for any other
    notebook (``"07_further_recommendations"``)."""
    return next((a for a in APPROACHES.values() if a.name == name), None)


FURTHER_RECOMMENDATIONS: tuple[str, ...] = (
    "Try different values for the maximum number of tokens per text.",
    "Try different embedding lengths.",
    "Try different numbers of LSTM units (output units).",
    "Train the networks for more epochs.",
    "Try other optimizers, such as Adam.",
    "Try other weight initializations.",
    "Stack a different number of LSTM layers.",
    "Use learning-rate schedulers.",
)
"""The tutorial's closing "further recommendations" (notebooks 06 and 07 quote them; 07 tries them).
The tutorial itself had already varied the number of tokens (25, 50), the embedding length (25, 30)
and the stacking (one layer, three) across its five approaches, so the first, second and seventh
were not new there."""

TUTORIAL_TITLE = "United Seeks Further Labor Cuts"
"""The title of the text the tutorial explained with LIME (AG News test text #5158): every run whose
test texts hold it explains it, and test subsets keep it (:func:`helpers.data.stratified_subsample`)."""

TUTORIAL_LIME_WORDS: dict[int, tuple[str, ...]] = {
    1: ("concessions", "airlines", "pensions", "financing", "bankruptcy", "cuts"),
    2: ("concessions", "employees", "airlines", "financing", "bankruptcy", "pensions", "million"),
    3: ("airlines", "concessions", "bankruptcy", "cuts", "pensions", "labor", "financing"),
    4: ("concessions", "airlines", "cuts", "bankruptcy", "pensions", "financing", "labor"),
    5: ("concessions", "financing", "pensions", "labor", "cuts"),
}
"""The words the tutorial named as pointing to Business in LIME's explanation of its example text
(AG News test text #5158), approach by approach, in the tutorial's order: they differ from one
approach to the next (tests/test_teaching_facts.py checks them against the tutorial's text)."""

TUTORIAL_LSTM_OUTPUT_SHAPES: dict[str, tuple[str, str]] = {
    "LSTM": ("(batch_size, 25, 50)", "(batch_size, 50)"),
    "Bidirectional": ("(batch_size, 25, 100)", "(batch_size, 100)"),
}
"""Output shapes the tutorial printed wrongly, with the right ones: an LSTM without
``return_sequences=True`` hands on only its final state, one vector per text."""

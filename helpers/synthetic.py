"""A generated, news-like 4-class corpus for offline runs, tests and speed measurements.

It has the shape of AG News (by default 120,000 training and 7,600 test texts, balanced classes,
a title and a description of about 40 tokens in all, a vocabulary of tens of thousands of words),
so that everything downstream costs what it costs on the real data. Each class has its own topic
words, some of them shared between classes (Business and Sci/Tech overlap, as in AG News), mixed
into a large shared vocabulary of made-up words with Zipf-like frequencies, so a network has to
learn which words matter. It is learnable (one epoch of the tutorial's first network reaches well
over 70% test accuracy) but not trivial.

It is not AG News: never read an accuracy on it as a result about news classification.
"""

from __future__ import annotations

import numpy as np

from .config import CLASS_NAMES
from .corpus import NewsData

TOPIC_WORDS: dict[int, tuple[str, ...]] = {
    0: (  # World
        "government",
        "minister",
        "president",
        "election",
        "troops",
        "military",
        "peace",
        "talks",
        "iraq",
        "baghdad",
        "israel",
        "palestinian",
        "united",
        "nations",
        "un",
        "killed",
        "attack",
        "rebels",
        "war",
        "parliament",
        "prime",
        "leader",
        "vote",
        "border",
        "nuclear",
        "iran",
        "korea",
        "china",
        "russia",
        "europe",
        "afghanistan",
        "bomb",
        "police",
        "officials",
        "diplomat",
        "embassy",
        "crisis",
        "refugees",
        "ceasefire",
        "sudan",
        "darfur",
        "hostage",
    ),
    1: (  # Sports
        "game",
        "season",
        "team",
        "coach",
        "win",
        "victory",
        "league",
        "cup",
        "championship",
        "players",
        "score",
        "goal",
        "match",
        "olympic",
        "medal",
        "tournament",
        "final",
        "inning",
        "quarterback",
        "touchdown",
        "baseball",
        "football",
        "soccer",
        "tennis",
        "golf",
        "nba",
        "nfl",
        "yankees",
        "red",
        "sox",
        "striker",
        "defeat",
        "title",
        "race",
        "champion",
        "playoff",
        "injury",
        "stadium",
        "fans",
        "seed",
        "round",
        "athens",
    ),
    2: (  # Business
        "company",
        "shares",
        "stocks",
        "market",
        "profit",
        "quarter",
        "earnings",
        "sales",
        "oil",
        "prices",
        "investors",
        "bank",
        "economy",
        "dollar",
        "percent",
        "billion",
        "million",
        "growth",
        "rates",
        "federal",
        "reserve",
        "deal",
        "merger",
        "acquisition",
        "retail",
        "inflation",
        "wall",
        "street",
        "nasdaq",
        "dow",
        "revenue",
        "analysts",
        "crude",
        "airline",
        "bankruptcy",
        "jobs",
        "consumer",
        "trade",
        "chief",
        "executive",
    ),
    3: (  # Sci/Tech
        "software",
        "microsoft",
        "internet",
        "computer",
        "technology",
        "web",
        "google",
        "search",
        "users",
        "apple",
        "ibm",
        "intel",
        "chip",
        "wireless",
        "mobile",
        "phone",
        "linux",
        "windows",
        "security",
        "virus",
        "spam",
        "online",
        "space",
        "nasa",
        "scientists",
        "study",
        "research",
        "data",
        "network",
        "digital",
        "music",
        "download",
        "browser",
        "server",
        "launch",
        "planet",
        "species",
        "satellite",
        "program",
        "version",
        "company",
        "market",
        "billion",
    ),
}
"""Topic words of each class (a few, like "company" and "market", are shared on purpose)."""

FUNCTION_WORDS = (
    "the",
    "a",
    "of",
    "to",
    "in",
    "and",
    "on",
    "for",
    "that",
    "with",
    "is",
    "as",
    "at",
    "by",
    "its",
    "it",
    "from",
    "has",
    "said",
    "was",
    "will",
    "be",
    "an",
    "new",
    "after",
    "have",
    "are",
    "his",
    "but",
    "their",
    "up",
    "over",
    "more",
    "than",
    "first",
    "two",
    "this",
    "us",
    "year",
    "last",
    "reuters",
    "ap",
    "afp",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
)

_ONSETS = (
    "b",
    "c",
    "d",
    "f",
    "g",
    "h",
    "k",
    "l",
    "m",
    "n",
    "p",
    "r",
    "s",
    "t",
    "v",
    "w",
    "z",
    "br",
    "ch",
    "cl",
    "dr",
    "gr",
    "pl",
    "pr",
    "sh",
    "st",
    "tr",
)
_VOWELS = ("a", "e", "i", "o", "u", "ai", "ea", "ou", "io")
_CODAS = ("", "n", "r", "s", "t", "l", "m", "nd", "rt", "st", "ck")


def _filler_vocabulary(size: int, rng: np.random.Generator) -> np.ndarray:
    """``size`` distinct made-up words of 1–3 syllables."""
    words: set[str] = set()
    while len(words) < size:
        n = size - len(words)
        syl = rng.integers(1, 4, size=n)
        for k in syl:
            w = (
                "".join(_ONSETS[rng.integers(len(_ONSETS))] + _VOWELS[rng.integers(len(_VOWELS))] for _ in range(k))
                + _CODAS[rng.integers(len(_CODAS))]
            )
            words.add(w)
    return rng.permutation(np.array(sorted(words), dtype=object))


def _texts(
    labels: np.ndarray, rng: np.random.Generator, filler: np.ndarray, topic_share: float, noise: float
) -> np.ndarray:
    n = len(labels)
    lengths = np.clip(rng.normal(40, 11, size=n).round().astype(int), 10, 150)
    title_len = np.clip(rng.normal(7, 2, size=n).round().astype(int), 3, 14)
    total = int(lengths.sum())
    owner = np.repeat(np.arange(n), lengths)  # text index of every token
    pos = np.arange(total) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    in_title = pos < title_len[owner]

    # Each text's topic is its own class, or (rarely) another class: realistic ambiguity.
    topic = labels.copy()
    flip = rng.random(n) < noise
    topic[flip] = rng.integers(0, len(TOPIC_WORDS), size=int(flip.sum()))

    tokens = np.empty(total, dtype=object)
    kind = rng.random(total)
    share = np.where(in_title, topic_share * 1.6, topic_share)
    is_topic = kind < share
    is_function = (~is_topic) & (kind < share + 0.35)
    is_filler = ~(is_topic | is_function)

    topic_of_token = topic[owner]
    for c, words in TOPIC_WORDS.items():
        m = is_topic & (topic_of_token == c)
        tokens[m] = np.array(words, dtype=object)[rng.integers(0, len(words), size=int(m.sum()))]
    fw = np.array(FUNCTION_WORDS, dtype=object)
    tokens[is_function] = fw[rng.integers(0, len(fw), size=int(is_function.sum()))]
    # Zipf-like ranks over the filler vocabulary: a few frequent words, a long tail of rare ones.
    ranks = np.minimum(rng.zipf(1.1, size=int(is_filler.sum())) - 1, len(filler) - 1)
    tokens[is_filler] = filler[ranks]

    # Titles are capitalized; a few descriptions start with an agency dateline.
    cap = in_title & (rng.random(total) < 0.8)
    tokens[cap] = np.array([t.capitalize() for t in tokens[cap]], dtype=object)
    ends = np.cumsum(lengths)
    starts = ends - lengths
    out = []
    agency = rng.random(n) < 0.3
    for i in range(n):
        s, t, e = starts[i], starts[i] + title_len[i], ends[i]
        title = " ".join(tokens[s:t])
        desc = " ".join(tokens[t:e])
        if agency[i]:
            desc = "AP - " + desc
        out.append(f"{title} {desc}.")
    return np.array(out, dtype=object)


def make_synthetic_news(
    n_train: int = 120_000,
    n_test: int = 7_600,
    *,
    seed: int = 0,
    vocab_size: int = 30_000,
    topic_share: float = 0.2,
    noise: float = 0.04,
):
    """Generate the corpus.

    Args:
        n_train, n_test: number of texts (balanced over the 4 classes, shuffled).
        seed: the same seed always gives the same corpus.
        vocab_size: number of made-up filler words.
        topic_share: probability that a description token is one of its class's topic words
            (titles get 1.6 times as many).
        noise: share of texts written with another class's topic words (label noise).

    Returns:
        :class:`helpers.corpus.NewsData` with ``source="synthetic"``: texts of shape ``(n,)``,
        ``int64`` labels 0–3, the AG News class names.
    """
    if n_train < 1 or n_test < 1:
        raise ValueError(f"n_train and n_test must be positive, got {n_train} and {n_test}")
    rng = np.random.default_rng(seed)
    filler = _filler_vocabulary(vocab_size, rng)
    k = len(CLASS_NAMES)
    train_labels = rng.permutation(np.arange(n_train) % k).astype(np.int64)
    test_labels = rng.permutation(np.arange(n_test) % k).astype(np.int64)
    train_texts = _texts(train_labels, rng, filler, topic_share, noise)
    test_texts = _texts(test_labels, rng, filler, topic_share, noise)
    data = NewsData(train_texts, train_labels, test_texts, test_labels, source="synthetic")
    data.notes.append("Generated corpus (not AG News): accuracies on it say nothing about news.")
    return data

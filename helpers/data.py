"""AG News: find it (a data folder, the download cache, the download address), verify, parse, subsample.

The canonical files are the CSVs torchtext used, each row ``"class index","title","description"``
with class index 1–4. A text is ``title + " " + description``; a label is ``class index − 1``.

Where the files come from, in order:

1. a folder given as ``data_dir=`` (or the ``AG_NEWS_DIR`` environment variable): the files must be
   there, and are checked against their known MD5 checksums (:func:`folder_file`);
2. otherwise the download cache (:func:`cache_folder`: ``~/.keras/datasets/ag_news`` unless
   ``cache_dir=``), filled by ``keras.utils.get_file`` from ``base_url`` with a progress bar and
   the same MD5 check (:func:`cached_file`, :func:`download`).

Every failure raises a :class:`DataError` subclass whose message says what went wrong, where the
loader looked and how to fix it, and whose attributes say the same for programs (``kind``,
``split``, ``path``, ...): the series runner's up-front data check (:mod:`series_runner.datacheck`)
makes these same lookups and builds its message from the attributes, a wrong MD5 with
:func:`checksum_message`.
"""

from __future__ import annotations

import csv
import hashlib
import os
import urllib.error
import urllib.request
from pathlib import Path

import numpy as np

from .corpus import NewsData
from .synthetic import make_synthetic_news

AG_NEWS_BASE_URL = "https://raw.githubusercontent.com/mhjabreel/CharCnn_Keras/master/data/ag_news_csv"
"""Where the canonical CSV files are downloaded from (``{base_url}/train.csv``, ``/test.csv``)."""

AG_NEWS_MD5 = {
    "train": "b1a00f826fdfbd249f79597b59e1dc12",
    "test": "d52ea96a97a2d943681189a97654912d",
}
"""Known MD5 checksums of the canonical files (the ones torchtext checked)."""

AG_NEWS_SIZES = {"train": 120_000, "test": 7_600}
ENV_VAR = "AG_NEWS_DIR"
SPLITS = ("train", "test")

NOT_FOUND_MESSAGE = (
    "AG News '{split}' split not available ({reason}). Looked in: {looked}. "
    "To provide the files, download {base_url}/train.csv and {base_url}/test.csv "
    "(MD5 {md5_train} and {md5_test}) on a machine with internet access, "
    "put them in one folder and pass it as data_dir=... or set the environment variable "
    "{env_var}=/path/to/folder; or run once with network access so that they are downloaded "
    "into the cache. For an offline run without AG News, use the generated corpus "
    "(data_source='synthetic', or ./run_all.sh --synthetic)."
)
"""The message of :class:`DataNotFoundError`, filled from its attributes."""


def checksum_message(path, expected: str, actual: str, hint: str = "") -> str:
    """What a wrong MD5 means, in one line (:class:`ChecksumError`'s message; the runner's data
    check names ``path`` as the user typed it)."""
    return (
        f"{path}: MD5 checksum mismatch (expected {expected}, got {actual}). The file is "
        f"truncated, altered or not the canonical AG News file. {hint}"
    ).rstrip()


class DataError(RuntimeError):
    """Base class of every data-loading error raised by this module."""


class DataNotFoundError(DataError, FileNotFoundError):
    """An AG News file could be found neither in a data folder nor in the cache nor online.

    Attributes:
        kind: ``"missing"`` (not in the data folder) or ``"download_failed"``.
        split: ``"train"`` or ``"test"``.
        path: the file looked for (in the data folder, or the cache), as text.
        detail: for a failed download, the error it gave (``""`` otherwise).
        looked: where the loader looked, in order.
        base_url: the download address.
    """

    def __init__(
        self, kind: str, split: str, path, *, looked: list[str], detail: str = "", base_url: str = AG_NEWS_BASE_URL
    ):
        self.kind, self.split, self.path, self.detail = kind, split, str(path), detail
        self.looked, self.base_url = list(looked), base_url
        super().__init__(
            NOT_FOUND_MESSAGE.format(
                split=split,
                reason=self.reason,
                looked="; ".join(self.looked),
                base_url=base_url,
                md5_train=AG_NEWS_MD5["train"],
                md5_test=AG_NEWS_MD5["test"],
                env_var=ENV_VAR,
            )
        )

    @property
    def reason(self) -> str:
        """Why the file is not available, in a few words (``"download failed: ..."``)."""
        return f"download failed: {self.detail}" if self.kind == "download_failed" else "file missing"


class ChecksumError(DataError):
    """A file's MD5 differs from the known checksum (truncated, altered or another file).

    Attributes:
        kind: ``"checksum"``.
        path: the file (or the download address) whose MD5 is wrong, as text.
        expected, actual: the known MD5 and the file's.
        hint: what to do about it.
    """

    kind = "checksum"

    def __init__(self, path, expected: str, actual: str, hint: str = ""):
        self.path, self.expected, self.actual, self.hint = str(path), expected, actual, hint
        super().__init__(checksum_message(path, expected, actual, hint))


class MalformedDataError(DataError, ValueError):
    """A row of a CSV file cannot be parsed as (class index 1–4, title, description)."""

    def __init__(self, path, line: int, problem: str):
        self.path, self.line = str(path), line
        super().__init__(f"{path}, line {line}: {problem}")


def md5sum(path, chunk_size: int = 1 << 20) -> str:
    """MD5 hex digest of a file, read in chunks."""
    h = hashlib.md5()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(chunk_size), b""):
            h.update(chunk)
    return h.hexdigest()


def verify_md5(path, expected: str, hint: str = "") -> None:
    """Raise :class:`ChecksumError` unless the file's MD5 is ``expected``."""
    actual = md5sum(path)
    if actual != expected:
        raise ChecksumError(path, expected, actual, hint)


def parse_csv(path) -> tuple[np.ndarray, np.ndarray]:
    """Parse one AG News CSV file.

    Returns:
        ``(texts, labels)``: ``texts`` an array of ``str`` (title + " " + description), shape
        ``(n,)``; ``labels`` ``int64`` of shape ``(n,)`` with values 0–3.

    Raises:
        MalformedDataError: naming the file and line, for a row with other than 3 columns, a
            class index that is not 1–4, broken quoting, or an empty file.
    """
    path = Path(path)
    texts: list[str] = []
    labels: list[int] = []
    with open(path, newline="", encoding="utf-8", errors="strict") as f:
        reader = csv.reader(f, strict=True)
        try:
            for row in reader:
                line = reader.line_num
                if len(row) != 3:
                    raise MalformedDataError(
                        path,
                        line,
                        f"expected 3 columns (class index, title, description), found {len(row)}",
                    )
                label, title, description = row
                label = label.strip()
                if label not in ("1", "2", "3", "4"):
                    raise MalformedDataError(path, line, f"class index must be 1, 2, 3 or 4, found {label!r}")
                labels.append(int(label) - 1)
                texts.append(title + " " + description)
        except csv.Error as e:
            raise MalformedDataError(path, reader.line_num, f"broken CSV quoting ({e})") from None
        except UnicodeDecodeError as e:
            raise MalformedDataError(path, reader.line_num + 1, f"not UTF-8 text ({e})") from None
    if not texts:
        raise MalformedDataError(path, 1, "the file holds no rows")
    return np.array(texts, dtype=object), np.array(labels, dtype=np.int64)


def cache_folder(cache_dir=None) -> Path:
    """Where downloaded files are kept: ``<cache_dir>/datasets/ag_news``, ``cache_dir`` being
    Keras' cache (``$KERAS_HOME``, else ``~/.keras``) unless given."""
    root = Path(cache_dir or os.environ.get("KERAS_HOME") or "~/.keras").expanduser()
    return root / "datasets" / "ag_news"


def resolve_data_dir(data_dir=None) -> Path | None:
    """The data folder to read: the argument, else ``$AG_NEWS_DIR``, else ``None`` (download)."""
    if data_dir in (None, ""):
        data_dir = os.environ.get(ENV_VAR) or None
    return Path(data_dir).expanduser() if data_dir else None


def folder_file(split: str, folder, *, source: str = "data_dir", base_url: str = AG_NEWS_BASE_URL) -> Path:
    """``folder/{split}.csv``, MD5-checked (``source``: where the folder came from, for messages).

    Raises:
        DataNotFoundError: ``kind="missing"``, no such file.
        ChecksumError: the file has the wrong MD5.
    """
    path = Path(folder).expanduser() / f"{split}.csv"
    if not path.is_file():
        raise DataNotFoundError("missing", split, path, looked=[f"{path} (from {source})"], base_url=base_url)
    verify_md5(path, AG_NEWS_MD5[split], hint=f"Replace it with the canonical file from {base_url}/{split}.csv.")
    return path


def cached_file(split: str, cache_dir=None) -> Path | None:
    """The cached ``{split}.csv`` when it is there with the right MD5, else None."""
    path = cache_folder(cache_dir) / f"{split}.csv"
    return path if path.is_file() and md5sum(path) == AG_NEWS_MD5[split] else None


def download_problem(url: str, timeout: float = 15) -> str | None:
    """``None`` when ``url`` answers (a quick HEAD request); else why not (no network, refused,
    HTTP error...). Seconds at most, and no TensorFlow needed."""
    try:
        with urllib.request.urlopen(urllib.request.Request(url, method="HEAD"), timeout=timeout):
            return None
    except urllib.error.HTTPError as e:
        return f"HTTP {e.code} {e.reason}"
    except urllib.error.URLError as e:
        return str(e.reason)
    except (OSError, ValueError) as e:
        return str(e) or type(e).__name__


def ag_news_file(split: str, data_dir=None, *, base_url: str = AG_NEWS_BASE_URL, cache_dir=None) -> Path:
    """Return the path of a verified AG News CSV file, downloading it into the cache if needed.

    Args:
        split: ``"train"`` or ``"test"``.
        data_dir: folder holding ``train.csv``/``test.csv``; ``None`` reads ``$AG_NEWS_DIR`` and,
            if that is unset too, uses the download cache.
        base_url: where ``{split}.csv`` is downloaded from (tests point it at a local server).
        cache_dir: root of the download cache (files go to ``cache_dir/datasets/ag_news``).

    Raises:
        DataNotFoundError: the file is in neither place and cannot be downloaded.
        ChecksumError: the file (in the folder, or just downloaded) has the wrong MD5. A bad
            download is deleted, so no later run trusts it.
    """
    if split not in SPLITS:
        raise ValueError(f"split must be 'train' or 'test', got {split!r}")
    folder = resolve_data_dir(data_dir)
    if folder is not None:
        source = "data_dir" if data_dir not in (None, "") else f"${ENV_VAR}"
        return folder_file(split, folder, source=source, base_url=base_url)
    return download(split, base_url=base_url, cache_dir=cache_dir)


def download(split: str, *, base_url: str = AG_NEWS_BASE_URL, cache_dir=None) -> Path:
    """``{split}.csv`` from the cache, or downloaded into it from ``base_url`` (Keras' progress
    bar), MD5-checked either way.

    Raises:
        DataNotFoundError: ``kind="download_failed"``, with the error in ``detail``.
        ChecksumError: the download has the wrong MD5 (it is deleted).
    """
    base_url = base_url.rstrip("/")
    expected = AG_NEWS_MD5[split]
    folder = cache_folder(cache_dir)
    target = folder / f"{split}.csv"
    url = f"{base_url}/{split}.csv"
    # get_file silently falls back to a temp folder when the cache root does not exist yet.
    folder.mkdir(parents=True, exist_ok=True)
    try:
        from . import tfsetup  # Keras's downloader: TensorFlow only when a download is needed

        path = tfsetup.keras.utils.get_file(
            fname=f"{split}.csv",
            origin=url,
            md5_hash=expected,
            cache_dir=str(folder.parent.parent),
            cache_subdir=str(Path("datasets") / "ag_news"),
        )
    except ValueError as e:
        # get_file found the fresh download's hash wrong: never leave it for a later run to trust.
        actual = md5sum(target) if target.exists() else "unknown"
        target.unlink(missing_ok=True)
        if "hash" in str(e) or "corrupted" in str(e):
            raise ChecksumError(url, expected, actual, "The download was deleted; try again later.") from None
        raise
    except (Exception, KeyboardInterrupt) as e:  # network errors come as plain Exception
        target.unlink(missing_ok=True)
        if isinstance(e, KeyboardInterrupt):
            raise
        raise DataNotFoundError(
            "download_failed", split, target, looked=[f"the cache {target}", url], detail=str(e), base_url=base_url
        ) from None
    return Path(path)


def load_split(split: str, data_dir=None, *, base_url: str = AG_NEWS_BASE_URL, cache_dir=None):
    """Load one verified split: ``(texts, labels)`` as in :func:`parse_csv`."""
    return parse_csv(ag_news_file(split, data_dir, base_url=base_url, cache_dir=cache_dir))


def load_ag_news(data_dir=None, *, base_url: str = AG_NEWS_BASE_URL, cache_dir=None) -> NewsData:
    """Load AG News: 120,000 training and 7,600 test texts, verified by MD5.

    See :func:`ag_news_file` for where the files come from and the errors raised.
    """
    train = load_split("train", data_dir, base_url=base_url, cache_dir=cache_dir)
    test = load_split("test", data_dir, base_url=base_url, cache_dir=cache_dir)
    return NewsData(*train, *test, source="ag_news")


def tutorial_text_row(texts) -> int | None:
    """The row of the tutorial's LIME text (found by its title, :data:`config.TUTORIAL_TITLE`) in
    ``texts``, or None where they do not hold it (the generated corpus, a training split)."""
    from .config import TUTORIAL_TITLE

    return next((i for i, text in enumerate(texts) if str(text).startswith(TUTORIAL_TITLE)), None)


def _with_row(rows, row, labels, others):
    """``rows`` (indices) with ``row`` in it: if missing, it takes the place of the first row of its
    class (so the classes keep their counts), and that row takes its place in ``others``."""
    if row is None or row in rows:
        return rows, others
    rows, others = np.array(rows), None if others is None else np.array(others)
    place = np.flatnonzero(labels[rows] == labels[row])[0]
    if others is not None:
        others[others == row] = rows[place]
    rows[place] = row
    return rows, others


def stratified_subsample(texts, labels, n, seed: int = 0, keep: int | None = None):
    """A seeded, class-balanced subset of ``n`` examples (all of them if ``n`` is None or too big).

    Returns ``(texts, labels)`` with the classes in the same proportions as the input. ``keep``: a
    row that stays in the subset (it replaces the first kept row of its class).
    """
    labels = np.asarray(labels)
    if n is None or n >= len(labels):
        return texts, labels
    from sklearn.model_selection import train_test_split

    idx = np.arange(len(labels))
    keep_rows, _ = train_test_split(idx, train_size=int(n), stratify=labels, random_state=seed)
    keep_rows = np.sort(_with_row(keep_rows, keep, labels, None)[0])
    return np.asarray(texts, dtype=object)[keep_rows], labels[keep_rows]


DATA_SOURCES = ("ag_news", "synthetic", "ag_news_test_split")
"""Accepted ``data_source`` values:

- ``"ag_news"``: the real data set (120,000 / 7,600), downloaded or from ``data_dir``;
- ``"synthetic"``: the generated corpus (same sizes), no network needed;
- ``"ag_news_test_split"``: only the real test split, split 80/20 (stratified, seeded) into training
  and test texts, for real-text runs where the training split cannot be had.
"""


def load_data(
    data_source: str = "ag_news",
    *,
    data_dir=None,
    train_size: int | None = None,
    test_size: int | None = None,
    seed: int = 0,
    base_url: str = AG_NEWS_BASE_URL,
    cache_dir=None,
) -> NewsData:
    """Load the texts a notebook trains and tests on.

    Args:
        data_source: one of :data:`DATA_SOURCES`.
        data_dir: folder with the AG News CSVs (else ``$AG_NEWS_DIR``, else download).
        train_size, test_size: if given, a seeded stratified subsample of that many texts.
        seed: seed of the subsamples (and of the generated corpus).

    Returns:
        :class:`NewsData`.
    """
    if data_source == "ag_news":
        data = load_ag_news(data_dir, base_url=base_url, cache_dir=cache_dir)
    elif data_source == "synthetic":
        # Generate only what is needed: a quick run shrinks the corpus like any other source.
        data = make_synthetic_news(
            n_train=train_size or AG_NEWS_SIZES["train"],
            n_test=test_size or AG_NEWS_SIZES["test"],
            seed=seed,
        )
    elif data_source == "ag_news_test_split":
        texts, labels = load_split("test", data_dir, base_url=base_url, cache_dir=cache_dir)
        from sklearn.model_selection import train_test_split

        train_rows, test_rows = train_test_split(
            np.arange(len(labels)), test_size=0.2, stratify=labels, random_state=seed
        )
        # the tutorial's LIME text stays a test text
        test_rows, train_rows = _with_row(test_rows, tutorial_text_row(texts), labels, train_rows)
        data = NewsData(
            texts[train_rows], labels[train_rows], texts[test_rows], labels[test_rows], source="ag_news_test_split"
        )
        data.notes.append("Real AG News texts, but only the 7,600 of the test split: 80% train, 20% test.")
    else:
        raise ValueError(f"data_source must be one of {', '.join(DATA_SOURCES)}; got {data_source!r}")
    data.train_texts, data.train_labels = stratified_subsample(data.train_texts, data.train_labels, train_size, seed)
    data.test_texts, data.test_labels = stratified_subsample(
        data.test_texts, data.test_labels, test_size, seed, keep=tutorial_text_row(data.test_texts)
    )
    return data

"""The runner's data check: before any notebook starts, the AG News files the chosen notebooks
need are looked up (a data folder, ``$AG_NEWS_DIR``, the download cache) with :mod:`helpers.data`'s
lookups and downloaded once when missing; when they cannot be had, one message says what is missing,
where the runner looked (paths as the user typed them) and how to provide the files.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from helpers import data
from helpers.params import UNKNOWN
from helpers.paths import as_given, script_name, show

BASE_URL_ENV = "AG_NEWS_BASE_URL"
"""Environment variable that replaces the AG News download address (``{url}/train.csv``)."""

SPLITS_NEEDED = {"ag_news": ("train", "test"), "ag_news_test_split": ("test",), "synthetic": ()}
"""The AG News files each ``data_source`` reads."""


class DataUnavailable(RuntimeError):
    """The AG News files the chosen notebooks need are not there and cannot be downloaded; the
    message says what is missing, where the runner looked and how to provide the files."""

    status = 2
    """The runner's exit status when it stops for this (130: Ctrl-C while getting the data)."""


def data_needs(defaults: dict[Path, dict], params: dict, run_notebooks: Path) -> dict:
    """Which AG News files the notebooks need, grouped by the data folder they will read.

    Args:
        defaults: each notebook's parameter defaults (:func:`helpers.params.notebook_defaults`).
        params: the command line's parameters (they replace the defaults).
        run_notebooks: the notebooks' working folder (a relative default ``data_dir`` is
            relative to it).

    Returns:
        ``{data_dir: {split: [notebook names]}}`` with ``data_dir`` as the user wrote it (a
        ``-p data_dir`` value), an absolute path (a notebook's own default) or ``None`` (then
        ``$AG_NEWS_DIR`` or the download cache). Notebooks without ``data_source`` (the summary)
        and those on the generated corpus need nothing.
    """
    needs: dict = {}
    for nb, nb_defaults in defaults.items():
        if "data_source" not in nb_defaults:
            continue
        source = params.get("data_source", nb_defaults["data_source"])
        splits = SPLITS_NEEDED.get(source, ()) if isinstance(source, str) else ()
        if not splits:
            continue
        if "data_dir" in params:
            folder = params["data_dir"]
        else:
            folder = nb_defaults.get("data_dir")
            if folder is UNKNOWN or not isinstance(folder, (str, type(None))):
                continue  # not a literal: the notebook will say it itself
            if folder and not Path(folder).expanduser().is_absolute():
                folder = os.path.normpath(run_notebooks / folder)
        folder = folder or None
        for split in splits:
            needs.setdefault(folder, {}).setdefault(split, []).append(nb.stem)
    return needs


def ensure_run_data(needs: dict) -> None:
    """The data step of a run (the series or a sweep), before anything starts: :func:`ensure_data`
    for ``needs``, then ``$AG_NEWS_DIR`` made absolute, so that kernels and workers started in
    other folders find the same one.

    Raises:
        DataUnavailable: what is missing; also on Ctrl-C while getting the data (``status`` 130).
    """
    if needs:
        try:
            ensure_data(needs)
        except KeyboardInterrupt:
            stop = DataUnavailable("interrupted while getting the data; nothing was run.")
            stop.status = 130
            raise stop from None
    if os.environ.get(data.ENV_VAR):
        os.environ[data.ENV_VAR] = os.path.abspath(os.path.expanduser(os.environ[data.ENV_VAR]))


def ensure_data(needs: dict, *, base_url: str | None = None, cache_dir=None, out=None) -> list[Path]:
    """Make sure every file in ``needs`` (:func:`data_needs`) is there, MD5-checked, downloading
    into the cache what is missing (keras' progress bar); returns the files' paths.

    The download address is checked first (a few seconds at most), so an offline machine gets its
    answer before TensorFlow is even imported.

    Raises:
        DataUnavailable: one message for everything that is missing or wrong.
    """
    out = out or sys.stdout
    base_url = (base_url or os.environ.get(BASE_URL_ENV) or data.AG_NEWS_BASE_URL).rstrip("/")
    cache = data.cache_folder(cache_dir)
    env_dir = os.environ.get(data.ENV_VAR) or None
    found: list[Path] = []
    problems: list[str] = []  # one line each: what is wrong where
    missing: dict[str, list[str]] = {}  # split -> notebooks
    looked: list[str] = []
    unreachable = None  # why the download address did not answer (then it is not asked again)
    for given, splits in needs.items():
        text = given if given is not None else env_dir
        if text is not None:
            source = "-p data_dir" if given is not None else f"${data.ENV_VAR}"
            where = f"{as_given(text)}/ (from {source})"
        else:
            where = f"the download cache {show(cache)}/ and {base_url}/"
        if where not in looked:
            looked.append(where)
        for split, nbs in splits.items():
            url = f"{base_url}/{split}.csv"
            if text is not None:
                path, problem = _in_folder(split, text, base_url)
            elif (path := data.cached_file(split, cache_dir)) is not None:
                problem = None
            elif unreachable := unreachable or data.download_problem(url):
                problem = f"{url}: download failed ({unreachable})"
            else:
                print(f"Downloading AG News {split}.csv into {show(cache)}/ (once; MD5-checked)", file=out, flush=True)
                path, problem = _download(split, cache_dir, base_url)
            if problem:
                missing.setdefault(split, []).extend(nbs)
                problems.append(problem)
            else:
                found.append(path)
    if missing:
        raise DataUnavailable(data_message(missing, looked, problems, base_url))
    return found


def _in_folder(split: str, text: str, base_url: str):
    """``(path, None)``, or ``(None, the problem's line)``, for ``{split}.csv`` in the folder the
    user named ``text``."""
    shown = os.path.join(as_given(text), f"{split}.csv")
    try:
        return data.folder_file(split, text, base_url=base_url), None
    except data.DataNotFoundError:
        return None, f"{shown}: no such file"
    except data.ChecksumError as e:
        return None, data.checksum_message(shown, e.expected, e.actual)


def _download(split: str, cache_dir, base_url: str):
    """``(path, None)``, or ``(None, the problem's line)``, for ``{split}.csv`` downloaded."""
    try:
        return data.download(split, base_url=base_url, cache_dir=cache_dir), None
    except data.ChecksumError as e:
        return None, str(e)
    except data.DataNotFoundError as e:
        return None, f"download failed: {e.detail}"


def data_message(missing: dict, looked: list[str], problems: list[str], base_url: str) -> str:
    """The runner's one message: which files are missing for which notebooks, where it looked,
    each problem, and how to provide the files (or run without them)."""
    files = [f"{s}.csv" for s in ("train", "test") if s in missing]
    users = sorted({nb for nbs in missing.values() for nb in nbs})
    urls = " and ".join(f"{base_url}/{f}" for f in files)
    md5s = ", ".join(f"{f} {data.AG_NEWS_MD5[f[:-4]]}" for f in files)
    lines = [
        f"AG News is not available, so no notebook was started: {' and '.join(files)} "
        f"{'is' if len(files) == 1 else 'are'} missing (needed by {', '.join(users)}).",
        f"  Looked in: {'; '.join(looked)}.",
        *[f"  - {p}" for p in dict.fromkeys(problems)],
        "  To provide the files, either",
        "    - run once on a machine with network access: they are downloaded into the cache (about 30 MB), or",
        f"    - download {urls}",
        f"      (MD5 {md5s}),",
        f"      put {'it' if len(files) == 1 else 'them'} in one folder and run",
        f"        {data.ENV_VAR}=/that/folder {script_name()} ...   (or: -p data_dir /that/folder)",
        f"  To try the series without AG News: {script_name()} --synthetic",
        "  (a generated corpus: no network needed; its accuracies say nothing about news).",
    ]
    return "\n".join(lines)

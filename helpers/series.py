"""Run the whole notebook series with papermill: ``./run_all.sh`` (``python -m helpers.series``).

Usage::

    ./run_all.sh [--quick] [--synthetic] [-p NAME VALUE]... [--out DIR] [--only NN[,NN...]]
                 [--timeout SECONDS] [--notebooks DIR]

- ``--quick``: a seeded small subset of the data, a few epochs, fewer LIME samples
  (:data:`helpers.config.QUICK_SETTINGS`).
- ``--synthetic``: the generated corpus instead of AG News (no network; full size unless --quick).
- ``-p NAME VALUE``: a parameter for every notebook that declares it, read exactly as papermill's
  ``-p`` reads it (``None``, ``True``/``False``, integers, floats, else text), and a list written
  as ``"[50, 60, 75]"`` as a list (:func:`helpers.params.parse_cli_value`).
- ``--out DIR``: the run folder (default ``runs/<date-time>`` in the repository, git-ignored).

What a run does, in order:

1. checks the parameters (a bad value stops it at once, exit status 2);
2. **the data first, once**: works out which AG News files the chosen notebooks need (from each
   notebook's effective ``data_source``: ``"ag_news"`` needs ``train.csv`` and ``test.csv``,
   ``"ag_news_test_split"`` only ``test.csv``, ``"synthetic"`` nothing) and makes sure they are there
   (``-p data_dir`` / ``$AG_NEWS_DIR`` / the download cache), downloading them with a progress bar
   when needed. When it cannot, it prints one message (what is missing, where it looked, how to
   provide it) and exits with status 2 before any kernel starts or any run folder is made.
   ``$AG_NEWS_BASE_URL`` replaces the download address (a mirror; the tests' local server);
3. runs the notebooks one by one, showing the current step (the last Markdown heading above the
   cell being executed) and, while a network trains, ``epoch k/N`` with the epoch's time and
   validation accuracy, read from the notebook's ``model.fit(..., verbose=2)`` output: one updating
   line on a terminal, one line per step and epoch otherwise (CI logs);
4. writes the results table (``DIR/results.md``, ``DIR/results.json``) and a report to open in a
   browser (``DIR/index.html``, :mod:`helpers.report`), and says where to look.

Executed notebooks go to ``DIR/notebooks/``, metrics to ``DIR/metrics/NN_<name>.json``, raw-text
models to ``DIR/models/NN_<name>.keras``. Each notebook runs with ``DIR/notebooks/`` as its working
folder and ``output_dir=".."``, so an executed copy can be run again in place (JupyterLab, nbval)
and writes to the same run folder; a ``-p data_dir`` is passed relative to that folder. The results
summary (``06_*``) runs last. A failing notebook does not stop the others; the exit status is then
1 and the failed notebooks are named (their executed copies show the error). Ctrl-C stops the run:
the finished notebooks' results stay in the run folder, the table of what finished is written, the
command that finishes the run is printed, and the exit status is 130. Notebooks in ``notebooks/``
are only read, never written; ``--notebooks DIR`` runs the ``NN_*.ipynb`` notebooks of another
folder the same way.

Paths are printed as the user wrote them: ``--out``, ``-p data_dir``, ``$AG_NEWS_DIR`` and
``--notebooks`` appear as given (normalized), relative ones relative to the folder the command was
started from; paths the runner makes up (the default run folder) are shown relative to that folder
when inside it, else in full.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import re
import shlex
import shutil
import sys
import threading
import time
from datetime import datetime
from pathlib import Path

from .config import APPROACHES, QUICK_SETTINGS
from .files import OutputDirError, prepare_output_dir, write_json, write_text
from .params import PARAMETER_NAMES, ParameterError, parse_cli_value, validate_parameters

REPO = Path(__file__).resolve().parent.parent
NOTEBOOKS = REPO / "notebooks"
QUICK = QUICK_SETTINGS
SUMMARY_PREFIX = "06_"
"""The results summary notebook: it runs last, after every other notebook (07 included)."""

BASE_URL_ENV = "AG_NEWS_BASE_URL"
"""Environment variable that replaces the AG News download address (``{url}/train.csv``)."""

SPLITS_NEEDED = {"ag_news": ("train", "test"), "ag_news_test_split": ("test",), "synthetic": ()}
"""The AG News files each ``data_source`` reads."""

_UNKNOWN = object()  # a notebook default that is not a literal


# ---------------------------------------------------------------------------------------------
# notebooks and parameters
# ---------------------------------------------------------------------------------------------


def list_notebooks(folder: Path = NOTEBOOKS) -> list[Path]:
    """The series' notebooks in running order (``NN_*.ipynb``; the summary ``06_*`` last)."""
    found = sorted(p for p in folder.glob("[0-9][0-9]_*.ipynb"))
    return [p for p in found if not p.name.startswith(SUMMARY_PREFIX)] + [
        p for p in found if p.name.startswith(SUMMARY_PREFIX)]


def notebook_defaults(notebook: Path) -> dict:
    """The names a notebook's cell tagged ``parameters`` defines, with their default values
    (``_UNKNOWN`` for a default that is not a Python literal).

    Read from the notebook's JSON with :mod:`ast` (milliseconds: the runner answers before it
    imports papermill); a cell that is not plain Python is left to ``papermill.inspect_notebook``.
    """
    doc = json.loads(Path(notebook).read_text(encoding="utf-8"))
    cell = next((c for c in doc.get("cells", []) if c.get("cell_type") == "code"
                 and "parameters" in c.get("metadata", {}).get("tags", [])), None)
    if cell is None:
        return {}
    source = cell.get("source", "")
    source = "".join(source) if isinstance(source, list) else str(source)
    try:
        body = ast.parse(source).body
    except SyntaxError:  # IPython syntax (a magic): papermill's own reading
        import papermill as pm

        return {name: _literal(info.get("default"))
                for name, info in pm.inspect_notebook(str(notebook)).items()}
    out = {}
    for node in body:
        if isinstance(node, ast.Assign):
            targets, value = node.targets, node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            targets, value = [node.target], node.value
        else:
            continue
        for target in targets:
            if isinstance(target, ast.Name):
                out[target.id] = _literal(ast.get_source_segment(source, value))
    return out


def _literal(text):
    try:
        return ast.literal_eval(str(text))
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return _UNKNOWN


def declared_parameters(notebook: Path) -> set[str]:
    """Names defined in a notebook's cell tagged ``parameters``."""
    return set(notebook_defaults(notebook))


_HELP_EPILOG = f"""\
values of -p are read as papermill's -p reads them: None, True, False, integers (3), floats
(0.5), anything else as text; a list is written in brackets and quoted for the shell:
  -p lstm_units "[50, 60, 75]"     -p train_size None     -p data_dir None (no folder)

data: the notebooks' AG News files are looked for (and downloaded, once) before any notebook
starts: -p data_dir DIR, else $AG_NEWS_DIR, else the download cache (~/.keras/datasets/ag_news,
or $KERAS_HOME/datasets/ag_news). ${BASE_URL_ENV} replaces the download address. Without
network or files, --synthetic runs the series on a generated corpus.

examples:
  ./run_all.sh --quick
  ./run_all.sh -p epochs 10 -p batch_size 128 --out runs/longer
  AG_NEWS_DIR=/folder/with/csv ./run_all.sh --only 00,01,06
"""


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="run_all.sh",
        description="Run the notebook series with papermill into a run folder: the data first, "
                    "then each notebook with its progress, then the results table and index.html.",
        epilog=_HELP_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    quick = ", ".join(f"{k}={v}" for k, v in QUICK.items())
    p.add_argument("--quick", action="store_true",
                   help=f"a seeded small subset and a short training ({quick})")
    p.add_argument("--synthetic", action="store_true",
                   help="the generated corpus instead of AG News (no network, no files needed)")
    p.add_argument("-p", "--parameter", nargs=2, action="append", default=[], metavar=("NAME", "VALUE"),
                   help="parameter for every notebook that has it (read like papermill's -p; a list "
                        "as \"[50, 60, 75]\", none as None); names: " + ", ".join(PARAMETER_NAMES))
    p.add_argument("--out", default=None, metavar="DIR", help="run folder (default: runs/<date-time>)")
    p.add_argument("--only", default=None, metavar="NN[,NN...]",
                   help="comma-separated notebook numbers to run, e.g. 00,01,06")
    p.add_argument("--timeout", type=int, default=None, metavar="SECONDS", help="per-cell timeout")
    p.add_argument("--notebooks", default=None, metavar="DIR",
                   help="folder of NN_*.ipynb notebooks to run (default: the series in notebooks/)")
    return p


def build_parameters(args) -> dict:
    """The parameters given on the command line, validated (raises ParameterError)."""
    params: dict = {}
    if args.quick:
        params.update(QUICK)
    if args.synthetic:
        params["data_source"] = "synthetic"
    for name, value in args.parameter:
        params[name] = parse_cli_value(value)
    return validate_parameters(params)  # fail before anything runs


def notebook_parameters(params: dict, declared: set[str], run_notebooks: Path) -> dict:
    """The parameters one notebook gets: those it declares, with paths relative to its working
    folder ``run_notebooks`` (``DIR/notebooks``): ``output_dir=".."`` and ``data_dir`` rewritten
    (a relative ``data_dir`` is relative to the current folder, where the command was given)."""
    out = {k: v for k, v in params.items() if k in declared}
    if out.get("data_dir"):
        folder = Path(str(out["data_dir"])).expanduser()
        folder = folder if folder.is_absolute() else Path.cwd() / folder
        out["data_dir"] = _rel(folder, run_notebooks)
    if "output_dir" in declared:
        out["output_dir"] = ".."
    return out


def results_table(metrics: dict[str, dict]) -> str:
    """A Markdown table: each approach's test accuracy beside the tutorial's published one."""
    rows = [
        "| # | approach | test accuracy (this run) | published | data | train / test texts | epochs | fit time |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for a in APPROACHES.values():
        m = metrics.get(a.name)
        if m is None:
            rows.append(f"| {a.number} | {a.title} | (not run) | {a.published_accuracy:.2%} | | | | |")
            continue
        rows.append(
            f"| {a.number} | {a.title} | {m['test_accuracy']:.2%} | {a.published_accuracy:.2%} | "
            f"{m.get('data_source', '?')} | {m['n_train']:,} / {m['n_test']:,} | {m['epochs']} | "
            f"{m['fit_seconds']:.0f} s |"
        )
    return "\n".join(rows)


def resume_command(args, out: str, numbers: list[str]) -> str:
    """The ``run_all.sh`` command that runs ``numbers`` into the same run folder ``out``
    (to be typed in the folder the first command was started from)."""
    parts = [_script_name()] + ["--quick"] * args.quick + ["--synthetic"] * args.synthetic
    for name, value in args.parameter:
        parts += ["-p", name, value]
    if args.notebooks:
        parts += ["--notebooks", _as_given(args.notebooks)]
    if args.timeout:
        parts += ["--timeout", str(args.timeout)]
    parts += ["--out", out, "--only", ",".join(numbers)]
    return " ".join(shlex.quote(p) for p in parts)


# ---------------------------------------------------------------------------------------------
# paths as the user wrote them
# ---------------------------------------------------------------------------------------------


def _rel(path: Path, start: Path) -> str:
    try:
        return os.path.relpath(path, start)
    except ValueError:  # pragma: no cover - other drive on Windows
        return str(path)


def _as_given(text: str) -> str:
    """A path the user typed, for messages: as written, normalized (``runs//x/`` → ``runs/x``)."""
    return os.path.normpath(str(text))


def _show(path: Path) -> str:
    """A path the runner made up, for messages: relative to the current folder when inside it,
    else in full (never a chain of ``../``)."""
    path = Path(os.path.abspath(path))
    try:
        return str(path.relative_to(Path.cwd())) or "."
    except ValueError:
        return str(path)


def _script_name() -> str:
    """``./run_all.sh`` as the user would type it from the current folder."""
    script = REPO / "run_all.sh"
    shown = _show(script)
    return shown if os.path.isabs(shown) else "./" + shown


# ---------------------------------------------------------------------------------------------
# the data first, once
# ---------------------------------------------------------------------------------------------


class DataUnavailable(RuntimeError):
    """The AG News files the chosen notebooks need are not there and cannot be downloaded; the
    message says what is missing, where the runner looked and how to provide the files."""


def data_needs(defaults: dict[Path, dict], params: dict, run_notebooks: Path) -> dict:
    """Which AG News files the notebooks need, grouped by the data folder they will read.

    Args:
        defaults: each notebook's parameter defaults (:func:`notebook_defaults`).
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
            if folder is _UNKNOWN or not isinstance(folder, (str, type(None))):
                continue  # not a literal: the notebook will say it itself
            if folder and not Path(folder).expanduser().is_absolute():
                folder = os.path.normpath(run_notebooks / folder)
        folder = folder or None
        for split in splits:
            needs.setdefault(folder, {}).setdefault(split, []).append(nb.stem)
    return needs


def ensure_data(needs: dict, *, base_url: str | None = None, cache_dir=None, out=None) -> list[Path]:
    """Make sure every file in ``needs`` (:func:`data_needs`) is there, MD5-checked, downloading
    into the cache what is missing (keras' progress bar); returns the files' paths.

    The download address is checked first (a few seconds at most), so an offline machine gets its
    answer before TensorFlow is even imported.

    Raises:
        DataUnavailable: one message for everything that is missing or wrong.
    """
    from . import data as D

    out = out or sys.stdout
    base_url = (base_url or os.environ.get(BASE_URL_ENV) or D.AG_NEWS_BASE_URL).rstrip("/")
    cache_root = Path(cache_dir).expanduser() if cache_dir else D._default_cache_dir()
    cache = cache_root / "datasets" / "ag_news"
    env_dir = os.environ.get(D.ENV_VAR) or None
    found: list[Path] = []
    problems: list[str] = []  # one line each: what is wrong where
    missing: dict[str, list[str]] = {}  # split -> notebooks
    looked: list[str] = []
    download_failed = None
    for given, splits in needs.items():
        if given is not None or env_dir:
            text = given if given is not None else env_dir
            source = "-p data_dir" if given is not None else f"${D.ENV_VAR}"
            folder = Path(text).expanduser()
            where = f"{_as_given(text)}/ (from {source})"
            if where not in looked:
                looked.append(where)
            for split, nbs in splits.items():
                path = folder / f"{split}.csv"
                shown = os.path.join(_as_given(text), f"{split}.csv")
                if not path.is_file():
                    missing.setdefault(split, []).extend(nbs)
                    problems.append(f"{shown}: no such file")
                    continue
                actual = D.md5sum(path)
                if actual != D.AG_NEWS_MD5[split]:
                    missing.setdefault(split, []).extend(nbs)
                    problems.append(f"{shown}: MD5 checksum mismatch (expected {D.AG_NEWS_MD5[split]}, "
                                    f"got {actual}): truncated, altered or not the canonical file")
                    continue
                found.append(path)
            continue
        where = f"the download cache {_show(cache)}/ and {base_url}/"
        if where not in looked:
            looked.append(where)
        for split, nbs in splits.items():
            target = cache / f"{split}.csv"
            if target.is_file() and D.md5sum(target) == D.AG_NEWS_MD5[split]:
                found.append(target)
                continue
            url = f"{base_url}/{split}.csv"
            reason = download_failed or _probe(url)
            if reason is None:
                print(f"Downloading AG News {split}.csv into {_show(cache)}/ (once; MD5-checked)", file=out, flush=True)
                try:
                    found.append(D.ag_news_file(split, None, base_url=base_url, cache_dir=cache_root))
                    continue
                except D.ChecksumError as e:
                    reason = str(e)
                except D.DataError as e:
                    m = re.search(r"not available \((.*?)\)\. Looked in", str(e), re.S)
                    reason = m.group(1) if m else f"download of {url} failed"
            else:
                download_failed = reason
                reason = f"{url}: download failed ({reason})"
            missing.setdefault(split, []).extend(nbs)
            problems.append(reason)
    if missing:
        raise DataUnavailable(_data_message(missing, looked, problems, base_url))
    return found


def _probe(url: str, timeout: float = 15) -> str | None:
    """``None`` when ``url`` answers; else why not (no network, refused, HTTP error...)."""
    import urllib.error
    import urllib.request

    try:
        with urllib.request.urlopen(urllib.request.Request(url, method="HEAD"), timeout=timeout):
            return None
    except urllib.error.HTTPError as e:
        return f"HTTP {e.code} {e.reason}"
    except urllib.error.URLError as e:
        return str(e.reason)
    except (OSError, ValueError) as e:
        return str(e) or type(e).__name__


def _data_message(missing: dict, looked: list[str], problems: list[str], base_url: str) -> str:
    from . import data as D

    files = [f"{s}.csv" for s in ("train", "test") if s in missing]
    users = sorted({nb for nbs in missing.values() for nb in nbs})
    urls = " and ".join(f"{base_url}/{f}" for f in files)
    md5s = ", ".join(f"{f} {D.AG_NEWS_MD5[f[:-4]]}" for f in files)
    lines = [
        f"AG News is not available, so no notebook was started: {' and '.join(files)} "
        f"{'is' if len(files) == 1 else 'are'} missing (needed by {', '.join(users)}).",
        f"  Looked in: {'; '.join(looked)}.",
        *[f"  - {p}" for p in dict.fromkeys(problems)],
        "  To provide the files, either",
        "    - run once on a machine with network access: they are downloaded into the cache "
        "(about 30 MB), or",
        f"    - download {urls}",
        f"      (MD5 {md5s}),",
        f"      put {'it' if len(files) == 1 else 'them'} in one folder and run",
        f"        {D.ENV_VAR}=/that/folder {_script_name()} ...   (or: -p data_dir /that/folder)",
        f"  To try the series without AG News: {_script_name()} --synthetic",
        "  (a generated corpus: no network needed; its accuracies say nothing about news).",
    ]
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------
# progress while a notebook runs
# ---------------------------------------------------------------------------------------------

_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
_EPOCH = re.compile(r"^\s*Epoch (\d+)/(\d+)\s*$")
# Keras' end-of-epoch line: "57/57 - 3s - 52ms/step - accuracy: 0.3 - ... - val_accuracy: 0.41"
# (verbose=2), or the last bar of verbose=1: "57/57 ━━━━━━ 3s 52ms/step - accuracy: ...".
_STEP_LINE = re.compile(r"^\s*(\d+)/(\d+)\s+(?:-\s+|━+\s+)(\d+)s\s+(?:-\s+)?\S+/\w+(.*)$")
_METRIC = re.compile(r"([A-Za-z_][\w.]*): ([-+\w.]+)")


def markdown_heading(source: str) -> str | None:
    """The last Markdown heading of a cell's text, without its ``#``s (``"5. Train"``)."""
    found = None
    fenced = False
    for line in source.splitlines():
        if line.lstrip().startswith("```"):
            fenced = not fenced
        m = None if fenced else re.match(r"^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$", line)
        if m and m.group(1):
            found = m.group(1)
    return found


class Progress:
    """What the terminal shows while the series runs.

    On a terminal (``live``): one line per notebook, rewritten in place (carriage return) with the
    current step, the training epoch and the elapsed time (ticking every second). Otherwise (a
    pipe, a CI log): one line when a notebook starts, one per step and per finished epoch, one when
    it ends. Keras' per-batch output is never shown.
    """

    def __init__(self, stream=None, live: bool | None = None, tick: float = 1.0):
        self.stream = stream or sys.stdout
        if live is None:
            live = bool(getattr(self.stream, "isatty", lambda: False)()) and os.environ.get("TERM") != "dumb"
        self.live = live
        self.tick = tick
        self._lock = threading.RLock()
        self._stop = threading.Event()
        self._thread = None
        self._label = ""
        self._reset()

    def _reset(self):
        self._heading = None
        self._shown_heading = None
        self._epoch = None  # (k, N) of the epoch under way
        self._last_epoch = ""
        self._buffer = ""
        self._t0 = time.monotonic()

    # -- notebook start and end ----------------------------------------------------------
    def begin(self, label: str) -> None:
        with self._lock:
            self._label = label
            self._reset()
            if self.live:
                self._draw()
                self._stop.clear()
                self._thread = threading.Thread(target=self._ticker, daemon=True)
                self._thread.start()
            else:
                self._write(f"{label} ...\n")

    def end(self, status: str) -> None:
        self._halt()
        with self._lock:
            self.feed("\n")  # a last line without its newline
            self._write(("\r\x1b[K" if self.live else "") + f"{self._label} ... {status}\n")

    def _halt(self):
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=2)
            self._thread = None

    # -- hooks ---------------------------------------------------------------------------
    def on_cell_start(self, cell=None, **_):
        """nbclient's hook, called before every cell (Markdown ones too)."""
        if cell is None:
            return
        if cell.get("cell_type") == "markdown":
            heading = markdown_heading(cell.get("source", ""))
            if heading:
                self._heading = heading
        elif cell.get("cell_type") == "code" and cell.get("source", "").strip():
            self.step(self._heading)

    def step(self, heading: str | None) -> None:
        with self._lock:
            if not heading or heading == self._shown_heading:
                return
            self._shown_heading = heading
            self._epoch = None
            self._last_epoch = ""
            if self.live:
                self._draw()
            else:
                self._write(f"      {heading}\n")

    def feed(self, text: str) -> None:
        """The notebook's streamed output (stdout, stderr), in any chunks."""
        with self._lock:
            self._buffer += text
            *lines, self._buffer = re.split(r"\r\n|\n", self._buffer)
            for line in lines:
                self._line(line)
            if len(self._buffer) > 100_000:  # a bar without newline (verbose=1): keep its end
                self._buffer = self._buffer[-10_000:]

    # file-like, for papermill's stdout_file / stderr_file
    def write(self, text: str) -> int:
        self.feed(text)
        return len(text)

    def flush(self) -> None:
        pass

    def _line(self, line: str) -> None:
        line = _ANSI.sub("", re.split(r"[\r\b]", line)[-1] if re.search(r"[\r\b]", line) else line)
        m = _EPOCH.match(line)
        if m:
            self._epoch = (int(m.group(1)), int(m.group(2)))
            if self.live:
                self._draw()
            return
        m = _STEP_LINE.match(line)
        if not m or m.group(1) != m.group(2):
            return
        metrics = dict(_METRIC.findall(m.group(4)))
        val = {k: v for k, v in metrics.items() if k.startswith("val_")}
        if self._epoch is None and not val:
            return  # evaluate()/predict(), not an epoch of fit()
        k, n = self._epoch or (1, 1)  # Keras prints no "Epoch 1/1" for a single epoch
        if "val_accuracy" in val:
            shown = {"val_accuracy": val["val_accuracy"]}
        else:  # another metric, or no validation data
            shown = val or {name: v for name, v in metrics.items() if name in ("accuracy", "loss")}
        text = f"epoch {k}/{n}: {m.group(3)}s" + "".join(f", {name} {v}" for name, v in shown.items())
        self._epoch = None
        self._last_epoch = text
        if self.live:
            self._draw()
        else:
            self._write(f"      {text}\n")

    # -- drawing ---------------------------------------------------------------------------
    def _ticker(self):
        while not self._stop.wait(self.tick):
            with self._lock:
                self._draw()

    def _draw(self):
        parts = [f"{self._label} ..."]
        if self._shown_heading:
            parts.append(self._shown_heading)
        if self._epoch is not None:
            parts.append(f"epoch {self._epoch[0]}/{self._epoch[1]}"
                         + (f" (last {self._last_epoch.split(': ', 1)[1]})" if self._last_epoch else ""))
        elif self._last_epoch:
            parts.append(self._last_epoch)
        parts.append(_clock(time.monotonic() - self._t0))
        line = " | ".join(parts)
        width = shutil.get_terminal_size((100, 20)).columns - 1
        if len(line) > width:
            line = line[: max(width - 1, 1)] + "…"
        self._write("\r\x1b[K" + line)

    def _write(self, text: str) -> None:
        try:
            self.stream.write(text)
            self.stream.flush()
        except (OSError, ValueError):  # a closed pipe must not stop the run
            pass


def _clock(seconds: float) -> str:
    s = int(seconds)
    return f"{s // 3600}:{s // 60 % 60:02d}:{s % 60:02d}" if s >= 3600 else f"{s // 60}:{s % 60:02d}"


def _duration(seconds: float) -> str:
    s = round(seconds)
    if s < 60:
        return f"{s} s"
    if s < 3600:
        return f"{s // 60} min {s % 60:02d} s"
    return f"{s // 3600} h {s // 60 % 60:02d} min"


# ---------------------------------------------------------------------------------------------
# the run
# ---------------------------------------------------------------------------------------------


def _fail(message: str, status: int = 2) -> int:
    print(f"run_all.sh: {message}", file=sys.stderr)
    return status


def run_series(argv=None) -> int:
    args = _parser().parse_args(argv)
    try:
        params = build_parameters(args)
    except ParameterError as e:
        return _fail(str(e))
    folder = Path(args.notebooks).expanduser() if args.notebooks else NOTEBOOKS
    notebooks = list_notebooks(folder)
    if not notebooks:
        return _fail(f"no NN_*.ipynb notebook in {_as_given(args.notebooks) if args.notebooks else _show(folder)}")
    if args.only:
        wanted = {s.strip() for s in args.only.split(",") if s.strip()}
        notebooks = [nb for nb in notebooks if nb.name[:2] in wanted]
        if not notebooks:
            return _fail(f"--only {args.only} matches no notebook")
    defaults = {nb: notebook_defaults(nb) for nb in notebooks}
    declared = {nb: set(d) for nb, d in defaults.items()}
    given = {name for name, _ in args.parameter}  # --quick/--synthetic settings may go unused
    unused = given - set().union(*declared.values()) - {"output_dir"}
    if unused:
        return _fail(f"no notebook takes parameter(s) {', '.join(sorted(unused))}")

    out_arg = args.out or params.pop("output_dir", None)  # -p output_dir works like --out
    params.pop("output_dir", None)
    if out_arg:
        out_given = Path(os.path.expanduser(_as_given(out_arg)))
        shown_out = _as_given(out_arg)
    else:
        out_given = REPO / "runs" / datetime.now().strftime("%Y%m%d-%H%M%S")
        shown_out = _show(out_given)
    out = Path(os.path.abspath(out_given))
    run_notebooks = out / "notebooks"

    # The data first, once: before any kernel starts and before the run folder exists.
    needs = data_needs(defaults, params, run_notebooks)
    if needs:
        try:
            ensure_data(needs)
        except DataUnavailable as e:
            return _fail(str(e))
        except KeyboardInterrupt:
            return _fail("interrupted while getting the data; nothing was run.", 130)
    from .data import ENV_VAR

    if os.environ.get(ENV_VAR):  # the kernels run in the run folder: give them the folder in full
        os.environ[ENV_VAR] = os.path.abspath(os.path.expanduser(os.environ[ENV_VAR]))

    try:
        prepare_output_dir(out_given)
        run_notebooks.mkdir(exist_ok=True)
    except (OutputDirError, OSError) as e:
        return _fail(str(e))
    import papermill as pm

    print(f"Running {len(notebooks)} notebook{'s' * (len(notebooks) != 1)} into {shown_out}/ with "
          f"{json.dumps(params) if params else 'their defaults'}", flush=True)
    failed: list[str] = []
    interrupted = None
    timings: dict[str, float] = {}
    start_all = time.perf_counter()
    progress = Progress()
    for i, nb in enumerate(notebooks, 1):
        nb_params = notebook_parameters(params, declared[nb], run_notebooks)
        target = run_notebooks / nb.name
        shown_target = os.path.join(shown_out, "notebooks", nb.name)
        progress.begin(f"[{i}/{len(notebooks)}] {nb.stem}")
        t0 = time.perf_counter()
        try:
            pm.execute_notebook(
                # Relative paths: papermill records them in the executed copy's metadata.
                _rel(nb, Path.cwd()), _rel(target, Path.cwd()), parameters=nb_params,
                cwd=str(run_notebooks),
                kernel_name="python3", progress_bar=False, log_output=False,
                stdout_file=progress, stderr_file=progress,  # read for progress, not shown
                on_cell_start=progress.on_cell_start,  # nbclient's hook: the current step
                execution_timeout=args.timeout,
                # The kernel's own log (unencrypted local TCP, "KeyboardInterrupt caught in kernel"
                # when it is stopped after a failure) is noise here: errors show in the notebook.
                extra_arguments=["--IPKernelApp.log_level=CRITICAL"],
            )
            status = "ok"
        except KeyboardInterrupt:
            interrupted = nb.stem
            progress.end("interrupted")
            break
        except Exception as e:  # PapermillExecutionError and kernel deaths alike
            failed.append(nb.stem)
            first = str(e).strip().splitlines()
            status = f"FAILED ({first[-1] if first else type(e).__name__}); see {shown_target}"
        timings[nb.stem] = time.perf_counter() - t0
        progress.end(f"{status} [{_duration(timings[nb.stem])}]")

    from .evaluation import read_all_metrics

    metrics = read_all_metrics(out)
    table = results_table(metrics)
    total = time.perf_counter() - start_all
    write_text(out / "results.md", f"# Results of this run\n\nParameters: `{json.dumps(params)}`\n\n{table}\n")
    write_json(out / "results.json", {"parameters": params, "notebook_seconds": timings,
                                      "total_seconds": round(total, 1), "failed": failed,
                                      "interrupted": interrupted, "metrics": metrics})
    report = _write_report(out)
    if interrupted:
        rest = [nb.name[:2] for nb in notebooks if nb.stem not in timings]
        print(f"Stopped at {interrupted} (its executed copy is partial). The notebooks that finished "
              f"and their results are kept in {shown_out}/; notebooks/ was only read. To finish the "
              f"run:\n  {resume_command(args, shown_out, rest)}", file=sys.stderr)
        _where_to_look(shown_out, report, total, len(timings), failed)
        return 130
    print()
    print(table)
    _where_to_look(shown_out, report, total, len(notebooks), failed)
    if failed:
        print(f"\nFAILED notebook(s): {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


def _write_report(out: Path) -> bool:
    """``DIR/index.html`` (and the notebooks' HTML); a problem here never fails the run."""
    try:
        from .report import write_index

        write_index(out)
        return True
    except KeyboardInterrupt:
        print("run_all.sh: index.html not written (interrupted)", file=sys.stderr)
    except Exception as e:  # noqa: BLE001 - the results are written; the report is extra
        print(f"run_all.sh: index.html not written: {type(e).__name__}: {e}", file=sys.stderr)
    return False


def _where_to_look(shown_out: str, report: bool, total: float, n: int, failed: list[str]) -> None:
    jupyter = Path(sys.executable).parent / "jupyter"
    jupyter_cmd = shlex.quote(_show(jupyter)) if jupyter.exists() else "jupyter"
    ran = f"{n} notebook{'s' * (n != 1)}" + (f", {len(failed)} failed" if failed else "")
    lines = [
        f"\nWhole run: {_duration(total)} ({ran}). Where to look:",
        f"  results table       {os.path.join(shown_out, 'results.md')}",
    ]
    if report:
        lines.append(f"  report (a browser)  {os.path.join(shown_out, 'index.html')}")
    lines += [
        f"  executed notebooks  {os.path.join(shown_out, 'notebooks')}/",
        f"  in JupyterLab:      {jupyter_cmd} lab {shlex.quote(os.path.join(shown_out, 'notebooks'))}",
    ]
    print("\n".join(lines), flush=True)


def main() -> None:
    sys.exit(run_series())


if __name__ == "__main__":
    main()

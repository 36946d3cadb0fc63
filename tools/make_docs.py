"""Executed copies of the notebooks to read without installing anything: docs/notebooks/.

    AG_NEWS_DIR=/folder/with/test.csv .venv/bin/python tools/make_docs.py [--epochs 5] [--batch-size 32]

Runs the whole series (00-07) with ./run_all.sh on the real AG News test split
(data_source ag_news_test_split: 80% of its 7,600 texts to train, 20% to test) into
runs/docs/ (git-ignored), then copies the executed notebooks into docs/notebooks/:
images re-encoded smaller with Pillow (downscaled to at most 900 px wide, 256 colours),
LIME's interactive view (1.2 MB of JavaScript each) replaced by a note, no models, outputs sanitized (the repository's and the run folder's absolute paths become
relative ones, the home folder "~", the machine's name "<host>"), a banner cell at the top of
each copy (the data, the sizes, the settings, the date: the one place for a copy's provenance),
and writes docs/README.md, and the results table read from the copies themselves between the
lines RESULTS_BEGIN and RESULTS_END of README.md and of docs/results.md.
tests/test_docs.py checks that the copies' code cells equal the notebooks' own and that both
tables are the one :func:`results_block` reads from the copies: after editing a notebook, run this
command again.

The showcase configuration (SHOWCASE): batch 32 for 5 epochs. On the 5,472 training texts of the
real test split the tutorial's batch 512 gives too few weight updates to learn; batch 32 gives
855, enough for every approach to learn visibly (approach 2, whose "post" padding slows it, the
least: notebook 02 explains why).
"""

from __future__ import annotations

import argparse
import base64
import datetime
import io
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import nbformat
from PIL import Image

from series_runner.notebooks import list_notebooks

REPO = Path(__file__).resolve().parent.parent
DOCS = REPO / "docs"
SHOWCASE = {"batch_size": 32, "epochs": 5}
"""The executed copies' settings (every other parameter at the notebook's default, seed 0)."""
RESULTS_BEGIN, RESULTS_END = "<!-- results:begin -->", "<!-- results:end -->"
BANNER_ID = "docs-banner"
APPROACH_NAMES = {
    "01_lstm_25_tokens": (1, "LSTM, 25 tokens"),
    "02_lstm_50_tokens": (2, "LSTM, 50 tokens"),
    "03_bidirectional_lstm": (3, "bidirectional LSTM, 50 tokens"),
    "04_stacked_lstm": (4, "3 stacked LSTMs, 50 tokens"),
    "05_stacked_bidirectional_lstm": (5, "3 stacked bidirectional LSTMs, 50 tokens"),
}
PUBLISHED = {1: "90.18%", 2: "91.47%", 3: "91.53%", 4: "89.36%", 5: "91.01%"}
"""The tutorial's test accuracies (full AG News), as helpers.config holds them."""
MAX_WIDTH = 900
BIG_HTML = 200_000
"""An HTML output larger than this (LIME's interactive view: its 1.2 MB JavaScript bundle, which
GitHub's viewer does not run anyway) is replaced by a short note in the copy."""
BIG_HTML_NOTE = ("<p><i>LIME's interactive view is left out of this copy (1.2 MB of JavaScript that "
                 "notebook viewers do not run): run the notebook to see it. The chart after it shows "
                 "the same word weights.</i></p>")


def compress_png(data: str) -> str:
    """A base64 PNG, downscaled to MAX_WIDTH and reduced to 256 colours, when that is smaller."""
    raw = base64.b64decode(data)
    img = Image.open(io.BytesIO(raw))
    img.load()
    if img.width > MAX_WIDTH:
        img = img.resize((MAX_WIDTH, round(img.height * MAX_WIDTH / img.width)), Image.LANCZOS)
    img = img.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT)
    buf = io.BytesIO()
    img.save(buf, format="PNG", optimize=True)
    small = buf.getvalue()
    return base64.b64encode(small if len(small) < len(raw) else raw).decode() + "\n"


def sanitizer(run_dir: Path):
    """A function that rewrites one output text: no absolute path of this machine, no host name."""
    pairs = [(str(run_dir.resolve()), "runs/docs"), (str(run_dir), "runs/docs"),
             (str(REPO) + "/", ""), (str(REPO), "."), (str(Path.home()), "~")]
    host = socket.gethostname()
    tmp = re.compile(r"(/tmp|/var/folders)/\S+")

    def clean(text: str) -> str:
        for old, new in pairs:
            text = text.replace(old, new)
        if host and len(host) > 2:
            text = text.replace(host, "<host>")
        return tmp.sub("<tmp>", text)

    return clean


def clean_notebook(nb, clean) -> None:
    nb.metadata.get("papermill", {}).pop("input_path", None)
    nb.metadata.get("papermill", {}).pop("output_path", None)
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        for out in cell.get("outputs", []):
            if "text" in out:
                out["text"] = clean(out["text"] if isinstance(out["text"], str) else "".join(out["text"]))
            for mime, value in list(out.get("data", {}).items()):
                if mime == "image/png":
                    out["data"][mime] = compress_png(value)
                elif mime == "text/html" and len(value) > BIG_HTML:
                    out["data"][mime] = BIG_HTML_NOTE
                elif isinstance(value, str) and (mime.startswith("text/") or mime == "application/javascript"):
                    out["data"][mime] = clean(value)
                elif isinstance(value, list):
                    out["data"][mime] = clean("".join(value))


def _outputs(nb, cell_id: str) -> str:
    for cell in nb.cells:
        if cell.get("id") == cell_id:
            return "".join(o.get("text", "") if isinstance(o.get("text", ""), str) else "".join(o["text"])
                           for o in cell.get("outputs", []) if o.get("output_type") == "stream")
    return ""


def copy_figures(folder: Path) -> dict:
    """The run's figures, read from the executed copies' outputs: each approach's test accuracy
    (its ``evaluate`` cell) and notebook 01's two baselines; the run's settings from the banner."""
    figures = {"approaches": {}, "baselines": {}, "banner": "", "minutes": {}}
    for path in list_notebooks(folder):   # papermill records each notebook's time
        duration = nbformat.read(path, as_version=4).metadata.get("papermill", {}).get("duration")
        if duration:
            figures["minutes"][path.stem[:2]] = duration / 60
    for name, (number, _) in APPROACH_NAMES.items():
        path = folder / f"{name}.ipynb"
        if not path.is_file():
            continue
        nb = nbformat.read(path, as_version=4)
        found = re.search(r"test accuracy: (0\.\d+|1\.0+)", _outputs(nb, "evaluate"))
        if found:
            figures["approaches"][number] = float(found.group(1))
        if number == 1:
            for key, cell in (("tfidf", "own-baseline-tfidf"), ("bag_of_words", "own-baseline-bag-of-words")):
                found = re.search(r"test accuracy (0\.\d+|1\.0+)", _outputs(nb, cell))
                if found:
                    figures["baselines"][key] = float(found.group(1))
            figures["banner"] = next((c.source for c in nb.cells if c.get("id") == BANNER_ID), "")
    return figures


def results_block(folder: Path) -> str:
    """The results table (Markdown) read from the executed copies in ``folder``: what README.md
    and docs/results.md show between RESULTS_BEGIN and RESULTS_END."""
    figures = copy_figures(folder)
    made = re.search(r"<!-- made: (.*?) -->", figures["banner"])
    rows = []
    labels = {"tfidf": "TF-IDF + logistic regression (notebook 01, word order ignored)",
              "bag_of_words": "neural bag of words (notebook 01, word order ignored)"}
    minutes = figures["minutes"]

    def took(number: str) -> str:
        return f"{minutes[number]:.1f}" if number in minutes else "—"

    for key, label in labels.items():
        if key in figures["baselines"]:
            rows.append(f"| baseline | {label} | {figures['baselines'][key]:.2%} | — | in 01 |")
    for name, (number, label) in APPROACH_NAMES.items():
        if number in figures["approaches"]:
            rows.append(f"| {number} | {label} | {figures['approaches'][number]:.2%} | {PUBLISHED[number]} "
                        f"| {took(f'{number:02d}')} |")
    others = ", ".join(f"{n} {took(n)}" for n in ("00", "06", "07") if n in minutes)
    return "\n".join([
        f"The executed copies' run ({made.group(1) if made else 'see the copies banners'}). Chance is 25%; "
        "the published column trained on all 120,000 texts, so the two do not compare, and one seed at "
        "this scale does not rank the approaches.",
        "",
        "| # | model | test accuracy, this run | published (full data) | minutes, this run |",
        "|---|---|---|---|---|",
        *rows,
        *([f"\nMinutes of the other notebooks in this run: {others}."] if others else []),
    ])


def write_block(path: Path, block: str) -> None:
    """Replace what stands between RESULTS_BEGIN and RESULTS_END in ``path`` with ``block``."""
    text = path.read_text()
    if RESULTS_BEGIN not in text or RESULTS_END not in text:
        sys.exit(f"make_docs.py: {path.name} lacks the lines {RESULTS_BEGIN} and {RESULTS_END}")
    head, rest = text.split(RESULTS_BEGIN, 1)
    _, tail = rest.split(RESULTS_END, 1)
    path.write_text(f"{head}{RESULTS_BEGIN}\n{block}\n{RESULTS_END}{tail}")


def read_block(path: Path) -> str:
    text = path.read_text()
    return text.split(RESULTS_BEGIN, 1)[1].split(RESULTS_END, 1)[0].strip("\n")


def banner(name: str, metrics: dict, args, today: str, minutes: float | None) -> str:
    sizes = ""
    if metrics:
        sizes = (f"{metrics['n_train']:,} texts to train, {metrics['n_val']:,} more as the validation slice, "
                 f"{metrics['n_test']:,} to test")
    took = f", the whole series {minutes:.0f} minutes on a {os.cpu_count()}-core CPU without GPU" if minutes else ""
    made = (f"made {today} by tools/make_docs.py: AG News' real test split (data_source ag_news_test_split)"
            f"{', ' + sizes if sizes else ''}; batch_size {args.batch_size}, epochs {args.epochs}, seed 0, "
            f"every other parameter at the notebook's default{took}")
    return (f"<!-- made: {made} -->\n"
            f"> **Executed copy** of `notebooks/{name}.ipynb`, {made}. The figures below are this run's: "
            "small-scale, real news, not the tutorial's full data ([docs/README.md](../README.md)).")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--epochs", type=int, default=SHOWCASE["epochs"])
    ap.add_argument("--batch-size", type=int, default=SHOWCASE["batch_size"])
    ap.add_argument("--reuse", action="store_true", help="copy the last run in runs/docs without running")
    ap.add_argument("--took", type=float, help="with --reuse: the run's minutes, for docs/README.md")
    args = ap.parse_args(argv)
    if not (os.environ.get("AG_NEWS_DIR") and Path(os.environ["AG_NEWS_DIR"], "test.csv").is_file()):
        sys.exit("make_docs.py: set AG_NEWS_DIR to the folder holding AG News's test.csv")
    run_dir = REPO / "runs" / "docs"
    setting = (f"data_source ag_news_test_split (AG News's real test split: 6,080 texts to train, "
               f"608 of them the validation slice, 1,520 to test), batch_size {args.batch_size}, "
               f"epochs {args.epochs}, every other parameter at the notebook's default")
    start = time.monotonic()
    if not args.reuse:
        shutil.rmtree(run_dir, ignore_errors=True)
        cmd = [str(REPO / "run_all.sh"), "-p", "data_source", "ag_news_test_split",
               "-p", "batch_size", str(args.batch_size), "-p", "epochs", str(args.epochs),
               "--out", str(run_dir)]
        subprocess.run(cmd, cwd=REPO, check=True)
    seconds = time.monotonic() - start
    clean = sanitizer(run_dir)
    target = DOCS / "notebooks"
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    names = []
    today = datetime.date.today().isoformat()
    minutes = args.took or (None if args.reuse else seconds / 60)
    first = sorted((run_dir / "metrics").glob("0[1-5]_*.json"))
    metrics = json.loads(first[0].read_text()) if first else {}
    for src in sorted(list_notebooks(run_dir / "notebooks")):  # by name, as the table lists them
        nb = nbformat.read(src, as_version=4)
        clean_notebook(nb, clean)
        nb.cells = [c for c in nb.cells if c.get("id") != BANNER_ID]
        nb.cells.insert(0, nbformat.v4.new_markdown_cell(banner(src.stem, metrics, args, today, minutes), id=BANNER_ID))
        nbformat.write(nb, target / src.name)
        names.append(src.name)
    block = results_block(target)
    for path in (REPO / "README.md", DOCS / "results.md"):
        write_block(path, block)
    rows = "\n".join(f"| [{n[:-6]}](notebooks/{n}) | {(target / n).stat().st_size / 1e6:.1f} MB |" for n in names)
    took = (f" The run took {args.took or seconds / 60:.1f} minutes on a {os.cpu_count()}-core CPU without GPU, shared with other jobs."
            if args.took or not args.reuse else "")
    (DOCS / "README.md").write_text(f"""# Executed notebooks: look without running

These are the series' notebooks with their outputs (tables, figures, training logs, LIME's
explanations), to read on GitHub or in any notebook viewer without installing anything.
They were made on {today} by one command,

```bash
AG_NEWS_DIR=/folder/with/test.csv .venv/bin/python tools/make_docs.py
```

on this setting: {setting}.{took} The accuracies are therefore those of a small-scale run on real
news, not the tutorial's (which trained on all 120,000 texts): see the README's Results.
Images are compressed, LIME's interactive view (JavaScript that viewers do not run) is left out,
no model is included, and absolute paths are replaced by relative ones.
`tests/test_docs.py` checks that the code cells here are the notebooks' own (papermill's
`injected-parameters` cell aside), so after editing a notebook, run the command again.

| notebook | size |
|---|---|
{rows}

Other documents here: [instructors.md](instructors.md) (papermill, nbval, CI),
[setup.md](setup.md) (which Python, which installer, GPU, Windows and macOS).
""")
    print(f"make_docs.py: {len(names)} notebooks in {target.relative_to(REPO)}; run took {seconds:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())

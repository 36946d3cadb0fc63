"""Executed copies of the notebooks to read without installing anything: docs/notebooks/.

    AG_NEWS_DIR=/folder/with/test.csv .venv/bin/python tools/make_docs.py [--epochs 5] [--batch-size 32]
    AG_NEWS_DIR=/folder/with/test.csv .venv/bin/python tools/make_docs.py --only 03   # one copy again

Runs the whole series (00-07) with ./run_all.sh on the real AG News test split
(data_source ag_news_test_split: 80% of its 7,600 texts to train, 20% to test) into
runs/docs/ (git-ignored), after a seed sweep of 01-05 at the same settings into runs/docs_sweep/
(:func:`seed_sweep`, on the embedded Dask cluster: the test set-up or ``./setup.sh --sweeps``)
whose spread 06's copy shows, then copies the executed notebooks into docs/notebooks/. With --only,
it runs only those notebooks, into the same runs/docs/ (so 06 and 07 find the metrics of the last
whole run beside them), and replaces only their copies. Each copy gets:
images re-encoded smaller with Pillow (downscaled to at most 900 px wide, 256 colours),
LIME's interactive view (1.2 MB of JavaScript each) replaced by a note, no models, outputs sanitized (the repository's and the run folder's absolute paths become
relative ones, the home folder "~", the machine's name "<host>"), a banner cell at the top of
each copy (the data, the sizes, the settings, the date: the one place for a copy's provenance),
and writes docs/README.md, the results table read from the copies themselves between the
lines RESULTS_BEGIN and RESULTS_END of README.md and of docs/results.md, and what a run costs
(:func:`cost_block`: the copies' split and minutes beside the measurements in MEASURED) between
COST_BEGIN and COST_END of both.
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
COST_BEGIN, COST_END = "<!-- cost:begin -->", "<!-- cost:end -->"
MEASURED = {
    "venv": ("2.6 GB", "`du -sh .venv` after `./setup.sh`, CPU set-up, Linux, 2026-12-06"),
    "quick": (
        18.9,
        "`./run_all.sh --quick --synthetic`, 2026-12-06, on a 2-core CPU shared with five other jobs: an upper bound",
    ),
    "full": (
        29.4,
        "the generated corpus of full size, `benchmarks/bench_refs.py`, 2026-12-06: benchmarks/README.md",
    ),
}
"""What a run costs beyond the copies' own run: the learner's install, the whole series at the quick
values and at the tutorial's settings (minutes on a 2-core CPU without GPU; docs/results.md)."""
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
BIG_HTML_NOTE = (
    "<p><i>LIME's interactive view is left out of this copy (1.2 MB of JavaScript that "
    "notebook viewers do not run): run the notebook to see it. The chart after it shows "
    "the same word weights.</i></p>"
)


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
    pairs = [
        (str(run_dir.resolve()), "runs/docs"),
        (str(run_dir), "runs/docs"),
        (str(REPO) + "/", ""),
        (str(REPO), "."),
        (str(Path.home()), "~"),
    ]
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
        if cell.cell_type == "markdown":  # links written for notebooks/, read from docs/notebooks/
            cell.source = cell.source.replace("](../", "](../../").replace("](../../docs/", "](../")
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
            return "".join(
                o.get("text", "") if isinstance(o.get("text", ""), str) else "".join(o["text"])
                for o in cell.get("outputs", [])
                if o.get("output_type") == "stream"
            )
    return ""


def spread_figures(folder: Path) -> dict:
    """The spread between seeds that 06's copy shows (its ``own-seed-spread`` table, pandas' HTML):
    ``{notebook name: {column: number}}`` with the columns mean, min, max and n; empty without it."""
    path = folder / "06_results_summary.ipynb"
    if not path.is_file():
        return {}
    (cell,) = [c for c in nbformat.read(path, as_version=4).cells if c.get("id") == "own-seed-spread"]
    html = "".join(o.get("data", {}).get("text/html", "") for o in cell.get("outputs", []))
    head = re.search(r"<thead>(.*?)</thead>", html, flags=re.DOTALL)
    if not head:
        return {}
    columns = re.findall(r"<th>([^<]*)</th>", head.group(1).split("</tr>")[0])[1:]  # after the index's
    spread = {}
    for name in APPROACH_NAMES:
        row = re.search(rf"<th>{name}</th>((?:\s*<td>[^<]*</td>)+)", html)
        if row:
            values = dict(zip(columns, re.findall(r"<td>([^<]*)</td>", row.group(1))))
            spread[name] = {k: float(values[k]) for k in ("mean", "min", "max", "n")}
    return spread


def seed_count(spread: dict) -> str:
    """How many seeds the spread of :func:`spread_figures` rests on, as its ``n`` column says."""
    counts = sorted({int(v["n"]) for v in spread.values()})
    return f"{counts[0]} seeds" if len(counts) == 1 else f"{counts[0]}–{counts[-1]} seeds"


def copy_figures(folder: Path) -> dict:
    """The run's figures, read from the executed copies' outputs: each approach's test accuracy
    (its ``evaluate`` cell) and notebook 01's two baselines; the run's settings from the banner."""
    figures = {"approaches": {}, "baselines": {}, "banner": "", "minutes": {}}
    for path in list_notebooks(folder):  # papermill records each notebook's time
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
    spread = spread_figures(folder)
    made = re.search(r"<!-- made: (.*?) -->", figures["banner"])
    rows = []
    labels = {
        "tfidf": "TF-IDF + logistic regression (notebook 01)",
        "bag_of_words": "neural bag of words (notebook 01)",
    }
    minutes = figures["minutes"]

    def took(number: str) -> str:
        return f"{minutes[number]:.1f}" if number in minutes else "—"

    def between_seeds(name: str) -> str:
        if name not in spread:
            return "—"
        v = spread[name]
        return f"{v['mean']:.1%} ({100 * v['min']:.1f}–{100 * v['max']:.1f})"

    for key, label in labels.items():
        if key in figures["baselines"]:
            rows.append(
                f"| baseline | {label} | {figures['baselines'][key]:.2%} |{' — |' if spread else ''} — | in 01 |"
            )
    for name, (number, label) in APPROACH_NAMES.items():
        if number in figures["approaches"]:
            rows.append(
                f"| {number} | {label} | {figures['approaches'][number]:.2%} |"
                + (f" {between_seeds(name)} |" if spread else "")
                + f" {PUBLISHED[number]} | {took(f'{number:02d}')} |"
            )
    others = ", ".join(f"{n} {took(n)}" for n in ("00", "06", "07") if n in minutes)
    return "\n".join(
        [
            f"The executed copies' run ({made.group(1) if made else 'see the copies banners'}). Chance is 25%; "
            "the published column trained on all 120,000 texts, so the two do not compare, and one seed at "
            "this scale does not rank the approaches"
            + (
                f"; the seeds column is the copies' seed sweep (notebook 06: {seed_count(spread)} each)."
                if spread
                else "."
            ),
            "",
            "| # | model | test accuracy, this run |"
            + (" seeds: mean (lowest–highest) |" if spread else "")
            + " published (full data) | minutes, this run |",
            "|---|---|---|" + ("---|" if spread else "") + "---|---|",
            *rows,
            *([f"\nMinutes of the other notebooks in this run: {others}."] if others else []),
        ]
    )


def copies_run(folder: Path) -> dict:
    """The copies' run as their banner records it (01's): the split, batch size, epochs and the
    whole series' minutes, as numbers."""
    made = re.search(r"<!-- made: (.*?) -->", copy_figures(folder)["banner"])
    text = made.group(1) if made else ""
    found = {}
    for key, pattern in (
        ("n_train", r"([\d,]+) texts to train"),
        ("n_val", r"([\d,]+) more as the validation"),
        ("n_test", r"([\d,]+) to test"),
        ("batch_size", r"batch_size (\d+)"),
        ("epochs", r"epochs (\d+)"),
        ("minutes", r"the whole series (\d+) minutes"),
        ("date", r"made (\d{4}-\d{2}-\d{2})"),
    ):
        hit = re.search(pattern, text)
        if hit:
            found[key] = hit.group(1) if key == "date" else int(hit.group(1).replace(",", ""))
    return found


def cost_block(folder: Path) -> str:
    """What a run costs (Markdown): download, disk, and the whole series' minutes on a 2-core CPU at
    the quick values, at the executed copies' small scale (read from their banner) and at the
    tutorial's settings (MEASURED). README.md and docs/results.md show it between COST_BEGIN and COST_END."""
    run = copies_run(folder)
    venv, venv_how = MEASURED["venv"]
    quick, quick_how = MEASURED["quick"]
    full, full_how = MEASURED["full"]
    lines = [
        f"- **Download**: AG News once, about 30 MB; the packages the first time `./setup.sh` runs. "
        f"**Disk**: `.venv` takes {venv} ({venv_how})."
    ]
    minutes = []
    if quick is not None:
        minutes.append(f"at the quick values, {quick} minutes ({quick_how})")
    if run.get("minutes"):
        minutes.append(
            f"at the executed copies' small scale ({run['n_train']:,} texts to train, {run['n_val']:,} "
            f"to validate, {run['n_test']:,} to test; batch {run['batch_size']}, {run['epochs']} epochs), "
            f"{run['minutes']} minutes (their run, {run['date']})"
        )
    minutes.append(f"at the tutorial's settings on 120,000 texts to train, {full} minutes ({full_how})")
    lines.append("- **Time**, the whole series 00–07 on a 2-core CPU without GPU: " + "; ".join(minutes) + ".")
    return "\n".join(lines)


def write_block(path: Path, block: str, begin: str = RESULTS_BEGIN, end: str = RESULTS_END) -> None:
    """Replace what stands between ``begin`` and ``end`` (RESULTS_BEGIN, RESULTS_END) in ``path`` with ``block``."""
    text = path.read_text()
    if begin not in text or end not in text:
        sys.exit(f"make_docs.py: {path.name} lacks the lines {begin} and {end}")
    head, rest = text.split(begin, 1)
    _, tail = rest.split(end, 1)
    path.write_text(f"{head}{begin}\n{block}\n{end}{tail}")


def read_block(path: Path, begin: str = RESULTS_BEGIN, end: str = RESULTS_END) -> str:
    text = path.read_text()
    return text.split(begin, 1)[1].split(end, 1)[0].strip("\n")


def banner(name: str, metrics: dict, args, today: str, minutes: float | None) -> str:
    sizes = ""
    if metrics:
        sizes = (
            f"{metrics['n_train']:,} texts to train, {metrics['n_val']:,} more as the validation slice, "
            f"{metrics['n_test']:,} to test"
        )
    took = f", the whole series {minutes:.0f} minutes on a {os.cpu_count()}-core CPU without GPU" if minutes else ""
    made = (
        f"made {today} by tools/make_docs.py: AG News' real test split (data_source ag_news_test_split)"
        f"{', ' + sizes if sizes else ''}; batch_size {args.batch_size}, epochs {args.epochs}, seed 0, "
        f"every other parameter at the notebook's default{took}"
    )
    return (
        f"<!-- made: {made} -->\n"
        f"> **Executed copy** of `notebooks/{name}.ipynb`, {made}. The figures below are this run's: "
        "small-scale, real news, not the tutorial's full data ([docs/README.md](../README.md))."
    )


SWEEP_SEEDS = [0, 1, 2]
"""The seeds of the copies' seed sweep: notebook 06's copy shows the spread of 01-05 over them."""
SWEEP_DIR = REPO / "runs" / "docs_sweep"


def seed_sweep(args) -> float:
    """Approaches 01-05 once per seed of SWEEP_SEEDS at the copies' settings (LIME at 500 samples:
    the picture is not what the sweep is for), on the embedded Dask cluster, into SWEEP_DIR: the
    spread between seeds that 06's copy shows beside the one-seed table, so that no copy compares
    approaches on one seed alone."""
    shutil.rmtree(SWEEP_DIR, ignore_errors=True)
    spec = SWEEP_DIR.with_suffix(".yaml")
    spec.parent.mkdir(parents=True, exist_ok=True)
    spec.write_text(
        json.dumps(  # JSON is YAML
            {
                "notebooks": ["01", "02", "03", "04", "05"],
                "parameters": {
                    "data_source": "ag_news_test_split",
                    "batch_size": args.batch_size,
                    "epochs": args.epochs,
                    "lime_samples": 500,
                },
                "grid": {"seed": SWEEP_SEEDS},
            }
        )
    )
    start = time.monotonic()
    subprocess.run([str(REPO / "run_all.sh"), "--sweep", str(spec), "--out", str(SWEEP_DIR)], cwd=REPO, check=True)
    return time.monotonic() - start


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--epochs", type=int, default=SHOWCASE["epochs"])
    ap.add_argument("--batch-size", type=int, default=SHOWCASE["batch_size"])
    ap.add_argument("--reuse", action="store_true", help="copy the last run in runs/docs without running")
    ap.add_argument("--took", type=float, help="with --reuse: the series' minutes, for the banners and docs/README.md")
    ap.add_argument("--sweep-took", type=float, help="with --reuse: the seed sweep's minutes, for docs/README.md")
    ap.add_argument(
        "--only",
        metavar="NN[,NN...]",
        help="run and copy only these notebooks (into runs/docs, beside the last whole run)",
    )
    args = ap.parse_args(argv)
    if not (os.environ.get("AG_NEWS_DIR") and Path(os.environ["AG_NEWS_DIR"], "test.csv").is_file()):
        sys.exit(
            "make_docs.py: set AG_NEWS_DIR to the folder holding AG News's test.csv "
            "(where to get it: docs/running.md, 'The data')"
        )
    run_dir = REPO / "runs" / "docs"
    start, sweep_seconds = time.monotonic(), 0.0
    if not args.reuse:
        if not args.only:
            shutil.rmtree(run_dir, ignore_errors=True)
            sweep_seconds = seed_sweep(args)
        spread = ["-p", "sweep_dir", str(SWEEP_DIR)] if (SWEEP_DIR / "sweep.csv").is_file() else []
        cmd = [
            str(REPO / "run_all.sh"),
            "-p",
            "data_source",
            "ag_news_test_split",
            "-p",
            "batch_size",
            str(args.batch_size),
            "-p",
            "epochs",
            str(args.epochs),
            *spread,
            "--out",
            str(run_dir),
            *(["--only", args.only] if args.only else []),
        ]
        subprocess.run(cmd, cwd=REPO, check=True)
    seconds = time.monotonic() - start
    clean = sanitizer(run_dir)
    target = DOCS / "notebooks"
    wanted = {n.strip() for n in args.only.split(",")} if args.only else None
    series_minutes = copies_run(target).get("minutes") if wanted else None
    if not wanted:
        shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True, exist_ok=True)
    names = []
    today = datetime.date.today().isoformat()
    series_seconds = seconds - sweep_seconds  # the banner's time: the series alone, not the sweep before it
    sweep_minutes = args.sweep_took or sweep_seconds / 60
    minutes = series_minutes if wanted else args.took or (None if args.reuse else series_seconds / 60)
    first = sorted((run_dir / "metrics").glob("0[1-5]_*.json"))
    metrics = json.loads(first[0].read_text()) if first else {}
    setting = (
        f"data_source ag_news_test_split (AG News's real test split: {metrics.get('n_train', 0):,} texts to "
        f"train, {metrics.get('n_val', 0):,} more as the validation slice, {metrics.get('n_test', 0):,} to test), "
        f"batch_size {args.batch_size}, epochs {args.epochs}, every other parameter at the notebook's default"
    )
    for src in sorted(list_notebooks(run_dir / "notebooks")):  # by name, as the table lists them
        if wanted and src.stem[:2] not in wanted:
            continue
        nb = nbformat.read(src, as_version=4)
        clean_notebook(nb, clean)
        nb.cells = [c for c in nb.cells if c.get("id") != BANNER_ID]
        nb.cells.insert(0, nbformat.v4.new_markdown_cell(banner(src.stem, metrics, args, today, minutes), id=BANNER_ID))
        nbformat.write(nb, target / src.name)
        names.append(src.name)
    block, cost = results_block(target), cost_block(target)
    for path in (REPO / "README.md", DOCS / "results.md"):
        write_block(path, block)
        write_block(path, cost, COST_BEGIN, COST_END)
    if wanted:
        print(
            f"make_docs.py: {', '.join(names)} copied again into {target.relative_to(REPO)}; run took {seconds:.0f} s"
        )
        return 0
    rows = "\n".join(f"| [{n[:-6]}](notebooks/{n}) | {(target / n).stat().st_size / 1e6:.1f} MB |" for n in names)
    took = (
        f" The series took {args.took or series_seconds / 60:.1f} minutes"
        + (f", after the seed sweep's {sweep_minutes:.1f}," if sweep_minutes else "")
        + f" on a {os.cpu_count()}-core CPU without GPU, shared with other jobs."
        if args.took or not args.reuse
        else ""
    )
    (DOCS / "README.md").write_text(f"""# Executed notebooks: look without running

These are the series' notebooks with their outputs (tables, figures, training logs, LIME's
explanations), to read on GitHub or in any notebook viewer without installing anything.
They were made on {today} by one command,

```bash
AG_NEWS_DIR=/folder/with/test.csv .venv/bin/python tools/make_docs.py
```

on this setting: {setting}.{took} The accuracies are therefore those of a small-scale run on real
news, not the tutorial's (which trained on all 120,000 texts): see the README's Results.
Notebook 06's copy also shows how far each approach's accuracy moves between seeds: the same
command first ran approaches 01–05 once per seed ({", ".join(map(str, SWEEP_SEEDS))}) at the same
setting, as a sweep (docs/sweeps.md).
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

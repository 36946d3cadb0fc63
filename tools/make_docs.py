"""Executed copies of the notebooks to read without installing anything: docs/notebooks/.

    AG_NEWS_DIR=/folder/with/test.csv .venv/bin/python tools/make_docs.py [--epochs 3] [--batch-size 64]

Runs the whole series (00-07) with ./run_all.sh on the real AG News test split
(data_source ag_news_test_split: 80% of its 7,600 texts to train, 20% to test) into
runs/docs/ (git-ignored), then copies the executed notebooks into docs/notebooks/:
images re-encoded smaller with Pillow (downscaled to at most 900 px wide, 256 colours),
LIME's interactive view (1.2 MB of JavaScript each) replaced by a note, no models, outputs sanitized (the repository's and the run folder's absolute paths become
relative ones, the home folder "~", the machine's name "<host>"), and writes docs/README.md
with the setting and the date. tests/test_docs.py checks that the copies' code cells equal the
notebooks' own, so they cannot drift: after editing a notebook, run this command again.
"""

from __future__ import annotations

import argparse
import base64
import datetime
import io
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

REPO = Path(__file__).resolve().parent.parent
DOCS = REPO / "docs"
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


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--batch-size", type=int, default=64)
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
    for src in sorted((run_dir / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        nb = nbformat.read(src, as_version=4)
        clean_notebook(nb, clean)
        nbformat.write(nb, target / src.name)
        names.append(src.name)
    rows = "\n".join(f"| [{n[:-6]}](notebooks/{n}) | {(target / n).stat().st_size / 1e6:.1f} MB |" for n in names)
    today = datetime.date.today().isoformat()
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

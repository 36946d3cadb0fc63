"""Speed and memory of the series' building blocks, at full scale or a chosen subsample.

Run from the repository root (after ``./setup.sh``)::

    .venv/bin/python benchmarks/bench.py                       # all five approaches, 1 epoch, full data
    .venv/bin/python benchmarks/bench.py --approaches 1,5 --train-size 5000 --epochs 1   # ~1 min
    .venv/bin/python benchmarks/bench.py --series --series-args "--quick"               # + whole series

Data: AG News (both splits) when ``$AG_NEWS_DIR`` (or ``--data-dir``) holds ``train.csv`` and
``test.csv``, else the full-size generated corpus (120,000 / 7,600 texts).

Each approach runs its notebook's own cells (tests/notebook_code.py). Measured: load + checksum
time; per approach the notebook's vectorize cell (vocabulary + vectorizing all texts), the seconds
per training epoch of its network (on the training slice, batch 512, no validation pass inside the
timing), tokens per second and achieved GFLOP/s, raw-string inference throughput of its raw-text
model, one LIME explanation (its LIME cells); the peak resident memory; the device. Optionally the wall time of the whole series on the generated corpus.

Results go to a JSON file (``--json``, default ``benchmarks/results/latest.json``, git-ignored) and
are printed as a table. This is a measuring script, not a test: numbers depend on the machine and on
whatever else runs on it.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import re
import resource
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import numpy as np  # noqa: E402

import helpers  # noqa: E402
from helpers import config  # noqa: E402
from helpers.data import ENV_VAR, resolve_data_dir  # noqa: E402

sys.path.insert(0, str(REPO / "tests"))
from notebook_code import notebook_path, run_cells  # noqa: E402  (the notebooks' own cells)

# ----------------------------------------------------------------------------------------------
# arithmetic


def lstm_forward_macs(max_tokens: int, embed_len: int, lstm_units, bidirectional: bool) -> int:
    """Multiply-adds of the LSTM layers' forward pass for one text.

    Per time step an LSTM layer with ``u`` units reading ``d`` features does ``4·u·(d + u)``
    multiply-adds (4 gates, input and recurrent weights), per direction. The embedding lookup,
    the gate nonlinearities and the final Dense layer are negligible beside this.
    """
    k = 2 if bidirectional else 1
    d, macs = embed_len, 0
    for u in lstm_units:
        macs += k * 4 * u * (d + u)
        d = k * u
    return macs * max_tokens


def cpu_info() -> dict:
    """Model name, clock (MHz as the kernel reports it) and AVX-512 support, from /proc/cpuinfo."""
    info = {
        "cores": os.cpu_count(),
        "model": platform.processor() or "unknown",
        "mhz": None,
        "avx512f": False,
        "avx512_bf16": False,
    }
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        return info
    m = re.search(r"^model name\s*:\s*(.+)$", text, re.M)
    if m:
        info["model"] = m.group(1).strip()
    m = re.search(r"^cpu MHz\s*:\s*([\d.]+)$", text, re.M)
    if m:
        info["mhz"] = float(m.group(1))
    flags = re.search(r"^flags\s*:\s*(.+)$", text, re.M)
    if flags:
        f = flags.group(1).split()
        info["avx512f"] = "avx512f" in f
        info["avx512_bf16"] = "avx512_bf16" in f
    m = re.search(r"^cpu family\s*:\s*(\d+)$", text, re.M)
    info["cpu_family"] = int(m.group(1)) if m else None
    return info


def fp32_peak_gflops(cpu: dict) -> float | None:
    """Nominal FP32 peak: cores × 2 FMA units × 16 lanes (AVX-512) × 2 FLOP × clock.

    ``None`` when the clock is unknown. On AMD Zen 4 the AVX-512 units are 256 bits wide inside
    (a 512-bit FMA takes two passes), so the real peak there is half of this figure.
    """
    if not cpu.get("mhz"):
        return None
    lanes = 16 if cpu.get("avx512f") else 8
    return cpu["cores"] * 2 * lanes * 2 * cpu["mhz"] / 1000.0


def peak_rss_mib() -> float:
    """Peak resident memory of this process so far (MiB)."""
    kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    return kb / 1024.0


# ----------------------------------------------------------------------------------------------
# measurements


def load(data_dir, seed: int):
    folder = resolve_data_dir(data_dir)
    real = folder is not None and (folder / "train.csv").is_file() and (folder / "test.csv").is_file()
    t0 = time.perf_counter()
    if real:
        data = helpers.load_data("ag_news", data_dir=str(folder), seed=seed)  # MD5-verified
        what = "AG News (read + MD5 check + parse)"
    else:
        data = helpers.load_data("synthetic", seed=seed)
        digest = hashlib.md5("\n".join(data.train_texts.tolist()).encode()).hexdigest()
        what = f"generated corpus (generate + MD5 of the texts: {digest[:8]}...)"
    return data, time.perf_counter() - t0, what


class EpochTimer:
    """Keras callback keeping each epoch's wall time."""

    def __new__(cls):
        from helpers.tfsetup import keras

        class _Timer(keras.callbacks.Callback):
            def on_train_begin(self, logs=None):
                self.seconds = []

            def on_epoch_begin(self, epoch, logs=None):
                self._t = time.perf_counter()

            def on_epoch_end(self, epoch, logs=None):
                self.seconds.append(time.perf_counter() - self._t)

        return _Timer()


def bench_approach(number, data, keep, args) -> dict:
    """The approach notebook's own cells: ``vectorize`` (timed), ``network`` and ``compile``, a
    timed fit on its training slice, ``text-model`` (raw-string inference timed) and LIME's
    ``lime-example`` and ``lime-explain`` (timed)."""
    from sklearn.model_selection import train_test_split

    from helpers.params import notebook_defaults
    from helpers.tfsetup import keras

    a = config.get_approach(number)
    params = {
        **notebook_defaults(notebook_path(a.name)),
        "seed": args.seed,
        "batch_size": args.batch_size,
        "lime_samples": args.lime_samples or 10,
    }
    ns = run_cells(
        a.name,
        ["imports"],
        **params,
        data=data,
        train_texts=data.train_texts,
        train_labels=data.train_labels,
        test_texts=data.test_texts,
        test_labels=data.test_labels,
        class_names=list(data.class_names),
    )
    t0 = time.perf_counter()
    run_cells(a.name, ["vectorize"], ns)  # the vocabulary from all training texts, every text vectorized
    vectorize_s = time.perf_counter() - t0
    run_cells(a.name, ["network", "compile"], ns)
    model = ns["model"]
    x, y = ns["x_train"][keep], data.train_labels[keep]
    x_tr, _, y_tr, _ = train_test_split(
        x, y, test_size=config.VALIDATION_FRACTION, stratify=y, random_state=args.seed
    )  # the notebooks' training slice
    timer = EpochTimer()
    # One warm-up step traces the training function, so even a 1-epoch run times the steady state
    # (the trace, a few seconds, is reported separately).
    t0 = time.perf_counter()
    model.train_on_batch(x_tr[: args.batch_size], y_tr[: args.batch_size])
    trace_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    model.fit(x_tr, y_tr, batch_size=args.batch_size, epochs=args.epochs, shuffle=True, verbose=0, callbacks=[timer])
    fit_s = time.perf_counter() - t0
    epochs = timer.seconds
    steady = statistics.median(epochs)
    n = len(y_tr)
    macs = lstm_forward_macs(a.max_tokens, a.embed_len, a.lstm_units, a.bidirectional)
    train_flop_epoch = 3 * 2 * macs * n  # forward + backward ≈ 3 × forward
    acc = float((model.predict(ns["x_test"], batch_size=1024, verbose=0).argmax(1) == data.test_labels).mean())

    # Raw-string inference through the notebook's raw-text model, as its LIME cell calls it.
    with tempfile.TemporaryDirectory(prefix="bench_models_") as tmp:
        (Path(tmp) / "models").mkdir()
        run_cells(a.name, ["text-model"], ns, out=Path(tmp))
    texts = np.asarray(data.test_texts, dtype=object)
    ns["text_model"].predict(texts[:1024], batch_size=1024, verbose=0)
    runs = []
    for _ in range(args.repeats):
        t0 = time.perf_counter()
        ns["text_model"].predict(texts, batch_size=1024, verbose=0)
        runs.append(time.perf_counter() - t0)
    infer_s = statistics.median(runs)

    lime_s = None
    if args.lime_samples:
        t0 = time.perf_counter()
        run_cells(a.name, ["lime-example", "lime-explain"], ns, HTML=str)
        lime_s = time.perf_counter() - t0
    keras.backend.clear_session()
    return {
        "approach": a.number,
        "title": a.title,
        "n_train": n,
        "epochs": args.epochs,
        "batch_size": args.batch_size,
        "fit_seconds": round(fit_s, 2),
        "vectorize_seconds": round(vectorize_s, 2),
        "trace_seconds": round(trace_s, 2),
        "epoch_seconds": [round(s, 2) for s in epochs],
        "seconds_per_epoch": round(steady, 2),
        "seconds_per_epoch_full_108k": round(steady * 108_000 / n, 1),
        "tokens_per_second": round(n * a.max_tokens / steady),
        "forward_mflop_per_text": round(2 * macs / 1e6, 3),
        "train_tflop_per_epoch": round(train_flop_epoch / 1e12, 3),
        "achieved_gflops": round(train_flop_epoch / steady / 1e9, 1),
        "test_accuracy": round(acc, 4),
        "inference_texts_per_second": round(len(texts) / infer_s),
        "inference_texts": len(texts),
        "lime_seconds": None if lime_s is None else round(lime_s, 2),
        "lime_samples": args.lime_samples,
    }


def run_series(args) -> dict:
    with tempfile.TemporaryDirectory(prefix="bench_series_") as tmp:
        cmd = [sys.executable, "-m", "series_runner", "--synthetic", "--out", str(Path(tmp) / "run")]
        cmd += shlex.split(args.series_args or "")
        t0 = time.perf_counter()
        proc = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True)
        wall = time.perf_counter() - t0
        summary = {}
        res = Path(tmp) / "run" / "results.json"
        if res.is_file():
            r = json.loads(res.read_text())
            summary = {k: round(v, 1) for k, v in r.get("notebook_seconds", {}).items()}
    return {
        "command": "python -m series_runner --synthetic " + (args.series_args or ""),
        "returncode": proc.returncode,
        "wall_seconds": round(wall, 1),
        "notebook_seconds": summary,
        "stderr_tail": proc.stderr[-2000:] if proc.returncode else "",
    }


# ----------------------------------------------------------------------------------------------


def table(res: dict) -> str:
    lines = [
        f"Benchmark {res['date']} on {res['device']['cpu_model']} ({res['device']['describe']}); "
        f"TensorFlow {res['device']['tensorflow']}",
        f"data: {res['data']['what']}: {res['data']['n_train']:,} train / {res['data']['n_test']:,} test",
        "",
        f"{'step':<44}{'value':>14}",
        f"{'load + checksum':<44}{res['load_seconds']:>12.2f} s",
        "vec s: the notebook's vectorize cell (vocabulary + all " + format(res["data"]["n_total"], ",") + " texts)",
        "",
    ]
    hdr = (
        f"{'approach':<10}{'n_train':>9}{'vec s':>7}{'s/epoch':>9}{'→108k':>8}{'tok/s':>10}{'GFLOP/s':>9}"
        f"{'infer txt/s':>12}{'LIME s':>8}{'test acc':>9}"
    )
    lines += [hdr, "-" * len(hdr)]
    for r in res["approaches"]:
        lines.append(
            f"{r['approach']:<10}{r['n_train']:>9,}{r['vectorize_seconds']:>7.1f}{r['seconds_per_epoch']:>9.2f}"
            f"{r['seconds_per_epoch_full_108k']:>8.0f}{r['tokens_per_second']:>10,}"
            f"{r['achieved_gflops']:>9.1f}{r['inference_texts_per_second']:>12,}"
            f"{(r['lime_seconds'] or float('nan')):>8.2f}{r['test_accuracy']:>9.3f}"
        )
    peak = res["device"].get("fp32_peak_gflops_nominal")
    lines += [
        "",
        f"peak resident memory: {res['peak_rss_mib']:.0f} MiB; nominal FP32 peak: "
        + (f"{peak:.0f} GFLOP/s" if peak else "unknown (no clock in /proc/cpuinfo)"),
        "(→108k: seconds per epoch extrapolated linearly to the 108,000 training texts of a full run)",
    ]
    if res.get("series"):
        s = res["series"]
        lines.append(f"whole series ({s['command'].strip()}): {s['wall_seconds']:.0f} s, exit status {s['returncode']}")
    return "\n".join(lines)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("--approaches", default="1,2,3,4,5", help="comma-separated approach numbers (default all)")
    p.add_argument("--epochs", type=int, default=1, help="timed epochs per approach (median reported; default 1)")
    p.add_argument("--train-size", type=int, default=None, help="stratified subsample of training texts")
    p.add_argument("--batch-size", type=int, default=config.BATCH_SIZE)
    p.add_argument("--lime-samples", type=int, default=5000, help="0 skips LIME")
    p.add_argument("--repeats", type=int, default=3, help="repeats of the inference timing (median)")
    p.add_argument("--data-dir", default=None, help=f"AG News folder (default ${ENV_VAR})")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--series", action="store_true", help="also time python -m series_runner --synthetic")
    p.add_argument("--series-args", default="", help='extra arguments for the series, e.g. "--quick"')
    p.add_argument("--json", default=str(REPO / "benchmarks" / "results" / "latest.json"))
    args = p.parse_args(argv)
    approaches = [int(s) for s in args.approaches.split(",") if s.strip()]
    for a in approaches:
        config.get_approach(a)

    from helpers.tfsetup import keras, tf

    helpers.notebook_setup()  # as every notebook: quiet logs, CPU threads tuned for LSTMs
    cpu = cpu_info()
    res: dict = {"date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"), "argv": sys.argv[1:]}
    data, res["load_seconds"], what = load(args.data_dir, args.seed)
    n_total = data.n_train + data.n_test
    # The vocabulary and the vectorizing always at full size (that is the cost measured);
    # --train-size subsamples only the token ids the networks train on.
    keep = np.arange(data.n_train)
    if args.train_size is not None:
        keep, _ = helpers.stratified_subsample(keep, data.train_labels, args.train_size, args.seed)
        keep = np.sort(np.asarray(keep, dtype=np.int64))
    res["load_seconds"] = round(res["load_seconds"], 2)
    res["data"] = {
        "what": what,
        "source": data.source,
        "n_train": data.n_train,
        "n_test": data.n_test,
        "n_total": n_total,
        "train_size_option": args.train_size,
    }
    res["approaches"] = []
    for a in approaches:
        print(f"approach {a} ...", flush=True)
        res["approaches"].append(bench_approach(a, data, keep, args))
    if args.series:
        print("whole series ...", flush=True)
        res["series"] = run_series(args)
    res["peak_rss_mib"] = round(peak_rss_mib(), 1)
    res["device"] = {
        "describe": helpers.describe_device(),
        "cpu_model": cpu["model"],
        "cpu_mhz": cpu["mhz"],
        "cores": cpu["cores"],
        "avx512f": cpu["avx512f"],
        "avx512_bf16": cpu["avx512_bf16"],
        "fp32_peak_gflops_nominal": fp32_peak_gflops(cpu),
        "tf_intra_op_threads": tf.config.threading.get_intra_op_parallelism_threads(),
        "tf_inter_op_threads": tf.config.threading.get_inter_op_parallelism_threads(),
        "tensorflow": tf.__version__,
        "keras": keras.__version__,
        "python": platform.python_version(),
        "onednn_opts": os.environ.get("TF_ENABLE_ONEDNN_OPTS", "(default)"),
    }
    out = Path(args.json)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(res, indent=2) + "\n", encoding="utf-8")
    print()
    print(table(res))
    try:
        shown = out.resolve().relative_to(REPO)
    except ValueError:
        shown = out
    print(f"\nJSON: {shown}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The notebook series: committed notebooks are clean and well-formed, the whole series runs
(quick, generated corpus) and writes everything it promises, the executed copies re-run in place
under nbval, and bad parameters stop the runner before anything runs."""

from __future__ import annotations

import ast
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from conftest import child_env

import helpers
from helpers.config import APPROACHES
from helpers.evaluation import REQUIRED_FIELDS
from helpers.params import PARAMETER_NAMES

REPO = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((REPO / "notebooks").glob("[0-9][0-9]_*.ipynb"))
SERIES_NAMES = ["00_prepare_data", *(a.name for a in APPROACHES.values()), "06_results_summary"]
ANSI = re.compile(r"\x1b\[[0-9;]*m")



def _tags(cell) -> list:
    return list(cell.get("metadata", {}).get("tags", []))


def _parameter_assignments(source: str) -> dict:
    values = {}
    for node in ast.parse(source).body:
        assert isinstance(node, ast.Assign) and len(node.targets) == 1, ast.dump(node)
        values[node.targets[0].id] = ast.literal_eval(node.value)
    return values


# ---------------------------------------------------------------------------------------------
# (a) the committed notebooks
# ---------------------------------------------------------------------------------------------


def test_the_series_is_complete():
    names = [p.stem for p in NOTEBOOKS]
    for name in SERIES_NAMES:
        assert name in names


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_committed_notebook_is_clean(path):
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    assert nb.metadata["kernelspec"]["name"] == "python3"
    assert nb.metadata["kernelspec"]["display_name"] == "Python 3"
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [], f"{path.name}: a cell has outputs"
            assert cell.execution_count is None, f"{path.name}: a cell has an execution count"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_parameters_cell_then_check(path):
    nb = nbformat.read(path, as_version=4)
    tagged = [i for i, c in enumerate(nb.cells) if "parameters" in _tags(c)]
    assert len(tagged) == 1, f"{path.name}: {len(tagged)} cells tagged 'parameters'"
    i = tagged[0]
    code_cells = [j for j, c in enumerate(nb.cells) if c.cell_type == "code"]
    assert code_cells[0] == i, "the parameters cell must be the first code cell"
    values = _parameter_assignments(nb.cells[i].source)
    assert values and set(values) <= set(PARAMETER_NAMES), set(values) - set(PARAMETER_NAMES)
    helpers.validate_parameters(values)  # the defaults themselves pass the checks
    following = nb.cells[code_cells[1]].source
    assert "helpers.check_parameters(globals())" in following
    assert following.index("check_parameters") < following.index("prepare_output_dir")


@pytest.mark.parametrize("approach", APPROACHES.values(), ids=lambda a: a.name)
def test_approach_notebook_defaults_are_the_tutorials(approach):
    nb = nbformat.read(REPO / "notebooks" / f"{approach.name}.ipynb", as_version=4)
    cell = next(c for c in nb.cells if "parameters" in _tags(c))
    values = _parameter_assignments(cell.source)
    assert list(values)[:12] == ["max_tokens", "embed_len", "lstm_units", "bidirectional", "epochs",
                                 "batch_size", "train_size", "test_size", "seed", "data_source",
                                 "data_dir", "output_dir"]
    norm = helpers.validate_parameters(values)
    assert (norm["max_tokens"], norm["embed_len"], tuple(norm["lstm_units"]), norm["bidirectional"]) == (
        approach.max_tokens, approach.embed_len, approach.lstm_units, approach.bidirectional)
    assert (values["epochs"], values["batch_size"], values["seed"]) == (5, 512, 0)
    assert values["train_size"] is None and values["test_size"] is None and values["data_dir"] is None
    assert values["data_source"] == "ag_news" and values["output_dir"] == "../runs/notebooks"


def test_summary_notebook_takes_only_output_dir():
    nb = nbformat.read(REPO / "notebooks" / "06_results_summary.ipynb", as_version=4)
    cell = next(c for c in nb.cells if "parameters" in _tags(c))
    assert _parameter_assignments(cell.source) == {"output_dir": "../runs/notebooks"}


def test_summary_runs_last():
    from helpers.series import list_notebooks

    order = [p.stem for p in list_notebooks()]
    assert order[-1] == "06_results_summary"


# ---------------------------------------------------------------------------------------------
# (b) the quick series on the generated corpus
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def series_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("series")
    r = subprocess.run([sys.executable, "-m", "helpers.series", "--quick", "--synthetic", "--out", str(out)],
                       cwd=REPO, env=child_env(), capture_output=True, text=True, timeout=1200)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    return out, r


def _outputs_text(nb) -> str:
    parts = []
    for cell in nb.cells:
        for o in cell.get("outputs", []):
            if o.output_type == "stream":
                parts.append(o.text)
            elif o.output_type in ("display_data", "execute_result"):
                parts.extend(str(v) for k, v in o.data.items() if k.startswith("text/"))
            elif o.output_type == "error":
                parts.append("\n".join(o.traceback))
    return ANSI.sub("", "\n".join(parts))


@pytest.mark.slow
def test_every_notebook_executed(series_run):
    out, r = series_run
    for path in NOTEBOOKS:
        executed = out / "notebooks" / path.name
        assert executed.is_file(), path.name
        nb = nbformat.read(executed, as_version=4)
        assert not [o for c in nb.cells for o in c.get("outputs", []) if o.output_type == "error"]
    assert "06_results_summary" in r.stdout.strip().splitlines()[-1] or "results.md" in r.stdout


@pytest.mark.slow
def test_executed_outputs_are_clean(series_run):
    """No TensorFlow log lines, no per-batch progress bars, no absolute paths in any output."""
    out, _ = series_run
    for path in sorted((out / "notebooks").glob("*.ipynb")):
        text = _outputs_text(nbformat.read(path, as_version=4))
        for bad in ("absl::", "oneDNN", "cuda", "I0000", "W0000", "cpu_feature_guard", "━━━━━━━━━━ "):
            assert bad not in text, f"{path.name}: {bad!r} in outputs"
        assert str(out) not in text and str(REPO) not in text, f"{path.name}: absolute path in outputs"
        assert not re.search(r"\d+/\d+ \S*━", text), f"{path.name}: progress bar in outputs"


@pytest.mark.slow
@pytest.mark.parametrize("approach", APPROACHES.values(), ids=lambda a: a.name)
def test_approach_outputs(series_run, approach):
    out, _ = series_run
    name = approach.name
    m = json.loads((out / "metrics" / f"{name}.json").read_text())
    assert not [f for f in REQUIRED_FIELDS if f not in m]
    assert m["approach"] == name and m["data_source"] == "synthetic"
    assert m["n_train"] + m["n_val"] == 2000 and m["n_test"] == 400
    assert m["epochs"] == 1 and len(m["history"]["loss"]) == 1
    assert m["max_tokens"] == approach.max_tokens and m["embed_len"] == approach.embed_len
    assert m["lstm_units"] == list(approach.lstm_units) and m["bidirectional"] == approach.bidirectional
    assert 0.0 <= m["test_accuracy"] <= 1.0 and m["fit_seconds"] > 0
    assert m["published_accuracy"] == approach.published_accuracy
    assert sum(map(sum, m["confusion_matrix"])) == 400

    # The parameter count model.summary() printed is the textbook formula's.
    text = _outputs_text(nbformat.read(out / "notebooks" / f"{name}.ipynb", as_version=4))
    total = re.search(r"Total params:\s*([\d,]+)", text)
    assert total, "model.summary() output missing"
    expected = helpers.expected_param_count(m["vocab_size"], approach.max_tokens, approach.embed_len,
                                            approach.lstm_units, approach.bidirectional)
    assert int(total.group(1).replace(",", "")) == expected

    for kind in ("confusion_matrix", "training_curves", "lime"):
        png = out / "figures" / f"{name}_{kind}.png"
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", png.name
    html = (out / "explanations" / f"{name}.html").read_text()
    assert "<html" in html.lower() and len(html) > 1000
    assert not list((out / "models").glob(".*")), "temporary model files left behind"


@pytest.mark.slow
def test_saved_models_read_plain_strings(series_run):
    out, _ = series_run
    texts = ["Stocks fall as oil prices rise", "", "Team wins the cup"]
    for a in APPROACHES.values():
        model = helpers.load_text_model(out / "models" / f"{a.name}.keras")
        probs = helpers.predict_texts(model, texts)
        assert probs.shape == (3, 4)
        assert abs(probs.sum(axis=1) - 1).max() < 1e-4


@pytest.mark.slow
def test_data_and_summary_outputs(series_run):
    out, r = series_run
    for name in ("00_prepare_data_class_balance", "00_prepare_data_text_lengths",
                 "06_results_summary_accuracy", "06_results_summary_per_class_f1",
                 "06_results_summary_fit_seconds"):
        assert (out / "figures" / f"{name}.png").is_file(), name
    results = (out / "results.md").read_text()
    for a in APPROACHES.values():
        assert a.title in results and f"{a.published_accuracy:.2%}" in results
    assert "(not run)" not in results
    assert "| 1 | Single LSTM layer, 25 tokens |" in r.stdout


# ---------------------------------------------------------------------------------------------
# (c) the executed copies re-run in place under nbval
# ---------------------------------------------------------------------------------------------


@pytest.mark.slow
def test_executed_notebooks_pass_nbval(series_run):
    out, _ = series_run
    books = [str(p) for p in sorted((out / "notebooks").glob("*.ipynb")) if not p.name.startswith("07_")]
    before = (out / "metrics" / f"{APPROACHES[1].name}.json").stat().st_mtime_ns
    r = subprocess.run(
        [sys.executable, "-m", "pytest", "--nbval-lax", "--nbval-sanitize-with",
         str(REPO / "tests" / "nbval_sanitize.cfg"), "-p", "no:cacheprovider", "-q", *books],
        cwd=REPO, env=child_env(), capture_output=True, text=True, timeout=900,
    )
    assert r.returncode == 0, r.stdout[-5000:] + r.stderr[-2000:]
    # Re-run in place: the notebooks wrote into the same run folder again.
    assert (out / "metrics" / f"{APPROACHES[1].name}.json").stat().st_mtime_ns > before
    assert not (out / "runs").exists() and not (out.parent / "runs").exists()


@pytest.mark.slow
def test_run_all_twice_in_one_kernel(series_run):
    """JupyterLab's "Run All" a second time without restarting the kernel works (the variables
    left by the first run are not mistaken for unknown parameters)."""
    from nbclient import NotebookClient

    out, _ = series_run
    name = APPROACHES[1].name
    nb = nbformat.read(out / "notebooks" / f"{name}.ipynb", as_version=4)
    twice = nbformat.v4.new_notebook(metadata=nb.metadata)
    twice.cells = [nbformat.from_dict(c) for c in nb.cells] + [nbformat.from_dict(c) for c in nb.cells]
    NotebookClient(twice, timeout=600, kernel_name="python3", extra_arguments=["--IPKernelApp.log_level=ERROR"],
                   resources={"metadata": {"path": str(out / "notebooks")}}).execute()
    errors = [o for c in twice.cells for o in c.get("outputs", []) if o.output_type == "error"]
    assert not errors
    once = _outputs_text(nb).count("Total params:")
    assert once >= 1 and _outputs_text(twice).count("Total params:") == 2 * once


# ---------------------------------------------------------------------------------------------
# (d) bad parameters stop the runner before anything runs
# ---------------------------------------------------------------------------------------------


def test_series_rejects_bad_parameter_before_running(tmp_path):
    out = tmp_path / "run"
    r = subprocess.run([sys.executable, "-m", "helpers.series", "--only", "01,06", "-p", "epochs", "0",
                        "--out", str(out)], cwd=REPO, env=child_env(), capture_output=True, text=True, timeout=300)
    assert r.returncode == 2, r.stdout + r.stderr
    assert "epochs" in r.stderr
    assert not out.exists()


def test_notebook_parameters_are_relative_to_the_run_folder(tmp_path, monkeypatch):
    from helpers.series import notebook_parameters

    monkeypatch.chdir(tmp_path)
    (tmp_path / "data").mkdir()
    run_notebooks = tmp_path / "runs" / "x" / "notebooks"
    got = notebook_parameters({"data_dir": "data", "epochs": 1}, {"data_dir", "output_dir"}, run_notebooks)
    assert got == {"data_dir": os.path.join("..", "..", "..", "data"), "output_dir": ".."}
    assert (run_notebooks / got["data_dir"]).resolve() == (tmp_path / "data").resolve()

"""The learner's JupyterLab, for real: JupyterLab from this environment, the system's Chromium
(Playwright), notebooks 00, 01 and 06 opened from the file browser, their parameters cell edited
in the editor, Run -> Run All Cells, and what a learner must see checked (no error or stderr
output, the model summary, the figures, LIME's interactive view), then saved; then the run's
index.html (every image loads, every link resolves). A broken cell makes the same check fail with
its error text and a screenshot. Also: the kernel and the quiet JupyterLab settings that
./setup.sh installs, and each notebook's first cell stopping a kernel without the packages.

Chromium missing: the browser tests skip (with CI=true they fail); ./run_tests.sh installs it
when run as root. Screenshots and console errors of a failure go to test-artifacts/browser/."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from browser_support import INSTALL_HINT, JupyterLab, Learner, find_chromium

# its tests share a module-scoped fixture: one process runs them all (--dist loadgroup)
pytestmark = pytest.mark.xdist_group("test_browser")

REPO = Path(__file__).resolve().parent.parent
ARTIFACTS = REPO / "test-artifacts" / "browser"
LEARNER_NOTEBOOKS = ("00_prepare_data", "01_lstm_25_tokens", "06_results_summary")
# Small settings; the run folder is the server's root (as for ./run_all.sh, which runs the
# notebooks in DIR/notebooks with output_dir ".."), so the saved notebooks belong to the run.
SMALL = {
    "data_source": "synthetic",
    "train_size": 3000,
    "test_size": 600,
    "epochs": 1,
    "batch_size": 64,
    "lime_samples": 300,
    "output_dir": "..",
}
KERNEL_NAME, KERNEL_DISPLAY_NAME = "lstm-agnews", "LSTM AG News"


@pytest.fixture(scope="module")
def chromium():
    path = find_chromium()
    if path is None:
        message = f"Chromium not found for the browser test: {INSTALL_HINT}"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """JupyterLab serving a temporary copy of the learner's notebooks (notebooks/ is never touched)."""
    root = tmp_path_factory.mktemp("lab")
    (root / "notebooks").mkdir()
    for name in LEARNER_NOTEBOOKS:
        shutil.copy(REPO / "notebooks" / f"{name}.ipynb", root / "notebooks")
    server = JupyterLab(root, tmp_path_factory.mktemp("lab_state"))
    try:
        yield server.start()
    finally:
        server.stop()


@pytest.fixture(scope="module")
def browser(chromium):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium, args=["--disable-dev-shm-usage"])
        try:
            yield b
        finally:
            b.close()


@pytest.fixture
def learner(browser, lab):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        yield Learner(context.new_page(), lab, ARTIFACTS)
    finally:
        context.close()


@pytest.mark.slow
def test_learner_runs_notebooks_in_jupyterlab(learner, lab):
    learner.open_lab()
    learner.run_notebook("notebooks/00_prepare_data.ipynb", SMALL, min_images=1)
    learner.run_notebook(
        "notebooks/01_lstm_25_tokens.ipynb", SMALL, expect_text=["Total params"], min_images=3, lime=True
    )
    # The summary with the kernel setup.sh registered, picked through Kernel -> Change Kernel.
    learner.run_notebook("notebooks/06_results_summary.ipynb", SMALL, min_images=1, kernel=KERNEL_DISPLAY_NAME)

    # The edited parameters reached the run: the approach's metrics say one epoch, 600 test texts.
    metrics = json.loads((lab.root / "metrics" / "01_lstm_25_tokens.json").read_text())
    assert (metrics["epochs"], metrics["n_test"], metrics["data_source"]) == (1, 600, "synthetic")
    # No "get notified about Jupyter news?" prompt, no other notification.
    assert learner.notifications() == []

    # The run's report (what ./run_all.sh writes at its end): every image loads, every link resolves.
    from series_runner.report import write_index

    checked = learner.check_report(write_index(lab.root))
    assert checked["images"] >= len(list((lab.root / "figures").glob("*.png"))) >= 6
    assert checked["pages"] >= len(LEARNER_NOTEBOOKS)
    print("seconds per notebook in the browser:", learner.seconds)


@pytest.mark.slow
def test_without_setups_overrides_jupyterlab_asks_about_news(browser, tmp_path):
    """The notification check above can fail: the same JupyterLab without the overrides that
    setup.sh installs asks the learner about Jupyter news."""
    for d in ("root", "no_overrides"):
        (tmp_path / d).mkdir()
    server = JupyterLab(tmp_path / "root", tmp_path / "state", f"--LabApp.app_settings_dir={tmp_path / 'no_overrides'}")
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        server.start()
        learner = Learner(context.new_page(), server, tmp_path / "artifacts")
        learner.open_lab()
        learner.page.locator(".jp-Notification-Toast, .Toastify__toast", has_text="Jupyter news").wait_for()
        assert any("Jupyter news" in text for text in learner.notifications())
    finally:
        context.close()
        server.stop()


@pytest.mark.slow
def test_a_broken_cell_fails_the_check_with_its_error_and_a_screenshot(learner, lab, tmp_path):
    folder = lab.root / "broken"
    folder.mkdir(exist_ok=True)
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [
        nbformat.v4.new_markdown_cell("A notebook with a broken cell."),
        nbformat.v4.new_code_cell('what = "nothing"', metadata={"tags": ["parameters"]}),
        nbformat.v4.new_code_cell('raise RuntimeError(f"deliberately broken: {what}")'),
        nbformat.v4.new_code_cell('print("never reached")'),
    ]
    nbformat.write(nb, folder / "broken_cell.ipynb")
    learner.artifacts = tmp_path / "artifacts"

    learner.open_lab()
    with pytest.raises(AssertionError) as failed:
        learner.run_notebook("broken/broken_cell.ipynb", {"what": "cell 3"})
    message = str(failed.value)
    assert "RuntimeError: deliberately broken: cell 3" in message  # the edited parameter reached the cell
    assert "error or stderr output" in message and "1 of 3 code cells did not run" in message
    shot = Path(re.search(r"^screenshot: (.+)$", message, re.M).group(1))
    assert shot.is_file() and shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert Path(re.search(r"^console errors: (.+) \(\d+\)$", message, re.M).group(1)).is_file()


# ---------------------------------------------------------------------------------------------
# What ./setup.sh installs for Jupyter (no browser needed)
# ---------------------------------------------------------------------------------------------


def test_setup_registered_this_environment_as_a_kernel():
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    try:
        spec = KernelSpecManager().get_kernel_spec(KERNEL_NAME)
    except NoSuchKernel:
        pytest.fail(f"no Jupyter kernel {KERNEL_NAME!r}: ./setup.sh registers it")
    assert spec.display_name == KERNEL_DISPLAY_NAME
    assert Path(spec.argv[0]).absolute() == Path(sys.executable).absolute(), spec.argv
    assert spec.argv[1:].count("ipykernel_launcher") == 1


def test_setup_installed_quiet_jupyterlab_settings():
    """No news/update prompt: setup.sh copies tools/jupyter/overrides.json where JupyterLab reads
    setting overrides, and every setting in it exists in the installed JupyterLab's schemas."""
    import jsonschema

    source = REPO / "tools" / "jupyter" / "overrides.json"
    installed = Path(sys.prefix) / "share" / "jupyter" / "lab" / "settings" / "overrides.json"
    assert installed.is_file(), f"{installed} missing: ./setup.sh writes it"
    overrides = json.loads(installed.read_text())
    assert overrides == json.loads(source.read_text())
    assert overrides["@jupyterlab/apputils-extension:notification"]["fetchNews"] == "false"
    for plugin, values in overrides.items():
        package, name = plugin.split(":")
        schema_path = Path(sys.prefix) / "share" / "jupyter" / "lab" / "schemas" / package / f"{name}.json"
        schema = json.loads(schema_path.read_text())
        for key, value in values.items():
            assert key in schema["properties"], f"{plugin}: no setting {key!r}"
        jsonschema.validate(values, schema)


# ---------------------------------------------------------------------------------------------
# A kernel without the project's packages (no browser needed)
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def python_without_the_project():
    """The interpreter this environment was made from: a Python that lacks the project's packages,
    as a learner's other kernel would."""
    base = getattr(sys, "_base_executable", None)
    if not base or not os.path.exists(base):
        pytest.skip("no base interpreter beside this environment")
    probe = subprocess.run(
        [
            base,
            "-I",
            "-c",
            "import importlib.util as u, sys; "
            "sys.exit(u.find_spec('helpers') is not None or u.find_spec('keras') is not None)",
        ],
        capture_output=True,
        timeout=60,
    )
    if probe.returncode != 0:
        pytest.skip(f"{base} has the project's packages: no interpreter without them")
    return base


@pytest.mark.parametrize("path", sorted((REPO / "notebooks").glob("[0-9][0-9]_*.ipynb")), ids=lambda p: p.stem)
def test_first_code_cell_stops_a_kernel_without_the_packages(path, python_without_the_project, tmp_path):
    """The notebook's first code cell, run by a Python without the project's packages, stops with
    one line that says which kernel to pick and which command to run."""
    from IPython.core.inputtransformer2 import TransformerManager

    first = next(c for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code")
    code = TransformerManager().transform_cell(first.source)  # its Colab-only %cd and !git lines, as IPython runs them
    r = subprocess.run(  # in notebooks/, as JupyterLab runs it: the cell finds helpers itself
        [python_without_the_project, "-I", "-c", code], cwd=path.parent, capture_output=True, text=True, timeout=60
    )
    assert r.returncode != 0, "the first code cell ran without the project's packages"
    last = r.stderr.strip().splitlines()[-1]
    assert last.startswith(("ImportError: ", "ModuleNotFoundError: ")), r.stderr[-2000:]
    assert KERNEL_DISPLAY_NAME in last and "./setup.sh" in last, last

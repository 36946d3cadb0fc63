"""The suite's own scheduling: under ``--dist loadgroup`` (what ``./run_tests.sh`` runs) the tests
that share a module-scoped fixture run on one worker, so that fixture (the quick series, JupyterLab,
a Dask cluster) is built once. If the grouping silently stops, as it does with a pytest that
pytest-xdist does not follow, every such fixture is built again on the other worker."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

CONFTEST = Path(__file__).with_name("conftest.py")

PROBE = '''
import os
import pytest

BUILT = []


@pytest.fixture(scope="module")
def shared():
    BUILT.append(1)
    return len(BUILT)


@pytest.mark.parametrize("n", range(6))
def test_uses_shared(shared, n):
    print("RAN", n, os.environ["PYTEST_XDIST_WORKER"], "built", shared)


@pytest.mark.parametrize("n", range(6))
def test_alone(n):
    pass
'''


def test_tests_sharing_a_module_fixture_run_on_one_worker(tmp_path):
    (tmp_path / "conftest.py").write_text(
        "import importlib.util\n"
        f"spec = importlib.util.spec_from_file_location('suite_conftest', {str(CONFTEST)!r})\n"
        "suite = importlib.util.module_from_spec(spec)\n"
        "spec.loader.exec_module(suite)\n"
        "pytest_collection_modifyitems = suite.pytest_collection_modifyitems\n")
    (tmp_path / "test_probe.py").write_text(PROBE)
    r = subprocess.run([sys.executable, "-m", "pytest", "-n", "2", "--dist", "loadgroup", "-p", "no:cacheprovider",
                        "-rP", "-q", str(tmp_path)], cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-2000:]
    ran = [line.split() for line in r.stdout.splitlines() if line.startswith("RAN ")]
    assert len(ran) == 6, r.stdout[-3000:]
    workers = {row[2] for row in ran}
    assert len(workers) == 1, f"the tests sharing a module fixture ran on {sorted(workers)}"
    assert {row[4] for row in ran} == {"1"}, "the module fixture was built more than once"

"""helpers.tfsetup: ``import helpers`` imports no TensorFlow; notebook_setup imports it quietly, tunes
the threads and registers helpers.standardize with Keras."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import child_env

from helpers.tfsetup import THREADS_VARIABLE, thread_setting

REPO = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("cores, expected", [(1, (1, 2)), (2, (1, 2)), (4, (2, 2)), (16, (8, 2))])
def test_auto_threads_on_a_cpu(monkeypatch, cores, expected):
    monkeypatch.delenv(THREADS_VARIABLE, raising=False)
    assert thread_setting(cores=cores) == expected
    assert thread_setting(cores=cores, has_gpu=True) is None  # a GPU: TensorFlow's defaults


def test_threads_from_the_environment(monkeypatch):
    monkeypatch.setenv(THREADS_VARIABLE, "tensorflow")
    assert thread_setting(cores=2) is None
    monkeypatch.setenv(THREADS_VARIABLE, " 3,1 ")
    assert thread_setting(cores=2) == (3, 1)
    for bad in ("x", "0,2", "2", "1,2,3"):
        monkeypatch.setenv(THREADS_VARIABLE, bad)
        with pytest.raises(ValueError, match=f"{THREADS_VARIABLE}='{bad}': use 'auto', 'tensorflow'"):
            thread_setting(cores=2)


def _fresh_process(setting: str | None) -> tuple[dict, str]:
    """``import helpers`` then ``helpers.notebook_setup()`` in a fresh interpreter: what was imported,
    the threads after the set-up, the device line, and whether standardize is registered."""
    env = {k: v for k, v in child_env().items() if k not in (THREADS_VARIABLE, "TF_CPP_MIN_LOG_LEVEL")}
    if setting is not None:
        env[THREADS_VARIABLE] = setting
    code = (
        "import json, sys\nimport helpers\n"
        "imported = sorted({'tensorflow', 'keras', 'helpers.text', 'helpers.lesson'} & set(sys.modules))\n"
        "lazy = [n for n in ('standardize', 'ProgressLog', 'tokenize_like_keras2') if n in dir(helpers)]\n"
        "helpers.notebook_setup()\nimport keras, tensorflow as tf\n"
        "threads = [tf.config.threading.get_intra_op_parallelism_threads(),"
        " tf.config.threading.get_inter_op_parallelism_threads()]\n"
        "print(json.dumps({'imported': imported, 'lazy': lazy, 'after_setup': threads,"
        " 'gpu': bool(tf.config.list_physical_devices('GPU')), 'device': helpers.describe_device(),"
        " 'registered': keras.saving.get_registered_object('helpers>standardize') is not None,"
        " 'unresolved': [n for n in dir(helpers) if not hasattr(helpers, n)]}))"
    )
    r = subprocess.run([sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr[-3000:]
    return json.loads(r.stdout.strip().splitlines()[-1]), r.stderr


def test_import_is_light_and_notebook_setup_is_quiet_tunes_threads_and_registers():
    got, stderr = _fresh_process(None)
    assert got["imported"] == []  # import helpers: no TensorFlow, no Keras
    assert got["lazy"] == ["standardize", "ProgressLog", "tokenize_like_keras2"]  # yet every name is listed
    assert got["registered"]  # notebook_setup: a saved model using helpers.standardize loads
    assert got["unresolved"] == []  # every name helpers lists loads
    for noise in ("oneDNN", "cuda", "absl", "I0000", "W0000", "E0000"):
        assert noise not in stderr, stderr
    if got["gpu"]:
        pytest.skip("a GPU is present: TensorFlow's own thread defaults are kept")
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    assert got["after_setup"] == [max(1, cores // 2), 2]
    assert f"{got['after_setup'][0]} thread(s) per operation, 2 operations at once" in got["device"]


def test_tensorflow_defaults_on_request():
    got, _ = _fresh_process("tensorflow")
    assert got["after_setup"] == [0, 0]  # 0: TensorFlow chooses
    if got["gpu"]:
        assert got["device"].startswith("GPU: ")
    else:
        assert "TensorFlow's default threads" in got["device"]


# A broken TensorFlow: a fake package first on sys.path that prints on file descriptor 2, as a
# native library does, then fails.
_FAKE_TENSORFLOW = """import os
os.write(2, b"F0000 fake native log: libtensorflow_framework.so.2: cannot open shared object file\\n")
{failure}
"""
_NATIVE_LINE = "libtensorflow_framework.so.2: cannot open shared object file"


def _run_with_fake_tensorflow(tmp_path, failure: str, code: str, **env_extra):
    package = tmp_path / "fake" / "tensorflow"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text(_FAKE_TENSORFLOW.format(failure=failure))
    env = {**child_env(), "PYTHONPATH": str(tmp_path / "fake"), **env_extra}
    env.pop("PYTHONFAULTHANDLER", None)
    return subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120
    )


SETUP = "import helpers\nprint('imported helpers', flush=True)\nhelpers.notebook_setup()"


@pytest.mark.parametrize("error", ["ImportError", "RuntimeError"])
def test_a_failing_tensorflow_import_shows_what_it_printed(tmp_path, error):
    r = _run_with_fake_tensorflow(tmp_path, f"raise {error}('fake TensorFlow is broken')", SETUP)
    assert r.returncode == 1 and r.stdout == "imported helpers\n"  # import helpers never touches TensorFlow
    assert r.stderr.count(_NATIVE_LINE) == 1, r.stderr[-3000:]
    assert "helpers: importing TensorFlow failed; what it printed on standard error:" in r.stderr
    assert r.stderr.rstrip().endswith(f"{error}: fake TensorFlow is broken")  # the error propagates


def test_helpers_tf_quiet_0_shows_everything_tensorflow_prints(tmp_path):
    r = _run_with_fake_tensorflow(tmp_path, "os.abort()", SETUP, HELPERS_TF_QUIET="0")
    assert r.returncode != 0 and _NATIVE_LINE in r.stderr

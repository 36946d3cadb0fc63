"""helpers.tfsetup: TensorFlow imports without log noise and with the thread settings it documents."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from helpers.tfsetup import THREADS_VARIABLE, thread_setting

from conftest import child_env

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


def _import_in_a_fresh_process(setting: str | None, imports: str = "from helpers.tfsetup import tf"
                                ) -> tuple[dict, str]:
    env = {k: v for k, v in child_env().items() if k not in (THREADS_VARIABLE, "TF_CPP_MIN_LOG_LEVEL")}
    if setting is not None:
        env[THREADS_VARIABLE] = setting
    code = (f"import json, helpers\n{imports}\n"
            "print(json.dumps([tf.config.threading.get_intra_op_parallelism_threads(),"
            " tf.config.threading.get_inter_op_parallelism_threads(),"
            " bool(tf.config.list_physical_devices('GPU')), helpers.describe_device()]))")
    r = subprocess.run([sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True,
                       timeout=300)
    assert r.returncode == 0, r.stderr[-3000:]
    intra, inter, gpu, device = json.loads(r.stdout.strip().splitlines()[-1])
    return {"intra": intra, "inter": inter, "gpu": gpu, "device": device}, r.stderr


# helpers' own first use of TensorFlow, and a user's `import keras` after `import helpers` (the
# notebooks' way): both quiet, both with helpers' thread settings.
@pytest.mark.parametrize("imports", ["from helpers.tfsetup import tf", "import keras\nimport tensorflow as tf"])
def test_import_sets_the_threads_quietly(imports):
    got, stderr = _import_in_a_fresh_process(None, imports)
    if got["gpu"]:
        pytest.skip("a GPU is present: TensorFlow's own thread defaults are kept")
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    assert (got["intra"], got["inter"]) == (max(1, cores // 2), 2)
    assert f"{got['intra']} thread(s) per operation, 2 operations at once" in got["device"]
    for noise in ("oneDNN", "cuda", "absl", "I0000", "W0000"):
        assert noise not in stderr


def test_tensorflow_defaults_on_request():
    got, _ = _import_in_a_fresh_process("tensorflow")
    assert (got["intra"], got["inter"]) == (0, 0)  # 0: TensorFlow chooses
    if got["gpu"]:
        assert got["device"].startswith("GPU: ")
    else:
        assert "TensorFlow's default threads" in got["device"]


def test_import_helpers_does_not_import_tensorflow():
    code = ("import sys, helpers\n"
            "print(sorted(m for m in ('tensorflow', 'keras') if m in sys.modules))")
    r = subprocess.run([sys.executable, "-c", code], cwd=REPO, env=child_env(), capture_output=True,
                       text=True, timeout=120)
    assert r.returncode == 0, r.stderr[-3000:]
    assert r.stdout.strip() == "[]"


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
    return subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True,
                          text=True, timeout=120)


@pytest.mark.parametrize("error", ["ImportError", "RuntimeError"])
@pytest.mark.parametrize("code", [
    "import helpers\nhelpers.make_vectorizer(3, vocabulary=['a'])",  # helpers imports TensorFlow
    "import helpers\nimport keras",  # the user imports Keras (which imports TensorFlow)
])
def test_a_failing_tensorflow_import_shows_what_it_printed(tmp_path, error, code):
    r = _run_with_fake_tensorflow(tmp_path, f"raise {error}('fake TensorFlow is broken')", code)
    assert r.returncode == 1
    assert r.stderr.count(_NATIVE_LINE) == 1, r.stderr[-3000:]
    assert "failed; what it printed on standard error:" in r.stderr
    assert r.stderr.rstrip().endswith(f"{error}: fake TensorFlow is broken")  # the error propagates


def test_a_native_crash_during_the_import_is_not_silent(tmp_path):
    r = _run_with_fake_tensorflow(tmp_path, "os.abort()", "import helpers\nfrom helpers.tfsetup import tf")
    assert r.returncode != 0
    assert "Fatal Python error: Aborted" in r.stderr  # faulthandler, on the real standard error
    assert "tensorflow" in r.stderr and "helpers/tfsetup.py" in r.stderr  # where it happened
    loud = _run_with_fake_tensorflow(tmp_path / "loud", "os.abort()", "import helpers\nfrom helpers.tfsetup import tf",
                                     HELPERS_TF_QUIET="0")
    assert loud.returncode != 0 and _NATIVE_LINE in loud.stderr  # the way to see TensorFlow's own words

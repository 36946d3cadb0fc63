"""helpers._tf: TensorFlow imports without log noise and with the thread settings it documents."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from helpers._tf import THREADS_VARIABLE, thread_setting

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


def _import_in_a_fresh_process(setting: str | None) -> tuple[dict, str]:
    env = {k: v for k, v in os.environ.items() if k != THREADS_VARIABLE}
    if setting is not None:
        env[THREADS_VARIABLE] = setting
    code = ("import json, helpers\nfrom helpers._tf import tf\n"
            "print(json.dumps([tf.config.threading.get_intra_op_parallelism_threads(),"
            " tf.config.threading.get_inter_op_parallelism_threads(),"
            " bool(tf.config.list_physical_devices('GPU')), helpers.describe_device()]))")
    r = subprocess.run([sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True,
                       timeout=300)
    assert r.returncode == 0, r.stderr[-3000:]
    intra, inter, gpu, device = json.loads(r.stdout.strip().splitlines()[-1])
    return {"intra": intra, "inter": inter, "gpu": gpu, "device": device}, r.stderr


def test_import_sets_the_threads_quietly():
    got, stderr = _import_in_a_fresh_process(None)
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
    assert "TensorFlow's default threads" in got["device"] or got["gpu"]

"""Sweeps on a real Dask cluster on loopback: a ``dask scheduler`` and two ``dask worker``
processes started from this environment (127.0.0.1, free ports), shared by this module's tests.

One module fixture does the costly part once, as a user would: a sweep (notebooks 00 and 01, tiny
generated corpus; 00 is short) is stopped with Ctrl-C (SIGINT) once its first task (00) is written;
the same command again (the printed resume command) runs only the unfinished task (01), and the
worker running it is killed (SIGKILL, with its kernel), so Dask runs it again on a worker. A serial
``run_all.sh`` run of 01 with the same parameters gives the numbers the sweep must reproduce. The
sweep file gives the seed as its one parameter set (``sets:``). More tasks would cost more than the
suite's budget for these tests: the parameter columns of sweep.csv are checked without training in
test_sweep_cli.py.
"""

from __future__ import annotations

import json
import os
import shlex
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import child_env

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("test_sweep_cluster")]

BIN = Path(sys.executable).parent
SETTINGS = {"data_source": "synthetic", "train_size": 300, "test_size": 100, "epochs": 1, "lime_samples": 20, "seed": 3}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _env() -> dict:
    return {**child_env(), "HELPERS_TF_THREADS": "1,1", "DASK_DISTRIBUTED__LOGGING__DISTRIBUTED": "error"}


@pytest.fixture(scope="module")
def cluster():
    """``tcp://127.0.0.1:PORT`` of a ``dask scheduler`` with two one-thread ``dask worker``s (without
    nannies: a killed worker is not restarted, so its task must go to the other one)."""
    from distributed import Client

    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    procs = [
        subprocess.Popen(
            [str(BIN / "dask"), "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"],
            env=_env(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    ]
    try:
        for _ in range(2):
            procs.append(
                subprocess.Popen(
                    [
                        str(BIN / "dask"),
                        "worker",
                        address,
                        "--host",
                        "127.0.0.1",
                        "--nthreads",
                        "1",
                        "--no-dashboard",
                        "--no-nanny",
                    ],
                    env=_env(),
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            )
        with Client(address, timeout=60, set_as_default=False) as client:
            client.wait_for_workers(2, timeout=120)
        yield address
    finally:  # nothing to keep: no graceful shutdown (it took 20 s)
        for p in procs:
            p.kill()
            p.wait(timeout=20)


def _kill_a_busy_worker(address: str, deadline: float) -> str:
    """SIGKILL the worker (and its notebook's kernel) that runs a task, once one does."""
    import psutil
    from distributed import Client

    with Client(address, timeout=30, set_as_default=False) as client:
        while time.monotonic() < deadline:
            busy = [w for w, keys in client.processing().items() if keys]
            if busy:
                pid = client.run(os.getpid, workers=[busy[0]])[busy[0]]
                worker = psutil.Process(pid)
                kids = worker.children(recursive=True)
                time.sleep(3)  # well inside the task (the kernel starts)
                worker.kill()
                for kid in kids:
                    kid.kill()
                return busy[0]
            time.sleep(0.2)
    raise AssertionError("no worker ran a task")


@pytest.fixture(scope="module")
def sweep(cluster, tmp_path_factory):
    here = tmp_path_factory.mktemp("sweep")
    base = {k: v for k, v in SETTINGS.items() if k != "seed"}  # the seed comes from the file's one set
    (here / "seeds.yaml").write_text(
        json.dumps({"notebooks": ["00", "01"], "parameters": base, "sets": [{"seed": SETTINGS["seed"]}]})
    )
    out = here / "out"
    cmd = [sys.executable, "-m", "series_runner", "--sweep", "seeds.yaml", "--out", "out", "--scheduler", cluster]
    # 1. Ctrl-C once the first task is written
    first = subprocess.Popen(cmd, cwd=here, env=_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 400
    while not list(out.glob("*/task.json")) and first.poll() is None and time.monotonic() < deadline:
        time.sleep(0.1)
    first.send_signal(signal.SIGINT)
    out1, err1 = first.communicate(timeout=120)
    kept = {p.parent.name: p.read_text() for p in out.glob("*/task.json")}
    # 2. the printed resume command, while a worker dies under the remaining task
    resume = err1.strip().splitlines()[-1].strip()
    second = subprocess.Popen(
        [sys.executable, "-m", "series_runner", *shlex.split(resume)[1:]],
        cwd=here,
        env=_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    killed = _kill_a_busy_worker(cluster, time.monotonic() + 300)
    out2, err2 = second.communicate(timeout=600)
    # 3. the same run made with run_all.sh's serial runner
    serial = subprocess.run(
        [
            sys.executable,
            "-m",
            "series_runner",
            "--only",
            "01",
            "--out",
            "serial",
            *[a for k, v in SETTINGS.items() for a in ("-p", k, str(v))],
        ],
        cwd=here,
        env=_env(),
        capture_output=True,
        text=True,
        timeout=600,
    )
    return {
        "out": out,
        "here": here,
        "first": (first.returncode, out1, err1),
        "kept": kept,
        "resume": resume,
        "second": (second.returncode, out2, err2),
        "killed": killed,
        "serial": serial,
    }


def test_ctrl_c_keeps_finished_tasks_and_prints_the_resume_command(sweep):
    status, out, err = sweep["first"]
    assert status == 130, out + err
    assert list(sweep["kept"]) == ["00"], (sweep["kept"], out, err)  # 00 finished, 01 stopped
    assert "To finish the sweep" in err
    words = shlex.split(sweep["resume"])
    assert Path(words[0]).name == "run_all.sh" and words[1:5] == ["--sweep", "seeds.yaml", "--out", "out"], words


def test_the_same_command_again_runs_only_unfinished_tasks_despite_a_killed_worker(sweep):
    status, out, err = sweep["second"]
    assert status == 0, out + err
    assert "1 complete already, skipped" in out, out
    for folder, text in sweep["kept"].items():  # the finished task was not run again
        assert (sweep["out"] / folder / "task.json").read_text() == text
    rows = (sweep["out"] / "sweep.csv").read_text().splitlines()
    assert rows[0] == "task,notebook,test_accuracy,macro_f1,fit_seconds,worker,status,error"
    assert [r.split(",")[:2] for r in rows[1:]] == [["00", "00_prepare_data"], ["01", "01_lstm_25_tokens"]]
    assert rows[1].split(",")[2:5] == ["", "", ""]  # 00 trains nothing: no metrics, status ok
    assert all(r.split(",")[-2] == "ok" for r in rows[1:]), rows
    ran = [line for line in out.splitlines() if line.startswith(("00:", "01:"))]
    assert len(ran) == 1 and ran[0].startswith("01: ok") and f"({sweep['killed']}," not in ran[0], (
        ran,
        sweep["killed"],
    )
    for name in ("summary.csv", "sweep.png", "index.html"):
        assert (sweep["out"] / name).stat().st_size > 0


def test_metrics_equal_the_same_run_made_with_run_all(sweep):
    from helpers.evaluation import without_timings

    assert sweep["serial"].returncode == 0, sweep["serial"].stdout + sweep["serial"].stderr
    name = "01_lstm_25_tokens.json"
    serial = json.loads((sweep["here"] / "serial" / "metrics" / name).read_text())
    swept = json.loads((sweep["out"] / "01" / "metrics" / name).read_text())
    assert swept["seed"] == 3 and swept["n_train"] + swept["n_val"] == 300  # the parameters reached it
    assert without_timings(swept) == without_timings(serial)
    assert (sweep["out"] / "01" / "notebooks" / "01_lstm_25_tokens.ipynb").is_file()
    assert not (sweep["out"] / "01" / "models").exists()  # models only with --keep-models

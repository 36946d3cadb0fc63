"""``./run_all.sh --sweep`` before any task: bad sweep files get one message naming the place and
exit status 2 with nothing started (no cluster, no sweep folder), and so does a cluster without
``distributed`` installed; the embedded cluster needs no
running one and listens on 127.0.0.1 only; a scheduler that cannot import the project is named in
one line. The parts that do not train (sweep.csv's columns, the summary, resume keys) are checked here
too; the sweep on a real cluster is tests/test_sweep_cluster.py."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from series_runner import sweep as sweep_mod
from series_runner import sweepout
from series_runner.series import run_series

GOOD = {"notebooks": ["01"], "parameters": {"data_source": "synthetic", "epochs": 1}, "grid": {"seed": [0, 1]}}


@pytest.mark.parametrize(
    "text, place",
    [
        ("notebooks: [01\n", "not valid YAML"),
        (json.dumps({"notebooks": ["01", "09"]}), "unknown notebook '09'"),
        (json.dumps({**GOOD, "grid": {"seed": 3}}), "key 'grid.seed'"),
        (json.dumps({**GOOD, "grid": {"epochs": [1, 0]}}), "epochs must be"),
        (json.dumps({**GOOD, "gird": {}}), "unknown key 'gird'"),
        (
            json.dumps({"notebooks": ["06"], "grid": {"seed": [0, 1]}}),
            "no notebook of the sweep takes parameter 'seed'",
        ),
        (json.dumps({**GOOD, "sets": {"max_tokens": 10}}), "key 'sets': a non-empty list of parameter sets"),
        (json.dumps({**GOOD, "sets": [{"max_tokens": 10}, "max_tokens: 20"]}), "key 'sets[1]': a mapping"),
        (
            json.dumps({**GOOD, "sets": [{"max_tokens": 10}, {"max_token": 20}]}),
            "key 'sets[1].max_token': unknown parameter",
        ),
        (json.dumps({**GOOD, "sets": [{"max_tokens": 0}]}), "key 'sets[0].max_tokens': max_tokens must be"),
    ],
)
def test_a_bad_sweep_file_gets_one_message_and_nothing_starts(tmp_path, capsys, monkeypatch, text, place):
    started = []
    monkeypatch.setattr(sweep_mod, "open_client", lambda *a, **k: started.append(a))  # must not be reached
    bad = tmp_path / "bad.yaml"
    bad.write_text(text)
    status = run_series(["--sweep", str(bad), "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err.strip()
    assert status == 2
    assert len(err.splitlines()) == 1 and err.startswith(f"run_all.sh: {bad}") and place in err, err
    assert not (tmp_path / "out").exists() and not started


def test_sweep_options_that_belong_in_the_file_are_refused(tmp_path, capsys):
    (tmp_path / "s.yaml").write_text(json.dumps(GOOD))
    assert run_series(["--sweep", str(tmp_path / "s.yaml"), "-p", "epochs", "2"]) == 2
    assert "-p does not go with --sweep" in capsys.readouterr().err
    assert run_series(["--sweep", str(tmp_path / "s.yaml"), "--workers", "0"]) == 2
    assert "--workers must be at least 1" in capsys.readouterr().err


@pytest.mark.parametrize("args", [["--sweep", "s.yaml"], ["--workers", "2"], ["--scheduler", "tcp://127.0.0.1:1"]])
def test_without_distributed_a_cluster_stops_at_once_naming_the_install(tmp_path, capsys, monkeypatch, args):
    """``distributed`` comes with the ``sweeps`` extra, not with the learner's install."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "s.yaml").write_text(json.dumps(GOOD))
    monkeypatch.setitem(sys.modules, "distributed", None)  # `import distributed` fails as if not installed
    assert run_series([*args, "--out", "out"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and err.endswith("./setup.sh --sweeps"), err
    assert "`distributed`" in err and not (tmp_path / "out").exists()


def test_tasks_keys_and_folders(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text(json.dumps({**GOOD, "notebooks": ["01", "02_lstm_50_tokens"]}))
    tasks, varied = sweep_mod.plan(path)
    assert varied == ["seed"]
    assert [t.folder for t in tasks] == ["01_seed-0", "02_seed-0", "01_seed-1", "02_seed-1"]
    assert len({t.key for t in tasks}) == 4  # the parameters and the notebook make the key
    again, _ = sweep_mod.plan(path)
    assert [t.key for t in again] == [t.key for t in tasks]
    # a result is reused only when complete (task.json written last, status ok) and of this task
    record = sweep_mod.write_result(
        tmp_path,
        tasks[0],
        {
            "status": "ok",
            "files": {
                "metrics/01_lstm_25_tokens.json": json.dumps(
                    {"test_accuracy": 0.5, "macro_f1": 0.4, "fit_seconds": 2.0}
                ).encode()
            },
        },
    )
    assert sweep_mod.complete(tmp_path, tasks[0]) == record and record["test_accuracy"] == 0.5
    assert sweep_mod.complete(tmp_path, tasks[2]) is None
    sweep_mod.write_result(tmp_path, tasks[2], {"status": "failed", "error": "ValueError: x", "files": {}})
    assert sweep_mod.complete(tmp_path, tasks[2]) is None  # a failed task runs again
    tasks[0].parameters["epochs"] = 2
    assert sweep_mod.complete(tmp_path, tasks[0]) is None


def test_a_sweep_of_sets_plans_exactly_its_sets(tmp_path):
    path = tmp_path / "class.yaml"
    path.write_text(
        json.dumps(
            {
                "notebooks": ["01"],
                "parameters": {"data_source": "synthetic", "epochs": 1},
                "sets": [{"max_tokens": 10, "seed": 1}, {"max_tokens": 20, "seed": 1}, {"max_tokens": 20, "seed": 2}],
            }
        )
    )
    tasks, varied = sweep_mod.plan(path)
    assert varied == ["max_tokens", "seed"]
    assert [t.folder for t in tasks] == [
        "01_max_tokens-10_seed-1",
        "01_max_tokens-20_seed-1",
        "01_max_tokens-20_seed-2",
    ]
    assert [t.parameters for t in tasks] == [
        {"data_source": "synthetic", "epochs": 1, "max_tokens": m, "seed": s} for m, s in ((10, 1), (20, 1), (20, 2))
    ]


def test_sweep_csv_and_summary(tmp_path):
    records = [
        {
            "task": f"01_seed-{s}",
            "notebook": "01_lstm_25_tokens",
            "varied": {"seed": s},
            "status": "ok",
            "test_accuracy": acc,
            "macro_f1": 0.5,
            "fit_seconds": 1.0,
            "worker": "w",
        }
        for s, acc in ((0, 0.8), (1, 0.9))
    ]
    records.append(
        {
            "task": "01_seed-2",
            "notebook": "01_lstm_25_tokens",
            "varied": {"seed": 2},
            "status": "failed",
            "error": "Boom:\n  two lines",
            "test_accuracy": 0.1,
            "worker": "w",
        }
    )
    sweepout.write_all(tmp_path, records, ["seed"])
    lines = (tmp_path / "sweep.csv").read_text().splitlines()
    assert lines[0] == "task,notebook,seed,test_accuracy,macro_f1,fit_seconds,worker,status,error"
    assert lines[3] == "01_seed-2,01_lstm_25_tokens,2,,,,w,failed,Boom: two lines"
    summary = (tmp_path / "summary.csv").read_text().splitlines()
    assert summary[0] == "notebook,mean,std,min,max,n,published"
    assert summary[1] == "01_lstm_25_tokens,0.85,0.070711,0.8,0.9,2,0.9018"
    assert (tmp_path / "sweep.png").stat().st_size > 1000 and "01_seed-2" in (tmp_path / "index.html").read_text()


def test_the_embedded_cluster_listens_on_loopback_only():
    """No scheduler running anywhere: open_client() starts its own, every socket on 127.0.0.1."""
    code = """
import os, psutil
from series_runner.cluster import open_client
if __name__ == "__main__":
    os.environ.pop("DASK_SCHEDULER_ADDRESS", None)
    with open_client(workers=1) as client:
        me = psutil.Process()
        print(sorted({c.laddr.ip for p in [me, *me.children(recursive=True)]
                      for c in p.net_connections("inet") if c.status == psutil.CONN_LISTEN}))
        print(len(client.scheduler_info()["workers"]))
"""
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    ips, workers = r.stdout.split("\n")[:2]
    assert ips == "['127.0.0.1']" and workers == "1", r.stdout


def test_a_scheduler_that_cannot_import_helpers_is_named_in_one_line(tmp_path, capsys):
    from series_runner.cluster import open_client

    code = (
        "import sys; sys.modules['helpers'] = None\n"  # this scheduler's Python has no helpers
        "from distributed.cli.dask_scheduler import main\nsys.exit(main())"
    )
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(
        [sys.executable, "-c", code, "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        with open_client(f"tcp://127.0.0.1:{port}", timeout=60) as client:
            with pytest.raises(
                sweep_mod.Stop,
                match=r"^the Dask scheduler at tcp://127.0.0.1:\d+ cannot "
                r"import helpers and series_runner \(.*\): start `dask scheduler` from",
            ):
                sweep_mod.check_cluster(client, f"tcp://127.0.0.1:{port}")
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def test_run_all_passes_sweep_dir_relative_to_the_notebooks_folder(tmp_path, monkeypatch):
    """``./run_all.sh --only 06 -p sweep_dir runs/sweep-x``: the kernel runs in DIR/notebooks."""
    from series_runner.notebooks import notebook_parameters

    monkeypatch.chdir(tmp_path)
    got = notebook_parameters(
        {"sweep_dir": "runs/sweep-x", "seed": 1}, {"sweep_dir", "output_dir"}, tmp_path / "out" / "notebooks"
    )
    assert got == {"sweep_dir": "../../runs/sweep-x", "output_dir": ".."}


def test_the_embedded_cluster_shares_the_cores_out_by_the_notebooks_thread_rule(monkeypatch):
    from series_runner.cluster import tf_threads

    monkeypatch.delenv("HELPERS_TF_THREADS", raising=False)
    assert tf_threads(workers=2, n_cores=8) == "2,2"  # 4 cores each: half per operation, two at once
    assert tf_threads(workers=4, n_cores=4) == "1,2"

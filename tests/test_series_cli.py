"""``./run_all.sh -p NAME VALUE`` reads values exactly as papermill's ``-p`` does (None, True/False,
integers, floats, text), and a list written as ``"[50, 60, 75]"`` as a list; bad values still stop
the runner before anything runs, naming the parameter (in-process, and once through ./run_all.sh)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from conftest import child_env

from helpers.params import ParameterError
from series_runner.cli import build_parameters, parser
from series_runner.datacheck import data_needs

REPO = Path(__file__).resolve().parent.parent


def _params(*pairs: str) -> dict:
    argv = []
    for name, value in zip(pairs[::2], pairs[1::2]):
        argv += ["-p", name, value]
    return build_parameters(parser().parse_args(argv))


@pytest.mark.parametrize(
    "name, text, expected",
    [
        ("train_size", "None", None),
        ("test_size", "800", 800),
        ("data_dir", "None", None),
        ("data_dir", "data/ag news", "data/ag news"),
        ("lstm_units", "[50, 60, 75]", [50, 60, 75]),
        ("data_source", "ag_news_test_split", "ag_news_test_split"),
        ("epochs", "3", 3),
        ("seed", "0", 0),
    ],
)
def test_a_value_is_read_like_papermill(name, text, expected):
    got = _params(name, text)[name]
    assert got == expected and type(got) is type(expected)


@pytest.mark.parametrize(
    "name, text, shown",
    [
        ("max_tokens", "0", "0"),
        ("train_size", "none", "'none'"),  # papermill reads only None (so written) as None
        ("train_size", "null", "'null'"),
        ("data_source", "true", "'true'"),
        ("seed", "True", "True"),  # a boolean is not an integer
        ("epochs", "2.5", "2.5"),
        ("lstm_units", "[50, 0]", "[50, 0]"),
        ("lstm_units", "[50, x]", "'[50, x]'"),
        ("data_source", "None", "None"),
    ],
)
def test_a_bad_value_names_its_parameter(name, text, shown):
    with pytest.raises(ParameterError) as e:
        _params(name, text)
    assert str(e.value).startswith(f"{name} must be") and f"got {shown}" in str(e.value)


def test_data_dir_none_means_no_folder(tmp_path):
    """``-p data_dir None`` reads $AG_NEWS_DIR or the cache, never a folder named "None"."""
    nb = tmp_path / "01_x.ipynb"
    needs = data_needs(
        {nb: {"data_source": "ag_news", "data_dir": "/some/where"}},
        _params("data_dir", "None"),
        tmp_path / "run" / "notebooks",
    )
    assert needs == {None: {"train": ["01_x"], "test": ["01_x"]}}


def test_help_says_how_to_write_a_list_and_none():
    r = subprocess.run(
        [sys.executable, "-m", "series_runner", "--help"],
        cwd=REPO,
        env=child_env(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert r.returncode == 0, r.stderr
    assert '-p lstm_units "[50, 60, 75]"' in r.stdout and "-p train_size None" in r.stdout
    assert "-p data_dir None" in r.stdout and "AG_NEWS_BASE_URL" in r.stdout


@pytest.mark.parametrize(
    "args, words",
    [
        (["-p", "max_tokens", "0"], "max_tokens must be"),
        (["-p", "epoch", "3"], "unknown parameter 'epoch'"),
        (["-p", "lstm_units", "[]"], "lstm_units must be"),
        (["-p", "batch_size", "x"], "batch_size must be"),
        (["--only", "01,06", "-p", "epochs", "0"], "epochs must be"),
        (["-p", "train_size", "none"], "train_size must be"),
    ],
)
def test_a_bad_parameter_stops_the_run_before_anything_runs(tmp_path, capsys, monkeypatch, args, words):
    from series_runner import series

    monkeypatch.setattr(series, "compute", lambda *a, **k: pytest.fail("a notebook ran"))
    out = tmp_path / "run"
    assert series.run_series([*args, "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"run_all.sh: {words}") and len(err.splitlines()) == 1, err
    assert not out.exists()


def test_run_all_sh_refuses_a_bad_parameter_with_status_2_and_writes_nothing(tmp_path):
    """The documented command itself, once: the same refusal through ./run_all.sh."""
    out = tmp_path / "run"
    r = subprocess.run(
        [str(REPO / "run_all.sh"), "-p", "train_size", "none", "--out", str(out)],
        cwd=tmp_path,
        env=child_env(),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert r.returncode == 2, r.stdout + r.stderr
    assert r.stderr.startswith("run_all.sh: train_size must be") and "got 'none'" in r.stderr, r.stderr
    assert not out.exists() and sorted(p.name for p in tmp_path.iterdir()) == []

"""The data first, once: before any kernel starts, ``./run_all.sh`` makes sure the AG News files
the chosen notebooks need are there (folder, $AG_NEWS_DIR, cache) or downloads them (progress bar,
MD5 check); when it cannot, it stops within seconds with one message and no run folder."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest
from conftest import ROWS, child_env, csv_text, md5

import helpers.data as data
from series_runner.datacheck import DataUnavailable, data_needs, ensure_data
from series_runner.series import run_series

REPO = Path(__file__).resolve().parent.parent


def _write_notebook(path: Path, params: str, body: str = "pass") -> None:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    cell = nbformat.v4.new_code_cell(params)
    cell.metadata["tags"] = ["parameters"]
    nb.cells = [cell, nbformat.v4.new_code_cell(body)]
    nbformat.write(nb, path)


def _books(folder: Path) -> Path:
    """Three notebooks: one reads all AG News, one its test split only, one no data (a summary)."""
    folder.mkdir()
    _write_notebook(folder / "00_full.ipynb", 'data_source = "ag_news"\ndata_dir = None\noutput_dir = "."')
    _write_notebook(
        folder / "01_test_only.ipynb", 'data_source = "ag_news_test_split"\ndata_dir = None\noutput_dir = "."'
    )
    _write_notebook(folder / "06_summary.ipynb", 'output_dir = "."')
    return folder


def _closed_port_url() -> str:
    """A 127.0.0.1 address nothing listens on: a download there fails at once, as offline."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/ag_news_csv"


def _offline_env(tmp_path: Path) -> dict:
    env = child_env()
    env.pop("AG_NEWS_DIR", None)
    env["KERAS_HOME"] = str(tmp_path / "keras_home")  # an empty download cache
    env["AG_NEWS_BASE_URL"] = _closed_port_url()
    return env


def _run(args, cwd, env, timeout=60):
    t0 = time.monotonic()
    r = subprocess.run(
        [sys.executable, "-m", "series_runner", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    return r, time.monotonic() - t0


def test_offline_without_data_stops_at_once_with_one_message(tmp_path):
    books = _books(tmp_path / "books")
    out = tmp_path / "run"
    env = _offline_env(tmp_path)
    r, seconds = _run(["--notebooks", str(books), "--out", str(out)], REPO, env)

    assert r.returncode == 2, r.stdout + r.stderr
    assert seconds < 10, f"took {seconds:.1f} s"
    err = r.stderr
    assert err.count("AG News is not available") == 1 and "Traceback" not in err
    # what is missing and for which notebooks (not the summary, which takes no data)
    assert "train.csv and test.csv are missing (needed by 00_full, 01_test_only)" in err
    assert "06_summary" not in err
    # where it looked: the (empty) cache and the download address
    cache = Path(env["KERAS_HOME"]) / "datasets" / "ag_news"
    assert f"the download cache {cache}/ and {env['AG_NEWS_BASE_URL']}/" in err
    assert "Connection refused" in err
    # how to provide it, and the way without AG News
    assert "AG_NEWS_DIR=/that/folder ./run_all.sh" in err and "-p data_dir /that/folder" in err
    assert f"{env['AG_NEWS_BASE_URL']}/train.csv" in err and data.AG_NEWS_MD5["train"] in err
    assert "./run_all.sh --synthetic" in err
    # no kernel started: no run folder, no notebook line
    assert not out.exists() and "[1/" not in r.stdout
    assert not list(books.glob("*.ipynb.*")) and len(list(books.iterdir())) == 3


def test_only_the_test_split_is_needed_for_ag_news_test_split(tmp_path):
    books = _books(tmp_path / "books")
    r, _ = _run(
        ["--notebooks", str(books), "--only", "01,06", "--out", str(tmp_path / "run")], REPO, _offline_env(tmp_path)
    )
    assert r.returncode == 2
    assert "test.csv is missing (needed by 01_test_only)" in r.stderr and "train.csv" not in r.stderr
    assert not (tmp_path / "run").exists()


def test_a_data_folder_is_named_as_the_user_wrote_it(tmp_path):
    """A relative -p data_dir / $AG_NEWS_DIR appears in the message as typed, relative to where the
    command was given; a file with the wrong MD5 is named with what was expected."""
    _books(tmp_path / "books")
    (tmp_path / "my data").mkdir()
    (tmp_path / "my data" / "train.csv").write_text("not AG News\n")
    env = _offline_env(tmp_path)
    r, seconds = _run(["--notebooks", "books", "-p", "data_dir", "my data/", "--out", "run"], tmp_path, env)
    assert r.returncode == 2 and seconds < 10
    err = r.stderr
    assert "Looked in: my data/ (from -p data_dir)." in err
    assert "my data/test.csv: no such file" in err
    assert f"my data/train.csv: MD5 checksum mismatch (expected {data.AG_NEWS_MD5['train']}" in err
    assert str(tmp_path) not in err and "../" not in err
    assert not (tmp_path / "run").exists()

    env["AG_NEWS_DIR"] = "./elsewhere/ag"
    r, _ = _run(["--notebooks", "books", "--only", "01", "--out", "run"], tmp_path, env)
    assert r.returncode == 2 and "Looked in: elsewhere/ag/ (from $AG_NEWS_DIR)." in r.stderr
    assert "elsewhere/ag/test.csv: no such file" in r.stderr


def test_data_needs_follow_the_effective_parameters(tmp_path):
    run_nbs = tmp_path / "run" / "notebooks"
    defaults = {
        Path("00_full.ipynb"): {"data_source": "ag_news", "data_dir": None},
        Path("01_split.ipynb"): {"data_source": "ag_news_test_split", "data_dir": None},
        Path("06_summary.ipynb"): {"output_dir": "."},
    }
    assert data_needs(defaults, {}, run_nbs) == {None: {"train": ["00_full"], "test": ["00_full", "01_split"]}}
    assert data_needs(defaults, {"data_source": "synthetic"}, run_nbs) == {}
    assert data_needs(defaults, {"data_source": "ag_news_test_split", "data_dir": "d"}, run_nbs) == {
        "d": {"test": ["00_full", "01_split"]}
    }
    # a notebook's own relative default is relative to its working folder, DIR/notebooks
    own = {Path("02_own.ipynb"): {"data_source": "ag_news", "data_dir": "../data"}}
    assert data_needs(own, {}, run_nbs) == {str(tmp_path / "run" / "data"): {"train": ["02_own"], "test": ["02_own"]}}


@pytest.fixture
def served(http_server, tmp_path, monkeypatch):
    """Small AG-News-format files on the local server, the known MD5s pointing at them, an empty
    download cache, and the runner's download address pointing at the server."""
    url, folder, truncate = http_server
    files = {"train": csv_text(ROWS * 3).encode(), "test": csv_text(ROWS).encode()}
    for split, body in files.items():
        (folder / f"{split}.csv").write_bytes(body)
    monkeypatch.setattr(data, "AG_NEWS_MD5", {s: md5(b) for s, b in files.items()})
    monkeypatch.delenv("AG_NEWS_DIR", raising=False)
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras_home"))
    monkeypatch.setenv("AG_NEWS_BASE_URL", url)
    return url, folder, truncate, files, tmp_path / "keras_home" / "datasets" / "ag_news"


def test_the_runner_downloads_once_with_progress_and_md5_check(served, tmp_path, capsys, monkeypatch):
    url, _, _, files, cache = served
    books = _books(tmp_path / "books")
    # The full notebook checks, in its kernel, that the files are in the cache before it starts.
    _write_notebook(
        books / "00_full.ipynb",
        'data_source = "ag_news"\ndata_dir = None\noutput_dir = "."',
        "import os\nfrom pathlib import Path\n"
        "cache = Path(os.environ['KERAS_HOME'], 'datasets', 'ag_news')\n"
        "Path(output_dir, 'seen.txt').write_text(' '.join(sorted(p.name for p in cache.iterdir())))",
    )
    monkeypatch.chdir(tmp_path)
    status = run_series(["--notebooks", "books", "--only", "00", "--out", "run"])
    shown = capsys.readouterr()

    assert status == 0, shown.out + shown.err
    for split in ("train", "test"):
        assert f"Downloading data from {url}/{split}.csv" in shown.out  # keras' progress bar follows
        assert (cache / f"{split}.csv").read_bytes() == files[split]
    assert "/step" in shown.out  # the bar's last state: "N/N ━━━ 0s 0us/step"
    assert shown.out.index("Downloading data") < shown.out.index("[1/1] 00_full ...")
    assert (tmp_path / "run" / "seen.txt").read_text() == "test.csv train.csv"

    # Second time: found in the cache, nothing downloaded.
    found = ensure_data(
        data_needs({Path("00_full.ipynb"): {"data_source": "ag_news", "data_dir": None}}, {}, tmp_path / "x")
    )
    assert sorted(p.name for p in found) == ["test.csv", "train.csv"]
    assert "Downloading" not in capsys.readouterr().out


@pytest.mark.parametrize("fault", ["altered", "truncated"])
def test_a_bad_download_is_one_message_and_is_deleted(served, fault, capsys, monkeypatch):
    url, folder, truncate, files, cache = served
    if fault == "altered":
        (folder / "test.csv").write_bytes(files["test"].replace(b"Phelps", b"Pheeps"))
    else:
        truncate.add("test.csv")
    needs = {None: {"test": ["01_test_only"]}}
    message = _message(needs)
    assert message.startswith("AG News is not available, so no notebook was started: test.csv is missing")
    assert f"{url}/test.csv" in message
    if fault == "altered":
        assert f"MD5 checksum mismatch (expected {data.AG_NEWS_MD5['test']}" in message
    else:
        assert "  - download failed: " in message
    assert not (cache / "test.csv").exists(), "a bad download was left in the cache"
    # a file's problem is said in data's own words; where the runner looked, in its own
    _reword(monkeypatch)
    assert _message(needs) == message


def _message(needs) -> str:
    with pytest.raises(DataUnavailable) as e:
        ensure_data(needs)
    return str(e.value)


def _reword(monkeypatch) -> None:
    """``helpers.data``'s not-found message reworded: the runner says where it looked itself."""
    monkeypatch.setattr(data, "NOT_FOUND_MESSAGE", "REWORDED: no {split} file")


def test_the_runner_names_files_as_typed_and_says_a_checksum_as_data_does(tmp_path, monkeypatch):
    """A missing file: the runner's own line, whatever data's wording; a wrong MD5: data's one
    checksum message, naming the file as the user typed its folder."""
    folder = tmp_path / "my data"
    folder.mkdir()
    (folder / "train.csv").write_text("not AG News\n")
    monkeypatch.chdir(tmp_path)
    needs = {"my data": {"train": ["01_x"], "test": ["01_x"]}}
    before = _message(needs)
    assert "my data/test.csv: no such file" in before
    actual = md5((folder / "train.csv").read_bytes())
    assert f"  - {data.checksum_message('my data/train.csv', data.AG_NEWS_MD5['train'], actual)}\n" in before
    with pytest.raises(data.ChecksumError) as e:
        data.folder_file("train", folder)
    assert str(e.value).startswith(data.checksum_message(folder / "train.csv", data.AG_NEWS_MD5["train"], actual))

    _reword(monkeypatch)
    with pytest.raises(data.DataNotFoundError, match="^REWORDED: no test file$"):  # the rewording is used
        data.folder_file("test", folder)
    assert _message(needs) == before


def test_ctrl_c_while_getting_the_data_stops_with_status_130(monkeypatch, tmp_path):
    """The data step the series and the sweep share: Ctrl-C during the download is a clean stop
    (exit 130, one sentence), and $AG_NEWS_DIR is handed on in full."""
    from series_runner import datacheck

    def interrupted(needs):
        raise KeyboardInterrupt

    monkeypatch.setattr(datacheck, "ensure_data", interrupted)
    with pytest.raises(datacheck.DataUnavailable, match="interrupted while getting the data; nothing was run.") as e:
        datacheck.ensure_run_data({"x": {"train": ["01"]}})
    assert e.value.status == 130 and datacheck.DataUnavailable("missing").status == 2
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("AG_NEWS_DIR", "data")
    datacheck.ensure_run_data({})
    assert os.environ["AG_NEWS_DIR"] == str(tmp_path / "data")

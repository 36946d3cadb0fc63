"""AG News loading: parsing, MD5 checks, data folders, downloads from a local server, errors."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import ROWS, csv_text, md5

import helpers
from helpers import data as D


def test_parse_joins_title_and_description_and_shifts_labels(small_files):
    texts, labels = D.parse_csv(small_files / "test.csv")
    assert texts.shape == (len(ROWS),) and labels.shape == (len(ROWS),)
    assert labels.dtype == np.int64
    assert labels.tolist() == [int(r[0]) - 1 for r in ROWS]
    assert texts[0] == ROWS[0][1] + " " + ROWS[0][2]
    # quotes inside fields survive the CSV round trip; backslashes stay as in the file
    assert '"deeply concerned"' in texts[4]
    assert "dwindling\\band" in texts[0]


def test_load_from_data_dir_argument(small_files):
    d = helpers.load_ag_news(small_files)
    assert (d.n_train, d.n_test) == (3 * len(ROWS), len(ROWS))
    assert d.class_names == ("World", "Sports", "Business", "Sci/Tech")


def test_load_from_environment_variable(small_files, monkeypatch):
    monkeypatch.setenv("AG_NEWS_DIR", str(small_files))
    assert helpers.load_ag_news().n_test == len(ROWS)


def test_argument_wins_over_environment(small_files, tmp_path, monkeypatch):
    monkeypatch.setenv("AG_NEWS_DIR", str(tmp_path / "nowhere"))
    assert helpers.load_ag_news(small_files).n_test == len(ROWS)


@pytest.mark.parametrize(
    "row, line_problem",
    [
        ('"1","only a title"\n', "expected 3 columns"),
        ('"5","title","description"\n', "class index must be 1, 2, 3 or 4"),
        ('"0","title","description"\n', "class index must be 1, 2, 3 or 4"),
        ('"x","title","description"\n', "class index must be 1, 2, 3 or 4"),
        ('"1","title","desc","extra"\n', "expected 3 columns"),
    ],
)
def test_malformed_row_names_file_and_line(tmp_path, row, line_problem):
    path = tmp_path / "bad.csv"
    path.write_text(csv_text(ROWS[:2]) + row + csv_text(ROWS[2:3]))
    with pytest.raises(D.MalformedDataError) as e:
        D.parse_csv(path)
    assert e.value.line == 3
    assert str(path) in str(e.value) and "line 3" in str(e.value) and line_problem in str(e.value)


def test_broken_quoting_and_empty_file(tmp_path):
    path = tmp_path / "quote.csv"
    path.write_text(csv_text(ROWS[:1]) + '"1","unterminated,"x"\n')
    with pytest.raises(D.MalformedDataError, match="line 2"):
        D.parse_csv(path)
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    with pytest.raises(D.MalformedDataError, match="no rows"):
        D.parse_csv(empty)


def test_checksum_mismatch_in_folder_names_file_and_both_hashes(small_files):
    path = small_files / "test.csv"
    data = path.read_bytes()
    path.write_bytes(data[:-10])  # truncated
    with pytest.raises(D.ChecksumError) as e:
        helpers.load_ag_news(small_files)
    msg = str(e.value)
    assert str(path) in msg
    assert D.AG_NEWS_MD5["test"] in msg and md5(data[:-10]) in msg
    assert e.value.expected == D.AG_NEWS_MD5["test"] and e.value.actual == md5(data[:-10])


def test_missing_files_give_one_actionable_paragraph(tmp_path, monkeypatch):
    monkeypatch.delenv("AG_NEWS_DIR", raising=False)
    with pytest.raises(D.DataNotFoundError) as e:
        helpers.load_ag_news(tmp_path)
    msg = str(e.value)
    assert "\n" not in msg  # one paragraph
    assert str(tmp_path / "train.csv") in msg  # where it looked
    assert "AG_NEWS_DIR" in msg  # how to provide the files
    assert f"{D.AG_NEWS_BASE_URL}/train.csv" in msg and f"{D.AG_NEWS_BASE_URL}/test.csv" in msg
    assert isinstance(e.value, FileNotFoundError)


def _serve(folder, small_files):
    for name in ("train.csv", "test.csv"):
        (folder / name).write_bytes((small_files / name).read_bytes())


def test_download_from_local_server_then_cache(small_files, http_server, tmp_path, capsys):
    base, served, _ = http_server
    _serve(served, small_files)
    cache = tmp_path / "cache"
    d = helpers.load_ag_news(base_url=base, cache_dir=cache)
    assert (d.n_train, d.n_test) == (3 * len(ROWS), len(ROWS))
    cached = cache / "datasets" / "ag_news" / "test.csv"
    assert cached.read_bytes() == (small_files / "test.csv").read_bytes()
    assert "Downloading data from" in capsys.readouterr().out  # with Keras' progress bar
    # Second load: from the cache, even with the server's files gone.
    for f in served.iterdir():
        f.unlink()
    assert helpers.load_ag_news(base_url=base, cache_dir=cache).n_test == len(ROWS)


def test_altered_cache_is_not_trusted_again(small_files, http_server, tmp_path):
    base, served, _ = http_server
    _serve(served, small_files)
    cache = tmp_path / "cache"
    helpers.load_ag_news(base_url=base, cache_dir=cache)
    cached = cache / "datasets" / "ag_news" / "train.csv"
    cached.write_bytes(cached.read_bytes()[:-5])  # corrupt the cached copy
    d = helpers.load_ag_news(base_url=base, cache_dir=cache)  # re-downloaded, verified
    assert d.n_train == 3 * len(ROWS)
    assert cached.read_bytes() == (small_files / "train.csv").read_bytes()


def test_wrong_download_raises_checksum_error_and_leaves_no_file(small_files, http_server, tmp_path):
    base, served, _ = http_server
    _serve(served, small_files)
    (served / "test.csv").write_bytes(b'"1","altered","file"\n')
    cache = tmp_path / "cache"
    with pytest.raises(D.ChecksumError) as e:
        helpers.load_split("test", base_url=base, cache_dir=cache)
    assert D.AG_NEWS_MD5["test"] in str(e.value) and "test.csv" in str(e.value)
    assert not (cache / "datasets" / "ag_news" / "test.csv").exists()


def test_interrupted_download_leaves_no_partial_file(small_files, http_server, tmp_path):
    base, served, truncate = http_server
    _serve(served, small_files)
    truncate.add("train.csv")
    cache = tmp_path / "cache"
    with pytest.raises(D.DataError):
        helpers.load_split("train", base_url=base, cache_dir=cache)
    folder = cache / "datasets" / "ag_news"
    assert not (folder / "train.csv").exists()
    assert not [p for p in folder.iterdir() if "train" in p.name]
    # Once the server behaves, the next run downloads and verifies the whole file.
    truncate.clear()
    texts, _ = helpers.load_split("train", base_url=base, cache_dir=cache)
    assert len(texts) == 3 * len(ROWS)


def test_no_network_and_no_cache(tmp_path, monkeypatch):
    import socket

    monkeypatch.delenv("AG_NEWS_DIR", raising=False)
    with socket.socket() as s:  # a port with nobody listening
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    base = f"http://127.0.0.1:{port}/ag_news_csv"
    with pytest.raises(D.DataNotFoundError) as e:
        helpers.load_split("test", base_url=base, cache_dir=tmp_path / "cache")
    msg = str(e.value)
    assert "\n" not in msg and "AG_NEWS_DIR" in msg and f"{base}/test.csv" in msg
    assert "download failed" in msg and "cache" in msg


def test_stratified_subsample_is_seeded_and_balanced():
    labels = np.repeat(np.arange(4), 250)
    texts = np.array([f"t{i}" for i in range(1000)], dtype=object)
    t1, l1 = helpers.stratified_subsample(texts, labels, 100, seed=1)
    t2, l2 = helpers.stratified_subsample(texts, labels, 100, seed=1)
    t3, _ = helpers.stratified_subsample(texts, labels, 100, seed=2)
    assert len(t1) == 100 and np.bincount(l1).tolist() == [25, 25, 25, 25]
    assert t1.tolist() == t2.tolist() and t1.tolist() != t3.tolist()
    assert helpers.stratified_subsample(texts, labels, None)[0] is texts


@pytest.mark.parametrize("seed", range(4))
def test_a_subsample_keeps_the_row_asked_for_and_its_balance(seed):
    from helpers.data import tutorial_text_row

    labels = np.repeat(np.arange(4), 250)
    texts = np.array([f"t{i}" for i in range(1000)], dtype=object)
    texts[613] = helpers.config.TUTORIAL_TITLE + " United Airlines is moving ..."
    assert tutorial_text_row(texts) == 613 and tutorial_text_row(texts[:600]) is None
    kept, kept_labels = helpers.stratified_subsample(texts, labels, 40, seed=seed, keep=613)
    plain, _ = helpers.stratified_subsample(texts, labels, 40, seed=seed)
    assert texts[613] in kept and np.bincount(kept_labels).tolist() == [10] * 4
    assert len(set(kept) ^ set(plain)) in (0, 2)  # at most one row swapped for it
    assert list(kept) == sorted(kept, key=lambda t: list(texts).index(t))  # still in the data's order


def test_load_data_sources(small_files):
    d = helpers.load_data("synthetic", train_size=400, test_size=80, seed=0)
    assert (d.source, d.n_train, d.n_test) == ("synthetic", 400, 80)
    d = helpers.load_data("ag_news", data_dir=small_files, train_size=20, seed=0)
    assert d.n_train == 20 and np.bincount(d.train_labels).tolist() == [5, 5, 5, 5]
    with pytest.raises(ValueError, match="data_source must be one of"):
        helpers.load_data("imdb")

"""Shared fixtures: small AG-News-format files, a local HTTP server, a small trained model."""

from __future__ import annotations

import hashlib
import http.server
import os
import threading
from pathlib import Path

import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


ROWS = [
    (
        "3",
        "Wall St. Bears Claw Back Into the Black (Reuters)",
        "Reuters - Short-sellers, Wall Street's dwindling\\band of ultra-cynics, are seeing green again.",
    ),
    (
        "4",
        "Google IPO faces Playboy slip-up",
        "The bidding gets underway in Google's much-anticipated IPO, despite a Playboy interview.",
    ),
    ("2", "Phelps wins gold", "Michael Phelps won the 200-meter butterfly, his fourth gold medal in Athens."),
    ("1", "Iraq talks resume", "Talks on the future of Iraq resumed in Baghdad on Monday, officials said."),
    (
        "1",
        'UN "concerned" over Sudan',
        'The United Nations said it was "deeply concerned", adding: more troops needed.',
    ),
    ("2", "Yankees beat Red Sox", "The Yankees beat the Red Sox 5-3 in a tense game at the stadium."),
    ("3", "Oil prices rise", "Crude oil prices rose to a record high on Tuesday."),
    ("4", "Linux gains fans", "More companies are moving servers to Linux, analysts say."),
]


def csv_text(rows) -> str:
    def q(s):
        return '"' + s.replace('"', '""') + '"'

    return "".join(",".join(q(c) for c in row) + "\n" for row in rows)


def md5(data: bytes) -> str:
    return hashlib.md5(data).hexdigest()


@pytest.fixture
def small_files(tmp_path, monkeypatch):
    """A folder with small train.csv/test.csv in AG News format; the loader's MD5s point at them."""
    import helpers.data as data

    folder = tmp_path / "ag_news"
    folder.mkdir()
    train = csv_text(ROWS * 3).encode()
    test = csv_text(ROWS).encode()
    (folder / "train.csv").write_bytes(train)
    (folder / "test.csv").write_bytes(test)
    monkeypatch.setattr(data, "AG_NEWS_MD5", {"train": md5(train), "test": md5(test)})
    monkeypatch.delenv("AG_NEWS_DIR", raising=False)
    return folder


class _Handler(http.server.SimpleHTTPRequestHandler):
    truncate: set = set()

    def log_message(self, *args):  # keep test output clean
        pass

    def do_GET(self):
        name = self.path.rsplit("/", 1)[-1]
        if name in self.truncate:
            body = (Path(self.directory) / "ag_news_csv" / name).read_bytes()
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            self.close_connection = True
            return
        super().do_GET()


@pytest.fixture
def http_server(tmp_path):
    """Serve a fresh folder on 127.0.0.1; yields (base_url, folder, truncate_set)."""
    root = tmp_path / "served"
    folder = root / "ag_news_csv"
    folder.mkdir(parents=True)
    truncate: set = set()

    def handler(*a, **kw):
        h = type("H", (_Handler,), {"truncate": truncate})
        return h(*a, directory=str(root), **kw)

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/ag_news_csv", folder, truncate
    finally:
        server.shutdown()
        server.server_close()


def child_env() -> dict:
    """Environment for a child process of the tests (the series runner, a fresh interpreter): this
    virtual environment first on PATH (papermill's kernel), TensorFlow's C++ logs off."""
    import sys

    return {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "TF_CPP_MIN_LOG_LEVEL": "3",
    }


def real_data_dir() -> Path | None:
    d = os.environ.get("AG_NEWS_DIR")
    if d and (Path(d) / "test.csv").is_file():
        return Path(d)
    return None


requires_real_data = pytest.mark.skipif(
    real_data_dir() is None,
    reason="the real AG News test split is not available (set AG_NEWS_DIR to a folder with test.csv)",
)


@pytest.fixture(scope="session")
def small_corpus():
    import helpers

    return helpers.make_synthetic_news(8000, 1000, seed=3)


@pytest.fixture(scope="session")
def trained(small_corpus, tmp_path_factory):
    """Notebook 01's own cells, from ``imports`` to ``text-model``, for one epoch of batch 64 on a small
    generated corpus: the namespace (``vectorizer``, ``model``, ``history``, ``x_test``, ``text_model``,
    ``model_path`` and the SavedModel beside it in ``out / "models"``)."""
    from notebook_code import TRAIN_CELLS, train_approach

    out = tmp_path_factory.mktemp("run")
    (out / "models").mkdir()
    return train_approach("01_lstm_25_tokens", small_corpus, cells=(*TRAIN_CELLS, "text-model"), out=out)

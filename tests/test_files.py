"""Run folders and atomic writes."""

from __future__ import annotations

import pytest

import helpers
from helpers.files import SUBFOLDERS, atomic_path, write_text


def test_prepare_output_dir_creates_subfolders(tmp_path):
    out = helpers.prepare_output_dir(tmp_path / "run")
    assert all((out / s).is_dir() for s in SUBFOLDERS)
    assert not list(out.rglob(".write-test"))


def test_unwritable_output_dir_fails_clearly(tmp_path):
    blocker = tmp_path / "a_file"
    blocker.write_text("x")
    with pytest.raises(helpers.OutputDirError) as e:
        helpers.prepare_output_dir(blocker / "run")
    assert "output_dir" in str(e.value) and "a_file" in str(e.value) and "--out" in str(e.value)


def test_interrupted_write_keeps_the_old_file(tmp_path):
    path = tmp_path / "metrics.json"
    write_text(path, "old")
    with pytest.raises(KeyboardInterrupt):
        with atomic_path(path) as tmp:
            tmp.write_text("half")
            raise KeyboardInterrupt
    assert path.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["metrics.json"]


def test_written_files_get_the_usual_permissions(tmp_path):
    """Atomic writes go through a private temporary file; the result is readable like any file."""
    import os
    import stat

    old = os.umask(0o022)
    try:
        path = helpers.files.write_text(tmp_path / "a" / "results.md", "x")
    finally:
        os.umask(old)
    assert stat.S_IMODE(path.stat().st_mode) == 0o644

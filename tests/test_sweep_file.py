import pytest

from helpers.sweepfile import SweepFileError, expand, load


def test_grid_expands_every_combination():
    tasks = expand({"notebooks": ["01", "02"], "parameters": {"epochs": 1},
                    "grid": {"seed": [0, 1]}})
    assert len(tasks) == 4
    assert ("01", {"epochs": 1, "seed": 1}) in tasks


def test_bad_files_name_the_place(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("notebooks: [01\n")
    with pytest.raises(SweepFileError, match="bad.yaml: not valid YAML"):
        load(bad)
    with pytest.raises(SweepFileError, match="grid.seed"):
        expand({"notebooks": ["01"], "grid": {"seed": 3}})
    with pytest.raises(SweepFileError, match="unknown key 'gird'"):
        expand({"notebooks": ["01"], "gird": {}})


def test_bad_value_is_refused_by_the_notebooks_check():
    with pytest.raises(SweepFileError, match="epochs"):
        expand({"notebooks": ["01"], "grid": {"epochs": [1, 0]}})


def test_unknown_notebook_is_refused():
    with pytest.raises(SweepFileError, match="unknown notebook '09'"):
        expand({"notebooks": ["01", "09"]})


def test_the_shipped_sweep_files_expand_and_pass_the_notebooks_checks():
    """Every example in sweeps/ is a valid sweep (each task's parameters checked; nothing trained)."""
    from pathlib import Path

    files = sorted((Path(__file__).resolve().parent.parent / "sweeps").glob("*.yaml"))
    counts = {f.stem: len(load(f)) for f in files}
    assert counts == {"max_tokens_grid": 12, "seed_spread": 25, "tiny_synthetic": 4}, counts

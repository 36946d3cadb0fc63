import pytest

from series_runner.sweepfile import SweepFileError, expand, load


def test_grid_expands_every_combination():
    tasks = expand({"notebooks": ["01", "02"], "parameters": {"epochs": 1}, "grid": {"seed": [0, 1]}})
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
    assert counts == {"class_sets": 6, "max_tokens_grid": 12, "seed_spread": 25, "tiny_synthetic": 4}, counts


def test_sets_run_exactly_their_sets_on_the_base_parameters():
    tasks = expand(
        {
            "notebooks": ["01"],
            "parameters": {"epochs": 1, "max_tokens": 25},
            "sets": [{"seed": 7}, {"seed": 8, "max_tokens": 50}],
        }
    )
    assert tasks == [
        ("01", {"epochs": 1, "max_tokens": 25, "seed": 7}),
        ("01", {"epochs": 1, "max_tokens": 50, "seed": 8}),
    ]


def test_sets_combine_with_the_grid_each_set_times_each_point():
    tasks = expand(
        {
            "notebooks": ["01", "02"],
            "parameters": {"epochs": 1},
            "sets": [{"max_tokens": 10}, {"max_tokens": 20, "embed_len": 8}],
            "grid": {"seed": [0, 1]},
        }
    )
    assert len(tasks) == 2 * 2 * 2
    assert [p for nb, p in tasks if nb == "01"] == [
        {"epochs": 1, "max_tokens": 10, "seed": 0},
        {"epochs": 1, "max_tokens": 10, "seed": 1},
        {"epochs": 1, "max_tokens": 20, "embed_len": 8, "seed": 0},
        {"epochs": 1, "max_tokens": 20, "embed_len": 8, "seed": 1},
    ]


@pytest.mark.parametrize(
    "sets, place, words",
    [
        ({"max_tokens": 10}, "'sets'", "a non-empty list of parameter sets"),
        ([], "'sets'", "a non-empty list"),
        ([{"max_tokens": 10}, 5], "'sets[1]'", "a mapping of parameters (set 2 of 2), got 5"),
        ([{"max_tokens": 10}, {"epoch": 3}], "'sets[1].epoch'", "unknown parameter 'epoch'"),
        ([{"epochs": 0}], "'sets[0].epochs'", "epochs must be"),
        ([{"sweep_dir": None}], "'sets[0].sweep_dir'", "no notebook of the sweep takes parameter 'sweep_dir'"),
        ([{"seed": 1}], "'sets[0].seed'", "'seed' is in 'grid' too"),
    ],
)
def test_bad_sets_name_the_set_and_the_key(sets, place, words):
    with pytest.raises(SweepFileError) as e:
        expand({"notebooks": ["01"], "grid": {"seed": [0, 1]}, "sets": sets}, "class.yaml")
    message = str(e.value)
    assert message.startswith(f"class.yaml: key {place}: ") and words in message and "\n" not in message, message

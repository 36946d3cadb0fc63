"""Notebook parameters: bad values fail at once, naming the parameter and what is allowed."""

from __future__ import annotations

from pathlib import Path

import pytest

import helpers
from helpers.params import (
    ParameterError,
    check_parameters,
    declared_parameters,
    notebook_defaults,
    parse_cli_value,
    validate_parameters,
)

REPO = Path(__file__).resolve().parents[1]

GOOD = dict(
    max_tokens=25,
    embed_len=25,
    lstm_units=50,
    epochs=5,
    batch_size=512,
    train_size=None,
    test_size=None,
    seed=0,
    data_source="ag_news",
    data_dir=None,
    output_dir="../runs/x",
)


def test_good_values_pass_and_are_normalized():
    out = validate_parameters(GOOD)
    assert out["lstm_units"] == 50
    assert validate_parameters({"lstm_units": "[50, 60, 75]"})["lstm_units"] == [50, 60, 75]
    assert validate_parameters({"lstm_units": (50, 60)})["lstm_units"] == [50, 60]


@pytest.mark.parametrize(
    "name, value, allowed",
    [
        ("max_tokens", 0, "integer from 1 to 1,000"),
        ("epochs", -1, "integer from 1 to 1,000"),
        ("lstm_units", [], "non-empty list"),
        ("lstm_units", [50, 0], "non-empty list"),
        ("batch_size", "x", "integer from 1 to 65,536"),
        ("batch_size", 2.5, "integer"),
        ("lime_samples", 5, "integer from 10"),
        ("epochs", True, "integer"),
        ("data_source", "imdb", "'synthetic'"),
        ("train_size", 3, "or None"),
        ("train_size", 99, "integer from 100"),
        ("output_dir", "", "folder path"),
    ],
)
def test_bad_value_names_parameter_and_allowed_values(name, value, allowed):
    with pytest.raises(ParameterError) as e:
        validate_parameters({**GOOD, name: value})
    assert str(e.value).startswith(name) and allowed in str(e.value) and repr(value) in str(e.value)


def test_unknown_name_lists_the_known_ones():
    with pytest.raises(ParameterError, match="unknown parameter 'epoch'.*epochs"):
        validate_parameters({**GOOD, "epoch": 3})


def test_check_parameters_reads_a_notebook_namespace():
    import numpy as np

    ns = {"np": np, "_": None, "get_ipython": print, "NAME": "01_x", **GOOD, "lstm_units": "50,60"}
    out = check_parameters(ns)
    assert ns["lstm_units"] == [50, 60] and out["epochs"] == 5 and "NAME" not in out


def test_a_learners_own_variable_never_trips_the_check():
    ns = {**GOOD, "my_var": 3, "learning_rate": "fast", "accuracy": None}  # defined above the check
    out = check_parameters(ns, notebook="01_lstm_25_tokens")
    assert set(out) == set(GOOD) and ns["my_var"] == 3
    assert check_parameters(ns, notebook="01_lstm_25_tokens") == out  # the cell run again
    ns["epochs"] = 0  # ... but a bad parameter value is still refused, on a rerun too
    with pytest.raises(ParameterError, match=r"^epochs must be an integer from 1 to 1,000; got 0"):
        check_parameters(ns, notebook="01_lstm_25_tokens")


def test_only_the_notebooks_declared_names_are_checked():
    ns = {"output_dir": None, "sweep_dir": None, "epochs": "not read by 06"}
    assert check_parameters(ns, notebook="06_results_summary") == {"output_dir": None, "sweep_dir": None}
    with pytest.raises(ParameterError, match="^epochs must be"):
        check_parameters(ns, notebook="01_lstm_25_tokens")


@pytest.mark.parametrize("notebook", sorted((REPO / "notebooks").glob("0*.ipynb")), ids=lambda p: p.stem)
def test_declared_names_are_the_notebooks_parameters_cell(notebook):
    assert declared_parameters(notebook.stem) == tuple(notebook_defaults(notebook))


@pytest.mark.parametrize(
    "text, expected",
    [
        ("None", None),
        ("True", True),
        ("False", False),
        ("3", 3),
        ("-2", -2),
        (" 7 ", 7),
        ("0.5", 0.5),
        ("1e3", 1000.0),
        ("none", "none"),
        ("true", "true"),
        ("null", "null"),
        ("x", "x"),
        ("data/ag news", "data/ag news"),
        ("[50, 60, 75]", [50, 60, 75]),
        ("[]", []),
        ("50,60", "50,60"),
        ("[50, oops]", "[50, oops]"),
    ],
)
def test_cli_values_are_parsed_like_papermill(text, expected):
    from papermill.cli import _resolve_type  # papermill's own -p parsing (private, pinned version)

    got = parse_cli_value(text)
    assert got == expected and type(got) is type(expected)
    if not text.strip().startswith("["):  # lists: papermill passes the text on, we parse it
        pm = _resolve_type(text)
        assert pm == got and type(pm) is type(got)


def test_every_approach_default_is_valid():
    for a in helpers.APPROACHES.values():
        validate_parameters(
            {**GOOD, "max_tokens": a.max_tokens, "embed_len": a.embed_len, "lstm_units": list(a.lstm_units)}
        )


def test_bidirectional_is_no_parameter_any_more():
    """Each notebook writes its network out; 03 and 05 are the bidirectional ones."""
    with pytest.raises(ParameterError, match="unknown parameter 'bidirectional'"):
        validate_parameters({**GOOD, "bidirectional": True})


@pytest.mark.parametrize(
    "notebook, units, expected",
    [
        ("01_lstm_25_tokens", 64, 64),
        ("01_lstm_25_tokens", [64], 64),
        ("03_bidirectional_lstm", "[32]", 32),
        ("04_stacked_lstm", [10, 20, 30], [10, 20, 30]),
        ("05_stacked_bidirectional_lstm", "[8, 8, 8]", [8, 8, 8]),
    ],
)
def test_lstm_units_take_the_shape_of_the_notebooks_network(notebook, units, expected):
    ns = {**GOOD, "lstm_units": units}
    assert check_parameters(ns, notebook=notebook)["lstm_units"] == expected == ns["lstm_units"]


@pytest.mark.parametrize(
    "notebook, units, words",
    [
        ("01_lstm_25_tokens", [50, 60], "one positive integer (its network has one LSTM layer) in 01_lstm_25_tokens"),
        ("04_stacked_lstm", 50, "a list of 3 positive integers (its network stacks 3 LSTM layers)"),
        ("05_stacked_bidirectional_lstm", [50, 60], "a list of 3 positive integers"),
    ],
)
def test_lstm_units_of_the_wrong_shape_fail_at_once(notebook, units, words):
    with pytest.raises(ParameterError) as e:
        check_parameters({**GOOD, "lstm_units": units}, notebook=notebook)
    assert str(e.value).startswith("lstm_units must be") and words in str(e.value) and repr(units) in str(e.value)


def test_sweep_dir_is_none_or_a_folder_with_sweep_csv(tmp_path):
    """Notebook 06's sweep_dir: None, or a sweep's folder; anything else fails at once, named."""
    assert validate_parameters({"sweep_dir": None}) == {"sweep_dir": None}
    (tmp_path / "sweep.csv").write_text("task,notebook,seed,test_accuracy,macro_f1,fit_seconds,worker,status,error\n")
    assert validate_parameters({"sweep_dir": str(tmp_path)}) == {"sweep_dir": str(tmp_path)}
    for value, words in (
        (str(tmp_path / "nowhere"), "does not exist"),
        (str(tmp_path / "empty"), "has no sweep.csv"),
        (3, "(int)"),
        ("", "(str)"),
    ):
        (tmp_path / "empty").mkdir(exist_ok=True)
        with pytest.raises(ParameterError) as e:
            validate_parameters({"sweep_dir": value})
        assert str(e.value).startswith("sweep_dir must be a sweep's folder") and words in str(e.value), str(e.value)

"""One story: the README's measured figures are the executed copies' (docs/notebooks), through the
table tools/make_docs.py writes from those copies, and every copy names its run in a banner."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import nbformat
import pytest

from helpers.config import APPROACHES

REPO = Path(__file__).resolve().parent.parent
COPIES = REPO / "docs" / "notebooks"


def _make_docs():
    spec = importlib.util.spec_from_file_location("make_docs", REPO / "tools" / "make_docs.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


make_docs = _make_docs()


def test_readme_and_results_show_the_table_read_from_the_copies():
    block = make_docs.results_block(COPIES)
    assert make_docs.read_block(REPO / "README.md") == block, (
        "README.md's results block is not the executed copies' table: run tools/make_docs.py (or "
        "tools/make_docs.py --reuse) so that the README quotes the copies' run"
    )
    assert make_docs.read_block(REPO / "docs" / "results.md") == block


def test_readme_and_results_state_the_copies_split_and_minutes():
    """What a run costs, in README.md and docs/results.md, is the block make_docs writes: the split
    and minutes from the copies' banner (as numbers), the other figures from make_docs.MEASURED."""
    block = make_docs.cost_block(COPIES)
    for path in (REPO / "README.md", REPO / "docs" / "results.md"):
        assert make_docs.read_block(path, make_docs.COST_BEGIN, make_docs.COST_END) == block, (
            f"{path.name}'s cost block is not what tools/make_docs.py writes: run it (or --reuse)"
        )
    run = make_docs.copies_run(COPIES)
    assert run["n_train"] + run["n_val"] + run["n_test"] == 7_600, run  # the whole real test split
    assert (run["batch_size"], run["epochs"]) == (make_docs.SHOWCASE["batch_size"], make_docs.SHOWCASE["epochs"])
    assert f"{run['n_train']:,} texts to train, {run['n_val']:,} to validate, {run['n_test']:,} to test" in block
    assert f", {run['minutes']} minutes (their run" in block


def test_the_table_has_every_approach_and_both_baselines():
    figures = make_docs.copy_figures(COPIES)
    assert sorted(figures["approaches"]) == [1, 2, 3, 4, 5]
    assert sorted(figures["baselines"]) == ["bag_of_words", "tfidf"]
    assert all(0.25 < accuracy <= 1 for accuracy in figures["approaches"].values()), figures  # above chance


def test_published_figures_are_the_tutorials():
    assert make_docs.PUBLISHED == {a.number: f"{a.published_accuracy:.2%}" for a in APPROACHES.values()}
    assert set(make_docs.APPROACH_NAMES) == {a.name for a in APPROACHES.values()}


@pytest.mark.parametrize("copy", sorted(COPIES.glob("*.ipynb")), ids=lambda p: p.stem)
def test_every_copy_opens_with_its_banner(copy):
    first = nbformat.read(copy, as_version=4).cells[0]
    assert first.cell_type == "markdown" and first.get("id") == make_docs.BANNER_ID, copy.name
    for word in (
        "ag_news_test_split",
        f"batch_size {make_docs.SHOWCASE['batch_size']}",
        f"epochs {make_docs.SHOWCASE['epochs']}",
        "tools/make_docs.py",
        "seed 0",
    ):
        assert word in first.source, f"{copy.name}'s banner does not say {word!r}"


def test_the_block_is_replaced_between_the_markers(tmp_path):
    doc = tmp_path / "doc.md"
    doc.write_text(f"intro\n{make_docs.RESULTS_BEGIN}\nold table\n{make_docs.RESULTS_END}\nafter\n")
    make_docs.write_block(doc, "| new |")
    assert doc.read_text() == f"intro\n{make_docs.RESULTS_BEGIN}\n| new |\n{make_docs.RESULTS_END}\nafter\n"
    assert make_docs.read_block(doc) == "| new |"


def test_only_one_copy_is_made_again(tmp_path, monkeypatch):
    """make_docs --only 03 (here with --reuse: the run folder already holds 03's executed notebook)
    replaces 03's copy alone, keeps the whole series' minutes in its banner and leaves every other
    copy, docs/README.md and the blocks as the copies say."""
    import datetime
    import json
    import shutil

    root = tmp_path / "repo"
    (root / "docs").mkdir(parents=True)
    shutil.copytree(COPIES, root / "docs" / "notebooks")
    for name in ("README.md", "docs/results.md", "docs/README.md"):
        shutil.copy2(REPO / name, root / name)
    run = root / "runs" / "docs"
    (run / "notebooks").mkdir(parents=True)
    (run / "metrics").mkdir()
    shutil.copy2(COPIES / "03_bidirectional_lstm.ipynb", run / "notebooks" / "03_bidirectional_lstm.ipynb")
    shutil.copy2(COPIES / "04_stacked_lstm.ipynb", run / "notebooks" / "04_stacked_lstm.ipynb")
    (run / "metrics" / "03_bidirectional_lstm.json").write_text(
        json.dumps({"n_train": 5472, "n_val": 608, "n_test": 1520})
    )
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "test.csv").write_text("")
    monkeypatch.setenv("AG_NEWS_DIR", str(tmp_path / "data"))
    monkeypatch.setattr(make_docs, "REPO", root)
    monkeypatch.setattr(make_docs, "DOCS", root / "docs")
    before = {p.name: p.read_bytes() for p in (root / "docs" / "notebooks").glob("*.ipynb")}
    series = make_docs.copies_run(COPIES)["minutes"]

    assert make_docs.main(["--only", "03", "--reuse"]) == 0
    after = {p.name: p.read_bytes() for p in (root / "docs" / "notebooks").glob("*.ipynb")}
    assert after.keys() == before.keys()
    assert [n for n in after if after[n] != before[n]] == ["03_bidirectional_lstm.ipynb"]  # not 04, though it was there
    made = nbformat.read(root / "docs" / "notebooks" / "03_bidirectional_lstm.ipynb", as_version=4).cells[0].source
    assert f"made {datetime.date.today().isoformat()}" in made and f"the whole series {series} minutes" in made
    assert (root / "docs" / "README.md").read_bytes() == (REPO / "docs" / "README.md").read_bytes()
    for path in (root / "README.md", root / "docs" / "results.md"):
        assert make_docs.read_block(path) == make_docs.results_block(COPIES)
        assert make_docs.read_block(path, make_docs.COST_BEGIN, make_docs.COST_END) == make_docs.cost_block(COPIES)


def test_the_table_shows_the_spread_between_seeds_that_06s_copy_shows():
    """06's copy compares the approaches with their spread over the copies' seed sweep (at least
    three seeds each), and the table carries that spread beside each one-seed figure."""
    spread = make_docs.spread_figures(COPIES)
    assert sorted(spread) == sorted(make_docs.APPROACH_NAMES)
    block = make_docs.read_block(REPO / "README.md")
    for name, v in spread.items():
        assert v["n"] >= 3 and v["min"] <= v["mean"] <= v["max"], (name, v)
        number = make_docs.APPROACH_NAMES[name][0]
        (row,) = [line for line in block.splitlines() if line.startswith(f"| {number} |")]
        assert f"{v['mean']:.1%} ({100 * v['min']:.1f}–{100 * v['max']:.1f})" in row, row

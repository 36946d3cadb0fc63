"""What the notebooks rest on that a test can check by running code or comparing data (never
their wording): the tutorial's LIME words against the tutorial's text, the word ranks 00 quotes
against AG News' test split, the pictures against the scripts that draw them, TF32 set only through
``helpers.exact_float32``, 01's main path within its reading budget with the baselines before the
first LSTM and the optional deep dives after it, plumbing marked, cell ids that are names, and no
script that writes the notebooks."""

from __future__ import annotations

import base64
import csv
import os
import re
from collections import Counter
from pathlib import Path

import nbformat
import pytest

from helpers.config import APPROACHES, TUTORIAL_LIME_WORDS

REPO = Path(__file__).resolve().parent.parent
FOLDER = REPO / "notebooks"
TUTORIAL = REPO.parent / "shared" / "reference" / "tutorial.txt"
BOOKS = {a.number: FOLDER / f"{a.name}.ipynb" for a in APPROACHES.values()}
ALL_BOOKS = sorted(FOLDER.glob("[0-9][0-9]_*.ipynb"))
SUMMARY = FOLDER / "06_results_summary.ipynb"


def _cells(path) -> dict:
    return {c.id: c for c in nbformat.read(path, as_version=4).cells}


# --- the tutorial's words, the data's word ranks -----------------------------------------------------


def test_lime_words_are_the_tutorials_for_each_approach():
    """The five LIME sections of the tutorial, in order, name these words for Business."""
    if not TUTORIAL.is_file():
        pytest.skip("the tutorial's text (../shared/reference/tutorial.txt) is not here")
    text = TUTORIAL.read_text(encoding="utf-8")
    sentences = [line for line in text.splitlines() if "words like" in line and "Business" in line]
    named = [tuple(re.findall(r"'([a-z]+)'", s.split("words like", 1)[1])) for s in sentences]
    assert named == [TUTORIAL_LIME_WORDS[n] for n in sorted(APPROACHES)]


def test_lime_words_constant():
    assert sorted(TUTORIAL_LIME_WORDS) == sorted(APPROACHES)
    assert "labor" not in TUTORIAL_LIME_WORDS[1]  # 01 used to add it; the tutorial did not name it
    assert len({TUTORIAL_LIME_WORDS[n] for n in TUTORIAL_LIME_WORDS}) == 5  # they differ per approach


def test_00_word_ranks_on_the_real_test_split():
    """The ranks 00 quotes (quot 42nd, afp 75th; 39, s, gt, lt, reuters, ap among the first 40)."""
    folder = os.environ.get("AG_NEWS_DIR") or str(REPO.parent / "shared" / "data" / "ag_news")
    path = Path(folder) / "test.csv"
    if not path.is_file():
        pytest.skip("AG News' test split is not here (set AG_NEWS_DIR)")
    from helpers.text import tokenize_like_keras2

    with open(path, newline="", encoding="utf-8") as f:
        counts = Counter(w for row in csv.reader(f) for w in tokenize_like_keras2(f"{row[1]} {row[2]}"))
    ranked = [w for w, _ in counts.most_common()]
    assert (ranked.index("quot") + 1, ranked.index("afp") + 1) == (42, 75)
    assert {"39", "s", "gt", "lt", "reuters", "ap"} <= set(ranked[:40])


# --- pictures ------------------------------------------------------------------------------------------


def test_01_shows_the_committed_lstm_picture():
    """01's picture of the LSTM travels inside its markdown cell (an attachment, so executed copies in
    a run folder and their HTML show it too) and is the file tools/draw_lstm_cell.py writes."""
    cells = [c for c in _cells(BOOKS[1]).values() if "attachment:lstm_cell.png" in c.source]
    assert len(cells) == 1, "notebook 01 shows the LSTM picture once, as attachment:lstm_cell.png"
    data = cells[0].get("attachments", {}).get("lstm_cell.png", {}).get("image/png")
    assert data and base64.b64decode(data) == (FOLDER / "figures" / "lstm_cell.png").read_bytes(), (
        "the attachment differs from notebooks/figures/lstm_cell.png: run tools/draw_lstm_cell.py "
        "and paste the new image into the cell"
    )


@pytest.mark.parametrize(
    "number, picture", [(3, "bidirectional_lstm.png"), (4, "stacked_lstm.png"), (5, "stacked_bidirectional_lstm.png")]
)
def test_pictures_travel_as_attachments(number, picture):
    """Shown once, as an attachment (so executed copies in a run folder carry it), equal to the file
    tools/draw_stacked.py writes."""
    cells = [c for c in _cells(BOOKS[number]).values() if f"attachment:{picture}" in c.source]
    assert len(cells) == 1
    data = cells[0].get("attachments", {}).get(picture, {}).get("image/png")
    assert data and base64.b64decode(data) == (FOLDER / "figures" / picture).read_bytes(), (
        f"the attachment differs from notebooks/figures/{picture}: run tools/draw_stacked.py and paste it"
    )
    assert f'"{picture[:-4]}"' in (REPO / "tools" / "draw_stacked.py").read_text()


def test_draw_script_redraws_the_pictures(tmp_path, monkeypatch):
    """The committed PNGs are what tools/draw_stacked.py draws (about 1 s with matplotlib)."""
    import importlib.util

    monkeypatch.syspath_prepend(str(REPO / "tools"))
    spec = importlib.util.spec_from_file_location("draw_stacked", REPO / "tools" / "draw_stacked.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.setattr(module, "FIGURES", tmp_path)
    written = module.main()
    assert sorted(p.name for p in written) == [
        "bidirectional_lstm.png",
        "stacked_bidirectional_lstm.png",
        "stacked_lstm.png",
    ]
    for path in written:
        assert path.read_bytes() == (FOLDER / "figures" / path.name).read_bytes(), path.name


# --- exact arithmetic ------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ALL_BOOKS, ids=lambda p: p.stem)
def test_tf32_is_switched_only_for_a_block(path):
    """Turning TF32 off in a cell left it off for every later cell; helpers.exact_float32() turns it
    off for a block and restores it (tests/test_lesson.py)."""
    code = [c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"]
    assert not [s for s in code if "enable_tensor_float_32_execution(" in s], path.name


# --- 01: theory before use, the deep dives optional at the end --------------------------------------


def _prose_words(markdown: str) -> int:
    return len(re.findall(r"[A-Za-z0-9][\w'’.-]*", re.sub(r"```.*?```", "", markdown, flags=re.S)))


def test_01_main_path_reads_in_one_sitting():
    """About 2,500 words of prose (exercises aside) outside the deep dives, which come after the main
    path under a heading that says they are optional; the LSTM's picture and equations come before
    the network, the two baselines before the first LSTM."""
    cells = nbformat.read(BOOKS[1], as_version=4).cells
    ids = [c.id for c in cells]
    start = ids.index("own-deep-dives-md")
    assert "optional" in cells[start].source.splitlines()[0].lower()
    for deep_dive in ("own-weight-count", "own-by-hand", "own-gate-order", "own-neighbours", "own-lookup"):
        assert ids.index(deep_dive) > start, f"the deep dive {deep_dive} stands in the main path"
    assert ids.index("compare") < start < ids.index("exercises")
    picture = next(i for i, c in enumerate(cells) if "attachment:lstm_cell.png" in c.source)
    assert picture < ids.index("network") and "h_t" in cells[picture].source
    assert ids.index("own-baseline-tfidf") < ids.index("own-baseline-bag-of-words") < ids.index("network")
    main = sum(
        _prose_words(c.source)
        for i, c in enumerate(cells)
        if c.cell_type == "markdown" and (i < start or c.id == "next")
    )
    assert main <= 2_550, f"01 has {main} words of prose on its main path"


def test_no_variable_of_01_is_reused_for_another_thing():
    """Names assigned at the top level of two cells of 01 (loop and plotting names aside)."""
    import ast

    allowed = {"fig", "ax", "start", "i", "k", "word", "name", "label", "n", "_"}
    seen = {}
    for cell in nbformat.read(BOOKS[1], as_version=4).cells:
        if cell.cell_type != "code" or cell.id == "kernel-check":  # the first cell holds IPython magics
            continue
        names = set()
        for node in ast.parse(cell.source).body:
            targets = (
                node.targets
                if isinstance(node, ast.Assign)
                else [node.target]
                if isinstance(node, ast.AnnAssign)
                else []
            )
            for target in targets:
                for leaf in ast.walk(target):
                    if isinstance(leaf, ast.Name):
                        names.add(leaf.id)
        for name in names - allowed:
            seen.setdefault(name, []).append(cell.id)
    reused = {name: where for name, where in seen.items() if len(where) > 1}
    assert not reused, f"01 assigns these names in several cells: {reused}"


# --- code cells: plumbing marked, names, no generated notebooks -------------------------------------

TAUGHT_HELPERS = {
    "standardize",
    "tokenize_like_keras2",
    "describe_device",
    "vectorize",
    "evaluate",
    "text_model",
    "explain_with_lime",
    "lime_example",
    "split_like_vectorizer",
    "exact_float32",
}
"""``helpers`` names a notebook may use in taught code: the Tokenizer's rules, the device line, and
the shared steps 01 teaches as code (helpers/lesson.py)."""


@pytest.mark.parametrize("path", [p for p in ALL_BOOKS if p != SUMMARY], ids=lambda p: p.stem)
def test_plumbing_is_marked(path):
    """A line that calls into ``helpers`` is plumbing (skippable): it is marked `# plumbing` (in the
    cell's first line or on the line) or `# extra code`, unless it is one of the taught names."""
    unmarked = []
    for cell in nbformat.read(path, as_version=4).cells:
        if cell.cell_type != "code" or "parameters" in cell.metadata.get("tags", []) or cell.id == "kernel-check":
            continue
        first = cell.source.lstrip().splitlines()[0] if cell.source.strip() else ""
        if first.startswith("# plumbing"):
            continue
        for line in cell.source.splitlines():
            names = set(re.findall(r"helpers\.(\w+)", line)) - TAUGHT_HELPERS
            if names and "# plumbing" not in line and "# extra code" not in line:
                unmarked.append(f"cell '{cell.id}': {line.strip()}")
    assert not unmarked, f"{path.name}: unmarked plumbing lines:\n  " + "\n  ".join(unmarked)


@pytest.mark.parametrize("path", ALL_BOOKS, ids=lambda p: p.stem)
def test_cell_ids_are_unique_names(path):
    ids = [c.id for c in nbformat.read(path, as_version=4).cells]
    assert len(ids) == len(set(ids)), f"{path.name}: repeated cell ids"
    assert all(re.fullmatch(r"[a-z0-9-]+", i) for i in ids), f"{path.name}: cell ids must be names: {ids}"


def test_no_notebook_is_generated_from_a_template():
    """The notebooks are the source: no script writes them (an instructor's edit is never overwritten)."""
    scripts = [
        p
        for p in REPO.rglob("*.py")
        if ".venv" not in p.parts
        and "nbformat.write" in p.read_text(errors="ignore")
        and "notebooks" in p.read_text(errors="ignore")
        and "tests" not in p.parts
        # the executed copies for reading (docs/notebooks/), the handouts (written elsewhere), and the
        # tools a contributor runs on purpose: cell ids, the repository address in the first cell
        and p.relative_to(REPO).as_posix()
        not in {"tools/make_docs.py", "tools/cell_ids.py", "tools/handout.py", "tools/set_repository.py"}
    ]
    assert not scripts, f"these scripts write notebooks: {scripts}"

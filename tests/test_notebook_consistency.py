"""The notebooks are the source: an instructor edits them in JupyterLab and commits them. These
checks keep them consistent where they must be, and say which cell to fix when they drift:

- the five approach notebooks (01–05) have the same cells in the same order (by cell id), apart
  from each notebook's own cells (ids starting with ``own-``, anywhere: 01's look inside the LSTM,
  02–05's demo of the idea each approach adds);
- "repeat the code, not the lecture": every shared *code* cell is identical in all five, except
  the few that make an approach what it is (:data:`PER_APPROACH`); every shared *markdown* cell is
  identical in 02–05, where it is a line or two that points to 01 (01 keeps the full
  explanation), and at most :data:`MAX_COPIED_SHARE` of the markdown words of 02–05 repeat 01's;
- the kernel check, the data loading and the run settings are the same in every notebook that has
  them (07 included);
- each notebook shows the code it teaches (Keras, scikit-learn, LIME) in its own cells, its network
  written out layer by layer; plumbing lines (``helpers.…``) are marked as such;
- the teaching text keeps its promises (the tutorial's recommendations quoted, no hard-coded
  timings)."""

from __future__ import annotations

import ast
import difflib
import re
from pathlib import Path

import nbformat
import pytest

from helpers.config import APPROACHES, FURTHER_RECOMMENDATIONS

REPO = Path(__file__).resolve().parent.parent
FOLDER = REPO / "notebooks"
APPROACH_BOOKS = {a.number: FOLDER / f"{a.name}.ipynb" for a in APPROACHES.values()}
ALL_BOOKS = sorted(FOLDER.glob("[0-9][0-9]_*.ipynb"))
PREPARE, SUMMARY, RECIPES = (FOLDER / f"{n}.ipynb" for n in
                             ("00_prepare_data", "06_results_summary", "07_further_recommendations"))

PER_APPROACH = {
    "title": "the approach's introduction and diagram",
    "parameters": "the approach's default sizes (the run settings below them are shared)",
    "setup": "the notebook's NAME (everything else in it is shared)",
    "network-md": "what is new in this network",
    "network": "the network, written out layer by layer",
    "exercises": "the approach's exercises",
    "next": "the take-away and the pointer to the next notebook",
}
"""Cells of 01–05 that differ from approach to approach, and why; every other cell is shared."""

TAUGHT_HELPERS = {"standardize", "tokenize_like_keras2", "describe_device"}
"""``helpers`` names a notebook may use in taught code (the Tokenizer's rules, the device line)."""


def _read(path):
    return nbformat.read(path, as_version=4)


def _cells(path) -> dict:
    return {c.id: c for c in _read(path).cells}


def _code(path) -> str:
    return "\n".join(c.source for c in _read(path).cells if c.cell_type == "code")


def _where(path, nb, cid) -> str:
    index = [c.id for c in nb.cells].index(cid)
    return f"{path.relative_to(REPO)}, cell '{cid}' (cell {index + 1} of {len(nb.cells)})"


def _first_difference(a: str, b: str) -> str:
    diff = [l for l in difflib.unified_diff(a.splitlines(), b.splitlines(), lineterm="", n=0)
            if l[:1] in "+-" and not l.startswith(("+++", "---"))]
    return "\n    ".join(diff[:4])


def _shared_source(cid: str, source: str, name: str) -> str:
    """A cell's text with what may differ between approach notebooks normalized away."""
    if cid == "setup":
        return source.replace(name, "NN_name")
    if cid == "parameters":
        return source[source.index("# run settings"):]
    return source


def test_every_notebook_is_there():
    names = {p.stem for p in ALL_BOOKS}
    assert {p.stem for p in APPROACH_BOOKS.values()} | {"00_prepare_data", "06_results_summary",
                                                         "07_further_recommendations"} <= names


def test_no_notebook_is_generated_from_a_template():
    """The notebooks are the source: no script writes them (an instructor's edit is never overwritten)."""
    scripts = [p for p in REPO.rglob("*.py") if ".venv" not in p.parts
               and "nbformat.write" in p.read_text(errors="ignore") and "notebooks" in p.read_text(errors="ignore")
               and "tests" not in p.parts
               # the executed copies for reading (docs/notebooks/), and the cell-id and shared-cell tools a contributor runs
               and p.relative_to(REPO).as_posix() not in {"tools/make_docs.py", "tools/cell_ids.py",
                                                           "tools/sync_cells.py"}]
    assert not scripts, f"these scripts write notebooks: {scripts}"


@pytest.mark.parametrize("path", ALL_BOOKS, ids=lambda p: p.stem)
def test_cell_ids_are_stable_names(path):
    nb = _read(path)
    ids = [c.id for c in nb.cells]
    assert len(ids) == len(set(ids)), f"{path.name}: repeated cell ids"
    assert all(re.fullmatch(r"[a-z0-9-]+", i) for i in ids), f"{path.name}: cell ids must be names: {ids}"


OWN = "own-"
"""Cell ids starting with this are a notebook's own cells: any number, anywhere, in any notebook."""

MAX_SHORT_WORDS = 40
"""A shared markdown cell of 02–05 says in a line or two what its step does (01 explains it)."""

MAX_COPIED_SHARE = 0.30
"""The most of a 02–05 notebook's markdown words that may repeat notebook 01's (:func:`copied_share`)."""

RUN = 8
"""Words in a row that count as repeated text (:func:`copied_share`)."""


def _structure(nb) -> list:
    """The ids of a notebook's cells that every approach notebook has (its own cells left out)."""
    return [c.id for c in nb.cells if not c.id.startswith(OWN)]


def _shared(nb) -> list:
    return [c for c in nb.cells if not c.id.startswith(OWN)]


def _words(text: str) -> list:
    return re.findall(r"\w+", text.lower())


def _markdown(nb) -> str:
    return "\n\n".join(c.source for c in nb.cells if c.cell_type == "markdown")


def copied_share(text: str, reference: str, run: int = RUN) -> float:
    """The share of ``text``'s words that lie in a run of at least ``run`` consecutive words that
    also occurs, word for word, in ``reference``.

    Words are the lower-cased ``\\w+`` tokens of the markdown source (code spans and headings
    included); a word counts once however many repeated runs cover it. ``0.0`` for an empty text.
    """
    words, ref = _words(text), _words(reference)
    shingles = {tuple(ref[i:i + run]) for i in range(len(ref) - run + 1)}
    covered = [False] * len(words)
    for i in range(len(words) - run + 1):
        if tuple(words[i:i + run]) in shingles:
            covered[i:i + run] = [True] * run
    return sum(covered) / len(words) if words else 0.0


def test_copied_share_counts_words_in_long_repeated_runs():
    ref = "one two three four five six seven eight nine ten"
    assert copied_share(ref, ref) == 1.0
    assert copied_share("One, two three four five six seven eight!", ref) == 1.0   # case and punctuation aside
    assert copied_share("one two three four five six seven", ref) == 0.0          # 7 words: too short a run
    assert copied_share("x one two three four five six seven eight y", ref) == 0.8
    assert copied_share("", ref) == 0.0


def test_approach_notebooks_have_the_same_cells_in_the_same_order():
    reference = _structure(_read(APPROACH_BOOKS[1]))
    for number, path in APPROACH_BOOKS.items():
        ids = _structure(_read(path))
        assert ids == reference, (
            f"{path.relative_to(REPO)} has other cells than notebooks/{APPROACH_BOOKS[1].name}:\n    "
            + _first_difference("\n".join(reference), "\n".join(ids))
            + f"\nEvery approach notebook has the same cells (ids), in the same order; a notebook's "
              f"own cells have ids starting with '{OWN}'.")


def test_shared_code_cells_are_identical_in_the_five_approach_notebooks():
    books = {n: _read(p) for n, p in APPROACH_BOOKS.items()}
    ref_path, ref = APPROACH_BOOKS[1], books[1]
    ref_name = ref_path.stem
    drift = []
    for number, nb in books.items():
        path = APPROACH_BOOKS[number]
        for ref_cell, cell in zip(_shared(ref), _shared(nb)):
            if ref_cell.cell_type == "markdown" and cell.cell_type == "markdown":
                continue
            if ref_cell.id in PER_APPROACH and ref_cell.id not in ("parameters", "setup"):
                continue
            a = _shared_source(ref_cell.id, ref_cell.source, ref_name)
            b = _shared_source(cell.id, cell.source, path.stem)
            if a != b or ref_cell.cell_type != cell.cell_type or ref_cell.metadata.get("tags") != cell.metadata.get("tags"):
                drift.append(f"{_where(path, nb, cell.id)} differs from notebooks/{ref_path.name}:\n    "
                             + _first_difference(a, b))
    assert not drift, ("\n".join(drift) + "\nThese code cells are the same in all five approach notebooks: "
                       "edit 01's and run .venv/bin/python tools/sync_cells.py (cells that may differ: "
                       + ", ".join(f"'{k}' ({v})" for k, v in PER_APPROACH.items()) + ").")


def test_shared_markdown_is_one_short_version_in_02_to_05():
    """01 explains each shared step in full; 02–05 carry the same short line for it."""
    books = {n: _read(p) for n, p in APPROACH_BOOKS.items() if n != 1}
    ref_path, ref = APPROACH_BOOKS[2], books[2]
    problems = []
    for number, nb in books.items():
        path = APPROACH_BOOKS[number]
        for ref_cell, cell in zip(_shared(ref), _shared(nb)):
            if cell.cell_type != "markdown" or cell.id in PER_APPROACH:
                continue
            if cell.source != ref_cell.source:
                problems.append(f"{_where(path, nb, cell.id)} differs from notebooks/{ref_path.name}:\n    "
                                + _first_difference(ref_cell.source, cell.source))
            if number == 2 and len(_words(cell.source)) > MAX_SHORT_WORDS:
                problems.append(f"{_where(path, nb, cell.id)} has {len(_words(cell.source))} words: a shared "
                                f"step is said in at most {MAX_SHORT_WORDS} words in 02–05 (notebook 01 explains it)")
    assert not problems, "\n".join(problems) + "\nShared markdown cells are identical in notebooks 02–05."


@pytest.mark.parametrize("number", [2, 3, 4, 5])
def test_approach_notebook_has_its_own_demo(number):
    """Each of 02–05 shows the idea its approach adds in at least one code cell of its own."""
    path = APPROACH_BOOKS[number]
    own = [c.id for c in _read(path).cells if c.id.startswith(OWN) and c.cell_type == "code" and c.source.strip()]
    assert own, f"{path.relative_to(REPO)} has no code cell of its own (id starting with '{OWN}'): add its demo"


@pytest.mark.parametrize("number", [2, 3, 4, 5])
def test_approach_notebook_does_not_repeat_01s_lecture(number):
    path = APPROACH_BOOKS[number]
    share = copied_share(_markdown(_read(path)), _markdown(_read(APPROACH_BOOKS[1])))
    assert share <= MAX_COPIED_SHARE, (
        f"{path.relative_to(REPO)}: {share:.0%} of its markdown words lie in runs of {RUN}+ words "
        f"copied from notebooks/{APPROACH_BOOKS[1].name} (at most {MAX_COPIED_SHARE:.0%}): say it once, in 01")


def test_01_keeps_the_full_explanation_of_the_shared_steps():
    one, two = _read(APPROACH_BOOKS[1]), _read(APPROACH_BOOKS[2])
    short = {c.id: c.source for c in _shared(two) if c.cell_type == "markdown" and c.id not in PER_APPROACH}
    thin = [c.id for c in _shared(one) if c.id in short and len(_words(c.source)) < len(_words(short[c.id]))]
    assert not thin, f"notebooks/{APPROACH_BOOKS[1].name}: these cells say less than 02's short version: {thin}"


@pytest.mark.parametrize("cid", ["kernel-check", "load-data"])
def test_cells_shared_beyond_the_approaches(cid):
    ref = _cells(APPROACH_BOOKS[1])[cid].source
    books = ALL_BOOKS if cid == "kernel-check" else [PREPARE, *APPROACH_BOOKS.values(), RECIPES]
    for path in books:
        cells = _cells(path)
        assert cid in cells, f"{path.relative_to(REPO)} has no cell '{cid}'"
        assert cells[cid].source == ref, (
            f"{_where(path, _read(path), cid)} differs from notebooks/{APPROACH_BOOKS[1].name}:\n    "
            + _first_difference(ref, cells[cid].source) + f"\nCell '{cid}' is the same in every notebook that has it.")


def test_notebook_07_shares_the_run_settings():
    def settings(path):
        source = _cells(path)["parameters"].source
        return {k: v for k, v in _assignments(source).items() if k in
                ("data_source", "data_dir", "train_size", "test_size", "seed", "output_dir", "batch_size")}

    assert settings(RECIPES) == settings(APPROACH_BOOKS[2])


def _assignments(source: str) -> dict:
    return {node.targets[0].id: ast.literal_eval(node.value) for node in ast.parse(source).body}


# ---------------------------------------------------------------------------------------------
# The notebooks show the code they teach
# ---------------------------------------------------------------------------------------------

TAUGHT_IN_APPROACHES = ["LSTM(", ".compile(", ".fit(", ".predict(", "accuracy_score(",
                        "classification_report(", "confusion_matrix(", "ConfusionMatrixDisplay",
                        'normalize="true"', 'cmap="Blues"', "LimeTextExplainer(", "explain_instance(",
                        "as_pyplot_figure(", "layers.TextVectorization(", ".adapt(", "train_test_split(",
                        "keras.saving.load_model(", ".save(", ".export(", "np.random.RandomState(1).randint(1, len(test_texts))",
                        "keras.utils.set_random_seed(seed)", "explain_instance(error_text"]


@pytest.mark.parametrize("approach", APPROACHES.values(), ids=lambda a: a.name)
def test_approach_notebook_shows_its_keras_code(approach):
    path = APPROACH_BOOKS[approach.number]
    code = _code(path)
    missing = [w for w in TAUGHT_IN_APPROACHES if w not in code]
    assert not missing, f"{path.name}: its code cells lack {missing}"
    assert 'optimizer="rmsprop", loss="sparse_categorical_crossentropy", metrics=["accuracy"]' in code
    assert "labels=[true_label]" in code, "LIME explains the tutorial's example for its true label"


@pytest.mark.parametrize("approach", APPROACHES.values(), ids=lambda a: a.name)
def test_network_cell_writes_the_approach_out_layer_by_layer(approach):
    network = _cells(APPROACH_BOOKS[approach.number])["network"].source
    lines = [l.split("#")[0].strip() for l in network.splitlines()]
    layers = [l for l in lines if l.startswith(("keras.Input(", "layers."))]
    n = len(approach.lstm_units)
    expected = ["keras.Input(", "layers.Embedding(vocab_size, embed_len)"]
    for i in range(n):
        units = "lstm_units" if n == 1 else f"lstm_units[{i}]"
        lstm = f"layers.LSTM({units}" + (", return_sequences=True)" if i < n - 1 else ")")
        expected.append(f"layers.Bidirectional({lstm})" if approach.bidirectional else lstm)
    expected.append('layers.Dense(4, activation="softmax")')
    assert len(layers) == len(expected), layers
    for got, want in zip(layers, expected):
        assert got.startswith(want), f"{approach.name}: network line {got!r} should be {want!r}..."
    assert "keras.Sequential([" in network and "model.summary()" in network
    assert "helpers." not in network, "the network is written out, not built by a helper"


def test_notebook_00_builds_the_vectorizer_itself():
    code = _code(PREPARE)
    for word in ("layers.TextVectorization(", ".adapt(", "output_sequence_length=", 'split="whitespace"',
                 "standardize=helpers.standardize", ".get_vocabulary()"):
        assert word in code, word


def test_notebook_07_shows_each_recipes_key_line():
    code = _code(RECIPES)
    for word in ("keras.optimizers.Adam", "keras.optimizers.RMSprop", "keras.optimizers.schedules.CosineDecay(",
                 "keras.callbacks.EarlyStopping(", "kernel_initializer=", "dropout=", "layers.Dropout(",
                 'padding="pre"', "keras.utils.pad_sequences(", "TfidfVectorizer(", "LogisticRegression(",
                 ".compile(", ".fit(", ".predict("):
        assert word in code, word


@pytest.mark.parametrize("path", [p for p in ALL_BOOKS if p != SUMMARY], ids=lambda p: p.stem)
def test_plumbing_is_marked(path):
    """A line that calls into ``helpers`` is plumbing (skippable): it is marked `# plumbing` (in the
    cell's first line or on the line) or `# extra code`, unless it is one of the taught names."""
    unmarked = []
    for cell in _read(path).cells:
        if cell.cell_type != "code" or "parameters" in cell.metadata.get("tags", []):
            continue
        first = cell.source.lstrip().splitlines()[0] if cell.source.strip() else ""
        if first.startswith("# plumbing"):
            continue
        for line in cell.source.splitlines():
            names = set(re.findall(r"helpers\.(\w+)", line)) - TAUGHT_HELPERS
            if names and "# plumbing" not in line and "# extra code" not in line:
                unmarked.append(f"cell '{cell.id}': {line.strip()}")
    assert not unmarked, f"{path.name}: unmarked plumbing lines:\n  " + "\n  ".join(unmarked)


def test_the_tutorials_recommendations_are_quoted_in_06_and_07():
    assert len(FURTHER_RECOMMENDATIONS) == 8
    for path in (SUMMARY, RECIPES):
        text = "\n".join(c.source for c in _read(path).cells if c.cell_type == "markdown")
        for i, rec in enumerate(FURTHER_RECOMMENDATIONS, 1):
            assert f"{i}. {rec}" in text, f"{path.name} does not quote recommendation {i}: {rec}"
    assert "weight initializations" in " ".join(FURTHER_RECOMMENDATIONS)


def test_06_and_07_point_to_each_other_in_running_order():
    summary = " ".join(c.source for c in _read(SUMMARY).cells if c.cell_type == "markdown")
    recipes = " ".join(c.source for c in _read(RECIPES).cells if c.cell_type == "markdown")
    assert "07_further_recommendations.ipynb" in summary and "after 07" in summary
    assert "06_results_summary.ipynb" in recipes and "runs it after this one" in recipes
    last = _cells(APPROACH_BOOKS[5])["next"].source
    assert "06_results_summary.ipynb" in last and "07_further_recommendations.ipynb" in last


DURATION = re.compile(r"\b\d+(?:[.,–-]\d+)?\s*(?:s|sec|seconds?|min|minutes?|hours?)\b")


@pytest.mark.parametrize("path", ALL_BOOKS, ids=lambda p: p.stem)
def test_no_hard_coded_timings_in_the_text(path):
    for cell in _read(path).cells:
        if cell.cell_type == "markdown":
            assert not DURATION.search(cell.source), f"{path.name}, cell '{cell.id}': {DURATION.search(cell.source)[0]!r}"


@pytest.mark.parametrize("path", [p for p in ALL_BOOKS if p not in (SUMMARY,)], ids=lambda p: p.stem)
def test_each_notebook_ends_with_exercises(path):
    text = "\n".join(c.source for c in _read(path).cells if c.cell_type == "markdown")
    section = text[text.rindex("## Exercises"):]
    assert len(re.findall(r"^\d\. ", section, flags=re.M)) >= 3


# ---------------------------------------------------------------------------------------------
# Notebook 01 opens the LSTM
# ---------------------------------------------------------------------------------------------

LSTM_PICTURE = FOLDER / "figures" / "lstm_cell.png"


def test_01_shows_the_committed_lstm_picture():
    """01's picture of the LSTM travels inside its markdown cell (an attachment, so executed copies in
    a run folder and their HTML show it too) and is the file tools/draw_lstm_cell.py writes."""
    import base64

    cells = [c for c in _read(APPROACH_BOOKS[1]).cells if "attachment:lstm_cell.png" in c.source]
    assert len(cells) == 1, "notebook 01 shows the LSTM picture once, as attachment:lstm_cell.png"
    data = cells[0].get("attachments", {}).get("lstm_cell.png", {}).get("image/png")
    assert data, "the markdown cell lacks its lstm_cell.png attachment"
    assert base64.b64decode(data) == LSTM_PICTURE.read_bytes(), (
        f"the attachment differs from {LSTM_PICTURE.relative_to(REPO)}: run tools/draw_lstm_cell.py "
        "and paste the new image into the cell")


def test_01_derives_checks_and_pictures_what_it_teaches():
    code = "\n".join(c.source for c in _read(APPROACH_BOOKS[1]).cells
                     if c.cell_type == "code" and c.id.startswith(OWN))
    for needed in ("4 * (units * (inputs + units) + units)", "vocab_size * embed_len", "(units + 1) * 4",
                   "== model.count_params()",                        # the weight count, derived and checked
                   "lstm_layer.weights", "np.allclose(h_by_hand, h_keras",  # one text by hand = Keras
                   'permutations("ifco")', 'assert matching == ["ifco"]',   # the gate order, verified
                   "unit_rows @ unit_rows[", "PCA(n_components=2"):          # the embeddings
        assert needed in code, f"notebook 01's own cells lack {needed!r}"

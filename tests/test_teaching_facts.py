"""The notebooks' statements of fact that a test can read, pinned: what the tutorial
said (its LIME words per approach, its wrong output shapes), what Keras does (masking on a CPU and
on a GPU), what the project's own settings imply (108,000 training texts), and that each new demo
carries the check it claims (lookup = one-hot × table, the gradient by position, the pictures as
attachments, TF32 off before exact comparisons). Static reads only: no notebook runs here (the
notebook tests run them), so the whole file takes well under a second, plus about one second for
the real-data count when AG News' test split is at hand."""

from __future__ import annotations

import base64
import csv
import os
import re
from collections import Counter
from pathlib import Path

import nbformat
import pytest

from helpers import config
from helpers.config import APPROACHES, TUTORIAL_LIME_WORDS, TUTORIAL_LSTM_OUTPUT_SHAPES

REPO = Path(__file__).resolve().parent.parent
FOLDER = REPO / "notebooks"
TUTORIAL = REPO.parent / "shared" / "reference" / "tutorial.txt"
BOOKS = {a.number: FOLDER / f"{a.name}.ipynb" for a in APPROACHES.values()}
PREPARE, RECIPES = FOLDER / "00_prepare_data.ipynb", FOLDER / "07_further_recommendations.ipynb"


def _cells(path) -> dict:
    return {c.id: c for c in nbformat.read(path, as_version=4).cells}


def _md(path) -> str:
    return "\n".join(c.source for c in _cells(path).values() if c.cell_type == "markdown")


def _flat(text: str) -> str:
    return " ".join(text.split())


# --- the tutorial's words and shapes -------------------------------------------------------------

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
    assert "labor" not in TUTORIAL_LIME_WORDS[1]        # 01 used to add it; the tutorial did not name it
    assert len({TUTORIAL_LIME_WORDS[n] for n in TUTORIAL_LIME_WORDS}) == 5   # they differ per approach


@pytest.mark.parametrize("number", sorted(BOOKS))
def test_each_notebook_quotes_its_approachs_lime_words(number):
    cells = _cells(BOOKS[number])
    window = cells["lime-window"].source
    assert "TUTORIAL_LIME_WORDS[int(NAME[:2])]" in window and "tutorial_words = [" not in window
    assert f'NAME = "{APPROACHES[number].name}"' in cells["setup"].source   # int(NAME[:2]) is this number
    if number == 1:                                      # 01 names them in its text, too
        sentence = cells["lime-md"].source.split("explanation of approach 1 named", 1)[1].split("(each notebook")[0]
        said = re.findall(r"\*([a-z]+)\*", sentence)
        assert tuple(said) == TUTORIAL_LIME_WORDS[1]


@pytest.mark.parametrize("number, layer", [(1, "LSTM"), (3, "Bidirectional")])
def test_wrong_shapes_of_the_tutorial_are_corrected(number, layer):
    if TUTORIAL.is_file():
        assert TUTORIAL_LSTM_OUTPUT_SHAPES[layer][0] in TUTORIAL.read_text(encoding="utf-8")
    text = _flat(_cells(BOOKS[number])["network-md"].source)
    wrong, right = TUTORIAL_LSTM_OUTPUT_SHAPES[layer]
    assert "*Corrected from the tutorial:*" in text and wrong in text and right in text
    assert "return_sequences" in text


def test_recommendations_are_not_called_untried():
    """The tutorial had varied max tokens, embedding length and stacking across its approaches."""
    assert "did not try" not in _md(RECIPES) and "did not try" not in (REPO / "helpers/config.py").read_text()
    varied = {(a.max_tokens, a.embed_len, len(a.lstm_units)) for a in APPROACHES.values()}
    assert len({v[0] for v in varied}) > 1 and len({v[1] for v in varied}) > 1 and len({v[2] for v in varied}) > 1


# --- Keras' and scikit-learn's behaviour, said truly ---------------------------------------------

FUSED = re.compile(r"cannot use (its|TensorFlow's) fused|fused (LSTM )?loop with a mask", re.I)


def test_masking_is_described_for_cpu_and_gpu():
    for path in (BOOKS[2], RECIPES, REPO / "benchmarks" / "README.md"):
        text = _md(path) if path.suffix == ".ipynb" else path.read_text(encoding="utf-8")
        assert not FUSED.search(_flat(text)), f"{path.name}: a masked LSTM is said to lose a fused CPU loop"
    remedies = _flat(_cells(BOOKS[2])["own-remedies-md"].source)
    assert "no fused LSTM kernel on a CPU" in remedies and "cuDNN" in remedies and "**zeros**" in remedies


def test_logistic_regressions_c_is_the_inverse_strength():
    text = _flat(_cells(RECIPES)["baseline-md"].source)
    assert "*inverse* of the regularization strength" in text
    assert "regularization strength `C`" not in text


def test_01_says_how_many_texts_train():
    assert config.VALIDATION_FRACTION == 0.1                 # 120,000 texts, 10% held out: 108,000 train
    text = _flat(_cells(BOOKS[1])["compare-md"].source)
    assert "108,000" in text and "120,000" in text


def test_01_has_no_repeated_sentence_and_points_to_the_exercise():
    cells = _cells(BOOKS[1])
    for cid, cell in cells.items():
        if cell.cell_type == "markdown":
            sentences = [s for s in re.split(r"(?<=[.)])\s+", _flat(cell.source)) if len(s) > 40]
            repeated = [s for s, k in Counter(sentences).items() if k > 1]
            assert not repeated, f"01, cell {cid}: said twice: {repeated[0]}"
    assert "(Section 7 lets you try them.)" not in cells["title"].source
    assert "man bites dog" in cells["exercises"].source.split("3. ", 1)[1].split("\n4. ", 1)[0]


def test_00_words_and_lengths_are_said_of_the_right_texts():
    cells = _cells(PREPARE)
    frequent = _flat(cells["frequent-md"].source)
    assert "42nd" in frequent and "75th" in frequent         # quot and afp: not among the printed 40
    assert "vocabulary[2:42]" in cells["vectorizer"].source
    assert "measured 2026-11-30 with the cell above" not in _flat(cells["padding-md"].source)
    assert "**What to take away:**" in cells["next"].source


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


# --- the new demos carry their checks -------------------------------------------------------------

TF32_OFF = "enable_tensor_float_32_execution(False)"


@pytest.mark.parametrize("number", sorted(BOOKS))
def test_tf32_is_off_before_exact_comparisons(number):
    """NumPy-against-Keras asserts hold on a GPU too: TF32 off before the first of them."""
    code = [c.source for c in nbformat.read(BOOKS[number], as_version=4).cells if c.cell_type == "code"]
    checks = [i for i, s in enumerate(code) if re.search(r"assert np\.(allclose|array_equal)", s)]
    off = [i for i, s in enumerate(code) if TF32_OFF in s]
    if checks:
        assert off and off[0] <= checks[0], f"{BOOKS[number].name}: TF32 is not off before cell {checks[0]}"
        first = code[off[0]]
        assert first.index(TF32_OFF) < first.find("assert np.") or "assert np." not in first


def test_embedding_lookup_is_asserted_as_a_product():
    cells = _cells(BOOKS[1])
    code = cells["own-lookup"].source
    assert "assert np.array_equal(one_hot @ embedding_table, looked_up)" in code
    assert "embedding_layer(" in code and "one_hot[np.arange(len(ids)), ids] = 1" in code


def test_gradient_by_position_is_computed():
    code = _cells(BOOKS[2])["own-gradient"].source
    assert "tf.GradientTape()" in code and "tape.gradient(loss, vectors)" in code
    assert 'padding="pre"' in code and "return np.nanmean(per_word, axis=0)" in code
    assert "keras.models.clone_model(model)" in code        # at the start and trained, both computed
    assert "ax.plot(" in code and "save_run_figure" in code


def test_own_headline_in_one_place():
    with_headline = [p.name for p in sorted(FOLDER.glob("[0-9][0-9]_*.ipynb"))
                     if any("my_text = " in c.source for c in _cells(p).values() if c.cell_type == "code")]
    assert with_headline == [BOOKS[1].name]
    code = _cells(BOOKS[1])["own-headline"].source
    assert "explain_instance(my_text" in code and "labels=[my_class]" in code
    assert "assert abs(my_explanation.predict_proba - my_probabilities).max() < 1e-3" in code   # LIME explains the model's own probabilities


def test_initialization_demo_at_the_real_scale():
    code = _cells(RECIPES)["init-demo"].source
    assert "uniform(-0.05, 0.05" in code          # a fresh Embedding's rows (Keras' default initializer)
    assert code.count("assert ") == 2


@pytest.mark.parametrize("number, picture", [(3, "bidirectional_lstm.png"), (4, "stacked_lstm.png"),
                                             (5, "stacked_bidirectional_lstm.png")])
def test_pictures_travel_as_attachments(number, picture):
    """Shown once, as an attachment (so executed copies in a run folder carry it), equal to the file
    tools/draw_stacked.py writes."""
    cells = [c for c in _cells(BOOKS[number]).values() if f"attachment:{picture}" in c.source]
    assert len(cells) == 1 and cells[0].id.startswith("own-")
    data = cells[0].get("attachments", {}).get(picture, {}).get("image/png")
    assert data and base64.b64decode(data) == (FOLDER / "figures" / picture).read_bytes(), (
        f"the attachment differs from notebooks/figures/{picture}: run tools/draw_stacked.py and paste it")
    assert f'"{picture[:-4]}"' in (REPO / "tools" / "draw_stacked.py").read_text()


def test_every_notebook_says_what_to_take_away():
    for path in [PREPARE, *BOOKS.values(), RECIPES]:
        assert "What to take away" in _md(path), path.name


def test_draw_script_redraws_the_pictures(tmp_path, monkeypatch):
    """The committed PNGs are what tools/draw_stacked.py draws (about 1 s with matplotlib)."""
    import importlib.util

    monkeypatch.syspath_prepend(str(REPO / "tools"))
    spec = importlib.util.spec_from_file_location("draw_stacked", REPO / "tools" / "draw_stacked.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.setattr(module, "FIGURES", tmp_path)
    written = module.main()
    assert sorted(p.name for p in written) == ["bidirectional_lstm.png", "stacked_bidirectional_lstm.png",
                                               "stacked_lstm.png"]
    for path in written:
        assert path.read_bytes() == (FOLDER / "figures" / path.name).read_bytes(), path.name


# --- 01 reads in one sitting ------------------------------------------------------------------------

DEEP_DIVES = ("own-lstm-md", "own-weight-count", "own-by-hand", "own-gate-order", "own-neighbours",
              "own-embedding-map", "own-lookup")


def _prose_words(markdown: str) -> int:
    return len(re.findall(r"[A-Za-z0-9][\w'’.-]*", re.sub(r"```.*?```", "", markdown, flags=re.S)))


def test_01_main_path_reads_in_one_sitting():
    """At most about 1,000 words of prose before the LSTM's fit, about 2,500 (exercises aside) outside
    the deep dives, which come after the main path under a heading that says they are optional."""
    cells = nbformat.read(BOOKS[1], as_version=4).cells
    ids = [c.id for c in cells]
    start = ids.index("own-deep-dives-md")
    assert "optional" in cells[start].source.splitlines()[0].lower()
    assert all(ids.index(cid) > start for cid in DEEP_DIVES), "a deep dive stands in the main path"
    assert ids.index("compare") < start < ids.index("exercises")
    fit = ids.index("train")
    before = sum(_prose_words(c.source) for c in cells[:fit] if c.cell_type == "markdown")
    main = sum(_prose_words(c.source) for i, c in enumerate(cells)
               if c.cell_type == "markdown" and (i < start or c.id == "next"))
    assert before <= 1_000, f"01 has {before} words of prose before the LSTM's fit"
    assert main <= 2_500, f"01 has {main} words of prose on its main path"


def test_01_baselines_come_before_the_first_lstm():
    cells = _cells(BOOKS[1])
    ids = list(cells)
    assert ids.index("own-baseline-tfidf") < ids.index("own-baseline-bag-of-words") < ids.index("network")
    assert "TfidfVectorizer(" in cells["own-baseline-tfidf"].source
    assert "LogisticRegression(" in cells["own-baseline-tfidf"].source
    bag = cells["own-baseline-bag-of-words"].source
    assert bag.index("layers.Embedding(") < bag.index("layers.GlobalAveragePooling1D()") < bag.index("layers.Dense(4")
    assert "word order matters little" in _flat(cells["own-baselines-md"].source)
    assert "Markdown(" in cells["own-vs-baselines"].source            # the comparison is written from the run


def test_01_shows_the_determinism_switch_notebook_setup_uses():
    import inspect

    import helpers.notebook

    imports = _cells(BOOKS[1])["imports"].source
    assert "keras.utils.set_random_seed(seed)" in imports
    assert "tf.config.experimental.enable_op_determinism()" in imports
    setup = inspect.getsource(helpers.notebook)
    assert "enable_op_determinism()" in setup                       # what the prose says notebook_setup does


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
            targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(node, ast.AnnAssign) else []
            for target in targets:
                for leaf in ast.walk(target):
                    if isinstance(leaf, ast.Name):
                        names.add(leaf.id)
        for name in names - allowed:
            seen.setdefault(name, []).append(cell.id)
    reused = {name: where for name, where in seen.items() if len(where) > 1}
    assert not reused, f"01 assigns these names in several cells: {reused}"

"""Saved raw-text models (notebook 01's ``text-model`` cell) where users load them: a ``.keras`` file after ``import helpers`` (in a
fresh interpreter, either import order), and a TensorFlow SavedModel where ``helpers`` cannot be
imported at all."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest
from conftest import child_env

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("test_serving")]

REPO = Path(__file__).resolve().parent.parent

TEXTS = [
    "Oil prices rise to a record high as markets fall",
    "the striker scored a late goal",
    "",
    "   ",
    "東京の株式市場 Россия новости 🙂",
    " ".join(["market", "shares", "troops", "goal"] * 5_000),  # 20,000 words
]

# A child process prints its answer as the last line of its standard output.
_PRINT = "print(json.dumps(np.asarray(p, dtype=np.float64).tolist()))"

# Makes `import helpers` fail in a child process, although helpers is installed (editable) in .venv.
_BLOCK_HELPERS = textwrap.dedent("""
    import importlib.abc, sys
    class _NoHelpers(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name == "helpers" or name.startswith("helpers."):
                raise ModuleNotFoundError(f"No module named {name!r} (blocked by the test)")
    sys.meta_path.insert(0, _NoHelpers())
    sys.path[:] = [p for p in sys.path if p not in ("", ".", REPO, REPO + "/")]
    try:
        import helpers
    except ModuleNotFoundError:
        pass
    else:
        raise SystemExit("helpers could be imported")
""")


def _run(code: str, cwd: Path) -> subprocess.CompletedProcess:
    """Run ``code`` in a fresh interpreter in ``cwd``; it finds :data:`TEXTS` as ``TEXTS``."""
    (cwd / "texts.json").write_text(json.dumps(TEXTS), encoding="utf-8")
    code = 'import json\nTEXTS = json.loads(open("texts.json", encoding="utf-8").read())\n' + code
    env = {k: v for k, v in child_env().items() if k != "PYTHONPATH"}
    return subprocess.run([sys.executable, "-c", code], cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


def _probabilities(result: subprocess.CompletedProcess) -> np.ndarray:
    assert result.returncode == 0, result.stderr[-4000:]
    return np.array(json.loads(result.stdout.strip().splitlines()[-1]), dtype=np.float64)


def _assert_probability_rows(p: np.ndarray, n: int) -> None:
    assert p.shape == (n, 4)
    assert np.isfinite(p).all()
    np.testing.assert_allclose(p.sum(axis=1), 1.0, atol=1e-5)


@pytest.fixture(scope="module")
def saved(trained):
    """What notebook 01's ``text-model`` cell saved: the .keras file and the SavedModel, and the
    raw-text model's predictions."""
    keras_file = trained["model_path"]
    expected = trained["text_model"].predict(np.array(TEXTS, dtype=object), verbose=0)
    return {
        "keras": keras_file,
        "saved_model": keras_file.with_name(f"{keras_file.stem}_serving"),
        "expected": expected,
    }


_PREDICT = "p = model.predict(np.array(TEXTS, dtype=object), verbose=0)"


def test_keras_files_load_after_import_helpers_in_either_order(saved, tmp_path):
    # 1. The notebooks' way, in a fresh interpreter: import helpers, import keras, a vectorizer of
    #    their own with helpers.standardize, saved; and the documented way to load a saved model:
    #    keras.saving.load_model, then Keras' own predict.
    own = tmp_path / "own.keras"
    first = textwrap.dedent(f"""
        import numpy as np
        import helpers
        import keras
        assert keras.saving.get_registered_name(helpers.standardize) == "helpers>standardize"
        keras.utils.set_random_seed(0)
        vec = keras.layers.TextVectorization(standardize=helpers.standardize, split="whitespace",
                                             output_sequence_length=6,
                                             vocabulary=["oil", "prices", "goal", "striker"])
        inputs = keras.Input(shape=(), dtype="string")
        x = keras.layers.Embedding(6, 3)(vec(inputs))
        outputs = keras.layers.Dense(4, activation="softmax")(keras.layers.Flatten()(x))
        model = keras.Model(inputs, outputs)
        model.save({str(own)!r})
        print(json.dumps(vec(np.array(["OIL-prices, goal!", "x"], dtype=object)).numpy().tolist()))
        {_PREDICT}
        print(json.dumps(p.tolist()))
        model = keras.saving.load_model({str(saved["keras"])!r})
        {_PREDICT}
        {_PRINT}
    """)
    r = _run(first, tmp_path)
    p = _probabilities(r)
    _assert_probability_rows(p, len(TEXTS))
    np.testing.assert_allclose(p, saved["expected"], atol=1e-5)
    ids, own_built = (json.loads(line) for line in r.stdout.strip().splitlines()[-3:-1])
    assert ids == [[2, 3, 4, 0, 0, 0], [1, 0, 0, 0, 0, 0]]  # the Keras 2 Tokenizer's rules
    # 2. The other order, in another fresh interpreter: keras first, then helpers.
    second = textwrap.dedent(f"""
        import numpy as np
        import keras
        import helpers
        model = keras.saving.load_model({str(own)!r})
        {_PREDICT}
        print(json.dumps(p.tolist()))
        model = keras.saving.load_model({str(saved["keras"])!r})
        {_PREDICT}
        {_PRINT}
    """)
    r = _run(second, tmp_path)
    p = _probabilities(r)
    np.testing.assert_allclose(p, saved["expected"], atol=1e-5)
    own_loaded = np.array(json.loads(r.stdout.strip().splitlines()[-2]))
    _assert_probability_rows(own_loaded, len(TEXTS))
    np.testing.assert_allclose(own_loaded, own_built, atol=1e-6)


def test_keras_file_without_helpers_fails_as_the_readme_says(saved, tmp_path):
    r = _run(f"import keras\nkeras.saving.load_model({str(saved['keras'])!r})", tmp_path)
    assert r.returncode != 0
    assert "Could not locate function 'helpers>standardize'" in r.stderr


def test_saved_model_serves_raw_text_without_helpers(saved, tmp_path):
    code = (
        f"REPO = {str(REPO)!r}\n"
        + _BLOCK_HELPERS
        + textwrap.dedent(f"""
        import json
        import numpy as np
        import tensorflow as tf
        loaded = tf.saved_model.load({str(saved["saved_model"])!r})
        p = loaded.serve(tf.constant(TEXTS)).numpy()
        assert loaded.serve(tf.constant([], dtype=tf.string)).numpy().shape == (0, 4)
        signature = loaded.signatures["serving_default"]
        (name,) = signature.structured_input_signature[1]  # the keyword TF Serving uses: "text"
        (by_signature,) = signature(**{{name: tf.constant(TEXTS[:2])}}).values()
        assert name == "text" and np.allclose(by_signature.numpy(), p[:2], atol=1e-6)
        assert "helpers" not in sys.modules
        {_PRINT}
    """)
    )
    p = _probabilities(_run(code, tmp_path))
    _assert_probability_rows(p, len(TEXTS))
    np.testing.assert_allclose(p, saved["expected"], atol=1e-5)

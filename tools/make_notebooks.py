"""Write the notebooks of the series (notebooks/*.ipynb) from this one script.

The five approach notebooks share one template, so a fix to a step lands in all five at once.
The committed notebooks are clean (no outputs, no execution counts). Run after editing:

    .venv/bin/python tools/make_notebooks.py
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from helpers.config import APPROACHES, BATCH_SIZE, EPOCHS  # noqa: E402

CHECK = "nbval-check-output"


def md(text: str):
    return new_markdown_cell(text.strip("\n"))


def code(text: str, *tags: str):
    cell = new_code_cell(text.strip("\n"))
    if tags:
        cell.metadata["tags"] = list(tags)
    return cell


def notebook(cells) -> nbformat.NotebookNode:
    nb = new_notebook(cells=cells)
    nb.metadata = {
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
        "language_info": {"name": "python"},
    }
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{i:02d}"
    return nb



# The data-loading cell shared by notebook 00 and the five approach notebooks.
LOAD_DATA = '''
data = helpers.load_data(data_source, data_dir=data_dir, train_size=train_size,
                         test_size=test_size, seed=seed)
train_texts, train_labels = data.train_texts, data.train_labels
test_texts, test_labels = data.test_texts, data.test_labels
class_names = list(data.class_names)

print(data)
for note in data.notes:
    print("Note:", note)
print("training texts:", train_texts.shape, " test texts:", test_texts.shape)
print("classes:", class_names)
'''

SETUP = '''
import helpers

params = helpers.check_parameters(globals())   # a bad value stops here, before anything is loaded
out = helpers.prepare_output_dir(output_dir)    # the run folder, checked to be writable
helpers.notebook_setup(seed=seed)               # quiet TensorFlow, inline plots, seeds
print(helpers.describe_device())
'''

# --------------------------------------------------------------------------------------------
# 00: the data
# --------------------------------------------------------------------------------------------


def prepare_data_notebook():
    cells = [
        md('''
# 00 · Preparing the data: AG News, vocabularies and token ids

The five networks of this series all read the same thing: news texts turned into rows of
**token ids**. This notebook shows that preparation step by step, on the real data, before any
network appears:

1. load AG News (4 classes: World, Sports, Business, Sci/Tech);
2. what a **token** and a **vocabulary** are, on a sentence you can edit;
3. the vectorizer learned from the training texts;
4. how the classes are balanced;
5. how long the texts are — which motivates reading **25** or **50** tokens per text;
6. padding and truncation, the "post" rule.

Nothing here is trained; it runs in a minute.
'''),
        md('''
## Parameters

The first code cell holds the notebook's parameters (it is tagged `parameters`, so papermill and
`./run_all.sh -p NAME VALUE` can change them). `data_source="synthetic"` uses a generated corpus
instead of AG News when there is no network; `train_size`/`test_size` take a seeded,
class-balanced subset.
'''),
        code('''
data_source = "ag_news"
data_dir = None
train_size = None
test_size = None
seed = 0
output_dir = "../runs/notebooks"
''', "parameters"),
        md("The next cell checks every parameter first, so a typo fails in a second, not after a download."),
        code(SETUP),
        md('''
## 1. Loading AG News

`helpers.load_data` reads the canonical AG News CSV files (the ones torchtext used): from
`data_dir` or `$AG_NEWS_DIR` when given, else downloaded once into `~/.keras/datasets/ag_news`.
Each file is checked against its known MD5 checksum. A text is the headline and the description
joined by a space; a label is the class index 0–3.

*Changed from the tutorial:* it loaded the data with torchtext, which no longer installs beside
today's PyTorch; the files and the texts are the same.
'''),
        code(LOAD_DATA, CHECK),
        md("A few training examples, with their labels:"),
        code('''
import pandas as pd

pd.DataFrame({"label": train_labels[:5],
              "class": [class_names[i] for i in train_labels[:5]],
              "text": train_texts[:5]})
''', CHECK),
        md('''
## 2. Tokens, ids and the vocabulary

A network cannot read letters; it reads numbers. Text classification therefore starts with
three small steps:

* **tokenize**: lower-case the text, replace punctuation with spaces, split on spaces → a list of
  words (*tokens*);
* **vocabulary**: every distinct word seen in the training texts gets a number (*id*), the most
  frequent word first. Two ids are reserved: **0** is *padding* (an empty slot) and **1** is
  **`[UNK]`**, the unknown word — any word the vocabulary has never seen;
* **look up**: each token is replaced with its id.

Try it: edit `sentence` and run the cells again.
'''),
        code('''
sentence = "Wall St. Bears Claw Back Into the Black (Reuters)"

tokens = helpers.tokenize_like_keras2(sentence)
print(tokens)
''', CHECK),
        md('''
Now a tiny vocabulary learned from three made-up "training texts", and the sentence turned into
ids. Words of the sentence that are not in those three texts become `[UNK]` (id 1), and the row is
filled up with 0 (padding) to a fixed length of 12.
'''),
        code('''
toy_texts = ["Stocks rise on Wall Street", "The Bears win the game", "Wall Street bears back down"]
toy = helpers.make_vectorizer(12, train_texts=toy_texts)
toy_vocabulary = toy.get_vocabulary()
print({str(word): i for i, word in enumerate(toy_vocabulary)})

toy_ids = helpers.vectorize(toy, [sentence])[0]
print("ids:  ", toy_ids.tolist())
print("words:", helpers.ids_to_words(toy_vocabulary, toy_ids))
''', CHECK),
        md('''
*Changed from the tutorial:* Keras 3 no longer has `keras.preprocessing.text.Tokenizer`; the
`TextVectorization` layer does the same job. `helpers.make_vectorizer` configures it with exactly
the Tokenizer's rules (same lower-casing, same punctuation list, split on whitespace), and because it
is a Keras layer it can later become part of the saved model, which then takes raw strings.
'''),
        md('''
## 3. The vectorizer on the training texts

The same thing on the real training texts. The vocabulary is learned from the **training texts
only**. *Changed from the tutorial:* it also fed the test texts into the vocabulary, which gives
test-only words an id the network never trained on — a small leak of test data into the model.
'''),
        code('''
vectorizer = helpers.make_vectorizer(50, train_texts=train_texts)
vocabulary = vectorizer.get_vocabulary()
print(f"vocabulary size: {len(vocabulary):,} (padding '' and '[UNK]' included)")
print("most frequent words:", " ".join(vocabulary[2:22]))
''', CHECK),
        md("The first training text, as the network will see it (50 ids), and back to words:"),
        code('''
first_ids = helpers.vectorize(vectorizer, train_texts[:1])[0]
print(train_texts[0])
print(first_ids.tolist())
print(helpers.ids_to_words(vocabulary, first_ids))
''', CHECK),
        md('''
## 4. Class balance

If one class dominated, a network could score well by always guessing it, and accuracy would
mislead. AG News is perfectly balanced: 30,000 training and 1,900 test texts per class (a subset
taken with `train_size`/`test_size` keeps the proportions).
'''),
        code('''
balance = pd.DataFrame({
    "training texts": pd.Series(train_labels).value_counts().sort_index().to_numpy(),
    "test texts": pd.Series(test_labels).value_counts().sort_index().to_numpy(),
}, index=pd.Index(class_names, name="class"))
balance
''', CHECK),
        code('''
ax = balance.plot.bar(rot=0, figsize=(7, 3.5), title="Texts per class")
ax.set_ylabel("texts")
print("saved", helpers.save_run_figure(ax.figure, output_dir, "00_prepare_data", "class_balance"))
'''),
        md('''
## 5. How long are the texts?

Every row of ids fed to an LSTM has the same length, `max_tokens`. Too short, and the end of many
texts is cut off; too long, and the network spends its time reading padding. The histogram shows
the number of tokens per training text, with lines at 25 and 50: approach 1 reads 25 tokens,
approaches 2–5 read 50.
'''),
        code('''
import numpy as np

lengths = np.array([len(helpers.tokenize_like_keras2(t)) for t in train_texts])
print(f"tokens per text: median {np.median(lengths):.0f}, mean {lengths.mean():.1f}, "
      f"max {lengths.max()}")
for n in (25, 50):
    print(f"texts longer than {n} tokens: {np.mean(lengths > n):.1%} (they are cut at token {n})")
''', CHECK),
        code('''
import matplotlib.pyplot as plt

fig, ax = plt.subplots(figsize=(8, 3.5))
ax.hist(lengths, bins=np.arange(0, min(lengths.max(), 150) + 2), color="tab:blue", alpha=0.8)
for n, colour in ((25, "tab:red"), (50, "tab:green")):
    ax.axvline(n, color=colour, linestyle="--", label=f"max_tokens = {n}")
ax.set_xlabel("tokens per text")
ax.set_ylabel("training texts")
ax.set_title("Length of the training texts")
ax.legend()
print("saved", helpers.save_run_figure(fig, output_dir, "00_prepare_data", "text_lengths"))
'''),
        md('''
With 25 tokens most texts lose part of their description; with 50 almost every text fits whole.
Notebook 02 measures whether those extra words help.

## 6. Padding and truncation: the "post" rule

To give every row exactly `max_tokens` ids, the tutorial used
`pad_sequences(padding="post", truncating="post")`: a short text is **padded with 0 at the end**,
a long text is **cut at the end** (its first `max_tokens` tokens are kept). `TextVectorization`
with `output_sequence_length=max_tokens` does exactly the same. Here with `max_tokens = 25`, on
the shortest and the longest training text:
'''),
        code('''
vectorizer_25 = helpers.make_vectorizer(25, vocabulary=vocabulary[2:])  # same words, 25 slots
for label, i in (("shortest", int(lengths.argmin())), ("longest", int(lengths.argmax()))):
    ids = helpers.vectorize(vectorizer_25, [train_texts[i]])[0]
    kept = helpers.ids_to_words(vocabulary, ids)
    print(f"{label} text ({lengths[i]} tokens): {train_texts[i]}")
    print("  ids:    ", ids.tolist())
    print("  kept:   ", " ".join(kept))
    print("  dropped:", " ".join(helpers.tokenize_like_keras2(train_texts[i])[25:]) or "(nothing)")
    print()
''', CHECK),
        md('''
The padding zeros at the end are why the order matters: an LSTM reading left to right meets the
real words first and then a run of zeros. The networks learn to cope with that; notebook 03's
bidirectional LSTM also reads the row from the end.

**Next:** `01_lstm_25_tokens.ipynb` trains the first network on these ids.
'''),
    ]
    return notebook(cells)


# --------------------------------------------------------------------------------------------
# 01–05: one notebook per approach
# --------------------------------------------------------------------------------------------


def diagram(a) -> str:
    width = lambda u: 2 * u if a.bidirectional else u  # noqa: E731
    lines = [
        f'"Wall St. Bears Claw Back ..."      a raw text',
        f"        │  TextVectorization    → {a.max_tokens} token ids (padded/cut \"post\")",
        f"        ▼",
        f"  Embedding (vocabulary × {a.embed_len})    each id → a vector of {a.embed_len} numbers"
        f"   → ({a.max_tokens}, {a.embed_len})",
    ]
    d = a.embed_len
    for i, u in enumerate(a.lstm_units):
        last = i == len(a.lstm_units) - 1
        kind = f"Bidirectional(LSTM {u})" if a.bidirectional else f"LSTM ({u} units)"
        shape = f"({width(u)},)" if last else f"({a.max_tokens}, {width(u)})"
        what = "last state only" if last else "whole sequence (return_sequences=True)"
        lines += ["        ▼", f"  {kind:<28}  {what} → {shape}"]
        d = width(u)
    lines += ["        ▼", f"  Dense (4, softmax)              → probabilities of World / Sports / Business / Sci/Tech"]
    return "```text\n" + "\n".join(lines) + "\n```"


INTROS = {
    1: '''
The first and simplest network of the tutorial. Each text becomes **25 token ids**; an
**Embedding** layer turns each id into a vector of 25 learned numbers; an **LSTM** layer reads
the 25 vectors one after the other, left to right, updating a memory of 50 numbers as it goes;
a **Dense** layer turns that final memory into the probabilities of the four classes.

Why an LSTM? A plain bag of words ignores order. An LSTM (*long short-term memory*) reads words
in sequence and learns, through its gates, what to remember and what to forget, so "Apple shares
fall" and "apples fall from the tree" can end up in different places.
''',
    2: '''
The same network as notebook 01, but each text is cut at **50 tokens instead of 25**.

Why more tokens? Notebook 00 showed that most AG News texts (headline + description) are longer
than 25 tokens, so approach 1 never sees the end of most descriptions. With 50 tokens almost every
text fits whole. The price: the LSTM takes twice as many steps per text, so training is slower,
and short texts carry more padding. That padding comes *after* the words ("post"), so the LSTM
must carry what it read across up to 40 steps of zeros before its final memory is used; with few
training texts this network learns more slowly than approach 1 (the README shows it on 5,472 real
texts), with the full 120,000 it has enough examples to learn it.
''',
    3: '''
Approach 2's network with its LSTM layer made **bidirectional**.

Why bidirectional? A single LSTM reads left to right: its final memory is dominated by the last
words it read — and in a padded row those are often padding zeros. A `Bidirectional` wrapper runs
**two** LSTMs of 50 units, one left to right and one right to left, and joins their final
memories into 100 numbers. Every word is then seen both with what comes before it and with what
comes after it. It doubles the LSTM weights and the training time.
''',
    4: '''
Three LSTM layers **stacked** on top of each other (50, 60 and 75 units), reading 50 tokens.

Why stacking? A deeper network can build more abstract features: the first layer reads the word
vectors, the second reads the first layer's outputs, and so on. For that, every LSTM layer except
the last must return its output **at every step** (`return_sequences=True`), so the next layer
has a sequence to read; the last returns only its final memory for the Dense layer. More layers
also mean more weights to fit and slower training — the tutorial found this network *less*
accurate than the single layer, a reminder that deeper is not automatically better.
''',
    5: '''
The largest network of the tutorial: approach 4's **three stacked LSTM layers** (50, 60, 75
units), each one **bidirectional**, with a slightly longer embedding (**30** numbers per word).

It combines both ideas: stacking (each layer reads the whole output sequence of the layer below,
`return_sequences=True`) and reading in both directions (every layer sees each word with its left
and its right context). It has by far the most weights and is the slowest to train.
''',
}


def approach_notebook(a):
    units = a.lstm_units[0] if len(a.lstm_units) == 1 else list(a.lstm_units)
    n = a.name
    cells = [
        md(f'''
# {a.number:02d} · Approach {a.number}: {a.title}

{INTROS[a.number].strip()}

{diagram(a)}

The tutorial reached **{a.published_accuracy:.2%}** test accuracy with this network on AG News.
This notebook goes through every step: load and vectorize the texts, define the network, compile,
train, evaluate, save the model and explain one prediction with LIME.
'''),
        md(f'''
## Parameters

This cell is tagged `parameters`: papermill (or `./run_all.sh -p NAME VALUE`) can change any of
them. The defaults are the tutorial's settings for approach {a.number}. `train_size`/`test_size`
take a seeded, class-balanced subset (None = all); `data_source="synthetic"` uses a generated
corpus when AG News cannot be had; `lime_samples` is how many variants of a text LIME scores.
Results go to `output_dir`.
'''),
        code(f'''
max_tokens = {a.max_tokens}
embed_len = {a.embed_len}
lstm_units = {units!r}
bidirectional = {a.bidirectional}
epochs = {EPOCHS}
batch_size = {BATCH_SIZE}
train_size = None
test_size = None
seed = 0
data_source = "ag_news"
data_dir = None
output_dir = "../runs/notebooks"
lime_samples = 5000
''', "parameters"),
        md("Check the parameters before anything else, so that a bad value fails in a second:"),
        code(SETUP + f'''
approach = helpers.get_approach("{n}")
NAME = approach.name
'''),
        md('''
## 1. Load the data

Training and test texts with their labels (0 World, 1 Sports, 2 Business, 3 Sci/Tech). Notebook
00 looks at this data in depth.
'''),
        code(LOAD_DATA, CHECK),
        md(f'''
## 2. Text → token ids

The vectorizer learns its vocabulary from the training texts and turns every text into exactly
`max_tokens` ids (padded with 0 or cut at the end, the "post" rule).

*Changed from the tutorial:* Keras 3's `TextVectorization` replaces the removed Keras 2
`Tokenizer` (same rules), and the vocabulary comes from the training texts only — the tutorial also
used the test texts, a small leak of test data into the model.
'''),
        code('''
vectorizer = helpers.make_vectorizer(max_tokens, train_texts=train_texts)
vocabulary = vectorizer.get_vocabulary()
x_train = helpers.vectorize(vectorizer, train_texts)
x_test = helpers.vectorize(vectorizer, test_texts)

print(f"vocabulary size: {len(vocabulary):,}")
print("x_train:", x_train.shape, x_train.dtype, " x_test:", x_test.shape)
print("first text: ", train_texts[0])
print("as ids:     ", x_train[0].tolist())
print("as words:   ", helpers.ids_to_words(vocabulary, x_train[0]))
''', CHECK),
        md(f'''
## 3. The network

`helpers.build_model` stacks the layers of the diagram above from the parameters. The summary
lists each layer's output shape and number of weights; almost all of them are in the Embedding
layer (vocabulary size × `embed_len`).

*Changed from the tutorial:* Keras 3's `Embedding` takes no `input_length`; the `Input` layer
gives the length instead.
'''),
        code('''
model = helpers.build_model(len(vocabulary), max_tokens, embed_len, lstm_units, bidirectional,
                            name=approach.slug)
model.summary()
''', CHECK),
        md("The same number by the textbook formula (an LSTM of *u* units reading *d* features has 4·*u*·(*d* + *u* + 1) weights):"),
        code('''
print(f"{helpers.expected_param_count(len(vocabulary), max_tokens, embed_len, lstm_units, bidirectional):,} weights")
''', CHECK),
        md('''
## 4. Compile

As in the tutorial: the **rmsprop** optimizer, the **sparse categorical cross-entropy** loss
(labels are class numbers, not one-hot vectors) and **accuracy** as the metric to watch.
'''),
        code("model = helpers.compile_model(model)"),
        md(f'''
## 5. Train

`helpers.train` fits the network for `epochs` passes over the training texts in batches of
`batch_size`, printing one line per epoch. 10% of the training texts are held out as a
**validation slice** and scored after every epoch.

*Changed from the tutorial:* it passed the *test* set as validation data; looking at test scores
while deciding how to train turns the test set into a tuning set, so the final test score would no
longer be an honest estimate.
'''),
        code('''
result = helpers.train(model, x_train, train_labels, epochs=epochs, batch_size=batch_size,
                       seed=seed, verbose=2)
print(f"trained on {result.n_train:,} texts, validated on {result.n_val:,}, "
      f"in {result.fit_seconds:.0f} s")
'''),
        md('''
The training curves: loss and accuracy per epoch on the training texts and on the validation
slice. When the validation curve flattens while the training curve keeps improving, the network
starts to memorise rather than generalise.
'''),
        code('''
fig = helpers.plot_training_curves(result.history, title=f"{NAME}: training curves")
print("saved", helpers.save_run_figure(fig, output_dir, NAME, "training_curves"))
'''),
        md('''
## 6. Evaluate on the test texts

The test texts were never used for training or for any decision about training, so their score is
the honest one. First the accuracy and scikit-learn's classification report (precision, recall
and F1 per class):
'''),
        code('''
ev = helpers.evaluate(model, x_test, test_labels, class_names)
print(f"test accuracy: {ev.accuracy:.4f}\\n")
print(ev.report_text)
'''),
        md("The confusion matrix in numbers: row = true class, column = predicted class."),
        code("helpers.confusion_table(ev)"),
        md('''
And normalized per row in the "Blues" colour map, as in the tutorial: the diagonal is each
class's recall. Business and Sci/Tech are usually the most confused pair.

*Changed from the tutorial:* scikit-plot no longer imports with current SciPy;
scikit-learn's `ConfusionMatrixDisplay` draws the same plot.
'''),
        code('''
fig = helpers.plot_confusion_matrix(ev, title=f"{NAME}: normalized confusion matrix")
print("saved", helpers.save_run_figure(fig, output_dir, NAME, "confusion_matrix"))
'''),
        md('''
## 7. Save a model that reads raw text

The network reads token ids, so using it needs the vectorizer too. `helpers.export_text_model`
puts both into one model that takes plain strings, and it is saved to
`output_dir/models/` (written to a temporary name first, then renamed, so an interrupted save never
leaves half a file).
'''),
        code('''
text_model = helpers.export_text_model(vectorizer, model)
print("saved", helpers.save_text_model(text_model, output_dir, NAME))
'''),
        md("Loaded back from the file, it classifies any text you write (edit the list):"),
        code('''
reloaded = helpers.load_text_model(out / "models" / f"{NAME}.keras")
helpers.prediction_table(reloaded, [
    "Stocks slide as oil prices hit a record high",
    "Striker scores twice as champions win the cup final",
    "New chip makes mobile phones faster, says Intel",
    "Peace talks resume as troops leave the border",
])
'''),
        md('''
The run's metrics (accuracy, per-class scores, confusion matrix, training history and settings)
go to `output_dir/metrics/` as JSON; notebook 06 reads them to compare the approaches.
'''),
        code('''
metrics = helpers.build_metrics(approach=NAME, ev=ev, params=params, train_result=result, data=data,
                                vocab_size=len(vocabulary),
                                published_accuracy=approach.published_accuracy)
path = helpers.write_metrics(metrics, output_dir, name=NAME)
print("saved", helpers.in_run_folder(path, output_dir))
'''),
        md('''
## 8. Why this prediction? LIME

LIME explains one prediction: it makes `lime_samples` variants of the text with random words
removed, asks the model for their class probabilities and fits a small linear model on "which
words were kept". Its weights say how much each word pushed the prediction towards the predicted
class (positive) or away from it (negative). The tutorial explained the test text at
`np.random.RandomState(1).randint(1, len(test))`; so do we.
'''),
        code('''
index = helpers.tutorial_example_index(len(test_texts))
text = str(test_texts[index])
print(f"test text #{index} (true class: {class_names[test_labels[index]]}):")
print(text)
''', CHECK),
        code('''
ex = helpers.explain_text(text_model, text, class_names, num_samples=lime_samples, seed=seed)
print("predicted:", class_names[ex.predicted], f"(p = {ex.probabilities[ex.predicted]:.2f})")
ex.show()
'''),
        md("The same weights as a static chart (visible everywhere, also where the interactive view is not):"),
        code('''
fig = helpers.plot_explanation(ex)
print("saved", helpers.save_run_figure(fig, output_dir, NAME, "lime"))
print("saved", helpers.in_run_folder(ex.save_html(out / "explanations" / f"{NAME}.html"), output_dir))
'''),
        md('''
## 9. This run and the tutorial
'''),
        code('''
from IPython.display import Markdown

Markdown(helpers.compare_with_published(metrics))
'''),
        md(closing(a)),
    ]
    return notebook(cells)


def closing(a) -> str:
    nxt = {1: "`02_lstm_50_tokens.ipynb` gives the same network twice as many tokens.",
           2: "`03_bidirectional_lstm.ipynb` reads the 50 tokens in both directions.",
           3: "`04_stacked_lstm.ipynb` stacks three LSTM layers instead.",
           4: "`05_stacked_bidirectional_lstm.ipynb` combines stacking with both directions.",
           5: "`06_results_summary.ipynb` compares all five approaches."}[a.number]
    return f'''
**What to take away:** {TAKEAWAYS[a.number]}

**Next:** {nxt}
'''


TAKEAWAYS = {
    1: "text → ids → embedding → LSTM → softmax is a complete text classifier in a few lines; every "
       "later approach changes one part of it.",
    2: "compare this accuracy with notebook 01's: the only difference is the 25 extra tokens per text.",
    3: "reading in both directions costs twice the LSTM weights; compare the gain with notebook 02.",
    4: "depth adds weights and training time; whether it adds accuracy is an empirical question.",
    5: "the largest network is not necessarily the most accurate: notebook 06 puts all five side by side.",
}

# --------------------------------------------------------------------------------------------
# 06: results summary
# --------------------------------------------------------------------------------------------


def summary_notebook():
    cells = [
        md('''
# 06 · Results: the five approaches side by side

This notebook reads the metrics every approach notebook wrote into the run folder
(`output_dir/metrics/NN_<name>.json`) and compares them: test accuracy beside the tutorial's
published figures, F1 per class, and training time. It works with whatever has been run so far
and names the approaches that are missing. `./run_all.sh` runs it last.
'''),
        md("## Parameters\n\nOnly the run folder to read (tagged `parameters`)."),
        code('output_dir = "../runs/notebooks"', "parameters"),
        code('''
import helpers

helpers.check_parameters(globals())
out = helpers.prepare_output_dir(output_dir)
helpers.notebook_setup()
'''),
        md("## 1. What has been run"),
        code('''
all_metrics = helpers.read_all_metrics(output_dir)
ours, others, missing = helpers.split_metrics(all_metrics)
print("approaches found:", ", ".join(ours) or "none")
print("approaches missing:", ", ".join(missing) or "none")
if missing:
    print("(run their notebooks, or ./run_all.sh, to fill them in)")
print("other metrics files:", ", ".join(others) or "none")
'''),
        md('''
## 2. Test accuracy: this run and the tutorial

The published column is the tutorial's test accuracy on AG News (5 epochs, all 120,000 training
texts). Compare the two only when the `data` column says `ag_news` with the full sizes and 5
epochs: a quick run, a subset or the generated corpus (`synthetic`) says nothing about the
published figures.
'''),
        code('''
results = helpers.results_frame(all_metrics)
results
'''),
        code('''
fig = helpers.plot_accuracy_comparison(results)
print("saved", helpers.save_run_figure(fig, output_dir, "06_results_summary", "accuracy"))
'''),
        md("The same table in Markdown, as `./run_all.sh` prints it and writes it to `results.md`:"),
        code('''
from IPython.display import Markdown
from helpers.series import results_table

Markdown(results_table(all_metrics))
'''),
        md('''
## 3. F1 per class

Accuracy hides which classes are hard. The F1 score (harmonic mean of precision and recall) per
class usually shows Sports as the easiest class and Business vs Sci/Tech as the hardest pair.
'''),
        code('''
f1 = helpers.per_class_f1_frame(ours)
f1
'''),
        code('''
if len(f1):
    fig = helpers.plot_per_class_f1(f1)
    print("saved", helpers.save_run_figure(fig, output_dir, "06_results_summary", "per_class_f1"))
else:
    print("no approach has been run yet")
'''),
        md('''
## 4. Training time

The wall time of `model.fit` per approach. It grows with the number of tokens (more LSTM steps),
with bidirectional layers (two LSTMs per layer) and with stacking (more layers). It depends on
the machine; on a GPU, Keras uses the fused cuDNN LSTM kernel and every approach trains much
faster.
'''),
        code('''
if results["fit seconds"].notna().any():
    fig = helpers.plot_fit_seconds(results)
    print("saved", helpers.save_run_figure(fig, output_dir, "06_results_summary", "fit_seconds"))
else:
    print("no approach has been run yet")
'''),
        md('''
## 5. Other experiments

Metrics files that are not one of the five approaches — for example those written by
`07_further_recommendations.ipynb` — are listed here with whatever fields they have.
'''),
        code('''
if others:
    display(helpers.other_metrics_frame(others))
else:
    print("no other metrics files in this run folder")
'''),
        md('''
## 6. The tutorial's further recommendations

The tutorial ended with ideas it did not try. Notebook 07 tries some of them.
'''),
        code('''
Markdown("\\n".join(f"{i}. {r}" for i, r in enumerate(helpers.FURTHER_RECOMMENDATIONS, 1)))
''', CHECK),
        md('''
**In short:** the five approaches differ by a point or two on AG News; more tokens helped the
tutorial most, stacking did not. Whether those differences hold for your run depends on the data
and settings shown in the table above — a quick or generated-corpus run only shows that the code
works.
'''),
    ]
    return notebook(cells)


def main() -> None:
    folder = REPO / "notebooks"
    folder.mkdir(exist_ok=True)
    books = {"00_prepare_data.ipynb": prepare_data_notebook()}
    for a in APPROACHES.values():
        books[f"{a.name}.ipynb"] = approach_notebook(a)
    books["06_results_summary.ipynb"] = summary_notebook()
    for name, nb in books.items():
        nbformat.validate(nb)
        nbformat.write(nb, folder / name)
        print("wrote", f"notebooks/{name}")


if __name__ == "__main__":
    main()

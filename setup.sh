#!/usr/bin/env bash
# Sets up .venv for a learner: Python 3.11, 3.12 or 3.13, the exact versions of requirements.txt
# (the learner's lock, made from pyproject.toml: the notebooks, JupyterLab, papermill, the series
# runner), this project in editable mode, the Jupyter kernel "LSTM AG News" (lstm-agnews) and
# JupyterLab's quiet defaults. Nothing for tests or clusters: ./run_tests.sh adds the test set
# (requirements-test.txt), ./setup.sh --sweeps the Dask cluster (requirements-sweeps.txt).
# Run it again at any time: when .venv already holds the lock (a stamp in .venv records the lock's
# hash and the Python), it is done in about a second; packages you added yourself are kept.
#   ./setup.sh --sweeps                     also the Dask cluster for sweeps and --scheduler
#   ./setup.sh --test-set                   also the test set (what ./run_tests.sh runs first)
#   PYTHON=/path/to/python3.12 ./setup.sh   that Python (else the first of python3, python3.13,
#                                           python3.12, python3.11 that is supported)
#   SETUP_GPU=1 | SETUP_GPU=0               TensorFlow's CUDA extra or not (default: where nvidia-smi lists a GPU)
# The installer is uv: the one on PATH, else the pinned one, which pip puts into .venv. Without a
# network, uv installs from its cache.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
locks=(requirements.txt)
for arg in "$@"; do
  case "$arg" in
    --sweeps) locks+=(requirements-sweeps.txt) ;;
    --test-set) locks+=(requirements-test.txt) ;;
    -h|--help) sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p;}' "$0"; exit 0 ;;
    *) echo "setup.sh: unknown option $arg (./setup.sh --help)" >&2; exit 2 ;;
  esac
done
say() { echo "setup.sh: $*" >&2; }
version() { "$1" -c 'import sys; print("%d.%d.%d" % sys.version_info[:3])' </dev/null 2>/dev/null; }
supported() { case "$1" in 3.11.*|3.12.*|3.13.*) return 0;; *) return 1;; esac; }

# .venv is kept while its Python runs and is the one asked for; otherwise it is made anew.
if ! current="$(version .venv/bin/python)" || ! supported "$current" ||
   { [ -n "${PYTHON:-}" ] && [ "$current" != "$(version "$PYTHON")" ]; }; then
  if [ -n "${PYTHON:-}" ]; then candidates=("$PYTHON"); else candidates=(python3 python3.13 python3.12 python3.11); fi
  py="" found=""
  for c in "${candidates[@]}"; do
    if v="$(version "$c")"; then
      if supported "$v"; then py="$c"; break; fi
      found+="; $c is Python $v"
    elif [ -n "${PYTHON:-}" ] || command -v "$c" >/dev/null; then
      found+="; $c does not run as Python"
    fi
  done
  if [ -z "$py" ]; then
    [ -n "$found" ] || found="; none of ${candidates[*]} on PATH"
    say "this project needs Python 3.11, 3.12 or 3.13 (TensorFlow has no packages for others). Found: ${found#; }.
  Get a supported Python, then run the command again, for example:
    PYTHON=/path/to/python3.12 ./setup.sh                   # a Python 3.11-3.13 you already have
    uv python install 3.13 && PYTHON=\"\$(uv python find 3.13)\" ./setup.sh
    pyenv install 3.13 && PYTHON=\"\$(pyenv root)/versions/\$(pyenv latest 3.13)/bin/python3.13\" ./setup.sh
    conda env create -f environment.yml                     # conda: see environment.yml"
    exit 1
  fi
  echo "Making .venv with Python $v ($py)${current:+, replacing the one with Python $current}..."
  rm -rf .venv
  "$py" -m venv .venv || { say "Python $v cannot make a virtual environment (on Debian/Ubuntu: sudo apt install python${v%.*}-venv)."; exit 1; }
fi

# What to install: the lock(s) and the project; TensorFlow's CUDA extra, at the lock's version, for a GPU.
gpu=0
if [ "${SETUP_GPU:-}" = 1 ] || { [ "${SETUP_GPU:-}" != 0 ] && nvidia-smi -L >/dev/null 2>&1; }; then gpu=1; fi
# The stamp: what .venv was last brought in line with (each lock's hash, pyproject.toml's, the GPU
# choice, the Python). When it matches, nothing is installed.
stamp() { .venv/bin/python - "$gpu" "$@" <<'PY'
import hashlib, sys
h = hashlib.sha256(("%s gpu=%s\n" % (sys.version, sys.argv[1])).encode())
for name in ["pyproject.toml", *sys.argv[2:]]:
    h.update(open(name, "rb").read())
print(h.hexdigest())
PY
}
install() {  # install LOCK...: the locks, the project, the CUDA extra where chosen; then the stamp
  local packages=(-e .) lock
  for lock in "$@"; do packages+=(-r "$lock"); done
  if [ "$gpu" = 1 ]; then
    local cuda="tensorflow[and-cuda]==$(sed -n 's/^tensorflow==//p' requirements.txt)"
    packages+=("$cuda")
    echo "GPU set-up: with $cuda (CUDA and cuDNN as pip packages, Linux only; SETUP_GPU=0 for the CPU only)."
  fi
  local uv
  uv="$(command -v uv || echo .venv/bin/uv)"
  [ -x "$uv" ] || .venv/bin/python -m pip install -q --disable-pip-version-check "$(grep '^uv==' requirements-test.txt)"
  echo "Installing $* into .venv (Python $(version .venv/bin/python)) with $("$uv" --version)..."
  "$uv" pip install -q --python .venv/bin/python "${packages[@]}" ||
    { say "installing from uv's cache only (no network?)"; "$uv" pip install -q --offline --python .venv/bin/python "${packages[@]}"; }
}
for lock in "${locks[@]}"; do
  # each lock's stamp covers the learner's lock too: a new requirements.txt redoes them all
  key="$(stamp requirements.txt "$lock")"
  if [ "$(cat ".venv/.stamp-$lock" 2>/dev/null)" != "$key" ]; then
    install "$lock"
    echo "$key" > ".venv/.stamp-$lock"
  fi
done

# The Jupyter kernel for any JupyterLab (registered when missing or pointing at another Python), and
# the project's JupyterLab settings (no news or update prompts).
if ! .venv/bin/python - <<'PY'
import json, sys
from jupyter_core.paths import jupyter_data_dir
from pathlib import Path
try:
    spec = json.loads((Path(jupyter_data_dir()) / "kernels" / "lstm-agnews" / "kernel.json").read_text())
except (OSError, ValueError):
    sys.exit(1)
sys.exit(spec.get("argv", [""])[0] != sys.executable or spec.get("display_name") != "LSTM AG News")
PY
then
  .venv/bin/python -m ipykernel install --user --name lstm-agnews --display-name "LSTM AG News" >/dev/null
  echo "Registered the Jupyter kernel \"LSTM AG News\" (lstm-agnews)."
fi
if ! cmp -s tools/jupyter/overrides.json .venv/share/jupyter/lab/settings/overrides.json; then
  mkdir -p .venv/share/jupyter/lab/settings && cp tools/jupyter/overrides.json .venv/share/jupyter/lab/settings/
fi
echo "Ready: .venv (Python $(version .venv/bin/python)), Jupyter kernel \"LSTM AG News\"."

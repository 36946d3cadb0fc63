#!/usr/bin/env bash
# Sets up .venv: Python 3.11, 3.12 or 3.13, the exact versions of requirements.txt (the lock made
# from pyproject.toml), this project in editable mode, the Jupyter kernel "LSTM AG News"
# (lstm-agnews) and JupyterLab's quiet defaults. Run it again at any time: it brings .venv in line
# with the lock in seconds, and keeps packages you added yourself.
#   PYTHON=/path/to/python3.12 ./setup.sh   that Python (else the first of python3, python3.13,
#                                           python3.12, python3.11 that is supported)
#   SETUP_GPU=1 | SETUP_GPU=0               TensorFlow's CUDA extra or not (default: where nvidia-smi lists a GPU)
# The installer is uv: the one on PATH, else the pinned one, which pip puts into .venv. Without a
# network, uv installs from its cache.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
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

# What to install: the lock and the project; TensorFlow's CUDA extra, at the lock's version, for a GPU.
packages=(-r requirements.txt -e .)
if [ "${SETUP_GPU:-}" = 1 ] || { [ "${SETUP_GPU:-}" != 0 ] && nvidia-smi -L >/dev/null 2>&1; }; then
  cuda="tensorflow[and-cuda]==$(sed -n 's/^tensorflow==//p' requirements.txt)"
  packages+=("$cuda")
  echo "GPU set-up: with $cuda (CUDA and cuDNN as pip packages, Linux only; SETUP_GPU=0 for the CPU only)."
fi
uv="$(command -v uv || echo .venv/bin/uv)"
[ -x "$uv" ] || .venv/bin/python -m pip install -q --disable-pip-version-check "$(grep '^uv==' requirements.txt)"
echo "Installing requirements.txt into .venv (Python $(version .venv/bin/python)) with $("$uv" --version)..."
"$uv" pip install -q --python .venv/bin/python "${packages[@]}" ||
  { say "installing from uv's cache only (no network?)"; "$uv" pip install -q --offline --python .venv/bin/python "${packages[@]}"; }

# The Jupyter kernel for any JupyterLab, and the project's JupyterLab settings (no news or update prompts).
.venv/bin/python -m ipykernel install --user --name lstm-agnews --display-name "LSTM AG News" >/dev/null
mkdir -p .venv/share/jupyter/lab/settings && cp tools/jupyter/overrides.json .venv/share/jupyter/lab/settings/
echo "Ready: .venv (Python $(version .venv/bin/python)), Jupyter kernel \"LSTM AG News\"."

#!/usr/bin/env bash
# Sets up the project's environment in .venv (Python 3.11, 3.12 or 3.13 + the pins of
# requirements.txt, with the `helpers` package installed in editable mode), registers it as the
# Jupyter kernel "LSTM AG News" for the user (so any JupyterLab can pick it) and gives the
# project's JupyterLab quiet defaults (no news/update prompt). Safe to run again: it does nothing
# when .venv already matches requirements.txt and pyproject.toml and the kernel is registered.
#
# The Python: $PYTHON if set, else the first supported one of python3, python3.13, python3.12,
# python3.11, python. Any other Python stops here with one message saying how to get a supported one.
# The installer: uv (from PATH, else the pinned uv put into .venv by pip), falling back to pip;
# SETUP_INSTALLER=pip forces pip. uv is given the indexes pip is configured with (pip config).
# .venv/.setup-stamp is written last: a .venv without it (an interrupted set-up) is rebuilt, and so
# is one made with another Python than PYTHON names, or whose Python no longer runs; for new pins,
# .venv is rebuilt with the Python it was made with.
# GPU: where `nvidia-smi` runs (an NVIDIA GPU and its driver) or SETUP_GPU=1, TensorFlow's CUDA
# extra is installed at the same pin (tensorflow[and-cuda]==<requirements.txt's pin>: CUDA and cuDNN
# as pip packages, Linux only); SETUP_GPU=0 forces the CPU-only set-up. The choice is part of the
# stamp: changing it rebuilds .venv. SETUP_DECIDE_ONLY=1 prints the choice ("gpu ..." or "cpu") and
# whether .venv must be rebuilt, and changes nothing.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

VENV=.venv
STAMP="$VENV/.setup-stamp"   # line 1: hash of the pins; 2: Python version; 3: the interpreter
sha256() { if command -v sha256sum >/dev/null 2>&1; then sha256sum; else shasum -a 256; fi; }   # macOS: shasum
# --- GPU or CPU -------------------------------------------------------------------------------
gpu_choice() {  # prints "gpu" or "cpu"
  case "${SETUP_GPU:-}" in
    1) echo gpu; return;;
    0) echo cpu; return;;
  esac
  if command -v nvidia-smi >/dev/null 2>&1 && nvidia-smi -L >/dev/null 2>&1; then echo gpu; else echo cpu; fi
}
GPU="$(gpu_choice)"
TF_PIN="$(grep -E '^tensorflow==' requirements.txt | head -n 1 | cut -d= -f3)"
want="$( (cat requirements.txt pyproject.toml; if [ "$GPU" = gpu ]; then echo gpu; fi) | sha256 | cut -d' ' -f1)"
SUPPORTED="3.11, 3.12 or 3.13"
KERNEL_NAME=lstm-agnews
KERNEL_DISPLAY_NAME="LSTM AG News"
KERNEL_STAMP="$VENV/.kernel-stamp"   # the registered kernel.json, then the python it starts
OVERRIDES_SRC=tools/jupyter/overrides.json
OVERRIDES="$VENV/share/jupyter/lab/settings/overrides.json"

say() { echo "setup.sh: $*" >&2; }

jupyter_ready() {
  cmp -s "$OVERRIDES_SRC" "$OVERRIDES" && [ -f "$KERNEL_STAMP" ] || return 1
  local spec py
  { read -r spec && read -r py; } < "$KERNEL_STAMP" || return 1
  [ -f "$spec" ] && [ -x "$py" ] && grep -qF "\"$py\"" "$spec"
}

setup_jupyter() {
  # JupyterLab reads setting overrides from {sys.prefix}/share/jupyter/lab/settings/overrides.json.
  mkdir -p "$(dirname "$OVERRIDES")"
  cp "$OVERRIDES_SRC" "$OVERRIDES"
  local out
  if out="$("$VENV/bin/python" -m ipykernel install --user --name "$KERNEL_NAME" \
              --display-name "$KERNEL_DISPLAY_NAME" 2>&1)"; then
    "$VENV/bin/python" - "$KERNEL_NAME" > "$KERNEL_STAMP" <<'PY'
import json, sys
from jupyter_client.kernelspec import KernelSpecManager
d = KernelSpecManager().get_kernel_spec(sys.argv[1]).resource_dir
print(f"{d}/kernel.json")
print(json.load(open(f"{d}/kernel.json"))["argv"][0])
PY
    echo "Jupyter kernel \"$KERNEL_DISPLAY_NAME\" registered (${out#Installed kernelspec $KERNEL_NAME in })."
  else
    rm -f "$KERNEL_STAMP"
    say "could not register the Jupyter kernel \"$KERNEL_DISPLAY_NAME\" (the project's own" \
        "JupyterLab works without it): $out"
  fi
}

# --- Which Python -----------------------------------------------------------------------------
# probe CMD: prints "VERSION VENV EXECUTABLE" (VENV: venv when it can make a virtual environment;
# EXECUTABLE: the interpreter itself, the base one when CMD is a virtual environment's python,
# as .venv's own may be on PATH) for a command that runs as Python; fails (quickly, quietly) otherwise.
probe() {
  local t=env   # macOS has no timeout(1)
  command -v timeout >/dev/null 2>&1 && t="timeout 20"
  $t "$1" -c 'import sys
try:
    import venv, ensurepip
    v = "venv"
except Exception:
    v = "no-venv"
exe = getattr(sys, "_base_executable", None) or sys.executable
print("%d.%d.%d %s %s" % (sys.version_info[0], sys.version_info[1], sys.version_info[2], v, exe))' \
    </dev/null 2>/dev/null | head -n 1 | grep -E '^[0-9]+\.[0-9]+\.[0-9]+ (no-)?venv '
}
supported() { case "$1" in 3.11.*|3.12.*|3.13.*) return 0;; *) return 1;; esac; }

how_to_get_one() {
  cat >&2 <<EOF
  Get a supported Python, then run the command again, for example:
    PYTHON=/path/to/python3.12 ./setup.sh                   # a Python 3.11-3.13 you already have
    uv python install 3.13 && PYTHON="\$(uv python find 3.13)" ./setup.sh
    pyenv install 3.13 && PYTHON="\$(pyenv root)/versions/\$(pyenv latest 3.13)/bin/python3.13" ./setup.sh
    conda env create -f environment.yml                     # conda: see environment.yml
EOF
}

# choose_python: sets PY, PY_VERSION, PY_EXE, PY_FOUND_AS, or prints the one message and exits 1.
choose_python() {
  local out version venvok exe
  if [ -n "${PYTHON:-}" ]; then
    if ! out="$(probe "$PYTHON")"; then
      say "PYTHON=$PYTHON does not run as a Python interpreter. This project needs Python $SUPPORTED."
      how_to_get_one; exit 1
    fi
    read -r version venvok exe <<< "$out"
    if ! supported "$version"; then
      say "PYTHON=$PYTHON is Python $version; this project needs Python $SUPPORTED" \
          "(TensorFlow 2.21 has no packages for others)."
      how_to_get_one; exit 1
    fi
    if [ "$venvok" != venv ]; then
      say "PYTHON=$PYTHON (Python $version) cannot make virtual environments (no venv/ensurepip module;" \
          "on Debian/Ubuntu: sudo apt install python${version%.*}-venv)."
      exit 1
    fi
    PY="$PYTHON" PY_VERSION="$version" PY_EXE="$exe" PY_FOUND_AS="PYTHON=$PYTHON"
    return
  fi
  if [ -f "$STAMP" ]; then   # .venv is rebuilt for new pins: keep the Python it was made with
    exe="$(sed -n 3p "$STAMP")"
    if [ -n "$exe" ] && out="$(probe "$exe")"; then
      read -r version venvok exe <<< "$out"
      if supported "$version" && [ "$venvok" = venv ]; then
        PY="$exe" PY_VERSION="$version" PY_EXE="$exe" PY_FOUND_AS="the Python $VENV was made with"
        return
      fi
    fi
  fi
  local cand found=() novenv=""
  for cand in python3 python3.13 python3.12 python3.11 python; do
    command -v "$cand" >/dev/null 2>&1 || continue
    if ! out="$(probe "$cand")"; then
      found+=("$cand ($(command -v "$cand")) does not run"); continue
    fi
    read -r version venvok exe <<< "$out"
    if supported "$version" && [ "$venvok" = venv ]; then
      PY="$cand" PY_VERSION="$version" PY_EXE="$exe" PY_FOUND_AS="$cand"
      return
    fi
    if supported "$version"; then
      found+=("$cand is Python $version without the venv module")
      novenv=" (on Debian/Ubuntu: sudo apt install python${version%.*}-venv)"
    else
      found+=("$cand is Python $version")
    fi
  done
  local list="none of python3, python3.13, python3.12, python3.11, python is on PATH"
  if [ ${#found[@]} -gt 0 ]; then list="$(IFS=';'; echo "${found[*]}" | sed 's/;/; /g')"; fi
  say "no supported Python found: this project needs Python $SUPPORTED (TensorFlow 2.21 has no" \
      "packages for others). Found: $list.$novenv"
  how_to_get_one; exit 1
}

# --- Is .venv up to date? ---------------------------------------------------------------------
# venv_problem: prints why .venv must be (re)built, nothing when it is complete and current.
venv_problem() {
  [ -e "$VENV" ] || { echo new; return; }
  local h v e
  if [ ! -f "$STAMP" ] || ! { read -r h && read -r v && read -r e; } < "$STAMP"; then
    echo "$VENV is incomplete (an interrupted set-up?)"; return
  fi
  if [ "$("$VENV/bin/python" -c 'import sys; print("%d.%d.%d" % sys.version_info[:3])' 2>/dev/null)" != "$v" ]; then
    echo "the Python $VENV was made with (Python $v, $e) no longer runs"; return
  fi
  if [ -n "${PYTHON:-}" ]; then
    local out version venvok exe
    out="$(probe "$PYTHON")" || { echo "PYTHON=$PYTHON does not run"; return; }
    read -r version venvok exe <<< "$out"
    if [ "$version" != "$v" ] || ! [ "$exe" -ef "$e" ]; then   # -ef: the same file, links followed
      echo "$VENV was made with Python $v ($e), not with PYTHON=$PYTHON (Python $version)"; return
    fi
  fi
  [ "$h" = "$want" ] || echo "requirements.txt, pyproject.toml or the GPU choice changed"
}

problem="$(venv_problem)"
if [ "${SETUP_DECIDE_ONLY:-}" = 1 ]; then   # what set-up would do, nothing done
  if [ "$GPU" = gpu ]; then echo "gpu tensorflow[and-cuda]==$TF_PIN"; else echo cpu; fi
  echo "venv: ${problem:-up to date}"
  exit 0
fi
if [ -z "$problem" ]; then
  jupyter_ready || setup_jupyter
  exit 0
fi

choose_python
if [ "$problem" != new ]; then
  say "$problem: rebuilding $VENV with Python $PY_VERSION."
  rm -rf "$VENV"
fi

# --- Build ------------------------------------------------------------------------------------
export PIP_DISABLE_PIP_VERSION_CHECK=1
quiet_pip() {  # pip, without its warnings about configured index folders that do not exist
  "$VENV/bin/python" -m pip "$@" 2> >(grep -v "is ignored: it is neither a file nor a directory" >&2)
}

# uv_config: uv does not read pip's configuration; hand it the indexes, links, constraints and
# certificates pip is configured with here (environment variables first, then pip's config files).
# Prints uv's arguments (one line, shell-quoted), then the certificate file (or an empty line).
uv_config() {
  "$VENV/bin/python" -m pip config list 2>/dev/null | "$VENV/bin/python" -c '
import shlex, sys
conf = {}
for line in sys.stdin:
    key, _, value = line.strip().partition("=")
    scope, _, name = key.rpartition(".")
    rank = {":env:": 3, "install": 2, "global": 1}.get(scope)
    if rank and value and rank >= conf.get(name, (0, ""))[0]:
        conf[name] = (rank, value.strip("\x27\""))
get = lambda name: conf.get(name, (0, ""))[1]
flags = {"index-url": "--index-url", "extra-index-url": "--extra-index-url",
         "find-links": "--find-links", "constraint": "--constraint"}
args = [a for name, flag in flags.items() for v in get(name).split() for a in (flag, v)]
if get("no-index").lower() in ("1", "true", "yes", "on"):
    args.append("--no-index")
print(shlex.join(args))
print(get("cert"))'
}

UV=""
find_uv() {  # uv from PATH, else the pinned uv installed into .venv by pip
  [ "${SETUP_INSTALLER:-}" = pip ] && return 1
  if command -v uv >/dev/null 2>&1 && uv --version >/dev/null 2>&1; then UV="$(command -v uv)"; return 0; fi
  local pin
  pin="$(grep -E '^uv==' requirements.txt | head -n 1)" || return 1
  quiet_pip install --quiet "$pin" >/dev/null 2>&1 && [ -x "$VENV/bin/uv" ] && UV="$VENV/bin/uv"
}

install_with_uv() {
  local conf args cert out
  conf="$(uv_config)" || return 1
  { read -r args; read -r cert; } <<< "$conf"
  eval "set -- $args"
  cert="${SSL_CERT_FILE:-${cert:-}}"
  # pip reads all its indexes as one; uv by default stops at the first index that has a package.
  if out="$(export UV_INDEX_STRATEGY=unsafe-best-match ${cert:+SSL_CERT_FILE="$cert"}
            "$UV" pip install --quiet --python "$VENV/bin/python" "$@" -r requirements.txt ${EXTRA[@]+"${EXTRA[@]}"} 2>&1 &&
            "$UV" pip install --quiet --python "$VENV/bin/python" --no-deps -e . 2>&1)"; then
    return 0
  fi
  say "uv could not install the pins; installing them with pip instead. uv said: $(echo "$out" | tail -n 3)"
  return 1
}

EXTRA=()   # the GPU set-up adds TensorFlow's CUDA extra, at the same pin, to the one install
if [ "$GPU" = gpu ]; then
  why="nvidia-smi found a GPU"; [ "${SETUP_GPU:-}" = 1 ] && why="SETUP_GPU=1"
  EXTRA=("tensorflow[and-cuda]==$TF_PIN")
  echo "GPU set-up ($why): installing TensorFlow's CUDA extra too, tensorflow[and-cuda]==$TF_PIN" \
       "(CUDA and cuDNN as pip packages, Linux only; SETUP_GPU=0 ./setup.sh sets up for the CPU only)."
fi

echo "Setting up $VENV with Python $PY_VERSION ($PY_EXE, found as $PY_FOUND_AS; first time only: a minute or more)..."
rm -rf "$VENV"
"$PY_EXE" -m venv "$VENV"
if find_uv && echo "Installing the pinned packages with uv $("$UV" --version | cut -d' ' -f2)..." && install_with_uv; then
  :
else
  echo "Installing the pinned packages with pip..."
  quiet_pip install --quiet -r requirements.txt ${EXTRA[@]+"${EXTRA[@]}"}
  quiet_pip install --quiet --no-deps -e .
fi
printf '%s\n%s\n%s\n' "$want" "$PY_VERSION" "$PY_EXE" > "$STAMP"
setup_jupyter
echo "Environment ready: $VENV (Python $PY_VERSION)"

#!/usr/bin/env bash
# Sets up the project's environment in .venv (Python 3.11 + the pins of requirements.txt,
# with the `helpers` package installed in editable mode), registers it as the Jupyter kernel
# "LSTM AG News" for the user (so any JupyterLab can pick it) and gives the project's JupyterLab
# quiet defaults (no news/update prompt). Safe to run again: it does nothing when .venv already
# matches requirements.txt and pyproject.toml and the kernel is registered.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

VENV=.venv
STAMP="$VENV/.setup-stamp"
want="$(cat requirements.txt pyproject.toml | sha256sum | cut -d' ' -f1)"
KERNEL_NAME=lstm-agnews
KERNEL_DISPLAY_NAME="LSTM AG News"
KERNEL_STAMP="$VENV/.kernel-stamp"   # the registered kernel.json, then the python it starts
OVERRIDES_SRC=tools/jupyter/overrides.json
OVERRIDES="$VENV/share/jupyter/lab/settings/overrides.json"

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
    echo "setup.sh: could not register the Jupyter kernel \"$KERNEL_DISPLAY_NAME\" (the project's own" \
         "JupyterLab works without it): $out" >&2
  fi
}

if [ -x "$VENV/bin/python" ] && [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$want" ]; then
  jupyter_ready || setup_jupyter
  exit 0
fi

PY="${PYTHON:-}"
if [ -z "$PY" ]; then
  for cand in python3.11 python3 python; do
    if command -v "$cand" >/dev/null 2>&1 && \
       "$cand" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' 2>/dev/null; then
      PY="$cand"; break
    fi
  done
fi
if [ -z "$PY" ]; then
  echo "setup.sh: Python 3.11 is required (set PYTHON=/path/to/python3.11, or use environment.yml with conda)." >&2
  exit 1
fi

echo "Setting up $VENV with $("$PY" --version) (first time only: a few minutes)..."
rm -f "$STAMP"
[ -x "$VENV/bin/python" ] || "$PY" -m venv "$VENV"
export PIP_DISABLE_PIP_VERSION_CHECK=1
"$VENV/bin/python" -m pip install --quiet -r requirements.txt 2> >(grep -v "is ignored: it is neither a file nor a directory" >&2)
"$VENV/bin/python" -m pip install --quiet --no-deps -e . 2> >(grep -v "is ignored: it is neither a file nor a directory" >&2)
echo "$want" > "$STAMP"
setup_jupyter
echo "Environment ready: $VENV"

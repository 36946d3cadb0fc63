#!/usr/bin/env bash
# Sets up the project's environment in .venv (Python 3.11 + the pins of requirements.txt,
# with the `helpers` package installed in editable mode). Safe to run again: it does nothing
# when .venv already matches requirements.txt and pyproject.toml.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

VENV=.venv
STAMP="$VENV/.setup-stamp"
want="$(cat requirements.txt pyproject.toml | sha256sum | cut -d' ' -f1)"
if [ -x "$VENV/bin/python" ] && [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$want" ]; then
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
echo "Environment ready: $VENV"

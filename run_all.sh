#!/usr/bin/env bash
# Sets everything up (first time only) and runs the whole notebook series with papermill.
#   ./run_all.sh [--quick] [--synthetic] [-p NAME VALUE]... [--out DIR]
# ./run_all.sh --help says more.
set -euo pipefail
here="$PWD"
cd "$(dirname "${BASH_SOURCE[0]}")"
# --help answers at once, before any set-up: the runner's own help, kept in tools/run_all_help.txt
# (tests/test_setup.py checks that it is what `python -m series_runner --help` prints).
for arg in "$@"; do
  case "$arg" in -h|--help) cat tools/run_all_help.txt; exit 0 ;; --) break ;; esac
done
./setup.sh
export PATH="$PWD/.venv/bin:$PATH"
python="$PWD/.venv/bin/python"
# Back where the user stands, so that relative paths (--out, -p data_dir) mean what they typed;
# -P: a folder named helpers there is not imported instead of the project's (installed) helpers.
cd "$here"
exec "$python" -P -m series_runner "$@"

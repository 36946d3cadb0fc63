#!/usr/bin/env bash
# Sets everything up (first time only) and runs the whole notebook series with papermill.
#   ./run_all.sh [--quick] [--synthetic] [-p NAME VALUE]... [--out DIR]
# ./run_all.sh --help says more.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
./setup.sh
export PATH="$PWD/.venv/bin:$PATH"
exec .venv/bin/python -m helpers.series "$@"

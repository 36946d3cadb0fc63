#!/usr/bin/env bash
# Sets everything up (first time only) and runs the whole test suite, notebooks included (nbval).
# Extra arguments go to pytest, e.g. ./run_tests.sh -k data -x
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
./setup.sh
# The real AG News test split, where an offline copy sits beside the checkout: real-text tests use it.
if [ -z "${AG_NEWS_DIR:-}" ] && [ -f ../shared/data/ag_news/test.csv ]; then
  export AG_NEWS_DIR="$(cd ../shared/data/ag_news && pwd)"
fi
export PATH="$PWD/.venv/bin:$PATH"
exec .venv/bin/python -m pytest "$@"

#!/usr/bin/env bash
# Sets everything up (./setup.sh) and runs the whole test suite, notebooks included (nbval), and the
# browser test of the learner's JupyterLab (tests/test_browser.py, the system's Chromium).
# The test set (pytest, xdist, nbval, Playwright, pre-commit, ruff, import-linter, Dask's cluster) is
# installed into .venv the first time, at the versions of requirements-test.txt; a learner's
# ./setup.sh never installs it.
# Extra arguments go to pytest: ./run_tests.sh -m "not slow" (the everyday quick run), ./run_tests.sh -k data -x
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
./setup.sh --test-set

# The browser test drives the system's Chromium (Playwright's own browser download needs the
# internet). Where it is missing, the test skips and says how to install it; with CI=true (a fresh
# CI machine, as root) it is installed from the system's packages, and a missing browser fails the run.
chromium_found() {  # as tests/browser_support.py finds it
  if [ -n "${CHROMIUM_PATH:-}" ]; then [ -x "$CHROMIUM_PATH" ]; return; fi
  [ -x /usr/lib/chromium/chromium ] || command -v chromium >/dev/null 2>&1 ||
    command -v chromium-browser >/dev/null 2>&1
}
if [ "${CI:-}" = true ] && ! chromium_found; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing Chromium for the browser test (apt-get, CI only)..."
    { DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core \
        >/dev/null; } || echo "run_tests.sh: apt-get could not install chromium" >&2
  fi
  if ! chromium_found; then
    echo "run_tests.sh: Chromium is missing and CI=true: the browser test cannot run." \
         "Install it (as root: apt-get install chromium) or set CHROMIUM_PATH=/path/to/chromium." >&2
    exit 1
  fi
fi

# The real AG News test split, where an offline copy sits beside the checkout: real-text tests use it.
if [ -z "${AG_NEWS_DIR:-}" ] && [ -f ../shared/data/ag_news/test.csv ]; then
  export AG_NEWS_DIR="$(cd ../shared/data/ag_news && pwd)"
fi
export PATH="$PWD/.venv/bin:$PATH"
# Two processes (pytest-xdist's --dist loadgroup): a test file whose tests share a module-scoped fixture
# (the quick series, JupyterLab and Chromium, a Dask cluster) marks itself with an xdist_group, so one
# process runs it and builds that fixture once; every other test goes to whichever process is free.
# ./run_tests.sh -n 0 runs everything in one.
exec .venv/bin/python -m pytest -n 2 --dist loadgroup "$@"

#!/usr/bin/env bash
# THE one command that runs the whole test suite on a fresh machine:
#   scripts/test.sh [pytest arguments]
# Creates .venv if missing, installs the project with its [dev] extra when pyproject.toml changed,
# compiles the translation catalogs, then runs pytest.
#   TEST_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/coopgov_test scripts/test.sh
# runs it against PostgreSQL (SQLite in a temporary folder otherwise).
# Browser tests drive /usr/bin/chromium; without it they are skipped (they fail when CI=true).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

COOPGOV_EXTRAS=dev source scripts/setup-venv.sh

if [ ! -x /usr/bin/chromium ]; then
  if [ "${CI:-}" = "true" ]; then
    echo "error: /usr/bin/chromium is missing and CI=true: the browser tests must run in CI" >&2
    echo "       (install Debian's chromium package: apt-get install -y chromium)" >&2
    exit 1
  fi
  echo "note: /usr/bin/chromium not found: the browser tests will be skipped" \
       "(apt-get install -y chromium to run them)." >&2
fi

echo "==> pytest on ${TEST_DATABASE_URL:-SQLite}" | sed -E 's#(://[^:/@]+):[^@]*@#\1:***@#'
exec .venv/bin/python -m pytest -rfEs "$@"  # -rfEs: list failures, errors and skips (with why)

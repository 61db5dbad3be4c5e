#!/usr/bin/env bash
# THE one command that runs the site on a fresh machine:  scripts/run.sh
# Creates .venv if missing, installs the project when pyproject.toml changed, compiles the
# translation catalogs, upgrades the database (SQLite at instance/coopgov.db unless DATABASE_URL
# is set), loads the demo data (idempotent; refuses a database holding real data), then serves
# the site on http://127.0.0.1:${PORT:-5000}/ (HOST overridable too), with the scheduled close
# of votes (`flask votes close-due`) run every minute beside it. The first run takes about
# 3 minutes (installing, then the demo's 2,000 members); the next ones start in seconds.
# This is the embedded, one-machine site; production is docs/deploy.md.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

echo "==> coopgov on this machine (first run: about 3 minutes; next runs: seconds)"
source scripts/setup-venv.sh

flask() { .venv/bin/flask --app app "$@"; }

echo "==> database: upgrading to the latest migration"
flask db upgrade
echo "==> demo data (the first time: about 1 minute and a half)"
with_progress "demo data" .venv/bin/flask --app app demo
grep -v '^$' .venv/demo-data.log
# The clock's work, as cron does it in production (README): close the votes whose time has
# passed, once a minute, for as long as the site runs.
( while sleep 60; do flask votes close-due >/dev/null || true; done ) &
CLOCK=$!
trap 'kill "$CLOCK" 2>/dev/null || true' EXIT INT TERM
# The demo's secretariat and board accounts are tried without an authenticator app; production
# keeps the default (TWO_FACTOR_REQUIRED=1, README).
export TWO_FACTOR_REQUIRED="${TWO_FACTOR_REQUIRED:-0}"
echo "==> serving coopgov on http://${HOST:-127.0.0.1}:${PORT:-5000}/  (Ctrl+C to stop)"
.venv/bin/flask --app app run --host "${HOST:-127.0.0.1}" --port "${PORT:-5000}"

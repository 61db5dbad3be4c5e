#!/usr/bin/env bash
# THE one command that runs the site on a fresh machine:  scripts/run.sh
# Creates .venv if missing, installs the project when pyproject.toml changed, compiles the
# translation catalogs, upgrades the database (SQLite at instance/coopgov.db unless DATABASE_URL
# is set), loads the demo data (idempotent; refuses a database holding real data), then serves
# the site with gunicorn on http://127.0.0.1:${PORT:-5000}/ (HOST overridable too), with the
# clock (`flask clock`: votes closed at their time, mail retried) beside it. The first run
# takes up to 3 minutes (installing, then the demo's members); the next ones start in seconds.
# This is the embedded, one-machine site; production is docs/deploy.md.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

echo "==> coopgov on this machine (first run: up to 3 minutes; next runs: seconds)"
source scripts/setup-venv.sh

flask() { .venv/bin/flask --app app "$@"; }

echo "==> database: upgrading to the latest migration"
flask db upgrade
echo "==> demo data (the first time: up to 2 minutes)"
with_progress "demo data" .venv/bin/flask --app app demo
grep -v '^$' .venv/demo-data.log
# The clock's work (closing votes at their time, the mail queue's retries), as
# coopgov-clock.service does it in production (docs/deploy.md), for as long as the site runs.
flask clock > .venv/clock.log 2>&1 &
CLOCK=$!
trap 'kill "$CLOCK" 2>/dev/null || true' EXIT INT TERM
# The demo's secretariat and board accounts are tried without an authenticator app; production
# keeps the default (TWO_FACTOR_REQUIRED=1, README).
export TWO_FACTOR_REQUIRED="${TWO_FACTOR_REQUIRED:-0}"
echo "==> serving coopgov on http://${HOST:-127.0.0.1}:${PORT:-5000}/  (Ctrl+C to stop)"
# gunicorn with the production settings, one process of 4 threads: SQLite has one writer.
BIND="${HOST:-127.0.0.1}:${PORT:-5000}" WEB_CONCURRENCY=1 THREADS=4 \
  .venv/bin/gunicorn -c deploy/gunicorn.conf.py 'app:create_app()'


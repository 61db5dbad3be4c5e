#!/usr/bin/env bash
# THE one command that runs the site on a fresh machine:  scripts/run.sh
# Creates .venv if missing, installs the project when pyproject.toml changed, compiles the
# translation catalogs, upgrades the database (SQLite at instance/coopgov.db unless DATABASE_URL
# is set), loads the demo data (idempotent; refuses a database holding real data), then serves
# the site on http://127.0.0.1:${PORT:-5000}/ (HOST overridable too).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

setup_venv() {
  local venv=.venv stamp=.venv/.coopgov-installed want
  if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import sys' >/dev/null 2>&1; then
    echo "==> creating the virtual environment in .venv"
    rm -rf "$venv"
    python3 -m venv "$venv"
  fi
  want="$(sha256sum pyproject.toml | cut -d' ' -f1)"
  if [ "$(cat "$stamp" 2>/dev/null || true)" != "$want" ]; then
    echo "==> installing coopgov and its dependencies into .venv (pip install -e '.[dev]')"
    if ! "$venv/bin/python" -m pip install --disable-pip-version-check -e '.[dev]' \
        > "$venv/pip-install.log" 2>&1; then
      cat "$venv/pip-install.log" >&2
      echo "error: installing the project failed (log above, also in $venv/pip-install.log)" >&2
      exit 1
    fi
    echo "$want" > "$stamp"
  fi
  # Compile the translation catalogs (.po -> .mo) when there are any.
  if compgen -G 'translations/*/LC_MESSAGES/messages.po' >/dev/null; then
    "$venv/bin/pybabel" -q compile -d translations
  fi
}

setup_venv

flask() { .venv/bin/flask --app app "$@"; }

echo "==> database: upgrading to the latest migration"
flask db upgrade
echo "==> demo data"
flask demo
echo "==> serving coopgov on http://${HOST:-127.0.0.1}:${PORT:-5000}/  (Ctrl+C to stop)"
exec .venv/bin/flask --app app run --host "${HOST:-127.0.0.1}" --port "${PORT:-5000}"

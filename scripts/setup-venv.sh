# Sourced by scripts/run.sh and scripts/test.sh (from the repository root): creates .venv if
# missing, installs the project with its [dev] extra when pyproject.toml changed, and compiles
# the translation catalogs.

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

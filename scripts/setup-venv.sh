# Sourced by scripts/run.sh and scripts/test.sh (from the repository root): creates .venv if
# missing, installs the project when pyproject.toml changed — what serving needs for run.sh,
# plus the [dev] extra (pytest, Playwright, ruff) when COOPGOV_EXTRAS=dev (test.sh) — and
# compiles the translation catalogs.

# with_progress WHAT COMMAND...: run COMMAND (its output to .venv/WHAT.log), saying every 10 s
# that it still runs; on failure print the log and exit.
with_progress() {
  local what="$1" log=".venv/${1// /-}.log" t0=$SECONDS pid rc=0
  shift
  "$@" > "$log" 2>&1 &
  pid=$!
  while kill -0 "$pid" 2>/dev/null; do
    sleep 1
    if [ $(( (SECONDS - t0) % 10 )) = 0 ] && kill -0 "$pid" 2>/dev/null; then
      echo "    ... $what: $((SECONDS - t0)) s$(progress_hint "$log")"
    fi
  done
  wait "$pid" || rc=$?
  if [ $rc != 0 ]; then
    cat "$log" >&2
    echo "error: $what failed (log above, also in $log)" >&2
    exit 1
  fi
  echo "    $what: done in $((SECONDS - t0)) s"
}

progress_hint() {  # what pip's log says so far
  local n
  n="$(grep -c '^Collecting\|^Requirement already' "$1" 2>/dev/null || true)"
  [ "${n:-0}" -gt 0 ] && echo ", $n packages resolved"
}

setup_venv() {
  local venv=.venv stamp=.venv/.coopgov-installed extras="${COOPGOV_EXTRAS:-}" want have
  if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import sys' >/dev/null 2>&1; then
    echo "==> creating the virtual environment in .venv"
    rm -rf "$venv"
    python3 -m venv "$venv"
  fi
  want="$(sha256sum pyproject.toml | cut -d' ' -f1)"
  have="$(cat "$stamp" 2>/dev/null || true)"
  # An install with the [dev] extra also serves; one without it does not test.
  if [ "$have" != "$want dev" ] && { [ -n "$extras" ] || [ "$have" != "$want" ]; }; then
    if [ -n "$extras" ]; then
      echo "==> installing coopgov with its test tools into .venv (pip install -e '.[dev]';" \
           "up to 3 minutes the first time)"
      with_progress "pip install" "$venv/bin/python" -m pip install --disable-pip-version-check \
        -e ".[dev]"
      echo "$want dev" > "$stamp"
    else
      echo "==> installing coopgov into .venv (pip install -e .; up to 2 minutes the first time)"
      with_progress "pip install" "$venv/bin/python" -m pip install --disable-pip-version-check \
        -e .
      echo "$want" > "$stamp"
    fi
  fi
  # Compile the translation catalogs (.po -> .mo) when there are any.
  if compgen -G 'translations/*/LC_MESSAGES/messages.po' >/dev/null; then
    "$venv/bin/pybabel" -q compile -d translations
  fi
}

setup_venv

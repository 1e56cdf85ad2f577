#!/usr/bin/env bash
# Set everything up and run the whole test suite against a fresh database:
#   scripts/test.sh [pytest args...]
# Without arguments (as CI runs it) the lint (scripts/lint.sh) runs first, and
# a lint finding fails the run after the tests ran. LINT=0 skips it, LINT=1
# runs it with arguments too.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export WITH_CHROMIUM=1
source scripts/setup.sh
source scripts/odoo_db.sh

lint_status=0
if [ "${LINT:-}" = 1 ] || { [ -z "${LINT:-}" ] && [ $# -eq 0 ]; }; then
    echo "[test] lint"
    scripts/lint.sh || lint_status=$?
fi

TEST_DB="${TEST_DB:-sobc_test}"
echo "[test] fresh database $TEST_DB"
fresh_db "$TEST_DB"
echo "[test] pytest"
# The whole suite, unless a test file or folder is named.
paths=(tests)
for arg in "$@"; do [[ "$arg" != -* && -e "${arg%%::*}" ]] && paths=(); done
if [ "$lint_status" = 0 ]; then
    exec "$PY" -m pytest "${paths[@]}" --odoo-database="$TEST_DB" --odoo-http --odoo-log-level="${ODOO_LOG_LEVEL:-warn}" "$@"
fi
status=0
"$PY" -m pytest "${paths[@]}" --odoo-database="$TEST_DB" --odoo-http --odoo-log-level="${ODOO_LOG_LEVEL:-warn}" "$@" || status=$?
echo "[test] lint failed (see [lint] above): the run fails; scripts/lint.sh checks again" >&2
exit $(( status ? status : 1 ))

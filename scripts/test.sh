#!/usr/bin/env bash
# Set everything up and run the whole test suite against a fresh database:
#   scripts/test.sh [pytest args...]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export WITH_CHROMIUM=1
source scripts/setup.sh
source scripts/odoo_db.sh

TEST_DB="${TEST_DB:-sobc_test}"
echo "[test] fresh database $TEST_DB"
fresh_db "$TEST_DB"
echo "[test] pytest"
# The whole suite, unless a test file or folder is named.
paths=(tests)
for arg in "$@"; do [[ "$arg" != -* && -e "${arg%%::*}" ]] && paths=(); done
exec "$PY" -m pytest "${paths[@]}" --odoo-database="$TEST_DB" --odoo-http --odoo-log-level="${ODOO_LOG_LEVEL:-warn}" "$@"

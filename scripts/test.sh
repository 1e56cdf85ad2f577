#!/usr/bin/env bash
# Set everything up and run the whole test suite against fresh databases:
#   scripts/test.sh [pytest args...]
# Without arguments (as CI runs it) the lint (scripts/lint.sh) runs first, and
# a lint finding fails the run after the tests ran. LINT=0 skips it, LINT=1
# runs it with arguments too.
#
# Two suites, two databases: tests/ (but tests/queue) against TEST_DB (sobc_test),
# where the connector is installed alone, as without OCA queue_job; tests/queue,
# the optional bridge salesorder_bigcommerce_queue (imports as queue_job jobs),
# against QUEUE_DB (sobc_test_queue), where the bridge and queue_job are installed
# too. Without arguments both run; with arguments the main suite runs with them
# (as before), and the bridge's suite when a path under tests/queue (or a folder
# holding it) is named. The run fails when either suite (or the lint) fails.
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
QUEUE_DB="${QUEUE_DB:-sobc_test_queue}"
QUEUE_TESTS=tests/queue
queue_dir="$(realpath "$QUEUE_TESTS")"

# Split the named paths between the suites; options go to both.
main_args=() queue_args=() main_paths=0 queue_paths=0 both=0
for arg in "$@"; do
    path="${arg%%::*}"
    if [[ "$arg" != -* && -e "$path" ]]; then
        real="$(realpath "$path")"
        if [[ "$real" == "$queue_dir" || "$real" == "$queue_dir"/* ]]; then
            queue_args+=("$arg"); queue_paths=1
            continue
        fi
        [[ "$queue_dir" == "$real"/* ]] && both=1     # a folder holding tests/queue
        main_args+=("$arg"); main_paths=1
    else
        main_args+=("$arg"); queue_args+=("$arg")
    fi
done
run_main=1 run_queue=0
[ $# -eq 0 ] || [ "$both" = 1 ] && run_queue=1
[ "$queue_paths" = 1 ] && run_queue=1 && [ "$main_paths" = 0 ] && run_main=0
[ "$main_paths" = 0 ] && main_args=(tests "${main_args[@]}")
[ "$queue_paths" = 0 ] && queue_args=("$QUEUE_TESTS" "${queue_args[@]}")

pytest_on() {
    local db="$1"; shift
    "$PY" -m pytest "$@" --odoo-database="$db" --odoo-http --odoo-log-level="${ODOO_LOG_LEVEL:-warn}"
}

main_status=0 queue_status=0
if [ "$run_main" = 1 ]; then
    echo "[test] fresh database $TEST_DB"
    fresh_db "$TEST_DB"
    echo "[test] pytest (the connector; $QUEUE_TESTS apart)"
    pytest_on "$TEST_DB" --ignore="$QUEUE_TESTS" "${main_args[@]}" || main_status=$?
fi
if [ "$run_queue" = 1 ]; then
    echo "[test] fresh database $QUEUE_DB (with salesorder_bigcommerce_queue and OCA queue_job)"
    fresh_db "$QUEUE_DB" salesorder_bigcommerce_queue
    echo "[test] pytest $QUEUE_TESTS (the queue_job bridge)"
    pytest_on "$QUEUE_DB" "${queue_args[@]}" || queue_status=$?
fi

status=0
if [ "$main_status" != 0 ]; then
    echo "[test] the connector's suite failed (against $TEST_DB)" >&2; status=$main_status
fi
if [ "$queue_status" != 0 ]; then
    echo "[test] the bridge's suite failed ($QUEUE_TESTS, against $QUEUE_DB)" >&2; status=$queue_status
fi
if [ "$lint_status" != 0 ]; then
    echo "[test] lint failed (see [lint] above): the run fails; scripts/lint.sh checks again" >&2
    status=1
fi
exit "$status"

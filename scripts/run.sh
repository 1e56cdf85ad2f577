#!/usr/bin/env bash
# Set everything up and serve Odoo with the addon on http://localhost:8069.
#   scripts/run.sh                 database "salesorder" (created with the addon on first run)
#   DB=name scripts/run.sh         another database
#   scripts/run.sh --no-sandbox    (or SANDBOX=0) no sandbox store, no sandbox cart
#   scripts/run.sh --sandbox       (or SANDBOX=1) sandbox also for an existing database
# Other arguments go to Odoo (e.g. --dev=xml).
#
# The sandbox is a fake BigCommerce store (scripts/sandbox.py) on
# http://127.0.0.1:$SANDBOX_PORT (8070), seeded with items and orders, running
# as long as Odoo runs. By default a database created here gets a "Sandbox
# Store" cart pointing at it; an existing database gets the sandbox only if it
# has that cart already. scripts/sandbox_order.py creates a test order in it.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

ODOO_ARGS=()
for arg in "$@"; do
    case "$arg" in
        --sandbox) SANDBOX=1 ;;
        --no-sandbox) SANDBOX=0 ;;
        -h|--help) sed -n '2,13p' scripts/run.sh | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) ODOO_ARGS+=("$arg") ;;
    esac
done

source scripts/setup.sh
source scripts/odoo_db.sh

DB="${DB:-salesorder}"
PORT="${PORT:-8069}"
if db_exists "$DB"; then
    restore_filestore "$DB"   # a database made while the template had lost its files
    echo "[run] updating the addon in $DB"
    odoo_bin -d "$DB" -u salesorder_bigcommerce --stop-after-init --log-level=warn --http-port=0
    NEW_DB=0
else
    echo "[run] creating $DB with the addon (login admin / admin)"
    fresh_db "$DB"
    NEW_DB=1
fi

# The sandbox cart's URL, if the database has one (its port is the one to serve on).
SANDBOX_CART_URL="$(psql -d "$DB" -tAc "SELECT api_path FROM bigcommerce_cart
    WHERE api_path LIKE 'http://127.0.0.1:%/stores/sandbox/%' ORDER BY id LIMIT 1" 2>/dev/null || true)"
if [ -z "${SANDBOX:-}" ]; then
    if [ "$NEW_DB" = 1 ] || [ -n "$SANDBOX_CART_URL" ]; then SANDBOX=1; else SANDBOX=0; fi
fi
if [ -z "${SANDBOX_PORT:-}" ] && [ -n "$SANDBOX_CART_URL" ]; then
    SANDBOX_PORT="$(sed -E 's#^http://127\.0\.0\.1:([0-9]+)/.*#\1#' <<<"$SANDBOX_CART_URL")"
fi
SANDBOX_PORT="${SANDBOX_PORT:-8070}"

ODOO_CMD=("$PY" "$REPO/scripts/odoo_checkout.py" -d "$DB" --db-filter="^$DB\$" --http-port="$PORT" "${ODOO_ARGS[@]}")
if [ "$SANDBOX" != 1 ]; then
    echo "[run] Odoo on http://localhost:$PORT (database $DB, login admin / admin)"
    exec "${ODOO_CMD[@]}"
fi

# -- with the sandbox ------------------------------------------------------------
# The sandbox runs in the background. Until Odoo starts, the trap stops it on
# any exit. Then this script becomes Odoo (exec, same pid, same signals), and
# the sandbox stops by itself once its parent, Odoo, is gone (--with-parent).
sandbox_url="http://127.0.0.1:$SANDBOX_PORT/stores/sandbox/v2/time"
sandbox_up() { curl -fs -o /dev/null --max-time 2 -H "X-Auth-Token: sandbox-access-token" "$sandbox_url"; }
SANDBOX_PID=""
trap '[ -z "$SANDBOX_PID" ] || kill -TERM "$SANDBOX_PID" 2>/dev/null || true' EXIT

if sandbox_up; then
    echo "[run] a sandbox store already answers on port $SANDBOX_PORT: using it (not started here)"
elif curl -s -o /dev/null --max-time 2 "http://127.0.0.1:$SANDBOX_PORT/"; then
    echo "[run] port $SANDBOX_PORT is taken by something else: free it, or set SANDBOX_PORT" >&2
    exit 1
else
    "$PY" "$REPO/scripts/sandbox.py" serve --port "$SANDBOX_PORT" --with-parent &
    SANDBOX_PID=$!
    for _ in $(seq 1 50); do sandbox_up && break; sleep 0.2; done
    sandbox_up || { echo "[run] the sandbox store did not start" >&2; exit 1; }
fi
if [ -z "$SANDBOX_CART_URL" ]; then
    "$PY" "$REPO/scripts/sandbox.py" cart -d "$DB" --port "$SANDBOX_PORT"
fi

echo "[run] Odoo on http://localhost:$PORT (database $DB, login admin / admin)"
echo "[run] Sales › Configuration › BigCommerce › Shopping Carts › Sandbox Store; new test order: scripts/sandbox_order.py"
trap - EXIT
exec "${ODOO_CMD[@]}"

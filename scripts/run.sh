#!/usr/bin/env bash
# Set everything up and serve Odoo with the addon on http://localhost:8069.
#   scripts/run.sh            database "salesorder" (created with the addon on first run)
#   DB=name scripts/run.sh    another database
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/setup.sh
source scripts/odoo_db.sh

DB="${DB:-salesorder}"
PORT="${PORT:-8069}"
if db_exists "$DB"; then
    echo "[run] updating the addon in $DB"
    odoo_bin -d "$DB" -u salesorder_bigcommerce --stop-after-init --log-level=warn --http-port=0
else
    echo "[run] creating $DB with the addon (login admin / admin)"
    fresh_db "$DB"
fi
echo "[run] Odoo on http://localhost:$PORT (database $DB, login admin / admin)"
exec "$PY" "$REPO/scripts/odoo_checkout.py" -d "$DB" --db-filter="^$DB\$" --http-port="$PORT"

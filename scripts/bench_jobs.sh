#!/usr/bin/env bash
# Import benchmark with OCA queue_job (not part of the tests): a backlog of orders
# imported by jobs over 1, 2 and 4 job workers (bench/bench_jobs.py).
#   scripts/bench_jobs.sh                 20,000 orders; 1, 2 and 4 workers
#   scripts/bench_jobs.sh 5000 1 2        5,000 orders; 1 and 2 workers
# TYPE=cash_sale|sale_order|sales_invoice (default sale_order); PORT=... the Odoo
# server's HTTP port (default 8269). Builds the database sobc_bench_jobs (the
# connector, its bridge salesorder_bigcommerce_queue and OCA queue_job), copies it
# for each run, and stops every server and store it started.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/setup.sh
source scripts/odoo_db.sh

ORDERS="${1:-20000}"
[ $# -gt 0 ] && shift
if [ $# -gt 0 ]; then WORKERS=("$@"); else WORKERS=(1 2 4); fi
echo "[bench] $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(python3 -c 'import platform;print(platform.processor() or platform.machine())')"
fresh_db sobc_bench_jobs salesorder_bigcommerce_queue >/dev/null 2>&1
"$PY" bench/bench_jobs.py --db sobc_bench_jobs --orders "$ORDERS" --workers "${WORKERS[@]}" \
    --type "${TYPE:-sale_order}" --port "${PORT:-8269}"

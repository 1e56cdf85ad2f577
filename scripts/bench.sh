#!/usr/bin/env bash
# Order import benchmark (not part of the tests): the connector's action_sync()
# against plain ORM creates of the same documents, per document type.
#   scripts/bench.sh                 100 orders
#   scripts/bench.sh 100 1000 5000   several sizes
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/setup.sh
source scripts/odoo_db.sh

SIZES=("${@:-100}")
echo "[bench] $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(python3 -c 'import platform;print(platform.processor() or platform.machine())')"
header=--header
for n in "${SIZES[@]}"; do
    for type in ${TYPES:-cash_sale sale_order sales_invoice}; do
        fresh_db sobc_bench >/dev/null 2>&1
        "$PY" bench/bench_import.py --db sobc_bench --type "$type" --orders "$n" $header
        header=
    done
done

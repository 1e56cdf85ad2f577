#!/usr/bin/env bash
# Stock push benchmark (not part of the tests): Export Stock of N items to the fake
# store, in a fresh database (bench/bench_stock.py).
#   scripts/bench_stock.sh                 10,000 items
#   scripts/bench_stock.sh 1000 10000      several sizes
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/setup.sh
source scripts/odoo_db.sh

SIZES=("${@:-10000}")
echo "[bench] $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(python3 -c 'import platform;print(platform.processor() or platform.machine())')"
header=--header
for n in "${SIZES[@]}"; do
    fresh_db sobc_bench_stock >/dev/null 2>&1
    "$PY" bench/bench_stock.py --db sobc_bench_stock --items "$n" $header
    header=
done

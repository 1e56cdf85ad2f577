#!/usr/bin/env bash
# Lint the code as CI does (scripts/test.sh runs this before the whole suite):
#   ruff         every Python file (.ruff.toml: pycodestyle, pyflakes, isort, bugbear,
#                pyupgrade, complexity; lines of 120)
#   pylint-odoo  OCA's mandatory checks for Odoo 18.0 addons (.pylintrc) on the addon and
#                its queue_job bridge, the tests, the scripts and the benchmark
# Usage:
#   scripts/lint.sh          check; exits 1 on any finding
#   scripts/lint.sh --fix    let ruff fix what it can first (import order...), then check
# The tools come from requirements-dev.txt into .venv/; when they are missing or
# at another version, scripts/setup.sh installs them first. Changes nothing
# without --fix: safe to run again.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

FIX=0
for arg in "$@"; do
    case "$arg" in
        --fix) FIX=1 ;;
        -h|--help) sed -n '2,13p' scripts/lint.sh | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "scripts/lint.sh: unknown argument $arg (see --help)" >&2; exit 2 ;;
    esac
done

# The pinned tools of requirements-dev.txt, at their versions, in .venv/?
tools_ready() {
    [ -x .venv/bin/python ] && .venv/bin/python - <<'PY'
import re
import sys
from importlib.metadata import PackageNotFoundError, version

for line in open("requirements-dev.txt", encoding="utf-8"):
    pin = re.match(r"\s*([A-Za-z0-9_.-]+)==([^\s#;]+)", line)
    if pin:
        try:
            if version(pin[1]) != pin[2]:
                sys.exit(1)
        except PackageNotFoundError:
            sys.exit(1)
PY
}
if ! tools_ready; then
    echo "[lint] installing the lint tools (scripts/setup.sh)"
    source scripts/setup.sh
fi

status=0
if [ "$FIX" = 1 ]; then
    .venv/bin/ruff check --fix --quiet . || true
fi
echo "[lint] ruff"
.venv/bin/ruff check . || status=1
echo "[lint] pylint-odoo"
.venv/bin/python -m pylint --rcfile=.pylintrc salesorder_bigcommerce salesorder_bigcommerce_queue tests scripts bench \
    setup.py || status=1
if [ "$status" = 0 ]; then
    echo "[lint] passed"
else
    echo "[lint] failed: fix the findings above (scripts/lint.sh --fix sorts imports)" >&2
fi
exit "$status"

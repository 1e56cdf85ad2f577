#!/usr/bin/env bash
# Prepare this machine for salesorder_bigcommerce: Debian packages, a running
# PostgreSQL, the Odoo 18.0 source, a virtualenv at .venv/ with Odoo's
# requirements, the test tools, OCA queue_job (for the optional bridge) and the
# addons (the connector and its bridge salesorder_bigcommerce_queue). Safe to run
# again: every step checks before it acts. Sourced by run.sh, test.sh and bench.sh.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ODOO_SRC="${ODOO_SRC:-/opt/odoo/18.0}"
VENV="$REPO/.venv"
PY="$VENV/bin/python"
NIGHTLY_URL="https://nightly.odoo.com/18.0/nightly/src/odoo_18.0.latest.tar.gz"
SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
as_postgres() { if [ -z "$SUDO" ]; then runuser -u postgres -- "$@"; else sudo -u postgres "$@"; fi; }

# pip, without the notices about this machine's missing local package folders.
pip_q() { "$PY" -m pip -q "$@" 2> >(grep -v "^WARNING: Location" >&2); }

log() { printf '\033[1m[setup]\033[0m %s\n' "$*"; }

apt_packages() {
    local wanted=(postgresql postgresql-client libpq-dev libldap2-dev libsasl2-dev
                  python3-venv python3-dev build-essential curl)
    [ "${WITH_CHROMIUM:-0}" = 1 ] && wanted+=(chromium)
    local missing=()
    for p in "${wanted[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
    done
    if [ ${#missing[@]} -gt 0 ]; then
        log "installing Debian packages: ${missing[*]}"
        $SUDO apt-get update -q
        DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q "${missing[@]}"
    fi
}

start_postgresql() {
    if ! pg_isready -q 2>/dev/null; then
        log "starting PostgreSQL"
        local ver
        ver="$(ls /usr/lib/postgresql | sort -V | tail -1)"
        if ! pg_lsclusters -h | grep -q "^$ver "; then
            $SUDO pg_createcluster "$ver" main
        fi
        $SUDO pg_ctlcluster "$ver" main start || true
        for _ in $(seq 1 30); do pg_isready -q && break; sleep 1; done
        pg_isready -q || { echo "PostgreSQL did not start; see /var/log/postgresql/" >&2; exit 1; }
    fi
    # Odoo refuses to connect as 'postgres': give the current user its own superuser role.
    local me; me="$(id -un)"
    if ! as_postgres psql -tAc "SELECT 1 FROM pg_roles WHERE rolname='$me'" | grep -q 1; then
        as_postgres createuser -s "$me"
    fi
}

odoo_source() {
    if [ -f "$ODOO_SRC/odoo/release.py" ]; then
        return
    fi
    if curl -fsI --max-time 15 "$NIGHTLY_URL" >/dev/null 2>&1; then
        log "no Odoo source at $ODOO_SRC: downloading Odoo's official 18.0 nightly source"
        local tmp; tmp="$(mktemp -d)"
        curl -fL --retry 3 -o "$tmp/odoo.tar.gz" "$NIGHTLY_URL"
        $SUDO mkdir -p "$ODOO_SRC"
        $SUDO tar -xzf "$tmp/odoo.tar.gz" -C "$ODOO_SRC" --strip-components=1
        rm -rf "$tmp"
        [ -f "$ODOO_SRC/odoo/release.py" ] && return
    fi
    cat >&2 <<MSG
Odoo 18.0 source not found.
  Looked for: $ODOO_SRC/odoo/release.py (set ODOO_SRC to use another folder)
  and could not download $NIGHTLY_URL (no internet?).
Provide the official Odoo 18.0 Community source tree (the folder holding
odoo/, setup/ and requirements.txt) at $ODOO_SRC, or run with
ODOO_SRC=/path/to/odoo-18.0, then run this command again.
MSG
    exit 1
}

virtualenv() {
    [ -x "$PY" ] || { log "creating $VENV"; python3 -m venv "$VENV"; }
    local stamp="$VENV/.requirements.sha"
    local want
    want="$(cat "$ODOO_SRC/requirements.txt" "$REPO/requirements-dev.txt" "$REPO/requirements-queue.txt" \
                "$REPO/setup.py" | sha1sum | cut -d' ' -f1)"
    if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
        log "installing Odoo's requirements and the test tools into $VENV"
        pip_q install --upgrade pip wheel "setuptools<81"
        # cbor2 5.4 still builds with pkg_resources: setuptools<81 in its build env.
        local constraints="$VENV/build-constraints.txt"
        echo 'setuptools<81' > "$constraints"
        PIP_CONSTRAINT="$constraints" PIP_BUILD_CONSTRAINT="$constraints" \
            pip_q install -r "$ODOO_SRC/requirements.txt"
        pip_q install -r "$REPO/requirements-dev.txt"
        # OCA queue_job for the bridge's tests (salesorder_bigcommerce_queue): its wheel
        # requires the `odoo` distribution, not on the registries (Odoo is ODOO_SRC):
        # installed without dependencies.
        pip_q install --no-deps -r "$REPO/requirements-queue.txt"
        echo "$want" > "$stamp"
    fi
    # Odoo itself is used in place from ODOO_SRC (a .pth line puts it on sys.path).
    local site; site="$("$PY" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
    echo "$ODOO_SRC" > "$site/odoo_src.pth"
    # The addons, installed as a distribution under odoo/addons (setup.py).
    # Reinstalled every time so the venv always runs the checkout's code.
    pip_q install --no-deps --no-build-isolation --force-reinstall "$REPO" >/dev/null
    rm -rf "$REPO/build" "$REPO"/*.egg-info
}

apt_packages
start_postgresql
odoo_source
virtualenv
export REPO ODOO_SRC VENV PY

#!/usr/bin/env bash
# Helpers shared by run.sh, test.sh and bench.sh (sourced after setup.sh).

odoo_bin() { "$PY" "$REPO/scripts/odoo_checkout.py" "$@"; }

# Exactly that database name (a name with a dot is a name, not a pattern).
db_exists() {
    [ "$(psql -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$1'")" = 1 ]
}

# Where Odoo keeps the files of each database (attachments: menu icons, images,
# flags, ...): <data_dir>/filestore/<database>, as Odoo itself computes it.
filestore_root() {
    [ -n "${FILESTORE_ROOT:-}" ] || FILESTORE_ROOT="$("$PY" -c \
        'import os; from odoo.tools import config; print(os.path.dirname(config.filestore("x")))')"
    echo "$FILESTORE_ROOT"
}

# missing_files DB DIR: how many of DB's stored attachments have no file in DIR.
missing_files() {
    local count=0 fname
    while IFS= read -r fname; do
        [ -z "$fname" ] || [ -f "$2/$fname" ] || count=$((count + 1))
    done < <(psql -d "$1" -tAc "SELECT DISTINCT store_fname FROM ir_attachment WHERE store_fname IS NOT NULL")
    echo "$count"
}

# A database with Odoo's modules that the addon depends on, installed once
# and kept as a template with its filestore: copying both takes seconds,
# installing them minutes. Its name carries a hash of the Odoo source and of
# the dependency list, so a new Odoo or a new dependency builds a new template.
template_name() {
    TEMPLATE_DEPS="$("$PY" -c "import ast;print(','.join(ast.literal_eval(open('$REPO/salesorder_bigcommerce/__manifest__.py').read())['depends']))")"
    local key
    key="$( (cat "$ODOO_SRC/odoo/release.py"; echo "$TEMPLATE_DEPS") | sha1sum | cut -c1-10)"
    BASE_DB="sobc_base_$key"
}

# with_template_lock CMD...: CMD alone with the template (run.sh, test.sh and
# bench.sh may start together; a copy never meets a half-built template).
with_template_lock() {
    { flock 9; "$@"; } 9>"${TMPDIR:-/tmp}/$BASE_DB.lock"
}

# base_template: BASE_DB, checked (and built or repaired when needed).
base_template() {
    template_name
    with_template_lock _base_template_locked "$TEMPLATE_DEPS" "$(filestore_root)"
}

_base_template_locked() {
    local deps="$1" fs="$2"
    if db_exists "$BASE_DB"; then
        # Templates built before the filestore was renamed with the database
        # left it under the build's name: give it its database's name.
        if [ ! -d "$fs/$BASE_DB" ] && [ -d "$fs/$BASE_DB.tmp" ] && ! db_exists "$BASE_DB.tmp"; then
            echo "[db] template $BASE_DB: moving its filestore from $BASE_DB.tmp"
            mv "$fs/$BASE_DB.tmp" "$fs/$BASE_DB"
        fi
        local missing; missing="$(missing_files "$BASE_DB" "$fs/$BASE_DB")"
        [ "$missing" = 0 ] && return 0
        echo "[db] template $BASE_DB lacks $missing file(s) of its filestore: building it again"
    fi
    echo "[db] building template $BASE_DB with $deps (a few minutes, once)"
    local tmp="$BASE_DB.tmp"
    dropdb --if-exists --force "$tmp"
    rm -rf "${fs:?}/$tmp"
    if ! odoo_bin -d "$tmp" -i "$deps" --without-demo=all --stop-after-init \
            --log-level=warn --http-port=0; then
        dropdb --if-exists --force "$tmp"
        rm -rf "${fs:?}/$tmp"
        return 1
    fi
    # The database and its filestore change name together.
    dropdb --if-exists --force "$BASE_DB"
    rm -rf "${fs:?}/$BASE_DB"
    psql -q -d postgres -c "ALTER DATABASE \"$tmp\" RENAME TO \"$BASE_DB\""
    if [ -d "$fs/$tmp" ]; then mv "$fs/$tmp" "$fs/$BASE_DB"; else mkdir -p "$fs/$BASE_DB"; fi
}

# restore_filestore NAME: copy into NAME's filestore the files it lacks that
# the template has (NAME made from a template that had lost its filestore).
# Files are named by their content's hash: the template's file of that name
# is that file. Builds nothing; does nothing when nothing is missing.
restore_filestore() {
    local name="$1" fs; fs="$(filestore_root)"
    template_name
    [ "$(missing_files "$name" "$fs/$name")" = 0 ] && return 0
    local copied=0 fname
    while IFS= read -r fname; do
        if [ -n "$fname" ] && [ ! -f "$fs/$name/$fname" ] && [ -f "$fs/$BASE_DB/$fname" ]; then
            mkdir -p "$(dirname "$fs/$name/$fname")"
            cp -p "$fs/$BASE_DB/$fname" "$fs/$name/$fname"
            copied=$((copied + 1))
        fi
    done < <(psql -d "$name" -tAc "SELECT DISTINCT store_fname FROM ir_attachment WHERE store_fname IS NOT NULL")
    echo "[db] $name: restored $copied file(s) of its filestore from the template $BASE_DB"
}

# fresh_db NAME [MODULES]: NAME from the template (database and filestore) with the
# addon installed, or MODULES (comma-separated; e.g. salesorder_bigcommerce_queue,
# which brings the addon and OCA queue_job along).
fresh_db() {
    local name="$1" modules="${2:-salesorder_bigcommerce}"
    base_template
    with_template_lock _copy_template "$name" "$(filestore_root)"
    odoo_bin -d "$name" -i "$modules" --without-demo=all --stop-after-init \
        --log-level=warn --http-port=0
}

_copy_template() {
    local name="$1" fs="$2"
    dropdb --if-exists --force "$name"
    rm -rf "${fs:?}/$name"
    createdb -T "$BASE_DB" "$name"
    cp -a "$fs/$BASE_DB" "$fs/$name"
}

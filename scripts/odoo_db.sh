#!/usr/bin/env bash
# Helpers shared by run.sh, test.sh and bench.sh (sourced after setup.sh).

odoo_bin() { "$PY" "$REPO/scripts/odoo_checkout.py" "$@"; }

db_exists() { psql -lqt | cut -d'|' -f1 | grep -qw "$1"; }

# A database with Odoo's modules that the addon depends on, installed once
# and kept as a template: copying it takes seconds, installing it minutes.
# Its name carries a hash of the Odoo source and of the dependency list, so
# a new Odoo or a new dependency builds a new template.
base_template() {
    local deps
    deps="$("$PY" -c "import ast;print(','.join(ast.literal_eval(open('$REPO/salesorder_bigcommerce/__manifest__.py').read())['depends']))")"
    local key
    key="$( (cat "$ODOO_SRC/odoo/release.py"; echo "$deps") | sha1sum | cut -c1-10)"
    BASE_DB="sobc_base_$key"
    if ! db_exists "$BASE_DB"; then
        echo "[db] building template $BASE_DB with $deps (a few minutes, once)"
        odoo_bin -d "$BASE_DB.tmp" -i "$deps" --without-demo=all --stop-after-init \
            --log-level=warn --http-port=0 || { dropdb --if-exists "$BASE_DB.tmp"; return 1; }
        psql -q -d postgres -c "ALTER DATABASE \"$BASE_DB.tmp\" RENAME TO \"$BASE_DB\""
    fi
}

# fresh_db NAME: NAME from the template with the addon installed.
fresh_db() {
    local name="$1"
    base_template
    dropdb --if-exists --force "$name"
    createdb -T "$BASE_DB" "$name"
    rm -rf "$HOME/.local/share/Odoo/filestore/$name"
    if [ -d "$HOME/.local/share/Odoo/filestore/$BASE_DB" ]; then
        mkdir -p "$HOME/.local/share/Odoo/filestore"
        cp -r "$HOME/.local/share/Odoo/filestore/$BASE_DB" "$HOME/.local/share/Odoo/filestore/$name"
    fi
    odoo_bin -d "$name" -i salesorder_bigcommerce --without-demo=all --stop-after-init \
        --log-level=warn --http-port=0
}

"""Regenerate the addon's translation template with Odoo's own export.

    .venv/bin/python scripts/i18n_export.py           update the addon in sobc_test, write the .pot
    .venv/bin/python scripts/i18n_export.py -d DB     another database with the addon installed
    .venv/bin/python scripts/i18n_export.py --check   only say whether the .pot is up to date (exit 1 if not)
    .venv/bin/python scripts/i18n_export.py --addon salesorder_bigcommerce_queue -d sobc_test_queue
                                                      the optional bridge's .pot (a database where it is installed)

Writes salesorder_bigcommerce/i18n/salesorder_bigcommerce.pot: the terms of
the addon's views, menus, fields, selections and data (read from the database
where it is installed) and of its code (``_()``, ``env._()``, ``_lt()``,
including the services' error messages), as Odoo's ``--i18n-export`` writes
them. The database is first updated to this checkout's addon (``-u``; skip
with --no-update), so its records hold the current strings. Only this
checkout's files are read, not the copy ``pip install .`` left in the
virtualenv. A .pot that differs only by its dates is left as it is.

tests/test_i18n.py fails when the committed .pot is not what this writes.
"""
import argparse
import contextlib
import difflib
import io
import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
ADDON = "salesorder_bigcommerce"
BRIDGE = "salesorder_bigcommerce_queue"


def pot_path(addon=ADDON):
    return REPO / addon / "i18n" / (addon + ".pot")


POT = pot_path()

# Header lines that change at every export.
_DATE_LINE = re.compile(r'^"(POT-Creation-Date|PO-Revision-Date): [^"\n]*\\n"\n', re.MULTILINE)


def normalized(text):
    """The .pot text without its dates."""
    return _DATE_LINE.sub("", text)


@contextlib.contextmanager
def checkout_addon_only(addon=ADDON):
    """odoo.addons.__path__ without other copies of the addon (the virtualenv's):
    Odoo's export reads the .py files of every path that holds the module."""
    import odoo.addons

    saved = list(odoo.addons.__path__)
    keep = [path for path in saved
            if Path(path).resolve() == REPO or not (Path(path) / addon / "__manifest__.py").exists()]
    odoo.addons.__path__[:] = keep
    try:
        yield
    finally:
        odoo.addons.__path__[:] = saved


def export_pot(cr, addon=ADDON):
    """The addon's .pot as Odoo exports it from the database of ``cr``."""
    from odoo.tools.translate import trans_export

    buffer = io.BytesIO()
    with checkout_addon_only(addon):
        trans_export(None, [addon], buffer, "po", cr)
    return buffer.getvalue().decode()


def terms(text):
    """The msgids of a .po/.pot text."""
    import polib

    return {entry.msgid for entry in polib.pofile(text) if entry.msgid}


def describe_difference(expected, actual, addon=ADDON):
    """What a regenerated .pot (``expected``) has that the file (``actual``) lacks and
    the reverse, as a short text."""
    missing, stale = sorted(terms(expected) - terms(actual)), sorted(terms(actual) - terms(expected))
    lines = []
    if missing:
        lines.append("%d term(s) missing from %s:" % (len(missing), pot_path(addon).relative_to(REPO)))
        lines += ["  %r" % term[:100] for term in missing[:30]]
    if stale:
        lines.append("%d term(s) no longer used:" % len(stale))
        lines += ["  %r" % term[:100] for term in stale[:30]]
    if not lines:
        diff = list(difflib.unified_diff(normalized(actual).splitlines(), normalized(expected).splitlines(),
                                         "committed", "exported", lineterm="", n=1))
        lines.append("Same terms, other references or comments:")
        lines += diff[:40]
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-d", "--database", default="sobc_test",
                        help="a database with the addon installed (default: sobc_test, scripts/test.sh's)")
    parser.add_argument("--no-update", action="store_true",
                        help="do not update the addon in the database first")
    parser.add_argument("--check", action="store_true",
                        help="write nothing; exit 1 when the .pot is not up to date")
    parser.add_argument("--addon", default=ADDON, choices=[ADDON, BRIDGE],
                        help="whose .pot (default: the connector's)")
    args = parser.parse_args(argv)
    addon, pot = args.addon, pot_path(args.addon)

    checkout = [sys.executable, str(REPO / "scripts" / "odoo_checkout.py"), "-d", args.database,
                "--log-level=warn", "--http-port=0", "--stop-after-init"]
    if not args.no_update:
        subprocess.run(checkout + ["-u", addon], check=True)

    sys.path.insert(0, str(REPO / "scripts"))
    import odoo_checkout  # noqa: F401  (the checkout's addon first on odoo.addons)

    import odoo
    from odoo.modules.registry import Registry

    odoo.tools.config.parse_config(["-d", args.database, "--log-level=warn"])
    with Registry(args.database).cursor() as cr:
        text = export_pot(cr, addon)
        cr.rollback()

    current = pot.read_text(encoding="utf-8") if pot.exists() else ""
    if normalized(current) == normalized(text):
        sys.stderr.write("%s is up to date (%d terms).\n" % (pot.relative_to(REPO), len(terms(text))))
        return 0
    if args.check:
        sys.stderr.write(describe_difference(text, current, addon) + "\nRun scripts/i18n_export.py to update it.\n")
        return 1
    pot.parent.mkdir(exist_ok=True)
    pot.write_text(text, encoding="utf-8")
    sys.stderr.write("Wrote %s (%d terms).\n" % (pot.relative_to(REPO), len(terms(text))))
    return 0


if __name__ == "__main__":
    sys.exit(main())

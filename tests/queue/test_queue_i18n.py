"""The bridge's translation template holds every term it shows (its job
descriptions, field labels, messages), as the connector's does (tests/test_i18n.py).
When it fails: ``.venv/bin/python scripts/i18n_export.py --addon
salesorder_bigcommerce_queue -d sobc_test_queue``."""
import importlib.util
from pathlib import Path

from odoo.tests.common import TransactionCase

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "i18n_export.py"
BRIDGE = "salesorder_bigcommerce_queue"


def _i18n_export():
    spec = importlib.util.spec_from_file_location("sobc_i18n_export", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class TestBridgeTranslationTemplate(TransactionCase):
    # Outside the addon folder, Odoo's MetaCase gives no tags (see tests/common.py).
    test_tags = {"standard", "at_install"}
    test_module = BRIDGE
    test_class = "TestBridgeTranslationTemplate"
    test_sequence = 0

    def test_pot_holds_every_term_of_the_bridge(self):
        i18n_export = _i18n_export()
        with self.assertNoLogs("odoo.tools.translate", level="ERROR"):
            exported = i18n_export.export_pot(self.env.cr, BRIDGE)
        pot = i18n_export.pot_path(BRIDGE)
        self.assertTrue(pot.exists(), "%s is missing: run scripts/i18n_export.py --addon %s" % (pot, BRIDGE))
        committed = pot.read_text(encoding="utf-8")
        if i18n_export.normalized(exported) != i18n_export.normalized(committed):
            self.fail("The bridge's .pot is not up to date.\n"
                      + i18n_export.describe_difference(exported, committed, BRIDGE)
                      + "\nRun: .venv/bin/python scripts/i18n_export.py --addon %s -d sobc_test_queue" % BRIDGE)
        self.assertIn('msgid "Import Jobs"', committed)

"""Translations: the committed .pot holds every term the addon shows, and the
services' error messages reach the user translated.

The first test exports the addon's terms with Odoo's own code (trans_export,
as scripts/i18n_export.py does) from the test database and compares them with
salesorder_bigcommerce/i18n/salesorder_bigcommerce.pot, dates aside. When it
fails, regenerate the file: ``.venv/bin/python scripts/i18n_export.py``.
"""
import importlib.util
from pathlib import Path
from unittest.mock import patch

from odoo.tests.common import TransactionCase
from odoo.tools import translate

from odoo.addons.salesorder_bigcommerce.exceptions import BigCommerceUserError, error_message
from odoo.addons.salesorder_bigcommerce.services import payload_fields
from odoo.addons.salesorder_bigcommerce.services.errors import BigCommerceError, BigCommercePayloadError, _lt

SCRIPTS = Path(__file__).resolve().parent.parent / "scripts"
MODULE = "salesorder_bigcommerce"


def _load_script(name):
    spec = importlib.util.spec_from_file_location("sobc_" + name, SCRIPTS / (name + ".py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


i18n_export = _load_script("i18n_export")


class I18nCase(TransactionCase):
    # Outside the addon folder, Odoo's MetaCase gives no tags (see common.py).
    test_tags = {"standard", "at_install"}
    test_module = MODULE
    test_sequence = 0


class TestTranslationTemplate(I18nCase):
    test_class = "TestTranslationTemplate"

    def test_pot_holds_every_term_of_the_addon(self):
        # An error there: a file whose terms could not be extracted (e.g. an f-string
        # among the arguments of _()).
        with self.assertNoLogs("odoo.tools.translate", level="ERROR"):
            exported = i18n_export.export_pot(self.env.cr)
        self.assertTrue(i18n_export.POT.exists(),
                        "%s is missing: run scripts/i18n_export.py" % i18n_export.POT)
        committed = i18n_export.POT.read_text(encoding="utf-8")
        if i18n_export.normalized(exported) != i18n_export.normalized(committed):
            self.fail("The .pot is not up to date with the addon's terms.\n"
                      + i18n_export.describe_difference(exported, committed)
                      + "\nRun: .venv/bin/python scripts/i18n_export.py (updates the addon in sobc_test, "
                        "then exports; -d for another database)")

    def test_export_reads_views_fields_and_code(self):
        """The export covers each kind of source (a guard against an empty or partial .pot)."""
        pot = i18n_export.POT.read_text(encoding="utf-8")
        for reference in ("code:addons/salesorder_bigcommerce/models/",
                          "code:addons/salesorder_bigcommerce/services/",
                          "model:ir.model.fields,field_description:salesorder_bigcommerce.",
                          "model_terms:ir.ui.view,arch_db:salesorder_bigcommerce.",
                          "model:ir.ui.menu,name:salesorder_bigcommerce."):
            self.assertIn(reference, pot)

    def test_dates_alone_do_not_count(self):
        header = ('msgid ""\nmsgstr ""\n"POT-Creation-Date: 2026-01-01 10:00+0000\\n"\n'
                  '"PO-Revision-Date: 2026-01-01 10:00+0000\\n"\n"MIME-Version: 1.0\\n"\n')
        other = header.replace("2026-01-01 10:00", "2027-02-02 11:11")
        self.assertEqual(i18n_export.normalized(header), i18n_export.normalized(other))
        self.assertNotIn("POT-Creation-Date", i18n_export.normalized(header))
        self.assertIn("MIME-Version", i18n_export.normalized(header))


class TestServicesErrorsTranslated(I18nCase):
    """A services error (plain Python, no Odoo) shown in the user's language."""

    test_class = "TestServicesErrorsTranslated"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("fr_FR")
        cls.fr_env = cls.env(context=dict(cls.env.context, lang="fr_FR"))

    def translations(self, mapping):
        """Code translations of the addon in French, as its fr.po would give them."""
        cache = dict(translate.code_translations.python_translations)
        cache[(MODULE, "fr_FR")] = mapping
        return patch.object(translate.code_translations, "python_translations", cache)

    def test_template_translated_then_filled(self):
        error = BigCommerceError(_lt("BigCommerce rate limit reached; retry in %(seconds)s s."),
                                 kind="rate_limited", params={"seconds": 12})
        self.assertEqual(str(error), "BigCommerce rate limit reached; retry in 12 s.")   # logs: English
        with self.translations({error.template: "Limite atteinte ; réessayez dans %(seconds)s s."}):
            self.assertEqual(error_message(self.fr_env, error), "Limite atteinte ; réessayez dans 12 s.")
            self.assertEqual(error_message(self.env, error), str(error))   # en_US

    def test_payload_error_keeps_bigcommerce_names(self):
        with self.assertRaises(BigCommercePayloadError) as caught:
            payload_fields._Fields({"id": "x1"}, "Order 7").int("id")
        error = caught.exception.within("Page 1")
        self.assertEqual(str(error), "Page 1: Order 7: id 'x1' is not an integer")
        french = {"%(field)s %(value)s is not an integer": "%(field)s %(value)s n'est pas un entier"}
        with self.translations(french):
            self.assertEqual(error_message(self.fr_env, error),
                             "Page 1: Order 7: id 'x1' n'est pas un entier")

    def test_user_error_from_services_error(self):
        error = BigCommerceError(_lt("Store not found."), kind="not_found", status=404)
        with self.translations({"Store not found.": "Boutique introuvable.",
                                "BigCommerce: %(error)s": "BigCommerce : %(error)s"}):
            user_error = BigCommerceUserError.from_error(self.fr_env, error)
        self.assertEqual(user_error.args[0], "BigCommerce : Boutique introuvable.")
        self.assertIs(user_error.bigcommerce_error, error)

    def test_untranslated_message_shown_as_is(self):
        """A message built without a template (an f-string) is shown in English."""
        error = BigCommerceError("Could not reach 127.0.0.1:1: refused.", kind="unreachable")
        with self.translations({}):
            self.assertEqual(error_message(self.fr_env, error), "Could not reach 127.0.0.1:1: refused.")

    def test_services_templates_are_in_the_pot(self):
        pot = i18n_export.POT.read_text(encoding="utf-8")
        for template in ('msgid "%(field)s is missing"', 'msgid "%(field)s %(value)s is not an integer"'):
            self.assertIn(template, pot)

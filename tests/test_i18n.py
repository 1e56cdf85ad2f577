"""Translations: the committed .pot holds every term the addon shows, and the
services' error messages reach the user translated (also when raised through
the cart: Test Connection, an order import, a sync pass).

The first test exports the addon's terms with Odoo's own code (trans_export,
as scripts/i18n_export.py does) from the test database and compares them with
salesorder_bigcommerce/i18n/salesorder_bigcommerce.pot, dates aside. When it
fails, regenerate the file: ``.venv/bin/python scripts/i18n_export.py``.
"""
import ast
import importlib.util
import socket
from pathlib import Path
from unittest.mock import patch

from common import BigCommerceCase, factory

from odoo.exceptions import UserError
from odoo.tests.common import TransactionCase
from odoo.tools import translate

from odoo.addons.salesorder_bigcommerce.exceptions import BigCommerceUserError, error_message
from odoo.addons.salesorder_bigcommerce.services import errors, payload_fields
from odoo.addons.salesorder_bigcommerce.services.errors import BigCommerceError, BigCommercePayloadError, _lt
from odoo.addons.salesorder_bigcommerce.services.parsing import parse_api_key

SCRIPTS = Path(__file__).resolve().parent.parent / "scripts"
SERVICES = Path(__file__).resolve().parent.parent / "salesorder_bigcommerce" / "services"
MODULE = "salesorder_bigcommerce"
# What builds a services error (or a translatable part of one) from a message.
MESSAGE_CALLS = {"BigCommerceError", "BigCommercePayloadError", "Text",
                 "_error", "_config_error", "_value_error"}


def _load_script(name):
    spec = importlib.util.spec_from_file_location("sobc_" + name, SCRIPTS / (name + ".py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


i18n_export = _load_script("i18n_export")


def french(mapping):
    """The addon's code translations in French are `mapping`, as its fr.po would give them."""
    cache = dict(translate.code_translations.python_translations)
    cache[(MODULE, "fr_FR")] = mapping
    return patch.object(translate.code_translations, "python_translations", cache)


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
        return french(mapping)

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

    def test_parts_of_a_message_translated_too(self):
        """A Text param (a sentence of ours inside a message) is translated with it."""
        with self.assertRaises(BigCommerceError) as caught:
            parse_api_key("no-colon")
        error = caught.exception
        self.assertIsInstance(error.params["expected"], errors.Text)
        self.assertTrue(str(error).startswith("The API Key has no colon. The API Key must be CLIENT_ID:"))
        with self.translations({
                "The API Key has no colon. %(expected)s": "La clé d'API n'a pas de deux-points. %(expected)s",
                error.params["expected"].template: "La clé d'API doit être %(example)s."}):
            self.assertEqual(error_message(self.fr_env, error),
                             "La clé d'API n'a pas de deux-points. La clé d'API doit être "
                             "CLIENT_ID:ACCESS_TOKEN.")

    def test_services_templates_are_in_the_pot(self):
        pot = i18n_export.POT.read_text(encoding="utf-8")
        for template in ('msgid "%(field)s is missing"', 'msgid "%(field)s %(value)s is not an integer"',
                         'msgid "BigCommerce rate limit reached; retry in %(seconds)s s."',
                         'msgid "connection refused (nothing answers at that address and port)"'):
            self.assertIn(template, pot)

    def test_services_messages_are_templates(self):
        """Every message of services/ is an _lt("...") literal, which the term export finds:
        neither a bare text nor an f-string where an error is built, nor inside _lt()."""
        found = []
        for path in sorted(SERVICES.glob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if not isinstance(node, ast.Call) or not node.args:
                    continue
                name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
                first = node.args[0]
                if name == "_lt" and not (isinstance(first, ast.Constant) and isinstance(first.value, str)):
                    found.append(f"{path.name}:{node.lineno}: _lt() of something else than a literal")
                if name in MESSAGE_CALLS and isinstance(first, (ast.JoinedStr, ast.Constant, ast.BinOp)):
                    found.append(f"{path.name}:{node.lineno}: {name}() of a text not marked with _lt()")
        self.assertEqual(found, [])


class TestCartErrorsTranslated(BigCommerceCase):
    """Services errors raised through the cart reach a French-speaking user in French."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("fr_FR")
        cls.cart.import_status_ids = cls.env["bigcommerce.order.status"].search([("bigcommerce_id", "=", 11)])

    def setUp(self):
        super().setUp()
        self.mug = self.server.store.add_product(factory.product(name="Mug", sku="MUG"))

    def malformed_order(self):
        order = self.server.store.add_order(factory.order(lines=[factory.line(self.mug, 1)]))
        self.server.store.orders[order["id"]]["total_inc_tax"] = "lots"
        return order

    def test_test_connection_against_a_closed_port(self):
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        self.cart.api_path = f"http://127.0.0.1:{port}/stores/abc123/v3/"
        with french({
            "Test Connection failed for %(cart)s: %(error)s":
                "Échec du test de connexion de %(cart)s : %(error)s",
            "Could not reach %(host)s: %(reason)s. Check the Cart Connect URL and the network.":
                "Impossible de joindre %(host)s : %(reason)s. Vérifiez l'URL Cart Connect et le réseau.",
            "connection refused (nothing answers at that address and port)":
                "connexion refusée (rien ne répond à cette adresse et ce port)",
        }), self.assertRaises(UserError) as caught:
            self.cart.with_context(lang="fr_FR").action_test_connection()
        self.assertEqual(caught.exception.args[0], (
            f"Échec du test de connexion de Test Store : Impossible de joindre 127.0.0.1:{port} : connexion "
            "refusée (rien ne répond à cette adresse et ce port). Vérifiez l'URL Cart Connect et le réseau."))

    def test_payload_error_in_an_order_import_report(self):
        order = self.malformed_order()
        with french({"%(field)s %(value)s is not a number": "%(field)s %(value)s n'est pas un nombre"}):
            report = self.cart.with_context(lang="fr_FR")._import_orders([order["id"]])
        [outcome] = report.outcomes
        self.assertEqual((outcome.bigcommerce_id, outcome.status), (order["id"], "failed"))
        # BigCommerce's names (the order, the field) as they are; the rest in French.
        self.assertEqual(outcome.reason, f"Order {order['id']}: total_inc_tax 'lots' n'est pas un nombre")

    def test_payload_error_in_a_sync_log(self):
        """An order a sync pass cannot parse: the log says why in the user's language."""
        order = self.malformed_order()
        with french({"%(field)s %(value)s is not a number": "%(field)s %(value)s n'est pas un nombre"}):
            log = self.cart.with_context(lang="fr_FR")._sync_pass("manual", time_budget=3600)
        self.assertEqual(log.orders_failed, 1)
        self.assertIn(f"Order {order['id']}: total_inc_tax 'lots' n'est pas un nombre", log.error_text)

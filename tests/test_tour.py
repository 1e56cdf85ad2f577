"""The newcomer's walk in a real browser: the sandbox cart that scripts/run.sh
creates, against the seeded sandbox store, driven by the tour
salesorder_bigcommerce_sandbox (static/tests/tours/sandbox_tour.js).

Needs Chromium on the PATH and pytest's --odoo-http (scripts/test.sh passes it);
without them the test is skipped. In Odoo 18 the browser's requests run in this
test's transaction (registry test mode), so what setUpClass creates is visible
to them, and everything is rolled back afterwards.
"""
import importlib.util
import unittest
from pathlib import Path

import odoo
from odoo.tests.common import HttpCase

SCRIPTS = Path(__file__).resolve().parent.parent / "scripts"


def _load_sandbox():
    spec = importlib.util.spec_from_file_location("sobc_sandbox", SCRIPTS / "sandbox.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


sandbox = _load_sandbox()


class TestSandboxTour(HttpCase):

    # Outside the addon folder, Odoo's MetaCase gives no tags (see common.py).
    test_tags = {"standard", "post_install"}
    test_module = "salesorder_bigcommerce"
    test_class = "TestSandboxTour"
    test_sequence = 0

    @classmethod
    def setUpClass(cls):
        if odoo.service.server.server is None:
            raise unittest.SkipTest("no Odoo HTTP server: run pytest with --odoo-http")
        super().setUpClass()
        cls.server = sandbox.make_server(port=0).start()   # the seeded sandbox store
        cls.addClassCleanup(cls.server.stop)
        cls.cart, _created = sandbox.ensure_cart(cls.env, cls.server.port)
        cls.cart.api_path = cls.server.api_path

    def test_sandbox_walk(self):
        self.start_tour("/odoo", "salesorder_bigcommerce_sandbox", login="admin", timeout=180)

        self.env.invalidate_all()
        cart = self.cart
        self.assertEqual(cart.store_name, "BigCommerce Sandbox")
        hoodies = cart.product_binding_ids.filtered(lambda b: b.bigcommerce_product_id == 115)
        self.assertEqual(len(hoodies.product_id), 6, "one Odoo product per Hoodie variant")
        self.assertEqual(cart.order_binding_ids.mapped("bigcommerce_order_id"), [102])
        invoice = cart.order_binding_ids.move_id
        self.assertEqual((invoice.move_type, invoice.state), ("out_invoice", "draft"))
        self.assertEqual(invoice.bigcommerce_order_id, 102)
        self.assertIn("HOODIE-L-BLUE", invoice.invoice_line_ids.product_id.mapped("default_code"))
        # What the Orders button counted and BigCommerce Pending listed.
        self.assertEqual(cart.order_count, 1)
        binding = cart.order_binding_ids
        self.assertEqual((binding.document_type, binding.pending), ("invoice", True))

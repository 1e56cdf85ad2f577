"""Orders (Cart): BigCommerce orders become pending Odoo documents."""
from decimal import Decimal

from common import BigCommerceCase, factory

from odoo.exceptions import UserError

D = Decimal


class OrderImportCase(BigCommerceCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.awaiting = cls.env["bigcommerce.order.status"].search([("bigcommerce_id", "=", 11)])
        cls.cart.import_status_ids = cls.awaiting

    def setUp(self):
        super().setUp()
        store = self.server.store
        self.mug = store.add_product(factory.product(name="Mug", sku="MUG", price=D("12.50")))
        self.shirt = store.add_product(factory.product(name="Shirt", sku="SHIRT", price=D("20.00"), variants=[
            factory.variant("SHIRT-S", options={"Size": "S"}),
            factory.variant("SHIRT-L", price=D("22.00"), options={"Size": "L"})]))

    def add_order(self, lines=None, **kwargs):
        lines = lines or [factory.line(self.mug, 2)]
        return self.server.store.add_order(factory.order(lines=lines, **kwargs))

    def assertTotalsEqual(self, document, order):
        self.assertEqual(
            (D(str(round(document.amount_untaxed, 2))), D(str(round(document.amount_tax, 2))),
             D(str(round(document.amount_total, 2)))),
            (D(order["total_ex_tax"]), D(order["total_tax"]), D(order["total_inc_tax"])),
            document.bigcommerce_check)
        self.assertFalse(document.bigcommerce_total_mismatch)


class TestDocumentTypes(OrderImportCase):

    def test_sale_order(self):
        self.cart.import_orders_as = "sale_order"
        order = self.add_order(tax_rate=D("0.2"), shipping_cost=D("5.00"))
        documents = self.cart.import_orders([order["id"]])
        self.assertEqual(documents._name, "sale.order")
        self.assertEqual(documents.state, "draft")
        self.assertEqual(documents.bigcommerce_cart_id, self.cart)
        self.assertEqual(documents.bigcommerce_order_id, order["id"])
        self.assertEqual(documents.client_order_ref, str(order["id"]))
        self.assertTotalsEqual(documents, order)

    def test_sales_invoice(self):
        self.cart.import_orders_as = "sales_invoice"
        order = self.add_order(tax_rate=D("0.2"))
        invoice = self.cart.import_orders([order["id"]])
        self.assertEqual((invoice._name, invoice.move_type, invoice.state), ("account.move", "out_invoice", "draft"))
        self.assertFalse(invoice.bigcommerce_cash_sale)
        self.assertEqual(invoice.ref, str(order["id"]))
        self.assertTotalsEqual(invoice, order)

    def test_cash_sale_ends_paid_when_posted(self):
        order = self.add_order(tax_rate=D("0.0825"), shipping_cost=D("4.99"))
        invoice = self.cart.import_orders([order["id"]])
        self.assertEqual(self.cart.import_orders_as, "cash_sale")
        self.assertTrue(invoice.bigcommerce_cash_sale)
        self.assertEqual(invoice.state, "draft")
        self.assertEqual(invoice.bigcommerce_payment_method, "Credit Card")
        self.assertAlmostEqual(invoice.bigcommerce_payment_amount, float(order["total_inc_tax"]))
        self.assertTotalsEqual(invoice, order)
        invoice.action_post()
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        self.assertTrue(invoice.bigcommerce_payment_id)
        self.assertEqual(invoice.bigcommerce_payment_id.journal_id, self.cart.payment_journal_id)


class TestIdempotency(OrderImportCase):

    def test_reimport_changes_nothing(self):
        order = self.add_order()
        first = self.cart.import_orders([order["id"]])
        second = self.cart.import_orders([order["id"]])
        self.assertTrue(first)
        self.assertFalse(second)
        report = self.cart._import_orders([order["id"]])
        self.assertEqual(report.outcomes[0].status, "already_imported")
        self.assertEqual(self.env["account.move"].search_count([("bigcommerce_order_id", "=", order["id"])]), 1)
        # Even with another document type chosen meanwhile.
        self.cart.import_orders_as = "sale_order"
        self.assertFalse(self.cart.import_orders([order["id"]]))
        self.assertFalse(self.env["sale.order"].search([("bigcommerce_order_id", "=", order["id"])]))

    def test_no_status_chosen(self):
        self.cart.import_status_ids = False
        order = self.add_order()
        with self.assertRaisesRegex(UserError, "Import Orders with Status"):
            self.cart.import_orders([order["id"]])
        with self.assertRaisesRegex(UserError, "Import Orders with Status"):
            self.cart.action_list_orders()

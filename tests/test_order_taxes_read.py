"""BigCommerce's own rates: an order that would make a new tax reads the taxes the
store applied to it (GET /v2/orders/{id}/taxes?details=true) and takes their rates
where they reproduce its lines' tax. Real HTTP to the fake store, which serves the
rows from how it priced each order (fake_bigcommerce/order_taxes.py).
"""
from decimal import Decimal

from common import BigCommerceCase, factory

from odoo.exceptions import UserError

from odoo.addons.salesorder_bigcommerce.importers import order_maths

D = Decimal


class TaxesReadCase(BigCommerceCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.cart.import_status_ids = cls.env["bigcommerce.order.status"].search([("bigcommerce_id", "=", 11)])
        cls.cart.import_orders_as = "sales_invoice"
        cls.tax_account = cls.cart.company_id.account_sale_tax_id.invoice_repartition_line_ids.filtered(
            lambda line: line.repartition_type == "tax").account_id

    def setUp(self):
        super().setUp()
        self.pin = self.server.store.add_product(factory.product(name="Pin", sku="PIN", price=D("3.00")))
        self.cap = self.server.store.add_product(factory.product(name="Cap", sku="CAP", price=D("10.00")))

    def add_order(self, lines=None, **kwargs):
        return self.server.store.add_order(factory.order(lines=lines or [factory.line(self.pin, 1)], **kwargs))

    def taxes_requests(self):
        return [r for r in self.server.requests if r.path.endswith("/taxes")]

    def imported(self, *orders):
        report = self.cart._import_orders([o["id"] for o in orders])
        documents = []
        for outcome, order in zip(report.outcomes, orders, strict=True):
            self.assertEqual(outcome.status, "created", outcome.reason)
            document = outcome.records
            self.assertEqual((D(str(round(document.amount_untaxed, 2))), D(str(round(document.amount_tax, 2))),
                              D(str(round(document.amount_total, 2)))),
                             (D(order["total_ex_tax"]), D(order["total_tax"]), D(order["total_inc_tax"])),
                             document.bigcommerce_check)
            self.assertFalse(document.bigcommerce_total_mismatch, document.bigcommerce_check)
            documents.append(document)
        return documents[0] if len(documents) == 1 else documents

    def inferred_rates(self, order):
        """What inference alone (the importer before store rates were read) makes of the order."""
        parsed = self.cart._get_client().get_orders([order["id"]])[0]
        self.server.reset_requests()
        return {line.rate for line in order_maths.plan_order(parsed).lines if line.rate}


class TestFakeStoreTaxes(TaxesReadCase):

    def test_rows_follow_the_pricing_with_details_and_pages(self):
        order = self.add_order(lines=[factory.line(self.pin, 1), factory.line(self.cap, 1, tax_rate=D("0.05"))],
                               tax_rate=D("0.0825"), shipping_cost=D("2.00"), shipping_tax_rate=D("0.0725"))
        client = self.cart._get_client()
        path = f"/orders/{order['id']}/taxes"
        plain = client.get_v2(path)
        self.assertEqual(len(plain), 3)
        self.assertNotIn("line_item_type", plain[0])
        self.assertNotIn("order_product_id", plain[0])
        detailed = client.get_v2(path, {"details": "true"})
        products = self.server.store.order_products[order["id"]]
        address_id = self.server.store.order_shipping_addresses[order["id"]][0]["id"]
        self.assertEqual([(r["line_item_type"], r["order_product_id"], r["order_address_id"], r["rate"],
                           r["line_amount"]) for r in detailed], [
            ("item", str(products[0]["id"]), address_id, "8.2500", "0.2500"),
            ("item", str(products[1]["id"]), address_id, "5.0000", "0.5000"),
            ("shipping", None, address_id, "7.2500", "0.1500")])
        self.assertEqual(client.get_v2(path, {"details": "true", "page": 2, "limit": 2})[0]["line_item_type"],
                         "shipping")
        taxes = client.get_order_taxes(order["id"])
        self.assertEqual([(t.line_item_type, t.rate) for t in taxes],
                         [("item", D("8.25")), ("item", D("5")), ("shipping", D("7.25"))])
        self.assertEqual(taxes[0].order_product_id, products[0]["id"])
        untaxed = self.add_order()
        self.assertIsNone(client.get_v2(f"/orders/{untaxed['id']}/taxes"))      # 204
        self.assertEqual(client.get_order_taxes(untaxed["id"]), [])


class TestStoreRates(TaxesReadCase):

    def test_small_first_order_gets_the_store_rate_and_books_it(self):
        order = self.add_order(tax_rate=D("0.0825"))          # 3.00 taxed 0.25
        self.assertEqual(self.inferred_rates(order), {D("8.2")})
        invoice = self.imported(order)
        self.assertEqual(len(self.taxes_requests()), 1)
        self.assertEqual(self.taxes_requests()[0].query.get("details"), "true")
        tax = invoice.invoice_line_ids.tax_ids
        self.assertEqual((tax.amount, tax.name), (8.25, "8.25% (BigCommerce)"))
        self.assertEqual(tax.tax_group_id.name, "Tax 8.25%")
        invoice.action_post()
        tax_items = invoice.line_ids.filtered(lambda item: item.display_type == "tax")
        self.assertEqual(tax_items.account_id, self.tax_account)
        self.assertAlmostEqual(sum(tax_items.mapped("balance")), -0.25, places=2)
        self.assertEqual(tax_items.tax_line_id, tax)
        base = invoice.line_ids.filtered(lambda item: item.display_type == "product")
        self.assertAlmostEqual(sum(base.mapped("balance")), -3.00, places=2)

    def test_tax_included_small_order(self):
        order = self.add_order(tax_rate=D("0.0825"), tax_inclusive=True)      # 3.00 incl. 0.23
        self.assertNotIn(D("8.25"), self.inferred_rates(order))
        invoice = self.imported(order)
        tax = invoice.invoice_line_ids.tax_ids
        self.assertEqual((tax.amount, tax.price_include), (8.25, True))

    def test_new_york_city(self):
        order = self.add_order(lines=[factory.line(self.cap, 1)], tax_rate=D("0.08875"))   # 10.00 taxed 0.89
        self.assertEqual(self.inferred_rates(order), {D("8.9")})
        invoice = self.imported(order)
        self.assertEqual(invoice.invoice_line_ids.tax_ids.amount, 8.875)

    def test_two_taxes_on_one_line_add_up(self):
        self.server.store.tax_components = {D("0.0825"): [("State Tax", D("6.25"), 0), ("County Tax", D("2"), 0)]}
        order = self.add_order(tax_rate=D("0.0825"))
        rows = self.cart._get_client().get_order_taxes(order["id"])
        self.assertEqual([(t.name, t.rate, t.line_amount) for t in rows],
                         [("State Tax", D("6.25"), D("0.19")), ("County Tax", D("2"), D("0.06"))])
        self.server.reset_requests()
        invoice = self.imported(order)
        self.assertEqual(invoice.invoice_line_ids.tax_ids.amount, 8.25)
        self.assertEqual(len(self.taxes_requests()), 1)

    def test_shipping_at_its_own_rate(self):
        # Shipping 2.00 at 7.25 %: 0.145 -> 0.15, which 7.3 % gives too.
        order = self.add_order(tax_rate=D("0.0825"), shipping_cost=D("2.00"), shipping_tax_rate=D("0.0725"))
        self.assertEqual(self.inferred_rates(order), {D("8.2"), D("7.3")})
        invoice = self.imported(order)
        shipping = invoice.invoice_line_ids.filtered(lambda line: line.product_id == self.cart.shipping_product_id)
        self.assertEqual(shipping.tax_ids.amount, 7.25)
        items = invoice.invoice_line_ids - shipping
        self.assertEqual(items.tax_ids.amount, 8.25)

    def test_store_taxing_before_discounts_still_matches(self):
        # 3.00 less a 0.50 manual discount, taxed on 3.00 (0.25) as some tax providers do.
        order = self.add_order(tax_rate=D("0.0825"), discount_amount=D("0.50"), tax_before_discount=True)
        self.assertEqual(D(order["total_tax"]), D("0.25"))
        invoice = self.imported(order)
        taxed = invoice.invoice_line_ids.filtered("tax_ids")
        self.assertEqual(taxed.tax_ids.amount, 8.25)
        self.assertAlmostEqual(taxed.price_subtotal, 3.00, places=2)
        rounding = invoice.invoice_line_ids.filtered(lambda line: line.product_id == self.cart.rounding_product_id)
        self.assertFalse(rounding)

    def test_second_order_with_the_same_rate_reads_no_taxes(self):
        first = self.add_order(tax_rate=D("0.0825"))
        invoice = self.imported(first)
        self.assertEqual(len(self.taxes_requests()), 1)
        self.server.reset_requests()
        second = self.add_order(lines=[factory.line(self.pin, 2)], tax_rate=D("0.0825"))   # 6.00 taxed 0.50
        again = self.imported(second)
        self.assertEqual(self.taxes_requests(), [])
        self.assertEqual(again.invoice_line_ids.tax_ids, invoice.invoice_line_ids.tax_ids)

    def test_one_read_for_two_orders_of_a_new_rate_in_one_run(self):
        orders = [self.add_order(tax_rate=D("0.0825")), self.add_order(lines=[factory.line(self.pin, 3)],
                                                                       tax_rate=D("0.0825"))]
        invoices = self.imported(*orders)
        self.assertEqual(len(self.taxes_requests()), 1)
        self.assertEqual({invoice.invoice_line_ids.tax_ids.amount for invoice in invoices}, {8.25})


class TestTaxesReadFails(TaxesReadCase):

    def test_store_error_falls_back_to_inference_noted(self):
        order = self.add_order(tax_rate=D("0.0825"))
        # The client tries a GET 4 times on a 5xx.
        self.server.inject(500, count=4, path_contains="/taxes")
        invoice = self.imported(order)
        self.assertEqual(len(self.taxes_requests()), 4)
        self.assertEqual(invoice.invoice_line_ids.tax_ids.amount, 8.2)
        self.assertIn("tax rates BigCommerce applied could not be read", invoice.bigcommerce_check)
        self.assertIn("HTTP 500", invoice.bigcommerce_check)

    def test_rate_limit_stops_the_import(self):
        order = self.add_order(tax_rate=D("0.0825"))
        self.server.inject(429, path_contains="/taxes", headers={"X-Rate-Limit-Time-Reset-Ms": "600000"})
        # As a sync pass's batch (or a button's transaction) does, the savepoint is rolled back.
        with self.assertRaisesRegex(UserError, "rate limit"), self.env.cr.savepoint():
            self.cart._import_orders([order["id"]])
        self.assertFalse(self.env["bigcommerce.order.binding"].search([("bigcommerce_order_id", "=", order["id"]),
                                                                        ("cart_id", "=", self.cart.id)]))

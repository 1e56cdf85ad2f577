"""Taxes to the cent: documents equal the store's untaxed amount, tax and total,
with discounts, several rates, both tax modes, and stores that tax before discounts.

The fake store prices orders the way BigCommerce documents it (each line taxed
on its amount after its discounts; tests/fake_bigcommerce/money.py); nothing
here knows how the importer plans its lines.
"""
import random
from decimal import Decimal

from common import factory
from fake_bigcommerce import random_orders
from test_order_import import OrderImportCase

D = Decimal


class OrderTaxCase(OrderImportCase):

    def setUp(self):
        super().setUp()
        self.hoodie = self.server.store.add_product(factory.product(name="Hoodie", sku="HOOD", price=D("650.00")))
        self.book = self.server.store.add_product(factory.product(name="Book", sku="BOOK", price=D("100.00")))

    def imported(self, order):
        outcome = self.cart._import_orders([order["id"]]).outcomes[0]
        self.assertEqual(outcome.status, "created", outcome.reason)
        document = outcome.records
        self.assertExact(document, order)
        return document

    def rounding_lines(self, document):
        lines = document.order_line if document._name == "sale.order" else document.invoice_line_ids
        return lines.filtered(lambda l: l.product_id == self.cart.rounding_product_id)

    def assertExact(self, document, order):
        """Totals equal the store's; no rounding line, but for the half cents a
        tax-included store rounds the other way than Odoo: a pair (x taxed, -x
        untaxed) per rate, which changes no total."""
        self.assertTotalsEqual(document, order)
        rounding = self.rounding_lines(document)
        if not order["is_tax_inclusive_pricing"]:
            self.assertFalse(rounding, document.bigcommerce_check)
            return
        taxes_of = (lambda line: line.tax_id) if document._name == "sale.order" else (lambda line: line.tax_ids)
        for tax in taxes_of(rounding):
            self.assertEqual(len(rounding.filtered(lambda line, tax=tax: tax in taxes_of(line))), 1)
        self.assertEqual(sum(rounding.mapped("price_unit")), 0.0)
        self.assertLessEqual(len(rounding), 2 * len(document.mapped(
            "order_line.tax_id" if document._name == "sale.order" else "invoice_line_ids.tax_ids")))

    def assertShippingPerAddress(self, invoice, order):
        """An order shipping to several addresses has one shipping line per address that has shipping."""
        addresses = self.server.store.order_shipping_addresses[order["id"]]
        charged = [a for a in addresses if D(a["cost_ex_tax"]) or D(a["cost_tax"])]
        lines = invoice.invoice_line_ids.filtered(lambda line: line.product_id == self.cart.shipping_product_id)
        if len(charged) > 1:
            self.assertEqual(len(lines), len(charged), invoice.invoice_line_ids.mapped("name"))

    def two_rate_coupon_order(self, **kwargs):
        """A 10 % coupon over a hoodie at 8.25 % and a book at 5 %, shipping at 8.25 %."""
        return self.add_order(
            lines=[factory.line(self.hoodie, 1, tax_rate=D("0.0825")),
                   factory.line(self.book, 1, tax_rate=D("0.05"))],
            tax_rate=D("0.0825"), shipping_cost=D("10.00"),
            coupon=factory.coupon(code="TENOFF", amount=D("10"), type=1), **kwargs)


class TestDiscountsOverSeveralRates(OrderTaxCase):

    def test_coupon_over_two_rates_tax_exclusive(self):
        order = self.two_rate_coupon_order()
        # BigCommerce: 585.00 x 8.25 % = 48.26, 90.00 x 5 % = 4.50, shipping 0.83.
        self.assertEqual(D(order["total_tax"]), D("53.59"))
        invoice = self.imported(order)
        lines = {l.product_id.default_code or l.product_id.name: (l.price_subtotal, l.tax_ids.amount)
                 for l in invoice.invoice_line_ids}
        self.assertEqual(lines["HOOD"], (585.00, 8.25))
        self.assertEqual(lines["BOOK"], (90.00, 5.0))
        self.assertEqual(lines[self.cart.shipping_product_id.default_code or self.cart.shipping_product_id.name],
                         (10.00, 8.25))
        self.assertIn("TENOFF", invoice.invoice_line_ids.filtered(lambda l: l.product_id.default_code == "HOOD").name)

    def test_coupon_over_two_rates_tax_inclusive(self):
        order = self.two_rate_coupon_order(tax_inclusive=True)
        invoice = self.imported(order)
        self.assertTrue(all(t.price_include for t in invoice.invoice_line_ids.tax_ids))
        self.assertEqual(sorted(invoice.invoice_line_ids.tax_ids.mapped("amount")), [5.0, 8.25])

    def test_store_that_taxes_before_discounts_still_matches(self):
        for inclusive in (False, True):
            with self.subTest(inclusive=inclusive):
                order = self.two_rate_coupon_order(tax_inclusive=inclusive, tax_before_discount=True)
                invoice = self.imported(order)
                # The items keep their full amount and tax; the coupon is an untaxed line.
                discounts = invoice.invoice_line_ids.filtered(
                    lambda l: l.product_id == self.cart.discount_product_id)
                self.assertTrue(discounts)
                self.assertFalse(discounts.tax_ids)
                self.assertEqual(sorted(invoice.invoice_line_ids.tax_ids.mapped("amount")), [5.0, 8.25])

    def test_promotion_manual_discount_and_quantity_that_does_not_divide(self):
        order = self.add_order(
            lines=[factory.line(self.mug, 3, tax_rate=D("0.0825"),
                                discounts=[factory.promotion(D("2.00"), id="7", name="3 for 2", target="product")]),
                   factory.line(self.book, 1, tax_rate=D("0"))],
            tax_rate=D("0.0825"), discount_amount=D("1.37"))
        invoice = self.imported(order)
        mugs = invoice.invoice_line_ids.filtered(lambda l: l.product_id.default_code == "MUG")
        self.assertEqual(sum(mugs.mapped("quantity")), 3)
        self.assertIn("3 for 2", mugs[0].name)
        book = invoice.invoice_line_ids.filtered(lambda l: l.product_id.default_code == "BOOK")
        self.assertFalse(book.tax_ids, "a zero-rated line carries no tax")

    def test_shipping_handling_and_wrapping_at_their_own_rates(self):
        # 0.36 on 4.99 fits 7.2 % as well as 7.25 %: the company's own 7.25 % tax wins.
        own = self.env["account.tax"].create({
            "name": "State 7.25%", "amount": 7.25, "type_tax_use": "sale",
            "invoice_repartition_line_ids": self.env.company.account_sale_tax_id.invoice_repartition_line_ids.mapped(
                lambda r: (0, 0, {"repartition_type": r.repartition_type, "factor_percent": r.factor_percent,
                                  "account_id": r.account_id.id})),
            "refund_repartition_line_ids": self.env.company.account_sale_tax_id.refund_repartition_line_ids.mapped(
                lambda r: (0, 0, {"repartition_type": r.repartition_type, "factor_percent": r.factor_percent,
                                  "account_id": r.account_id.id}))})
        order = self.add_order(lines=[factory.line(self.hoodie, 1)], tax_rate=D("0.20"),
                               shipping_cost=D("12.34"), shipping_tax_rate=D("0.05"),
                               handling_cost=D("3.21"), handling_tax_rate=D("0"),
                               wrapping_cost=D("4.99"), wrapping_tax_rate=D("0.0725"))
        invoice = self.imported(order)
        by_product = {l.product_id: l.tax_ids.mapped("amount") for l in invoice.invoice_line_ids}
        self.assertEqual(by_product[self.cart.shipping_product_id], [5.0])
        self.assertEqual(by_product[self.cart.handling_product_id], [])
        self.assertEqual(by_product[self.cart.wrapping_product_id], [7.25])
        self.assertEqual(invoice.invoice_line_ids.filtered(
            lambda l: l.product_id == self.cart.wrapping_product_id).tax_ids, own)

    def test_shipping_coupons_both_ways_of_reporting_shipping(self):
        for in_cost in (False, True):
            for coupon in (factory.coupon(code="FREESHIP", amount=D("0"), type=4),
                           factory.coupon(code="SHIP4", amount=D("4.00"), type=3)):
                with self.subTest(in_cost=in_cost, coupon=coupon["code"]):
                    order = self.add_order(lines=[factory.line(self.book, 1)], tax_rate=D("0.10"),
                                           shipping_cost=D("10.00"), coupon=coupon,
                                           shipping_discount_in_cost=in_cost)
                    self.imported(order)


class TestRandomOrders(OrderTaxCase):

    def test_random_orders_equal_the_store_to_the_cent_without_rounding_lines(self):
        """200 seeded orders: every mix of rates, coupons, promotions, manual discounts,
        charges, fees, both tax modes, both discount-tax readings, both ways of
        reporting a shipping coupon, and orders shipping to several addresses, each
        address's shipping and handling at its own rate."""
        for code in ("EUR", "GBP", "CAD"):
            self.set_up_currency(code)
        rng = random.Random(1010)
        catalog = [self.mug, self.shirt, self.hoodie, self.book] + factory.catalog(
            8, variants_every=3, store=self.server.store)
        orders = random_orders.random_store_orders(rng, 200, catalog, store=self.server.store, fee_chance=0.1,
                                                   multi_address_chance=0.3)
        several = [o for o in orders if len({(a["cost_tax_class_id"], a["cost_tax"]) for a in
                                            self.server.store.order_shipping_addresses[o["id"]]}) > 1]
        self.assertGreater(len(several), 20, "orders whose addresses are shipped and taxed differently")
        report = self.cart._import_orders([o["id"] for o in orders])
        self.assertEqual(report.counts(), {"created": 200}, [o.reason for o in report.outcomes if o.reason])
        for order, outcome in zip(orders, report.outcomes):
            with self.subTest(order=order["id"]):
                self.assertExact(outcome.records, order)
                self.assertShippingPerAddress(outcome.records, order)

    def test_random_orders_as_quotations(self):
        self.cart.import_orders_as = "sale_order"
        for code in ("EUR", "GBP", "CAD"):
            self.set_up_currency(code)
        rng = random.Random(77)
        orders = random_orders.random_store_orders(rng, 40, [self.mug, self.shirt, self.hoodie, self.book],
                                                   store=self.server.store, multi_address_chance=0.3)
        report = self.cart._import_orders([o["id"] for o in orders])
        self.assertEqual(report.counts(), {"created": 40}, [o.reason for o in report.outcomes if o.reason])
        for order, outcome in zip(orders, report.outcomes):
            self.assertExact(outcome.records, order)

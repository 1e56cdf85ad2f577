"""Orders shipping to several addresses: BigCommerce prices and taxes shipping and
handling per shipping address (orderShippingAddress ``cost_ex_tax``,
``cost_inc_tax``, ``cost_tax``, ``cost_tax_class_id`` and the ``handling_cost_*``
set), each at the rate of its destination. The document shows one shipping line
per address at that address's rate, never one line at a rate no store has.
"""
from decimal import Decimal

from test_tax_booking import TaxBookingCase

from common import factory

D = Decimal


class TestShippingPerAddress(TaxBookingCase):

    def setUp(self):
        super().setUp()
        self.book = self.server.store.add_product(factory.product(name="Book", sku="BOOK", price=D("100.00")))
        self.home = factory.address("Jane", "Doe", city="Austin")
        self.office = factory.address("Jane", "Doe", city="Chicago", state="Illinois", company="Acme")

    def two_address_order(self, **kwargs):
        """Mugs at 8.25 % to Austin, a book at 5 % to Chicago; shipping 10.00 at 8.25 %
        to Austin and 7.00 at 5 % to Chicago (1.18 of tax in all when tax excluded)."""
        kwargs.setdefault("shipping_cost", [D("10.00"), D("7.00")])
        return self.add_order(
            lines=[factory.line(self.mug, 2, tax_rate=D("0.0825")),
                   factory.line(self.book, 1, tax_rate=D("0.05"), ship_to=1)],
            shipping=[self.home, self.office], tax_rate=D("0.0825"),
            shipping_tax_rate=[D("0.0825"), D("0.05")], **kwargs)

    def store_addresses(self, order):
        return self.server.store.order_shipping_addresses[order["id"]]

    def shipping_lines(self, invoice):
        lines = invoice.invoice_line_ids.filtered(lambda line: line.product_id == self.cart.shipping_product_id)
        return sorted((line.price_unit, line.tax_ids.amount) for line in lines)

    def assertNoInventedRate(self, *rates):
        mapped = self.env["bigcommerce.tax.map"].search([("cart_id", "=", self.cart.id)])
        self.assertEqual(sorted(set(mapped.mapped("rate"))), sorted(rates))
        self.assertFalse(self.sale_taxes().filtered(lambda tax: round(tax.amount, 4) not in (
            *rates, self.default_tax.amount)).filtered(lambda tax: "BigCommerce" in tax.name))

    def assertRoundingPairsOnly(self, invoice):
        """No rounding line but a pair (x taxed, -x untaxed) per tax where a tax-included
        half cent is rounded the store's way."""
        rounding = invoice.invoice_line_ids.filtered(lambda line: line.product_id == self.cart.rounding_product_id)
        self.assertEqual(sum(rounding.mapped("price_unit")), 0.0)
        for tax in rounding.tax_ids:
            self.assertEqual(len(rounding.filtered(lambda line, tax=tax: tax in line.tax_ids)), 1)

    def test_two_addresses_two_rates_tax_excluded(self):
        order = self.two_address_order()
        # The store: each address's shipping taxed at its own rate.
        home, office = self.store_addresses(order)
        self.assertEqual((home["cost_ex_tax"], home["cost_tax"], home["cost_tax_class_id"]), ("10.0000", "0.8300", 2))
        self.assertEqual((office["cost_ex_tax"], office["cost_tax"]), ("7.0000", "0.3500"))
        self.assertEqual((order["shipping_cost_ex_tax"], order["shipping_cost_tax"]), ("17.0000", "1.1800"))
        invoice = self.cart.import_orders([order["id"]])
        self.assertEqual(self.shipping_lines(invoice), [(7.0, 5.0), (10.0, 8.25)])
        names = invoice.invoice_line_ids.filtered(lambda line: line.product_id == self.cart.shipping_product_id
                                                  ).mapped("name")
        self.assertTrue(any("Austin" in name for name in names) and any("Chicago" in name for name in names), names)
        rounding = self.cart.rounding_product_id
        self.assertFalse(invoice.invoice_line_ids.filtered(lambda line: line.product_id == rounding))
        self.assertNoInventedRate(5.0, 8.25)
        taxes = self.assertBooksLikeTheCompany(invoice, order)
        self.assertEqual(sorted(taxes.mapped("amount")), [5.0, 8.25])

    def test_two_addresses_two_rates_tax_included(self):
        order = self.two_address_order(tax_inclusive=True)
        home, office = self.store_addresses(order)
        self.assertEqual((home["cost_inc_tax"], home["cost_tax"]), ("10.0000", "0.7600"))
        self.assertEqual((office["cost_inc_tax"], office["cost_tax"]), ("7.0000", "0.3300"))
        invoice = self.cart.import_orders([order["id"]])
        self.assertEqual(self.shipping_lines(invoice), [(7.0, 5.0), (10.0, 8.25)])
        self.assertTrue(all(tax.price_include for tax in invoice.invoice_line_ids.tax_ids))
        self.assertRoundingPairsOnly(invoice)
        self.assertNoInventedRate(5.0, 8.25)
        self.assertBooksLikeTheCompany(invoice, order)

    def test_a_later_order_is_not_put_on_a_rate_made_up_from_two(self):
        first = self.two_address_order()
        self.cart.import_orders([first["id"]])
        # 0.07 on 1.00 fits 7 % and a 6.92 % made up of the two shipping rates, which,
        # known, would be preferred: the line is at 7 %.
        second = self.add_order(lines=[factory.line(self.book, 1, price=D("1.00"), tax_rate=D("0.07"))],
                                tax_rate=D("0.07"))
        invoice = self.cart.import_orders([second["id"]])
        self.assertEqual(invoice.invoice_line_ids.tax_ids.mapped("amount"), [7.0])
        self.assertBooksLikeTheCompany(invoice, second)

    def test_shipping_coupon_and_handling_over_two_addresses(self):
        for inclusive in (False, True):
            with self.subTest(inclusive=inclusive):
                order = self.two_address_order(
                    tax_inclusive=inclusive, coupon=factory.coupon("SHIP3", D("3.00"), type=3),
                    handling_cost=D("4.00"), handling_tax_rate=[D("0.0825"), D("0.05")])
                addresses = self.store_addresses(order)
                self.assertTrue(all(D(a["handling_cost_tax"]) > 0 for a in addresses))
                invoice = self.cart.import_orders([order["id"]])
                self.assertFalse(invoice.bigcommerce_total_mismatch, invoice.bigcommerce_check)
                handling = invoice.invoice_line_ids.filtered(
                    lambda line: line.product_id == self.cart.handling_product_id)
                self.assertEqual(sorted(handling.tax_ids.mapped("amount")), [5.0, 8.25])
                self.assertRoundingPairsOnly(invoice)
                self.assertBooksLikeTheCompany(invoice, order)

    def test_as_quotation(self):
        self.cart.import_orders_as = "sale_order"
        order = self.two_address_order()
        sale = self.cart.import_orders([order["id"]])
        lines = sale.order_line.filtered(lambda line: line.product_id == self.cart.shipping_product_id)
        self.assertEqual(sorted((line.price_unit, line.tax_id.amount) for line in lines), [(7.0, 5.0), (10.0, 8.25)])
        self.assertEqual((sale.amount_untaxed, sale.amount_tax, sale.amount_total),
                         (float(order["total_ex_tax"]), float(order["total_tax"]), float(order["total_inc_tax"])))

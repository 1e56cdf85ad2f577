"""A company that rounds tax globally (Settings > Tax Calculation Rounding Method:
``round_globally``): Odoo sums the unrounded taxes of each tax's lines and rounds
the sum once, where BigCommerce rounds each line. Documents still equal the
store's to the cent, with at most one *Tax rounding* pair (x taxed, -x untaxed)
per tax, and post the tax on the tax account.
"""
import random
from decimal import Decimal

from test_tax_booking import TaxBookingCase

from common import factory
from fake_bigcommerce import random_orders

D = Decimal


class TestCompanyRoundingGlobally(TaxBookingCase):

    def setUp(self):
        super().setUp()
        self.company.tax_calculation_rounding_method = "round_globally"
        self.pencil = self.server.store.add_product(factory.product(name="Pencil", sku="PEN", price=D("1.30")))
        self.pin = self.server.store.add_product(factory.product(name="Pin", sku="PIN", price=D("1.10")))

    def many_line_order(self, inclusive):
        """8 pencils and 8 pins, each on a line of its own, at two rates, with 2 mugs and
        shipping. Each line's tax rounds the same way (half a cent or so up), so the
        store's per-line taxes add up to 3-4 cents more than the rounded sum Odoo makes."""
        if inclusive:   # 1.15 incl. 19 %: 0.18 (0.1836); 2.15 incl. 7 %: 0.14 (0.1407)
            pencil_price, pin_price, rates = D("1.15"), D("2.15"), (D("0.19"), D("0.07"))
        else:           # 1.30 at 5 %: 0.07 (0.065); 1.10 at 8.25 %: 0.09 (0.09075)
            pencil_price, pin_price, rates = D("1.30"), D("1.10"), (D("0.05"), D("0.0825"))
        lines = ([factory.line(self.pencil, 1, price=pencil_price, tax_rate=rates[0]) for _i in range(8)]
                 + [factory.line(self.pin, 1, price=pin_price, tax_rate=rates[1]) for _i in range(8)]
                 + [factory.line(self.mug, 2, tax_rate=rates[1])])
        return self.add_order(lines=lines, tax_rate=rates[1], tax_inclusive=inclusive, shipping_cost=D("9.99"))

    @property
    def pencil_product(self):
        return self.env["product.product"].search([("default_code", "=", "PEN")])

    def rounding_lines(self, document):
        lines = document.order_line if document._name == "sale.order" else document.invoice_line_ids
        return lines.filtered(lambda line: line.product_id == self.cart.rounding_product_id)

    def assertAtMostOnePairPerTax(self, document):
        rounding = self.rounding_lines(document)
        taxes_of = (lambda line: line.tax_id) if document._name == "sale.order" else (lambda line: line.tax_ids)
        self.assertEqual(sum(rounding.mapped("price_unit")), 0.0)
        self.assertLessEqual(len(rounding), 4)
        for tax in taxes_of(rounding):
            self.assertEqual(len(rounding.filtered(lambda line, tax=tax: tax in taxes_of(line))), 1)
            self.assertEqual(len(rounding.filtered(lambda line: not taxes_of(line))), len(taxes_of(rounding)))

    def test_many_lines_two_rates_posted(self):
        for inclusive in (False, True):
            with self.subTest(inclusive=inclusive):
                order = self.many_line_order(inclusive)
                invoice = self.cart.import_orders([order["id"]])
                self.assertEqual(invoice.company_id.tax_calculation_rounding_method, "round_globally")
                self.assertEqual(
                    (invoice.amount_untaxed, invoice.amount_tax, invoice.amount_total),
                    (float(order["total_ex_tax"]), float(order["total_tax"]), float(order["total_inc_tax"])),
                    invoice.bigcommerce_check)
                self.assertIn("Totals equal BigCommerce's.", invoice.bigcommerce_check)
                self.assertAtMostOnePairPerTax(invoice)
                taxes = self.assertBooksLikeTheCompany(invoice, order)
                self.assertEqual(len(taxes), 2)
                # Each tax's journal item is the store's tax of its rate: the pencils' at the
                # first rate; the pins', the mugs' and the shipping's at the second.
                rows = self.server.store.order_products[order["id"]]
                pencil_tax = sum((D(row["total_tax"]) for row in rows if row["sku"] == "PEN"), D(0))
                other_tax = D(order["total_tax"]) - pencil_tax
                pencil = invoice.invoice_line_ids.filtered(lambda line: line.product_id == self.pencil_product).tax_ids
                self.assertEqual(len(pencil), 1)
                booked = {tax: -sum(invoice.line_ids.filtered(lambda item, tax=tax: item.tax_line_id == tax
                                                              ).mapped("balance")) for tax in taxes}
                self.assertAlmostEqual(booked.pop(pencil), float(pencil_tax), places=2)
                self.assertAlmostEqual(booked.popitem()[1], float(other_tax), places=2)

    def test_many_lines_two_rates_as_quotation(self):
        self.cart.import_orders_as = "sale_order"
        for inclusive in (False, True):
            with self.subTest(inclusive=inclusive):
                order = self.many_line_order(inclusive)
                sale = self.cart.import_orders([order["id"]])
                self.assertEqual((sale.amount_untaxed, sale.amount_tax, sale.amount_total),
                                 (float(order["total_ex_tax"]), float(order["total_tax"]),
                                  float(order["total_inc_tax"])), sale.bigcommerce_check)
                self.assertFalse(sale.bigcommerce_total_mismatch)
                self.assertAtMostOnePairPerTax(sale)

    def test_random_orders(self):
        """Seeded random orders (every mix of rates, discounts, charges, fees, addresses
        and both tax modes) in a company rounding globally: totals to the cent."""
        for code in ("EUR", "GBP", "CAD"):
            self.set_up_currency(code)
        rng = random.Random(2024)
        catalog = [self.mug, self.pencil, self.pin] + factory.catalog(8, variants_every=3, store=self.server.store)
        orders = random_orders.random_store_orders(rng, 120, catalog, store=self.server.store, fee_chance=0.1,
                                                   multi_address_chance=0.3, max_lines=12)
        report = self.cart._import_orders([o["id"] for o in orders])
        self.assertEqual(report.counts(), {"created": 120}, [o.reason for o in report.outcomes if o.reason])
        for order, outcome in zip(orders, report.outcomes):
            with self.subTest(order=order["id"]):
                invoice = outcome.records
                self.assertEqual(
                    (invoice.amount_untaxed, invoice.amount_tax, invoice.amount_total),
                    (float(order["total_ex_tax"]), float(order["total_tax"]), float(order["total_inc_tax"])),
                    invoice.bigcommerce_check)
                self.assertFalse(invoice.bigcommerce_total_mismatch)
                self.assertAtMostOnePairPerTax(invoice)

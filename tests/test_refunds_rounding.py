"""Refunds in a company rounding tax globally (issue 12, second audit): credit notes and
drafts rebuilt less a refund equal BigCommerce's to the cent, with at most one *Tax
rounding* pair per tax.

Against the fake store over HTTP (tests/fake_bigcommerce); posted, journal items read."""
from decimal import Decimal

from test_order_changes import ChangesCase

from common import factory

D = Decimal


class TestRefundsRoundedGlobally(ChangesCase):

    def setUp(self):
        super().setUp()
        self.cart.company_id.tax_calculation_rounding_method = "round_globally"
        self.pencil = self.store.add_product(factory.product(name="Pencil", sku="PEN", price=D("1.30")))

    def many_line_order(self, inclusive=False):
        """8 pencil lines at 5 % (0.065 each: the store rounds each up) and 2 mugs at 8.25 %."""
        price, rate = (D("1.15"), D("0.19")) if inclusive else (D("1.30"), D("0.05"))
        lines = ([factory.line(self.pencil, 1, price=price, tax_rate=rate) for _i in range(8)]
                 + [factory.line(self.mug, 2, tax_rate=D("0.0825"))])
        return self.imported(lines=lines, tax_rate=D("0.0825"), tax_inclusive=inclusive, shipping_cost=D("9.99"))

    def pencil_refund(self, order):
        return self.refund(order, [factory.refund_product(line_id, 1) for line_id in self.line_ids(order)[:8]])

    def assertOnePairPerTaxAtMost(self, move):
        rounding = move.invoice_line_ids.filtered(lambda l: l.product_id == self.cart.rounding_product_id)
        self.assertAlmostEqual(sum(rounding.mapped("price_unit")), 0.0, places=2)
        for tax in rounding.tax_ids:
            self.assertEqual(len(rounding.filtered(lambda l, tax=tax: tax in l.tax_ids)), 1)

    def test_credit_note_of_a_posted_invoice_to_the_cent(self):
        self.cart.import_orders_as = "sales_invoice"
        for inclusive in (False, True):
            with self.subTest(inclusive=inclusive):
                order, invoice = self.many_line_order(inclusive)
                invoice.action_post()
                refund = self.pencil_refund(order)
                log = self.sync()
                credit = self.credit_notes(order)
                self.assertEqual(len(credit), 1, log.error_text)
                self.assertMoney(credit, refund["total_amount"], refund["total_tax"])
                self.assertFalse(credit.bigcommerce_total_mismatch, credit.bigcommerce_check)
                self.assertAlmostEqual(sum(credit.line_ids.filtered("tax_line_id").mapped("debit")),
                                       float(refund["total_tax"]), places=2)
                self.assertOnePairPerTaxAtMost(credit)

    def test_draft_rebuilt_less_the_refund_to_the_cent(self):
        self.cart.import_orders_as = "sales_invoice"
        order, invoice = self.many_line_order()
        refund = self.pencil_refund(order)
        self.sync()
        total = D(order["total_inc_tax"]) - D(str(refund["total_amount"]))
        tax = D(order["total_tax"]) - D(str(refund["total_tax"]))
        self.assertMoney(invoice, total, tax)
        self.assertFalse(invoice.bigcommerce_total_mismatch, invoice.bigcommerce_check)
        self.assertOnePairPerTaxAtMost(invoice)
        invoice.action_post()
        self.assertAlmostEqual(sum(invoice.line_ids.filtered("tax_line_id").mapped("credit")), float(tax), places=2)
        self.assertFalse(invoice.invoice_line_ids.filtered(
            lambda l: l.product_id.default_code == "PEN"), "the refunded pencils are gone")

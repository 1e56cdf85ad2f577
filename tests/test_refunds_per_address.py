"""Refunds of shipping and handling on orders shipping to several addresses.

BigCommerce prices and taxes shipping and handling per shipping address, and a
SHIPPING / HANDLING refund item names the address it gives back (item_id = the
order's shipping address id, orders.v3.yml RefundItem). The invoice has one
shipping (handling) line per address at that address's rate: the credit note
gives back the named address's charge at that address's rate, so its tax lands
on that address's tax, with no *Tax rounding* pair making up for another rate.

Against the fake store over HTTP; invoices posted, credit notes made by the sync
pass and their journal items read."""
from decimal import Decimal

from test_order_changes import ChangesCase

from common import factory

D = Decimal


class TestRefundsPerAddress(ChangesCase):

    def setUp(self):
        super().setUp()
        self.cart.import_orders_as = "sales_invoice"
        self.home = factory.address("Jane", "Doe", city="Austin")
        self.office = factory.address("Jane", "Doe", city="Chicago", state="Illinois", company="Acme")

    def two_address_invoice(self, **kwargs):
        """Mugs (2 x 120.00 at 8.25 %: 19.80, no other rate gives it) to Austin, a book (40.00 at 5 %) to Chicago;
        shipping 10.00 at 8.25 % to Austin, 7.00 at 5 % to Chicago. Imported, posted."""
        kwargs.setdefault("shipping_cost", [D("10.00"), D("7.00")])
        order, invoice = self.imported(
            lines=[factory.line(self.mug, 2, price=D("120.00"), tax_rate=D("0.0825")),
                   factory.line(self.book, 1, tax_rate=D("0.05"), ship_to=1)],
            shipping=[self.home, self.office], tax_rate=D("0.0825"),
            shipping_tax_rate=[D("0.0825"), D("0.05")], **kwargs)
        self.assertEqual(invoice.move_type, "out_invoice")
        self.assertFalse(invoice.bigcommerce_total_mismatch, invoice.bigcommerce_check)
        shipping = invoice.invoice_line_ids.filtered(lambda line: line.product_id == self.cart.shipping_product_id)
        self.assertEqual(sorted(shipping.tax_ids.mapped("amount")), [5.0, 8.25], "one shipping line per address")
        invoice.action_post()
        return order, invoice

    def addresses(self, order):
        return self.store.order_shipping_addresses[order["id"]]

    def tax_of(self, invoice, rate):
        return invoice.invoice_line_ids.tax_ids.filtered(lambda tax: tax.amount == rate)

    def credited(self, order, refund, invoice):
        """The one credit note of `refund`, posted, crediting `invoice` to the cent."""
        credits = self.credit_notes(order).filtered(lambda move: move.bigcommerce_refund_id == refund["id"])
        self.assertEqual(len(credits), 1)
        self.assertEqual((credits.state, credits.reversed_entry_id), ("posted", invoice))
        self.assertMoney(credits, refund["total_amount"], refund["total_tax"])
        rounding = self.cart.rounding_product_id
        self.assertFalse(credits.invoice_line_ids.filtered(lambda line: line.product_id == rounding),
                         credits.invoice_line_ids.mapped("name"))
        return credits

    def assertTaxItems(self, credit, taxes):
        """The credit note's tax journal items: {account.tax: debit}, on the invoice's tax account."""
        items = credit.line_ids.filtered("tax_line_id")
        self.assertEqual({item.tax_line_id: round(item.debit, 2) for item in items},
                         {tax: float(amount) for tax, amount in taxes.items()})
        self.assertEqual(sum(items.mapped("credit")), 0.0)
        receivable = credit.line_ids.filtered(lambda item: item.account_id.account_type == "asset_receivable")
        self.assertAlmostEqual(sum(receivable.mapped("balance")), -credit.amount_total, places=2)

    def test_refund_of_the_second_address_shipping_is_at_its_rate(self):
        order, invoice = self.two_address_invoice()
        office = self.addresses(order)[1]
        self.assertEqual((office["cost_ex_tax"], office["cost_tax"]), ("7.0000", "0.3500"))
        refund = self.refund(order, [factory.refund_shipping(office, D("7.00"))])
        self.assertEqual((refund["total_amount"], refund["total_tax"]), (7.35, 0.35))
        log = self.sync()
        credit = self.credited(order, refund, invoice)
        self.assertFalse(log.error_text)
        line = credit.invoice_line_ids
        self.assertEqual(len(line), 1, line.mapped("name"))
        self.assertEqual((line.product_id, line.price_subtotal, line.tax_ids), (
            self.cart.shipping_product_id, 7.0, self.tax_of(invoice, 5.0)))
        self.assertIn("Chicago", line.name)
        self.assertTaxItems(credit, {self.tax_of(invoice, 5.0): D("0.35")})

    def test_partial_refunds_of_each_address_shipping_and_handling(self):
        order, invoice = self.two_address_invoice(handling_cost=[D("2.00"), D("4.00")],
                                                  handling_tax_rate=[D("0.0825"), D("0.05")])
        home, office = self.addresses(order)
        # Chicago: 3.00 of its shipping (0.35 x 3 / 7 = 0.15) and its handling 4.00 (0.20);
        # Austin: 4.00 of its shipping (0.83 x 4 / 10 = 0.332 -> 0.33).
        first = self.refund(order, [factory.refund_shipping(office, D("3.00")),
                                    factory.refund_handling(office, D("4.00"))])
        second = self.refund(order, [factory.refund_shipping(home, D("4.00"))])
        self.assertEqual((first["total_amount"], first["total_tax"]), (7.35, 0.35))
        self.assertEqual((second["total_amount"], second["total_tax"]), (4.33, 0.33))
        self.sync()
        credit = self.credited(order, first, invoice)
        self.assertEqual(sorted((line.product_id.id, line.price_subtotal, line.tax_ids.amount)
                                for line in credit.invoice_line_ids),
                         sorted([(self.cart.shipping_product_id.id, 3.0, 5.0),
                                 (self.cart.handling_product_id.id, 4.0, 5.0)]))
        self.assertTaxItems(credit, {self.tax_of(invoice, 5.0): D("0.35")})
        credit = self.credited(order, second, invoice)
        self.assertEqual(credit.invoice_line_ids.tax_ids, self.tax_of(invoice, 8.25))
        self.assertIn("Austin", credit.invoice_line_ids.name)
        self.assertTaxItems(credit, {self.tax_of(invoice, 8.25): D("0.33")})

    def test_shipping_coupon_spread_over_the_addresses_refunded_per_address(self):
        # A 3.40 shipping coupon in proportion to each address's shipping (money.py): 2.00 off
        # Austin's 10.00, 1.40 off Chicago's 7.00; each address paid the rest, taxed at its rate.
        # Exclusive: Chicago 5.60 + 0.28, Austin 8.00 + 0.66. Inclusive: Chicago 5.60 holds 0.27
        # (5.60 / 1.05 = 5.3333 -> 5.33), Austin 8.00 holds 0.61 (8.00 / 1.0825 = 7.3903 -> 7.39).
        for inclusive, taxes, totals in ((False, ("0.28", "0.66"), ("5.88", "8.66")),
                                         (True, ("0.27", "0.61"), ("5.60", "8.00"))):
            with self.subTest(inclusive=inclusive):
                order, invoice = self.two_address_invoice(
                    tax_inclusive=inclusive, coupon=factory.coupon("SHIP3", D("3.40"), type=3))
                home, office = self.addresses(order)
                left = self.store.refundable(order["id"])["SHIPPING"]
                self.assertEqual(left, {home["id"]: D("8.00"), office["id"]: D("5.60")})
                refunds = [self.refund(order, [factory.refund_shipping(office, left[office["id"]])]),
                           self.refund(order, [factory.refund_shipping(home, left[home["id"]])])]
                self.assertEqual([(D(str(r["total_amount"])), D(str(r["total_tax"]))) for r in refunds],
                                 [(D(total), D(tax)) for total, tax in zip(totals, taxes, strict=True)])
                self.sync()
                for refund, rate, tax in zip(refunds, (5.0, 8.25), taxes, strict=True):
                    credit = self.credited(order, refund, invoice)
                    self.assertEqual(credit.invoice_line_ids.tax_ids, self.tax_of(invoice, rate))
                    self.assertTaxItems(credit, {self.tax_of(invoice, rate): D(tax)})
                # Together: the order's shipping as paid (its inc-tax cost less the coupon).
                self.assertEqual(sum(D(str(r["total_amount"])) for r in refunds),
                                 D(order["shipping_cost_inc_tax"]) - D("3.40"))

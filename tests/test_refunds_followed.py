"""Refunds followed wherever they happen (issue 12 audit): on cancelled orders, on orders
refunded before their first import, on a confirmed sale order whose invoice is a draft.

Against the fake store over HTTP (tests/fake_bigcommerce); the documents are posted where
the flow posts them and their journal items read."""
from decimal import Decimal

from test_order_changes import CANCELLED, PARTIALLY_REFUNDED, ChangesCase

from common import factory

D = Decimal


def refund_requests(server):
    return [r for r in server.requests if "payment_actions/refunds" in r.path]


class RefundCase(ChangesCase):

    def assertTaxBooked(self, move, field, amount):
        """The tax of `move` on the tax account, on `field` (debit or credit)."""
        tax_lines = move.line_ids.filtered("tax_line_id")
        self.assertAlmostEqual(sum(tax_lines.mapped(field)), float(amount), places=2)

    def statuses(self, *ids):
        return self.env["bigcommerce.order.status"].search([("bigcommerce_id", "in", ids)])


class TestRefundsOfCancelledOrders(RefundCase):

    def test_partial_refund_then_cancelled_before_the_next_pass_is_credited(self):
        self.cart.import_orders_as = "sales_invoice"
        order, invoice = self.imported()
        invoice.action_post()
        refund = self.refund(order, [factory.refund_product(self.line_ids(order)[0], 1),
                                     factory.refund_shipping(self.address_id(order), D("5.00"))])
        self.store.advance(60)
        self.store.set_status(order["id"], CANCELLED)
        log = self.sync()
        credit = self.credit_notes(order)
        self.assertEqual(len(credit), 1, log.error_text)
        self.assertEqual((credit.state, credit.reversed_entry_id), ("posted", invoice))
        self.assertMoney(credit, refund["total_amount"], refund["total_tax"])
        self.assertTaxBooked(credit, "debit", refund["total_tax"])
        # Still flagged: the rest of the order needs a refund or a return.
        self.assertIn("refund or a return is needed", invoice.bigcommerce_attention)
        left = D(order["total_inc_tax"]) - D(str(refund["total_amount"]))
        self.assertAlmostEqual(invoice.amount_residual, float(left), places=2)
        self.sync()
        self.assertEqual(len(self.credit_notes(order)), 1)
        self.assertEqual(len(invoice.activity_ids), 1)

    def test_cancelled_then_refunded_with_the_status_left_at_cancelled(self):
        self.store.refund_sets_status = False
        order, invoice = self.imported()
        invoice.action_post()
        self.store.advance(60)
        self.store.set_status(order["id"], CANCELLED)
        self.sync()
        refund = self.refund(order, self.store.full_refund_items(order["id"]))
        self.assertEqual(self.stored(order)["status_id"], CANCELLED)
        log = self.sync()
        credit = self.credit_notes(order)
        self.assertEqual(len(credit), 1, log.error_text)
        self.assertMoney(credit, refund["total_amount"], refund["total_tax"])
        self.assertTaxBooked(credit, "debit", refund["total_tax"])
        # A paid cash sale: the money went back on the cart's journal.
        self.assertEqual(credit.bigcommerce_payment_id.journal_id, self.cart.payment_journal_id)
        self.assertIn(credit.payment_state, ("in_payment", "paid"))

    def test_cancelled_draft_is_cancelled_not_credited(self):
        order, invoice = self.imported()
        self.refund(order, [factory.refund_product(self.line_ids(order)[0], 1)])
        self.store.advance(60)
        self.store.set_status(order["id"], CANCELLED)
        self.sync()
        self.assertEqual(invoice.state, "cancel")
        self.assertFalse(self.credit_notes(order))


class TestRefundedBeforeTheFirstImport(RefundCase):

    def test_pass_imports_the_order_less_its_refund(self):
        self.store.refund_sets_status = False     # still in an imported status
        order = self.add_order(lines=[factory.line(self.mug, 2), factory.line(self.book, 1)],
                               tax_rate=D("0.0825"), shipping_cost=D("5.00"))
        refund = self.refund(order, [factory.refund_product(self.line_ids(order)[1], 1)])
        plain = self.add_order()
        log = self.sync()
        self.assertEqual((log.orders_imported, log.orders_failed), (2, 0), log.error_text)
        self.assertEqual(log.orders_seen, 2)
        self.assertEqual(len(refund_requests(self.server)), 1, "refunds read once for the batch")
        binding = self.cart.order_binding_ids.filtered(lambda b: b.bigcommerce_order_id == order["id"])
        invoice = binding.move_id
        self.assertEqual(binding.applied_refund_ids, str(refund["id"]))
        self.assertMoney(invoice, D(order["total_inc_tax"]) - D(str(refund["total_amount"])),
                         D(order["total_tax"]) - D(str(refund["total_tax"])))
        self.assertNoted(invoice, f"refund {refund['id']}")
        invoice.action_post()
        self.assertEqual(invoice.payment_state, "paid")
        self.assertTaxBooked(invoice, "credit", D(order["total_tax"]) - D(str(refund["total_tax"])))
        self.sync()
        self.assertFalse(self.credit_notes(order))
        other = self.cart.order_binding_ids.filtered(lambda b: b.bigcommerce_order_id == plain["id"]).move_id
        self.assertMoney(other, plain["total_inc_tax"], plain["total_tax"])

    def test_partially_refunded_status_imported_as_a_quotation_less_the_refund(self):
        self.cart.import_orders_as = "sale_order"
        self.cart.import_status_ids |= self.statuses(PARTIALLY_REFUNDED)
        order = self.add_order(lines=[factory.line(self.mug, 2), factory.line(self.book, 1)],
                               tax_rate=D("0.0825"))
        refund = self.refund(order, [factory.refund_product(self.line_ids(order)[0], 1)])
        self.assertEqual(self.stored(order)["status_id"], PARTIALLY_REFUNDED)
        self.sync()
        quotation = self.cart.order_binding_ids.filtered(lambda b: b.bigcommerce_order_id == order["id"]).sale_order_id
        self.assertEqual(quotation.state, "draft")
        self.assertMoney(quotation, D(order["total_inc_tax"]) - D(str(refund["total_amount"])),
                         D(order["total_tax"]) - D(str(refund["total_tax"])))

    def test_import_by_hand_follows_the_refund(self):
        self.store.refund_sets_status = False
        order = self.add_order(lines=[factory.line(self.mug, 2)], tax_rate=D("0.0825"))
        refund = self.refund(order, [factory.refund_product(self.line_ids(order)[0], 1)])
        documents = self.cart.import_orders([order["id"]])
        self.assertEqual(len(documents), 1)
        self.assertMoney(documents, D(order["total_inc_tax"]) - D(str(refund["total_amount"])),
                         D(order["total_tax"]) - D(str(refund["total_tax"])))
        self.assertEqual(len(refund_requests(self.server)), 1)
        documents.action_post()
        self.assertEqual(documents.payment_state, "paid")
        self.assertTaxBooked(documents, "credit", D(order["total_tax"]) - D(str(refund["total_tax"])))


class TestConfirmedOrderWithDraftInvoice(RefundCase):

    def test_draft_invoice_of_a_confirmed_order_is_corrected(self):
        self.cart.import_orders_as = "sale_order"
        order, sale = self.imported()
        sale.action_confirm()
        for line in sale.order_line:
            line.qty_delivered = line.product_uom_qty
        invoice = sale._create_invoices()
        self.assertEqual(invoice.state, "draft")
        refund = self.refund(order, [factory.refund_product(self.line_ids(order)[0], 1)])
        log = self.sync()
        self.assertEqual(log.orders_failed, 0, log.error_text)
        self.assertFalse(self.credit_notes(order))
        self.assertFalse(sale.bigcommerce_attention)
        binding = self.cart.order_binding_ids.filtered(lambda b: b.bigcommerce_order_id == order["id"])
        self.assertEqual(binding.applied_refund_ids, str(refund["id"]))
        self.assertMoney(invoice, D(order["total_inc_tax"]) - D(str(refund["total_amount"])),
                         D(order["total_tax"]) - D(str(refund["total_tax"])))
        self.assertNoted(invoice, f"refund {refund['id']}")
        invoice.action_post()
        self.assertTaxBooked(invoice, "credit", D(order["total_tax"]) - D(str(refund["total_tax"])))
        self.store.advance(60)
        self.store.set_status(order["id"], PARTIALLY_REFUNDED)    # touched again
        self.sync()
        self.assertFalse(self.credit_notes(order))

"""After the import (issue 12): cancellations, refunds and edits made in BigCommerce
reach the Odoo documents through the sync pass, or one order's update by hand.

The fake store changes orders the way BigCommerce documents it
(tests/fake_bigcommerce/lifecycle.py): status changes move date_modified,
refunds are V3 objects read in batches, edits reprice the order."""
from decimal import Decimal
from unittest.mock import patch

import psycopg2
from test_auto_sync import AWAITING_FULFILLMENT, SyncCase, modified

from common import factory

from odoo.tools import mute_logger

D = Decimal
CANCELLED, DECLINED, REFUNDED, PARTIALLY_REFUNDED = 5, 6, 4, 14


class ChangesCase(SyncCase):

    def setUp(self):
        super().setUp()
        self.cart.import_orders_as = "cash_sale"
        self.book = self.store.add_product(factory.product(name="Book", sku="BOOK", price=D("40.00")))

    def imported(self, **kwargs):
        """An order imported by a pass, and its document."""
        kwargs.setdefault("lines", [factory.line(self.mug, 2), factory.line(self.book, 1)])
        kwargs.setdefault("tax_rate", D("0.0825"))
        kwargs.setdefault("shipping_cost", D("5.00"))
        order = self.add_order(**kwargs)
        self.sync()
        binding = self.cart.order_binding_ids.filtered(lambda b: b.bigcommerce_order_id == order["id"])
        return order, binding.sale_order_id or binding.move_id

    def stored(self, order):
        return self.store.orders[order["id"]]

    def line_ids(self, order):
        return [p["id"] for p in self.store.order_products[order["id"]]]

    def address_id(self, order):
        return self.store.order_shipping_addresses[order["id"]][0]["id"]

    def credit_notes(self, order):
        return self.env["account.move"].search([("move_type", "=", "out_refund"),
                                                ("bigcommerce_cart_id", "=", self.cart.id),
                                                ("bigcommerce_order_id", "=", order["id"])], order="id")

    def assertMoney(self, move, total, tax):
        self.assertEqual((D(str(round(move.amount_total, 2))), D(str(round(move.amount_tax, 2)))),
                         (D(str(total)).quantize(D("0.01")), D(str(tax)).quantize(D("0.01"))),
                         move.bigcommerce_check)

    def assertNoted(self, document, text):
        self.assertTrue(any(text in (m.body or "") for m in document.message_ids),
                        [m.body for m in document.message_ids])

    def refund(self, order, items, **kwargs):
        self.store.advance(60)
        return self.store.create_refund(order["id"], items, **kwargs)


class TestCancellations(ChangesCase):

    def test_cancelled_before_posting_cancels_the_draft(self):
        order, invoice = self.imported()
        self.store.advance(60)
        self.store.set_status(order["id"], CANCELLED)
        log = self.sync()
        self.assertEqual(invoice.state, "cancel")
        self.assertNoted(invoice, "Cancelled")
        self.assertEqual(log.orders_imported, 1, log.message)
        # Running the pass again changes nothing.
        messages = len(invoice.message_ids)
        log = self.sync()
        self.assertEqual((invoice.state, len(invoice.message_ids)), ("cancel", messages))

    def test_declined_quotation_is_cancelled(self):
        self.cart.import_orders_as = "sale_order"
        order, quotation = self.imported()
        self.store.advance(60)
        self.store.set_status(order["id"], DECLINED)
        self.sync()
        self.assertEqual(quotation.state, "cancel")

    def test_confirmed_order_not_delivered_is_cancelled_with_its_delivery(self):
        self.cart.import_orders_as = "sale_order"
        order, sale = self.imported()
        sale.action_confirm()
        self.assertTrue(sale.picking_ids)
        self.store.advance(60)
        self.store.set_status(order["id"], CANCELLED)
        self.sync()
        self.assertEqual(sale.state, "cancel")
        self.assertEqual(set(sale.picking_ids.mapped("state")), {"cancel"})

    def test_cancelled_after_posting_is_flagged_once_never_changed(self):
        order, invoice = self.imported()
        invoice.action_post()
        self.store.advance(60)
        self.store.set_status(order["id"], CANCELLED)
        self.sync()
        self.assertEqual(invoice.state, "posted")
        self.assertIn("refund or a return is needed", invoice.bigcommerce_attention)
        self.assertEqual(len(invoice.activity_ids), 1)
        self.store.advance(60)
        self.store.set_status(order["id"], CANCELLED)   # touched again: still one activity
        self.sync()
        self.assertEqual(len(invoice.activity_ids), 1)


class TestRefunds(ChangesCase):

    def test_full_refund_of_a_paid_cash_sale_credit_note_and_refund_payment(self):
        order, invoice = self.imported()
        invoice.action_post()
        self.assertEqual(invoice.payment_state, "paid")
        refund = self.refund(order, self.store.full_refund_items(order["id"]))
        log = self.sync()
        credit = self.credit_notes(order)
        self.assertEqual(len(credit), 1, log.error_text)
        self.assertEqual((credit.state, credit.reversed_entry_id, credit.bigcommerce_refund_id),
                         ("posted", invoice, refund["id"]))
        self.assertMoney(credit, refund["total_amount"], refund["total_tax"])
        self.assertMoney(credit, order["total_inc_tax"], order["total_tax"])
        # Same taxes as the invoice; the tax comes off the tax account, not income.
        self.assertEqual(credit.invoice_line_ids.tax_ids, invoice.invoice_line_ids.tax_ids)
        tax_line = credit.line_ids.filtered("tax_line_id")
        self.assertEqual(tax_line.account_id, invoice.line_ids.filtered("tax_line_id").account_id)
        self.assertAlmostEqual(tax_line.debit, float(refund["total_tax"]), places=2)
        # The refund payment went out on the cart's journal and settles the credit note.
        payment = credit.bigcommerce_payment_id
        self.assertEqual((payment.payment_type, payment.journal_id, payment.amount),
                         ("outbound", self.cart.payment_journal_id, credit.amount_total))
        self.assertIn(payment.state, ("in_process", "paid"))
        self.assertIn(credit.payment_state, ("in_payment", "paid"))
        self.assertTrue(credit.line_ids.filtered(lambda l: l.display_type == "payment_term").reconciled)
        # Twice: nothing more.
        self.sync()
        self.assertEqual(len(self.credit_notes(order)), 1)
        self.assertEqual(len(self.env["account.payment"].search([("memo", "=", credit.ref)])), 1)

    def test_partial_refund_items_shipping_and_order_amount_on_a_sales_invoice(self):
        self.cart.import_orders_as = "sales_invoice"
        order, invoice = self.imported()
        invoice.action_post()
        mug_line = self.line_ids(order)[0]
        refund = self.refund(order, [factory.refund_product(mug_line, 1),
                                     factory.refund_shipping(self.address_id(order), D("5.00")),
                                     factory.refund_order(order, D("2.00"))])
        self.sync()
        credit = self.credit_notes(order)
        self.assertMoney(credit, refund["total_amount"], refund["total_tax"])
        products = credit.invoice_line_ids.product_id
        self.assertIn(self.cart.shipping_product_id, products)
        mug = credit.invoice_line_ids.filtered(lambda l: l.product_id.default_code == "MUG")
        self.assertEqual(mug.quantity, 1)
        # Set against the unpaid invoice: what is left to pay is the order less the refund.
        left = D(order["total_inc_tax"]) - D(str(refund["total_amount"]))
        self.assertAlmostEqual(invoice.amount_residual, float(left), places=2)
        self.assertEqual(credit.payment_state, "paid")

    def test_two_refunds_make_two_credit_notes(self):
        self.cart.import_orders_as = "sales_invoice"
        order, invoice = self.imported()
        invoice.action_post()
        mug_line, book_line = self.line_ids(order)
        first = self.refund(order, [factory.refund_product(mug_line, 1)])
        self.sync()
        second = self.refund(order, [factory.refund_product(book_line, 1)])
        self.sync()
        credits = self.credit_notes(order)
        self.assertEqual(credits.mapped("bigcommerce_refund_id"), [first["id"], second["id"]])
        for credit, refund in zip(credits, (first, second)):
            self.assertMoney(credit, refund["total_amount"], refund["total_tax"])

    def test_refund_on_a_tax_inclusive_store(self):
        order, invoice = self.imported(tax_inclusive=True, tax_rate=D("0.20"))
        invoice.action_post()
        refund = self.refund(order, [factory.refund_product(self.line_ids(order)[0], 2)])
        self.sync()
        credit = self.credit_notes(order)
        self.assertMoney(credit, refund["total_amount"], refund["total_tax"])
        self.assertTrue(all(t.price_include for t in credit.invoice_line_ids.tax_ids))

    def test_refund_of_a_draft_corrects_the_draft(self):
        order, invoice = self.imported()
        refund = self.refund(order, [factory.refund_product(self.line_ids(order)[1], 1)])
        self.sync()
        self.assertFalse(self.credit_notes(order))
        self.assertEqual(invoice.state, "draft")
        self.assertMoney(invoice, D(order["total_inc_tax"]) - D(str(refund["total_amount"])),
                         D(order["total_tax"]) - D(str(refund["total_tax"])))
        self.assertNoted(invoice, f"refund {refund['id']}")
        # Posted later, it registers what the shopper kept; a second pass changes nothing.
        self.sync()
        invoice.action_post()
        self.assertEqual(invoice.payment_state, "paid")
        self.sync()
        self.assertFalse(self.credit_notes(order))

    def test_pass_interrupted_before_the_refund_payment_completes_on_the_next_pass(self):
        order, invoice = self.imported()
        invoice.action_post()
        journal = self.cart.payment_journal_id
        self.refund(order, self.store.full_refund_items(order["id"]))
        self.cart.payment_journal_id = False     # the refund payment cannot be made
        log = self.sync()
        self.assertEqual(log.orders_failed, 1)
        self.assertIn("refund payment failed", log.error_text)
        # The credit note stands (the refund was made), committed without its payment.
        credit = self.credit_notes(order)
        self.assertEqual((len(credit), credit.state, credit.payment_state), (1, "posted", "not_paid"))
        self.assertFalse(credit.bigcommerce_payment_id)
        self.cart.payment_journal_id = journal
        self.sync()       # the failed order is read again: its payment is made, nothing doubled
        self.assertEqual(self.credit_notes(order), credit)
        self.assertIn(credit.payment_state, ("in_payment", "paid"))
        self.assertEqual(credit.bigcommerce_payment_id.amount, credit.amount_total)
        # A credit note whose payment went missing (cancelled by hand) is paid again, once.
        credit.bigcommerce_payment_id.action_cancel()
        self.store.advance(60)
        self.store.set_status(order["id"], REFUNDED)
        self.sync()
        self.assertIn(credit.payment_state, ("in_payment", "paid"))
        self.assertEqual(len(self.env["account.payment"].search([
            ("memo", "=", credit.ref), ("state", "!=", "canceled")])), 1)


class TestEdits(ChangesCase):

    def test_edit_of_a_draft_updates_it_to_the_cent(self):
        order, invoice = self.imported()
        mug_line = self.line_ids(order)[0]
        self.store.advance(60)
        self.store.edit_order(order["id"], quantities={mug_line: 5})
        self.sync()
        edited = self.stored(order)
        self.assertMoney(invoice, edited["total_inc_tax"], edited["total_tax"])
        mug = invoice.invoice_line_ids.filtered(lambda l: l.product_id.default_code == "MUG")
        self.assertEqual(sum(mug.mapped("quantity")), 5)
        self.assertNoted(invoice, "quantity 2 -&gt; 5")

    def test_edit_of_a_posted_invoice_is_flagged_with_what_differs(self):
        order, invoice = self.imported()
        invoice.action_post()
        total = invoice.amount_total
        self.store.advance(60)
        self.store.edit_order(order["id"], quantities={self.line_ids(order)[0]: 3})
        self.sync()
        self.assertEqual(invoice.amount_total, total)
        self.assertIn("quantity 2 -> 3", invoice.bigcommerce_attention)
        self.assertEqual(len(invoice.activity_ids), 1)
        self.sync()
        self.assertEqual(len(invoice.activity_ids), 1)

    def test_update_one_order_by_hand(self):
        order, invoice = self.imported()
        self.store.advance(60)
        self.store.edit_order(order["id"], quantities={self.line_ids(order)[0]: 1})
        report = self.cart.update_orders([order["id"]])
        self.assertEqual(report.outcomes[0].status, "updated")
        self.assertMoney(invoice, self.stored(order)["total_inc_tax"], self.stored(order)["total_tax"])
        report = self.cart.update_orders([order["id"]])
        self.assertEqual(report.outcomes[0].status, "already_imported")

    def test_update_from_bigcommerce_on_the_orders_screen(self):
        order, invoice = self.imported()
        self.store.advance(60)
        self.store.set_status(order["id"], CANCELLED)
        self.cart.import_status_ids |= self.env["bigcommerce.order.status"].search([("bigcommerce_id", "=", CANCELLED)])
        action = self.cart.action_list_orders()
        wizard = self.env["bigcommerce.order.import"].browse(action["res_id"])
        row = wizard.line_ids.filtered(lambda line: line.bigcommerce_id == order["id"])
        self.assertTrue(row.imported)
        row.action_update()
        self.assertEqual((row.result_status, invoice.state), ("updated", "cancel"))


class TestFollowedWhateverTheStatus(ChangesCase):

    def test_order_leaving_the_chosen_statuses_is_still_followed(self):
        order, invoice = self.imported()
        self.assertEqual(self.stored(order)["status_id"], AWAITING_FULFILLMENT)
        self.refund(order, [factory.refund_product(self.line_ids(order)[0], 1)])   # -> Partially Refunded
        self.assertEqual(self.stored(order)["status_id"], PARTIALLY_REFUNDED)
        log = self.sync()
        self.assertEqual(log.orders_imported, 1, log.error_text)
        refunds_read = [r for r in self.server.requests if "payment_actions/refunds" in r.path]
        # The first pass met only a new order; the second reads its refunds in one call (and
        # the refunds created since its cursor in another: none of another order).
        self.assertEqual(sorted(next(k for k in r.query if ":" in k) for r in refunds_read),
                         ["created:min", "order_id:in"])


class TestCursorHoles(ChangesCase):

    def test_statuses_added_during_a_pass_stop_it_and_the_next_reads_from_the_start(self):
        pending = self.env["bigcommerce.order.status"].search([("bigcommerce_id", "=", 1)])
        older = self.add_order(status_id=1)                       # Pending: not imported yet
        orders = [self.add_order() for _i in range(4)]
        added = []

        def merchant_adds_a_status_after_the_first_batch(cart):
            if not added:
                added.append(True)
                cart.import_status_ids = [(4, pending.id)]

        with patch.object(self.Cart, "_sync_commit_batch", merchant_adds_a_status_after_the_first_batch):
            log = self.sync(batch_size=2)
        self.assertEqual(log.state, "stopped")
        self.assertIn("statuses changed", log.message)
        self.assertFalse(self.cart.sync_cursor, "the reset is not overwritten by the pass")
        self.sync()
        self.assertEqual(self.imported_ids(), sorted(o["id"] for o in [older] + orders))

    def test_an_order_that_does_not_parse_and_has_no_id_is_read_again_by_later_passes(self):
        good = self.add_order()
        broken = self.add_order()
        later = self.add_order()
        stored, broken_id = self.stored(broken), broken["id"]
        stored["id"] = "not-a-number"
        log = self.sync()
        self.assertEqual(log.orders_failed, 1)
        self.assertEqual(self.imported_ids(), [good["id"], later["id"]])
        # The cursor stopped before it: the next pass reads it again (and says so again).
        self.assertLessEqual(self.cart.sync_cursor, modified(broken))
        log = self.sync()
        self.assertEqual(log.orders_failed, 1)
        stored["id"] = broken_id      # fixed in the store
        self.sync()
        self.assertEqual(self.imported_ids(), [good["id"], broken_id, later["id"]])


class TestOneDocumentPerOrder(ChangesCase):

    def test_credit_notes_share_the_order_but_not_the_invoice_slot(self):
        order, invoice = self.imported()
        invoice.action_post()
        self.refund(order, self.store.full_refund_items(order["id"]))
        self.sync()
        credit = self.credit_notes(order)
        self.assertEqual(credit.bigcommerce_order_id, invoice.bigcommerce_order_id)
        with self.assertRaises(psycopg2.IntegrityError), mute_logger("odoo.sql_db"), self.env.cr.savepoint():
            invoice.copy({"bigcommerce_cart_id": self.cart.id, "bigcommerce_order_id": order["id"]})
        with self.assertRaises(psycopg2.IntegrityError), mute_logger("odoo.sql_db"), self.env.cr.savepoint():
            credit.copy({"bigcommerce_cart_id": self.cart.id, "bigcommerce_order_id": order["id"],
                         "bigcommerce_refund_id": credit.bigcommerce_refund_id})

"""Refunds the sync must not choke on (issue 12 audit): item types beyond the six known,
refunds that cannot be read, empty refunds, declined refund payments, fees, refunds that
do not move the order's date_modified, and the feed cursor past an unreadable order.

Against the fake store over HTTP (tests/fake_bigcommerce)."""
from decimal import Decimal
from unittest.mock import patch

from test_auto_sync import modified
from test_order_changes import CANCELLED
from test_refunds_followed import RefundCase, refund_requests

from common import factory

D = Decimal


class TestUnknownAndUnreadableRefunds(RefundCase):

    def test_tax_item_type_is_credited_as_an_amount_at_the_tax(self):
        self.cart.import_orders_as = "sales_invoice"
        order, invoice = self.imported()
        invoice.action_post()
        refund = self.refund(order, None, tax_adjustment_amount=D("1.50"))
        # The spec's AmountBoundItem also knows TAX: the store names what it gave back so.
        self.store.refunds[refund["id"]]["items"] = [
            {"item_type": "TAX", "item_id": order["id"], "requested_amount": "1.50", "reason": ""}]
        log = self.sync()
        credit = self.credit_notes(order)
        self.assertEqual(len(credit), 1, log.error_text)
        self.assertMoney(credit, D("1.50"), D("1.50"))
        self.assertTaxBooked(credit, "debit", D("1.50"))
        self.assertFalse(credit.bigcommerce_total_mismatch)

    def test_unreadable_refund_still_cancels_and_is_credited_once_readable(self):
        order, invoice = self.imported()
        invoice.action_post()
        refund = self.refund(order, [factory.refund_product(self.line_ids(order)[0], 1)])
        stored, amount = self.store.refunds[refund["id"]], refund["total_amount"]
        stored["total_amount"] = "not money"
        self.store.advance(60)
        self.store.set_status(order["id"], CANCELLED)
        log = self.sync()
        self.assertEqual(log.orders_failed, 1)
        self.assertIn("refunds could not be read", log.error_text)
        # The cancellation was followed all the same.
        self.assertIn("refund or a return is needed", invoice.bigcommerce_attention)
        self.assertFalse(self.credit_notes(order))
        stored["total_amount"] = amount                      # fixed in the store
        log = self.sync()                                    # the failed order is read again
        self.assertEqual(log.orders_failed, 0, log.error_text)
        credit = self.credit_notes(order)
        self.assertEqual(len(credit), 1)
        self.assertMoney(credit, refund["total_amount"], refund["total_tax"])

    def test_refund_naming_no_order_only_holds_back_the_order_missing_it(self):
        self.cart.import_orders_as = "sales_invoice"
        refunded, invoice = self.imported()
        edited, draft = self.imported()
        invoice.action_post()
        broken = self.refund(refunded, [factory.refund_product(self.line_ids(refunded)[0], 1)])
        self.store.advance(60)
        self.store.edit_order(edited["id"], quantities={self.line_ids(edited)[0]: 3})
        served = self.store.list_refunds

        def order_id_unreadable(**filters):
            return [dict(r, order_id="?") if r["id"] == broken["id"] else r for r in served(**filters)]

        self.store.list_refunds = order_id_unreadable
        log = self.sync()
        self.assertEqual((log.orders_imported, log.orders_failed), (1, 1), log.error_text)
        self.assertMoney(draft, self.stored(edited)["total_inc_tax"], self.stored(edited)["total_tax"])
        self.assertFalse(self.credit_notes(refunded))
        self.store.list_refunds = served
        self.sync()
        self.assertEqual(len(self.credit_notes(refunded)), 1)

    def test_refund_with_no_items_and_nothing_given_back_is_skipped(self):
        order, invoice = self.imported()
        invoice.action_post()
        refund = self.refund(order, [factory.refund_order(order, D("1.00"))])
        self.store.refunds[refund["id"]].update(items=[], total_amount=0, total_tax=0)
        log = self.sync()
        self.assertEqual(log.orders_failed, 0, log.error_text)
        self.assertFalse(self.credit_notes(order))


class TestMoneyPaidBack(RefundCase):

    def test_declined_refund_payment_pays_nothing_back(self):
        order, invoice = self.imported()
        invoice.action_post()
        refund = self.refund(order, [factory.refund_product(self.line_ids(order)[0], 1)])
        self.store.refunds[refund["id"]]["payments"][0].update(
            is_declined=True, declined_message="Card expired")
        log = self.sync()
        credit = self.credit_notes(order)
        self.assertEqual((len(credit), credit.state), (1, "posted"), log.error_text)
        self.assertFalse(credit.bigcommerce_payment_id)
        self.assertEqual(credit.payment_state, "not_paid")
        self.sync()
        self.assertFalse(credit.bigcommerce_payment_id)

    def test_part_declined_pays_back_what_went_through(self):
        order, invoice = self.imported()
        invoice.action_post()
        items = [factory.refund_product(self.line_ids(order)[0], 2)]
        total = D(str(self.store.refund_quote(order["id"], items)["total_refund_amount"]))
        refund = self.refund(order, items, payments=[
            {"provider_id": "custom", "amount": D("5.00"), "offline": True},
            {"provider_id": "testgateway", "amount": total - D("5.00"), "offline": False}])
        self.store.refunds[refund["id"]]["payments"][1]["is_declined"] = True
        self.sync()
        credit = self.credit_notes(order)
        payment = credit.bigcommerce_payment_id
        self.assertEqual((payment.amount, payment.journal_id), (5.0, self.cart.payment_journal_id))
        self.assertEqual(credit.payment_state, "partial")
        self.assertAlmostEqual(credit.amount_residual, float(total - D("5.00")), places=2)
        self.sync()
        self.assertEqual(credit.bigcommerce_payment_id, payment)

    def test_fee_refund_read_back_with_the_order_id_keeps_the_fee_tax(self):
        self.cart.import_orders_as = "sales_invoice"
        self.store.refund_fee_item_id = "order"
        order, invoice = self.imported(fees=[factory.fee(name="Service", cost=D("4.00"), tax_rate=D("0.20")),
                                             factory.fee(name="Bag", cost=D("3.00"), tax_rate=D("0.10"))])
        invoice.action_post()
        bag = self.store.order_fees[order["id"]][1]
        refund = self.refund(order, [factory.refund_fee(bag["id"], D("3.00"))])
        self.assertEqual(self.store.refunds[refund["id"]]["items"][0]["item_id"], order["id"])
        self.sync()
        credit = self.credit_notes(order)
        self.assertMoney(credit, refund["total_amount"], refund["total_tax"])
        # The bag's own rate, not the first fee's: no rounding pair needed to reach its tax.
        bag_invoiced = invoice.invoice_line_ids.filtered(lambda l: l.price_unit == 3.0)
        self.assertEqual(credit.invoice_line_ids.tax_ids, bag_invoiced.tax_ids)
        self.assertEqual(len(credit.invoice_line_ids), 1, credit.invoice_line_ids.mapped("name"))
        self.assertTaxBooked(credit, "debit", refund["total_tax"])


class TestRefundsThatDoNotMoveTheOrder(RefundCase):

    def test_refund_without_a_date_modified_change_is_read_by_its_created_date(self):
        self.store.refund_moves_date_modified = False
        self.cart.import_orders_as = "sales_invoice"
        order, invoice = self.imported()
        invoice.action_post()
        before = self.stored(order)["date_modified"]
        refund = self.refund(order, [factory.refund_product(self.line_ids(order)[0], 1)])
        self.assertEqual(self.stored(order)["date_modified"], before)
        self.server.reset_requests()
        log = self.sync()
        credit = self.credit_notes(order)
        self.assertEqual(len(credit), 1, log.error_text)
        self.assertMoney(credit, refund["total_amount"], refund["total_tax"])
        self.assertTaxBooked(credit, "debit", refund["total_tax"])
        reads = refund_requests(self.server)
        self.assertEqual(len([r for r in reads if "created:min" in r.query]), 1, "one request per page")
        self.sync()
        self.assertEqual(len(self.credit_notes(order)), 1)


class TestCursorPastAnUnreadableOrder(RefundCase):

    def test_order_without_readable_id_or_date_caps_the_cursor_at_the_one_before(self):
        first = self.add_order()
        broken = self.add_order()
        self.add_order()
        render = self.server._render_order

        def unreadable(req, order):
            row = render(req, order)
            if order["id"] == broken["id"]:
                row = dict(row, id="not-a-number", date_modified="not-a-date")
            return row

        with patch.object(self.server, "_render_order", unreadable):
            log = self.sync()
            self.assertEqual(log.orders_failed, 1)
            self.assertEqual(self.cart.sync_cursor, modified(first))
            self.add_order()
            self.sync()       # later passes: held at the order before it, not at the beginning
            self.assertEqual(self.cart.sync_cursor, modified(first))
        self.sync()           # readable again: read, imported, the cursor moves on
        self.assertIn(broken["id"], self.imported_ids())
        self.assertGreater(self.cart.sync_cursor, modified(first))

"""Refunds are never lost nor read twice (issue 12, second audit): a refunds cursor of
their own, a pass stopped early, a webhook page of new and imported orders.

Against the fake store over HTTP (tests/fake_bigcommerce)."""
from decimal import Decimal
from unittest.mock import patch

from test_auto_sync import PENDING
from test_order_changes import ChangesCase

from common import factory

from odoo.addons.salesorder_bigcommerce.models.bigcommerce_sync import SYNC_OVERLAP
from odoo.addons.salesorder_bigcommerce.services.parsing import parse_datetime

D = Decimal


def refund_requests(server):
    return [r for r in server.requests if "payment_actions/refunds" in r.path]


class TestRefundsCursor(ChangesCase):

    def setUp(self):
        super().setUp()
        self.store.refund_moves_date_modified = False    # a refund leaves the order's date alone
        self.store.refund_sets_status = False

    def test_refund_survives_a_pass_stopped_by_its_time_budget(self):
        order, invoice = self.imported()
        invoice.action_post()
        self.assertEqual(self.cart.refund_cursor, self.cart.sync_cursor, "starts at the order cursor")
        self.add_order(seconds=900)
        self.sync()
        before = self.cart.refund_cursor
        refund = self.refund(order, [factory.refund_product(self.line_ids(order)[0], 1)])
        created = parse_datetime(refund["created"])
        for _i in range(3):
            self.add_order(seconds=900)
        now = [0.0]

        def batch_takes_ten_seconds(cart):
            now[0] += 10

        with patch.object(self.Cart, "_sync_clock", lambda cart: now[0]), \
                patch.object(self.Cart, "_sync_commit_batch", batch_takes_ten_seconds):
            log = self.sync(time_budget=25, batch_size=1)
        self.assertEqual(log.state, "stopped", log.message)
        self.assertGreater(self.cart.sync_cursor - SYNC_OVERLAP, created, "the order cursor passed the refund")
        self.assertEqual(self.cart.refund_cursor, before, "a pass stopping early leaves it")
        self.assertFalse(self.credit_notes(order))
        log = self.sync()
        self.assertEqual(log.state, "done", log.message)
        credit = self.credit_notes(order)
        self.assertEqual(len(credit), 1, log.error_text)
        self.assertMoney(credit, refund["total_amount"], refund["total_tax"])
        self.assertAlmostEqual(sum(credit.line_ids.filtered("tax_line_id").mapped("debit")),
                               float(refund["total_tax"]), places=2)
        self.assertEqual(self.cart.refund_cursor, created)
        # The next pass reads the refunds from there (minus the overlap), credits nothing more.
        self.server.reset_requests()
        self.sync()
        by_date = [r for r in refund_requests(self.server) if "created:min" in r.query]
        since = parse_datetime(by_date[0].query["created:min"])
        self.assertEqual(since, created - SYNC_OVERLAP)
        self.assertEqual(len(self.credit_notes(order)), 1)

    def test_statuses_added_reset_both_cursors(self):
        self.imported()
        self.assertTrue(self.cart.refund_cursor)
        self.cart.import_status_ids |= self.env["bigcommerce.order.status"].search([("bigcommerce_id", "=", PENDING)])
        self.assertFalse(self.cart.sync_cursor)
        self.assertFalse(self.cart.refund_cursor)
        log = self.sync()
        self.assertEqual(log.state, "done")
        self.assertEqual(self.cart.refund_cursor, self.cart.sync_cursor)


class TestRefundedOrdersRead(ChangesCase):

    def test_orders_far_apart_in_one_page_are_read_in_one_request(self):
        self.store.refund_moves_date_modified = False
        self.store.refund_sets_status = False
        first, first_invoice = self.imported()
        for _i in range(40):          # ids in between, not imported (Pending)
            self.add_order(status_id=PENDING)
        second, second_invoice = self.imported()
        self.assertGreater(second["id"] - first["id"], 30)
        (first_invoice | second_invoice).action_post()
        self.add_order(seconds=900)
        self.sync()
        refunds = [self.refund(order, [factory.refund_product(self.line_ids(order)[0], 1)])
                   for order in (first, second)]
        self.server.reset_requests()
        log = self.sync()
        self.assertEqual(log.orders_failed, 0, log.error_text)
        for order, refund in zip((first, second), refunds):
            self.assertMoney(self.credit_notes(order), refund["total_amount"], refund["total_tax"])
        one_by_one = [r for r in self.server.requests if r.path.rstrip("/").split("/")[-1].isdigit()
                      and "/v2/orders/" in r.path]
        self.assertEqual(one_by_one, [])
        ranges = [r for r in self.server.requests if r.query.get("min_id")]
        self.assertEqual([(int(r.query["min_id"]), int(r.query["max_id"])) for r in ranges],
                         [(first["id"], second["id"])])


class TestWebhookPage(ChangesCase):

    def test_new_and_imported_orders_read_their_refunds_once(self):
        self.store.refund_sets_status = False
        order, invoice = self.imported()
        invoice.action_post()
        first = self.refund(order, [factory.refund_product(self.line_ids(order)[0], 1)])
        new = self.add_order(lines=[factory.line(self.mug, 2), factory.line(self.book, 1)], tax_rate=D("0.0825"))
        second = self.refund(new, [factory.refund_product(self.line_ids(new)[1], 1)])
        self.server.reset_requests()
        report = self.cart._import_or_update([order["id"], new["id"]])
        self.assertFalse([o for o in report.outcomes if o.status == "failed"], report.outcomes)
        self.assertEqual(len(refund_requests(self.server)), 1)
        credit = self.credit_notes(order)
        self.assertMoney(credit, first["total_amount"], first["total_tax"])
        document = self.cart.order_binding_ids.filtered(lambda b: b.bigcommerce_order_id == new["id"]).move_id
        self.assertMoney(document, D(new["total_inc_tax"]) - D(str(second["total_amount"])),
                         D(new["total_tax"]) - D(str(second["total_tax"])))

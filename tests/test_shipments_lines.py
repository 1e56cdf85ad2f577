"""Goods out, the audit's gaps: one product on two order lines, lines without their
BigCommerce ids, caps and lasting refusals, an invoice edited or reversed after its
delivery was made. Against the fake store (tests/fake_bigcommerce/shipments.py)."""
from decimal import Decimal

from test_shipments import QUIET, ShipmentCase

from common import factory

from odoo.tools import mute_logger

D = Decimal
CANCELLED, DECLINED = 5, 6


class TestOneProductOnTwoLines(ShipmentCase):

    def test_each_line_keeps_its_move_and_is_shipped_as_itself(self):
        lines = [factory.line(self.mug, 2), factory.line(self.mug, 1, price=D("15.00"))]
        order, invoice = self.imported("cash_sale", lines=lines)
        first, second = (row["id"] for row in self.store.order_products[order["id"]])
        picking = invoice.bigcommerce_picking_ids
        self.assertEqual(len(picking), 1)
        self.assertEqual(sorted((m.bigcommerce_line_id, m.product_uom_qty) for m in picking.move_ids),
                         [(first, 2), (second, 1)], "two BigCommerce lines, two moves (not merged)")
        self.validate(picking)
        self.send()
        shipment, = self.shipments(order)
        self.assertEqual(self.items(shipment), {first: 2, second: 1})
        # Posting again makes no second delivery: each line is delivered already.
        invoice.button_draft()
        invoice.action_post()
        self.assertEqual(invoice.bigcommerce_picking_ids, picking)
        self.assertEqual(sum(invoice.bigcommerce_picking_ids.move_ids.mapped("product_uom_qty")), 3)


class TestLinesWithoutIds(ShipmentCase):
    """Orders imported before shipments were sent: no order line id on their moves."""

    def forget_ids(self, invoice, values=None):
        values = values or {"bigcommerce_line_id": 0, "bigcommerce_address_id": 0}
        invoice.bigcommerce_picking_ids.move_ids.write(values)
        invoice.invoice_line_ids.write(values)

    def test_moves_are_matched_to_the_order_lines_by_product_and_sku(self):
        lines = [factory.line(self.mug, 2), factory.line(self.mug, 1, price=D("15.00")), factory.line(self.book, 1)]
        order, invoice = self.imported("sales_invoice", lines=lines)
        self.forget_ids(invoice)
        # The book is no longer linked to the cart: its SKU tells it.
        book = self.env["product.product"].search([("default_code", "=", "BOOK")])
        book.bigcommerce_binding_ids.unlink()
        self.validate(invoice.bigcommerce_picking_ids, tracking="OLD-1")
        picking = invoice.bigcommerce_picking_ids
        self.assertEqual(picking.bigcommerce_shipment_state, "to_send")
        self.send()
        shipment, = self.shipments(order)
        mug_1, mug_2, book_line = (row["id"] for row in self.store.order_products[order["id"]])
        self.assertEqual(shipment["order_address_id"], self.address_ids(order)[0])
        self.assertEqual(self.items(shipment), {mug_1: 2, mug_2: 1, book_line: 1})
        self.assertEqual(picking.bigcommerce_shipment_state, "sent")

    def test_a_line_without_its_address_takes_the_order_address(self):
        order, invoice = self.imported("sales_invoice")
        self.forget_ids(invoice, {"bigcommerce_address_id": 0})
        self.validate(invoice.bigcommerce_picking_ids)
        self.send()
        shipment, = self.shipments(order)
        self.assertEqual((shipment["order_address_id"], self.items(shipment)),
                         (self.address_ids(order)[0], {self.line_id(order, "MUG"): 3}))

    def test_nothing_matching_keeps_the_note(self):
        order, invoice = self.imported("sales_invoice")
        self.forget_ids(invoice)
        for row in self.store.order_products[order["id"]]:
            row.update(product_id=999999, variant_id=999999, sku="SOMETHING-ELSE")
        picking = self.validate(invoice.bigcommerce_picking_ids)
        self.send()
        self.assertFalse(self.shipments(order))
        self.assertEqual(picking.bigcommerce_shipment_state, "none")
        self.assertIn("Mark it shipped in BigCommerce by hand", picking.message_ids[0].body)


class TestRefusals(ShipmentCase):

    def validated(self, **kwargs):
        order, invoice = self.imported("sales_invoice", **kwargs)
        return order, self.validate(invoice.bigcommerce_picking_ids)

    def activities(self, picking):
        return picking.activity_ids.filtered(lambda a: a.user_id == self.cart.user_id)

    def test_capped_at_what_the_bigcommerce_line_has_left(self):
        order, picking = self.validated()
        # Edited in BigCommerce: the line now holds 2 (Odoo's invoice still says 3).
        self.store.order_products[order["id"]][0]["quantity"] = 2
        self.send()
        shipment, = self.shipments(order)
        self.assertEqual(self.items(shipment), {self.line_id(order, "MUG"): 2})
        self.assertEqual(picking.bigcommerce_shipment_state, "sent")

    @mute_logger(*QUIET)
    def test_a_lasting_refusal_is_not_retried_until_the_button(self):
        for status in (400, 403):
            with self.subTest(status=status):
                order, picking = self.validated()
                self.fail_next_post(status)
                self.send()
                self.assertEqual((picking.bigcommerce_shipment_state, picking.bigcommerce_shipment_hold),
                                 ("error", True))
                self.assertEqual(len(self.activities(picking)), 1)
                posts = len(self.posts())
                self.send()
                self.send()
                self.assertEqual(len(self.posts()), posts, "the scheduled action leaves it alone")
                self.assertEqual(len(self.activities(picking)), 1)
                action = picking.action_bigcommerce_send_shipment()
                self.assertEqual(action["params"]["type"], "success")
                self.assertEqual((picking.bigcommerce_shipment_state, picking.bigcommerce_shipment_hold),
                                 ("sent", False))
                self.assertFalse(self.activities(picking), "the activity is done once sent")
                self.assertEqual(len(self.shipments(order)), 1)

    @mute_logger(*QUIET)
    def test_a_deleted_order_is_not_retried(self):
        order, picking = self.validated()
        del self.store.orders[order["id"]]
        self.send()
        self.assertEqual((picking.bigcommerce_shipment_state, picking.bigcommerce_shipment_hold),
                         ("error", True))
        self.assertEqual(len(self.activities(picking)), 1)
        self.server.reset_requests()
        self.send()
        self.assertFalse(self.server.requests)

    @mute_logger(*QUIET)
    def test_passing_failures_are_retried_five_times(self):
        order, picking = self.validated()
        self.fail_next_post(429, headers={"X-Rate-Limit-Time-Reset-Ms": "30000"})
        self.send()
        self.assertEqual((picking.bigcommerce_shipment_state, picking.bigcommerce_shipment_hold), ("error", False))
        for _attempt in range(4):
            self.assertFalse(picking.bigcommerce_shipment_hold)
            self.fail_next_post(500, retry=True)
            self.send()
        self.assertEqual((picking.bigcommerce_shipment_failures, picking.bigcommerce_shipment_hold), (5, True))
        self.assertEqual(len(self.activities(picking)), 1)
        self.server.reset_requests()
        self.send()
        self.assertFalse(self.server.requests, "no sixth automatic try")
        picking.action_bigcommerce_send_shipment()
        self.assertEqual((picking.bigcommerce_shipment_state, picking.bigcommerce_shipment_failures), ("sent", 0))
        self.assertEqual(len(self.shipments(order)), 1)

    @mute_logger(*QUIET)
    def test_an_order_cancelled_in_bigcommerce_is_not_shipped(self):
        for status in (CANCELLED, DECLINED):
            with self.subTest(status=status):
                order, picking = self.validated()
                self.store.set_status(order["id"], status)
                self.send()
                self.assertFalse(self.shipments(order))
                self.assertEqual((picking.bigcommerce_shipment_state, picking.bigcommerce_shipment_hold),
                                 ("error", True))
                self.assertIn("no shipment is sent for a cancelled or declined order",
                              picking.bigcommerce_shipment_error)
                self.assertIn(self.store.status(status)["name"], picking.bigcommerce_shipment_error)


class TestInvoiceChanges(ShipmentCase):

    def test_reposting_a_lowered_line_updates_the_open_delivery(self):
        order, invoice = self.imported("sales_invoice", lines=[factory.line(self.mug, 3), factory.line(self.book, 1)])
        picking = invoice.bigcommerce_picking_ids
        invoice.button_draft()
        invoice.invoice_line_ids.filtered(lambda line: line.product_id.default_code == "MUG").quantity = 2
        invoice.action_post()
        self.assertEqual(invoice.bigcommerce_picking_ids, picking, "no second delivery")
        mug = picking.move_ids.filtered(lambda m: m.product_id.default_code == "MUG" and m.state != "cancel")
        self.assertEqual(mug.product_uom_qty, 2)
        self.assertEqual(picking.state, "assigned")
        self.validate(picking)
        self.send()
        shipment, = self.shipments(order)
        self.assertEqual(self.items(shipment), {self.line_id(order, "MUG"): 2, self.line_id(order, "BOOK"): 1})

    def test_reposting_a_lowered_line_updates_each_open_step(self):
        self.warehouse.delivery_steps = "pick_ship"
        order, invoice = self.imported("cash_sale")
        pick = invoice.bigcommerce_picking_ids
        invoice.button_draft()
        invoice.invoice_line_ids.filtered(lambda line: line.product_id.default_code == "MUG").quantity = 2
        invoice.action_post()
        self.assertEqual(invoice.bigcommerce_picking_ids, pick)
        self.assertEqual(pick.move_ids.product_uom_qty, 2)
        self.validate(pick)
        ship = invoice.bigcommerce_picking_ids - pick
        self.assertEqual(ship.move_ids.product_uom_qty, 2)
        self.validate(ship)
        self.send()
        shipment, = self.shipments(order)
        self.assertEqual(self.items(shipment), {self.line_id(order, "MUG"): 2})

    def test_reposting_a_raised_line_adds_to_the_open_delivery(self):
        _order, invoice = self.imported("sales_invoice")
        picking = invoice.bigcommerce_picking_ids
        invoice.button_draft()
        invoice.invoice_line_ids.filtered(lambda line: line.product_id.default_code == "MUG").quantity = 4
        invoice.action_post()
        self.assertEqual(invoice.bigcommerce_picking_ids, picking)
        self.assertEqual(sum(picking.move_ids.filtered(lambda m: m.state != "cancel").mapped("product_uom_qty")), 4)

    def test_a_full_credit_note_cancels_the_open_delivery(self):
        _order, invoice = self.imported("sales_invoice")
        picking = invoice.bigcommerce_picking_ids
        wizard = self.env["account.move.reversal"].with_context(
            active_model="account.move", active_ids=invoice.ids).create({"journal_id": invoice.journal_id.id})
        refund = self.env["account.move"].browse(wizard.refund_moves()["res_id"])
        self.assertEqual(picking.state, "assigned", "a draft credit note changes nothing")
        refund.action_post()
        self.assertEqual(invoice.payment_state, "reversed")
        self.assertEqual(picking.state, "cancel")

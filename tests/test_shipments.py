"""Goods out (issue 13): every imported order reaches the warehouse, and its
shipments (with tracking) go back to BigCommerce, once, whatever fails on the way.

The fake store implements GET/POST /v2/orders/{id}/shipments as the spec
describes (tests/fake_bigcommerce/shipments.py)."""
import time
from decimal import Decimal
from unittest.mock import patch

import requests

from common import ACCESS_TOKEN, BigCommerceCase, factory

from odoo.tests import Form
from odoo.tools import mute_logger

from odoo.addons.salesorder_bigcommerce.models import stock_picking

D = Decimal
CANCELLED = 5
QUIET = ("odoo.addons.salesorder_bigcommerce.models.stock_picking",
         "odoo.addons.salesorder_bigcommerce.services.client")


class ShipmentCase(BigCommerceCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.cart.import_status_ids = cls.env["bigcommerce.order.status"].search([("bigcommerce_id", "=", 11)])
        cls.warehouse = cls.cart.warehouse_id

    def setUp(self):
        super().setUp()
        self.store = self.server.store
        self.mug = self.store.add_product(factory.product(name="Mug", sku="MUG", price=D("12.50")))
        self.book = self.store.add_product(factory.product(name="Book", sku="BOOK", price=D("40.00")))
        self.ebook = self.store.add_product(factory.product(name="E-book", sku="EBOOK", price=D("9.00"),
                                                            type="digital"))

    # -- helpers ----------------------------------------------------------

    def imported(self, kind, lines=None, **kwargs):
        """(order, document) for an order imported as `kind` (a posted invoice, a confirmed order)."""
        self.cart.import_orders_as = kind
        kwargs.setdefault("shipping_cost", D("5.00"))
        order = self.store.add_order(factory.order(lines=lines or [factory.line(self.mug, 3)], **kwargs))
        document = self.cart.import_orders([order["id"]])
        self.assertTrue(document, "order not imported")
        for product in self.env["product.product"].search([("default_code", "in", ["MUG", "BOOK", "EBOOK"])]):
            if product.is_storable:
                self.env["stock.quant"]._update_available_quantity(product, self.warehouse.lot_stock_id, 100)
        if kind == "sale_order":
            document.action_confirm()
        else:
            document.action_post()
        return order, document

    def line_id(self, order, sku):
        return next(r["id"] for r in self.store.order_products[order["id"]] if r["sku"] == sku)

    def address_ids(self, order):
        return [a["id"] for a in self.store.order_shipping_addresses[order["id"]]]

    def validate(self, picking, quantities=None, tracking=None, carrier=None):
        """Validate `picking` with the quantities given per SKU (all by default); a backorder for the rest."""
        picking.action_assign()
        if tracking or carrier:
            picking.write({"carrier_tracking_ref": tracking, "carrier_id": carrier and carrier.id})
        for move in picking.move_ids:
            move.quantity = (quantities or {}).get(move.product_id.default_code, move.product_uom_qty)
            move.picked = True
        result = picking.button_validate()
        if isinstance(result, dict) and result.get("res_model") == "stock.backorder.confirmation":
            Form(self.env["stock.backorder.confirmation"].with_context(**result["context"])).save().process()
        self.assertEqual(picking.state, "done")
        return picking

    def send(self):
        """One pass of the scheduled action."""
        self.env["stock.picking"]._cron_bigcommerce_send_shipments()

    def shipments(self, order):
        return self.store.order_shipments.get(order["id"], [])

    def items(self, shipment):
        return {i["order_product_id"]: i["quantity"] for i in shipment["items"]}

    def posts(self):
        return [r for r in self.server.requests if r.method == "POST" and r.path.endswith("/shipments")]

    def fail_next_post(self, status, headers=None, retry=False):
        """The next shipment POST answers `status`. A first send reads no shipments before it
        (its order shows nothing shipped yet); a retry reads them first: none, here."""
        if retry:
            self.server.inject(200, body=b"", path_contains="/shipments?")
        self.server.inject(status, headers=headers, path_contains="/shipments")

    def out_pickings(self, document):
        pickings = document.picking_ids if document._name == "sale.order" else document.bigcommerce_picking_ids
        return pickings.filtered(lambda p: p.picking_type_code == "outgoing")


class TestDeliveries(ShipmentCase):

    def test_confirmed_quotation_ships_through_its_own_delivery(self):
        lines = [factory.line(self.mug, 2), factory.line(self.ebook, 1),
                 factory.line(None, 1, name="Engraving", price=D("3.00"))]
        order, sale = self.imported("sale_order", lines=lines)
        picking = self.out_pickings(sale)
        self.assertEqual(len(picking), 1)
        self.assertEqual((picking.bigcommerce_cart_id, picking.bigcommerce_order_id), (self.cart, order["id"]))
        self.assertEqual(picking.bigcommerce_shipment_state, "none")
        # Only the mug moves: not the digital item, the custom item, the shipping line.
        self.assertEqual(picking.move_ids.product_id.mapped("default_code"), ["MUG"])
        self.assertEqual(picking.move_ids.bigcommerce_line_id, self.line_id(order, "MUG"))
        self.validate(picking, tracking="1Z999")
        self.assertEqual(picking.bigcommerce_shipment_state, "to_send")
        self.assertFalse(self.shipments(order), "validation itself sends nothing")
        self.send()
        shipment, = self.shipments(order)
        self.assertEqual(shipment["order_address_id"], self.address_ids(order)[0])
        self.assertEqual(self.items(shipment), {self.line_id(order, "MUG"): 2})
        self.assertEqual((shipment["tracking_number"], shipment["shipping_provider"],
                          shipment["tracking_carrier"]), ("1Z999", "", ""))
        self.assertEqual((picking.bigcommerce_shipment_state, picking.bigcommerce_shipment_ids),
                         ("sent", str(shipment["id"])))
        self.send()
        self.assertEqual(len(self.posts()), 1, "a sent delivery is never sent again")

    def test_posted_cash_sale_ships_its_storable_lines_once(self):
        lines = [factory.line(self.mug, 2), factory.line(self.book, 1), factory.line(self.ebook, 1),
                 factory.line(None, 1, name="Engraving", price=D("3.00"))]
        order, invoice = self.imported("cash_sale", lines=lines, tax_rate=D("0.0825"))
        self.assertEqual(invoice.state, "posted")
        picking = invoice.bigcommerce_picking_ids
        self.assertEqual(len(picking), 1)
        self.assertEqual(picking.picking_type_id, self.warehouse.out_type_id)
        self.assertEqual(picking.location_dest_id.usage, "customer")
        self.assertEqual(picking.partner_id, invoice.partner_shipping_id)
        self.assertEqual((picking.bigcommerce_invoice_id, picking.bigcommerce_cart_id,
                          picking.bigcommerce_order_id), (invoice, self.cart, order["id"]))
        self.assertEqual(sorted(picking.move_ids.mapped("product_id.default_code")), ["BOOK", "MUG"])
        mug = picking.move_ids.filtered(lambda m: m.product_id.default_code == "MUG")
        self.assertEqual((mug.product_uom_qty, mug.bigcommerce_line_id), (2, self.line_id(order, "MUG")))
        # Posting again (reset to draft, post) makes no second delivery.
        invoice.button_draft()
        invoice.action_post()
        self.assertEqual(invoice.bigcommerce_picking_ids, picking)
        self.assertEqual(picking.state, "assigned")
        self.validate(picking)
        self.send()
        shipment, = self.shipments(order)
        self.assertEqual(self.items(shipment), {self.line_id(order, "MUG"): 2, self.line_id(order, "BOOK"): 1})
        self.assertEqual(picking.bigcommerce_shipment_state, "sent")

    def test_services_and_digital_items_make_no_delivery(self):
        order, invoice = self.imported("sales_invoice", lines=[factory.line(self.ebook, 2)])
        self.assertFalse(invoice.bigcommerce_picking_ids)
        self.assertEqual(invoice.state, "posted")

    def test_two_shipping_addresses_make_two_deliveries_and_two_shipments(self):
        home = factory.address(first_name="Jane", street_1="1 Home Street")
        office = factory.address(first_name="Jane", last_name="At Work", street_1="9 Office Park")
        lines = [factory.line(self.mug, 2, ship_to=0), factory.line(self.book, 1, ship_to=1)]
        order, invoice = self.imported("sales_invoice", lines=lines, shipping=[home, office])
        pickings = invoice.bigcommerce_picking_ids.sorted("id")
        self.assertEqual(len(pickings), 2)
        self.assertEqual(pickings.mapped("partner_id.street"), ["1 Home Street", "9 Office Park"])
        for picking in pickings:
            self.validate(picking)
        self.send()
        by_address = {s["order_address_id"]: self.items(s) for s in self.shipments(order)}
        home_id, office_id = self.address_ids(order)
        self.assertEqual(by_address, {home_id: {self.line_id(order, "MUG"): 2},
                                      office_id: {self.line_id(order, "BOOK"): 1}})
        self.assertEqual(set(pickings.mapped("bigcommerce_shipment_state")), {"sent"})

    def test_confirmed_quotation_to_two_addresses_makes_two_deliveries(self):
        home = factory.address(first_name="Jane", street_1="1 Home Street")
        office = factory.address(first_name="Jane", last_name="At Work", street_1="9 Office Park")
        lines = [factory.line(self.mug, 2, ship_to=0), factory.line(self.book, 1, ship_to=1)]
        order, sale = self.imported("sale_order", lines=lines, shipping=[home, office])
        pickings = self.out_pickings(sale).sorted("id")
        self.assertEqual(pickings.mapped("partner_id.street"), ["1 Home Street", "9 Office Park"])
        self.assertEqual([p.move_ids.product_id.default_code for p in pickings], ["MUG", "BOOK"])
        for picking in pickings:
            self.validate(picking)
        self.send()
        self.assertEqual(sorted(s["order_address_id"] for s in self.shipments(order)), self.address_ids(order))

    def test_partial_delivery_and_backorder_make_two_shipments(self):
        order, invoice = self.imported("sales_invoice")
        picking = invoice.bigcommerce_picking_ids
        self.validate(picking, {"MUG": 2}, tracking="TRACK-1")
        backorder = invoice.bigcommerce_picking_ids - picking
        self.assertEqual((len(backorder), backorder.bigcommerce_shipment_state), (1, "none"))
        self.send()
        self.validate(backorder, tracking="TRACK-2")
        self.send()
        line = self.line_id(order, "MUG")
        first, second = self.shipments(order)
        self.assertEqual((self.items(first), first["tracking_number"]), ({line: 2}, "TRACK-1"))
        self.assertEqual((self.items(second), second["tracking_number"]), ({line: 1}, "TRACK-2"))
        self.assertEqual((picking.bigcommerce_shipment_ids, backorder.bigcommerce_shipment_ids),
                         (str(first["id"]), str(second["id"])))
        self.assertEqual(self.store.order_products[order["id"]][0]["quantity_shipped"], 3)

    def test_only_the_last_step_of_a_multi_step_route_ships(self):
        self.warehouse.delivery_steps = "pick_ship"
        order, invoice = self.imported("cash_sale")
        pick = invoice.bigcommerce_picking_ids
        self.assertEqual(pick.picking_type_id, self.warehouse.pick_type_id)
        self.validate(pick)
        self.assertEqual(pick.bigcommerce_shipment_state, "none")
        ship = invoice.bigcommerce_picking_ids - pick
        self.assertEqual(ship.picking_type_id, self.warehouse.out_type_id)
        self.validate(ship)
        self.send()
        shipment, = self.shipments(order)
        self.assertEqual(self.items(shipment), {self.line_id(order, "MUG"): 3})

    def test_carrier_is_mapped_and_quantities_capped_at_what_is_left(self):
        carrier = self.env["delivery.carrier"].create({
            "name": "UPS Ground", "product_id": self.env["product.product"].create(
                {"name": "UPS", "type": "service"}).id})
        self.cart.carrier_map_ids = [(0, 0, {"carrier_id": carrier.id, "shipping_provider": "ups",
                                             "tracking_carrier": "ups"})]
        order, invoice = self.imported("sales_invoice")
        # The merchant already shipped one mug from the BigCommerce control panel.
        line = self.line_id(order, "MUG")
        url = f"{self.server.base_url}/stores/{self.store.store_hash}/v2/orders/{order['id']}/shipments"
        requests.post(url, json={"order_address_id": self.address_ids(order)[0],
                                 "items": [{"order_product_id": line, "quantity": 1}]},
                      headers={"X-Auth-Token": ACCESS_TOKEN}, timeout=10).raise_for_status()
        picking = invoice.bigcommerce_picking_ids
        self.validate(picking, tracking="1ZUPS", carrier=carrier)
        self.send()
        _manual, shipment = self.shipments(order)
        self.assertEqual((shipment["shipping_provider"], shipment["tracking_carrier"]), ("ups", "ups"))
        self.assertEqual(self.items(shipment), {line: 2}, "never more than ordered less shipped")


class TestCancellation(ShipmentCase):

    def test_cancelling_the_invoice_cancels_its_undone_delivery(self):
        _order, invoice = self.imported("cash_sale")
        picking = invoice.bigcommerce_picking_ids
        invoice.button_cancel()
        self.assertEqual((invoice.state, picking.state), ("cancel", "cancel"))

    def test_cancelled_in_bigcommerce_cancels_the_undone_delivery(self):
        order, invoice = self.imported("sales_invoice")
        picking = invoice.bigcommerce_picking_ids
        self.validate(picking, {"MUG": 1})
        backorder = invoice.bigcommerce_picking_ids - picking
        self.store.set_status(order["id"], CANCELLED)
        self.cart.update_orders([order["id"]])
        self.assertEqual((picking.state, backorder.state), ("done", "cancel"))
        self.assertIn("refund or a return is needed", invoice.bigcommerce_attention)


class TestFailures(ShipmentCase):
    """Validation never waits on BigCommerce; a failed send is retried, never doubled."""

    def validated(self):
        order, invoice = self.imported("sales_invoice")
        return order, self.validate(invoice.bigcommerce_picking_ids, tracking="T-1")

    def assertSentOnce(self, order, picking):
        shipment, = self.shipments(order)
        self.assertEqual((picking.bigcommerce_shipment_state, picking.bigcommerce_shipment_ids,
                          picking.bigcommerce_shipment_error), ("sent", str(shipment["id"]), False))
        self.assertEqual(self.items(shipment), {self.line_id(order, "MUG"): 3})

    @mute_logger(*QUIET)
    def test_rate_limited_post_is_retried_by_the_scheduled_action(self):
        order, picking = self.validated()
        self.fail_next_post(429, headers={"X-Rate-Limit-Time-Reset-Ms": "30000"})
        self.send()
        self.assertEqual(picking.state, "done")
        self.assertEqual(picking.bigcommerce_shipment_state, "error")
        self.assertIn("rate limit", picking.bigcommerce_shipment_error)
        self.assertFalse(self.shipments(order))
        self.send()
        self.assertSentOnce(order, picking)

    @mute_logger(*QUIET)
    def test_store_error_is_retried_by_the_button(self):
        order, invoice = self.imported("sales_invoice")
        self.fail_next_post(500)
        self.server.reset_requests()
        picking = self.validate(invoice.bigcommerce_picking_ids)
        self.assertFalse(self.server.requests, "validating does not talk to BigCommerce")
        self.assertEqual(picking.bigcommerce_shipment_state, "to_send")
        self.send()
        self.assertEqual(picking.bigcommerce_shipment_state, "error")
        self.assertIn("HTTP 500", picking.bigcommerce_shipment_error)
        action = picking.action_bigcommerce_send_shipment()
        self.assertEqual(action["params"]["type"], "success")
        self.assertSentOnce(order, picking)

    @mute_logger(*QUIET)
    def test_warehouse_user_validates_and_retries(self):
        """A warehouse user (no sales, no invoicing rights) sees, validates and retries the delivery."""
        picker = self.make_user("picker", "stock.group_stock_user")
        order, invoice = self.imported("sales_invoice")
        picking = invoice.bigcommerce_picking_ids.with_user(picker)
        fields_ = picking.get_views([(False, "form")])["models"]["stock.picking"]["fields"]
        picking.web_read({name: {"fields": {"display_name": {}}} if fields_[name]["type"] == "many2one" else {}
                          for name in fields_ if fields_[name]["type"] not in ("one2many", "many2many")})
        self.validate(picking)
        self.fail_next_post(500)
        self.send()
        self.assertEqual(picking.bigcommerce_shipment_state, "error")
        picking.action_bigcommerce_send_shipment()
        self.assertSentOnce(order, picking)

    @mute_logger(*QUIET)
    def test_lost_response_is_not_shipped_twice(self):
        order, picking = self.validated()
        self.store.shipment_lost_responses = 1      # recorded, then the answer is lost
        self.send()
        self.assertEqual(picking.bigcommerce_shipment_state, "error")
        self.assertEqual(len(self.shipments(order)), 1)
        self.send()
        self.assertSentOnce(order, picking)
        self.assertEqual(len(self.posts()), 1, "the retry read the shipments and posted nothing")
        self.assertIn("already in BigCommerce", picking.message_ids[0].body)

    @mute_logger(*QUIET)
    def test_timeout_is_retried_without_shipping_twice(self):
        order, picking = self.validated()
        # The store answers the POST after the client gave up (it still makes the shipment).
        self.server.inject_delay(11, path_contains="/shipments")
        with patch.dict(stock_picking.SEND_OPTIONS, timeout=10):
            self.send()
        self.assertEqual(picking.bigcommerce_shipment_state, "error")
        self.assertIn("did not answer", picking.bigcommerce_shipment_error)
        deadline = time.monotonic() + 5
        while not self.shipments(order) and time.monotonic() < deadline:
            time.sleep(0.1)
        self.send()
        self.assertSentOnce(order, picking)

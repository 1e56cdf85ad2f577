"""Tracking numbers that come late, and a retry that must not ship twice.

* A retry (an attempt failed, or its answer was lost) takes the shipment of the
  same address and items as the delivery's own whatever its tracking number,
  then puts the delivery's tracking on it: typing the tracking number after a
  lost answer never makes a second shipment.
* A tracking number or carrier set after the shipment was sent (Odoo's *Send
  to Shipper*) reaches BigCommerce with PUT /v2/orders/{id}/shipments/{id},
  never a new POST; the write itself never waits on BigCommerce.
* A first send whose order shows nothing shipped reads no shipments.

Everything goes over HTTP to the fake store (tests/fake_bigcommerce/shipments.py),
whose PUT follows orderShipment_Put."""
import requests
from test_shipments import QUIET, ShipmentCase

from common import ACCESS_TOKEN, factory

from odoo.tools import mute_logger

from odoo.addons.salesorder_bigcommerce.services import shipments as bc_shipments
from odoo.addons.salesorder_bigcommerce.services.errors import BigCommerceError


class TrackingCase(ShipmentCase):

    def puts(self):
        return [r for r in self.server.requests if r.method == "PUT" and "/shipments/" in r.path]

    def shipment_requests(self):
        return [(r.method, r.path.split("?")[0].rsplit("/v2", 1)[-1]) for r in self.server.requests]

    def ups(self):
        carrier = self.env["delivery.carrier"].create({
            "name": "UPS Ground", "product_id": self.env["product.product"].create(
                {"name": "UPS", "type": "service"}).id})
        self.cart.carrier_map_ids = [(0, 0, {"carrier_id": carrier.id, "shipping_provider": "ups",
                                             "tracking_carrier": "ups"})]
        return carrier


class TestRetryAfterALostAnswer(TrackingCase):

    @mute_logger(*QUIET)
    def test_tracking_typed_after_a_lost_answer_ships_the_partial_delivery_once(self):
        order, invoice = self.imported("sales_invoice", lines=[factory.line(self.mug, 4)])
        picking = invoice.bigcommerce_picking_ids
        self.validate(picking, {"MUG": 2})             # a backorder of 2, no tracking yet
        backorder = invoice.bigcommerce_picking_ids - picking
        self.store.shipment_lost_responses = 1         # the store makes it, the answer is lost
        self.send()
        self.assertEqual(picking.bigcommerce_shipment_state, "error")
        made, = self.shipments(order)
        picking.carrier_tracking_ref = "1Z-LATE"       # the label is printed, its number typed in
        self.assertEqual(picking.bigcommerce_shipment_state, "error", "still a retry")
        self.server.reset_requests()
        self.send()
        line = self.line_id(order, "MUG")
        shipment, = self.shipments(order)
        self.assertEqual(shipment["id"], made["id"])
        self.assertEqual((self.items(shipment), shipment["tracking_number"]), ({line: 2}, "1Z-LATE"))
        self.assertEqual((picking.bigcommerce_shipment_state, picking.bigcommerce_shipment_ids),
                         ("sent", str(made["id"])))
        self.assertFalse(self.posts(), "the retry found its shipment: no second one")
        self.assertEqual(len(self.puts()), 1, "its tracking number was put on it")
        self.assertEqual(self.store.order_products[order["id"]][0]["quantity_shipped"], 2)
        self.assertIn("1Z-LATE", shipment["generated_tracking_link"])
        # The backorder ships the other two, with its own tracking number.
        self.validate(backorder, tracking="1Z-REST")
        self.send()
        first, second = self.shipments(order)
        self.assertEqual((self.items(second), second["tracking_number"]), ({line: 2}, "1Z-REST"))
        self.assertEqual(first["tracking_number"], "1Z-LATE")
        self.assertEqual(self.store.order_products[order["id"]][0]["quantity_shipped"], 4)

    @mute_logger(*QUIET)
    def test_a_retry_never_takes_the_shipment_another_delivery_kept(self):
        order, invoice = self.imported("sales_invoice", lines=[factory.line(self.mug, 4)])
        picking = invoice.bigcommerce_picking_ids
        self.validate(picking, {"MUG": 2})             # sent, no tracking: shipment 1
        backorder = invoice.bigcommerce_picking_ids - picking
        self.send()
        kept, = self.shipments(order)
        self.validate(backorder)                       # the same items, no tracking: lost answer
        self.store.shipment_lost_responses = 1
        self.send()
        self.assertEqual(backorder.bigcommerce_shipment_state, "error")
        backorder.carrier_tracking_ref = "1Z-BACK"
        self.send()
        first, second = self.shipments(order)
        self.assertEqual(first["id"], kept["id"])
        self.assertEqual((first["tracking_number"], second["tracking_number"]), ("", "1Z-BACK"),
                         "the tracking went on the backorder's own shipment")
        self.assertEqual((picking.bigcommerce_shipment_ids, backorder.bigcommerce_shipment_ids),
                         (str(first["id"]), str(second["id"])))
        self.assertEqual(len(self.posts()), 2)

    @mute_logger(*QUIET)
    def test_an_unexpected_failure_makes_the_next_send_a_retry(self):
        """An error that is not BigCommerce's (a bug, a database error) after the post:
        the delivery is to retry, and the retry finds the shipment whatever its tracking."""
        order, invoice = self.imported("sales_invoice", lines=[factory.line(self.mug, 4)])
        picking = self.validate(invoice.bigcommerce_picking_ids, {"MUG": 2})
        Picking = type(picking)
        sent = Picking._bigcommerce_sent

        def crash(records, result):
            if result.posted:
                raise RuntimeError("something broke after the post")
            return sent(records, result)

        Picking._bigcommerce_sent = crash
        try:
            self.send()
        finally:
            Picking._bigcommerce_sent = sent
        self.assertEqual((picking.bigcommerce_shipment_state, picking.bigcommerce_shipment_ids),
                         ("error", False))
        self.assertIn("something broke", picking.bigcommerce_shipment_error)
        picking.carrier_tracking_ref = "1Z-AFTER-BUG"
        self.send()
        shipment, = self.shipments(order)
        self.assertEqual((picking.bigcommerce_shipment_state, shipment["tracking_number"]), ("sent", "1Z-AFTER-BUG"))


class TestTrackingAfterTheSend(TrackingCase):

    def test_tracking_set_after_the_send_is_put_on_the_shipment(self):
        carrier = self.ups()
        order, invoice = self.imported("sales_invoice")
        picking = self.validate(invoice.bigcommerce_picking_ids)     # Send to Shipper comes after
        self.send()
        shipment, = self.shipments(order)
        self.assertEqual((picking.bigcommerce_shipment_state, shipment["tracking_number"]), ("sent", ""))
        cron = self.env.ref("salesorder_bigcommerce.ir_cron_bigcommerce_shipments")
        triggers = self.env["ir.cron.trigger"].search_count([("cron_id", "=", cron.id)])
        self.server.reset_requests()
        picking.write({"carrier_tracking_ref": "1Z-AFTER", "carrier_id": carrier.id})
        self.assertFalse(self.server.requests, "the write does not wait on BigCommerce")
        self.assertEqual((picking.bigcommerce_shipment_state, picking.bigcommerce_shipment_update),
                         ("to_send", True))
        self.assertEqual(self.env["ir.cron.trigger"].search_count([("cron_id", "=", cron.id)]), triggers + 1)
        self.send()
        shipment, = self.shipments(order)
        self.assertEqual((shipment["tracking_number"], shipment["shipping_provider"], shipment["tracking_carrier"]),
                         ("1Z-AFTER", "ups", "ups"))
        self.assertEqual(self.shipment_requests(),
                         [("PUT", f"/orders/{order['id']}/shipments/{shipment['id']}")], "one PUT, never a POST")
        self.assertEqual((picking.bigcommerce_shipment_state, picking.bigcommerce_shipment_update,
                          picking.bigcommerce_shipment_ids), ("sent", False, str(shipment["id"])))
        self.assertIn("Tracking of shipment", picking.message_ids[0].body)
        # The same value again changes nothing; another one is put again.
        picking.carrier_tracking_ref = "1Z-AFTER"
        self.assertEqual(picking.bigcommerce_shipment_state, "sent")
        picking.carrier_tracking_ref = "1Z-FIXED"
        self.send()
        self.assertEqual(self.shipments(order)[0]["tracking_number"], "1Z-FIXED")
        self.assertFalse(self.posts())

    def test_only_the_deliverys_own_shipments_get_its_tracking(self):
        home = factory.address(first_name="Jane", street_1="1 Home Street")
        office = factory.address(first_name="Jane", last_name="At Work", street_1="9 Office Park")
        lines = [factory.line(self.mug, 2, ship_to=0), factory.line(self.book, 1, ship_to=1)]
        order, invoice = self.imported("sales_invoice", lines=lines, shipping=[home, office])
        home_picking, office_picking = invoice.bigcommerce_picking_ids.sorted("id")
        for picking in (home_picking, office_picking):
            self.validate(picking, tracking="T-SAME")
        self.send()
        office_picking.carrier_tracking_ref = "T-OFFICE"
        self.assertEqual(home_picking.bigcommerce_shipment_state, "sent")
        self.send()
        tracking = {s["id"]: s["tracking_number"] for s in self.shipments(order)}
        self.assertEqual(tracking, {int(home_picking.bigcommerce_shipment_ids): "T-SAME",
                                    int(office_picking.bigcommerce_shipment_ids): "T-OFFICE"})
        self.assertEqual(len(self.puts()), 1)

    @mute_logger(*QUIET)
    def test_a_failed_update_is_retried_never_posted(self):
        order, invoice = self.imported("sales_invoice")
        picking = self.validate(invoice.bigcommerce_picking_ids, tracking="T-OLD")
        self.send()
        picking.carrier_tracking_ref = "T-NEW"
        self.server.inject(503, count=2, path_contains="/shipments/")    # its one retry too
        self.send()
        self.assertEqual((picking.bigcommerce_shipment_state, picking.bigcommerce_shipment_update),
                         ("error", True))
        self.assertIn("503", picking.bigcommerce_shipment_error)
        self.assertEqual(self.shipments(order)[0]["tracking_number"], "T-OLD")
        self.send()
        shipment, = self.shipments(order)
        self.assertEqual((picking.bigcommerce_shipment_state, shipment["tracking_number"]), ("sent", "T-NEW"))
        self.assertEqual(len(self.posts()), 1)

    @mute_logger(*QUIET)
    def test_a_shipment_deleted_in_the_store_holds_the_update(self):
        order, invoice = self.imported("sales_invoice")
        picking = self.validate(invoice.bigcommerce_picking_ids, tracking="T-OLD")
        self.send()
        shipment, = self.shipments(order)
        url = (f"{self.server.base_url}/stores/{self.store.store_hash}/v2/orders/{order['id']}"
               f"/shipments/{shipment['id']}")
        requests.delete(url, headers={"X-Auth-Token": ACCESS_TOKEN}, timeout=10).raise_for_status()
        picking.carrier_tracking_ref = "T-NEW"
        self.send()
        self.assertEqual((picking.bigcommerce_shipment_state, picking.bigcommerce_shipment_hold),
                         ("error", True), "a 404 is not retried on its own")
        self.assertFalse(self.posts()[1:], "never posted again")


class TestRequests(TrackingCase):

    def test_a_first_send_with_nothing_shipped_reads_no_shipments(self):
        order, invoice = self.imported("sales_invoice", lines=[factory.line(self.mug, 3)])
        picking = invoice.bigcommerce_picking_ids
        self.validate(picking, {"MUG": 2}, tracking="T-1")
        backorder = invoice.bigcommerce_picking_ids - picking
        self.server.reset_requests()
        self.send()
        path = f"/orders/{order['id']}"
        self.assertEqual(self.shipment_requests(), [("GET", path), ("POST", f"{path}/shipments")])
        # The backorder's order shows 2 shipped: its shipments are read first.
        self.validate(backorder, tracking="T-2")
        self.server.reset_requests()
        self.send()
        self.assertEqual(self.shipment_requests(),
                         [("GET", path), ("GET", f"{path}/shipments"), ("POST", f"{path}/shipments")])
        self.assertEqual(len(self.shipments(order)), 2)


class TestFakeShipmentPut(TrackingCase):
    """The fake store's PUT /v2/orders/{id}/shipments/{id} (orderShipment_Put)."""

    def put(self, order_id, shipment_id, body):
        url = f"{self.server.base_url}/stores/{self.store.store_hash}/v2/orders/{order_id}/shipments/{shipment_id}"
        return requests.put(url, json=body, headers={"X-Auth-Token": ACCESS_TOKEN}, timeout=10)

    def test_put_updates_the_tracking_and_refuses_what_the_spec_does_not_allow(self):
        order, invoice = self.imported("sales_invoice")
        self.validate(invoice.bigcommerce_picking_ids, tracking="T-1")
        self.send()
        shipment, = self.shipments(order)
        answer = self.put(order["id"], shipment["id"], {"tracking_number": "T-2", "shipping_provider": "fedex",
                                                        "tracking_carrier": "fedex"})
        self.assertEqual(answer.status_code, 200, answer.text)
        self.assertEqual((answer.json()["tracking_number"], answer.json()["shipping_provider_display_name"]),
                         ("T-2", "FedEx"))
        line = self.line_id(order, "MUG")
        for body in ({"items": [{"order_product_id": line, "quantity": 1}]}, {"shipping_provider": "dhl"},
                     {"tracking_number": "x" * 51}, {"tracking_number": 12}, {"order_address_id": 999999}):
            with self.subTest(body=body):
                self.assertEqual(self.put(order["id"], shipment["id"], body).status_code, 400)
        self.assertEqual(self.put(order["id"], shipment["id"] + 1000, {"tracking_number": "T"}).status_code, 404)
        self.assertEqual(self.put(order["id"] + 1000, shipment["id"], {"tracking_number": "T"}).status_code, 404)
        self.assertEqual(self.shipments(order)[0]["tracking_number"], "T-2")
        self.assertEqual(self.store.order_products[order["id"]][0]["quantity_shipped"], 3, "quantities stay")

    def test_the_client_reads_a_refused_put_as_a_lasting_refusal(self):
        order, invoice = self.imported("sales_invoice")
        self.validate(invoice.bigcommerce_picking_ids)
        self.send()
        shipment, = self.shipments(order)
        client = self.cart._get_client()
        with self.assertRaises(BigCommerceError) as caught:
            bc_shipments.put_tracking(client, order["id"], shipment["id"], {"shipping_provider": "dhl"})
        self.assertTrue(bc_shipments.is_lasting(caught.exception))

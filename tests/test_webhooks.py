"""Webhooks in (issue 14): BigCommerce's signed callbacks reach Odoo's route, are
checked, recorded once and become one pending import per order; Register
Webhooks makes the store's hooks once and revives deactivated ones.

Callbacks are signed here by hand from the Standard Webhooks spec
(fake_bigcommerce/hooks.py), not with the library Odoo verifies with. The
requests go through Odoo's real HTTP server (HttpCase, pytest --odoo-http)."""
import json
import re
import threading
import time
import unittest
from decimal import Decimal

from common import ACCESS_TOKEN, CLIENT_ID, STORE_HASH, AddonTestTags, factory
from fake_bigcommerce import FakeBigCommerce
from fake_bigcommerce.hooks import callback_payload, signed_callback
from fake_bigcommerce.server import ALL_SCOPES
from fake_bigcommerce.store import FakeStore
from shared_examples import shared_dir

import odoo
from odoo.exceptions import UserError
from odoo.tests.common import HttpCase, new_test_user

SECRET = "client-secret-of-the-api-account"
D = Decimal


def sample_callback(name, resource_id):
    """An official sample payload (webhook_callbacks/data), about our order: its hash as is."""
    payload = json.loads((shared_dir() / "webhook_callbacks" / "data" / name).read_text())
    payload["data"]["id"] = resource_id
    return payload


class WebhookCase(AddonTestTags, HttpCase):

    test_tags = {"standard", "post_install"}

    @classmethod
    def setUpClass(cls):
        if odoo.service.server.server is None:
            raise unittest.SkipTest("needs Odoo's HTTP server: run pytest with --odoo-http")
        super().setUpClass()
        cls.server = FakeBigCommerce(store_hash=STORE_HASH, access_token=ACCESS_TOKEN, client_id=CLIENT_ID).start()
        cls.addClassCleanup(cls.server.stop)
        awaiting = cls.env["bigcommerce.order.status"].search([("bigcommerce_id", "=", 11)])
        cls.responsible = new_test_user(cls.env, login="webhook-responsible",
                                        groups="salesorder_bigcommerce.group_bigcommerce_manager")
        cls.cart = cls.env["bigcommerce.cart"].create({
            "name": "Webhook Store", "api_path": cls.server.api_path, "api_key": cls.server.api_key,
            "webhook_secret": SECRET, "auto_sync": "running", "import_orders_as": "sale_order",
            "import_status_ids": [(6, 0, awaiting.ids)], "user_id": cls.responsible.id})
        cls.Pending = cls.env["bigcommerce.pending.order"]

    def setUp(self):
        super().setUp()
        self.server.store = FakeStore(STORE_HASH, api_base=self.server.base_url)
        self.server.scopes = set(ALL_SCOPES)
        self.mug = self.server.store.add_product(factory.product(name="Mug", sku="MUG", price=D("12.50")))

    def add_order(self, **kwargs):
        kwargs.setdefault("lines", [factory.line(self.mug, 1)])
        return self.server.store.add_order(factory.order(**kwargs))

    def callback(self, scope, resource_id, secret=SECRET, cart=None, timestamp=None, payload=None, headers=None,
                 msg_id=None):
        payload = payload or callback_payload(STORE_HASH, scope, resource_id)
        body, signed = signed_callback(secret, payload, msg_id=msg_id, timestamp=timestamp)
        signed.update(headers or {})
        response = self.url_open(f"/bigcommerce/webhook/{(cart or self.cart).id}", data=body, headers=signed)
        return response, payload

    def pending(self):
        return self.Pending.search([("cart_id", "=", self.cart.id)]).mapped("bigcommerce_order_id")


class TestCallbacks(WebhookCase):

    def test_signed_callback_is_acknowledged_recorded_and_queued_without_calling_bigcommerce(self):
        order = self.add_order()
        self.server.reset_requests()
        response, payload = self.callback("store/order/created", order["id"])
        self.assertEqual((response.status_code, response.content), (200, b""))
        self.assertEqual(self.pending(), [order["id"]])
        self.assertEqual(self.server.requests, [], "no call to BigCommerce inside the request")
        event = self.env["bigcommerce.webhook.event"].search([("cart_id", "=", self.cart.id)])
        self.assertEqual((event.event_hash, event.scope, event.resource_id),
                         (payload["hash"], "store/order/created", order["id"]))
        self.assertTrue(event.event_key.startswith("msg_"), "keyed on the message's webhook-id")
        # Past the signature, the route works as the cart's Responsible, not the public user.
        self.assertEqual(event.create_uid, self.responsible)
        # The woken import (the cron path, without queue_job) imports it.
        self.cart._process_pending_orders()
        self.assertEqual(self.pending(), [])
        self.assertTrue(self.env["sale.order"].search([("bigcommerce_order_id", "=", order["id"]),
                                                       ("bigcommerce_cart_id", "=", self.cart.id)]))

    def test_forged_stale_and_unsigned_callbacks_get_401_and_write_nothing(self):
        order = self.add_order()
        response, _payload = self.callback("store/order/created", order["id"], secret="wrong-secret")
        self.assertEqual(response.status_code, 401)
        response, _payload = self.callback("store/order/created", order["id"], timestamp=time.time() - 3600)
        self.assertEqual(response.status_code, 401)
        response = self.url_open(f"/bigcommerce/webhook/{self.cart.id}",
                                 data=b'{"scope": "store/order/created", "data": {"id": 1}}',
                                 headers={"Content-Type": "application/json"})
        self.assertEqual(response.status_code, 401)
        self.assertFalse(self.pending())
        self.assertFalse(self.env["bigcommerce.webhook.event"].search([("cart_id", "=", self.cart.id)]))

    def test_replayed_event_is_acknowledged_and_ignored(self):
        order = self.add_order()
        _response, payload = self.callback("store/order/updated", order["id"], msg_id="msg_replayed")
        self.cart._process_pending_orders()
        # BigCommerce retries a message with its webhook-id (and a new timestamp, signed again).
        response, _payload = self.callback("store/order/updated", order["id"], payload=payload,
                                           msg_id="msg_replayed", timestamp=time.time() + 1)
        self.assertEqual(response.status_code, 200)
        self.assertFalse(self.pending(), "a replay queues nothing")
        self.assertEqual(self.env["bigcommerce.webhook.event"].search_count([("cart_id", "=", self.cart.id)]), 1)

    def test_burst_of_50_updates_leaves_one_pending_import(self):
        order = self.add_order()
        for _i in range(50):
            response, _payload = self.callback("store/order/updated", order["id"])
            self.assertEqual(response.status_code, 200)
        self.assertEqual(self.pending(), [order["id"]])
        self.server.reset_requests()
        self.cart._process_pending_orders()
        self.assertEqual(len([r for r in self.server.requests if "/v2/orders" in r.path]), 1)

    def test_official_samples_created_then_updated_twice_make_three_events(self):
        # The samples carry one hash (the SHA-1 of their data) for created and updated alike:
        # each message is an event all the same, and each makes the imported order pending again.
        order = self.add_order()
        created = sample_callback("store_order_created.json", order["id"])
        updated = sample_callback("store_order_updated.json", order["id"])
        self.assertEqual(created["hash"], updated["hash"])
        self.assertEqual(self.callback("store/order/created", 0, payload=created)[0].status_code, 200)
        self.cart._process_pending_orders()
        self.assertTrue(self.env["sale.order"].search([("bigcommerce_order_id", "=", order["id"]),
                                                       ("bigcommerce_cart_id", "=", self.cart.id)]))
        for message in ("msg_update_1", "msg_update_2"):
            response, _payload = self.callback("store/order/updated", 0, payload=updated, msg_id=message)
            self.assertEqual(response.status_code, 200)
            self.assertEqual(self.pending(), [order["id"]], "an update of an imported order is followed")
            self.cart._process_pending_orders()
            self.assertFalse(self.pending())
        events = self.env["bigcommerce.webhook.event"].search([("cart_id", "=", self.cart.id)])
        self.assertEqual(sorted(events.mapped("scope")),
                         ["store/order/created", "store/order/updated", "store/order/updated"])
        # A true retry of the last message (its webhook-id again) is still ignored.
        response, _payload = self.callback("store/order/updated", 0, payload=updated, msg_id="msg_update_2",
                                           timestamp=time.time() + 1)
        self.assertEqual(response.status_code, 200)
        self.assertFalse(self.pending())
        self.assertEqual(self.env["bigcommerce.webhook.event"].search_count([("cart_id", "=", self.cart.id)]), 3)

    def test_event_key_is_the_message_id_else_scope_time_and_hash(self):
        from odoo.addons.salesorder_bigcommerce.controllers.webhook import event_key  # noqa: PLC0415
        created = sample_callback("store_order_created.json", 250)
        updated = sample_callback("store_order_updated.json", 250)
        self.assertEqual(event_key(updated, {"webhook-id": "msg_1"}), "msg_1")
        self.assertEqual(event_key(updated, {}), event_key(dict(updated), {}))
        self.assertNotEqual(event_key(updated, {}), event_key(created, {}), "same hash, other scope")
        later = dict(updated, created_at=updated["created_at"] + 1)
        self.assertNotEqual(event_key(updated, {}), event_key(later, {}), "same hash, other time")

    def test_callback_during_the_import_of_its_order_is_not_lost(self):
        order = self.add_order()
        self.callback("store/order/created", order["id"])
        self.server.reset_requests()
        # The store answers the read slowly; meanwhile BigCommerce calls about the same order.
        self.server.inject_delay(2.0, path_contains="/v2/orders")
        answers = []

        def callback_during_the_read():
            deadline = time.monotonic() + 10
            while not self.order_reads() and time.monotonic() < deadline:
                time.sleep(0.02)
            answers.append(self.callback("store/order/updated", order["id"])[0].status_code)

        thread = threading.Thread(target=callback_during_the_read)
        thread.start()
        try:
            self.cart._process_pending_orders()
        finally:
            thread.join(30)
        self.assertEqual(answers, [200])
        self.assertEqual(len(self.order_reads()), 2, f"the order is read again for the callback that came "
                                                     f"while it was read: {self.order_reads()}")
        self.assertFalse(self.pending())

    def order_reads(self):
        """The requests reading orders (a list or one order), not their lines or refunds."""
        return [r.target for r in self.server.requests if re.search(r"/v2/orders(/\d+)?$", r.path)]

    def test_client_secret_pasted_with_spaces_or_a_line_break_is_stripped(self):
        order = self.add_order()
        self.cart.webhook_secret = f"  {SECRET}\n"
        self.assertEqual(self.cart.webhook_secret, SECRET)
        self.assertEqual(self.callback("store/order/created", order["id"])[0].status_code, 200)
        cart = self.env["bigcommerce.cart"].create({
            "name": "Pasted secret", "api_path": self.server.api_path, "api_key": self.server.api_key,
            "webhook_secret": f"{SECRET}\r\n", "auto_sync": "running"})
        self.assertEqual(cart.webhook_secret, SECRET)
        self.assertEqual(self.callback("store/order/updated", order["id"], cart=cart)[0].status_code, 200)

    def test_order_in_a_status_not_imported_is_skipped_quietly(self):
        order = self.add_order(status_id=1)      # Pending: not among the cart's statuses
        self.callback("store/order/created", order["id"])
        self.cart._process_pending_orders()
        self.assertFalse(self.pending())
        self.assertFalse(self.env["bigcommerce.order.binding"].search(
            [("cart_id", "=", self.cart.id), ("bigcommerce_order_id", "=", order["id"])]))

    def test_item_callbacks_import_the_item_again_when_the_cart_exports_stock(self):
        product = self.cart.import_items([self.mug["id"]])
        self.cart.export_stock = True
        self.server.store.products[self.mug["id"]]["name"] = "Mug, renamed in the store"
        response, _payload = self.callback("store/product/updated", self.mug["id"])
        self.assertEqual(response.status_code, 200)
        self.assertFalse(self.pending(), "an item is no order")
        self.cart._cron_process_pending_orders()
        self.assertEqual(product.name, "Mug, renamed in the store")
        self.assertFalse(self.env["bigcommerce.webhook.event"].search(
            [("cart_id", "=", self.cart.id), ("item_pending", "=", True)]))
        # Without Export Stock, item callbacks are acknowledged and left alone.
        self.cart.export_stock = False
        self.server.store.products[self.mug["id"]]["name"] = "Mug, again"
        self.callback("store/product/updated", self.mug["id"])
        self.cart._cron_process_pending_orders()
        self.assertEqual(product.name, "Mug, renamed in the store")

    def test_stopped_unknown_or_unsigned_cart_gets_404(self):
        order = self.add_order()
        self.cart.auto_sync = "stopped"
        response, _payload = self.callback("store/order/created", order["id"])
        self.assertEqual(response.status_code, 404)
        self.cart.auto_sync = "running"
        response = self.url_open("/bigcommerce/webhook/999999", data=b"{}")
        self.assertEqual(response.status_code, 404)
        self.assertFalse(self.pending())


class TestRegistration(WebhookCase):

    def set_base_url(self, url):
        self.env["ir.config_parameter"].sudo().set_param("web.base.url", url)

    def test_register_creates_each_hook_once_and_revives_deactivated_ones(self):
        self.set_base_url("https://odoo.example.com")
        self.cart.action_register_webhooks()
        hooks = self.server.store.hooks
        destination = f"https://odoo.example.com/bigcommerce/webhook/{self.cart.id}"
        self.assertEqual({h["destination"] for h in hooks.values()}, {destination})
        self.assertIn("store/order/statusUpdated", {h["scope"] for h in hooks.values()})
        self.assertIn("created", self.cart.webhook_state)
        count = len(hooks)
        deactivated = next(iter(hooks))
        self.server.store.deactivate_hook(deactivated)
        self.cart.action_register_webhooks()
        self.assertEqual(len(hooks), count, "idempotent")
        self.assertTrue(hooks[deactivated]["is_active"])
        self.assertIn("re-activated", self.cart.webhook_state)

    def test_register_on_a_stopped_cart_registers_and_says_callbacks_are_refused(self):
        self.set_base_url("https://odoo.example.com")
        action = self.cart.action_register_webhooks()
        self.assertEqual(action["params"]["type"], "success")
        self.cart.auto_sync = "stopped"
        self.server.store.hooks.clear()
        action = self.cart.action_register_webhooks()
        self.assertTrue(self.server.store.hooks, "registered all the same")
        self.assertEqual(action["params"]["type"], "warning")
        self.assertIn("refuses BigCommerce's callbacks until it runs", action["params"]["message"])

    def test_odoo_not_reachable_from_the_internet_says_so(self):
        for url in ("http://localhost:8069", "https://192.168.1.10", "https://odoo.example.com:8443"):
            self.set_base_url(url)
            with self.assertRaisesRegex(UserError, "cannot reach this Odoo"):
                self.cart.action_register_webhooks()
        self.assertFalse(self.server.store.hooks)

    def test_secret_is_for_managers_only(self):
        user = odoo.tests.common.new_test_user(self.env, login="seller", groups="sales_team.group_sale_salesman")
        with self.assertRaises(odoo.exceptions.AccessError):
            self.cart.with_user(user).webhook_secret  # noqa: B018  # pylint: disable=pointless-statement

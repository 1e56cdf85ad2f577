"""Issue 14, points 3 and 5 through the real route: signed callbacks become import
jobs (salesorder_bigcommerce_queue), one per (cart, order), answered at once.

The requests go through Odoo's HTTP server (HttpCase, pytest --odoo-http);
callbacks are signed from the Standard Webhooks spec (fake_bigcommerce/hooks.py)."""
import unittest
from decimal import Decimal

from common import ACCESS_TOKEN, CLIENT_ID, STORE_HASH, AddonTestTags, factory
from fake_bigcommerce import FakeBigCommerce
from fake_bigcommerce.hooks import callback_payload, signed_callback
from fake_bigcommerce.store import FakeStore
from queue_common import skip_without_bridge

import odoo
from odoo import SUPERUSER_ID
from odoo.tests.common import HttpCase, new_test_user

from odoo.addons.salesorder_bigcommerce_queue.models.bigcommerce_cart import USE_JOBS_PARAM
from odoo.addons.salesorder_bigcommerce_queue.models.bigcommerce_queued_order import identity_key

SECRET = "client-secret-of-the-api-account"


class TestWebhookJobs(AddonTestTags, HttpCase):

    test_tags = {"standard", "post_install"}
    test_module = "salesorder_bigcommerce_queue"

    @classmethod
    def setUpClass(cls):
        if odoo.service.server.server is None:
            raise unittest.SkipTest("needs Odoo's HTTP server: run pytest with --odoo-http")
        super().setUpClass()
        skip_without_bridge(cls.env)
        cls.server = FakeBigCommerce(store_hash=STORE_HASH, access_token=ACCESS_TOKEN, client_id=CLIENT_ID).start()
        cls.addClassCleanup(cls.server.stop)
        awaiting = cls.env["bigcommerce.order.status"].search([("bigcommerce_id", "=", 11)])
        cls.responsible = new_test_user(cls.env, login="webhook-job-responsible",
                                        groups="salesorder_bigcommerce.group_bigcommerce_manager")
        cls.cart = cls.env["bigcommerce.cart"].create({
            "name": "Webhook Job Store", "api_path": cls.server.api_path, "api_key": cls.server.api_key,
            "webhook_secret": SECRET, "auto_sync": "running", "import_orders_as": "sale_order",
            "import_status_ids": [(6, 0, awaiting.ids)], "user_id": cls.responsible.id})
        cls.env["ir.config_parameter"].sudo().set_param(USE_JOBS_PARAM, "True")

    def setUp(self):
        super().setUp()
        self.server.store = FakeStore(STORE_HASH, api_base=self.server.base_url)
        self.mug = self.server.store.add_product(factory.product(name="Mug", sku="MUG", price=Decimal("12.50")))

    def add_order(self):
        return self.server.store.add_order(factory.order(lines=[factory.line(self.mug, 1)]))

    def callback(self, scope, resource_id):
        body, headers = signed_callback(SECRET, callback_payload(STORE_HASH, scope, resource_id))
        return self.url_open(f"/bigcommerce/webhook/{self.cart.id}", data=body, headers=headers)

    def jobs(self):
        return self.env["queue.job"].browse(self.cart._queue_job_ids()).sorted("id")

    def test_a_burst_of_50_callbacks_for_one_order_makes_one_job(self):
        order = self.add_order()
        self.server.reset_requests()
        for scope in ["store/order/created"] + ["store/order/updated"] * 48 + ["store/order/statusUpdated"]:
            response = self.callback(scope, order["id"])
            self.assertEqual((response.status_code, response.content), (200, b""))
        self.assertEqual(self.server.requests, [], "no call to BigCommerce inside the requests")
        job = self.jobs()
        self.assertEqual(len(job), 1)
        self.assertEqual((job.state, job.channel, job.identity_key),
                         ("pending", "root.bigcommerce", identity_key(self.cart.id, order["id"])))
        pending = self.env["bigcommerce.pending.order"].search([("cart_id", "=", self.cart.id)])
        self.assertEqual((pending.queue_job_id, pending.callback_count, pending.queued_count), (job, 50, 50),
                         "one pending order, kept and marked with its job")
        self.assertEqual(self.cart.pending_order_count, 1)

    def test_a_callback_for_an_order_a_pass_handed_to_a_job_makes_no_other(self):
        first, second = self.add_order(), self.add_order()
        log = self.cart._sync_pass("manual", time_budget=3600)
        self.assertEqual(log.orders_queued, 2)
        page = self.jobs()
        self.assertEqual(self.callback("store/order/updated", second["id"]).status_code, 200)
        self.assertEqual(self.jobs(), page)
        self.assertEqual(self.callback("store/order/updated", first["id"] + 100).status_code, 200)
        self.assertEqual(len(self.jobs()), 2, "an order no job holds gets its own")

    def test_a_callbacks_job_is_the_responsibles_not_the_public_users(self):
        public = self.env.ref("base.public_user")
        order = self.add_order()
        self.assertEqual(self.callback("store/order/created", order["id"]).status_code, 200)
        job = self.jobs()
        self.assertNotEqual(job.user_id, public)
        self.assertEqual(job.user_id, self.responsible)
        # The job runs as its records' user: the documents and chatter are the Responsible's.
        self.assertEqual(job.records.env.uid, self.responsible.id)
        # A cart without a Responsible: OdooBot.
        self.cart.user_id = False
        other = self.add_order()
        self.assertEqual(self.callback("store/order/created", other["id"]).status_code, 200)
        self.assertEqual(self.jobs()[-1].user_id.id, SUPERUSER_ID)

    def test_an_item_callback_wakes_the_scheduled_action_that_imports_items(self):
        if "export_stock" not in self.cart._fields:
            self.skipTest("the connector has no stock export")
        cron = self.env.ref("salesorder_bigcommerce.ir_cron_bigcommerce_pending")
        Triggers = self.env["ir.cron.trigger"].sudo()
        triggers = Triggers.search_count([("cron_id", "=", cron.id)])
        self.assertEqual(self.callback("store/order/created", self.add_order()["id"]).status_code, 200)
        self.assertEqual(Triggers.search_count([("cron_id", "=", cron.id)]), triggers, "an order is a job")
        self.cart.export_stock = True
        self.assertEqual(self.callback("store/product/updated", self.mug["id"]).status_code, 200)
        self.assertEqual(Triggers.search_count([("cron_id", "=", cron.id)]), triggers + 1,
                         "items are imported by the scheduled action, woken at once")
        self.assertEqual(len(self.jobs()), 1, "an item makes no import job")

"""Two callbacks for one order at the same moment make one import job.

The pending order of a webhook is kept, marked with its job, until the job is
done: a second callback's upsert of that row, in a transaction that began
before the first one committed, fails with a serialization error, and Odoo's
HTTP layer retries it (``odoo.service.model.retrying``, what the route runs
under), which then sees the first job. And a job that finds an earlier job
still waiting for its order leaves the order to it.

TestTwoCursors commits into the database (two real transactions cannot see each
other otherwise) and removes what it made; the others run in the test's
transaction (queue_common.QueueCase)."""
import threading
import time
import unittest

from queue_common import QueueCase, skip_without_bridge

import odoo
from odoo import SUPERUSER_ID, api
from odoo.service.model import retrying

from odoo.addons.salesorder_bigcommerce.controllers.webhook import BigCommerceWebhookController
from odoo.addons.salesorder_bigcommerce_queue.models.bigcommerce_cart import USE_JOBS_PARAM
from odoo.addons.salesorder_bigcommerce_queue.models.bigcommerce_queued_order import identity_key

ORDER_ID = 987654


class TestTwoCursors(unittest.TestCase):

    def setUp(self):
        super().setUp()
        self.registry = odoo.modules.registry.Registry(odoo.tools.config["db_name"])
        if self.registry.in_test_mode():
            self.skipTest("needs real transactions: the registry is in test mode")
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            skip_without_bridge(env)
            Params = env["ir.config_parameter"]
            self.use_jobs = Params.get_param(USE_JOBS_PARAM)
            Params.set_param(USE_JOBS_PARAM, "True")
            self.cart_id = env["bigcommerce.cart"].create({
                "name": "Two callbacks at once", "api_path": "https://api.bigcommerce.com/stores/abc123/v3/",
                "api_key": "clientid:accesstoken", "webhook_secret": "s", "auto_sync": "running"}).id
        self.addCleanup(self.clean)

    def clean(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            cart = env["bigcommerce.cart"].browse(self.cart_id)
            env["queue.job"].browse(cart._queue_job_ids()).unlink()
            env["queue.job"].search([("identity_key", "=", identity_key(self.cart_id, ORDER_ID))]).unlink()
            cart.unlink()
            if self.use_jobs is None or self.use_jobs is False:
                env["ir.config_parameter"].search([("key", "=", USE_JOBS_PARAM)]).unlink()
            else:
                env["ir.config_parameter"].set_param(USE_JOBS_PARAM, self.use_jobs)

    def callback(self, env, name):
        cart = env["bigcommerce.cart"].browse(self.cart_id).sudo()
        payload = {"scope": "store/order/updated", "data": {"type": "order", "id": ORDER_ID}, "hash": "h",
                   "created_at": int(time.time())}
        BigCommerceWebhookController._record(cart, payload, {"webhook-id": f"msg_{name}"})

    def test_two_callbacks_at_once_make_one_job(self):
        first_done, second_began = threading.Event(), threading.Event()
        errors, tries = [], []

        def first():
            try:
                with self.registry.cursor() as cr:
                    self.callback(api.Environment(cr, SUPERUSER_ID, {}), "A")
                    first_done.set()
                    second_began.wait(10)
                    time.sleep(1.0)     # the second one's upsert waits on this row, then fails
            except Exception as error:  # noqa: BLE001
                errors.append(f"first: {error!r}")
                first_done.set()

        def second():
            try:
                with self.registry.cursor() as cr:
                    env = api.Environment(cr, SUPERUSER_ID, {})
                    first_done.wait(10)
                    cr.execute("SELECT count(*) FROM queue_job")     # its snapshot: before the first commits
                    second_began.set()

                    def record():
                        tries.append(1)
                        self.callback(env, "B")
                    retrying(record, env)       # what Odoo's HTTP layer runs a request under
            except Exception as error:  # noqa: BLE001
                errors.append(f"second: {error!r}")

        threads = [threading.Thread(target=first), threading.Thread(target=second)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        self.assertFalse(errors)
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            jobs = env["queue.job"].search([("identity_key", "=", identity_key(self.cart_id, ORDER_ID))])
            pending = env["bigcommerce.pending.order"].search([("cart_id", "=", self.cart_id)])
            self.assertEqual(len(jobs), 1, jobs.mapped("uuid"))
            self.assertEqual(len(tries), 2, "the second callback met the first one's row and was retried")
            self.assertEqual((pending.bigcommerce_order_id, pending.callback_count, pending.queue_job_id,
                              pending.queued_count), (ORDER_ID, 2, jobs, 2))
            self.assertEqual(len(env["bigcommerce.webhook.event"].search([("cart_id", "=", self.cart_id)])), 2)


class TestEarlierJob(QueueCase):

    def test_a_job_leaves_its_order_to_an_earlier_job_still_waiting(self):
        """Should two jobs hold one order (made at once), the later one does nothing; the
        earlier one, which reads the order when it starts, imports it."""
        order = self.add_order()
        self.callback(order["id"])
        first = self.jobs()
        first.sudo().state = "started"       # so that a second one is made, as a race would
        self.callback(order["id"])
        second = self.jobs() - first
        first.sudo().state = "pending"
        self.assertEqual((second.identity_key, first.identity_key), (identity_key(self.cart.id, order["id"]),) * 2)
        self.server.reset_requests()
        self.run_job(second)
        self.assertEqual(second.state, "done", second.exc_info)
        self.assertIn("earlier job", second.result)
        self.assertFalse(self.order_requests(), "the later job read nothing")
        self.assertFalse(self.documents(order))
        self.run_job(first)
        self.assertEqual(first.state, "done", first.exc_info)
        self.assertEqual(len(self.documents(order)), 1)
        self.assertFalse(self.env["bigcommerce.pending.order"].search([("cart_id", "=", self.cart.id)]))

    def test_a_job_started_first_is_no_reason_to_wait(self):
        """A running job may have read the order before the change: the later job imports."""
        order = self.add_order()
        self.callback(order["id"])
        first = self.jobs()
        first.sudo().state = "started"
        self.callback(order["id"])
        second = self.jobs() - first
        self.run_job(second)
        self.assertEqual(second.state, "done", second.exc_info)
        self.assertTrue(self.documents(order))

    def test_a_callback_while_its_job_runs_keeps_the_order_for_the_next_job(self):
        order = self.add_order()
        self.callback(order["id"])
        first = self.jobs()
        first.sudo().state = "started"
        self.callback(order["id"])          # a change the running job may not see
        second = self.jobs() - first
        pending = self.env["bigcommerce.pending.order"].search([("cart_id", "=", self.cart.id)])
        self.assertEqual((pending.queue_job_id, pending.queued_count), (second, 2))
        first.sudo().state = "pending"
        self.run_job(first)
        self.assertTrue(pending.exists(), "the first job leaves the row the second one holds")
        self.assertEqual(self.cart.pending_order_count, 1)
        self.run_job(second)
        self.assertFalse(pending.exists())

    def test_the_scheduled_action_leaves_rows_held_by_a_waiting_job(self):
        order = self.add_order()
        self.callback(order["id"])
        job = self.jobs()
        self.cart._cron_process_pending_orders()
        self.cart._cron_process_pending_orders()
        self.assertEqual((self.jobs(), job.state), (job, "pending"))
        self.assertEqual(self.cart.pending_order_count, 1)
        # A job gone (queue_job removed it) leaves its row to be handed over again.
        job.sudo().unlink()
        self.cart._cron_process_pending_orders()
        self.assertEqual(len(self.jobs()), 1)
        self.run_jobs()
        self.assertTrue(self.documents(order))
        self.assertFalse(self.env["bigcommerce.pending.order"].search([("cart_id", "=", self.cart.id)]))

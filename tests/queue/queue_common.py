"""Shared set-up of the bridge's tests (salesorder_bigcommerce_queue).

They run against a database where the bridge (and so OCA queue_job) is installed
(scripts/test.sh builds ``sobc_test_queue`` for them), never against the main
test database: there, imports must stay in the scheduled actions.

Jobs are run the way queue_job's runner has an Odoo worker run them
(``/queue_job/runjob``: RunJobController._runjob), in the test's transaction;
the registry is in test mode, so that the cursors queue_job and the bridge open
for a failing job are savepoints of that transaction, never commits.
"""
import datetime as dt
import unittest
from decimal import Decimal
from unittest.mock import patch

from common import BigCommerceCase, factory

from odoo.addons.queue_job.controllers.main import RunJobController
from odoo.addons.queue_job.job import Job
from odoo.addons.salesorder_bigcommerce.services.parsing import parse_datetime
from odoo.addons.salesorder_bigcommerce_queue.models.bigcommerce_cart import USE_JOBS_PARAM

D = Decimal
T0 = dt.datetime(2026, 3, 1, 9, 0, 0, tzinfo=dt.timezone.utc)
AWAITING_FULFILLMENT, PENDING = 11, 1


def modified(order):
    return parse_datetime(order["date_modified"])


def skip_without_bridge(env):
    """These tests need a database where the bridge is installed (sobc_test_queue)."""
    if not env["ir.module.module"].search_count([("name", "=", "salesorder_bigcommerce_queue"),
                                                 ("state", "=", "installed")]):
        raise unittest.SkipTest("salesorder_bigcommerce_queue is not installed in this database: "
                                "run scripts/test.sh tests/queue (database sobc_test_queue)")


class QueueCase(BigCommerceCase):
    """A cart syncing sale orders from the fake store, with imports as jobs."""

    test_module = "salesorder_bigcommerce_queue"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        skip_without_bridge(cls.env)
        # As HttpCase does: a cursor opened by the code (queue_job stores a failed or
        # postponed job with one; the bridge writes a failing order's activity with one)
        # is a savepoint of the test's transaction, never a commit into the database.
        cls.registry.enter_test_mode(cls.cr)
        cls.addClassCleanup(cls.registry.leave_test_mode)
        awaiting = cls.env["bigcommerce.order.status"].search([("bigcommerce_id", "=", AWAITING_FULFILLMENT)])
        cls.cart.write({"import_status_ids": [(6, 0, awaiting.ids)], "import_orders_as": "sale_order",
                        "auto_sync": "running"})
        cls.env["ir.config_parameter"].sudo().set_param(USE_JOBS_PARAM, "True")
        cls.Cart = type(cls.cart)

    def setUp(self):
        super().setUp()
        self.store = self.server.store
        self.store.set_now(T0)
        self.mug = self.store.add_product(factory.product(name="Mug", sku="MUG", price=D("12.50")))

    # -- the store -------------------------------------------------------

    def add_order(self, status_id=AWAITING_FULFILLMENT, seconds=60, **kwargs):
        self.store.advance(seconds)
        kwargs.setdefault("lines", [factory.line(self.mug, 1)])
        return self.store.add_order(factory.order(status_id=status_id, **kwargs))

    def order_requests(self):
        return [r for r in self.server.requests if "/v2/orders" in r.path]

    # -- Odoo ------------------------------------------------------------

    def sync(self, **kwargs):
        kwargs.setdefault("time_budget", 3600)
        return self.cart._sync_pass("manual", **kwargs)

    def callback(self, order_id):
        """What the webhook route does for an order callback (controllers/webhook.py)."""
        self.env["bigcommerce.pending.order"]._touch(self.cart.id, order_id)
        self.cart._webhook_wake()

    def jobs(self, state=None):
        """The cart's import jobs, oldest first."""
        jobs = self.env["queue.job"].browse(self.cart._queue_job_ids()).sorted("id")
        return jobs.filtered(lambda j: j.state == state) if state else jobs

    def held(self, job):
        return sorted(self.env["bigcommerce.queued.order"].search([("job_id", "=", job.id)])
                      .mapped("bigcommerce_order_id"))

    def run_job(self, job):
        """Run a stored job as the runner has a worker run it: started, performed under
        queue_job's no-commit guard, then done, postponed (RetryableJobError) or failed."""
        self.assertIn(job.state, ("pending", "enqueued"), job.exc_message)
        runnable = Job.load(self.env, job.uuid)
        runnable.set_started()
        runnable.store()
        self.env.flush_all()      # _acquire_job commits the start before the job runs
        # _runjob rolls back after a retryable error, which a test transaction forbids:
        # the job's own work was already undone in its savepoint.
        with patch.object(self.env.cr, "rollback", lambda: None):
            self.job_error = None
            try:
                RunJobController._runjob(self.env, runnable)
            except Exception as error:  # noqa: BLE001 - a failed job: _runjob stored it, re-raised for the HTTP layer
                self.job_error = error
        # What the worker's transactions wrote, read afresh (as the next request would).
        self.env.invalidate_all()
        return job

    def run_jobs(self, rounds=5):
        """Run the waiting jobs (those made meanwhile too) whose time has come."""
        for _round in range(rounds):
            ready = self.jobs().filtered(
                lambda j: j.state in ("pending", "enqueued") and (not j.eta or j.eta <= dt.datetime.now()))
            if not ready:
                return
            for job in ready:
                self.run_job(job)

    def imported_ids(self):
        return sorted(self.cart.order_binding_ids.mapped("bigcommerce_order_id"))

    def documents(self, order):
        return self.env["sale.order"].search([("bigcommerce_cart_id", "=", self.cart.id),
                                              ("bigcommerce_order_id", "=", order["id"])])

    def activities(self):
        return self.env["mail.activity"].search([("res_model", "=", "bigcommerce.cart"),
                                                 ("res_id", "=", self.cart.id)])

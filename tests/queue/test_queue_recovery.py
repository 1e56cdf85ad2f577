"""Orders held by import jobs that will not import them come back without a person:
jobs failed on the store are requeued by the next pass that reaches it; with jobs
switched off, the scheduled action imports the orders of the jobs still waiting;
a job leaving an order to an earlier one hands it the webhook's pending row."""
from common import factory
from queue_common import QueueCase

from odoo.addons.salesorder_bigcommerce_queue.models.bigcommerce_cart import USE_JOBS_PARAM


class TestQueueRecovery(QueueCase):

    def pending(self):
        return self.env["bigcommerce.pending.order"].search([("cart_id", "=", self.cart.id)])

    def fail_jobs(self, jobs, status):
        """Run these jobs while the store answers `status` to every order request, past
        their retries (max_retries 1: the first try that meets it is the last)."""
        self.server.inject(status, count=500, path_contains="/orders")
        for job in jobs:
            job.max_retries = 1
            self.run_job(job)
        self.server.clear_injections()
        self.assertEqual(set(jobs.mapped("state")), {"failed"}, jobs.mapped("exc_message"))

    def bindings(self, order):
        return self.env["bigcommerce.order.binding"].search([("cart_id", "=", self.cart.id),
                                                             ("bigcommerce_order_id", "=", order["id"])])

    def test_jobs_failed_on_a_store_outage_are_requeued_once_the_store_answers(self):
        passed = self.add_order()
        self.sync()
        hooked = self.add_order(seconds=60)
        self.callback(hooked["id"])
        later = self.add_order(seconds=600)
        self.sync()                 # a page job for `later`; the cursor is past `hooked` too
        last = self.add_order(seconds=3600)
        self.sync()
        jobs = self.jobs()
        self.assertEqual(len(jobs), 4)
        self.assertTrue(self.pending().queue_job_id)
        orders = [passed, hooked, later, last]
        self.fail_jobs(jobs, 503)
        self.assertFalse(self.cart.sync_failure_ids, "an outage is no order's own failure")
        self.assertFalse(any(self.documents(o) for o in orders))

        # The store answers again: the next pass imports the order it re-reads (`last`,
        # in its overlap) and requeues the other failed jobs, which import theirs.
        self.store.advance(60)
        log = self.sync()
        self.assertEqual(log.state, "done", log.message)
        self.assertEqual(jobs.mapped("state"), ["pending", "pending", "pending", "done"])
        self.assertEqual(jobs[:3].mapped("retry"), [0, 0, 0])
        self.run_jobs()
        self.assertEqual(set(jobs.mapped("state")), {"done"}, jobs.mapped("exc_message"))
        for order in orders:
            self.assertEqual(len(self.documents(order)), 1, order["id"])
            self.assertEqual(len(self.bindings(order)), 1, order["id"])
        self.assertFalse(self.pending())
        self.assertFalse(self.env["bigcommerce.queued.order"].search([("cart_id", "=", self.cart.id)]))
        # Nothing left: a later pass requeues nothing.
        self.sync()
        self.assertFalse(self.jobs("pending"))

    def test_a_job_failed_on_refused_credentials_is_requeued_once_they_work(self):
        order = self.add_order()
        self.callback(order["id"])
        job = self.jobs()
        filler = self.add_order(seconds=3600)
        self.sync()                 # the cursor moves past the order its job holds
        self.server.inject(401)
        self.run_job(job)
        self.assertEqual(job.state, "failed")
        # While the credentials are refused the pass fails before reaching the store: no requeue.
        self.server.inject(401, count=50)
        self.sync()
        self.assertEqual(job.state, "failed")
        self.server.clear_injections()
        self.sync()
        self.assertEqual(job.state, "pending")
        self.run_jobs()
        self.assertEqual(job.state, "done", job.exc_info)
        self.assertEqual(len(self.documents(order)), 1)
        self.assertEqual(len(self.documents(filler)), 1)
        self.assertFalse(self.pending())

    def test_a_job_failed_on_its_own_order_is_not_requeued(self):
        poison = self.add_order(billing=factory.address(country_iso2="ZZ", email="zed@example.com"))
        self.callback(poison["id"])
        job = self.jobs()
        self.run_job(job)
        job.eta = False
        self.run_job(job)
        self.assertEqual(job.state, "failed")
        self.assertEqual(self.cart.sync_failure_ids.bigcommerce_order_id, poison["id"])
        self.sync()       # the pass retries the order itself (and fails again): the job stays failed
        self.assertEqual(job.state, "failed")
        self.assertEqual(len(self.jobs()), 1)

    # -- jobs switched off --------------------------------------------------

    def test_jobs_off_the_scheduled_action_imports_orders_of_waiting_jobs(self):
        passed = self.add_order()
        hooked = self.add_order()
        filler = self.add_order(seconds=3600)
        self.sync()                     # one page job; the cursor at `filler`
        self.callback(hooked["id"])     # held by the page job already: no job of its own
        page = self.jobs()
        self.assertEqual(self.held(page), sorted(o["id"] for o in (passed, hooked, filler)))
        self.env["ir.config_parameter"].sudo().set_param(USE_JOBS_PARAM, "False")
        self.store.advance(60)
        self.sync()                     # re-reads `filler` only (the overlap)
        self.assertFalse(self.documents(passed))
        # Waiting more than an hour is still told with jobs off.
        self.env.cr.execute("UPDATE queue_job SET date_created = date_created - interval '2 hours' WHERE id = %s",
                            [page.id])
        page.invalidate_recordset()
        self.assertEqual(self.cart._queue_stale_jobs(), 1)

        self.env["bigcommerce.cart"]._cron_process_pending_orders()
        for order in (passed, hooked, filler):
            self.assertEqual(len(self.documents(order)), 1, order["id"])
            self.assertEqual(len(self.bindings(order)), 1, order["id"])
        self.assertEqual(page.state, "cancelled")
        self.assertFalse(self.pending())
        self.assertFalse(self.env["bigcommerce.queued.order"].search([("cart_id", "=", self.cart.id)]))
        self.assertEqual(self.cart._queue_stale_jobs(), 0)

    def test_jobs_off_orders_of_a_job_failed_on_the_store_wait_for_it_to_answer(self):
        order = self.add_order()
        self.sync()
        page = self.jobs()
        self.fail_jobs(page, 503)
        self.env["ir.config_parameter"].sudo().set_param(USE_JOBS_PARAM, "False")
        self.server.inject(503, count=500, path_contains="/orders")
        self.env["bigcommerce.cart"]._cron_process_pending_orders()
        self.assertEqual(page.state, "cancelled")
        self.assertEqual(self.pending().bigcommerce_order_id, order["id"])
        self.assertFalse(self.documents(order))
        self.server.clear_injections()
        self.env["bigcommerce.cart"]._cron_process_pending_orders()
        self.assertEqual(len(self.documents(order)), 1)
        self.assertFalse(self.pending())

    # -- a job leaving its order to an earlier one ----------------------------

    def test_a_job_yielding_to_an_earlier_one_hands_it_the_pending_order(self):
        order, _other = self.add_order(), self.add_order()
        self.sync()
        first = self.jobs()             # a page job of two orders (no identity key) holds the order
        self.callback(order["id"])
        self.assertEqual(self.pending().queue_job_id, first)
        # Two callbacks at once may make two jobs for one order (bigcommerce_queued_order.py):
        # a second job for it, made as a concurrent callback would have.
        second = self.cart._queue_delay([order["id"]], "webhook", {})
        self.assertNotEqual(second, first)
        self.pending().queue_job_id = second
        self.run_job(second)
        self.assertEqual(second.state, "done", second.exc_info)
        self.assertIn("earlier job", second.result)
        self.assertEqual(self.pending().queue_job_id, first, "the row follows the earlier job")

        # That job cancelled in Job Queue: the order is handed to a new job, which imports it.
        first.button_cancelled()
        self.cart._process_pending_orders()
        third = self.jobs("pending")
        self.assertEqual(len(third), 1)
        self.assertEqual(self.pending().queue_job_id, third)
        self.run_jobs()
        self.assertEqual(len(self.documents(order)), 1)
        self.assertFalse(self.pending())

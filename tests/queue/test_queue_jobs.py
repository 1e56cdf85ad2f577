"""Issue 14, point 3: with salesorder_bigcommerce_queue, imports run as queue_job jobs.

A pass hands each page to one job (and moves the cursor with it); a webhook's
order gets a job of its own; one (cart, order) is held by one waiting job; a rate
limit retries the job after BigCommerce's reset time; a poison order fails its
own job with its reason and the cart's activity, never its page; jobs commit
nothing. Without jobs (queue_job absent, or switched off) the scheduled actions
import as before."""
import ast
import datetime as dt
import re
from pathlib import Path
from unittest.mock import patch

from common import factory
from queue_common import AWAITING_FULFILLMENT, PENDING, QueueCase, modified

from odoo.addons.salesorder_bigcommerce_queue.models.bigcommerce_cart import RACE_RETRY_SECONDS, USE_JOBS_PARAM
from odoo.addons.salesorder_bigcommerce_queue.models.bigcommerce_queued_order import identity_key

REPO = Path(__file__).resolve().parents[2]


class TestPassToJobs(QueueCase):

    def test_a_pass_hands_each_page_to_one_job_and_moves_the_cursor(self):
        orders = [self.add_order() for _i in range(4)]
        other = self.add_order(status_id=PENDING)
        log = self.sync(batch_size=2)
        self.assertEqual(log.state, "done", log.message)
        # Nothing imported by the pass itself: three pages, three jobs.
        self.assertFalse(self.imported_ids())
        jobs = self.jobs()
        self.assertEqual([self.held(job) for job in jobs],
                         [[orders[0]["id"], orders[1]["id"]], [orders[2]["id"], orders[3]["id"]]])
        self.assertEqual(set(jobs.mapped("channel")), {"root.bigcommerce"})
        self.assertEqual(set(jobs.mapped("state")), {"pending"})
        # The page of the order in another status made no job: skipped by the pass.
        self.assertEqual((log.orders_queued, log.orders_skipped, log.orders_seen), (4, 1, 5))
        self.assertIn("4 orders sent to import jobs", log.message)
        # The cursor passed every order, each now held by a job (or skipped).
        self.assertEqual(self.cart.sync_cursor, modified(other))
        self.assertEqual(self.cart.pending_order_count, 4)

        self.server.reset_requests()
        self.run_jobs()
        self.assertEqual(set(jobs.mapped("state")), {"done"}, jobs.mapped("exc_info"))
        self.assertEqual(self.imported_ids(), sorted(o["id"] for o in orders))
        # Each job read its page again in one request (an id range), as the store has it now.
        self.assertEqual(len(self.order_requests()), 2)
        self.assertFalse(self.env["bigcommerce.queued.order"].search([("cart_id", "=", self.cart.id)]))
        self.assertEqual(self.cart.pending_order_count, 0)

        # The next pass re-reads the overlap: imported and unchanged, no job.
        log = self.sync()
        self.assertEqual((log.orders_queued, log.orders_already_imported), (0, 4))
        self.assertEqual(len(self.jobs()), 2)

    def test_a_changed_order_already_imported_is_followed_by_a_job(self):
        order = self.add_order()
        self.sync()
        self.run_jobs()
        self.store.advance(3600)
        self.store.update_order(order["id"], status_id=5)     # cancelled in the store
        log = self.sync()
        self.assertEqual(log.orders_queued, 1)
        self.run_jobs()
        self.assertEqual(self.documents(order).state, "cancel")

    def test_jobs_commit_nothing(self):
        """The runner's guard (queue_job refuses a commit inside a job) holds: the jobs
        end done, and their work is in the worker's transaction, committed by queue_job."""
        orders = [self.add_order() for _i in range(3)]
        self.sync()
        with patch.object(type(self.cart), "_sync_commit_batch") as commit_batch:
            self.run_jobs()
        self.assertEqual(self.jobs().mapped("state"), ["done"])
        commit_batch.assert_not_called()
        self.assertEqual(self.imported_ids(), sorted(o["id"] for o in orders))
        self.assertIn("3 created", self.jobs().result)


class TestOneJobPerOrder(QueueCase):
    """The identity key of (cart, order): a webhook and a pass make one job."""

    def test_a_burst_of_callbacks_for_one_order_makes_one_job(self):
        order = self.add_order()
        for _i in range(5):
            self.callback(order["id"])
        job = self.jobs()
        self.assertEqual(len(job), 1)
        self.assertEqual((job.identity_key, job.priority), (identity_key(self.cart.id, order["id"]), 5))
        self.assertEqual(self.held(job), [order["id"]])
        pending = self.env["bigcommerce.pending.order"].search([("cart_id", "=", self.cart.id)])
        self.assertEqual((pending.queue_job_id, pending.callback_count, pending.queued_count), (job, 5, 5),
                         "the pending order is kept, marked with its job")
        self.assertEqual(self.cart.pending_order_count, 1)
        self.server.reset_requests()
        self.run_job(job)
        self.assertEqual(job.state, "done", job.exc_info)
        self.assertTrue(self.documents(order))
        self.assertEqual(len(self.order_requests()), 1)
        self.assertFalse(pending.exists(), "its job deleted it")
        self.assertEqual(self.cart.pending_order_count, 0)

    def test_a_webhook_then_a_pass_make_one_job_per_order(self):
        first, second = self.add_order(), self.add_order()
        self.callback(first["id"])
        webhook_job = self.jobs()
        log = self.sync()
        self.assertEqual(log.orders_queued, 2)
        page_job = self.jobs() - webhook_job
        self.assertEqual(self.held(webhook_job), [first["id"]])
        self.assertEqual(self.held(page_job), [second["id"]], "the page leaves out the order already waiting")
        self.run_jobs()
        self.assertEqual(self.imported_ids(), [first["id"], second["id"]])

    def test_a_pass_then_a_webhook_make_one_job_per_order(self):
        first, second = self.add_order(), self.add_order()
        self.sync()
        page_job = self.jobs()
        self.callback(second["id"])
        self.assertEqual(self.jobs(), page_job, "the waiting page job already holds the order")
        pending = self.env["bigcommerce.pending.order"].search([("cart_id", "=", self.cart.id)])
        self.assertEqual(pending.queue_job_id, page_job)
        self.run_jobs()
        self.assertEqual(self.imported_ids(), [first["id"], second["id"]])
        self.assertFalse(pending.exists())

    def test_a_change_while_the_job_runs_makes_a_new_job(self):
        """As queue_job's identity keys: only a job still waiting takes in a new change
        (a running one may have read the order before it)."""
        order = self.add_order()
        self.callback(order["id"])
        job = self.jobs()
        job.sudo().write({"state": "started"})     # a worker is on it
        self.callback(order["id"])
        self.assertEqual(len(self.jobs()), 2)

    def test_a_changed_order_requeues_its_failed_job_instead_of_a_new_one(self):
        order = self.add_order(billing=factory.address(country_iso2="ZZ"))
        self.callback(order["id"])
        job = self.jobs()
        self.run_job(job)
        job.eta = False
        self.run_job(job)
        self.assertEqual(job.state, "failed")
        # Met again by a pass, unchanged: no job; the pass tries it itself (as every failing order).
        log = self.sync()
        self.assertEqual((log.orders_queued, log.orders_failed), (0, 1))
        self.assertEqual((self.jobs(), job.state), (job, "failed"))
        # Changed in the store (a webhook says so): the same job runs again.
        self.callback(order["id"])
        self.assertEqual((self.jobs(), job.state), (job, "pending"))


class TestRateLimit(QueueCase):

    def test_a_rate_limit_retries_the_job_after_the_reset_time(self):
        order = self.add_order()
        self.callback(order["id"])
        job = self.jobs()
        self.server.inject(429, headers={"X-Rate-Limit-Time-Reset-Ms": "7000", "X-Retry-After": "7"})
        before = dt.datetime.now()
        self.run_job(job)
        self.assertEqual(job.state, "pending", job.exc_info)
        self.assertEqual(job.retry, 0, "a rate limit is not counted as a try")
        self.assertTrue(before + dt.timedelta(seconds=6) <= job.eta <= dt.datetime.now() + dt.timedelta(seconds=8),
                        (before, job.eta))
        self.assertIn("rate limit", job.result)
        self.assertFalse(self.documents(order))
        # After the reset the job runs again and imports the order.
        job.eta = False
        self.run_job(job)
        self.assertEqual(job.state, "done", job.exc_info)
        self.assertTrue(self.documents(order))

    def test_refused_credentials_fail_the_job_with_a_readable_message(self):
        order = self.add_order()
        self.callback(order["id"])
        job = self.jobs()
        self.server.inject(401)
        self.run_job(job)
        self.assertEqual(job.state, "failed")
        self.assertIn("BigCommerce:", job.exc_message)
        self.assertNotIn("Traceback", job.exc_message)
        self.assertNotIn(self.server.access_token, job.exc_message + (job.exc_info or ""))


class TestPoisonOrder(QueueCase):

    def test_a_poison_order_fails_its_own_job_never_its_page(self):
        self.cart.user_id = self.make_user("bc_queue_owner", "sales_team.group_sale_salesman")
        good = self.add_order()
        poison = self.add_order(billing=factory.address(country_iso2="ZZ", email="zed@example.com"))
        also_good = self.add_order()
        self.sync()
        page = self.jobs()
        self.run_job(page)
        # The page is done, its good orders imported; the poison order goes to a job of
        # its own, a few seconds later (with several workers, such a failure is most
        # often another job creating the same customer or tax at that moment).
        self.assertEqual(page.state, "done", page.exc_info)
        self.assertEqual(self.imported_ids(), [good["id"], also_good["id"]])
        lone = self.jobs() - page
        self.assertEqual((self.held(lone), lone.identity_key),
                         ([poison["id"]], identity_key(self.cart.id, poison["id"])))
        self.assertGreater(lone.eta, dt.datetime.now() + dt.timedelta(seconds=RACE_RETRY_SECONDS[0] - 2))
        self.assertIn(str(poison["id"]), page.result)
        self.assertFalse(self.activities())

        # Alone, it is tried once more a little later.
        lone.eta = False
        self.run_job(lone)
        self.assertEqual((lone.state, lone.retry), ("pending", 1))
        self.assertGreater(lone.eta, dt.datetime.now() + dt.timedelta(seconds=RACE_RETRY_SECONDS[0] - 2))
        self.assertFalse(self.activities())

        # Then it fails, with the reason, and the cart's activity written apart from the
        # job's transaction (which queue_job rolls back).
        notes = []
        original = type(self.cart)._sync_note_failures

        def spy(cart, report):
            notes.append(cart.env.cr)
            return original(cart, report)

        lone.eta = False
        with patch.object(type(self.cart), "_sync_note_failures", spy):
            self.run_job(lone)
        self.assertEqual(lone.state, "failed")
        self.assertIn(f"BigCommerce order {poison['id']} could not be imported", lone.exc_message)
        self.assertIn("ZZ", lone.exc_message)
        self.assertEqual(len(notes), 1)
        self.assertIsNot(notes[0], self.env.cr, "the activity is written in a transaction of its own")
        activity = self.activities()
        self.assertEqual(len(activity), 1)
        self.assertIn(str(poison["id"]), activity.summary)
        self.assertEqual(self.cart.sync_failure_ids.bigcommerce_order_id, poison["id"])
        self.assertFalse(self.documents(poison))

        # Fixed in Odoo: the next pass tries the failing order again itself, imports it,
        # closes the activity and sets its failed job done.
        self.env["res.country"].create({"name": "Zedland", "code": "ZZ"})
        self.cart.sync_cursor = modified(also_good) + dt.timedelta(hours=1)
        log = self.sync()
        self.assertEqual(log.orders_imported, 1, log.message)
        self.assertTrue(self.documents(poison))
        self.assertFalse(self.activities())
        self.assertEqual(lone.state, "done")
        self.assertFalse(self.cart.sync_failure_ids)

    def test_failing_orders_of_a_page_are_tried_again_together_then_alone(self):
        good = self.add_order()
        stuck = [self.add_order(billing=factory.address(country_iso2="ZZ", email=f"zed{i}@example.com"))
                 for i in range(2)]
        self.sync()
        page = self.jobs()
        self.run_job(page)
        self.assertEqual(self.imported_ids(), [good["id"]])
        again = self.jobs() - page
        self.assertEqual((self.held(again), again.identity_key), (sorted(o["id"] for o in stuck), False))
        # Still failing together: each goes to a job of its own.
        again.eta = False
        self.run_job(again)
        self.assertEqual(again.state, "done", again.exc_info)
        alone = self.jobs() - page - again
        self.assertEqual([self.held(job) for job in alone], [[o["id"]] for o in stuck])
        # The cause gone meanwhile (what another job was making), they import.
        self.env["res.country"].create({"name": "Zedland", "code": "ZZ"})
        alone.write({"eta": False})
        self.run_jobs()
        self.assertEqual(set(alone.mapped("state")), {"done"})
        self.assertEqual(self.imported_ids(), sorted([good["id"]] + [o["id"] for o in stuck]))
        self.assertFalse(self.activities())

    def test_a_webhook_for_a_poison_order_fails_its_job(self):
        poison = self.add_order(billing=factory.address(email=""))
        self.callback(poison["id"])
        job = self.jobs()
        self.run_job(job)
        job.eta = False
        self.run_job(job)
        self.assertEqual(job.state, "failed")
        self.assertIn("billing email", job.exc_message)
        self.assertEqual(len(self.activities()), 1)
        # Requeued by hand (Job Queue) and failing again: still one activity.
        job.requeue()
        self.run_job(job)
        job.eta = False
        self.run_job(job)
        self.assertEqual((job.state, len(self.activities())), ("failed", 1))
        self.assertEqual(self.cart.sync_failure_ids.failure_count, 2)


class TestWithoutJobs(QueueCase):
    """Without queue_job the connector imports in its scheduled actions, as before."""

    def test_the_main_addon_needs_neither_queue_job_nor_the_bridge(self):
        from odoo.modules.module import get_manifest

        closure, todo = set(), ["salesorder_bigcommerce"]
        while todo:
            name = todo.pop()
            if name not in closure:
                closure.add(name)
                todo.extend(get_manifest(name)["depends"])
        self.assertFalse(closure & {"queue_job", "salesorder_bigcommerce_queue"})
        importing = re.compile(r"^\s*(from|import)\s+(odoo\.addons\.)?(queue_job|salesorder_bigcommerce_queue)\b|"
                               r"^\s*from\s+\.+\s*import\s+.*queue", re.M)
        for path in (REPO / "salesorder_bigcommerce").rglob("*.py"):
            self.assertFalse(importing.search(path.read_text()), path)
        manifest = ast.literal_eval((REPO / "salesorder_bigcommerce_queue" / "__manifest__.py").read_text())
        self.assertEqual(manifest["depends"], ["salesorder_bigcommerce", "queue_job"])
        self.assertFalse(manifest.get("auto_install"), "installing queue_job alone changes nothing")

    def test_the_cron_path_still_imports_when_jobs_are_off(self):
        """The bridge switched off (system parameter): exactly the main addon's paths,
        which are those of a database without queue_job."""
        self.env["ir.config_parameter"].sudo().set_param(USE_JOBS_PARAM, "False")
        cron = self.env.ref("salesorder_bigcommerce.ir_cron_bigcommerce_pending")
        triggers = self.env["ir.cron.trigger"].search_count([("cron_id", "=", cron.id)])
        webhook_order = self.add_order()
        self.callback(webhook_order["id"])
        # The webhook woke the scheduled action, made no job.
        self.assertEqual(self.env["ir.cron.trigger"].search_count([("cron_id", "=", cron.id)]), triggers + 1)
        self.assertFalse(self.jobs())
        self.cart._cron_process_pending_orders()
        self.assertTrue(self.documents(webhook_order))
        # A pass imports itself.
        passed = self.add_order()
        log = self.sync()
        self.assertEqual((log.orders_imported, log.orders_queued), (1, 0))
        self.assertTrue(self.documents(passed))
        self.assertFalse(self.jobs())

    def test_status_not_imported_is_skipped_without_a_job(self):
        order = self.add_order(status_id=PENDING)
        log = self.sync()
        self.assertEqual((log.orders_skipped, log.orders_queued), (1, 0))
        self.assertFalse(self.jobs())
        self.store.advance(60)
        self.store.update_order(order["id"], status_id=AWAITING_FULFILLMENT)
        self.assertEqual(self.sync().orders_queued, 1)

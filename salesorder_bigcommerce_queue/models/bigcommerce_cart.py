"""Order imports as OCA queue_job jobs, spread over Odoo's workers and servers.

Without this addon the connector imports in its scheduled actions (a pass per
cart, pages committed one by one; the orders of webhooks by *BigCommerce:
Orders from Webhooks*). With it:

* a pass still reads the store's changed orders page by page (one request per
  250 orders) and still moves the cursor after each page, but hands each page's
  orders to one job instead of importing them: the job records and the cursor
  are committed together, so every order up to the cursor is imported, skipped,
  or held by a job (waiting, running, or failed and shown in Job Queue);
* a webhook's order gets a job of its own, whose queue_job ``identity_key`` is
  that of its (cart, order): a burst of callbacks makes one job;
* ``bigcommerce.queued.order`` says which job holds which order, so that a
  webhook and a pass for the same order make one job whichever comes first;
* a job reads its orders from the store when it starts (never a stale copy),
  leaves out those an earlier job still waiting holds (it reads them later:
  two callbacks at once may have made two jobs for one order),
  imports the new ones in the chosen statuses and follows those imported
  (``cart._import_or_update``), commits nothing (queue_job commits when it ends);
* BigCommerce's rate limit retries the job after the reset time it announces;
  a store that does not answer retries it on the job function's pattern;
* orders that fail never hold back their page: the page's job ends with the
  others imported and hands the failing ones to one job again, 5 to 15 s later
  (with several workers, most such failures are jobs creating the same customer
  or tax at the same moment, which a later try finds made), then each to a job
  of its own, tried twice, which then fails with the reason and the cart's
  activity for the order, written apart from the job's transaction (which
  queue_job rolls back);
* a pass makes the customers a page's new orders need before handing it over
  (one page at a time), so that parallel jobs do not each make a contact for
  the same customer.

The system parameter ``salesorder_bigcommerce_queue.use_jobs`` = ``False``
brings back the scheduled actions without uninstalling (e.g. while no job
runner runs).
"""
import logging
import math
import random
from datetime import timedelta

import psycopg2

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from odoo.addons.queue_job.exception import RetryableJobError
from odoo.addons.queue_job.job import Job
from odoo.addons.salesorder_bigcommerce.exceptions import BigCommerceUserError
from odoo.addons.salesorder_bigcommerce.importers.results import FAILED
from odoo.addons.salesorder_bigcommerce.models.bigcommerce_sync import SYNC_CLIENT_KEY
from odoo.addons.salesorder_bigcommerce.services import const
from odoo.addons.salesorder_bigcommerce.services.errors import BigCommerceError

from .bigcommerce_queued_order import FAILED_STATE, WAITING_STATES, identity_key

QUEUED_STATES = ("pending", "enqueued")     # a job that will read its orders later

_logger = logging.getLogger(__name__)

USE_JOBS_PARAM = "salesorder_bigcommerce_queue.use_jobs"
QUEUED = "queued"                   # Outcome status: handed to an import job
JOB_PAGE = const.MAX_PAGE_SIZE      # orders per job of a pass: one API page
RACE_RETRY_SECONDS = (5, 15)        # failing orders are tried again after this (random: jobs spread)
TRANSIENT_KINDS = ("timeout", "unreachable", "store_error")
PRIORITIES = {"webhook": 5, "pass": 10, "again": 10, "alone": 10}   # lower runs first
INLINE_KEY = "bigcommerce_queue_inline"         # context: import here, not in jobs
LOG_KEY = "bigcommerce_queue_log_id"            # context: the pass's sync log
STALE_AFTER = timedelta(hours=1)                # a job waiting longer: is the runner running?
JOB_METHOD = "_queue_import_orders"


class BigCommerceCart(models.Model):
    _inherit = "bigcommerce.cart"

    import_job_count = fields.Integer(
        compute="_compute_import_job_count", string="Import Jobs",
        help="Import jobs of this cart waiting, running or failed (Job Queue).")

    # ------------------------------------------------------------------
    # Jobs or scheduled actions
    # ------------------------------------------------------------------

    @api.model
    def _queue_enabled(self):
        """Imports run as jobs unless the system parameter says otherwise."""
        value = self.env["ir.config_parameter"].sudo().get_param(USE_JOBS_PARAM, "True")
        return str(value).strip().lower() not in ("0", "false", "no", "off")

    def _queue_use_jobs(self):
        return not self.env.context.get(INLINE_KEY) and self._queue_enabled()

    # ------------------------------------------------------------------
    # Enqueuing
    # ------------------------------------------------------------------

    def _queue_orders(self, orders, origin="pass", eta=None):
        """Hand orders of this cart to import jobs; returns {order id: queue.job}.

        `orders`: {BigCommerce order id: its date_modified, or None when unknown (a
        webhook)}. An order held by a waiting job gets no other job. One held by a failed
        job has that job requeued when the order changed since it failed (an unknown date
        counts as a change); unchanged, it is left out of the result, for the caller
        (a pass tries it again itself, as it does every failing order). The others go to
        new jobs: one per order for a webhook or an order to try alone, one per page of
        JOB_PAGE orders for a pass."""
        self.ensure_one()
        Jobs = self.env["queue.job"].sudo()
        holders = self.env["bigcommerce.queued.order"]._holders(self, list(orders))
        held, requeue, fresh = {}, set(), []
        for order_id, date_modified in orders.items():
            job_id, state, seen = holders.get(order_id, (None, None, None))
            if state in WAITING_STATES:
                held[order_id] = job_id
            elif state == FAILED_STATE:
                if not (date_modified and seen and date_modified <= seen):
                    held[order_id] = job_id
                    requeue.add(job_id)
            else:
                fresh.append(order_id)
        if requeue:
            _logger.info("BigCommerce cart %s: orders changed since their import job failed; requeued "
                         "job(s) %s", self.id, sorted(requeue))
            Jobs.browse(sorted(requeue)).requeue()
        size = 1 if origin in ("webhook", "alone") else JOB_PAGE
        for start in range(0, len(fresh), size):
            chunk = fresh[start:start + size]
            job = self._queue_delay(chunk, origin, {i: orders[i] for i in chunk}, eta=eta)
            held.update(dict.fromkeys(chunk, job.id))
        return {order_id: Jobs.browse(job_id) for order_id, job_id in held.items()}

    def _queue_delay(self, order_ids, origin, dates, eta=None):
        """One job for these orders (and the rows saying it holds them); its queue.job."""
        options = {"priority": PRIORITIES.get(origin, 10), "eta": eta,
                   "description": self._queue_job_description(order_ids, origin)}
        if len(order_ids) == 1:
            options["identity_key"] = identity_key(self.id, order_ids[0])
        delayable = self.with_delay(**options)
        job = (delayable._queue_import_orders(order_ids, again=True) if origin == "again"
               else delayable._queue_import_orders(order_ids))
        # A Job when made; the existing queue.job when its identity key was waiting;
        # None when queue_job runs jobs at once (QUEUE_JOB__NO_DELAY): then it is done.
        record = job.db_record() if isinstance(job, Job) else job
        record = (record or self.env["queue.job"]).sudo()
        if record:
            Held = self.env["bigcommerce.queued.order"].sudo()
            known = set(Held.search([("job_id", "=", record.id)]).mapped("bigcommerce_order_id"))
            Held.create([{"cart_id": self.id, "bigcommerce_order_id": order_id, "job_id": record.id,
                          "date_modified": dates.get(order_id)}
                         for order_id in order_ids if order_id not in known])
        return record

    def _queue_job_description(self, order_ids, origin):
        what = (_("order %s", order_ids[0]) if len(order_ids) == 1 else
                _("%(count)s orders (%(first)s … %(last)s)", count=len(order_ids),
                  first=min(order_ids), last=max(order_ids)))
        how = {"webhook": _("webhook"), "pass": _("auto-sync"), "again": _("failed in their page, again"),
               "alone": _("failed twice in a page, alone")}
        return _("BigCommerce %(cart)s: import %(what)s (%(origin)s)", cart=self.name, what=what,
                 origin=how.get(origin, origin))

    # ------------------------------------------------------------------
    # The job
    # ------------------------------------------------------------------

    def _queue_import_orders(self, order_ids, again=False):
        """Job: import these BigCommerce orders (the new ones in the chosen statuses) or
        follow their changes (those already imported), as the store has them now.

        Commits nothing (queue_job commits when the job ends). Orders that fail do not
        hold back the others: a page's job ends with them imported, and hands its failing
        orders to one job again a few seconds later (`again`: with several workers, most
        such failures are jobs creating the same customer or tax at the same moment,
        which a later try finds made), then each to a job of its own. A one-order job
        whose order fails is retried once a few seconds later, then fails with the
        reason and the cart's activity for the order (written apart: the failing job's
        transaction is rolled back). A rate limit retries the job after the store's
        reset time."""
        self.ensure_one()
        cart = self.exists()
        if not cart:
            return _("The cart no longer exists: nothing to import.")
        wanted = list(dict.fromkeys(int(i) for i in order_ids))
        earlier = cart._queue_held_earlier(wanted)
        if earlier:
            wanted = [order_id for order_id in wanted if order_id not in earlier]
            cart._queue_hand_pending_to(earlier)    # its webhook rows follow that job (recovery)
            if not wanted:
                cart._queue_held_rows().unlink()
                return _("Nothing to do: an earlier job still waiting imports order %s.",
                         ", ".join(map(str, sorted(earlier))))
        # A rate limit is not waited out here: the job is retried after the reset time,
        # and the worker is free meanwhile.
        client = cart._get_client(max_rate_limit_wait=0.0)
        cart = cart.with_company(cart.company_id).with_context(**{SYNC_CLIENT_KEY: client})
        try:
            with self.env.cr.savepoint():
                report = cart._import_or_update(wanted)
                failed = sorted({o.bigcommerce_id for o in report.by_status(FAILED) if o.bigcommerce_id})
                if failed and len(wanted) == 1:
                    raise _OrderFailed(report)      # undone (savepoint); retried or failed below
        except (BigCommerceUserError, BigCommerceError) as error:
            raise self._queue_store_error(error) from None
        except _OrderFailed as failure:
            raise cart._queue_order_failed(failure.report) from None
        held = cart._queue_held_rows()
        if failed:
            dates = {row.bigcommerce_order_id: row.date_modified for row in held}
            origin = "alone" if again or len(failed) == 1 else "again"
            cart._queue_orders({order_id: dates.get(order_id) for order_id in failed}, origin=origin,
                               eta=random.randint(*RACE_RETRY_SECONDS))
        held.unlink()
        cart._queue_forget_pending()
        summary = report.summary() or _("nothing to do")
        if failed:
            summary = _("%(summary)s; orders %(orders)s tried again in another job.", summary=summary,
                        orders=", ".join(map(str, failed)))
        return _("%(summary)s (%(requests)s API requests)", summary=summary, requests=client.request_count)

    def _queue_store_error(self, error):
        """The exception a job raises for an error of the store."""
        cause = error if isinstance(error, BigCommerceError) else getattr(error, "bigcommerce_error", None)
        if isinstance(error, BigCommerceError):
            error = BigCommerceUserError.from_error(self.env, error)
        message = error.args[0] if error.args else str(error)
        kind = getattr(cause, "kind", None)
        if kind == "rate_limited":
            seconds = max(1, math.ceil(getattr(cause, "retry_after", None) or const.DEFAULT_RATE_LIMIT_WAIT))
            # Not the job's fault: the try is not counted.
            return RetryableJobError(message, seconds=seconds, ignore_retry=True)
        if kind in TRANSIENT_KINDS:
            return RetryableJobError(message)     # the job function's retry pattern
        return UserError(message)                 # credentials, scopes, configuration: fails

    def _queue_order_failed(self, report):
        """The exception of a one-order job whose order failed: a retry a few seconds
        later the first time, then a failure with the reason, its activity written apart."""
        failure = report.by_status(FAILED)[0]
        message = _("BigCommerce order %(order)s could not be imported: %(reason)s",
                    order=failure.bigcommerce_id, reason=failure.reason)
        if self._queue_current_try() == 0:
            return RetryableJobError(message, seconds=RACE_RETRY_SECONDS)
        self._queue_note_failures_apart(report)
        return UserError(message)

    def _queue_current_try(self):
        """How many times the running job was tried before (0 the first time)."""
        job = self._queue_running_job()
        return job.retry if job else 0

    def _queue_note_failures_apart(self, report):
        """Remember the failing orders and raise their activity (main addon's
        _sync_note_failures) in a transaction of their own, committed now: the failing
        job's own transaction is rolled back by queue_job."""
        with self.env.registry.cursor() as cr:
            cr.execute("SET LOCAL lock_timeout = '30s'")
            env = self.env(cr=cr)
            self.with_env(env)._sync_note_failures(report)
            env.flush_all()     # (the cursor's commit flushes only environments still referenced)

    def _queue_running_job(self):
        uuid = self.env.context.get("job_uuid")
        return self.env["queue.job"].sudo().search([("uuid", "=", uuid)], limit=1) if uuid else None

    def _queue_held_earlier(self, order_ids):
        """{order id: earlier job id} of the orders of the running job that a job made
        before it, still waiting, holds too (by its rows or its identity key): that job
        reads them when it starts, after this one, so this one leaves them out. Only
        earlier jobs count: of two such jobs, the first always imports."""
        job = self._queue_running_job()
        if not job or not order_ids:
            return {}
        self.env.flush_all()
        self.env.cr.execute("""
            SELECT q.bigcommerce_order_id, min(j.id) FROM bigcommerce_queued_order q
              JOIN queue_job j ON j.id = q.job_id
             WHERE q.cart_id = %s AND q.bigcommerce_order_id = ANY(%s) AND j.id < %s AND j.state IN %s
             GROUP BY q.bigcommerce_order_id
        """, [self.id, list(order_ids), job.id, QUEUED_STATES])
        earlier = dict(self.env.cr.fetchall())
        if job.identity_key and len(order_ids) == 1 and not earlier:
            self.env.cr.execute("SELECT min(id) FROM queue_job WHERE identity_key = %s AND id < %s AND state IN %s",
                                [job.identity_key, job.id, QUEUED_STATES])
            first = self.env.cr.fetchone()[0]
            if first:
                earlier = {order_ids[0]: first}
        return earlier

    def _queue_forget_pending(self, job_ids=None, order_ids=None):
        """Delete the pending orders (webhooks') marked with the running job (or `job_ids`),
        but those a callback counted since they were handed over: their order waits for
        the job made for that callback."""
        if job_ids is None:
            job = self._queue_running_job()
            job_ids = job.ids if job else []
        if not job_ids:
            return
        query = ["DELETE FROM bigcommerce_pending_order WHERE queue_job_id = ANY(%s) "
                 "AND queued_count IS NOT DISTINCT FROM callback_count"]
        params = [list(job_ids)]
        if order_ids is not None:
            query.append("AND bigcommerce_order_id = ANY(%s)")
            params.append(list(order_ids))
        self.env["bigcommerce.pending.order"].flush_model()
        try:
            with self.env.cr.savepoint(flush=False):
                self.env.cr.execute(" ".join(query), params)
        except psycopg2.errors.SerializationFailure:
            # A callback counted one of them meanwhile: it stays, for that callback's job.
            _logger.info("BigCommerce cart %s: pending orders changed meanwhile, kept", self.id)
        self.env["bigcommerce.pending.order"].invalidate_model()

    def _queue_held_rows(self):
        """The rows saying the running job holds its orders (they go when it is done)."""
        uuid = self.env.context.get("job_uuid")
        Held = self.env["bigcommerce.queued.order"].sudo()
        return Held.search([("job_id.uuid", "=", uuid)]) if uuid else Held

    # ------------------------------------------------------------------
    # Failed jobs whose orders were imported since
    # ------------------------------------------------------------------

    def _sync_forget_failures(self, report):
        result = super()._sync_forget_failures(report)
        settled = {o.bigcommerce_id for o in report.outcomes if o.status != FAILED and o.bigcommerce_id}
        if settled and len(self) == 1:
            self._queue_close_failed_jobs(settled)
        return result

    def _queue_close_failed_jobs(self, settled):
        """Failed jobs holding orders now imported let go of them; a failed job left
        holding none is set done."""
        Held = self.env["bigcommerce.queued.order"].sudo()
        rows = Held.search([("cart_id", "=", self.id), ("bigcommerce_order_id", "in", list(settled)),
                            ("job_id.state", "=", FAILED_STATE)])
        if not rows:
            return
        jobs = rows.job_id
        rows.unlink()
        self._queue_forget_pending(jobs.ids, settled)
        # A failed job none of whose orders is still to import is done.
        done = jobs - Held.search([("job_id", "in", jobs.ids)]).job_id
        for job in done:
            job._change_job_state("done", result=_("Its orders were imported since (another job, a pass "
                                                   "or by hand)."))

    # ------------------------------------------------------------------
    # The cart's jobs
    # ------------------------------------------------------------------

    def _queue_job_ids(self, states=None, created_before=None):
        """Ids of the import jobs of this cart."""
        self.ensure_one()
        if not self._origin.id:
            return []
        # queue_job keeps `records` as a JSON text in a jsonb column: #>> '{}' reads it whatever.
        query = ["SELECT id FROM queue_job WHERE model_name = %s AND method_name = %s "
                 "AND ((records #>> '{}')::jsonb -> 'ids') @> %s::jsonb"]
        params = [self._name, JOB_METHOD, f"[{self._origin.id}]"]
        if states:
            query.append("AND state IN %s")
            params.append(tuple(states))
        if created_before:
            query.append("AND date_created < %s")
            params.append(created_before)
        self.env.flush_all()
        self.env.cr.execute(" ".join(query), params)
        return [row[0] for row in self.env.cr.fetchall()]

    def _compute_import_job_count(self):
        for cart in self:
            cart.import_job_count = len(cart._queue_job_ids(states=(*WAITING_STATES, "started", FAILED_STATE)))

    def action_view_import_jobs(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("queue_job.action_queue_job")
        action.update({
            "name": _("Import Jobs of %s", self.name),
            "domain": [("id", "in", self._queue_job_ids())],
            "context": {},
        })
        return action


class _OrderFailed(Exception):
    """Inside a one-order job: its order failed (the report says why)."""

    def __init__(self, report):
        super().__init__("order failed")
        self.report = report

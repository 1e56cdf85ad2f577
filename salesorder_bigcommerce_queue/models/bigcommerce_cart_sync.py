"""Where the connector's passes and webhooks meet the jobs (see bigcommerce_cart.py):
a webhook's orders become jobs of their own, a pass hands each page to one job."""
import logging
from datetime import datetime

import psycopg2

from odoo import _, models
from odoo.exceptions import UserError, ValidationError

from odoo.addons.salesorder_bigcommerce.exceptions import error_message
from odoo.addons.salesorder_bigcommerce.importers.customers import CustomerResolver
from odoo.addons.salesorder_bigcommerce.importers.results import ALREADY, FAILED, SKIPPED, ImportReport, Outcome

from .bigcommerce_cart import INLINE_KEY, LOG_KEY, QUEUED, STALE_AFTER
from .bigcommerce_queued_order import HOLDING_STATES, WAITING_STATES

_logger = logging.getLogger(__name__)


class BigCommerceCart(models.Model):
    _inherit = "bigcommerce.cart"

    # ------------------------------------------------------------------
    # Webhooks: one job per order
    # ------------------------------------------------------------------

    def _webhook_wake(self):
        if not self._queue_use_jobs():
            return super()._webhook_wake()
        for cart in self:
            cart._queue_pending_orders()
        # Items (when the cart exports stock) are no jobs: the scheduled action imports them.
        if self.env["bigcommerce.webhook.event"].sudo().search_count(
                [("cart_id", "in", self.ids), ("item_pending", "=", True)], limit=1):
            return super()._webhook_wake()
        return None

    def _process_pending_orders(self, page_size=None):
        """The scheduled action's path: with jobs, it only hands over what is left."""
        if not self._queue_use_jobs():
            return super()._process_pending_orders(page_size) if page_size else super()._process_pending_orders()
        self._queue_pending_orders()
        return None

    def _queue_pending_orders(self):
        """The orders webhooks announced become jobs. Their pending rows stay, marked with
        the job and the callback count it covers; the job deletes them when done
        (bigcommerce_queued_order.py says why: two callbacks at once make one job). A row
        is handed over again when a callback counted it since, or when its job is gone or
        ended without deleting it."""
        self.ensure_one()
        rows = self._queue_pending_rows()
        if not rows:
            return
        jobs = self._queue_orders(dict.fromkeys(order_id for _id, order_id, _count in rows), origin="webhook")
        marked = [(row_id, jobs[order_id].id, count) for row_id, order_id, count in rows if jobs.get(order_id)]
        if marked:
            # The rows were locked by their callbacks' upsert (or are locked here): a callback
            # for one of them committed since this transaction began fails it (serialization),
            # and it is retried, seeing the job.
            self.env.cr.execute("""
                UPDATE bigcommerce_pending_order p SET queue_job_id = r.job_id, queued_count = r.callback_count
                  FROM unnest(%s::int[], %s::int[], %s::int[]) AS r(id, job_id, callback_count)
                 WHERE p.id = r.id
            """, [[row[0] for row in marked], [row[1] for row in marked], [row[2] for row in marked]])
            self.env["bigcommerce.pending.order"].invalidate_model(["queue_job_id", "queued_count"])
        # Orders whose job ran at once (queue_job's QUEUE_JOB__NO_DELAY) are done.
        self._pending_done([row for row in rows if not jobs.get(row[1])])

    def _queue_pending_rows(self):
        """[(row id, order id, callback count)] of the pending orders to hand to jobs: not
        handed over yet, counted by a callback since, or whose job is gone or ended
        (done, cancelled) without deleting the row. Those of a job waiting, running or
        failed (which holds the order: bigcommerce.queued.order) stay as they are."""
        self.ensure_one()
        self.env["bigcommerce.pending.order"].flush_model()
        self.env.cr.execute("""
            SELECT p.id, p.bigcommerce_order_id, p.callback_count
              FROM bigcommerce_pending_order p
              LEFT JOIN queue_job j ON j.id = p.queue_job_id
             WHERE p.cart_id = %s
               AND (j.id IS NULL OR p.queued_count IS DISTINCT FROM p.callback_count OR j.state NOT IN %s)
             ORDER BY p.id
        """, [self.id, HOLDING_STATES])
        return self.env.cr.fetchall()

    def _compute_pending_order_count(self):
        """Orders waiting: the pending orders not held by a running or failed job, and the
        orders of the waiting jobs (each order once)."""
        super()._compute_pending_order_count()
        if not self.ids:
            return
        self.env["bigcommerce.pending.order"].flush_model()
        self.env.cr.execute("""
            SELECT cart_id, count(DISTINCT order_id) FROM (
                SELECT p.cart_id, p.bigcommerce_order_id AS order_id
                  FROM bigcommerce_pending_order p LEFT JOIN queue_job j ON j.id = p.queue_job_id
                 WHERE p.cart_id = ANY(%(carts)s) AND (j.id IS NULL OR j.state NOT IN ('started', 'failed'))
                 UNION
                SELECT q.cart_id, q.bigcommerce_order_id
                  FROM bigcommerce_queued_order q JOIN queue_job j ON j.id = q.job_id
                 WHERE q.cart_id = ANY(%(carts)s) AND j.state IN %(waiting)s
            ) waiting GROUP BY cart_id
        """, {"carts": self.ids, "waiting": WAITING_STATES})
        waiting = dict(self.env.cr.fetchall())
        for cart in self:
            cart.pending_order_count = waiting.get(cart.id, 0)

    # ------------------------------------------------------------------
    # Auto-sync passes: pages to jobs
    # ------------------------------------------------------------------

    def _sync_process(self, log, client, items, totals, move_cursor):
        # The batch's enqueuing counts its orders on the pass's log.
        return super(BigCommerceCart, self.with_context(**{LOG_KEY: log.id}))._sync_process(
            log, client, items, totals, move_cursor)

    def _sync_import_batch(self, items):
        """With jobs, a page of a pass is handed to one job, in the transaction that moves
        the cursor past it: new orders in the chosen statuses and imported orders changed
        since their import. New orders in other statuses are skipped here; imported ones
        unchanged since (the overlap re-read) are reported as already imported."""
        if not self._queue_use_jobs():
            return super()._sync_import_batch(items)
        report = ImportReport()
        orders = [item.order for item in items if item.order is not None]
        imported = dict(self.env["bigcommerce.order.binding"].search_fetch([
            ("cart_id", "=", self.id), ("bigcommerce_order_id", "in", [o.id for o in orders]),
            "|", ("sale_order_id", "!=", False), ("move_id", "!=", False)],
            ["bigcommerce_order_id", "date_modified"]).mapped(lambda b: (b.bigcommerce_order_id, b.date_modified)))
        allowed = set(self.import_status_ids.mapped("bigcommerce_id"))
        wanted = {}
        for order in orders:
            label = _("Order %s", order.id)
            if order.id in imported:
                if order.date_modified and order.date_modified == imported[order.id]:
                    report.add(Outcome(order.id, label, ALREADY, _("Unchanged since its import.")))
                else:
                    wanted[order.id] = order.date_modified
            elif order.status_id in allowed:
                wanted[order.id] = order.date_modified
            else:
                report.add(Outcome(order.id, label, SKIPPED, _(
                    "Its status %(status)s is not among Import Orders with Status.",
                    status=order.status or order.status_id)))
        self._queue_prepare_customers([o for o in orders if o.id in wanted and o.id not in imported])
        jobs = self._queue_orders(wanted, origin="pass")
        for order_id in jobs:
            report.add(Outcome(order_id, _("Order %s", order_id), QUEUED, jobs[order_id].name or ""))
        log = self.env["bigcommerce.sync.log"].browse(self.env.context.get(LOG_KEY))
        if log and jobs:
            log.orders_queued += len(jobs)
        for item in items:
            if item.order is None:
                report.add(Outcome(item.order_id, _("Order %s", item.order_id or "?"), FAILED,
                                   error_message(self.env, item.error)))
        # Orders whose job failed and that did not change since: tried again here, as
        # the pass tries every failing order (no new job, no requeue at every pass).
        again = [item for item in items if item.order is not None and item.order.id in wanted
                 and item.order.id not in jobs]
        if again:
            report.outcomes += super()._sync_import_batch(again).outcomes
        return report

    def _queue_prepare_customers(self, orders):
        """Make the customers a page's new orders need that Odoo does not have yet, here,
        in the pass, as the import of their first order would (importers.customers): the
        pass runs one page at a time, so parallel jobs find them instead of each making
        its own (Odoo has no unique email). A new registered customer gets its contact
        and its link, a new guest email its contact. Only the first order of each new
        customer is prepared: the pass stays a small part of the work. What fails here
        is left to the job."""
        if not orders:
            return
        cart = self.with_company(self.company_id)
        quiet_env = cart.env(context=dict(cart.env.context, tracking_disable=True, mail_create_nolog=True,
                                          mail_create_nosubscribe=True, mail_notrack=True))
        resolver = CustomerResolver(cart, quiet_env)
        linked = set(self.env["bigcommerce.partner.binding"].search([
            ("cart_id", "=", self.id), ("bigcommerce_customer_id", "in", [o.customer_id for o in orders])
        ]).mapped("bigcommerce_customer_id"))
        guest_emails = {(o.email or "").strip().lower() for o in orders if not o.customer_id} - {""}
        known = set(self.env["res.partner"].search(
            resolver._partner_domain() + [("email", "in", list(guest_emails))]).mapped("email")) \
            if guest_emails else set()
        first_orders = {}
        for order in orders:
            email = (order.email or "").strip().lower()
            if order.customer_id and order.customer_id not in linked:
                first_orders.setdefault(("customer", order.customer_id), order)
            elif not order.customer_id and email and email not in known:
                first_orders.setdefault(("guest", email), order)
        for order in first_orders.values():
            try:
                with self.env.cr.savepoint():
                    resolver.partners(order)
            except (UserError, ValidationError, psycopg2.Error) as error:
                resolver.forget()
                _logger.info("BigCommerce cart %s: customer of order %s left to its job: %s",
                             self.id, order.id, error)

    def _sync_retry_failures(self, log, client, done, totals, batch_size):
        # Orders that failed before are tried again by the pass itself, as without jobs
        # (a few per pass): a cause fixed in Odoo heals without a human, and queue_job
        # does not notify its managers of a failure every pass.
        return super(BigCommerceCart, self.with_context(**{INLINE_KEY: True}))._sync_retry_failures(
            log, client, done, totals, batch_size)

    def _sync_finish(self, log, state, message):
        if log.orders_queued:
            message = _("%(message)s %(count)s orders sent to import jobs (Job Queue, channel "
                        "root.bigcommerce).", message=message or "", count=log.orders_queued).strip()
        stale = self._queue_stale_jobs()
        if stale:
            message = _("%(message)s %(count)s import jobs have been waiting for more than an hour: is "
                        "Odoo's job runner running (--load=web,queue_job, workers, [queue_job] channels)?",
                        message=message or "", count=stale).strip()
        return super()._sync_finish(log, state, message)

    def _queue_stale_jobs(self):
        # Counted with jobs off too: their orders wait for _process_pending_orders meanwhile.
        limit = datetime.now() - STALE_AFTER
        return len(self._queue_job_ids(states=("pending",), created_before=limit))

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
from .bigcommerce_queued_order import WAITING_STATES

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
        """The orders webhooks announced become jobs; their pending rows go, but those a
        callback counted since they were read (its order waits for the next wake)."""
        self.ensure_one()
        rows = self._pending_rows()
        if rows:
            self._queue_orders(dict.fromkeys(order_id for _id, order_id, _count in rows), origin="webhook")
            self._pending_done(rows)

    def _compute_pending_order_count(self):
        super()._compute_pending_order_count()
        if not self.ids:
            return
        self.env.cr.execute("""
            SELECT q.cart_id, count(DISTINCT q.bigcommerce_order_id)
              FROM bigcommerce_queued_order q JOIN queue_job j ON j.id = q.job_id
             WHERE q.cart_id = ANY(%s) AND j.state IN %s
             GROUP BY q.cart_id
        """, [self.ids, WAITING_STATES])
        waiting = dict(self.env.cr.fetchall())
        for cart in self:
            cart.pending_order_count += waiting.get(cart.id, 0)

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
        if not self._queue_use_jobs():
            return 0
        limit = datetime.now() - STALE_AFTER
        return len(self._queue_job_ids(states=("pending",), created_before=limit))

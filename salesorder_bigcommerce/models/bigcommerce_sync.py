"""Auto-sync: keep Odoo in step with the store, without missing or duplicating orders.

In the manner of Odoo's marketplace connectors (sale_amazon): a cursor kept on
the cart (the latest BigCommerce ``date_modified`` actually processed, never
"now"), re-read with a small overlap; work in batches of one API page, each
committed, so a pass stopped by its time budget or by the rate limit is
resumed by the next one; per-order failures kept apart (remembered, signalled
once, retried) from the errors that stop a pass.

The binding table's unique (cart, order) constraint remains what guarantees
"never two documents"; the sync lock only keeps two passes of one cart from
doing the same work at the same time.
"""
import logging
from datetime import datetime, timedelta

import psycopg2

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..exceptions import error_message
from ..importers.order_changes import FOLLOW_LATER_KEY
from ..importers.order_feed import FeedItem, StatusFeed, StopPass, SyncTotals, next_batch
from ..importers.results import FAILED, ImportReport, Outcome
from ..services import const
from ..services.errors import BigCommerceError
from .bigcommerce_sync_log import SYNC_STATES

_logger = logging.getLogger(__name__)

# Each pass re-reads this much before the cursor: an order BigCommerce stamps
# with a date_modified slightly in the past (a slow write on its side) is not
# skipped. Orders re-read this way are reported as already imported.
SYNC_OVERLAP = timedelta(minutes=5)
MAX_RATE_LIMIT_WAIT = 60.0     # a longer BigCommerce wait stops the pass instead
MAX_RETRIES_PER_PASS = 25      # failed orders read again per pass (may be a request each)
SYNC_CLIENT_KEY = "bigcommerce_sync_client"


# ----------------------------------------------------------------------
# The cart
# ----------------------------------------------------------------------

class BigCommerceCart(models.Model):
    _inherit = "bigcommerce.cart"

    sync_cursor = fields.Datetime(
        string="Orders Synced Up To", copy=False,
        help="The latest BigCommerce modification date (UTC) of an order processed by "
             "auto-sync. Each pass reads the orders modified since this moment (minus 5 "
             "minutes). Empty: from the store's first order. Set it to start from a given "
             "moment. Choosing more statuses empties it, so that their older orders are "
             "imported too (orders already imported are left alone).")
    # Refunds may leave the order's date_modified alone: they are read by their own date,
    # from this cursor (the latest refund `created` a complete pass processed).
    refund_cursor = fields.Datetime(
        string="Refunds Synced Up To", readonly=True, copy=False,
        help="The latest BigCommerce creation date (UTC) of a refund auto-sync followed. Each complete "
             "pass reads the refunds created since this moment (minus 5 minutes).")
    last_sync_date = fields.Datetime(string="Last Sync", readonly=True, copy=False)
    # Moves when the cursor is reset (statuses added): a pass only moves the cursor of
    # the generation it started with.
    sync_generation = fields.Integer(readonly=True, copy=False, default=0)

    def write(self, vals):
        if "import_status_ids" not in vals or "sync_cursor" in vals:
            return super().write(vals)
        before = {cart: set(cart.import_status_ids.ids) for cart in self}
        result = super().write(vals)
        for cart in self:
            known = before[cart]
            added = cart.import_status_ids.filtered(lambda s, known=known: s.id not in known)
            if added:
                # The cursor only knows the statuses chosen so far: read from the start
                # again so the new statuses' older orders are not skipped. A pass running
                # now sees the generation change and stops instead of moving the cursor.
                cart.write({"sync_cursor": False, "refund_cursor": False,
                            "sync_generation": cart.sync_generation + 1})
                cart.message_post(body=_(
                    "Auto-sync will read the store's orders from the start, to import the older "
                    "orders in %(statuses)s too.", statuses=", ".join(added.mapped("name"))))
        return result
    last_sync_state = fields.Selection(SYNC_STATES, string="Last Sync Result", readonly=True, copy=False)
    sync_log_ids = fields.One2many("bigcommerce.sync.log", "cart_id", string="Sync Logs")
    sync_log_count = fields.Integer(compute="_compute_sync_log_count")
    sync_failure_ids = fields.One2many(
        "bigcommerce.sync.failure", "cart_id", string="Orders Failing to Import")

    def _compute_sync_log_count(self):
        counts = dict(self.env["bigcommerce.sync.log"]._read_group(
            [("cart_id", "in", self.ids)], ["cart_id"], ["__count"]))
        for cart in self:
            cart.sync_log_count = counts.get(cart, 0)

    # ------------------------------------------------------------------
    # Entry points: the button, the scheduled action
    # ------------------------------------------------------------------

    def action_sync(self):
        """One auto-sync pass for each cart (what the scheduled action runs).

        Run by hand (Sync Now) it returns a notification of the outcome."""
        if not self:
            return True
        self.check_access("write")
        trigger = self.env.context.get("bigcommerce_sync_trigger") or "manual"
        deadline = self.env.context.get("bigcommerce_sync_deadline")
        logs = self.env["bigcommerce.sync.log"]
        for index, cart in enumerate(self):
            if trigger == "manual":
                cart._check_import_statuses()
            budget = None
            if deadline is not None:
                # Carts share the run's time: a cart's backlog never starves the others.
                budget = (deadline - self._sync_clock()) / (len(self) - index)
                if budget <= 0:
                    _logger.info("BigCommerce cart %s: no time left in this run; synced next time.", cart.id)
                    continue
            logs |= cart.with_company(cart.company_id)._sync_pass(trigger, time_budget=budget)
        if trigger == "manual":
            return self._sync_notification(logs)
        return True

    @api.model
    def _cron_sync(self):
        """Scheduled action: one pass for every cart whose auto-sync is Running."""
        carts = self.search([("auto_sync", "=", "running")], order="last_sync_date asc nulls first, id")
        if not carts:
            return
        deadline = self._sync_clock() + self._sync_time_budget("cron")
        carts.with_context(bigcommerce_sync_trigger="cron", bigcommerce_sync_deadline=deadline).action_sync()

    def action_view_sync_logs(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("salesorder_bigcommerce.action_bigcommerce_sync_log")
        action["domain"] = [("cart_id", "=", self.id)]
        action["context"] = {"default_cart_id": self.id}
        return action

    def _sync_notification(self, logs):
        if not logs:
            title, message, kind = (_("Sync skipped"),
                                    _("A sync of this cart is already running; try again when it ends."),
                                    "warning")
        else:
            log = logs[-1]
            kind = {"done": "success", "stopped": "warning"}.get(log.state, "danger")
            title = {"done": _("Sync done"), "stopped": _("Sync stopped")}.get(log.state, _("Sync failed"))
            message = log.message or ""
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": title, "message": message, "type": kind, "sticky": kind != "success",
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    # ------------------------------------------------------------------
    # One pass
    # ------------------------------------------------------------------

    def _sync_pass(self, trigger="manual", time_budget=None, batch_size=None):
        """One auto-sync pass; returns its bigcommerce.sync.log (empty when another pass of
        the cart is running). Never raises for a store or order problem: the log says it.

        `time_budget` (seconds) and `batch_size` (orders per API page and commit) default
        to the configured ones."""
        self.ensure_one()
        Log = self.env["bigcommerce.sync.log"]
        if not self.import_status_ids:
            _logger.warning("BigCommerce cart %s: no Import Orders with Status chosen; auto-sync "
                            "does nothing.", self.id)
            return self._sync_finish(Log.create(self._sync_log_start_values(trigger)), "failed", _(
                "No Import Orders with Status chosen: nothing was imported. Choose at least one "
                "BigCommerce order status on the cart."))
        with self._sync_lock() as locked:
            if not locked:
                _logger.info("BigCommerce cart %s: a sync pass is already running; this one is "
                             "skipped.", self.id)
                return Log
            self._sync_close_interrupted_logs()
            log = Log.create(self._sync_log_start_values(trigger))
            self._sync_commit()
            if time_budget is None:
                time_budget = self._sync_time_budget(trigger)
            try:
                state, message = self._sync_run(log, time_budget, batch_size or const.MAX_PAGE_SIZE)
            except Exception as error:  # noqa: BLE001 - the log tells; the cron goes on with other carts
                _logger.exception("BigCommerce cart %s: sync pass failed", self.id)
                self._sync_rollback()
                state, message = "failed", _("Unexpected error: %s", error_message(self.env, error))
            return self._sync_finish(log, state, message)

    def _sync_run(self, log, budget, batch_size):
        """Import the changed orders batch by batch; returns the pass's (state, message)."""
        client = self._get_client(max_rate_limit_wait=min(MAX_RATE_LIMIT_WAIT, max(budget, 1.0)))
        cart = self.with_context(**{SYNC_CLIENT_KEY: client})
        since = self.sync_cursor - SYNC_OVERLAP if self.sync_cursor else None
        # Every status: an order already imported is followed whatever its status now
        # (cancelled, refunded); new orders are imported in the chosen statuses only.
        feeds = [StatusFeed(client, None, since, batch_size)]
        totals, done = SyncTotals(self.env, generation=self.sync_generation), set()
        start_cursor = self.sync_cursor
        # First time: refunds from the order cursor (kept, so a pass stopping early does not lose them).
        refunds_from = self.refund_cursor or start_cursor
        if refunds_from and not self.refund_cursor:
            self.refund_cursor = refunds_from
        started = self._sync_clock()
        longest = 0.0
        log.write({"cursor_from": since, "cursor_to": start_cursor})
        try:
            while not all(feed.exhausted and not feed.buffer for feed in feeds):
                batch_started = self._sync_clock()
                # Out of time, a pass stops, but only once its cursor moved: re-reading the
                # overlap (orders already imported) must not be all a short pass does.
                if self.sync_cursor != start_cursor and self._sync_out_of_time(started, longest, budget):
                    raise StopPass("stopped", _(
                        "Time budget of %(budget)s s used up: stopped after %(summary)s The next "
                        "pass resumes from here.", budget=round(budget), summary=totals.summary()))
                batch, error = next_batch(feeds, done, batch_size)
                if batch:
                    cart._sync_process(log, client, batch, totals, move_cursor=True)
                    longest = max(longest, self._sync_clock() - batch_started)
                if error:
                    raise self._sync_stop_for(error, totals)
                if not batch:
                    break
            if not self._sync_out_of_time(started, longest, budget):
                cart._sync_follow_refunds(log, client, refunds_from, done, totals, batch_size)
            if not self._sync_out_of_time(started, longest, budget):
                cart._sync_credit_pending(log, client, done, totals, batch_size)
            if not self._sync_out_of_time(started, longest, budget):
                cart._sync_retry_failures(log, client, done, totals, batch_size)
        except StopPass as stop:
            return stop.state, stop.message
        return "done", totals.summary()

    def _sync_process(self, log, client, items, totals, move_cursor):
        """Import one batch, note its failures, advance the cursor; then commit."""
        try:
            with self.env.cr.savepoint():
                report = self._sync_import_batch(items)
                self._sync_note_failures(report)
                totals.add(report)
                values = dict(totals.log_values(), request_count=client.request_count)
                cursor = self._sync_batch_cursor(items, totals) if move_cursor else None
                if cursor:
                    self._sync_move_cursor(cursor, totals)
                    values["cursor_to"] = cursor
                log.write(values)
        except UserError as error:
            # e.g. the items of the batch could not be read from the store: the whole
            # batch waits for the next pass (the cursor did not move).
            raise self._sync_stop_for(error, totals) from None
        self._sync_commit_batch()

    def _sync_import_batch(self, items):
        """Import the batch's new orders (in the chosen statuses) and follow the changes of
        those already imported (with their refunds, read in one call per 100 orders)."""
        orders = [item.order for item in items if item.order is not None]
        imported = set(self.env["bigcommerce.order.binding"].search([
            ("cart_id", "=", self.id), ("bigcommerce_order_id", "in", [o.id for o in orders]),
            "|", ("sale_order_id", "!=", False), ("move_id", "!=", False)]).mapped("bigcommerce_order_id"))
        new = [order for order in orders if order.id not in imported]
        report = (self.with_context(**{FOLLOW_LATER_KEY: True})._import_orders([order.id for order in new], orders=new)
                  if new else ImportReport())
        # The new orders that already show a refund are followed with the others (one read).
        self._update_orders_with_new([order for order in orders if order.id in imported],
                                     self._new_with_refunds(new, report), report)
        for item in items:
            if item.order is None:
                report.add(Outcome(item.order_id, _("Order %s", item.order_id or "?"), FAILED,
                                   error_message(self.env, item.error)))
        return report

    def _sync_batch_cursor(self, items, totals):
        """The cursor after a batch: its latest date_modified, never moving back (the
        overlap re-reads orders older than the cursor), and never past an order that
        did not parse and has no readable id (only reading the feed again retries it). Its
        date unreadable too, the cap is the date of the order read just before it."""
        for item in items:
            if item.order is None and not item.order_id:
                cap = item.date_modified or item.floor or self.sync_cursor or datetime.min
                totals.cursor_cap = min(filter(None, [totals.cursor_cap, cap]))
        dates = [item.date_modified for item in items if item.date_modified]
        if self.sync_cursor:
            dates.append(self.sync_cursor)
        latest = max(dates, default=None)
        if latest and totals.cursor_cap:
            latest = max(min(latest, totals.cursor_cap), self.sync_cursor or datetime.min)
        return latest if latest and latest != self.sync_cursor and latest != datetime.min else None

    def _sync_move_cursor(self, cursor, totals, field="sync_cursor"):
        """Move the cursor (or the refunds cursor, `field`), unless it was reset since the pass
        began (statuses added): then the pass stops and the next one reads from the start."""
        try:
            self.env.cr.execute("SELECT sync_generation FROM bigcommerce_cart WHERE id = %s FOR NO KEY UPDATE",
                                [self.id])
            generation = self.env.cr.fetchone()[0] or 0
        except psycopg2.errors.SerializationFailure:
            generation = None
        if generation != totals.generation:
            raise StopPass("stopped", self.env._(
                "The cart's statuses changed during the pass: stopped after %(summary)s The next pass "
                "reads the store from the start.", summary=totals.summary()))
        self[field] = cursor

    def _sync_retry_failures(self, log, client, done, totals, batch_size):
        """Read again the orders that failed before and were not met in this pass: once
        their cause is fixed (in Odoo or in the store) they import without waiting for a
        change in the store. The cursor does not move."""
        # Least recently tried first: with many failures, each gets its turn.
        failures = self.sync_failure_ids.sorted(lambda f: (f.last_failed_on or datetime.min, f.id))
        order_ids = [order_id for order_id in failures.mapped("bigcommerce_order_id")
                     if order_id and order_id not in done][:min(batch_size, MAX_RETRIES_PER_PASS)]
        if not order_ids:
            return
        items = self._sync_read_orders(client, order_ids, totals)
        found = {item.order_id for item in items}
        items += [FeedItem(order_id, None, error=_("Order %(id)s was not found in the store.", id=order_id))
                  for order_id in order_ids if order_id not in found]
        done.update(order_ids)
        self._sync_process(log, client, items, totals, move_cursor=False)

    def _sync_read_orders(self, client, order_ids, totals):
        """FeedItems of these orders read again by id (as few requests as their ids allow),
        those that do not parse included; a store error stops the pass."""
        errors = []
        try:
            orders = client.get_orders(order_ids, on_payload_error=lambda error, raw: errors.append((error, raw)))
        except BigCommerceError as error:
            raise self._sync_stop_for(error, totals) from None
        items = [FeedItem(order.id, order.date_modified, order=order) for order in orders]
        return items + [StatusFeed._unparsed(error, raw) for error, raw in errors]

    def _sync_stop_for(self, error, totals):
        """The StopPass for an error of the store: a long rate-limit wait stops the pass
        (the next one resumes), anything else fails it."""
        cause = error if isinstance(error, BigCommerceError) else getattr(error, "bigcommerce_error", None)
        if isinstance(cause, BigCommerceError) and cause.kind == "rate_limited":
            return StopPass("stopped", _(
                "BigCommerce rate limit reached (retry in %(wait)s s): stopped after %(summary)s "
                "The next pass resumes from here.",
                wait=round(cause.retry_after or 0), summary=totals.summary()))
        return StopPass("failed", _("Stopped by an error after %(summary)s %(error)s",
                                     summary=totals.summary(), error=error_message(self.env, error)))

    # ------------------------------------------------------------------
    # Sync log
    # ------------------------------------------------------------------

    def _sync_log_start_values(self, trigger):
        return {"cart_id": self.id, "trigger": trigger, "state": "running",
                "date_start": fields.Datetime.now(), "user_id": self.env.uid}

    def _sync_finish(self, log, state, message):
        log.write({"state": state, "message": message, "date_end": fields.Datetime.now()})
        self.write({"last_sync_date": log.date_end, "last_sync_state": state})
        level = logging.INFO if state == "done" else logging.WARNING
        _logger.log(level, "BigCommerce cart %s: sync %s: %s", self.id, state, message)
        self._sync_commit()
        return log

    def _sync_close_interrupted_logs(self):
        """Logs left 'running' by a pass that died (worker killed, time limit): we hold
        the lock, so none of them is still running."""
        self.env["bigcommerce.sync.log"].search([("cart_id", "=", self.id), ("state", "=", "running")]).write({
            "state": "failed", "date_end": fields.Datetime.now(),
            "message": _("Interrupted: the pass ended without finishing (worker stopped or time "
                         "limit reached). The next pass resumed from its last committed batch."),
        })

    # ------------------------------------------------------------------
    # One client for the whole pass
    # ------------------------------------------------------------------

    def _get_client(self, **options):
        # During a pass, the item imports of the order importer use the pass's client:
        # its request count (in the sync log) and its rate-limit patience hold for all.
        client = self.env.context.get(SYNC_CLIENT_KEY)
        if client is not None and not options:
            return client
        return super()._get_client(**options)

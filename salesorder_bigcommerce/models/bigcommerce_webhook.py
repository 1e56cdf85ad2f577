"""Webhooks in: BigCommerce's callbacks become orders to import or follow, soon.

A callback (controllers/webhook.py) is checked, recorded once per message
(``bigcommerce.webhook.event``, keyed on its Standard Webhooks ``webhook-id``)
and turned into one pending order per (cart, order) (``bigcommerce.pending.order``):
a burst of updates to one order is one import. Then the import is woken
(``cart._webhook_wake()``): the scheduled action *BigCommerce: Orders from
Webhooks* is triggered at once; the optional bridge
``salesorder_bigcommerce_queue`` makes it a queue_job instead. The auto-sync
pass stays the safety net: an order whose callback was lost is still met by
the next pass.
"""
import logging
from datetime import timedelta

import psycopg2

from odoo import api, fields, models

from ..exceptions import BigCommerceUserError, error_message
from ..importers.order_changes import FOLLOW_LATER_KEY
from ..importers.results import FAILED, ImportReport, Outcome
from ..services.errors import BigCommerceError

_logger = logging.getLogger(__name__)

ORDER_SCOPES = ("store/order/created", "store/order/updated", "store/order/statusUpdated",
                "store/order/refund/created")
ITEM_SCOPES = ("store/product/updated", "store/sku/created", "store/sku/updated")
PENDING_PAGE = 250
PASS_BUSY_RETRY_SECONDS = 60   # pending orders met while a pass holds the cart: tried again then
EVENT_DAYS_KEPT = 7


class BigCommerceWebhookEvent(models.Model):
    """A callback received and acknowledged; its message id makes a retry of it a no-op."""

    _name = "bigcommerce.webhook.event"
    _description = "BigCommerce Webhook Event"
    _order = "id desc"

    cart_id = fields.Many2one("bigcommerce.cart", required=True, ondelete="cascade", index=True)
    # The Standard Webhooks message id (webhook-id): one per message, the same on its retries.
    event_key = fields.Char(string="Message ID")
    # The payload's hash: it follows the data ({type, id}), so one order's events share it.
    event_hash = fields.Char()
    scope = fields.Char()
    resource_id = fields.Integer(string="BigCommerce Resource ID")
    received_on = fields.Datetime(default=fields.Datetime.now)
    # An item callback waits here for the item to be imported again (orders wait as pending orders).
    item_pending = fields.Boolean(index=True)
    company_id = fields.Many2one(related="cart_id.company_id", store=True)

    _sql_constraints = [
        ("event_key_unique", "unique(cart_id, event_key)", "This BigCommerce event was received already."),
    ]

    @api.autovacuum
    def _gc_events(self):
        self.search([("received_on", "<", fields.Datetime.subtract(fields.Datetime.now(), days=EVENT_DAYS_KEPT))
                     ]).unlink()


class BigCommercePendingOrder(models.Model):
    """An order a callback said changed, waiting for its import (one row per order)."""

    _name = "bigcommerce.pending.order"
    _description = "BigCommerce Order to Import (Webhook)"
    _order = "id"

    cart_id = fields.Many2one("bigcommerce.cart", required=True, ondelete="cascade", index=True)
    bigcommerce_order_id = fields.Integer(string="BigCommerce Order", required=True)
    received_on = fields.Datetime(default=fields.Datetime.now)
    # Counted up by each callback: an import removes the row only if none came since it was read.
    callback_count = fields.Integer(string="Callbacks", default=1, readonly=True)
    company_id = fields.Many2one(related="cart_id.company_id", store=True)

    _sql_constraints = [
        ("order_unique", "unique(cart_id, bigcommerce_order_id)", "This order is already waiting for its import."),
    ]

    @api.model
    def _touch(self, cart_id, order_id):
        """A callback for this order: its row made, or counted once more (one statement,
        safe when callbacks for one order arrive at once)."""
        self.env.cr.execute("""
            INSERT INTO bigcommerce_pending_order AS p (cart_id, bigcommerce_order_id, received_on, callback_count,
                                                        create_uid, create_date, write_uid, write_date)
            VALUES (%(cart)s, %(order)s, now() at time zone 'utc', 1,
                    %(uid)s, now() at time zone 'utc', %(uid)s, now() at time zone 'utc')
            ON CONFLICT (cart_id, bigcommerce_order_id) DO UPDATE
               SET received_on = EXCLUDED.received_on, write_uid = EXCLUDED.write_uid,
                   write_date = EXCLUDED.write_date, callback_count = COALESCE(p.callback_count, 0) + 1
        """, {"cart": cart_id, "order": order_id, "uid": self.env.uid})
        self.invalidate_model()


class BigCommerceCart(models.Model):
    _inherit = "bigcommerce.cart"

    # The API account's client secret: signs the callbacks (Standard Webhooks).
    webhook_secret = fields.Char(
        string="Client Secret", copy=False, groups="salesorder_bigcommerce.group_bigcommerce_manager",
        help="The CLIENT SECRET of the BigCommerce API account (its credentials file): BigCommerce "
             "signs its webhook callbacks with it.")
    webhook_state = fields.Text(string="Webhooks", readonly=True, copy=False,
                                help="The cart's webhooks as BigCommerce last reported them.")
    pending_order_count = fields.Integer(compute="_compute_pending_order_count", string="Orders Waiting")

    @api.model_create_multi
    def create(self, vals_list):
        return super().create([_strip_secret(vals) for vals in vals_list])

    def write(self, vals):
        return super().write(_strip_secret(vals))

    def _compute_pending_order_count(self):
        counts = dict(self.env["bigcommerce.pending.order"]._read_group(
            [("cart_id", "in", self.ids)], ["cart_id"], ["__count"]))
        for cart in self:
            cart.pending_order_count = counts.get(cart, 0)

    # ------------------------------------------------------------------
    # Waking the import
    # ------------------------------------------------------------------

    def _webhook_wake(self):
        """Have the pending orders imported soon: trigger the scheduled action (the
        queue_job bridge overrides this to enqueue jobs)."""
        self.env.ref("salesorder_bigcommerce.ir_cron_bigcommerce_pending").sudo()._trigger()

    def _process_pending_items(self):
        """Import again the items whose callbacks said they changed (a new variant, a
        new SKU): the stock push then knows every variant the store sells. Their stock
        is not pushed back here: BigCommerce moved it for an order Odoo has yet to ship."""
        self.ensure_one()
        events = self.env["bigcommerce.webhook.event"].search([("cart_id", "=", self.id), ("item_pending", "=", True)])
        product_ids = sorted(set(events.mapped("resource_id")) - {0})
        if product_ids:
            try:
                self._import_items(product_ids)
            except BigCommerceUserError as error:
                _logger.warning("BigCommerce cart %s: items from webhooks wait: %s", self.id, error.args[0])
                return
        events.write({"item_pending": False})

    @api.model
    def _cron_process_pending_orders(self):
        for cart in self.search([("auto_sync", "=", "running")]):
            cart._process_pending_orders()
            cart._process_pending_items()

    def _process_pending_orders(self, page_size=PENDING_PAGE):
        """Import or follow the orders callbacks announced, a page at a time (one
        request per page), each page committed. A rate limit or a store error leaves
        the rest waiting for the next run; a failing order is noted like in a pass."""
        self.ensure_one()
        with self._sync_lock() as locked:
            if not locked:
                # A pass of this cart is running; it may have read past these orders
                # already: look again shortly rather than at the next scheduled run.
                self.env.ref("salesorder_bigcommerce.ir_cron_bigcommerce_pending").sudo()._trigger(
                    fields.Datetime.now() + timedelta(seconds=PASS_BUSY_RETRY_SECONDS))
                return
            while True:
                rows = self._pending_rows(page_size)
                if not rows:
                    return
                try:
                    report = self._import_or_update([order_id for _id, order_id, _count in rows])
                except BigCommerceUserError as error:
                    _logger.warning("BigCommerce cart %s: orders from webhooks wait: %s", self.id, error.args[0])
                    return
                self._sync_note_failures(report)
                self._sync_commit_batch()     # the page's work first; then its rows, in a fresh snapshot
                self._pending_done(rows)
                self._sync_commit_batch()

    def _pending_rows(self, limit=None):
        """[(row id, order id, callback count)] of the orders waiting, oldest first."""
        self.ensure_one()
        self.env["bigcommerce.pending.order"].flush_model()
        self.env.cr.execute("""
            SELECT id, bigcommerce_order_id, callback_count FROM bigcommerce_pending_order
             WHERE cart_id = %s ORDER BY id LIMIT %s
        """, [self.id, limit])
        return self.env.cr.fetchall()

    def _pending_done(self, rows):
        """Remove these pending rows (from _pending_rows), once their orders are handled,
        except those a callback counted since they were read: that callback may tell of a
        change made after the order was read, so its order waits for the next round."""
        if not rows:
            return
        try:
            with self.env.cr.savepoint(flush=False):
                self.env.cr.execute("""
                    DELETE FROM bigcommerce_pending_order p
                     USING unnest(%s::int[], %s::int[]) AS r(id, callback_count)
                     WHERE p.id = r.id AND p.callback_count IS NOT DISTINCT FROM r.callback_count
                """, [[row[0] for row in rows], [row[2] for row in rows]])
        except psycopg2.errors.SerializationFailure:
            # A callback counted one of them in a transaction committed since ours began:
            # all of them wait for the next round (read again, imported once).
            _logger.info("BigCommerce cart %s: orders from webhooks changed meanwhile, kept", self.id)
        self.env["bigcommerce.pending.order"].invalidate_model()

    def _import_or_update(self, order_ids):
        """Read these orders (one request per page) and import the new ones in the chosen
        statuses, follow those already imported. The unit of work of a webhook or a job;
        commits nothing. Returns the ImportReport; a store error raises BigCommerceUserError."""
        self.ensure_one()
        cart = self.with_company(self.company_id)
        errors = []
        try:
            orders = cart._get_client().get_orders(
                list(order_ids), on_payload_error=lambda error, raw: errors.append((error, raw)))
        except BigCommerceError as error:
            raise BigCommerceUserError.from_error(self.env, error) from None
        imported = set(self.env["bigcommerce.order.binding"].search([
            ("cart_id", "=", self.id), ("bigcommerce_order_id", "in", [o.id for o in orders]),
            "|", ("sale_order_id", "!=", False), ("move_id", "!=", False)]).mapped("bigcommerce_order_id"))
        new = [order for order in orders if order.id not in imported]
        # As a sync batch: the refunds of the new orders and of those imported before, in one read.
        report = (cart.with_context(**{FOLLOW_LATER_KEY: True})._import_orders([o.id for o in new], orders=new)
                  if new else ImportReport())
        cart._update_orders_with_new([order for order in orders if order.id in imported],
                                     cart._new_with_refunds(new, report), report)
        for error, raw in errors:
            raw_id = raw.get("id") if isinstance(raw, dict) else None
            report.add(cart._failed_outcome(raw_id, error))
        return report

    def _failed_outcome(self, order_id, error):
        return Outcome(order_id or 0, self.env._("Order %s", order_id or "?"), FAILED, error_message(self.env, error))


def _strip_secret(vals):
    """A client secret pasted with a line break or spaces around it would fail every signature."""
    secret = vals.get("webhook_secret")
    if isinstance(secret, str) and secret != secret.strip():
        vals = dict(vals, webhook_secret=secret.strip() or False)
    return vals

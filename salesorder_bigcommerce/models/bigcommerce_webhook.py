"""Webhooks in: BigCommerce's callbacks become orders to import or follow, soon.

A callback (controllers/webhook.py) is checked, recorded once per event hash
(``bigcommerce.webhook.event``) and turned into one pending order per (cart,
order) (``bigcommerce.pending.order``): a burst of updates to one order is one
import. Then the import is woken (``cart._webhook_wake()``): the scheduled
action *BigCommerce: Orders from Webhooks* is triggered at once; the optional
bridge ``salesorder_bigcommerce_queue`` makes it a queue_job instead. The
auto-sync pass stays the safety net: an order whose callback was lost is
still met by the next pass.
"""
import logging

from odoo import api, fields, models

from ..exceptions import BigCommerceUserError, error_message
from ..importers.results import FAILED, ImportReport, Outcome
from ..services.errors import BigCommerceError

_logger = logging.getLogger(__name__)

ORDER_SCOPES = ("store/order/created", "store/order/updated", "store/order/statusUpdated",
                "store/order/refund/created")
ITEM_SCOPES = ("store/product/updated", "store/sku/created", "store/sku/updated")
PENDING_PAGE = 250
EVENT_DAYS_KEPT = 7


class BigCommerceWebhookEvent(models.Model):
    """A callback received and acknowledged; its hash makes a replay a no-op."""

    _name = "bigcommerce.webhook.event"
    _description = "BigCommerce Webhook Event"
    _order = "id desc"

    cart_id = fields.Many2one("bigcommerce.cart", required=True, ondelete="cascade", index=True)
    event_hash = fields.Char(required=True)
    scope = fields.Char()
    resource_id = fields.Integer(string="BigCommerce Resource ID")
    received_on = fields.Datetime(default=fields.Datetime.now)
    # An item callback waits here for the item to be imported again (orders wait as pending orders).
    item_pending = fields.Boolean(index=True)
    company_id = fields.Many2one(related="cart_id.company_id", store=True)

    _sql_constraints = [
        ("hash_unique", "unique(cart_id, event_hash)", "This BigCommerce event was received already."),
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
    company_id = fields.Many2one(related="cart_id.company_id", store=True)

    _sql_constraints = [
        ("order_unique", "unique(cart_id, bigcommerce_order_id)", "This order is already waiting for its import."),
    ]


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
        Pending = self.env["bigcommerce.pending.order"]
        with self._sync_lock() as locked:
            if not locked:
                return    # a pass of this cart is running: it meets these orders too
            while True:
                rows = Pending.search([("cart_id", "=", self.id)], limit=page_size)
                if not rows:
                    return
                try:
                    report = self._import_or_update(rows.mapped("bigcommerce_order_id"))
                except BigCommerceUserError as error:
                    _logger.warning("BigCommerce cart %s: orders from webhooks wait: %s", self.id, error.args[0])
                    return
                self._sync_note_failures(report)
                rows.unlink()
                self._sync_commit_batch()

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
        report = cart._import_orders([o.id for o in new], orders=new) if new else ImportReport()
        cart._update_orders([order for order in orders if order.id in imported], report)
        for error, raw in errors:
            raw_id = raw.get("id") if isinstance(raw, dict) else None
            report.add(cart._failed_outcome(raw_id, error))
        return report

    def _failed_outcome(self, order_id, error):
        return Outcome(order_id or 0, self.env._("Order %s", order_id or "?"), FAILED, error_message(self.env, error))

"""Deliveries of BigCommerce orders, and their shipments back to the store.

Validating the last step of such a delivery (outgoing, to a customer location)
never waits on BigCommerce: it only marks the delivery *to send* and wakes the
scheduled action, which sends the shipments in its own transaction. A failure
(refused, rate limited, store error, timeout, no answer) marks the delivery
*to retry* with the message; the scheduled action retries, and so does the
delivery's button. services/shipments.py makes sure a retry after a lost
answer does not ship twice. A tracking number or carrier set once the shipment
was sent (Odoo's *Send to Shipper* sets it on a done delivery) marks the
delivery *to send* again, its tracking to update: the scheduled action puts it
on the shipments kept (a PUT each), never posts one again. A lasting refusal (400/422, 403, a deleted or a
cancelled order), or MAX_FAILURES failures in a row, stops the automatic
retries: the delivery stays *to retry*, on hold, with an activity for the
cart's Responsible; its button still sends. What each delivery ships is
planned in stock_picking_shipment.py.
"""
import logging

import psycopg2
from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..exceptions import error_message
from ..services import shipments as bc_shipments
from ..services.errors import BigCommerceError

_logger = logging.getLogger(__name__)

SHIPMENT_STATES = [("none", "Not for BigCommerce"), ("to_send", "To Send"), ("sent", "Sent"),
                   ("error", "To Retry")]
SEND_STATES = ("to_send", "error")
CRON_XMLID = "salesorder_bigcommerce.ir_cron_bigcommerce_shipments"
# The client of a send: a short wait, one retry of a read; a POST is never retried
# blindly (the next send reads the order's shipments first).
SEND_OPTIONS = {"timeout": 15, "max_retries": 1, "max_rate_limit_wait": 5.0}
CRON_BATCH = 200
TRACKING_FIELDS = frozenset({"carrier_tracking_ref", "carrier_id"})
MAX_FAILURES = 5     # failures in a row before the scheduled action stops retrying


class StockPicking(models.Model):
    _inherit = "stock.picking"

    bigcommerce_invoice_id = fields.Many2one(
        related="group_id.bigcommerce_move_id", store=True, string="BigCommerce Invoice",
        index="btree_not_null")
    bigcommerce_cart_id = fields.Many2one(
        "bigcommerce.cart", string="BigCommerce Cart", compute="_compute_bigcommerce_order", store=True,
        index="btree_not_null")
    bigcommerce_order_id = fields.Integer(
        string="BigCommerce Order", compute="_compute_bigcommerce_order", store=True)
    bigcommerce_shipment_ids = fields.Text(
        string="BigCommerce Shipments", readonly=True, copy=False,
        help="Ids of the BigCommerce shipments made for this delivery, comma-separated.")
    bigcommerce_shipment_state = fields.Selection(
        SHIPMENT_STATES, string="BigCommerce Shipment", default="none", required=True, readonly=True,
        copy=False, index=True,
        help="To Send: validated, its shipment goes to BigCommerce in a moment. To Retry: BigCommerce "
             "could not be told (see the message); the scheduled action tries again.")
    bigcommerce_shipment_error = fields.Text(string="BigCommerce Shipment Error", readonly=True, copy=False)
    bigcommerce_shipment_failures = fields.Integer(
        string="BigCommerce Shipment Failures", readonly=True, copy=False,
        help="Failed sends of this delivery's shipment in a row.")
    bigcommerce_shipment_hold = fields.Boolean(
        string="BigCommerce Shipment On Hold", readonly=True, copy=False,
        help="BigCommerce refused the shipment (or it failed too often): the scheduled action no longer "
             "retries it. Correct what the message says, then use Send to BigCommerce.")
    bigcommerce_shipment_update = fields.Boolean(
        string="BigCommerce Tracking to Update", readonly=True, copy=False,
        help="The tracking reference or the carrier changed after the shipment was sent: the scheduled "
             "action puts it on the BigCommerce shipments of this delivery.")
    bigcommerce_shipment_activity_id = fields.Many2one("mail.activity", readonly=True, copy=False,
                                                       ondelete="set null")

    @api.depends("sale_id.bigcommerce_cart_id", "sale_id.bigcommerce_order_id",
                 "bigcommerce_invoice_id.bigcommerce_cart_id", "bigcommerce_invoice_id.bigcommerce_order_id")
    def _compute_bigcommerce_order(self):
        for picking in self:
            document = picking.sale_id or picking.bigcommerce_invoice_id
            picking.bigcommerce_cart_id = document.bigcommerce_cart_id
            picking.bigcommerce_order_id = document.bigcommerce_order_id

    # ------------------------------------------------------------------
    # Validation
    # ------------------------------------------------------------------

    def _action_done(self):
        result = super()._action_done()
        self._bigcommerce_mark_to_send()
        return result

    def write(self, vals):
        # A tracking reference or carrier set once the shipment was sent goes to BigCommerce too.
        before = {}
        if TRACKING_FIELDS & set(vals):
            before = {picking.id: picking._bigcommerce_tracking_key() for picking in self
                      if picking.bigcommerce_shipment_state == "sent" and picking.bigcommerce_shipment_ids}
        result = super().write(vals)
        if before:
            self.filtered(lambda p: p.id in before and before[p.id] != p._bigcommerce_tracking_key()
                          )._bigcommerce_mark_tracking_update()
        return result

    def _bigcommerce_tracking_key(self):
        return (self.carrier_tracking_ref or "").strip(), self.carrier_id.id

    def _bigcommerce_mark_tracking_update(self):
        """Sent deliveries whose tracking changed: to send again, as an update of their shipments."""
        if not self:
            return
        self.write({"bigcommerce_shipment_state": "to_send", "bigcommerce_shipment_update": True,
                    "bigcommerce_shipment_error": False, "bigcommerce_shipment_failures": 0,
                    "bigcommerce_shipment_hold": False})
        self._bigcommerce_trigger_cron()

    def _bigcommerce_trigger_cron(self):
        cron = self.env.ref(CRON_XMLID, raise_if_not_found=False)
        if cron:
            cron.sudo()._trigger()

    def _bigcommerce_last_step(self):
        """The step that hands the goods to the customer (not a pick or a pack step)."""
        self.ensure_one()
        return bool(self.bigcommerce_cart_id and self.bigcommerce_order_id
                    and self.picking_type_code == "outgoing" and self.location_dest_id.usage == "customer")

    def _bigcommerce_mark_to_send(self):
        # (lines without their BigCommerce order line are matched when sent: stock_picking_shipment.py)
        pickings = self.filtered(lambda p: p.state == "done" and p.bigcommerce_shipment_state == "none"
                                 and p._bigcommerce_last_step())
        if pickings:
            pickings.write({"bigcommerce_shipment_state": "to_send", "bigcommerce_shipment_error": False})
            pickings._bigcommerce_trigger_cron()

    # ------------------------------------------------------------------
    # Sending
    # ------------------------------------------------------------------

    def action_bigcommerce_send_shipment(self):
        """The button: send (again) now; the outcome is on the delivery, never an error."""
        pickings = self.filtered(lambda p: p.bigcommerce_shipment_state in SEND_STATES)
        if not pickings:
            raise UserError(self.env._("There is no BigCommerce shipment to send for %s.",
                                       ", ".join(self.mapped("name"))))
        for picking in pickings:
            if not picking._bigcommerce_lock():
                raise UserError(self.env._("The shipment of %s is being sent right now; look again in a "
                                           "moment.", picking.name))
        # Sent by hand: the scheduled action may retry again should this fail for a while.
        pickings.write({"bigcommerce_shipment_hold": False, "bigcommerce_shipment_failures": 0})
        pickings._bigcommerce_send_shipments()
        failed = pickings.filtered(lambda p: p.bigcommerce_shipment_state == "error")
        message = "\n".join(f"{p.name}: {p.bigcommerce_shipment_error}" for p in failed) or self.env._(
            "Shipment sent to BigCommerce: %s.", ", ".join(pickings.mapped("name")))
        return {"type": "ir.actions.client", "tag": "display_notification", "params": {
            "title": self.env._("BigCommerce"), "message": message, "sticky": bool(failed),
            "type": "warning" if failed else "success",
            "next": {"type": "ir.actions.client", "tag": "soft_reload"}}}

    @api.model
    def _cron_bigcommerce_send_shipments(self, limit=CRON_BATCH):
        """Send the shipments of the deliveries to send or to retry, each in its own transaction."""
        pickings = self.search([("bigcommerce_shipment_state", "in", SEND_STATES),
                                ("bigcommerce_shipment_hold", "=", False)],
                               order="bigcommerce_shipment_state desc, id", limit=limit)
        Cart = self.env["bigcommerce.cart"]
        clients = {}
        for picking in pickings:
            if not picking._bigcommerce_lock(automatic=True):
                continue    # being sent by the button or another worker, or put on hold meanwhile
            try:
                with self.env.cr.savepoint():
                    picking._bigcommerce_send_shipments(clients)
            except Exception as error:   # noqa: BLE001 - one delivery must not stop the others
                _logger.exception("BigCommerce: sending the shipment of %s failed", picking.name)
                # Its outcome is unknown (a shipment may have been made): to retry, as a retry.
                try:
                    with self.env.cr.savepoint():
                        picking._bigcommerce_sent(bc_shipments.SendResult(error=error))
                except Exception:   # noqa: BLE001
                    _logger.exception("BigCommerce: could not record the failure of %s", picking.name)
            Cart._sync_commit()     # each delivery's outcome is kept, whatever comes next

    def _bigcommerce_lock(self, automatic=False):
        """Lock the delivery's row so that two senders never post the same shipment;
        False when someone else holds it, or when its state moved meanwhile (or, for
        the scheduled action, it was put on hold)."""
        self.ensure_one()
        try:
            with self.env.cr.savepoint(flush=False):
                self.env.cr.execute("SELECT id FROM stock_picking WHERE id = %s FOR UPDATE NOWAIT", [self.id])
        except psycopg2.OperationalError:   # lock not available, or changed since our snapshot
            return False
        self.invalidate_recordset(["bigcommerce_shipment_state", "bigcommerce_shipment_ids",
                                   "bigcommerce_shipment_hold", "bigcommerce_shipment_update"])
        return self.bigcommerce_shipment_state in SEND_STATES and not (automatic and self.bigcommerce_shipment_hold)

    def _bigcommerce_send_shipments(self, clients=None):
        clients = {} if clients is None else clients
        for picking in self:
            cart = picking.sudo().bigcommerce_cart_id
            try:
                if cart.id not in clients:
                    clients[cart.id] = cart._get_client(**SEND_OPTIONS)
            except BigCommerceError as error:
                picking._bigcommerce_sent(bc_shipments.SendResult(error=error))
                continue
            picking._bigcommerce_send_one(clients[cart.id])

    def _bigcommerce_send_one(self, client):
        self.ensure_one()
        own = bc_shipments.parse_ids(self.bigcommerce_shipment_ids)
        if self.bigcommerce_shipment_update and own:
            # Sent already, its tracking changed since: put on its shipments, never posted again.
            provider, carrier = self.sudo().bigcommerce_cart_id._bigcommerce_carrier_codes(self.carrier_id)
            self._bigcommerce_sent(bc_shipments.update_tracking(
                client, self.bigcommerce_order_id, own,
                bc_shipments.tracking_values(self.carrier_tracking_ref, provider, carrier)))
            return
        try:
            order = bc_shipments.read_order(client, self.bigcommerce_order_id)
            bc_shipments.check_shippable(order)
        except BigCommerceError as error:
            self._bigcommerce_sent(bc_shipments.SendResult(error=error))
            return
        planned, unmatched = self._bigcommerce_planned_shipments(order)
        if not planned:
            self.write({"bigcommerce_shipment_state": "none", "bigcommerce_shipment_error": False,
                        "bigcommerce_shipment_hold": False, "bigcommerce_shipment_failures": 0,
                        "bigcommerce_shipment_update": False})
            self.message_post(body=self.env._(
                "Not sent to BigCommerce: its lines do not say which BigCommerce order lines they are "
                "(order imported before shipments were sent), and none matches a line of the order by "
                "product or SKU. Mark it shipped in BigCommerce by hand.") if unmatched else self.env._(
                "Nothing of this delivery is a BigCommerce order line: no shipment sent."))
            return
        if unmatched and self.bigcommerce_shipment_state == "to_send":    # said once, not at each retry
            self._bigcommerce_note_unmatched(unmatched)
        others = self.search([("bigcommerce_cart_id", "=", self.bigcommerce_cart_id.id),
                              ("bigcommerce_order_id", "=", self.bigcommerce_order_id),
                              ("id", "!=", self.id), ("bigcommerce_shipment_ids", "!=", False)])
        taken = {i for other in others for i in bc_shipments.parse_ids(other.bigcommerce_shipment_ids)}
        # A retry (an attempt failed, or its outcome is unknown): a shipment of the same address
        # and items is this delivery's whatever its tracking number (typed since, perhaps).
        retry = self.bigcommerce_shipment_state == "error" or bool(own)
        result = bc_shipments.send_shipments(
            client, self.bigcommerce_order_id, planned, self._bigcommerce_ordered_quantities(),
            own=own, taken=taken, order=order, retry=retry)
        self._bigcommerce_sent(result)

    def _bigcommerce_sent(self, result):
        """Keep what a send did on the delivery, and say it in its chatter."""
        self.ensure_one()
        ids = bc_shipments.parse_ids(self.bigcommerce_shipment_ids) + result.ids
        values = {"bigcommerce_shipment_ids": bc_shipments.format_ids(ids)}
        notes = []
        if result.posted:
            notes.append(self.env._("Shipment %(ids)s created in BigCommerce order %(order)s.",
                                    ids=", ".join(map(str, result.posted)), order=self.bigcommerce_order_id))
        if result.found:
            notes.append(self.env._("Shipment %(ids)s was already in BigCommerce order %(order)s (an answer "
                                    "lost on the way): kept, not sent again.",
                                    ids=", ".join(map(str, result.found)), order=self.bigcommerce_order_id))
        if result.updated:
            notes.append(self.env._("Tracking of shipment %(ids)s updated in BigCommerce order %(order)s.",
                                    ids=", ".join(map(str, result.updated)), order=self.bigcommerce_order_id))
        if result.nothing_left:
            notes.append(self.env._("BigCommerce order %(order)s has nothing left to ship for this delivery "
                                    "(shipped already): no shipment sent.", order=self.bigcommerce_order_id))
        hold = False
        if result.error:
            message = error_message(self.env, result.error)
            failures = self.bigcommerce_shipment_failures + 1
            hold = bc_shipments.is_lasting(result.error) or failures >= MAX_FAILURES
            if hold:
                notes.append(self.env._("BigCommerce did not take this shipment and it is no longer retried on "
                                        "its own: %s Correct it, then use Send to BigCommerce.", message))
            elif self.bigcommerce_shipment_state != "error":
                notes.append(self.env._("BigCommerce could not be told of this shipment; it will be tried "
                                        "again: %s", message))
            values.update(bigcommerce_shipment_state="error", bigcommerce_shipment_error=message,
                          bigcommerce_shipment_failures=failures, bigcommerce_shipment_hold=hold)
            _logger.info("BigCommerce shipment of %s not sent: %s", self.name, result.error)
        else:
            values.update(bigcommerce_shipment_state="sent", bigcommerce_shipment_error=False,
                          bigcommerce_shipment_failures=0, bigcommerce_shipment_hold=False,
                          bigcommerce_shipment_update=False)
        self.write(values)
        if notes:
            self.message_post(body=Markup("<br/>").join(notes))
        if hold:
            self._bigcommerce_schedule_activity()
        elif not result.error:
            self._bigcommerce_close_activity()

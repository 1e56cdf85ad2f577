"""The webhook route: BigCommerce callbacks, checked, recorded once, answered fast.

``POST /bigcommerce/webhook/<cart id>``. BigCommerce signs each callback per
Standard Webhooks (headers ``webhook-id``, ``webhook-timestamp``,
``webhook-signature``), keyed with base64 of the API account's client secret
(its docs' Python sample). A callback whose signature or timestamp does not
verify gets 401; an unknown cart, or one without a client secret or not
running, 404; either way nothing is written. A valid one is recorded once per
message (its ``webhook-id``: a retry of it is acknowledged and ignored), its
order becomes one pending order, the import is woken, and the answer is 200
with an empty body, without a call to BigCommerce inside the request.

The payload's ``hash`` cannot tell events apart: it follows the payload's
``data`` ({type, id}), so every callback of one order may carry the same one
(webhook_callbacks/data/store_order_{created,updated,archived}.json all carry
one hash for order 250; the docs: a hook that fires twice for an event sends
the same hash). Keyed on it, an order's later updates would be dropped.
"""
import base64
import hashlib
import json
import logging

import psycopg2
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from odoo import SUPERUSER_ID, http
from odoo.http import request

from ..models.bigcommerce_webhook import ITEM_SCOPES, ORDER_SCOPES

_logger = logging.getLogger(__name__)


def _answer(status):
    return request.make_response("", status=status)


def event_key(payload, headers):
    """What makes a callback one event: its Standard Webhooks message id (``webhook-id``),
    unique per message and the same on BigCommerce's retries of it. Without one (the
    signature check needs it, so only defensively): its scope, time and hash together."""
    message_id = (headers.get("webhook-id") or "").strip()
    if message_id:
        return message_id
    raw = "|".join(str(payload.get(key) or "") for key in ("scope", "created_at", "hash"))
    return "sha1:" + hashlib.sha1(raw.encode()).hexdigest()


class BigCommerceWebhookController(http.Controller):

    # auth="public", as Odoo's payment webhooks (payment_stripe): the database is the
    # one dbfilter picks; no session is kept. The signature is the login: sudo after it.
    @http.route("/bigcommerce/webhook/<int:cart_id>", type="http", auth="public", methods=["POST"],
                csrf=False, save_session=False)
    def bigcommerce_webhook(self, cart_id, **_kwargs):
        cart = request.env["bigcommerce.cart"].sudo().browse(cart_id).exists()
        if not cart or not cart.active or cart.auto_sync != "running" or not cart.webhook_secret:
            return _answer(404)
        body = request.httprequest.get_data()
        try:
            verifier = Webhook(base64.b64encode(cart.webhook_secret.encode()).decode())
            payload = verifier.verify(body, dict(request.httprequest.headers))
        except (WebhookVerificationError, ValueError, json.JSONDecodeError) as error:
            _logger.warning("BigCommerce cart %s: webhook refused: %s", cart_id, error)
            return _answer(401)
        if not isinstance(payload, dict):
            return _answer(400)
        # Verified: the work goes on as the cart's Responsible (else OdooBot), not the public
        # user: the events, pending orders, jobs, documents and chatter are theirs.
        user = cart.user_id if cart.user_id.active else cart.env["res.users"].browse(SUPERUSER_ID)
        self._record(cart.with_user(user).sudo(), payload, request.httprequest.headers)
        return _answer(200)

    @staticmethod
    def _record(cart, payload, headers):
        data = payload.get("data") if isinstance(payload.get("data"), dict) else {}
        scope = str(payload.get("scope") or "")
        try:
            resource_id = int(data.get("id") or 0)
        except (TypeError, ValueError):
            resource_id = 0
        is_item = scope in ITEM_SCOPES and bool(cart._fields.get("export_stock")) and cart.export_stock
        if is_item and isinstance(data.get("sku"), dict):
            resource_id = int(data["sku"].get("product_id") or 0)    # sku events name their product
        try:
            with cart.env.cr.savepoint():
                cart.env["bigcommerce.webhook.event"].create({
                    "cart_id": cart.id, "event_key": event_key(payload, headers),
                    "event_hash": str(payload.get("hash") or ""), "scope": scope, "resource_id": resource_id,
                    "item_pending": is_item and bool(resource_id)})
        except psycopg2.IntegrityError:
            return   # the same message again (BigCommerce retries): acknowledged, ignored
        if scope in ORDER_SCOPES and resource_id:
            cart.env["bigcommerce.pending.order"]._touch(cart.id, resource_id)
            cart._webhook_wake()
        elif is_item and resource_id:
            cart._webhook_wake()

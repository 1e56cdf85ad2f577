"""The webhook route: BigCommerce callbacks, checked, recorded once, answered fast.

``POST /bigcommerce/webhook/<cart id>``. BigCommerce signs each callback per
Standard Webhooks (headers ``webhook-id``, ``webhook-timestamp``,
``webhook-signature``), keyed with base64 of the API account's client secret
(its docs' Python sample). A callback whose signature or timestamp does not
verify gets 401; an unknown cart, or one without a client secret or not
running, 404; either way nothing is written. A valid one is recorded (once per
event hash: a replay is acknowledged and ignored), its order becomes one
pending order, the import is woken, and the answer is 200 with an empty body,
without a call to BigCommerce inside the request.
"""
import base64
import json
import logging

import psycopg2
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from odoo import http
from odoo.http import request

from ..models.bigcommerce_webhook import ITEM_SCOPES, ORDER_SCOPES

_logger = logging.getLogger(__name__)


def _answer(status):
    return request.make_response("", status=status)


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
        self._record(cart, payload)
        return _answer(200)

    @staticmethod
    def _record(cart, payload):
        data = payload.get("data") if isinstance(payload.get("data"), dict) else {}
        scope = str(payload.get("scope") or "")
        event_hash = str(payload.get("hash") or request.httprequest.headers.get("webhook-id") or "")
        try:
            resource_id = int(data.get("id") or 0)
        except (TypeError, ValueError):
            resource_id = 0
        is_item = scope in ITEM_SCOPES and bool(cart._fields.get("export_stock")) and cart.export_stock
        if is_item and isinstance(data.get("sku"), dict):
            resource_id = int(data["sku"].get("product_id") or 0)    # sku events name their product
        try:
            with request.env.cr.savepoint():
                cart.env["bigcommerce.webhook.event"].create({
                    "cart_id": cart.id, "event_hash": event_hash, "scope": scope, "resource_id": resource_id,
                    "item_pending": is_item and bool(resource_id)})
        except psycopg2.IntegrityError:
            return   # the same event again (BigCommerce retries): acknowledged, ignored
        if scope in ORDER_SCOPES and resource_id:
            cart.env.cr.execute("""
                INSERT INTO bigcommerce_pending_order (cart_id, bigcommerce_order_id, received_on,
                                                       create_uid, create_date, write_uid, write_date)
                VALUES (%s, %s, now() at time zone 'utc', 1, now() at time zone 'utc', 1, now() at time zone 'utc')
                ON CONFLICT (cart_id, bigcommerce_order_id) DO UPDATE SET received_on = EXCLUDED.received_on
            """, [cart.id, resource_id])
            cart._webhook_wake()
        elif is_item and resource_id:
            cart._webhook_wake()

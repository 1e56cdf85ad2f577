"""Register Webhooks: the hooks a cart needs on its store, made once, revived when off.

BigCommerce only calls ``https://`` addresses on port 443 (webhooks.v3.yml):
the destination is this Odoo's ``web.base.url`` + ``/bigcommerce/webhook/<id>``,
so an Odoo that the internet cannot reach is told plainly, before anything
is made on the store.
"""
import ipaddress
from urllib.parse import urlsplit

from odoo import fields, models
from odoo.exceptions import UserError

from ..exceptions import BigCommerceUserError
from ..services.errors import BigCommerceError
from .bigcommerce_webhook import ITEM_SCOPES, ORDER_SCOPES


def _public_https(url):
    """Why BigCommerce cannot call `url`, or '' when it can."""
    parts = urlsplit(url or "")
    if parts.scheme != "https":
        return "https"
    if parts.port not in (None, 443):
        return "port"
    host = parts.hostname or ""
    if host in ("localhost",) or host.endswith((".local", ".localhost", ".internal")) or "." not in host:
        return "local"
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return ""
    return "local" if (address.is_private or address.is_loopback or address.is_link_local) else ""


class BigCommerceCart(models.Model):
    _inherit = "bigcommerce.cart"

    webhooks_registered_on = fields.Datetime(string="Webhooks Checked On", readonly=True, copy=False)

    def _webhook_destination(self):
        base = (self.env["ir.config_parameter"].sudo().get_param("web.base.url") or "").rstrip("/")
        return base, f"{base}/bigcommerce/webhook/{self.id}"

    def _webhook_scopes(self):
        scopes = list(ORDER_SCOPES)
        if self._fields.get("export_stock") and self.export_stock:
            scopes += list(ITEM_SCOPES)
        return scopes

    def action_register_webhooks(self):
        """Create (once) the store's hooks this cart needs, re-activate deactivated ones,
        and show their state as BigCommerce reports it."""
        self.ensure_one()
        self.check_access("write")
        if not self.sudo().webhook_secret:
            raise UserError(self.env._(
                "Enter the API account's Client Secret on cart %(cart)s first: BigCommerce signs its "
                "webhook calls with it, and Odoo refuses calls it cannot check.", cart=self.name))
        base, destination = self._webhook_destination()
        problem = _public_https(base)
        if problem:
            raise UserError(self.env._(
                "BigCommerce cannot reach this Odoo at %(url)s: it only calls https:// addresses on port 443 "
                "that the internet can reach. Set the system parameter web.base.url to Odoo's public "
                "https address (behind your proxy), then register again. Until then, auto-sync keeps "
                "importing orders on its schedule.", url=base or "-"))
        client = self._get_client()
        try:
            hooks = [h for h in client.iter_v3("/hooks") if h.get("destination") == destination]
            lines = []
            for scope in self._webhook_scopes():
                hook = next((h for h in hooks if h.get("scope") == scope), None)
                if hook is None:
                    body = client._request("POST", "/v3/hooks", json={
                        "scope": scope, "destination": destination, "is_active": True, "headers": {}})
                    hook, state = body["data"], self.env._("created")
                elif not hook.get("is_active"):
                    body = client._request("PUT", f"/v3/hooks/{int(hook['id'])}", json={"is_active": True})
                    hook, state = body["data"], self.env._("re-activated (it was deactivated)")
                else:
                    state = self.env._("active")
                lines.append(f"{scope}: {state} (#{hook.get('id')})")
        except BigCommerceError as error:
            raise BigCommerceUserError.from_error(self.env, error) from None
        self.write({"webhook_state": "\n".join(lines), "webhooks_registered_on": fields.Datetime.now()})
        self.message_post(body=self.env._("Webhooks registered: %s", "; ".join(lines)))
        message, kind = "\n".join(lines), "success"
        if self.auto_sync != "running":
            # The route refuses a stopped cart's callbacks (404): BigCommerce retries them,
            # then deactivates the hooks. Registered all the same (other code calls this).
            message, kind = "\n".join([self.env._(
                "Auto-sync is stopped on this cart: Odoo refuses BigCommerce's callbacks until it runs, "
                "and BigCommerce deactivates hooks whose calls keep failing for 48 hours. Set Auto-sync "
                "to Running."), message]), "warning"
        return {
            "type": "ir.actions.client", "tag": "display_notification",
            "params": {"title": self.env._("Webhooks registered"), "message": message,
                       "type": kind, "next": {"type": "ir.actions.client", "tag": "soft_reload"}},
        }

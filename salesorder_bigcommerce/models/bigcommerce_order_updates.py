"""Orders already imported, read again: cancellations, refunds and edits reach
their documents (importers/order_changes.py), from a sync pass or by hand
(*Update from BigCommerce* on the Orders (Cart) screen)."""
from odoo import models

from ..exceptions import BigCommerceUserError, error_message
from ..importers.order_changes import OrderChanges
from ..importers.results import FAILED, SKIPPED, ImportReport, Outcome
from ..services.errors import BigCommerceError
from ..services.refunds import read_refunds


class BigCommerceCart(models.Model):
    _inherit = "bigcommerce.cart"

    # ------------------------------------------------------------------
    # Orders already imported: cancellations, refunds, edits
    # ------------------------------------------------------------------

    def _update_orders(self, orders, report):
        """Follow in their documents what changed on imported `orders` (payloads.Order):
        their refunds are read in one call per 100 orders; an order whose refunds cannot
        be read fails (and is tried again), the others go on."""
        if not orders:
            return report
        unreadable = {}

        def refund_error(error, raw):
            order_id = raw.get("order_id") if isinstance(raw, dict) else None
            unreadable[order_id] = error_message(self.env, error)

        try:
            refunds = read_refunds(self._get_client(), [o.id for o in orders], on_payload_error=refund_error)
        except BigCommerceError as error:
            raise BigCommerceUserError.from_error(self.env, error) from None
        followed = []
        for order in orders:
            if order.id in unreadable or None in unreadable:
                report.add(Outcome(order.id, self.env._("Order %s", order.id), FAILED, self.env._(
                    "Its refunds could not be read: %s", unreadable.get(order.id) or unreadable.get(None))))
            else:
                followed.append(order)
        OrderChanges(self.with_company(self.company_id)).apply(followed, refunds, report)
        self._sync_forget_failures(report)
        return report

    def update_orders(self, order_ids):
        """Read these imported orders again from BigCommerce and follow what changed
        (the Orders (Cart) screen's *Update from BigCommerce*). Returns the ImportReport."""
        self.ensure_one()
        self.check_access("write")
        wanted = list(dict.fromkeys(int(i) for i in order_ids))
        errors = []
        try:
            orders = self._get_client().get_orders(wanted, on_payload_error=lambda e, raw: errors.append((e, raw)))
        except BigCommerceError as error:
            raise BigCommerceUserError.from_error(self.env, error) from None
        report = ImportReport()
        bound = set(self.env["bigcommerce.order.binding"].search([
            ("cart_id", "=", self.id), ("bigcommerce_order_id", "in", wanted)]).mapped("bigcommerce_order_id"))
        for order in orders:
            if order.id not in bound:
                report.add(Outcome(order.id, self.env._("Order %s", order.id), SKIPPED,
                                   self.env._("Not imported yet: import it first.")))
        self._update_orders([o for o in orders if o.id in bound], report)
        for error, raw in errors:
            raw_id = raw.get("id") if isinstance(raw, dict) else None
            report.add(Outcome(raw_id or 0, self.env._("Order %s", raw_id or "?"), FAILED,
                               error_message(self.env, error)))
        seen = {o.bigcommerce_id for o in report.outcomes}
        for missing in (i for i in wanted if i not in seen):
            report.add(Outcome(missing, self.env._("Order %s", missing), FAILED,
                               self.env._("Order %(id)s was not found in the store.", id=missing)))
        return report

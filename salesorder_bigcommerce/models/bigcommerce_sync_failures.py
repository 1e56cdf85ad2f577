"""Orders a sync pass could not import: remembered, signalled once (an activity for
the cart's Responsible), retried by later passes, cleared when imported."""
from markupsafe import Markup

from odoo import _, fields, models

from ..importers.results import ALREADY, CREATED, FAILED, UPDATED


class BigCommerceCart(models.Model):
    _inherit = "bigcommerce.cart"

    # ------------------------------------------------------------------
    # Failing orders: remembered, signalled once, cleared when imported
    # ------------------------------------------------------------------

    def _import_orders(self, order_ids, orders=None):
        report = super()._import_orders(order_ids, orders=orders)
        self._sync_forget_failures(report)
        return report

    def _sync_note_failures(self, report):
        """Remember the orders that failed; an activity for those failing for the first time."""
        failed = {o.bigcommerce_id: o for o in report.by_status(FAILED) if o.bigcommerce_id}
        if not failed:
            return
        Failure = self.env["bigcommerce.sync.failure"].sudo()
        known = {f.bigcommerce_order_id: f for f in Failure.search(
            [("cart_id", "=", self.id), ("bigcommerce_order_id", "in", list(failed))])}
        now = fields.Datetime.now()
        for order_id, outcome in failed.items():
            failure = known.get(order_id)
            if failure:
                failure.write({"error": outcome.reason, "last_failed_on": now,
                               "failure_count": failure.failure_count + 1})
                continue
            activity = self.activity_schedule(
                "salesorder_bigcommerce.mail_activity_type_order_failed",
                summary=_("BigCommerce order %s failed to import", order_id),
                note=Markup("<p>%s</p><p>%s</p>") % (outcome.reason, _(
                    "Fix the cause: auto-sync tries this order again at each pass (or import it "
                    "from the Orders (Cart) tab).")),
                user_id=(self.user_id or self.create_uid or self.env.user).id)
            Failure.create({"cart_id": self.id, "bigcommerce_order_id": order_id,
                            "error": outcome.reason, "activity_id": activity.id})

    def _sync_forget_failures(self, report):
        """Orders imported (or no longer wanted) since they failed: close their activity."""
        settled = {o.bigcommerce_id: o for o in report.outcomes if o.status != FAILED}
        if not settled or not self:
            return
        failures = self.env["bigcommerce.sync.failure"].sudo().search(
            [("cart_id", "=", self.id), ("bigcommerce_order_id", "in", list(settled))])
        for failure in failures:
            outcome = settled[failure.bigcommerce_order_id]
            if failure.activity_id:
                feedback = (_("Order imported.") if outcome.status in (CREATED, UPDATED, ALREADY)
                            else outcome.reason or _("No longer to import."))
                failure.activity_id.action_feedback(feedback=feedback)
        failures.unlink()

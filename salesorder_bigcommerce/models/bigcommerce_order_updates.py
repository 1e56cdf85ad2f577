"""Orders already imported, read again: cancellations, refunds and edits reach
their documents (importers/order_changes.py), from a sync pass or by hand
(*Update from BigCommerce* on the Orders (Cart) screen)."""
from decimal import Decimal

from odoo import models

from ..exceptions import BigCommerceUserError, error_message
from ..importers.order_changes import FOLLOW_LATER_KEY, OrderChanges, shows_refund
from ..importers.results import CREATED, FAILED, SKIPPED, UPDATED, ImportReport, Outcome
from ..services.errors import BigCommerceError
from ..services.refunds import read_refunds


def _misses_refunds(order, refunds):
    """Whether `order` shows more refunded than `refunds` (those read) give back."""
    if not shows_refund(order):
        return False
    read = sum((r.total_amount for r in refunds), Decimal(0))
    return not order.refunded_amount or read < order.refunded_amount


class BigCommerceCart(models.Model):
    _inherit = "bigcommerce.cart"

    # ------------------------------------------------------------------
    # Orders already imported: cancellations, refunds, edits
    # ------------------------------------------------------------------

    def _update_orders(self, orders, report):
        """Follow in their documents what changed on imported `orders` (payloads.Order):
        their refunds are read in one call per 100 orders. An order whose refunds cannot
        be read still follows its cancellation and edits; the refunds are reported as
        failed (and tried again)."""
        if not orders:
            return report
        unreadable, unowned = {}, []

        def refund_error(error, raw):
            try:
                order_id = int(raw.get("order_id")) if isinstance(raw, dict) else None
            except (TypeError, ValueError):
                order_id = None
            if order_id:
                unreadable[order_id] = error_message(self.env, error)
            else:
                unowned.append(error_message(self.env, error))

        try:
            refunds = read_refunds(self._get_client(), [o.id for o in orders], on_payload_error=refund_error)
        except BigCommerceError as error:
            raise BigCommerceUserError.from_error(self.env, error) from None
        if unowned:
            # A refund of no readable order: only the orders it may belong to wait for it.
            suspects = [o for o in orders if o.id not in unreadable and _misses_refunds(o, refunds.get(o.id, []))]
            for order in suspects:
                unreadable[order.id] = unowned[0]
            if not suspects:
                report.add(Outcome(0, self.env._("Refund ?"), FAILED, self.env._(
                    "A refund could not be read and names no order: %s", unowned[0])))
        OrderChanges(self.with_company(self.company_id)).apply(orders, refunds, report, unreadable=unreadable)
        self._sync_forget_failures(report)
        return report

    def _import_orders(self, order_ids, orders=None):
        """Import, then follow the refunds the new orders already have (one read of
        refunds per 100 orders): their draft is corrected, or credited once posted."""
        if self.env.context.get(FOLLOW_LATER_KEY):
            return super()._import_orders(order_ids, orders=orders)
        errors = []
        if orders is None:
            wanted = list(dict.fromkeys(int(i) for i in order_ids))
            try:
                orders = self._get_client().get_orders(
                    wanted, on_payload_error=lambda error, raw: errors.append((error, raw)))
            except BigCommerceError as error:
                raise BigCommerceUserError.from_error(self.env, error) from None
        report = super()._import_orders(order_ids, orders=orders)
        for error, raw in errors:     # told as the importer tells them, not as "not found"
            raw_id = raw.get("id") if isinstance(raw, dict) else None
            for outcome in report.outcomes:
                if raw_id and outcome.bigcommerce_id == raw_id and outcome.status == FAILED:
                    outcome.reason = error_message(self.env, error)
        self._update_orders_with_new([], self._new_with_refunds(orders, report), report)
        return report

    def _new_with_refunds(self, orders, report):
        """The orders of `report` imported just now whose payload shows a refund."""
        created = {o.bigcommerce_id for o in report.by_status(CREATED)}
        return [order for order in orders or () if order.id in created and shows_refund(order)]

    def _update_orders_with_new(self, imported, new, report):
        """_update_orders for orders imported earlier and for `new` ones imported in this
        `report` (already reported as created: what was followed is added to that line)."""
        if not imported and not new:
            return report
        changes = ImportReport()
        self._update_orders(list(imported) + list(new), changes)
        created = {o.bigcommerce_id: o for o in report.by_status(CREATED)}
        fresh = {order.id for order in new}
        for outcome in changes.outcomes:
            first = created.get(outcome.bigcommerce_id) if outcome.bigcommerce_id in fresh else None
            if first is None or outcome.status == FAILED:
                report.add(outcome)
            elif outcome.status == UPDATED:
                first.flags.append(outcome.reason)
        report.notes += changes.notes
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

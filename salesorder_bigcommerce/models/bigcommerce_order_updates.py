"""Orders already imported, read again: cancellations, refunds and edits reach
their documents (importers/order_changes.py), from a sync pass or by hand
(*Update from BigCommerce* on the Orders (Cart) screen)."""
from decimal import Decimal

from odoo import models

from ..exceptions import BigCommerceUserError, error_message
from ..importers.order_changes import FOLLOW_LATER_KEY, OrderChanges, shows_refund
from ..importers.results import CREATED, FAILED, SKIPPED, UPDATED, ImportReport, Outcome
from ..services import const
from ..services.errors import BigCommerceError
from ..services.parsing import parse_datetime
from ..services.refunds import read_refunds
from .bigcommerce_sync import SYNC_OVERLAP


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

    # ------------------------------------------------------------------
    # In a sync pass: refunds by their own date, refunds waiting for an invoice
    # ------------------------------------------------------------------

    def _sync_follow_refunds(self, log, client, base, done, totals, batch_size):
        """The imported orders refunded since `base` (the refunds cursor) and not met in this
        pass: nothing says that a refund moves the order's date_modified, so the refunds are
        read by their date too (one request per page, created:min) and their orders followed.
        Once they all are (each batch committed), the refunds cursor moves to the latest
        refund read; a pass stopping before leaves it where it was. `base` empty: this pass
        read the store's orders from the first (with their refunds): the cursor starts at
        the order cursor."""
        if not base:
            if self.sync_cursor:
                self._sync_move_cursor(self.sync_cursor, totals, field="refund_cursor")
            return
        since = base - SYNC_OVERLAP
        order_ids, latest = set(), base
        try:
            for raw in client.iter_v3("/orders/payment_actions/refunds",
                                      {"created:min": since.strftime("%Y-%m-%dT%H:%M:%S+00:00")},
                                      page_size=const.MAX_PAGE_SIZE):
                raw = raw if isinstance(raw, dict) else {}
                order_id = raw.get("order_id")
                if isinstance(order_id, int) and order_id not in done:
                    order_ids.add(order_id)
                try:
                    created = parse_datetime(raw.get("created"))
                except BigCommerceError:
                    created = None    # its order is followed; the cursor does not move for it
                if created and created > latest:
                    latest = created
        except BigCommerceError as error:
            raise self._sync_stop_for(error, totals) from None
        wanted = sorted(self.env["bigcommerce.order.binding"].search([
            ("cart_id", "=", self.id), ("bigcommerce_order_id", "in", list(order_ids)),
            "|", ("sale_order_id", "!=", False), ("move_id", "!=", False)]).mapped("bigcommerce_order_id"))
        for start in range(0, len(wanted), batch_size):
            self._sync_follow_again(log, client, wanted[start:start + batch_size], done, totals)
        if latest != self.refund_cursor:
            self._sync_move_cursor(latest, totals, field="refund_cursor")
            self._sync_commit_batch()

    def _sync_credit_pending(self, log, client, done, totals, batch_size):
        """The orders whose refunds wait for their invoice (no posted invoice when the refund
        was met) and whose invoice is posted now: read again and credited, without waiting
        for a change in the store."""
        bindings = self.env["bigcommerce.order.binding"].search([
            ("cart_id", "=", self.id), ("pending_refund_ids", "!=", False),
            ("bigcommerce_order_id", "not in", list(done) or [0])])
        ready = bindings.filtered(lambda b: (b.move_id or b.sale_order_id.invoice_ids).filtered(
            lambda m: m.move_type == "out_invoice" and m.state == "posted"))
        order_ids = ready.mapped("bigcommerce_order_id")[:batch_size]
        if order_ids:
            self._sync_follow_again(log, client, order_ids, done, totals)

    def _sync_follow_again(self, log, client, order_ids, done, totals):
        """Read these imported orders again (one request per page) and follow them (committed)."""
        items = self._sync_read_orders(client, order_ids, totals)
        done.update(order_ids)
        self._sync_process(log, client, items, totals, move_cursor=False)

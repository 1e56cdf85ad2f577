"""Orders already imported that BigCommerce changed since: cancellations, refunds, edits.

What the Odoo document can follow, it follows; what it cannot (it was posted,
delivered), it never changes silently: it gets a visible note
(``bigcommerce_attention``) and one activity for the cart's Responsible.

* Cancelled or declined in BigCommerce: a draft quotation or invoice is
  cancelled; a confirmed order whose delivery is not done is cancelled the
  Odoo way (its delivery too); a posted invoice or a done delivery is flagged.
* A draft document is rebuilt from the order as it stands, less its refunds
  (each taken off once, remembered on the binding): edits and refunds alike. A
  refunded item lowers its own line (importers/refund_documents.py), so nothing
  refunded ships; refunds a credit note already gave back are left out. An
  invoice reset to draft after posting is never rebuilt: its edits are flagged,
  its new refunds credited once it is posted again.
* A posted invoice gets one credit note per BigCommerce refund (unique per
  cart and refund in the database), posted, cancelled order or not; for a cash
  sale whose payment was registered, what the refund's payments paid back (not
  declined) is registered and reconciled with it, in a savepoint of its own (a
  failed payment leaves the credit note, the next pass pays it); what went back
  as store credit goes on the cart's Store Credit Journal when it names one. The
  refunded items come off the deliveries not done yet (goods already delivered:
  flagged, a return is needed). A confirmed sale order whose invoice is a draft
  gets the refund taken off that draft (and its delivery). A refund with no
  posted invoice to credit yet is flagged and remembered (binding
  ``pending_refund_ids``): the next pass after the invoice is posted credits it,
  or links the credit note the merchant made for it by hand. An edit after
  posting is flagged with what differs.
* Refunds that could not be read: the cancellation and edits are followed all
  the same, the refunds reported failed (tried again).

Running it again changes nothing: every step checks what is already done.
"""
import dataclasses
import hashlib
import logging
from decimal import Decimal

import psycopg2
from markupsafe import Markup

from odoo import Command
from odoo.exceptions import UserError, ValidationError

from ..exceptions import error_message
from ..services.errors import BigCommerceError
from . import order_maths, refund_maths
from .cash_sale import cash_sale_values
from .order_importer import OrderImporter
from .order_snapshot import differences, snapshot
from .rate_maths import ROUND_GLOBALLY
from .refund_documents import (
    RefundDocuments,
    document_taxes,
    ids_of,
    ids_text,
    settle_globally,
    take_off,
    without_pairs,
)
from .results import ALREADY, FAILED, UPDATED, ImportReport, Outcome
from .ship_to import assign_shipping_partners

_logger = logging.getLogger(__name__)

CANCELLED_STATUSES = (5, 6)     # Cancelled, Declined (order_statuses)
REFUNDED_STATUSES = (4, 14)     # Refunded, Partially Refunded
LIVE_PAYMENT_STATES = ("draft", "in_process", "paid")   # as models/account_move.py
# Context key: the sync pass follows the refunds of the orders it imports itself, with the
# changes of the orders imported before (one read of refunds for both).
FOLLOW_LATER_KEY = "bigcommerce_follow_refunds_later"


class OrderChanges(RefundDocuments):
    """Applies to one cart's imported documents what changed on their orders."""

    def __init__(self, cart):
        self.cart = cart
        self.env = cart.env
        self.importer = OrderImporter(cart)     # customers, lines, values, totals, quiet env
        self.payment_errors = {}                # order id: [why a refund payment failed]
        self.lines = self.importer.line_builder

    def apply(self, orders, refunds_by_order, report=None, unreadable=None):
        """Follow `orders` (payloads.Order, already imported) and their refunds
        ({order id: [Refund]}); one Outcome each: UPDATED with what was done,
        ALREADY when nothing changed, FAILED (in its own savepoint) with the reason.
        `unreadable` ({order id: why}): orders whose refunds could not be read; their
        cancellation and edits are followed, then they are reported FAILED for the refunds."""
        report = report or ImportReport()
        unreadable = unreadable or {}
        bindings = {b.bigcommerce_order_id: b for b in self.env["bigcommerce.order.binding"].search([
            ("cart_id", "=", self.cart.id), ("bigcommerce_order_id", "in", [o.id for o in orders])])}
        self.lines.prepare_page([o for o in orders if o.id in bindings])
        for order in orders:
            binding = bindings.get(order.id)
            document = binding and (binding.sale_order_id or binding.move_id)
            label = self.env._("Order %s", order.id)
            if not document:
                continue
            try:
                with self.env.cr.savepoint():
                    refunds = None if order.id in unreadable else refunds_by_order.get(order.id, [])
                    notes = self._apply_one(order, binding, document, refunds)
            except (UserError, ValidationError, BigCommerceError, psycopg2.Error) as error:
                self.importer._forget_created_records()
                self.payment_errors.pop(order.id, None)
                message = error_message(self.env, error)
                _logger.info("BigCommerce order %s not updated: %s", order.id, message)
                report.add(Outcome(order.id, label, FAILED, str(message), records=document))
                continue
            problems = self.payment_errors.pop(order.id, [])
            if order.id in unreadable:
                problems.insert(0, self.env._("Its refunds could not be read: %s", unreadable[order.id]))
            if problems:
                report.add(Outcome(order.id, label, FAILED, "\n".join(problems + notes), records=document))
                continue
            report.add(Outcome(order.id, label, UPDATED if notes else ALREADY,
                               "\n".join(notes) or self.env._("Unchanged in BigCommerce."), records=document))
        return report

    def _apply_one(self, order, binding, document, refunds):
        """`refunds` None: they could not be read; all else is followed."""
        if order.status_id in CANCELLED_STATUSES:
            notes = self._cancel(order, document)
            # What was posted (or confirmed) stays: the money given back is still credited.
            if document.state != "cancel" and not self._is_draft(document) and refunds is not None:
                notes += self._credit_refunds(order, binding, document, refunds)
            return notes
        if document.state == "cancel":
            return []    # cancelled in Odoo: the merchant's call
        if self._is_draft(document) and not self._posted_before(document):
            if refunds is None:
                # A draft is rebuilt less its refunds: without them, only when it has none.
                if binding.applied_refund_ids or shows_refund(order):
                    return []
                refunds = []
            return self._follow_draft(order, binding, document, refunds)
        credited = self._credit_refunds(order, binding, document, refunds) if refunds is not None else []
        return credited + self._flag_edit(order, binding, document)

    @staticmethod
    def _is_draft(document):
        return document.state in (("draft", "sent") if document._name == "sale.order" else ("draft",))

    @staticmethod
    def _posted_before(document):
        """An invoice reset to draft after posting: never rebuilt (its credit notes, its
        payments stand); refunds are credited once it is posted again, edits flagged."""
        return document._name == "account.move" and document.posted_before

    # ------------------------------------------------------------------
    # Cancelled or declined
    # ------------------------------------------------------------------

    def _cancel(self, order, document):
        status = order.status or str(order.status_id)
        if document.state == "cancel":
            return []
        if self._is_draft(document) or (document._name == "sale.order" and not self._order_done(document)):
            if document._name == "sale.order":
                document.with_context(disable_cancel_warning=True)._action_cancel()
            else:
                document.button_cancel()
            note = self.env._("Cancelled: the order is %(status)s in BigCommerce.", status=status)
            document.message_post(body=note)
            return [note]
        what = self.env._("delivered") if document._name == "sale.order" else self.env._("posted")
        # Nothing more ships for a cancelled order: what is not delivered yet stops.
        if document._name == "account.move":
            cancelled = document._bigcommerce_cancel_deliveries()
        else:
            cancelled = document.picking_ids.filtered(lambda p: p.state not in ("done", "cancel"))
            cancelled.action_cancel()
        notes = []
        if cancelled:
            notes.append(self.env._("Delivery %(names)s cancelled: the order is %(status)s in BigCommerce.",
                                    names=", ".join(cancelled.mapped("name")), status=status))
        return notes + self._flag(document, f"cancel:{order.status_id}", self.env._(
            "%(status)s in BigCommerce after it was %(what)s: a refund or a return is needed.",
            status=status, what=what))

    @staticmethod
    def _order_done(sale_order):
        """A confirmed order that can no longer simply be cancelled: delivered or invoiced."""
        pickings = sale_order.picking_ids if "picking_ids" in sale_order._fields else []
        return any(p.state == "done" for p in pickings) or any(
            m.state == "posted" for m in sale_order.invoice_ids)

    # ------------------------------------------------------------------
    # A draft follows the order
    # ------------------------------------------------------------------

    def _follow_draft(self, order, binding, document, refunds):
        now = snapshot(order)
        credited = set(self._credit_notes([r.id for r in refunds]).mapped("bigcommerce_refund_id"))
        refunds = [r for r in refunds if r.id not in credited]    # a credit note gave them back
        applied = ids_of(binding.applied_refund_ids)
        wanted = {r.id for r in refunds}
        if (not binding.snapshot or binding.snapshot == now) and wanted == applied:
            if not binding.snapshot:
                binding.snapshot = now
            return []
        notes = [self.env._("Updated from BigCommerce: %s.", change)
                 for change in differences(binding.snapshot, now, self.env._)]
        notes += [self.env._("BigCommerce refund %(id)s (%(amount)s) taken off this draft.", id=r.id,
                             amount=document.currency_id.format(float(r.total_amount)))
                  for r in refunds if r.id not in applied]
        self._rebuild(order, document, refunds)
        binding.write({"snapshot": now, "applied_refund_ids": ids_text(wanted)})
        document.message_post(body=Markup("<br/>").join(notes or [self.env._("Updated from BigCommerce.")]))
        return notes or [self.env._("Updated from BigCommerce.")]

    def _rebuild(self, order, document, refunds):
        """Replace the draft's lines with the order's, less its refunds; same customer rules."""
        currency = document.currency_id
        plan, lines, line_notes = self.lines.planned_lines(order, currency)
        step = order_maths.currency_step(currency.rounding)
        rounding = self.cart.company_id.tax_calculation_rounding_method
        settle = bool(refunds) and rounding == ROUND_GLOBALLY
        # Rounding tax globally: the draft's tax per tax is the order's less the refunds', reached
        # by one Tax rounding pair per tax for the whole draft (the plans' own pairs go).
        targets = document_taxes(lines, step, rounding)
        if settle:
            lines[:] = without_pairs(lines, plan.lines)
        for refund in refunds:
            planned = refund_maths.plan_refund(refund, order, plan, price_step=self.lines.price_step, step=step,
                                               rounding=rounding)
            refund_lines = self.lines.to_document_lines(order, planned, currency, [])
            for tax, amount in document_taxes(refund_lines, step, rounding).items():
                targets[tax] = targets.get(tax, Decimal(0)) - amount
            if settle:
                refund_lines = without_pairs(refund_lines, planned)
            take_off(lines, refund_lines, self._refund_label(refund), self.cart.rounding_product_id, step, rounding)
        if settle:
            settle_globally(lines, targets, self.env._("Tax rounding (BigCommerce)"), self.cart.rounding_product_id,
                            step)
        partner, shipping = self.importer.customers.partners(order)
        assign_shipping_partners(self.importer.customers, order, partner, lines)
        values = self.importer.document_values
        if document._name == "sale.order":
            commands = [Command.delete(line.id) for line in document.order_line]
            commands += [Command.create(values.sale_line_values(line, seq)) for seq, line in enumerate(lines, 1)]
            document.write({"partner_id": partner.id, "partner_invoice_id": partner.id,
                            "partner_shipping_id": shipping.id, "order_line": commands})
        else:
            commands = [Command.delete(line.id) for line in document.invoice_line_ids]
            commands += [Command.create(values.invoice_line_values(line, seq)) for seq, line in enumerate(lines, 1)]
            update = {"partner_id": partner.id, "partner_shipping_id": shipping.id, "invoice_line_ids": commands}
            if document.bigcommerce_cash_sale:
                paid_back = sum((r.paid_back for r in refunds), Decimal(0))
                kept = dataclasses.replace(order, refunded_amount=max(order.refunded_amount, paid_back))
                update.update({k: v for k, v in cash_sale_values(self.env, kept).items()
                               if k != "invoice_payment_term_id"})
            document.write(update)
        self._check_totals(order, document, refunds, line_notes)

    def _refund_label(self, refund):
        def label(name, what=None):
            if what == "difference":
                return self.env._("Refund %(id)s: %(name)s, price difference", id=refund.id, name=name)
            if what == "rounding":
                return self.env._("Refund %(id)s: %(name)s, tax rounding", id=refund.id, name=name)
            return self.env._("Refund %(id)s: %(name)s", id=refund.id, name=name)
        return label

    def _credit_notes(self, refund_ids):
        """The cart's credit notes (not cancelled) of these BigCommerce refunds."""
        return self.env["account.move"].search([
            ("bigcommerce_cart_id", "=", self.cart.id), ("bigcommerce_refund_id", "in", list(refund_ids) or [0]),
            ("move_type", "=", "out_refund"), ("state", "!=", "cancel")])

    def _check_totals(self, order, document, refunds, notes):
        cent = order_maths.currency_step(document.currency_id.rounding)
        want = (order.total_inc_tax - sum((r.total_amount for r in refunds), Decimal(0)),
                order.total_tax - sum((r.total_tax for r in refunds), Decimal(0)))
        want = tuple(w.quantize(cent) for w in want)
        got = tuple(Decimal(str(document.currency_id.round(v))) for v in (document.amount_total, document.amount_tax))
        if got == want:
            check = self.env._("Totals equal BigCommerce's (less its refunds).")
        else:
            check = self.env._("Totals differ from BigCommerce (less its refunds): total %(got)s in Odoo, "
                               "%(want)s in BigCommerce. Check the document before confirming it.",
                               got=got[0], want=want[0])
        document.write({"bigcommerce_check": "\n".join([check] + notes), "bigcommerce_total_mismatch": got != want})

    # ------------------------------------------------------------------
    # Posted: credit notes, flags
    # ------------------------------------------------------------------

    def _credit_refunds(self, order, binding, document, refunds):
        applied, pending = ids_of(binding.applied_refund_ids), ids_of(binding.pending_refund_ids)
        if pending - {r.id for r in refunds}:     # no longer in the store: nothing to wait for
            pending &= {r.id for r in refunds}
            binding.pending_refund_ids = ids_text(pending)
        notes = []
        Move = self.importer.quiet_env["account.move"]
        for refund in refunds:
            if refund.id in applied:
                continue    # taken off the document while it was a draft
            credit = Move.search([("bigcommerce_cart_id", "=", self.cart.id),
                                  ("bigcommerce_refund_id", "=", refund.id)], limit=1)
            invoices = document if document._name == "account.move" else document.invoice_ids.filtered(
                lambda m: m.move_type == "out_invoice")
            invoice = invoices.filtered(lambda m: m.state == "posted")[:1]
            draft = invoices.filtered(lambda m: m.state == "draft" and not m.posted_before)[:1]
            if not credit and not invoice and draft and document._name == "sale.order":
                # The sale order's invoice is still a draft: it is corrected instead.
                notes += self._take_off_draft_invoice(order, document, draft, refund)
                applied.add(refund.id)
                pending.discard(refund.id)
                binding.write({"applied_refund_ids": ids_text(applied), "pending_refund_ids": ids_text(pending)})
                continue
            if not credit:
                if not invoice:
                    # Remembered: the sync credits it once the invoice is posted.
                    pending.add(refund.id)
                    binding.pending_refund_ids = ids_text(pending)
                    notes += self._flag(document, f"refund:{refund.id}", self.env._(
                        "BigCommerce refund %(id)s (%(amount)s): this order has no posted invoice to credit yet. "
                        "The next sync after its invoice is posted makes the credit note.",
                        id=refund.id, amount=document.currency_id.format(float(refund.total_amount))))
                    continue
                credit = self._credit_note(order, invoice, refund)
                notes.append(self.env._("Credit note %(move)s for BigCommerce refund %(id)s.",
                                        move=credit.name, id=refund.id))
                if refund.id in pending:
                    document.message_post(body=notes[-1])
                notes += self._release_goods(document if document._name == "sale.order" else invoice, refund)
            if refund.id in pending:
                pending.discard(refund.id)
                binding.pending_refund_ids = ids_text(pending)
            try:
                # Apart: the credit note stands (the refund was made) even if paying it back
                # fails; the order is reported failed and the next pass pays it.
                with self.env.cr.savepoint():
                    notes += self._settle_credit(invoice or credit.reversed_entry_id, credit, refund)
            except (UserError, ValidationError, psycopg2.Error) as error:
                self.payment_errors.setdefault(order.id, []).append(self.env._(
                    "Credit note %(move)s: its refund payment failed: %(error)s",
                    move=credit.name, error=error_message(self.env, error)))
        return notes

    def _flag_edit(self, order, binding, document):
        now = snapshot(order)
        if not binding.snapshot:
            binding.snapshot = now
            return []
        if binding.snapshot == now:
            return []
        changes = differences(binding.snapshot, now, self.env._)
        return self._flag(document, "edit:" + hashlib.sha1(now.encode()).hexdigest()[:12], self.env._(
            "Edited in BigCommerce after this document was confirmed or posted: %(changes)s. The document "
            "was left as it is: correct it by hand if needed.", changes="; ".join(changes) or "-"))

    def _flag(self, document, key, text):
        """Say it on the document, once per `key`, with one activity for the cart's Responsible."""
        keys = set(filter(None, (document.bigcommerce_attention_key or "").split("|")))
        if key in keys:
            return []
        document.write({
            "bigcommerce_attention": "\n".join(filter(None, [document.bigcommerce_attention, text])),
            "bigcommerce_attention_key": "|".join(sorted(keys | {key})),
        })
        document.activity_schedule(
            "mail.mail_activity_data_todo", summary=self.env._("Changed in BigCommerce"), note=text,
            user_id=(self.cart.user_id or self.env.user).id)
        document.message_post(body=text)
        return [text]


def shows_refund(order):
    """Whether an order read from BigCommerce says some of it was refunded."""
    return (order.refunded_amount > 0 or order.status_id in REFUNDED_STATUSES
            or "refund" in (order.payment_status or "").lower())



"""Orders already imported that BigCommerce changed since: cancellations, refunds, edits.

What the Odoo document can follow, it follows; what it cannot (it was posted,
delivered), it never changes silently: it gets a visible note
(``bigcommerce_attention``) and one activity for the cart's Responsible.

* Cancelled or declined in BigCommerce: a draft quotation or invoice is
  cancelled; a confirmed order whose delivery is not done is cancelled the
  Odoo way (its delivery too); a posted invoice or a done delivery is flagged.
* A draft document is rebuilt from the order as it stands, less its refunds
  (each taken off once, remembered on the binding): edits and refunds alike.
* A posted invoice gets one credit note per BigCommerce refund (unique per
  cart and refund in the database), posted; for a cash sale whose payment was
  registered, the refund payment is registered and reconciled with it. An edit
  after posting is flagged with what differs.

Running it again changes nothing: every step checks what is already done.
"""
import dataclasses
import hashlib
import logging
from decimal import Decimal

import psycopg2
from markupsafe import Markup

from odoo import Command, fields
from odoo.exceptions import UserError, ValidationError

from ..exceptions import error_message
from ..services.errors import BigCommerceError
from .cash_sale import cash_sale_values
from .order_importer import OrderImporter
from .order_snapshot import differences, snapshot
from .results import ALREADY, FAILED, UPDATED, ImportReport, Outcome
from .ship_to import assign_shipping_partners

_logger = logging.getLogger(__name__)

CANCELLED_STATUSES = (5, 6)     # Cancelled, Declined (order_statuses)


class OrderChanges:
    """Applies to one cart's imported documents what changed on their orders."""

    def __init__(self, cart):
        self.cart = cart
        self.env = cart.env
        self.importer = OrderImporter(cart)     # customers, lines, values, totals, quiet env
        self.lines = self.importer.line_builder

    def apply(self, orders, refunds_by_order, report=None):
        """Follow `orders` (payloads.Order, already imported) and their refunds
        ({order id: [Refund]}); one Outcome each: UPDATED with what was done,
        ALREADY when nothing changed, FAILED (in its own savepoint) with the reason."""
        report = report or ImportReport()
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
                    notes = self._apply_one(order, binding, document, refunds_by_order.get(order.id, []))
            except (UserError, ValidationError, BigCommerceError, psycopg2.Error) as error:
                self.importer._forget_created_records()
                message = error_message(self.env, error)
                _logger.info("BigCommerce order %s not updated: %s", order.id, message)
                report.add(Outcome(order.id, label, FAILED, str(message), records=document))
                continue
            report.add(Outcome(order.id, label, UPDATED if notes else ALREADY,
                               "\n".join(notes) or self.env._("Unchanged in BigCommerce."), records=document))
        return report

    def _apply_one(self, order, binding, document, refunds):
        if order.status_id in CANCELLED_STATUSES:
            return self._cancel(order, document)
        if document.state == "cancel":
            return []    # cancelled in Odoo: the merchant's call
        if self._is_draft(document):
            return self._follow_draft(order, binding, document, refunds)
        return self._credit_refunds(order, binding, document, refunds) + self._flag_edit(order, binding, document)

    @staticmethod
    def _is_draft(document):
        return document.state in (("draft", "sent") if document._name == "sale.order" else ("draft",))

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
        applied = _ids(binding.applied_refund_ids)
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
        binding.write({"snapshot": now, "applied_refund_ids": ",".join(str(i) for i in sorted(wanted)) or False})
        document.message_post(body=Markup("<br/>").join(notes or [self.env._("Updated from BigCommerce.")]))
        return notes or [self.env._("Updated from BigCommerce.")]

    def _rebuild(self, order, document, refunds):
        """Replace the draft's lines with the order's, less its refunds; same customer rules."""
        currency = document.currency_id
        plan, lines, line_notes = self.lines.planned_lines(order, currency)
        for refund in refunds:
            for line in self.lines.refund_lines(order, plan, refund, currency):
                line.name = self.env._("Refund %(id)s: %(name)s", id=refund.id, name=line.name)
                line.quantity = -line.quantity
                lines.append(line)
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

    def _check_totals(self, order, document, refunds, notes):
        cent = Decimal(str(document.currency_id.rounding))
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
        applied = _ids(binding.applied_refund_ids)
        notes = []
        Move = self.importer.quiet_env["account.move"]
        for refund in refunds:
            if refund.id in applied:
                continue    # taken off the document while it was a draft
            credit = Move.search([("bigcommerce_cart_id", "=", self.cart.id),
                                  ("bigcommerce_refund_id", "=", refund.id)], limit=1)
            invoice = document if document._name == "account.move" else document.invoice_ids.filtered(
                lambda m: m.move_type == "out_invoice" and m.state == "posted")[:1]
            if not credit:
                if not invoice:
                    notes += self._flag(document, f"refund:{refund.id}", self.env._(
                        "BigCommerce refund %(id)s (%(amount)s): this order has no posted invoice to "
                        "credit. Lower the order, or credit its invoice once made.",
                        id=refund.id, amount=document.currency_id.format(float(refund.total_amount))))
                    continue
                credit = self._credit_note(order, invoice, refund)
                notes.append(self.env._("Credit note %(move)s for BigCommerce refund %(id)s.",
                                        move=credit.name, id=refund.id))
            notes += self._settle_credit(invoice or credit.reversed_entry_id, credit)
        return notes

    def _credit_note(self, order, invoice, refund):
        currency = invoice.currency_id
        plan, _lines, _notes = self.lines.planned_lines(order, currency)
        lines = self.lines.refund_lines(order, plan, refund, currency)
        values = self.importer.document_values
        credit = self.importer.quiet_env["account.move"].create({
            "move_type": "out_refund",
            "partner_id": invoice.partner_id.id,
            "partner_shipping_id": invoice.partner_shipping_id.id,
            "currency_id": currency.id,
            "company_id": invoice.company_id.id,
            "invoice_date": (fields.Date.to_date(refund.created) if refund.created
                             else fields.Date.context_today(invoice)),
            "ref": self.env._("BigCommerce refund %s", refund.id),
            "invoice_origin": invoice.invoice_origin or invoice.name,
            "reversed_entry_id": invoice.id,
            "fiscal_position_id": False,
            "bigcommerce_cart_id": self.cart.id,
            "bigcommerce_order_id": order.id,
            "bigcommerce_refund_id": refund.id,
            "narration": refund.reason or False,
            "invoice_line_ids": [Command.create(values.invoice_line_values(line, seq))
                                 for seq, line in enumerate(lines, 1)],
        })
        cent = Decimal(str(currency.rounding))
        got = (Decimal(str(currency.round(credit.amount_total))), Decimal(str(currency.round(credit.amount_tax))))
        want = (refund.total_amount.quantize(cent), refund.total_tax.quantize(cent))
        credit.write({"bigcommerce_check": self.env._("Totals equal the BigCommerce refund's.") if got == want else
                      self.env._("Totals differ from the BigCommerce refund: %(got)s in Odoo, %(want)s in "
                                 "BigCommerce.", got=got[0], want=want[0]),
                      "bigcommerce_total_mismatch": got != want})
        credit.action_post()
        return credit

    def _settle_credit(self, invoice, credit):
        """Pay the refund back (a cash sale whose payment was registered) or set the credit
        note against what is open on the invoice. Done once, whatever the number of passes."""
        if credit.state != "posted" or credit.payment_state in ("paid", "in_payment", "reversed"):
            return []
        if invoice.bigcommerce_cash_sale and invoice.bigcommerce_payment_id:
            payment = credit._bigcommerce_refund_payment()
            return [self.env._("Refund payment %(payment)s registered.", payment=payment.display_name)]
        open_lines = (invoice + credit).line_ids.filtered(
            lambda line: line.display_type == "payment_term" and not line.reconciled)
        if len(open_lines.move_id) == 2:
            open_lines.reconcile()
        return []

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


def _ids(text):
    return {int(i) for i in (text or "").split(",") if i.strip().isdigit()}

"""A BigCommerce refund -> the Odoo documents of its order (used by order_changes.py).

* A draft follows the refund by losing what was refunded: an item's quantity comes
  off its own line (same BigCommerce order line, product and tax; the line goes at 0),
  so a quotation confirmed later ships only what the shopper kept. A cent the unit
  prices cannot give back exactly is one *price difference* line on the cart's Tax
  rounding product (same tax), a per-line tax rounding one *Tax rounding* pair (a
  company rounding tax globally: one pair per tax for the whole draft): totals stay
  the order's less its refunds', to the cent. What is refunded as an amount only (shipping,
  handling, order level, tax rounding) stays a negative line on those charge products.
* A posted invoice gets one credit note per refund, or is linked to the credit note the
  merchant already made by hand for it (same invoice, same amount, no refund yet).
* The goods: what a refund gave back comes off the deliveries not done yet (the sale
  order's, or the posted invoice's own: account_move_delivery.py); goods that already
  left are flagged (a return is needed).
* A refund with no posted invoice to credit yet is remembered on the binding
  (``pending_refund_ids``): the sync credits it once the invoice is posted.
"""
from decimal import Decimal

from odoo import Command, fields

from ..services import refunds as bc
from . import order_maths as m
from .order_lines import DocumentLine
from .rate_maths import ROUND_GLOBALLY, odoo_tax_total

STORE_CREDIT_PROVIDERS = ("storecredit", "store_credit")


def ids_of(text):
    return {int(i) for i in (text or "").split(",") if i.strip().isdigit()}


def ids_text(ids):
    return ",".join(str(i) for i in sorted(ids)) or False


def refunded_quantities(refund):
    """{order line id: quantity} a refund gives back (PRODUCT items)."""
    quantities = {}
    for item in refund.items:
        if item.item_type == bc.PRODUCT and item.item_id and item.quantity:
            quantities[item.item_id] = quantities.get(item.item_id, 0) + item.quantity
    return quantities


def take_off(lines, refund_lines, label, rounding_product, step, rounding=m.ROUND_PER_LINE):
    """Take a refund's `refund_lines` (positive DocumentLines) off a draft's `lines`
    (in place), as the module doc says. `label(name, what=None)` names the lines added
    (`what`: None, "difference" or "rounding")."""
    added = []
    for refund_line in refund_lines:
        own = [line for line in lines if refund_line.line_id and line.line_id == refund_line.line_id
               and line.product == refund_line.product and line.tax == refund_line.tax and line.quantity > 0]
        if not own:
            added.append(DocumentLine(refund_line.product, label(refund_line.name), -refund_line.quantity,
                                      refund_line.price_unit, refund_line.tax, refund_line.line_id,
                                      refund_line.address_id, refund_line.line_type))
            continue
        amount = refund_line.quantity * refund_line.price_unit
        before = [line.quantity * line.price_unit for line in own]
        want, removed = refund_line.quantity, Decimal(0)
        # the line at the refund's own price first, then the largest
        for line in sorted(own, key=lambda ln: (ln.price_unit != refund_line.price_unit, -ln.quantity)):
            take = min(line.quantity, want)
            line.quantity -= take
            removed += take * line.price_unit
            want -= take
            if not want:
                break
        if want:     # more refunded than the draft holds: the rest as an amount
            removed += want * refund_line.price_unit
            added.append(DocumentLine(refund_line.product, label(refund_line.name), -want,
                                      refund_line.price_unit, refund_line.tax, refund_line.line_id,
                                      refund_line.address_id, refund_line.line_type))
            want = 0
        difference = removed - amount
        extra = []
        if difference:
            extra.append(DocumentLine(rounding_product, label(refund_line.name, "difference"),
                                      Decimal(1), difference, refund_line.tax))
        added += extra
        tax = refund_line.tax
        if tax and rounding == m.ROUND_PER_LINE and len(tax) == 1:
            rate, inclusive = Decimal(str(tax.amount)), tax.price_include
            wanted_tax = (sum((m.odoo_tax(a, rate, inclusive, step) for a in before), Decimal(0))
                          - m.odoo_tax(amount, rate, inclusive, step))
            got_tax = sum((m.odoo_tax(line.quantity * line.price_unit, rate, inclusive, step)
                           for line in own + extra), Decimal(0))
            pair = m.tax_rounding_pair(wanted_tax - got_tax, rate, inclusive, step) if wanted_tax != got_tax else None
            for planned in pair or ():
                added.append(DocumentLine(rounding_product, label(refund_line.name, "rounding"),
                                          Decimal(1), planned.amount, tax if planned.rate else tax.browse()))
    lines[:] = [line for line in lines if line.quantity] + added
    return lines


def document_taxes(lines, step, rounding=m.ROUND_PER_LINE):
    """{account.tax: tax Odoo computes} on DocumentLines of one percentage tax each."""
    by_tax = {}
    for line in lines:
        if line.tax and len(line.tax) == 1:
            by_tax.setdefault(line.tax, []).append(line.quantity * line.price_unit)
    return {tax: odoo_tax_total(amounts, Decimal(str(tax.amount)), tax.price_include, step, rounding)
            for tax, amounts in by_tax.items()}


def without_pairs(lines, planned):
    """The DocumentLines of `planned` (PlannedLines, one each) but its *Tax rounding* pairs."""
    return [line for line, plan_line in zip(lines, planned, strict=True) if plan_line.kind != m.TAX_ROUNDING]


def settle_globally(lines, targets, label, rounding_product, step):
    """A company rounding tax globally: per tax, one *Tax rounding* pair (x taxed, -x
    untaxed) brings the tax Odoo rounds once on `lines` to `targets` ({tax: amount}),
    the order's tax less its refunds'."""
    got = document_taxes(lines, step, ROUND_GLOBALLY)
    for tax, target in targets.items():
        if got.get(tax, Decimal(0)) == target:
            continue
        amount = sum((line.quantity * line.price_unit for line in lines if line.tax == tax), Decimal(0))
        pair = m.global_rounding_pair(amount, target, Decimal(str(tax.amount)), tax.price_include, step)
        for planned in pair or ():
            lines.append(DocumentLine(rounding_product, label, Decimal(1), planned.amount,
                                      tax if planned.rate else tax.browse()))
    return lines


class RefundDocuments:
    """The credit notes, draft corrections and deliveries of refunds (mixed into OrderChanges)."""

    def _credit_note(self, order, invoice, refund):
        """The credit note of `refund` on posted `invoice`: the merchant's own (made by hand
        for it) when there is one, else a new one, posted."""
        own = self._hand_credit(invoice, refund)
        if own:
            own.write({"bigcommerce_cart_id": self.cart.id, "bigcommerce_order_id": order.id,
                       "bigcommerce_refund_id": refund.id})
            own.message_post(body=self.env._(
                "Linked to BigCommerce refund %(id)s: this credit note was made by hand for it.", id=refund.id))
            return own
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
        cent = m.currency_step(currency.rounding)
        got = (Decimal(str(currency.round(credit.amount_total))), Decimal(str(currency.round(credit.amount_tax))))
        want = (refund.total_amount.quantize(cent), refund.total_tax.quantize(cent))
        credit.write({"bigcommerce_check": self.env._("Totals equal the BigCommerce refund's.") if got == want else
                      self.env._("Totals differ from the BigCommerce refund: %(got)s in Odoo, %(want)s in "
                                 "BigCommerce.", got=got[0], want=want[0]),
                      "bigcommerce_total_mismatch": got != want})
        credit.action_post()
        return credit

    def _hand_credit(self, invoice, refund):
        """A credit note of `invoice` the merchant made for `refund` (its amount, no refund yet)."""
        currency = invoice.currency_id
        candidates = self.env["account.move"].search([
            ("move_type", "=", "out_refund"), ("reversed_entry_id", "=", invoice.id),
            ("state", "!=", "cancel"), "|", ("bigcommerce_refund_id", "=", False), ("bigcommerce_refund_id", "=", 0)],
            order="id")
        return candidates.filtered(
            lambda c: currency.compare_amounts(c.amount_total, float(refund.total_amount)) == 0)[:1]

    def _take_off_draft_invoice(self, order, sale_order, invoice, refund):
        """Add the refund's lines, negative, to the sale order's draft invoice (its own
        lines keep their link to the order's lines); the refunded items come off the
        order's delivery not done yet."""
        currency = invoice.currency_id
        plan, _lines, _notes = self.lines.planned_lines(order, currency)
        values = self.importer.document_values
        start = max(invoice.invoice_line_ids.mapped("sequence"), default=0)
        commands = []
        for seq, line in enumerate(self.lines.refund_lines(order, plan, refund, currency), start + 1):
            line.name = self.env._("Refund %(id)s: %(name)s", id=refund.id, name=line.name)
            line.quantity = -line.quantity
            commands.append(Command.create(values.invoice_line_values(line, seq)))
        invoice.write({"invoice_line_ids": commands})
        note = self.env._("BigCommerce refund %(id)s (%(amount)s) taken off draft invoice %(move)s.",
                          id=refund.id, amount=currency.format(float(refund.total_amount)),
                          move=invoice.name or invoice.display_name)
        invoice.message_post(body=note)
        sale_order.message_post(body=note)
        return [note] + self._release_goods(sale_order, refund)

    def _release_goods(self, document, refund):
        """Take what `refund` gave back off the open deliveries of a sale order (a posted
        invoice's own deliveries follow its credit notes: account_move_delivery.py); goods
        already delivered are flagged."""
        quantities = refunded_quantities(refund)
        if not quantities:
            return []
        Move = self.env["account.move"]
        notes = []
        if document._name == "sale.order":
            changed, left = Move._bigcommerce_release(document.picking_ids, quantities)
            if changed:
                note = self.env._("BigCommerce refund %(id)s: delivery %(names)s lowered by the refunded items.",
                                  id=refund.id, names=", ".join(changed.picking_id.mapped("name")))
                document.message_post(body=note)
                notes.append(note)
        else:
            left = {}
            for invoice in document.filtered(lambda m: m.state == "posted"):
                invoice._bigcommerce_deliver(procure=False)     # (a credit note linked, not posted now)
                left.update(invoice._bigcommerce_over_delivered(quantities))
        if left:
            notes += self._flag(document, f"return:{refund.id}", self.env._(
                "BigCommerce refund %(id)s gave back items already delivered: a return is needed.", id=refund.id))
        return notes

    def _settle_credit(self, invoice, credit, refund):
        """Pay the refund back (a cash sale whose payment was registered) or set the credit
        note against what is open on the invoice. Done once, whatever the number of passes.

        Paid back: what the refund's payments gave back (not declined ones), never more
        than the credit note; nothing when they were all declined. What went back as store
        credit is registered on the cart's Store Credit Journal when it names one."""
        if credit.state != "posted" or credit.payment_state in ("paid", "in_payment", "reversed"):
            return []
        if invoice.bigcommerce_cash_sale and invoice.bigcommerce_payment_id:
            if credit._bigcommerce_refund_paid():
                credit._bigcommerce_refund_payment()     # reconciled again, never doubled
                return []
            paid_back = min(refund.paid_back, Decimal(str(credit.amount_residual)))
            if paid_back <= 0:
                return []
            store_credit = sum((p.amount for p in refund.payments if not p.is_declined
                                and p.provider_id.lower() in STORE_CREDIT_PROVIDERS), Decimal(0))
            payments = credit._bigcommerce_refund_payment(float(paid_back), float(min(store_credit, paid_back)))
            return [self.env._("Refund payment %(payment)s registered.", payment=p.display_name) for p in payments]
        open_lines = (invoice + credit).line_ids.filtered(
            lambda line: line.display_type == "payment_term" and not line.reconciled)
        if len(open_lines.move_id) == 2:
            open_lines.reconcile()
        return []

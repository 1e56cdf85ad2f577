from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import UserError

# What a cash sale registers when posted: (amount field, payment field, cart journal field).
CASH_SALE_PAYMENTS = (
    ("bigcommerce_payment_amount", "bigcommerce_payment_id", "payment_journal_id"),
    ("bigcommerce_store_credit_amount", "bigcommerce_store_credit_payment_id", "store_credit_journal_id"),
    ("bigcommerce_gift_certificate_amount", "bigcommerce_gift_certificate_payment_id",
     "gift_certificate_journal_id"),
)
# A payment in these states is still the order's payment: posting again reconciles it
# again rather than registering another. A cancelled or rejected one is replaced.
LIVE_PAYMENT_STATES = ("draft", "in_process", "paid")


class AccountMove(models.Model):
    _name = "account.move"
    _inherit = ["account.move", "bigcommerce.document.mixin"]

    # The order's own document is its only customer invoice; its credit notes carry the
    # order too, and each BigCommerce refund has one credit note (partial unique indexes).
    bigcommerce_refund_id = fields.Integer(string="BigCommerce Refund", readonly=True, copy=False)

    def init(self):  # pylint: disable=missing-return
        super().init()
        self.env.cr.execute("""
            ALTER TABLE account_move DROP CONSTRAINT IF EXISTS account_move_bigcommerce_order_unique;
            CREATE UNIQUE INDEX IF NOT EXISTS account_move_bigcommerce_invoice_unique
                ON account_move (bigcommerce_cart_id, bigcommerce_order_id)
                WHERE move_type = 'out_invoice' AND bigcommerce_order_id IS NOT NULL AND bigcommerce_order_id != 0;
            CREATE UNIQUE INDEX IF NOT EXISTS account_move_bigcommerce_refund_unique
                ON account_move (bigcommerce_cart_id, bigcommerce_refund_id)
                WHERE bigcommerce_refund_id IS NOT NULL AND bigcommerce_refund_id != 0;
        """)

    # A "Pending Cash Sale": a draft invoice carrying the payment BigCommerce
    # captured (importers/cash_sale.py); posting it registers that payment.
    bigcommerce_cash_sale = fields.Boolean(string="Cash Sale", readonly=True, copy=False)
    bigcommerce_payment_method = fields.Char(string="BigCommerce Payment Method", readonly=True, copy=False)
    bigcommerce_payment_status = fields.Char(string="BigCommerce Payment Status", readonly=True, copy=False)
    bigcommerce_payment_amount = fields.Monetary(
        string="BigCommerce Amount Paid", readonly=True, copy=False,
        help="Captured through the payment method, less refunds: registered on the cart's "
             "Payment Journal when the invoice is posted.")
    bigcommerce_refunded_amount = fields.Monetary(
        string="Refunded in BigCommerce", readonly=True, copy=False,
        help="Taken off the payments registered; it stays open on the invoice until a credit note settles it.")
    bigcommerce_store_credit_amount = fields.Monetary(
        string="Store Credit Used", readonly=True, copy=False,
        help="Store credit the shopper spent on the order (less refunds): registered on the cart's "
             "Store Credit Journal, or left open on the invoice when the cart names none.")
    bigcommerce_gift_certificate_amount = fields.Monetary(
        string="Gift Certificates Used", readonly=True, copy=False,
        help="Gift certificates the shopper spent on the order (less refunds): registered on the cart's "
             "Gift Certificate Journal, or left open on the invoice when the cart names none.")
    bigcommerce_payment_reason = fields.Text(
        string="Why Less Is Registered", readonly=True, copy=False,
        help="Set at import when the order's payment status or refunds make the cash sale "
             "register less than the order's total.")
    bigcommerce_payment_note = fields.Text(
        string="Cash Sale Note", compute="_compute_bigcommerce_payment_note",
        help="What posting registers, and why not the whole order total when it does not.")
    bigcommerce_payment_reference = fields.Char(string="BigCommerce Payment Reference", readonly=True, copy=False)
    bigcommerce_payment_id = fields.Many2one("account.payment", string="Cash Sale Payment",
                                             readonly=True, copy=False)
    bigcommerce_store_credit_payment_id = fields.Many2one(
        "account.payment", string="Store Credit Payment", readonly=True, copy=False)
    bigcommerce_gift_certificate_payment_id = fields.Many2one(
        "account.payment", string="Gift Certificate Payment", readonly=True, copy=False)

    @api.depends("bigcommerce_cash_sale", "bigcommerce_payment_reason", "state", "amount_total",
                 "amount_residual", "bigcommerce_payment_amount", "bigcommerce_store_credit_amount",
                 "bigcommerce_gift_certificate_amount", "bigcommerce_store_credit_payment_id",
                 "bigcommerce_gift_certificate_payment_id", "bigcommerce_cart_id")
    def _compute_bigcommerce_payment_note(self):
        for move in self:
            notes = []
            if move.bigcommerce_cash_sale:
                notes = [move.bigcommerce_payment_reason or ""] + move._bigcommerce_open_notes()
            move.bigcommerce_payment_note = "\n".join(note for note in notes if note) or False

    def _bigcommerce_payment_label(self, amount_field):
        return {
            "bigcommerce_payment_amount": _("Payment (%s)", self.bigcommerce_payment_method or "-"),
            "bigcommerce_store_credit_amount": _("Store credit"),
            "bigcommerce_gift_certificate_amount": _("Gift certificates"),
        }[amount_field]

    def _bigcommerce_cart_journal(self, journal_field):
        """The journal the cart names for a kind of payment. sudo: the cart is Sales
        configuration; an Invoicing user posting a cash sale reads only this journal."""
        journal = self.sudo().bigcommerce_cart_id[journal_field]
        return self.env["account.journal"].browse(journal.id)

    def _bigcommerce_open_notes(self):
        """Amounts of the order not registered for want of a journal, and a customer credit."""
        self.ensure_one()
        notes = []
        cart_name = self.sudo().bigcommerce_cart_id.name
        for amount_field, payment_field, journal_field in CASH_SALE_PAYMENTS[1:]:
            amount = self[amount_field]
            if self.currency_id.compare_amounts(amount, 0) <= 0:
                continue
            values = {"what": self._bigcommerce_payment_label(amount_field),
                      "amount": self.currency_id.format(amount), "cart": cart_name,
                      "journal": self.bigcommerce_cart_id._fields[journal_field].string}
            if self.state == "draft" and not self._bigcommerce_cart_journal(journal_field):
                notes.append(_("%(what)s of %(amount)s: cart %(cart)s names no %(journal)s, so posting "
                               "leaves this amount open on the invoice, to register by hand.", **values))
            elif (self.state == "posted" and self[payment_field].state not in LIVE_PAYMENT_STATES
                  and not self.currency_id.is_zero(self.amount_residual)):
                notes.append(_("%(what)s of %(amount)s is not registered: it stays open on the invoice. "
                               "Register it by hand, or set the %(journal)s of cart %(cart)s, reset this "
                               "invoice to draft and post it again.", **values))
        collected = self._bigcommerce_collected()
        if self.currency_id.compare_amounts(collected, self.amount_total) > 0:
            notes.append(_("This invoice (%(total)s) is below what BigCommerce collected (%(collected)s): "
                           "the full amount is registered and the customer keeps a credit of %(credit)s.",
                           total=self.currency_id.format(self.amount_total),
                           collected=self.currency_id.format(collected),
                           credit=self.currency_id.format(collected - self.amount_total)))
        return notes

    def _bigcommerce_collected(self):
        """What the cash sale registers (posted: has registered) on the journals the cart names."""
        total = 0.0
        for amount_field, payment_field, journal_field in CASH_SALE_PAYMENTS:
            if self.state == "posted":
                registered = self[payment_field].state in LIVE_PAYMENT_STATES
            else:
                registered = bool(self._bigcommerce_cart_journal(journal_field))
            if registered:
                total += max(self[amount_field], 0.0)
        return total

    # ------------------------------------------------------------------
    # Posting
    # ------------------------------------------------------------------

    def _post(self, soft=True):
        posted = super()._post(soft=soft)
        for move in posted.filtered("bigcommerce_cash_sale"):
            move._bigcommerce_register_payments()
        return posted

    def _bigcommerce_register_payments(self):
        """Register (or reconcile again) the money BigCommerce collected for this cash sale.

        One payment per source (payment method, store credit, gift certificates), each
        for its full amount even when the invoice was lowered by hand: what exceeds the
        invoice stays as the customer's credit. A payment kept from an earlier posting
        (the invoice was reset to draft) is reconciled again, never doubled; a cancelled
        one is replaced.
        """
        self.ensure_one()
        done = []
        for amount_field, payment_field, journal_field in CASH_SALE_PAYMENTS:
            amount = self[amount_field]
            if self.currency_id.compare_amounts(amount, 0) <= 0:
                continue
            label = self._bigcommerce_payment_label(amount_field)
            payment = self[payment_field]
            if payment and payment.state in LIVE_PAYMENT_STATES:
                if payment.state == "draft":
                    payment.action_post()
                self._bigcommerce_reconcile(payment)
                done.append(_("%(what)s of %(amount)s: %(payment)s reconciled again.", what=label,
                              amount=self.currency_id.format(payment.amount), payment=payment.display_name))
                continue
            journal = self._bigcommerce_cart_journal(journal_field)
            if not journal:
                if payment_field == "bigcommerce_payment_id":
                    raise UserError(_("Set a Payment Journal on cart %(cart)s to post its cash sales.",
                                      cart=self.sudo().bigcommerce_cart_id.name))
                continue   # left open: _bigcommerce_open_notes says so
            payment = self._bigcommerce_create_payment(journal, amount)
            self[payment_field] = payment
            done.append(_("%(what)s of %(amount)s registered on %(journal)s (%(payment)s).", what=label,
                          amount=self.currency_id.format(amount), journal=journal.display_name,
                          payment=payment.display_name))
        self.invalidate_recordset(["bigcommerce_payment_note"])
        lines = done + ([self.bigcommerce_payment_note] if self.bigcommerce_payment_note else [])
        if lines:
            self.message_post(body=Markup("<br/>").join(
                [_("Cash sale posted.")] + [line for text in lines for line in text.split("\n")]))

    def _bigcommerce_refund_paid(self):
        """Whether this credit note's refund payment was registered (and still stands)."""
        self.ensure_one()
        return any(p.state in LIVE_PAYMENT_STATES
                   for p in self.bigcommerce_payment_id | self.bigcommerce_store_credit_payment_id)

    def _bigcommerce_refund_payment(self, amount=None, store_credit=0.0):
        """Pay back this credit note of a cash sale and reconcile it; payments kept from
        before are reconciled again, never doubled. `amount`: what BigCommerce actually
        paid back (default: what is open); `store_credit`: the part of it given back as
        store credit, registered on the cart's Store Credit Journal when it names one (else
        with the rest on its Payment Journal). Returns the payments."""
        self.ensure_one()
        kept = (self.bigcommerce_payment_id | self.bigcommerce_store_credit_payment_id).filtered(
            lambda p: p.state in LIVE_PAYMENT_STATES)
        if kept:
            for payment in kept:
                if payment.state == "draft":
                    payment.action_post()
                self._bigcommerce_reconcile(payment)
            return kept
        amount = self.amount_residual if amount is None else amount
        store_journal = self._bigcommerce_cart_journal("store_credit_journal_id")
        store_credit = min(store_credit or 0.0, amount) if store_journal else 0.0
        payments = self.env["account.payment"]
        if self.currency_id.compare_amounts(store_credit, 0) > 0:
            payments |= self._bigcommerce_payment_out(store_journal, store_credit)
            self.bigcommerce_store_credit_payment_id = payments
        rest = self.currency_id.round(amount - store_credit)
        if self.currency_id.compare_amounts(rest, 0) > 0 or not payments:
            journal = self._bigcommerce_cart_journal("payment_journal_id")
            if not journal:
                raise UserError(_("Set a Payment Journal on cart %(cart)s to pay its refunds back.",
                                  cart=self.sudo().bigcommerce_cart_id.name))
            payment = self._bigcommerce_payment_out(journal, rest)
            self.bigcommerce_payment_id = payment
            payments |= payment
        return payments

    def _bigcommerce_payment_out(self, journal, amount):
        return self._bigcommerce_create_payment(journal, amount, "outbound", self.ref or self.name)

    def _bigcommerce_receivable_lines(self):
        return self.line_ids.filtered(lambda line: line.display_type == "payment_term")

    def _bigcommerce_create_payment(self, journal, amount, payment_type="inbound", memo=None):
        """A posted customer payment (money in, or back out for a credit note) of `amount`
        on `journal`, reconciled with what is open on this document."""
        receivable = self._bigcommerce_receivable_lines()[:1].account_id
        payment = self.env["account.payment"].create({
            "payment_type": payment_type,
            "partner_type": "customer",
            "partner_id": self.commercial_partner_id.id,
            "company_id": self.company_id.id,
            "journal_id": journal.id,
            "amount": amount,
            "currency_id": self.currency_id.id,
            "date": self.invoice_date or fields.Date.context_today(self),
            "memo": memo or self.bigcommerce_payment_reference or self.name,
            "destination_account_id": receivable.id,
        })
        payment.action_post()
        self._bigcommerce_reconcile(payment)
        return payment

    def _bigcommerce_reconcile(self, payment):
        """Match the payment's receivable line with what is open on the invoice."""
        open_lines = self._bigcommerce_receivable_lines().filtered(lambda line: not line.reconciled)
        payment_lines = payment.move_id.line_ids.filtered(
            lambda line: line.account_id in open_lines.account_id and not line.reconciled)
        if open_lines and payment_lines:
            (open_lines + payment_lines).reconcile()
        self.matched_payment_ids |= payment

from odoo import _, fields, models
from odoo.exceptions import UserError

from .bigcommerce_document import BigCommerceDocumentMixin


class AccountMove(models.Model):
    _name = "account.move"
    _inherit = ["account.move", "bigcommerce.document.mixin"]

    _sql_constraints = BigCommerceDocumentMixin._bigcommerce_constraints

    # A "Pending Cash Sale": a draft invoice carrying the payment BigCommerce
    # captured; posting it registers that payment.
    bigcommerce_cash_sale = fields.Boolean(string="Cash Sale", readonly=True, copy=False)
    bigcommerce_payment_method = fields.Char(string="BigCommerce Payment Method", readonly=True, copy=False)
    bigcommerce_payment_amount = fields.Monetary(string="BigCommerce Amount Paid", readonly=True, copy=False)
    bigcommerce_payment_reference = fields.Char(string="BigCommerce Payment Reference", readonly=True, copy=False)
    bigcommerce_payment_id = fields.Many2one("account.payment", string="Cash Sale Payment",
                                             readonly=True, copy=False)

    def _post(self, soft=True):
        posted = super()._post(soft=soft)
        for move in posted.filtered(lambda m: m.bigcommerce_cash_sale and not m.bigcommerce_payment_id
                                    and m.bigcommerce_payment_amount > 0):
            move._bigcommerce_register_payment()
        return posted

    def _bigcommerce_register_payment(self):
        """Register the payment BigCommerce captured on the cart's payment journal."""
        self.ensure_one()
        journal = self.bigcommerce_cart_id.payment_journal_id
        if not journal:
            raise UserError(_("Set a Payment Journal on cart %(cart)s to post its cash sales.",
                              cart=self.bigcommerce_cart_id.name))
        amount = min(self.bigcommerce_payment_amount, self.amount_residual)
        register = self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=self.ids).create({
                "journal_id": journal.id,
                "amount": amount,
                "currency_id": self.currency_id.id,
                "payment_date": self.invoice_date or fields.Date.context_today(self),
                "communication": self.bigcommerce_payment_reference or self.name,
            })
        payment = register._create_payments()
        self.bigcommerce_payment_id = payment[:1]
        self.message_post(body=_("Cash sale: BigCommerce payment (%(method)s) of %(amount)s registered.",
                                 method=self.bigcommerce_payment_method or "-",
                                 amount=self.currency_id.format(amount)))

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import float_compare


class BigCommerceOrderBinding(models.Model):
    """One row per imported BigCommerce order of a cart.

    Its unique constraint is what makes "never two documents for one (cart,
    order)" hold whatever the document type and however many imports run at
    once: the row is inserted before the document is built, in the same
    savepoint, so a second import of the order fails on the constraint.
    """

    _name = "bigcommerce.order.binding"
    _description = "Imported BigCommerce Order"
    _order = "bigcommerce_order_id desc"
    _rec_name = "bigcommerce_order_id"

    cart_id = fields.Many2one("bigcommerce.cart", required=True, ondelete="cascade", index=True)
    bigcommerce_order_id = fields.Integer(string="BigCommerce Order", required=True)
    sale_order_id = fields.Many2one("sale.order", ondelete="set null", index="btree_not_null")
    move_id = fields.Many2one("account.move", ondelete="set null", index="btree_not_null")
    date_modified = fields.Datetime(string="BigCommerce Modified On",
                                    help="date_modified of the order when it was imported (UTC).")
    # What the document was made from (importers/order_snapshot.py), to tell an edit in
    # BigCommerce; and the refunds folded into the document while it was a draft.
    snapshot = fields.Text(readonly=True, copy=False)
    applied_refund_ids = fields.Char(string="Refunds in the Document", readonly=True, copy=False,
                                     help="BigCommerce refunds taken off this document while it was a draft.")
    # Refunds met while the order had no posted invoice: the sync credits them once it has one.
    pending_refund_ids = fields.Char(string="Refunds to Credit", readonly=True, copy=False, index="btree_not_null",
                                     help="BigCommerce refunds waiting for the order's invoice to be posted: "
                                          "the next sync after that makes their credit notes.")
    company_id = fields.Many2one(related="cart_id.company_id", store=True)

    _sql_constraints = [
        ("order_unique", "unique(cart_id, bigcommerce_order_id)",
         "This BigCommerce order has already been imported for this cart."),
    ]

    @api.depends("sale_order_id", "move_id")
    def _compute_display_name(self):
        for binding in self:
            document = binding.sale_order_id or binding.move_id
            binding.display_name = f"#{binding.bigcommerce_order_id} → {document.display_name or '-'}"


class BigCommercePartnerBinding(models.Model):
    """Which Odoo partner is a registered BigCommerce customer of a cart."""

    _name = "bigcommerce.partner.binding"
    _description = "BigCommerce Customer Link"
    _rec_name = "bigcommerce_customer_id"

    cart_id = fields.Many2one("bigcommerce.cart", required=True, ondelete="cascade", index=True)
    bigcommerce_customer_id = fields.Integer(string="BigCommerce Customer ID", required=True)
    partner_id = fields.Many2one("res.partner", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="cart_id.company_id", store=True)

    _sql_constraints = [
        ("customer_unique", "unique(cart_id, bigcommerce_customer_id)",
         "A BigCommerce customer is linked to one partner per cart."),
    ]


class BigCommerceTaxMap(models.Model):
    """Which Odoo tax stands for a BigCommerce tax rate on a cart.

    Filled on the way with a matching (or new) sales tax the first time an
    order shows the rate; change the tax here, or add a rate before any order
    shows it, to use your own. The tax must compute what BigCommerce computed:
    a sales tax of the cart's company, a plain percentage of the same rate,
    included in the price or not as the mapping says."""

    _name = "bigcommerce.tax.map"
    _description = "BigCommerce Tax Mapping"
    _order = "rate, price_include"

    cart_id = fields.Many2one("bigcommerce.cart", required=True, ondelete="cascade", index=True)
    rate = fields.Float(string="Rate (%)", digits=(16, 4), required=True)
    price_include = fields.Boolean(string="Prices Include Tax",
                                   help="Whether the store's prices include this tax.")
    tax_id = fields.Many2one(
        "account.tax", string="Odoo Tax", required=True, ondelete="cascade",
        domain="[('type_tax_use', '=', 'sale'), ('amount_type', '=', 'percent'),"
               " ('price_include', '=', price_include), ('company_id', 'parent_of', company_id)]",
        help="A sales tax of the cart's company computed as a percentage of this rate, "
             "included in the price or not as set here.")
    company_id = fields.Many2one(related="cart_id.company_id", store=True)

    _sql_constraints = [
        ("rate_unique", "unique(cart_id, rate, price_include)",
         "A BigCommerce tax rate maps to one Odoo tax per cart."),
    ]

    @api.onchange("tax_id")
    def _onchange_tax_id(self):
        if self.tax_id and not self.rate:
            self.rate = self.tax_id.amount

    @api.constrains("tax_id", "rate", "price_include", "cart_id")
    def _check_tax(self):
        for mapping in self:
            problem = mapping._tax_problem()
            if problem:
                raise ValidationError(problem)

    def _tax_problem(self):
        """Why the tax cannot stand for the rate (the import would compute other
        amounts than BigCommerce), or None."""
        self.ensure_one()
        # (no f-string among _()'s arguments: the term extraction evaluates them)
        tax, rate, amount = self.tax_id, f"{self.rate:g}", f"{self.tax_id.amount:g}"
        if tax.type_tax_use != "sale" or tax.amount_type != "percent" or tax.children_tax_ids:
            return self.env._("%(tax)s cannot stand for the BigCommerce rate %(rate)s%%: choose a sales "
                              "tax computed as a percentage (Tax Type Sales, Tax Computation Percentage).",
                              tax=tax.display_name, rate=rate)
        if tax.company_id not in self.cart_id.company_id.parent_ids:
            return self.env._("%(tax)s belongs to %(tax_company)s, not to %(company)s, the company of "
                              "cart %(cart)s.",
                              tax=tax.display_name, tax_company=tax.company_id.display_name,
                              company=self.cart_id.company_id.display_name, cart=self.cart_id.display_name)
        if float_compare(tax.amount, self.rate, precision_digits=4):
            return self.env._("%(tax)s is %(amount)s%%, not %(rate)s%%: the BigCommerce rate %(rate)s%% "
                              "must map to a tax of the same rate, or the imported totals would differ "
                              "from the store's.", tax=tax.display_name, amount=amount, rate=rate)
        if tax.price_include != self.price_include:
            if self.price_include:
                return self.env._("%(tax)s is not included in the price, but the store's prices at "
                                  "%(rate)s%% include the tax: choose a tax included in the price.",
                                  tax=tax.display_name, rate=rate)
            return self.env._("%(tax)s is included in the price, but the store's prices at %(rate)s%% "
                              "exclude the tax: choose a tax excluded from the price.",
                              tax=tax.display_name, rate=rate)
        return None

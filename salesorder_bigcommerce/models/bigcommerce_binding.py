from odoo import api, fields, models


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
    order shows the rate; change the tax here to use your own."""

    _name = "bigcommerce.tax.map"
    _description = "BigCommerce Tax Mapping"
    _order = "rate, price_include"

    cart_id = fields.Many2one("bigcommerce.cart", required=True, ondelete="cascade", index=True)
    rate = fields.Float(string="Rate (%)", digits=(16, 4), required=True)
    price_include = fields.Boolean(string="Prices Include Tax")
    tax_id = fields.Many2one("account.tax", string="Odoo Tax", required=True, ondelete="cascade",
                             domain="[('type_tax_use', '=', 'sale'), ('amount_type', '=', 'percent')]")
    company_id = fields.Many2one(related="cart_id.company_id", store=True)

    _sql_constraints = [
        ("rate_unique", "unique(cart_id, rate, price_include)",
         "A BigCommerce tax rate maps to one Odoo tax per cart."),
    ]

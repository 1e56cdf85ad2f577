from odoo import api, fields, models


class ProductProduct(models.Model):
    _inherit = "product.product"

    bigcommerce_binding_ids = fields.One2many(
        "bigcommerce.product.binding", "product_id", string="BigCommerce Links")
    # BigCommerce prices each variant on its own, Odoo by attribute value:
    # what the attribute values do not explain is kept per variant.
    bigcommerce_price_extra = fields.Float(
        string="BigCommerce Variant Extra", digits="Product Price", copy=False,
        help="Added to the template's sales price so that this variant's price "
             "equals its BigCommerce price.")

    @api.depends("bigcommerce_price_extra")
    def _compute_product_price_extra(self):  # pylint: disable=missing-return
        super()._compute_product_price_extra()
        for product in self:
            product.price_extra += product.bigcommerce_price_extra


class BigCommerceProductBinding(models.Model):
    """Which Odoo product stands for a BigCommerce (product, variant) of a cart."""

    _name = "bigcommerce.product.binding"
    _description = "BigCommerce Product Link"
    _rec_name = "sku"

    cart_id = fields.Many2one("bigcommerce.cart", required=True, ondelete="cascade", index=True)
    bigcommerce_product_id = fields.Integer(string="BigCommerce Product ID", required=True)
    bigcommerce_variant_id = fields.Integer(string="BigCommerce Variant ID", required=True)
    product_id = fields.Many2one("product.product", required=True, ondelete="cascade", index=True)
    sku = fields.Char(string="SKU", index=True)
    # The product's inventory_tracking in BigCommerce, kept when the item is imported (or read by
    # the stock export): the export sends the item by variant_id or product_id accordingly.
    inventory_tracking = fields.Selection(
        [("none", "Not Tracked"), ("product", "By Product"), ("variant", "By Variant")],
        readonly=True, copy=False,
        help="How BigCommerce tracks this item's stock (its product's inventory_tracking); "
             "empty until known.")
    company_id = fields.Many2one(related="cart_id.company_id", store=True)

    _sql_constraints = [
        ("variant_unique", "unique(cart_id, bigcommerce_product_id, bigcommerce_variant_id)",
         "A BigCommerce variant is linked to one Odoo product per cart."),
        ("product_unique", "unique(cart_id, product_id)",
         "An Odoo product stands for one BigCommerce variant per cart."),
    ]

from odoo import api, fields, models

STOCK_LEVEL_STATES = [
    ("sent", "Sent"),
    ("refused", "Refused"),
    ("skipped", "Not Exported"),
]


class BigCommerceStockLevel(models.Model):
    """The stock of one BigCommerce inventory item at one BigCommerce location,
    as the cart's stock export last set it.

    An item is a variant (tracked by variant) or a whole product (tracked by
    product: ``bigcommerce_variant_id`` 0, the quantity of all its variants).
    The export sends an item only when its quantity differs from the one the
    store last accepted; a quantity the store refused is not sent again until it
    changes (or a full reconciliation)."""

    _name = "bigcommerce.stock.level"
    _description = "BigCommerce Stock Level"
    _order = "cart_id, bigcommerce_product_id, bigcommerce_variant_id, location_id"

    cart_id = fields.Many2one("bigcommerce.cart", required=True, ondelete="cascade", index=True, readonly=True)
    company_id = fields.Many2one(related="cart_id.company_id", store=True)
    product_id = fields.Many2one(
        "product.product", ondelete="set null", readonly=True,
        help="The Odoo product (for an item tracked by product, one of its variants).")
    bigcommerce_product_id = fields.Integer(string="BigCommerce Product ID", required=True, readonly=True)
    bigcommerce_variant_id = fields.Integer(
        string="BigCommerce Variant ID", readonly=True, help="0: the item is sent by product id.")
    location_id = fields.Integer(string="BigCommerce Location", required=True, default=1, readonly=True)
    quantity = fields.Integer(string="Quantity in BigCommerce", readonly=True,
                              help="The last quantity the store accepted for this item.")
    date = fields.Datetime(string="Sent On", readonly=True, help="When the store accepted that quantity.")
    state = fields.Selection(STOCK_LEVEL_STATES, required=True, default="sent", readonly=True)
    refused_quantity = fields.Integer(readonly=True, help="The quantity the store refused last.")
    message = fields.Text(readonly=True, help="Why the store refused the item, or why it is not exported.")

    _sql_constraints = [
        ("level_unique", "unique(cart_id, bigcommerce_product_id, bigcommerce_variant_id, location_id)",
         "A BigCommerce item has one stock level per location and cart."),
    ]

    @property
    def key(self):
        """(product id, variant id, location id), as services.inventory.StockItem.key."""
        return (self.bigcommerce_product_id, self.bigcommerce_variant_id, self.location_id)

    def _needs_push(self, quantity):
        """Whether `quantity` must be sent: not what the store holds from us, nor a
        quantity it refused already."""
        self.ensure_one()
        if self.state == "refused":
            return self.refused_quantity != quantity
        return self.state != "sent" or not self.date or self.quantity != quantity

    @api.depends("product_id", "bigcommerce_product_id", "bigcommerce_variant_id")
    def _compute_display_name(self):
        for level in self:
            ids = f"{level.bigcommerce_product_id}/{level.bigcommerce_variant_id or '-'}"
            level.display_name = f"{level.product_id.display_name or '?'} ({ids})"

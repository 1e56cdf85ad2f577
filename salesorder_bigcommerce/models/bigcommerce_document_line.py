"""Which BigCommerce order line a document line stands for, and where it ships.

Set at import on the lines of quotations and invoices (importers/documents.py):
the order line id (``order_product_id`` of a shipment), its shipping address
(``order_address_id``), its type (``physical``, ``digital``, ``giftcertificate``)
and, for an order shipped to several addresses, the delivery contact of the
line's address. Deliveries are made from them (one per shipping address) and
report their shipments with them.
"""
from odoo import fields, models

# Order line types that never move stock (BigCommerce orderProducts.type).
NOT_SHIPPED_TYPES = ("digital", "giftcertificate")


class BigCommerceDocumentLineMixin(models.AbstractModel):
    _name = "bigcommerce.document.line.mixin"
    _description = "Document line imported from BigCommerce"

    bigcommerce_line_id = fields.Integer(
        string="BigCommerce Order Line", readonly=True, copy=False,
        help="The BigCommerce order product id this line stands for (0: shipping, discount or other charge).")
    bigcommerce_address_id = fields.Integer(
        string="BigCommerce Shipping Address", readonly=True, copy=False,
        help="The BigCommerce shipping address (order_address_id) this line ships to.")
    bigcommerce_line_type = fields.Char(
        string="BigCommerce Line Type", readonly=True, copy=False,
        help="physical, digital or giftcertificate: only physical items are delivered.")
    bigcommerce_partner_shipping_id = fields.Many2one(
        "res.partner", string="BigCommerce Ship To", readonly=True, copy=False,
        help="Delivery address of this line when the order ships to several addresses.")

    def _bigcommerce_ships(self, cart):
        """Whether the line is an item the warehouse sends (not a service, digital
        item, charge, discount or the cart's Custom Item)."""
        self.ensure_one()
        return (self.bigcommerce_line_type not in NOT_SHIPPED_TYPES
                and self.product_id != cart.custom_product_id
                and self.product_id.type == "consu")


class SaleOrderLine(models.Model):
    _name = "sale.order.line"
    _inherit = ["sale.order.line", "bigcommerce.document.line.mixin"]

    def _action_launch_stock_rule(self, previous_product_uom_qty=False):
        """Odoo's own delivery, less what a BigCommerce order does not ship."""
        kept = self.filtered(lambda line: not line.order_id.bigcommerce_cart_id
                             or line._bigcommerce_ships(line.order_id.sudo().bigcommerce_cart_id))
        return super(SaleOrderLine, kept)._action_launch_stock_rule(previous_product_uom_qty)

    def _prepare_procurement_values(self, group_id=False):
        values = super()._prepare_procurement_values(group_id)
        if self.bigcommerce_line_id:
            values.update(bigcommerce_line_id=self.bigcommerce_line_id,
                          bigcommerce_address_id=self.bigcommerce_address_id)
            if self.bigcommerce_partner_shipping_id:
                values["bigcommerce_partner_id"] = self.bigcommerce_partner_shipping_id.id
        return values


class AccountMoveLine(models.Model):
    _name = "account.move.line"
    _inherit = ["account.move.line", "bigcommerce.document.line.mixin"]

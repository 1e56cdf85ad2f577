"""Stock moves of BigCommerce orders: which order line and shipping address each
stands for, so that a delivery holds one BigCommerce shipping address and its
shipment names the order lines (``order_product_id``).

The values travel the Odoo way: a procurement's values (sale line, or the
invoice's delivery) -> the stock rule -> the move; backorders and the next
steps of a multi-step route copy them with the move.
"""
from odoo import api, fields, models


class ProcurementGroup(models.Model):
    _inherit = "procurement.group"

    bigcommerce_move_id = fields.Many2one(
        "account.move", string="BigCommerce Invoice", index="btree_not_null", ondelete="set null",
        help="The cash sale or sales invoice this delivery ships.")


class StockRule(models.Model):
    _inherit = "stock.rule"

    def _get_custom_move_fields(self):
        return super()._get_custom_move_fields() + ["bigcommerce_line_id", "bigcommerce_address_id"]

    def _get_stock_move_values(self, product_id, product_qty, product_uom, location_dest_id, name, origin,
                               company_id, values):
        move_values = super()._get_stock_move_values(
            product_id, product_qty, product_uom, location_dest_id, name, origin, company_id, values)
        # An order shipped to several addresses: each move goes to its line's address.
        if values.get("bigcommerce_partner_id"):
            move_values["partner_id"] = values["bigcommerce_partner_id"]
        return move_values


class StockMove(models.Model):
    _inherit = "stock.move"

    bigcommerce_line_id = fields.Integer(
        string="BigCommerce Order Line", readonly=True,
        help="The BigCommerce order product id: what the shipment reports as order_product_id.")
    bigcommerce_address_id = fields.Integer(
        string="BigCommerce Shipping Address", readonly=True,
        help="The BigCommerce shipping address (order_address_id): one delivery per address.")

    @api.model
    def _prepare_merge_moves_distinct_fields(self):
        # Two BigCommerce lines of one product (engraving, options, promotions) stay two moves:
        # each is shipped as its own order line (no sale line keeps an invoice's moves apart).
        return super()._prepare_merge_moves_distinct_fields() + ["bigcommerce_line_id", "bigcommerce_address_id"]

    def _key_assign_picking(self):
        return super()._key_assign_picking() + (self.bigcommerce_address_id,)

    def _search_picking_for_assignation_domain(self):
        domain = super()._search_picking_for_assignation_domain()
        if self.bigcommerce_address_id:
            domain += [("move_ids.bigcommerce_address_id", "=", self.bigcommerce_address_id)]
        return domain

    def _bigcommerce_line(self):
        """(order line id, shipping address id) of the move; a sale line's when the
        move was made before its own were set."""
        self.ensure_one()
        line = self.sale_line_id
        return (self.bigcommerce_line_id or line.bigcommerce_line_id,
                self.bigcommerce_address_id or line.bigcommerce_address_id)

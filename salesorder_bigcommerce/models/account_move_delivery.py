"""The delivery of a posted cash sale or sales invoice of a BigCommerce order.

A quotation ships through Odoo's own delivery once confirmed (sale_stock). An
invoice ships nothing in Odoo, so posting one made from a BigCommerce order
procures its storable item lines the way a sale order does: a procurement
group for the invoice, the cart's warehouse and its delivery route (one, two
or three steps), one delivery per BigCommerce shipping address, to that
address. Services, digital items, charges, discounts and the Custom Item
create no moves.

Posting again (after a reset to draft) makes no second delivery: only what
is neither delivered nor on its way is procured, and only when the invoice's
deliveries are all done or cancelled. Cancelling the invoice cancels what is
not delivered yet.
"""
from collections import defaultdict

from odoo import api, fields, models
from odoo.tools import float_compare, float_round

OPEN_PICKING_STATES = ("draft", "waiting", "confirmed", "assigned")


class AccountMove(models.Model):
    _inherit = "account.move"

    bigcommerce_delivery_group_id = fields.Many2one(
        "procurement.group", string="BigCommerce Delivery Group", readonly=True, copy=False)
    bigcommerce_picking_ids = fields.One2many(
        "stock.picking", "bigcommerce_invoice_id", string="Deliveries", readonly=True)
    bigcommerce_delivery_count = fields.Integer(
        string="Delivery Count", compute="_compute_bigcommerce_delivery_count")

    @api.depends("bigcommerce_picking_ids")
    def _compute_bigcommerce_delivery_count(self):
        for move in self:
            move.bigcommerce_delivery_count = len(move.sudo().bigcommerce_picking_ids)

    def _post(self, soft=True):
        posted = super()._post(soft=soft)
        posted.filtered(lambda m: m.move_type == "out_invoice" and m.bigcommerce_cart_id
                        and m.bigcommerce_order_id)._bigcommerce_deliver()
        return posted

    def button_cancel(self):
        result = super().button_cancel()
        self._bigcommerce_cancel_deliveries()
        return result

    def action_view_bigcommerce_deliveries(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("stock.action_picking_tree_all")
        action["domain"] = [("id", "in", self.bigcommerce_picking_ids.ids)]
        action["context"] = {"create": False}
        return action

    # ------------------------------------------------------------------
    # Delivery
    # ------------------------------------------------------------------

    def _bigcommerce_deliver(self):
        # sudo: whoever may post an invoice ships it; the stock rights are not theirs to have.
        for move in self.sudo():
            move = move.with_company(move.company_id)
            pickings = move.bigcommerce_picking_ids
            if pickings.filtered(lambda p: p.state in OPEN_PICKING_STATES):
                continue     # posted again: its delivery is on its way
            wanted = move._bigcommerce_quantities_to_deliver()
            if wanted:
                move._bigcommerce_procure(wanted)

    def _bigcommerce_quantities_to_deliver(self):
        """{(product, uom, order line id, address id, ship-to partner): quantity} of the
        invoice's storable item lines, less what was delivered already."""
        self.ensure_one()
        cart = self.bigcommerce_cart_id
        default_partner = self.partner_shipping_id or self.partner_id
        wanted = defaultdict(float)
        for line in self.invoice_line_ids:
            if (line.display_type != "product" or not line.product_id.is_storable or line.sale_line_ids
                    or not line._bigcommerce_ships(cart)):
                continue
            partner = line.bigcommerce_partner_shipping_id or default_partner
            key = (line.product_id, line.product_uom_id or line.product_id.uom_id, line.bigcommerce_line_id,
                   line.bigcommerce_address_id, partner)
            wanted[key] += line.quantity
        delivered = defaultdict(float)
        for stock_move in self.bigcommerce_picking_ids.move_ids:
            if stock_move.state == "done" and stock_move.location_dest_id.usage == "customer":
                delivered[(stock_move.product_id, stock_move.bigcommerce_line_id)] += \
                    stock_move.product_qty
        result = {}
        for key, quantity in wanted.items():
            product, uom = key[0], key[1]
            done = product.uom_id._compute_quantity(delivered.pop((product, key[2]), 0.0), uom)
            left = float_round(quantity - done, precision_rounding=uom.rounding)
            if float_compare(left, 0, precision_rounding=uom.rounding) > 0:
                result[key] = left
        return result

    def _bigcommerce_procure(self, wanted):
        self.ensure_one()
        cart = self.bigcommerce_cart_id
        warehouse = cart._bigcommerce_warehouse()
        group = self.bigcommerce_delivery_group_id
        if not group:
            group = self.env["procurement.group"].create({
                "name": self.name, "move_type": "direct", "bigcommerce_move_id": self.id,
                "partner_id": (self.partner_shipping_id or self.partner_id).id})
            self.bigcommerce_delivery_group_id = group
        Procurement = self.env["procurement.group"].Procurement
        now = fields.Datetime.now()
        procurements = []
        for (product, uom, line_id, address_id, partner), quantity in wanted.items():
            location = partner.property_stock_customer
            procurements.append(Procurement(
                product, quantity, uom, location, product.display_name, self.name, self.company_id, {
                    "group_id": group, "warehouse_id": warehouse, "company_id": self.company_id,
                    "date_planned": now, "date_deadline": now, "location_final_id": location,
                    "partner_id": partner.id, "bigcommerce_partner_id": partner.id,
                    "bigcommerce_line_id": line_id, "bigcommerce_address_id": address_id,
                }))
        self.env["procurement.group"].run(procurements)
        pickings = self.env["stock.picking"].search([("group_id", "=", group.id),
                                                     ("state", "in", OPEN_PICKING_STATES)])
        pickings.action_confirm()   # (the invoice's Delivery button shows them)

    def _bigcommerce_cancel_deliveries(self):
        """Cancel what the invoices' deliveries have not delivered yet; returns those deliveries."""
        cancelled = self.env["stock.picking"]
        for move in self.sudo():
            open_pickings = move.bigcommerce_picking_ids.filtered(lambda p: p.state in OPEN_PICKING_STATES)
            if open_pickings:
                open_pickings.action_cancel()
                move.message_post(body=self.env._("Delivery cancelled: %s.",
                                                  ", ".join(open_pickings.mapped("name"))))
                cancelled |= open_pickings
        return cancelled

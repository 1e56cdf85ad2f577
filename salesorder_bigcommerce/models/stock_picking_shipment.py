"""What a delivery of a BigCommerce order ships, and who is told when BigCommerce refuses it.

A done move says which order line it ships (``bigcommerce_line_id``) and to which
address (``bigcommerce_address_id``). Moves of orders imported before shipments
were sent say neither: they are matched, when the delivery is sent, to the lines
of the order just read (services/shipments.py ``plan_shipments``), by the
BigCommerce product and variant of the product's link to the cart, else by SKU.
"""
from odoo import fields, models

from ..services import shipments as bc_shipments


class StockPicking(models.Model):
    _inherit = "stock.picking"

    def _bigcommerce_planned_shipments(self, order=None):
        """([PlannedShipment] one per BigCommerce shipping address, with the quantities done;
        [MoveRow] of the moves that match no line of `order`, the OrderState read)."""
        self.ensure_one()
        cart = self.sudo().bigcommerce_cart_id
        provider, carrier = cart._bigcommerce_carrier_codes(self.carrier_id)
        rows = []
        for move in self.move_ids.filtered(lambda m: m.state == "done"):
            line_id, address_id = move._bigcommerce_line()
            unit = move.sale_line_id.product_uom or move.product_id.uom_id
            quantity = move.product_uom._compute_quantity(move.quantity, unit, rounding_method="HALF-UP")
            row = bc_shipments.MoveRow(line_id, address_id, quantity)
            if not line_id:
                binding = move.product_id.sudo().bigcommerce_binding_ids.filtered(lambda b: b.cart_id == cart)[:1]
                row.product_id, row.variant_id = binding.bigcommerce_product_id, binding.bigcommerce_variant_id
                row.skus = (binding.sku or "", move.product_id.default_code or "")
                row.name = move.product_id.display_name
            rows.append(row)
        return bc_shipments.plan_shipments(rows, order, self.carrier_tracking_ref or "", provider, carrier)

    def _bigcommerce_ordered_quantities(self):
        """{order line id: quantity} of the order's own document."""
        self.ensure_one()
        document = self.sudo().sale_id or self.sudo().bigcommerce_invoice_id
        if document._name == "sale.order":
            rows = [(line.bigcommerce_line_id, line.product_uom_qty) for line in document.order_line]
        else:
            rows = [(line.bigcommerce_line_id, line.quantity) for line in document.invoice_line_ids]
        ordered = {}
        for line_id, quantity in rows:
            if line_id:
                ordered[line_id] = ordered.get(line_id, 0) + quantity
        return {line_id: int(quantity + 1e-6) for line_id, quantity in ordered.items() if quantity > 0}

    def _bigcommerce_note_unmatched(self, rows):
        names = sorted({getattr(row, "name", "") or "?" for row in rows})
        self.message_post(body=self.env._(
            "Not in the BigCommerce shipment: %(products)s (no line of BigCommerce order %(order)s matches "
            "it). Mark it shipped in BigCommerce by hand.", products=", ".join(names), order=self.bigcommerce_order_id))

    def _bigcommerce_schedule_activity(self):
        """One activity for the cart's Responsible while the shipment is on hold."""
        self.ensure_one()
        if self.bigcommerce_shipment_activity_id.exists():
            return
        cart = self.sudo().bigcommerce_cart_id
        user = cart.user_id or cart.create_uid or self.env.user
        activity = self.sudo().activity_schedule(
            "mail.mail_activity_data_todo", date_deadline=fields.Date.context_today(self),
            summary=self.env._("BigCommerce shipment refused"),
            note=self.env._("The shipment of %(picking)s was not taken by BigCommerce (order %(order)s) and is "
                            "no longer retried on its own: %(error)s",
                            picking=self.name, order=self.bigcommerce_order_id,
                            error=self.bigcommerce_shipment_error or ""),
            user_id=user.id)
        self.sudo().bigcommerce_shipment_activity_id = activity

    def _bigcommerce_close_activity(self):
        activity = self.sudo().bigcommerce_shipment_activity_id.exists()
        if activity:
            activity.action_feedback(feedback=self.env._("Shipment sent to BigCommerce."))

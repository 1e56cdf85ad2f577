"""The delivery of a posted cash sale or sales invoice of a BigCommerce order.

A quotation ships through Odoo's own delivery once confirmed (sale_stock). An
invoice ships nothing in Odoo, so posting one made from a BigCommerce order
procures its storable item lines the way a sale order does: a procurement
group for the invoice, the cart's warehouse and its delivery route (one, two
or three steps), one delivery per BigCommerce shipping address, to that
address. Services, digital items, charges, discounts and the Custom Item
create no moves.

Posting again (after a reset to draft) makes no second delivery: per order
line, only what is neither delivered nor on its way is procured (BigCommerce
order lines of one product stay apart: stock_move.py keeps their moves from
merging), and an open delivery holding more than the invoice's lines now do
is reduced to them (a line lowered or removed while in draft). Cancelling the
invoice, or fully reversing it with credit notes, cancels what is not
delivered yet. What the credit notes of BigCommerce refunds give back
(``bigcommerce_refund_id``) is not shipped: posting one takes its items off
the open deliveries (a delivery left with nothing is cancelled); what already
left is for the refund flow to flag (a return is needed).
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
        # A credit note that reverses the whole invoice (Reverse, or Reverse and Create Invoice):
        # what the invoice's delivery has not sent yet is not to be sent.
        reversed_invoices = posted.filtered(lambda m: m.move_type == "out_refund").reversed_entry_id
        reversed_invoices.filtered(lambda m: m.move_type == "out_invoice" and m.bigcommerce_order_id
                                   and m.payment_state == "reversed")._bigcommerce_cancel_deliveries()
        # The credit note of a BigCommerce refund: what it gives back is not to be sent.
        posted.filtered(lambda m: m.move_type == "out_refund" and m.bigcommerce_refund_id).reversed_entry_id.filtered(
            lambda m: m.state == "posted" and m.bigcommerce_order_id)._bigcommerce_deliver(procure=False)
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

    def _bigcommerce_deliver(self, procure=True):
        """Make the invoice's deliveries match its lines (less what its BigCommerce credit
        notes gave back): procure what is neither delivered nor on its way (unless not
        `procure`), take off the open deliveries what the lines no longer hold."""
        # sudo: whoever may post an invoice ships it; the stock rights are not theirs to have.
        for move in self.sudo():
            move = move.with_company(move.company_id)
            wanted = move._bigcommerce_wanted_quantities()
            done, open_moves = move._bigcommerce_delivery_moves()
            to_procure, reduced = {}, self.env["stock.move"]
            for key in list(wanted) + [k for k in open_moves if k not in wanted]:
                product = key[0]
                rounding = product.uom_id.rounding
                quantity, uom, line_quantity, partner = wanted.get(key, (0.0, product.uom_id, 0.0, None))
                moves = open_moves.get(key, self.env["stock.move"])
                on_its_way = sum(moves.mapped("product_qty"))
                missing = float_round(max(quantity - done.get(key, 0.0), 0.0) - on_its_way,
                                      precision_rounding=rounding)
                if float_compare(missing, 0, precision_rounding=rounding) > 0:
                    if not on_its_way and not done.get(key) and line_quantity:
                        to_procure[key + (partner,)] = (line_quantity, uom)     # in the line's unit
                    else:
                        to_procure[key + (partner,)] = (missing, product.uom_id)
                elif float_compare(missing, 0, precision_rounding=rounding) < 0:
                    reduced |= move._bigcommerce_reduce(moves, -missing)
            if reduced:
                move.message_post(body=self.env._(
                    "Delivery %s updated to the invoice's lines.", ", ".join(reduced.picking_id.mapped("name"))))
            if to_procure and procure:
                move._bigcommerce_procure(to_procure)

    def _bigcommerce_wanted_quantities(self):
        """{(product, order line id, address id): (quantity in the product's unit, line unit,
        quantity in the line unit or 0 when mixed, ship-to partner)} of the invoice's
        storable item lines."""
        self.ensure_one()
        cart = self.bigcommerce_cart_id
        default_partner = self.partner_shipping_id or self.partner_id
        wanted = {}
        for line in self.invoice_line_ids:
            if (line.display_type != "product" or not line.product_id.is_storable or line.sale_line_ids
                    or not line._bigcommerce_ships(cart)):
                continue
            product = line.product_id
            uom = line.product_uom_id or product.uom_id
            key = (product, line.bigcommerce_line_id, line.bigcommerce_address_id)
            quantity = uom._compute_quantity(line.quantity, product.uom_id)
            partner = line.bigcommerce_partner_shipping_id or default_partner
            if key in wanted:
                total, first_uom, line_quantity, partner = wanted[key]
                line_quantity = line_quantity + line.quantity if first_uom == uom else 0.0
                wanted[key] = (total + quantity, first_uom, line_quantity, partner)
            else:
                wanted[key] = (quantity, uom, line.quantity, partner)
        for key, credited in self._bigcommerce_credited_quantities().items():
            if key in wanted:
                total, uom, line_quantity, partner = wanted[key]
                wanted[key] = (max(total - credited, 0.0), uom, 0.0, partner)
        return wanted

    def _bigcommerce_credited_quantities(self):
        """{key as in _bigcommerce_wanted_quantities: quantity in the product's unit} the
        posted credit notes of BigCommerce refunds of this invoice gave back."""
        self.ensure_one()
        credited = defaultdict(float)
        credits = self.env["account.move"].search([
            ("reversed_entry_id", "=", self.id), ("move_type", "=", "out_refund"), ("state", "=", "posted"),
            ("bigcommerce_refund_id", "!=", False), ("bigcommerce_refund_id", "!=", 0)])
        for line in credits.invoice_line_ids:
            if line.display_type == "product" and line.product_id.is_storable and line.bigcommerce_line_id:
                uom = line.product_uom_id or line.product_id.uom_id
                key = (line.product_id, line.bigcommerce_line_id, line.bigcommerce_address_id)
                credited[key] += uom._compute_quantity(line.quantity, line.product_id.uom_id)
        return credited

    def _bigcommerce_over_delivered(self, line_ids):
        """{order line id: quantity} delivered beyond what the invoice keeps (less its
        BigCommerce credit notes), for these BigCommerce order line ids."""
        self.ensure_one()
        wanted = self._bigcommerce_wanted_quantities()
        done, _open_moves = self._bigcommerce_delivery_moves()
        over = {}
        for key, quantity in done.items():
            kept = wanted.get(key, (0.0,))[0]
            if key[1] in line_ids and float_compare(quantity, kept, precision_rounding=key[0].uom_id.rounding) > 0:
                over[key[1]] = over.get(key[1], 0.0) + quantity - kept
        return over

    @api.model
    def _bigcommerce_release(self, pickings, quantities):
        """Take {BigCommerce order line id: quantity} off the open moves of `pickings` (a
        sale order's deliveries); returns (moves changed, {line id: quantity not found
        open: already delivered})."""
        changed, left = self.env["stock.move"], {}
        for line_id, quantity in quantities.items():
            moves = pickings.move_ids.filtered(lambda m, line_id=line_id: m._bigcommerce_line()[0] == line_id)
            open_moves = moves.filtered(lambda m: m.state not in ("done", "cancel") and (
                m.location_dest_id.usage == "customer" or (
                    m.location_final_id.usage == "customer"
                    and not m.move_dest_ids.filtered(lambda d: d.state != "cancel"))))
            quantity = float(quantity)
            if moves:     # in the order line's unit
                unit = moves[0].sale_line_id.product_uom or moves[0].product_id.uom_id
                quantity = unit._compute_quantity(quantity, moves[0].product_id.uom_id)
            on_its_way = sum(open_moves.mapped("product_qty"))
            take = min(quantity, on_its_way)
            if take > 0:
                changed |= self.sudo()._bigcommerce_reduce(open_moves, take)
            if quantity - take > 1e-6:
                left[line_id] = quantity - take
        return changed, left

    def _bigcommerce_delivery_moves(self):
        """({key: quantity delivered}, {key: open moves on their way to the customer, the
        furthest step of each chain}) of the invoice's deliveries, keys as in
        _bigcommerce_wanted_quantities, quantities in the product's unit."""
        self.ensure_one()
        done, open_moves = defaultdict(float), defaultdict(lambda: self.env["stock.move"])
        for stock_move in self.bigcommerce_picking_ids.move_ids:
            key = (stock_move.product_id, stock_move.bigcommerce_line_id, stock_move.bigcommerce_address_id)
            last_step = stock_move.location_dest_id.usage == "customer"
            if stock_move.state == "done":
                if last_step:
                    done[key] += stock_move.product_qty
            elif stock_move.state != "cancel" and (last_step or (
                    stock_move.location_final_id.usage == "customer"
                    and not stock_move.move_dest_ids.filtered(lambda m: m.state != "cancel"))):
                # the last step, or an earlier one (pick, pack) whose next step is not made yet
                open_moves[key] |= stock_move
        return done, open_moves

    def _bigcommerce_reduce(self, moves, quantity):
        """Take `quantity` (product unit) off open `moves` and the open steps before them;
        returns the moves changed or cancelled."""
        changed = self.env["stock.move"]
        for stock_move in moves.sorted("id", reverse=True):
            rounding = stock_move.product_id.uom_id.rounding
            if float_compare(quantity, 0, precision_rounding=rounding) <= 0:
                break
            take = min(stock_move.product_qty, quantity)
            before = stock_move.move_orig_ids.filtered(lambda m: m.state not in ("done", "cancel"))
            if float_compare(take, stock_move.product_qty, precision_rounding=rounding) >= 0:
                stock_move._action_cancel()
            else:
                left = stock_move.product_id.uom_id._compute_quantity(stock_move.product_qty - take,
                                                                     stock_move.product_uom)
                stock_move.product_uom_qty = left
                stock_move._action_assign()
            changed |= stock_move
            if before:
                changed |= self._bigcommerce_reduce(before, take)
            quantity -= take
        return changed

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
        for (product, line_id, address_id, partner), (quantity, uom) in wanted.items():
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

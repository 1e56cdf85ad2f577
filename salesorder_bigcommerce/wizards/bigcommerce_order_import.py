from odoo import _, fields, models
from odoo.exceptions import UserError

from ..exceptions import error_message
from ..models.bigcommerce_order_document import DOCUMENT_TYPES, document_type


class BigCommerceOrderImport(models.TransientModel):
    """Orders (Cart): list the store's orders in the chosen statuses, import some."""

    _name = "bigcommerce.order.import"
    _inherit = "bigcommerce.import.wizard"
    _description = "Import BigCommerce Orders"

    date_from = fields.Date(string="From", help="Orders created on or after this day (UTC).")
    date_to = fields.Date(string="To", help="Orders created on or before this day (UTC).")
    status_names = fields.Char(compute="_compute_status_names", string="Statuses")
    line_ids = fields.One2many("bigcommerce.order.import.line", "wizard_id", string="Orders")

    def _compute_status_names(self):
        for wizard in self:
            wizard.status_names = ", ".join(wizard.cart_id.import_status_ids.mapped("display_name"))

    def _title(self):
        return _("Orders (Cart): %(cart)s", cart=self.cart_id.name)

    def action_list(self):
        self.ensure_one()
        cart = self.cart_id
        orders, errors = cart._list_orders(self.date_from, self.date_to)
        bindings = self.env["bigcommerce.order.binding"].search(
            [("cart_id", "=", cart.id), ("bigcommerce_order_id", "in", [o.id for o in orders])])
        documents = {b.bigcommerce_order_id: (b.sale_order_id or b.move_id) for b in bindings}
        lines = [(5, 0, 0)]
        for order in orders:
            document = documents.get(order.id)
            lines.append((0, 0, {
                "bigcommerce_id": order.id,
                "date": order.date_created,
                "customer": order.billing_address.name or order.billing_address.email,
                "email": order.billing_address.email,
                "total": float(order.total_inc_tax),
                "currency": order.currency_code,
                "status": order.custom_status or order.status,
                "imported": bool(document),
                "document_type": document_type(document),
                "document": document.display_name if document else False,
            }))
        for error, raw in errors:
            raw = raw if isinstance(raw, dict) else {}
            lines.append((0, 0, {"bigcommerce_id": raw.get("id") or 0,
                                 "problem": error_message(self.env, error)}))
        message = _("%(count)s order(s) in %(statuses)s.", count=len(orders), statuses=self.status_names)
        if errors:
            message += " " + _("%(count)s cannot be read (see Problem).", count=len(errors))
        self.write({"line_ids": lines, "result": message})
        return self._reopen()

    def action_import(self):
        self.ensure_one()
        selected = self.line_ids.filtered("selected")
        if not selected:
            raise UserError(_("Select the orders to import first (tick Import)."))
        report = self.cart_id._import_orders(selected.mapped("bigcommerce_id"))
        self._write_outcomes(selected, report)
        self._show_report(report, _("Orders imported"))
        return self._reopen()

    def action_update_selected(self):
        """Update from BigCommerce: follow what changed on the selected imported orders."""
        self.ensure_one()
        selected = self.line_ids.filtered(lambda line: line.selected and line.imported)
        if not selected:
            raise UserError(_("Select imported orders to update first (tick Import on rows already imported)."))
        return selected._update()

    def _write_outcomes(self, lines, report):
        outcomes = {o.bigcommerce_id: o for o in report.outcomes}
        for line in lines:
            outcome = outcomes.get(line.bigcommerce_id)
            if not outcome:
                continue
            values = {"result_status": outcome.status, "problem": outcome.reason or False, "selected": False}
            if outcome.records:
                values.update(imported=True, document=outcome.records.display_name,
                              document_type=document_type(outcome.records))
            line.write(values)

    def action_select_new(self):
        self.line_ids.filtered(lambda line: not line.imported and not line.problem).write({"selected": True})
        return self._reopen()


class BigCommerceOrderImportLine(models.TransientModel):
    _name = "bigcommerce.order.import.line"
    _description = "BigCommerce Order (listed)"
    _order = "bigcommerce_id desc"

    wizard_id = fields.Many2one("bigcommerce.order.import", required=True, ondelete="cascade")
    selected = fields.Boolean(string="Import")
    bigcommerce_id = fields.Integer(string="Order #")
    date = fields.Datetime()
    customer = fields.Char()
    email = fields.Char()
    total = fields.Float(digits=(16, 2))
    currency = fields.Char()
    status = fields.Char()
    imported = fields.Boolean(help="Already imported into Odoo.")
    document_type = fields.Selection(DOCUMENT_TYPES, string="Type", readonly=True)
    document = fields.Char()
    result_status = fields.Selection(
        [("created", "Created"), ("updated", "Updated"), ("already_imported", "Already Imported"),
         ("skipped", "Skipped"), ("failed", "Failed")], string="Result", readonly=True)
    problem = fields.Char(readonly=True)

    def action_update(self):
        """Update from BigCommerce (one row's button)."""
        return self._update()

    def _update(self):
        wizard = self.wizard_id
        wizard.ensure_one()
        report = wizard.cart_id.update_orders(self.mapped("bigcommerce_id"))
        wizard._write_outcomes(self, report)
        wizard._show_report(report, _("Orders updated from BigCommerce"))
        return wizard._reopen()

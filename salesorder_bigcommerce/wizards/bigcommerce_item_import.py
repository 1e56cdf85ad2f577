from odoo import _, fields, models
from odoo.exceptions import UserError

from ..exceptions import error_message


class BigCommerceItemImport(models.TransientModel):
    """Items (Cart): list the store's items, pick some, import them."""

    _name = "bigcommerce.item.import"
    _inherit = "bigcommerce.import.wizard"
    _description = "Import BigCommerce Items"

    search = fields.Char(help="A keyword (name, description, brand) or a SKU; empty lists every item.")
    line_ids = fields.One2many("bigcommerce.item.import.line", "wizard_id", string="Items")
    listed_count = fields.Integer(readonly=True)

    def _title(self):
        return _("Items (Cart): %(cart)s", cart=self.cart_id.name)

    def action_list(self):
        """List every matching item of the store, across all pages."""
        self.ensure_one()
        products, errors = self.cart_id._fetch_products(keyword=(self.search or "").strip())
        bound = self.env["bigcommerce.product.binding"].search(
            [("cart_id", "=", self.cart_id.id),
             ("bigcommerce_product_id", "in", [p.id for p in products])])
        imported = set(bound.mapped("bigcommerce_product_id"))
        lines = [(5, 0, 0)]
        for product in products:
            lines.append((0, 0, {
                "bigcommerce_id": product.id,
                "sku": product.sku,
                "name": product.name,
                "price": float(product.price),
                "variant_count": len(product.variants) if product.has_options else 0,
                "in_odoo": product.id in imported,
            }))
        for error, raw in errors:
            raw = raw if isinstance(raw, dict) else {}
            lines.append((0, 0, {
                "bigcommerce_id": raw.get("id") or 0, "sku": str(raw.get("sku") or ""),
                "name": str(raw.get("name") or ""), "problem": error_message(self.env, error)}))
        result = _("%(count)s item(s) found.", count=len(products))
        if errors:
            result += _(" %(count)s cannot be imported (see Problem).", count=len(errors))
        self.write({"line_ids": lines, "listed_count": len(products), "result": result})
        return self._reopen()

    def action_import(self):
        self.ensure_one()
        selected = self.line_ids.filtered("selected")
        if not selected:
            raise UserError(_("Select the items to import first (tick Import)."))
        report = self.cart_id._import_items(selected.mapped("bigcommerce_id"))
        outcomes = {o.bigcommerce_id: o for o in report.outcomes}
        for line in selected:
            outcome = outcomes.get(line.bigcommerce_id)
            if outcome:
                line.write({"status": outcome.status, "problem": outcome.reason or False,
                            "in_odoo": line.in_odoo or outcome.ok, "selected": False})
        self._show_report(report, _("Items imported"))
        return self._reopen()

    def action_select_all(self):
        self.line_ids.filtered(lambda line: not line.problem or line.status).write({"selected": True})
        return self._reopen()


class BigCommerceItemImportLine(models.TransientModel):
    _name = "bigcommerce.item.import.line"
    _description = "BigCommerce Item (listed)"
    _order = "sku, id"

    wizard_id = fields.Many2one("bigcommerce.item.import", required=True, ondelete="cascade")
    selected = fields.Boolean(string="Import")
    bigcommerce_id = fields.Integer(string="BigCommerce ID")
    sku = fields.Char(string="SKU")
    name = fields.Char()
    price = fields.Float(digits="Product Price")
    variant_count = fields.Integer(string="Variants")
    in_odoo = fields.Boolean()
    status = fields.Selection(
        [("created", "Created"), ("updated", "Updated"), ("unchanged", "Unchanged"),
         ("skipped", "Skipped")], readonly=True,
        help="Created: new in Odoo. Updated: Odoo's product was changed to match the store. "
             "Unchanged: already in Odoo as the store has it, nothing written. "
             "Skipped: not imported (see Problem).")
    problem = fields.Char(readonly=True)

"""What the connector shows of an imported order: the type of document it became
(Quotation or Invoice), its customer, date, total and status, and whether it is
still pending. One list (the cart's Orders button, Sales › Orders › BigCommerce
Pending) then holds quotations and invoices together, one row per order, and a
click on a row opens the document."""
from odoo import api, fields, models
from odoo.exceptions import UserError

# How the connector names the document an order became (never "Sale Order" / "Move").
DOCUMENT_TYPES = [("quotation", "Quotation"), ("invoice", "Invoice")]

# A pending document: a quotation not confirmed nor cancelled, an invoice in draft.
PENDING_QUOTATION_STATES = ("draft", "sent")
PENDING_INVOICE_STATES = ("draft",)


def document_type(document):
    """'quotation' or 'invoice' for an imported document (sale.order or account.move); False for none."""
    if not document:
        return False
    return "quotation" if document._name == "sale.order" else "invoice"


class BigCommerceOrderBinding(models.Model):
    _inherit = "bigcommerce.order.binding"

    sale_order_id = fields.Many2one(string="Quotation")
    move_id = fields.Many2one(string="Invoice")
    document_type = fields.Selection(
        DOCUMENT_TYPES, string="Type", compute="_compute_document_type", store=True,
        help="What the order became in Odoo: a quotation (Import Cart Orders as: Pending Sales "
             "Orders) or a customer invoice (Pending Cash Sales, Pending Sales Invoices).")
    document_name = fields.Char(string="Document", compute="_compute_document_fields")
    partner_id = fields.Many2one("res.partner", string="Customer", compute="_compute_document_fields")
    document_date = fields.Date(string="Date", compute="_compute_document_fields")
    currency_id = fields.Many2one("res.currency", compute="_compute_document_fields")
    amount_total = fields.Monetary(string="Total", compute="_compute_document_fields")
    document_state = fields.Char(string="Status", compute="_compute_document_fields")
    pending = fields.Boolean(
        compute="_compute_document_fields", search="_search_pending",
        help="The document waits for someone: a quotation not confirmed, an invoice in draft.")

    @api.depends("sale_order_id", "move_id")
    def _compute_document_type(self):
        for binding in self:
            binding.document_type = document_type(binding.sale_order_id or binding.move_id)

    @api.depends("sale_order_id.state", "move_id.state")
    def _compute_document_fields(self):
        # Only the documents the user may read: a salesperson seeing only his own
        # documents sees nothing of the others' (their rows are not listed anyway).
        readable = {*self.sale_order_id._filtered_access("read"), *self.move_id._filtered_access("read")}
        for binding in self:
            document = binding.sale_order_id or binding.move_id
            document = document if document in readable else document.browse()
            if not document:
                binding.update({"document_name": False, "partner_id": False, "document_date": False,
                                "currency_id": False, "amount_total": 0.0, "document_state": False,
                                "pending": False})
                continue
            quotation = document._name == "sale.order"
            pending_states = PENDING_QUOTATION_STATES if quotation else PENDING_INVOICE_STATES
            states = dict(document._fields["state"]._description_selection(self.env))
            binding.update({
                "document_name": document.display_name,
                "partner_id": document.partner_id,
                "document_date": (document.date_order.date() if quotation
                                  else document.invoice_date or document.date),
                "currency_id": document.currency_id,
                "amount_total": document.amount_total,
                "document_state": states.get(document.state),
                "pending": document.state in pending_states,
            })

    @api.model
    def _pending_domain(self):
        """Bindings whose document is pending and readable by the user (`any` applies
        the document's record rules)."""
        return ["|", ("sale_order_id", "any", [("state", "in", PENDING_QUOTATION_STATES)]),
                ("move_id", "any", [("state", "in", PENDING_INVOICE_STATES)])]

    @api.model
    def _documents_domain(self):
        """Bindings with a document (quotation or invoice) the user may read."""
        return ["|", ("sale_order_id", "any", []), ("move_id", "any", [])]

    def _search_pending(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            return NotImplemented
        domain = self._pending_domain()
        return domain if (operator == "=") == value else ["!", *domain]

    def action_open_document(self):
        """The document the order became, in its own form (a click on a row of the list)."""
        self.ensure_one()
        document = self.sale_order_id or self.move_id
        if not document:
            raise UserError(self.env._("The document of BigCommerce order %(order)s was deleted in Odoo.",
                                       order=self.bigcommerce_order_id))
        document.check_access("read")
        return {
            "type": "ir.actions.act_window",
            "res_model": document._name,
            "res_id": document.id,
            "views": [(False, "form")],
            "target": "current",
        }

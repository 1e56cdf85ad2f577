from odoo import fields, models


class BigCommerceImportWizard(models.AbstractModel):
    """What the Items (Cart) and Orders (Cart) screens share: a cart, a result
    text, and reopening themselves after each button so the list stays up."""

    _name = "bigcommerce.import.wizard"
    _description = "BigCommerce Import Screen"

    cart_id = fields.Many2one("bigcommerce.cart", required=True, ondelete="cascade")
    result = fields.Text(readonly=True)

    def _title(self):
        raise NotImplementedError

    def _reopen(self):
        return {
            "type": "ir.actions.act_window",
            "name": self._title(),
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
            "context": {"dialog_size": "extra-large"},
        }

    def _show_report(self, report, chatter_title):
        """Put an import report in the screen and its summary in the cart's chatter."""
        summary = report.summary()
        details = [f"{o.label}: {o.reason}" for o in report.outcomes if o.reason]
        self.result = "\n".join([self.env._("Import finished: %(summary)s.", summary=summary)]
                                + details + report.notes)
        self.cart_id.message_post(
            body=self.env._("%(title)s: %(summary)s.", title=chatter_title, summary=summary))

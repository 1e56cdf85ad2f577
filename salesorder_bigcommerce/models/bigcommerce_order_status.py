from odoo import fields, models


class BigCommerceOrderStatus(models.Model):
    """A BigCommerce order status (ids 0-14 are fixed by BigCommerce).

    The 15 statuses ship as data so they can be chosen before the first
    connection; Test Connection refreshes their labels from the store.
    """

    _name = "bigcommerce.order.status"
    _description = "BigCommerce Order Status"
    _order = "sequence, bigcommerce_id"

    bigcommerce_id = fields.Integer(string="BigCommerce ID", required=True, index=True)
    name = fields.Char(required=True, translate=True)
    custom_label = fields.Char(help="The label the merchant gave this status in BigCommerce.")
    sequence = fields.Integer(default=10)

    _sql_constraints = [
        ("bigcommerce_id_unique", "unique(bigcommerce_id)",
         "A BigCommerce order status exists only once."),
    ]

    def _compute_display_name(self):
        for status in self:
            label = status.custom_label
            status.display_name = (
                f"{status.name} ({label})" if label and label != status.name else status.name
            )

    def _load_from_store(self, statuses):
        """Create or refresh statuses from the store's GET /v2/order_statuses."""
        existing = {s.bigcommerce_id: s for s in self.search([])}
        for status in statuses:
            values = {
                "name": status.name,
                "custom_label": status.custom_label or False,
                "sequence": status.order if status.order is not None else status.id,
            }
            record = existing.get(status.id)
            if record:
                changed = {k: v for k, v in values.items() if record[k] != v}
                if changed:
                    record.write(changed)
            else:
                self.create(dict(values, bigcommerce_id=status.id))

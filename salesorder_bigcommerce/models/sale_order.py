from odoo import models

from .bigcommerce_document import BigCommerceDocumentMixin


class SaleOrder(models.Model):
    _name = "sale.order"
    _inherit = ["sale.order", "bigcommerce.document.mixin"]

    _sql_constraints = BigCommerceDocumentMixin._bigcommerce_constraints

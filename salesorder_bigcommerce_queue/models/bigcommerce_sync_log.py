from odoo import fields, models


class BigCommerceSyncLog(models.Model):
    _inherit = "bigcommerce.sync.log"

    orders_queued = fields.Integer(
        string="Sent to Jobs", readonly=True,
        help="Orders this pass handed to import jobs (Job Queue, channel root.bigcommerce) instead of "
             "importing them itself: new orders in the chosen statuses and changed orders already imported.")

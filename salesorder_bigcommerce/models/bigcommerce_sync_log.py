from datetime import timedelta

from odoo import _, api, fields, models

SYNC_STATES = [
    ("running", "Running"),
    ("done", "Done"),
    ("stopped", "Stopped"),
    ("failed", "Failed"),
]
# Sync logs older than this many days are removed by the daily autovacuum.
LOG_DAYS_PARAM = "salesorder_bigcommerce.sync_log_days"
DEFAULT_LOG_DAYS = 90


class BigCommerceSyncLog(models.Model):
    """One auto-sync pass of a cart: when, how it ended, what it did."""

    _name = "bigcommerce.sync.log"
    _description = "BigCommerce Sync Log"
    _order = "date_start desc, id desc"

    cart_id = fields.Many2one("bigcommerce.cart", required=True, ondelete="cascade", index=True,
                              readonly=True)
    company_id = fields.Many2one(related="cart_id.company_id", store=True)
    trigger = fields.Selection([("cron", "Scheduled"), ("manual", "Manual")], required=True,
                               default="manual", readonly=True)
    user_id = fields.Many2one("res.users", string="Run By", readonly=True)
    state = fields.Selection(SYNC_STATES, required=True, default="running", readonly=True,
                             help="Stopped: the time budget or BigCommerce's rate limit ended the "
                                  "pass early; the next pass resumes where it stopped.")
    date_start = fields.Datetime(string="Start", required=True, default=fields.Datetime.now, readonly=True)
    date_end = fields.Datetime(string="End", readonly=True)
    duration = fields.Float(string="Duration (s)", compute="_compute_duration", digits=(16, 1))
    cursor_from = fields.Datetime(
        string="Read Changes From", readonly=True,
        help="Orders modified since this moment (UTC) were read: the cart's cursor minus the overlap.")
    cursor_to = fields.Datetime(
        string="Synced Up To", readonly=True,
        help="The cart's cursor after the pass: the latest modification date processed.")
    orders_seen = fields.Integer(readonly=True)
    orders_imported = fields.Integer(string="Imported", readonly=True)
    orders_already_imported = fields.Integer(string="Already There", readonly=True)
    orders_failed = fields.Integer(string="Failed", readonly=True)
    orders_skipped = fields.Integer(string="Skipped", readonly=True)
    request_count = fields.Integer(string="API Requests", readonly=True)
    message = fields.Text(readonly=True)
    error_text = fields.Text(string="Errors", readonly=True, help="One line per order that failed to import.")

    @api.depends("date_start", "date_end")
    def _compute_duration(self):
        for log in self:
            log.duration = (log.date_end - log.date_start).total_seconds() \
                if log.date_start and log.date_end else 0.0

    @api.depends("cart_id", "date_start")
    def _compute_display_name(self):
        for log in self:
            start = fields.Datetime.context_timestamp(log, log.date_start) if log.date_start else False
            log.display_name = _("%(cart)s sync of %(start)s", cart=log.cart_id.name,
                                 start=fields.Datetime.to_string(start) if start else "-")

    @api.autovacuum
    def _gc_sync_logs(self):
        days = self.env["ir.config_parameter"].sudo().get_param(LOG_DAYS_PARAM)
        try:
            days = int(days) if days else DEFAULT_LOG_DAYS
        except ValueError:
            days = DEFAULT_LOG_DAYS
        if days > 0:
            limit = fields.Datetime.now() - timedelta(days=days)
            self.sudo().search([("date_start", "<", limit), ("state", "!=", "running")],
                               limit=models.GC_UNLINK_LIMIT).unlink()


class BigCommerceSyncFailure(models.Model):
    """An order auto-sync could not import, remembered so that its activity is
    raised once (not at every pass) and the order is tried again at each pass.
    Removed when the order imports."""

    _name = "bigcommerce.sync.failure"
    _description = "BigCommerce Order Failing to Import"
    _order = "last_failed_on desc, id desc"
    _rec_name = "bigcommerce_order_id"

    cart_id = fields.Many2one("bigcommerce.cart", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="cart_id.company_id", store=True)
    bigcommerce_order_id = fields.Integer(string="BigCommerce Order", required=True)
    error = fields.Text(string="Last Error")
    failure_count = fields.Integer(string="Failures", default=1)
    first_failed_on = fields.Datetime(default=fields.Datetime.now)
    last_failed_on = fields.Datetime(default=fields.Datetime.now)
    activity_id = fields.Many2one("mail.activity", ondelete="set null")

    _sql_constraints = [
        ("failure_unique", "unique(cart_id, bigcommerce_order_id)",
         "A failing BigCommerce order is remembered once per cart."),
    ]

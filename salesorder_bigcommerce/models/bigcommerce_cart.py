from datetime import datetime, time

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..exceptions import BigCommerceUserError, error_message
from ..importers.order_importer import OrderImporter
from ..importers.results import CREATED, FAILED, SKIPPED, ImportReport, Outcome
from ..services.client import BigCommerceClient
from ..services.errors import BigCommerceError
from ..services.parsing import parse_api_key, parse_api_path

API_KEY_SHAPE = "CLIENT_ID:ACCESS_TOKEN"
API_PATH_SHAPE = "https://api.bigcommerce.com/stores/{store_hash}/v3/"


class BigCommerceCart(models.Model):
    """A BigCommerce store ("shopping cart") connected to this database."""

    _name = "bigcommerce.cart"
    _description = "BigCommerce Shopping Cart"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "name, id"

    name = fields.Char(string="Cart Name", required=True, tracking=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True,
        default=lambda self: self.env.company)
    user_id = fields.Many2one(
        "res.users", string="Responsible", default=lambda self: self.env.user, tracking=True,
        help="Told (by an activity) when an order fails to import.")
    api_path = fields.Char(
        string="Cart Connect URL", required=True, tracking=True,
        help="The API Path shown by BigCommerce when you create the API account, "
             "e.g. " + API_PATH_SHAPE)
    api_version = fields.Selection(
        [("v2", "Version 2"), ("v3", "Version 3")], string="API Version",
        required=True, default="v3", tracking=True)
    # The secret. Only BigCommerce managers may read or write it; never tracked.
    api_key = fields.Char(
        string="API Key", required=True, copy=False,
        groups="salesorder_bigcommerce.group_bigcommerce_manager",
        help="CLIENT_ID:ACCESS_TOKEN from the BigCommerce API account credentials "
             "(a colon between them, no spaces).")
    import_orders_as = fields.Selection(
        [("cash_sale", "Pending Cash Sales"),
         ("sale_order", "Pending Sales Orders"),
         ("sales_invoice", "Pending Sales Invoices")],
        string="Import Cart Orders as", required=True, default="cash_sale", tracking=True)
    import_status_ids = fields.Many2many(
        "bigcommerce.order.status", string="Import Orders with Status",
        help="Only orders in these BigCommerce statuses are listed and imported. "
             "With none chosen, orders are neither listed nor imported.")
    auto_sync = fields.Selection(
        [("stopped", "Stopped"), ("running", "Running")], string="Auto-sync",
        required=True, default="stopped", tracking=True)

    # Items
    product_categ_id = fields.Many2one(
        "product.category", string="Product Category", required=True,
        default=lambda self: self._default_product_category(),
        help="Category of the products imported from BigCommerce; its accounts "
             "(income, cost of goods sold, stock valuation) are the products' accounts.")
    categ_income_account_id = fields.Many2one(
        related="product_categ_id.property_account_income_categ_id", readonly=False,
        string="Income Account")
    categ_expense_account_id = fields.Many2one(
        related="product_categ_id.property_account_expense_categ_id", readonly=False,
        string="Cost of Goods Sold Account")
    categ_stock_valuation_account_id = fields.Many2one(
        related="product_categ_id.property_stock_valuation_account_id", readonly=False,
        string="Stock Asset Account")
    item_search = fields.Char(
        string="Search Items", help="A keyword (name, description, brand) or a SKU.")
    product_binding_ids = fields.One2many(
        "bigcommerce.product.binding", "cart_id", string="Imported Items")
    product_count = fields.Integer(compute="_compute_product_count")

    # Orders
    payment_journal_id = fields.Many2one(
        "account.journal", check_company=True,
        domain="[('type', 'in', ('bank', 'cash')), ('company_id', '=', company_id)]",
        default=lambda self: self._default_payment_journal(),
        help="Posting a cash sale registers BigCommerce's payment on this journal.")
    store_credit_journal_id = fields.Many2one(
        "account.journal", check_company=True,
        domain="[('type', 'in', ('bank', 'cash')), ('company_id', '=', company_id)]",
        help="Posting a cash sale registers the store credit the shopper spent on this journal; "
             "with none, that amount is left open on the invoice, with a note.")
    gift_certificate_journal_id = fields.Many2one(
        "account.journal", check_company=True,
        domain="[('type', 'in', ('bank', 'cash')), ('company_id', '=', company_id)]",
        help="Posting a cash sale registers the gift certificates the shopper spent on this journal; "
             "with none, that amount is left open on the invoice, with a note.")
    shipping_product_id = fields.Many2one(
        "product.product", required=True,
        default=lambda self: self.env.ref("salesorder_bigcommerce.product_shipping", False))
    handling_product_id = fields.Many2one(
        "product.product", required=True,
        default=lambda self: self.env.ref("salesorder_bigcommerce.product_handling", False))
    wrapping_product_id = fields.Many2one(
        "product.product", string="Gift Wrapping Product", required=True,
        default=lambda self: self.env.ref("salesorder_bigcommerce.product_wrapping", False))
    discount_product_id = fields.Many2one(
        "product.product", required=True,
        default=lambda self: self.env.ref("salesorder_bigcommerce.product_discount", False))
    custom_product_id = fields.Many2one(
        "product.product", string="Custom Item Product", required=True,
        default=lambda self: self.env.ref("salesorder_bigcommerce.product_custom", False),
        help="Stands for order lines typed in BigCommerce rather than taken from the catalog.")
    rounding_product_id = fields.Many2one(
        "product.product", required=True,
        default=lambda self: self.env.ref("salesorder_bigcommerce.product_rounding", False),
        help="Carries the cent that makes a document's totals equal the store's.")
    tax_map_ids = fields.One2many("bigcommerce.tax.map", "cart_id", string="Tax Mapping")
    order_binding_ids = fields.One2many("bigcommerce.order.binding", "cart_id", string="Imported Orders")
    order_count = fields.Integer(compute="_compute_order_count")
    order_date_from = fields.Date(string="Orders From", help="List orders created on or after this day (UTC).")
    order_date_to = fields.Date(string="Orders To", help="List orders created on or before this day (UTC).")

    # What Test Connection learnt about the store.
    store_hash = fields.Char(compute="_compute_store_hash", store=True)
    store_name = fields.Char(readonly=True, copy=False)
    store_currency = fields.Char(readonly=True, copy=False)
    store_domain = fields.Char(readonly=True, copy=False)
    connected_on = fields.Datetime(string="Last Connection", readonly=True, copy=False)

    _sql_constraints = [
        ("name_company_unique", "unique(name, company_id)",
         "A cart with this name already exists in this company."),
    ]

    @api.model
    def _default_product_category(self):
        return self.env.ref("salesorder_bigcommerce.product_category_bigcommerce",
                            raise_if_not_found=False)

    @api.model
    def _default_payment_journal(self):
        return self.env["account.journal"].search(
            [("type", "=", "bank"), ("company_id", "=", self.env.company.id)], limit=1)

    @api.depends("order_binding_ids")
    def _compute_order_count(self):
        # What the Orders button lists: the documents of every type the cart imported
        # (that the user may read), whatever Import Cart Orders as says today.
        counts = {}
        for model, domain in self._document_domains().items():
            for cart, count in self.env[model]._read_group(domain, ["bigcommerce_cart_id"], ["__count"]):
                counts[cart] = counts.get(cart, 0) + count
        for cart in self:
            cart.order_count = counts.get(cart, 0)

    def _document_domains(self):
        """{model: domain} of the documents the carts' orders became: quotations
        (sale.order) and customer invoices (cash sales included; not the credit
        notes of refunds)."""
        return {
            "sale.order": [("bigcommerce_cart_id", "in", self.ids)],
            "account.move": [("bigcommerce_cart_id", "in", self.ids), ("move_type", "=", "out_invoice")],
        }

    @api.depends("product_binding_ids")
    def _compute_product_count(self):
        counts = dict(self.env["bigcommerce.product.binding"]._read_group(
            [("cart_id", "in", self.ids)], ["cart_id"], ["__count"]))
        for cart in self:
            cart.product_count = counts.get(cart, 0)

    @api.depends("api_path")
    def _compute_store_hash(self):
        for cart in self:
            try:
                cart.store_hash = parse_api_path(cart.api_path).store_hash if cart.api_path else False
            except BigCommerceError:
                cart.store_hash = False

    @api.constrains("api_path")
    def _check_api_path(self):
        for cart in self:
            try:
                parse_api_path(cart.api_path)
            except BigCommerceError as error:
                raise ValidationError(error_message(self.env, error)) from None

    @api.constrains("api_key")
    def _check_api_key(self):
        for cart in self.sudo():
            try:
                parse_api_key(cart.api_key)
            except BigCommerceError as error:
                # The message shows the expected shape, never the value typed.
                raise ValidationError(error_message(self.env, error)) from None

    # ------------------------------------------------------------------
    # The client
    # ------------------------------------------------------------------

    def _get_client(self, **options):
        """The BigCommerce client for this cart (the only way code reaches the API)."""
        self.ensure_one()
        # sudo: the key is readable only by managers, but salespeople and the
        # cron may still use the connection; the key never leaves this method.
        return BigCommerceClient(self.api_path, self.sudo().api_key, **options)

    # ------------------------------------------------------------------
    # Test Connection
    # ------------------------------------------------------------------

    def action_test_connection(self):
        """Read the store's information and order statuses; notify the outcome.

        A quick client: the user waits, so one attempt with a short timeout (a
        refused connection or an unknown host fails at once), no retries."""
        self.ensure_one()
        self.check_access("write")   # BigCommerce managers only, also over RPC: it uses the API Key
        try:
            client = self._get_client(quick=True)
            store = client.get_store()
            statuses = client.get_order_statuses()
        except BigCommerceError as error:
            raise UserError(_("Test Connection failed for %(cart)s: %(error)s",
                              cart=self.name, error=error_message(self.env, error))) from None
        self.env["bigcommerce.order.status"].sudo()._load_from_store(statuses)
        self.write({
            "store_name": store.name,
            "store_currency": store.currency,
            "store_domain": store.secure_url or store.domain,
            "connected_on": fields.Datetime.now(),
        })
        message = _("Connected to store %(name)s (hash %(hash)s, currency %(currency)s).",
                    name=store.name, hash=store.store_hash, currency=store.currency)
        self.message_post(body=message)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": _("Connection successful"),
                "message": message,
                "type": "success",
                "sticky": False,
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    # ------------------------------------------------------------------
    # Orders
    # ------------------------------------------------------------------

    def _check_import_statuses(self):
        self.ensure_one()
        if not self.import_status_ids:
            raise UserError(_(
                "Cart %(cart)s has no Import Orders with Status: choose at least one BigCommerce "
                "order status (e.g. Awaiting Fulfillment) before listing or importing orders.",
                cart=self.name))

    def _order_document_model(self):
        return "sale.order" if self.import_orders_as == "sale_order" else "account.move"

    def _list_orders(self, date_from=None, date_to=None):
        """The store's orders in the chosen statuses (all pages, no lines), newest first,
        and the (error, raw) pairs of those that did not parse."""
        self._check_import_statuses()
        client = self._get_client()
        errors, orders = [], []
        start = datetime.combine(date_from, time.min) if date_from else None
        end = datetime.combine(date_to, time.max).replace(microsecond=0) if date_to else None
        try:
            for status in self.import_status_ids.sorted("bigcommerce_id"):
                orders.extend(client.iter_orders(
                    status_id=status.bigcommerce_id, min_date_created=start, max_date_created=end,
                    with_lines=False, on_payload_error=lambda error, raw: errors.append((error, raw))))
        except BigCommerceError as error:
            raise BigCommerceUserError.from_error(self.env, error) from None
        return sorted(orders, key=lambda o: o.id, reverse=True), errors

    def _import_orders(self, order_ids, orders=None):
        """Import the given BigCommerce order ids; returns the ImportReport.

        `orders` (parsed, with lines) spares fetching them again."""
        self._check_import_statuses()
        self = self.with_company(self.company_id)  # noqa: PLW0642 - documents belong to the cart's company
        wanted = list(dict.fromkeys(int(i) for i in order_ids))
        errors = []
        if orders is None:
            try:
                orders = self._get_client().get_orders(
                    wanted, on_payload_error=lambda error, raw: errors.append((error, raw)))
            except BigCommerceError as error:
                raise BigCommerceUserError.from_error(self.env, error) from None
        report = ImportReport()
        allowed = set(self.import_status_ids.mapped("bigcommerce_id"))
        importable = []
        for order in orders:
            if order.status_id in allowed:
                importable.append(order)
            else:
                report.add(Outcome(order.id, _("Order %s", order.id), SKIPPED, _(
                    "Its status %(status)s is not among Import Orders with Status.",
                    status=order.status or order.status_id)))
        OrderImporter(self).import_orders(importable, parse_errors=errors, report=report)
        seen = {o.bigcommerce_id for o in report.outcomes}
        for missing in (i for i in wanted if i not in seen):
            report.add(Outcome(missing, _("Order %s", missing), FAILED,
                               _("Order %(id)s was not found in the store.", id=missing)))
        return report

    def import_orders(self, order_ids):
        """Import BigCommerce orders (by id) as pending documents of the cart's
        Import Cart Orders as. Returns the documents created by this call; an
        order imported before is reported and left unchanged."""
        self.ensure_one()
        self.check_access("write")   # BigCommerce managers only, also over RPC
        report = self._import_orders(order_ids)
        documents = self.env[self._order_document_model()]
        for outcome in report.by_status(CREATED):
            documents |= outcome.records
        return documents

    def action_list_orders(self):
        """Open the order import screen listing the store's orders in the chosen statuses."""
        self.ensure_one()
        self._check_import_statuses()
        wizard = self.env["bigcommerce.order.import"].create({
            "cart_id": self.id, "date_from": self.order_date_from, "date_to": self.order_date_to})
        wizard.action_list()
        return wizard._reopen()

    def action_view_documents(self):
        """The Orders button: every document imported from this cart, of every type.

        All of one type: Odoo's own quotation list or customer invoice list (with
        the BigCommerce order number, so that a draft invoice reads as its order).
        Quotations and invoices both: the cart's imported orders, one row per order
        with its document's type, customer, total and status; a click opens it."""
        self.ensure_one()
        Action = self.env["ir.actions.act_window"]
        name = _("BigCommerce Orders")
        domains = self._document_domains()
        found = [model for model, domain in domains.items() if self.env[model].search_count(domain, limit=1)]
        if len(found) > 1:
            action = Action._for_xml_id("salesorder_bigcommerce.action_bigcommerce_order_binding")
            documents = self.env["bigcommerce.order.binding"]._documents_domain()
            action.update({
                "name": name, "display_name": name,
                "domain": [("cart_id", "=", self.id), *documents],
                "context": {"create": False},
            })
            return action
        model = found[0] if found else self._order_document_model()
        if model == "sale.order":
            action = Action._for_xml_id("sale.action_quotations")
            list_view = self.env.ref("salesorder_bigcommerce.sale_order_view_list_bigcommerce")
            context = {"create": False}
        else:
            action = Action._for_xml_id("account.action_move_out_invoice_type")
            list_view = self.env.ref("salesorder_bigcommerce.account_move_view_list_bigcommerce")
            # The customer invoice list shows Customer and Invoice Date for this move type only.
            context = {"create": False, "default_move_type": "out_invoice"}
        action.pop("path", None)   # not the app's own Quotations / Invoices page
        other_views = [(view, mode) for view, mode in action["views"] if mode != "list"]
        action.update({
            "name": name, "display_name": name,
            "domain": domains[model],
            "context": context,
            "views": [(list_view.id, "list"), *other_views],
        })
        return action

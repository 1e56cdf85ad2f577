"""Stock levels to BigCommerce: the cart's *Export Stock*.

For every item linked to the cart (bigcommerce.product.binding), Odoo's
quantity (free to use by default) in the cart's source locations is set in
BigCommerce with absolute inventory adjustments (services/inventory.py), by
variant id or product id as the store tracks the item. Only what changed since
the last push is sent: the quantity the store accepted is kept per item and
location (bigcommerce.stock.level). A push is one method, ``_export_stock``,
run by the scheduled action, by ``action_export_stock()`` (the contract) and
by the cart's buttons, which only show its outcome.
"""
import logging
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.sql_db import db_connect
from odoo.tools import split_every

from ..exceptions import error_message
from ..services.errors import BigCommerceError
from ..services.inventory import DEFAULT_LOCATION_ID, StockItem, push_absolute, read_inventory_tracking, whole_quantity

_logger = logging.getLogger(__name__)

STOCK_LOCK_NAMESPACE = "salesorder_bigcommerce.stock"
STOCK_CRON_XMLID = "salesorder_bigcommerce.ir_cron_bigcommerce_stock_export"
QUANTITY_CHUNK = 1000          # products whose quantities are computed at once
MAX_REPORTED_ITEMS = 50        # items named in one chatter note


@dataclass
class StockPushSummary:
    accepted: int = 0
    refused: int = 0
    skipped: int = 0
    requests: int = 0
    busy: bool = False
    error: str = ""


class BigCommerceCart(models.Model):
    _inherit = "bigcommerce.cart"

    export_stock = fields.Boolean(
        tracking=True, copy=False,
        help="Keep the store's stock levels equal to Odoo's: a scheduled action sends the quantity of "
             "every imported item to BigCommerce when it changes.")
    stock_export_field = fields.Selection(
        [("free_qty", "Free to Use"), ("qty_available", "On Hand"), ("virtual_available", "Forecasted")],
        string="Quantity to Export", required=True, default="free_qty",
        help="Free to Use: on hand less what is reserved for deliveries. On Hand: all the units in the "
             "locations. Forecasted: on hand plus incoming less outgoing. Rounded down to whole units, "
             "never below 0.")
    stock_location_ids = fields.Many2many(
        "stock.location", "bigcommerce_cart_stock_location_rel", "cart_id", "location_id",
        string="Stock Locations", check_company=True,
        domain="[('usage', '=', 'internal'), ('company_id', 'in', (company_id, False))]",
        help="Where the exported quantities are counted (with their sublocations). Empty: the stock "
             "location of the cart's warehouse (else of the company's first warehouse).")
    stock_bigcommerce_location_id = fields.Integer(
        string="BigCommerce Location ID", required=True, default=DEFAULT_LOCATION_ID,
        help="The BigCommerce inventory location the quantities are set at (1: the store's default).")
    stock_level_ids = fields.One2many("bigcommerce.stock.level", "cart_id", string="Stock Levels")
    stock_level_count = fields.Integer(compute="_compute_stock_level_count")
    last_stock_export_date = fields.Datetime(string="Last Stock Export", readonly=True, copy=False)
    last_stock_export_state = fields.Selection(
        [("done", "Done"), ("partial", "Some Items Refused"), ("failed", "Failed")],
        string="Last Stock Export Result", readonly=True, copy=False)
    last_stock_export_message = fields.Text(string="Stock Export Outcome", readonly=True, copy=False)

    @api.constrains("stock_bigcommerce_location_id")
    def _check_stock_bigcommerce_location(self):
        for cart in self:
            if cart.stock_bigcommerce_location_id < 1:
                raise ValidationError(self.env._("The BigCommerce Location ID is a location's id in the store "
                                                 "(1 for its default location)."))

    def _compute_stock_level_count(self):
        counts = dict(self.env["bigcommerce.stock.level"]._read_group(
            [("cart_id", "in", self.ids)], ["cart_id"], ["__count"]))
        for cart in self:
            cart.stock_level_count = counts.get(cart, 0)

    # ------------------------------------------------------------------
    # The scheduled action follows the option
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        carts = super().create(vals_list)
        if any(vals.get("export_stock") for vals in vals_list):
            self._stock_cron_follow()
        return carts

    def write(self, vals):
        result = super().write(vals)
        if "export_stock" in vals or "active" in vals:
            self._stock_cron_follow()
        return result

    def unlink(self):
        result = super().unlink()
        self._stock_cron_follow()
        return result

    @api.model
    def _stock_cron_follow(self):
        """The stock export's scheduled action runs while a cart exports stock, and only then."""
        cron = self.env.ref(STOCK_CRON_XMLID, raise_if_not_found=False)
        if not cron:
            return
        wanted = bool(self.sudo().search_count([("export_stock", "=", True)], limit=1))
        if cron.sudo().active != wanted:
            cron.sudo().active = wanted

    # ------------------------------------------------------------------
    # Entry points
    # ------------------------------------------------------------------

    def action_export_stock(self):
        """One stock push for each cart: what changed since the last push. Returns the
        number of items sent (accepted by the store)."""
        self.check_access("write")
        return sum(cart._export_stock().accepted for cart in self)

    def action_export_stock_now(self):
        """Button: one push now, its outcome as a notification."""
        self.ensure_one()
        self.check_access("write")
        return self._stock_notification(self._export_stock())

    def action_reconcile_stock(self):
        """Button: send every item's quantity, changed or not, reading again how the
        store tracks each item."""
        self.ensure_one()
        self.check_access("write")
        return self._stock_notification(self._export_stock(full=True))

    @api.model
    def _cron_export_stock(self):
        """Scheduled action: one push for each cart exporting stock."""
        for cart in self.search([("export_stock", "=", True)], order="last_stock_export_date asc nulls first, id"):
            cart._export_stock()

    def action_view_stock_levels(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "salesorder_bigcommerce.action_bigcommerce_stock_level")
        action["domain"] = [("cart_id", "=", self.id)]
        action["context"] = {"default_cart_id": self.id}
        return action

    def _stock_notification(self, summary):
        if summary.busy:
            title, kind = self.env._("Stock export skipped"), "warning"
        elif summary.error:
            title, kind = self.env._("Stock export failed"), "danger"
        elif summary.refused:
            title, kind = self.env._("Stock exported, some items refused"), "warning"
        else:
            title, kind = self.env._("Stock exported"), "success"
        message = self.env._("A stock export of this cart is already running; try again when it ends.") \
            if summary.busy else self.last_stock_export_message or ""
        return {"type": "ir.actions.client", "tag": "display_notification", "params": {
            "title": title, "message": message, "type": kind, "sticky": kind != "success",
            "next": {"type": "ir.actions.client", "tag": "soft_reload"}}}

    # ------------------------------------------------------------------
    # One push
    # ------------------------------------------------------------------

    def _export_stock(self, full=False):
        """One push of the cart's stock levels (everything when `full`). Never raises
        for BigCommerce's failures: they are kept on the cart. Returns a StockPushSummary."""
        self.ensure_one()
        cart = self.with_company(self.company_id)
        with cart._stock_lock() as locked:
            if not locked:
                _logger.info("BigCommerce cart %s: a stock export is already running.", self.id)
                return StockPushSummary(busy=True)
            return cart._stock_push(full)

    @contextmanager
    def _stock_lock(self):
        """Whether this push got the cart's stock lock, held until the block ends: an
        advisory lock on a connection of its own (it survives the push's commits),
        apart from the order sync's lock."""
        lock_cr = db_connect(self.env.cr.dbname).cursor()
        try:
            lock_cr.execute("SELECT pg_try_advisory_xact_lock(hashtext(%s), %s)", [STOCK_LOCK_NAMESPACE, self.id])
            yield lock_cr.fetchone()[0]
        finally:
            lock_cr.close()

    def _stock_push(self, full):
        summary = StockPushSummary()
        report = {"refused": [], "skipped": []}
        Level = self.env["bigcommerce.stock.level"].sudo()
        levels = {level.key: level for level in Level.search([("cart_id", "=", self.id)])}
        client = self._get_client()
        try:
            bindings = self.product_binding_ids.sudo().with_context(active_test=False)
            self._stock_learn_tracking(client, bindings, levels, full)
            wanted, skipped = self._stock_items(bindings)
            self._stock_keep_skipped(skipped, levels, report)
            for key in set(levels) - set(wanted) - set(skipped):    # no longer exported this way
                levels.pop(key).unlink()
            pending = [item for key, (item, _product) in wanted.items()
                       if full or key not in levels or levels[key]._needs_push(item.quantity)]
            products = {key: product for key, (_item, product) in wanted.items()}
            if pending:
                push_absolute(
                    client, pending, reason=f"Odoo stock export ({self.name})",
                    on_accepted=lambda batch, _tid: self._stock_accepted(batch, products, levels, summary),
                    on_refused=lambda refused: self._stock_refused(refused, products, levels, summary, report))
        except (BigCommerceError, UserError) as error:    # the store's failure, or no warehouse
            summary.error = error_message(self.env, error)
        summary.skipped = len(report["skipped"])
        summary.requests = client.request_count
        self._stock_finish(summary, report)
        return summary

    def _stock_learn_tracking(self, client, bindings, levels, full):
        """Read from the catalog how the store tracks the items whose tracking is not
        known (all of them for a full reconciliation), and keep it on their links. An
        item found missing from the store before is read again only by a full one."""
        missing = {key[0] for key, level in levels.items() if level.state == "skipped" and not key[1]}
        unknown = bindings if full else bindings.filtered(
            lambda b: not b.inventory_tracking and b.bigcommerce_product_id not in missing)
        if not unknown:
            return
        tracking = read_inventory_tracking(client, unknown.mapped("bigcommerce_product_id"))
        by_value = defaultdict(lambda: self.env["bigcommerce.product.binding"].sudo())
        for binding in unknown:
            value = tracking.get(binding.bigcommerce_product_id, False)
            if binding.inventory_tracking != value:
                by_value[value] |= binding
        for value, records in by_value.items():
            records.write({"inventory_tracking": value})

    def _stock_items(self, bindings):
        """({key: (StockItem, product)} to export, {key: (product, reason)} not exported).

        An item tracked by product is sent by product id with the quantity of all the
        Odoo products standing for its variants."""
        location_id = self.stock_bigcommerce_location_id
        quantities = self._stock_quantities(bindings.product_id.filtered("is_storable"))
        totals, products, skipped = defaultdict(float), {}, {}
        for binding in bindings:
            product, tracking = binding.product_id, binding.inventory_tracking
            product_id, variant_id = binding.bigcommerce_product_id, binding.bigcommerce_variant_id
            if tracking == "variant" and variant_id:
                key = (product_id, variant_id, location_id)
            elif tracking in ("variant", "product"):
                key = (product_id, 0, location_id)
            else:
                skipped[(product_id, 0, location_id)] = (product, self.env._(
                    "BigCommerce does not track this item's stock (Inventory tracking: none)")
                    if tracking == "none" else self.env._("This item is not in the store any more"))
                continue
            if not product.is_storable:
                skipped[key] = (product, self.env._("Odoo does not track this product's stock"))
                continue
            # A variant oversold in Odoo (below 0) takes nothing from the others.
            totals[key] += max(quantities.get(product.id, 0.0), 0.0)
            products.setdefault(key, product)
        wanted = {key: (StockItem(key[0], key[1], key[2], whole_quantity(total)), products[key])
                  for key, total in totals.items()}
        return wanted, {key: value for key, value in skipped.items() if key not in wanted}

    def _stock_quantities(self, products):
        """{product id: quantity} in the cart's source locations, as the cart says."""
        locations = self._stock_source_locations()
        field = self.stock_export_field
        Product = self.env["product.product"].with_company(self.company_id).with_context(
            location=locations.ids, active_test=False)
        quantities = {}
        for chunk in split_every(QUANTITY_CHUNK, products.ids):
            for product_id, values in Product.browse(chunk)._compute_quantities_dict(False, False, False).items():
                quantities[product_id] = values[field]
        return quantities

    def _stock_source_locations(self):
        if self.stock_location_ids:
            return self.stock_location_ids
        # The cart's warehouse (goods out, bigcommerce_cart_delivery.py), else the company's first.
        warehouse = self["warehouse_id"] if "warehouse_id" in self._fields else None
        warehouse = warehouse or self.env["stock.warehouse"].sudo().search(
            [("company_id", "=", self.company_id.id)], order="sequence, id", limit=1)
        if not warehouse:
            raise ValidationError(self.env._(
                "%(company)s has no warehouse: choose the Stock Locations to export from on cart %(cart)s.",
                company=self.company_id.display_name, cart=self.display_name))
        return warehouse.lot_stock_id

    # ------------------------------------------------------------------
    # What the store accepted, refused; what is not exported
    # ------------------------------------------------------------------

    def _stock_accepted(self, batch, products, levels, summary):
        now = fields.Datetime.now()
        by_quantity, new = defaultdict(list), []
        for item in batch:
            level = levels.get(item.key)
            if level:
                by_quantity[item.quantity].append(level.id)
            else:
                new.append(self._stock_level_values(item.key, products.get(item.key), quantity=item.quantity,
                                                    date=now, state="sent"))
        Level = self.env["bigcommerce.stock.level"].sudo()
        for quantity, ids in by_quantity.items():    # one UPDATE per quantity, not per item
            Level.browse(ids).write({"quantity": quantity, "date": now, "state": "sent",
                                     "refused_quantity": 0, "message": False})
        for level in Level.create(new):
            levels[level.key] = level
        summary.accepted += len(batch)
        self._sync_commit()     # what the store accepted is kept, whatever follows

    def _stock_refused(self, refusals, products, levels, summary, report):
        Binding = self.env["bigcommerce.product.binding"].sudo()
        for refusal in refusals:
            item, key = refusal.item, refusal.item.key
            # The store's own words; else our (translated) reading of its answer.
            message = error_message(self.env, refusal.error) if refusal.error else refusal.message
            if refusal.tracked_by:
                # "... is tracked by product, please update stock by product id": the next
                # push sends the item as the store tracks it.
                Binding.search([("cart_id", "=", self.id), ("bigcommerce_product_id", "=", item.product_id)]).write(
                    {"inventory_tracking": refusal.tracked_by})
                message = self.env._("%(said)s (the next export sends it by product id)", said=message) \
                    if refusal.tracked_by == "product" else \
                    self.env._("%(said)s (the next export sends it by variant id)", said=message)
            values = {"state": "refused", "refused_quantity": item.quantity, "message": message}
            if key in levels:
                levels[key].write(values)
            else:
                levels[key] = self.env["bigcommerce.stock.level"].sudo().create(
                    self._stock_level_values(key, products.get(key), **values))
            report["refused"].append((levels[key], message))
        summary.refused += len(refusals)

    def _stock_keep_skipped(self, skipped, levels, report):
        """Keep the items not exported, with the reason; report those new or with a new reason."""
        for key, (product, reason) in skipped.items():
            level = levels.get(key)
            if level and level.state == "skipped" and level.message == reason:
                continue
            values = {"state": "skipped", "message": reason}
            if level:
                level.write(values)
            else:
                levels[key] = level = self.env["bigcommerce.stock.level"].sudo().create(
                    self._stock_level_values(key, product, **values))
            report["skipped"].append((level, reason))

    def _stock_level_values(self, key, product, **values):
        return dict(values, cart_id=self.id, bigcommerce_product_id=key[0], bigcommerce_variant_id=key[1],
                    location_id=key[2], product_id=product.id if product else False)

    def _stock_finish(self, summary, report):
        parts = [self.env._("%(sent)s items sent, %(refused)s refused, in %(requests)s requests.",
                            sent=summary.accepted, refused=summary.refused, requests=summary.requests)]
        if report["skipped"]:
            parts.append(self.env._("%(count)s items newly not exported.", count=len(report["skipped"])))
        if summary.error:
            parts.append(self.env._("Stopped by an error: %(error)s", error=summary.error))
        state = "failed" if summary.error else "partial" if summary.refused else "done"
        note = self._stock_note(report)
        if summary.error and self.last_stock_export_state != "failed":
            note = Markup("%s%s") % (note, Markup("<p>%s</p>") % parts[-1])
        self.write({"last_stock_export_date": fields.Datetime.now(), "last_stock_export_state": state,
                    "last_stock_export_message": " ".join(parts)})
        if note:
            self.message_post(body=note)
        _logger.log(logging.WARNING if summary.error else logging.INFO,
                    "BigCommerce cart %s: stock export: %s", self.id, " ".join(parts))
        self._sync_commit()

    def _stock_note(self, report):
        """A chatter note naming the items refused in this push and those newly not exported."""
        body = Markup()
        for name, title in (("refused", self.env._("Stock export: BigCommerce refused these items")),
                            ("skipped", self.env._("Stock export: these items are not exported"))):
            rows = report[name]
            if not rows:
                continue
            lines = Markup().join(Markup("<li>%s: %s</li>") % (level.display_name, reason)
                                  for level, reason in rows[:MAX_REPORTED_ITEMS])
            if len(rows) > MAX_REPORTED_ITEMS:
                lines += Markup("<li>%s</li>") % self.env._(
                    "and %(count)s more (see Stock Levels)", count=len(rows) - MAX_REPORTED_ITEMS)
            body += Markup("<p>%s</p><ul>%s</ul>") % (title, lines)
        return body

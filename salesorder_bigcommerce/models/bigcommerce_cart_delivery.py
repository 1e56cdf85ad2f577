"""Goods out: where a cart's invoices ship from, and how its carriers are named in BigCommerce."""
from odoo import api, fields, models
from odoo.exceptions import ValidationError

# orderShipment_Post.shipping_provider (shipping_provider_standard), besides "" and carrier_{id}.
SHIPPING_PROVIDERS = ("auspost", "canadapost", "endicia", "usps", "fedex", "ups", "upsready", "upsonline",
                      "shipperhq", "royalmail")


class BigCommerceCart(models.Model):
    _inherit = "bigcommerce.cart"

    warehouse_id = fields.Many2one(
        "stock.warehouse", check_company=True,
        domain="[('company_id', '=', company_id)]",
        default=lambda self: self._default_warehouse(),
        help="Where the posted cash sales and sales invoices of this cart ship from (its delivery "
             "route: 1, 2 or 3 steps). Quotations ship from their own warehouse once confirmed.")
    carrier_map_ids = fields.One2many(
        "bigcommerce.carrier.map", "cart_id", string="Carrier Mapping",
        help="How each Odoo carrier of a delivery is named in the BigCommerce shipment; an unmapped "
             "carrier is sent as an empty shipping provider and tracking carrier.")

    def _default_warehouse(self):
        return self.env["stock.warehouse"].search([("company_id", "=", self.env.company.id)], limit=1)

    def _bigcommerce_warehouse(self):
        """The cart's warehouse, or its company's first."""
        self.ensure_one()
        return self.warehouse_id or self.env["stock.warehouse"].sudo().search(
            [("company_id", "=", self.company_id.id)], limit=1)

    def _bigcommerce_carrier_codes(self, carrier):
        """(shipping_provider, tracking_carrier) of an Odoo carrier; empty strings when unmapped."""
        self.ensure_one()
        mapping = self.carrier_map_ids.filtered(lambda m: carrier and m.carrier_id == carrier)[:1]
        return mapping.shipping_provider or "", mapping.tracking_carrier or ""


class BigCommerceCarrierMap(models.Model):
    _name = "bigcommerce.carrier.map"
    _description = "BigCommerce Carrier Mapping"
    _order = "cart_id, id"

    cart_id = fields.Many2one("bigcommerce.cart", required=True, ondelete="cascade", index=True)
    carrier_id = fields.Many2one("delivery.carrier", string="Odoo Carrier", required=True, ondelete="cascade")
    shipping_provider = fields.Char(
        help="BigCommerce's shipping_provider: auspost, canadapost, endicia, usps, fedex, ups, upsready, "
             "upsonline, shipperhq, royalmail, carrier_{id} for a third-party provider, or empty.")
    tracking_carrier = fields.Char(
        help="BigCommerce's tracking_carrier: an AfterShip courier slug (e.g. dhl), or empty.")
    company_id = fields.Many2one(related="cart_id.company_id", store=True)

    _sql_constraints = [
        ("carrier_unique", "unique(cart_id, carrier_id)", "A carrier is mapped once per cart."),
    ]

    @api.constrains("shipping_provider")
    def _check_shipping_provider(self):
        for mapping in self:
            value = (mapping.shipping_provider or "").strip()
            if value and value not in SHIPPING_PROVIDERS and not (value.startswith("carrier_") and len(value) > 8):
                raise ValidationError(self.env._(
                    "%(value)s is not a BigCommerce shipping provider: use one of %(list)s, carrier_{id} for a "
                    "third-party provider, or leave it empty.",
                    value=value, list=", ".join(SHIPPING_PROVIDERS)))

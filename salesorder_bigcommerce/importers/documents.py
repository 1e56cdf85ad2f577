"""Create values of the Odoo document of an order, by the cart's Import Cart Orders as.

``sale_order``: a draft quotation; ``sales_invoice``: a draft customer
invoice; ``cash_sale``: a draft customer invoice that carries the payment
BigCommerce captured (registered when it is posted, see account_move.py).
"""
from odoo import fields
from odoo.exceptions import UserError

from .cash_sale import cash_sale_values


class DocumentValues:
    """Builds create() values of one cart's documents; caches currencies and pricelists."""

    def __init__(self, cart):
        self.cart = cart
        self.env = cart.env
        self.company = cart.company_id
        self._currencies = {}
        self._pricelists = {}

    def forget(self):
        """Drop cached records: a rolled back savepoint may have taken them with it."""
        self._pricelists.clear()

    def values(self, order, partner, shipping_partner, currency, lines):
        """create() values of the order's document, with its lines (importers.order_lines.DocumentLine)."""
        if self.cart.import_orders_as == "sale_order":
            return self._sale_order_values(order, partner, shipping_partner, currency, lines)
        return self._invoice_values(order, partner, shipping_partner, currency, lines)

    def currency(self, code):
        """The active Odoo currency `code`, with a rate for the company when it is not
        the company's own. Never activated here: an order in a currency the merchant
        has not set up fails, naming it, and is imported once it is set up."""
        code = code.upper()
        if code not in self._currencies:
            currency = self.env["res.currency"].with_context(active_test=False).search(
                [("name", "=", code)], limit=1)
            if not currency:
                raise UserError(self.env._("Currency %(code)s is unknown to Odoo.", code=code))
            if not currency.active:
                raise UserError(self.env._(
                    "Currency %(code)s is not active in Odoo: activate it (Accounting › Configuration › "
                    "Currencies) and give it a rate, then import the order again.", code=code))
            if currency != self.company.currency_id and not self.env["res.currency.rate"].search_count([
                    ("currency_id", "=", currency.id), ("company_id", "in", [False, self.company.id])],
                    limit=1):
                raise UserError(self.env._(
                    "Currency %(code)s has no exchange rate for company %(company)s: give it a rate "
                    "(Accounting › Configuration › Currencies), then import the order again.",
                    code=code, company=self.company.name))
            self._currencies[code] = currency
        return self._currencies[code]

    def _pricelist(self, currency):
        if currency not in self._pricelists:
            Pricelist = self.env["product.pricelist"]
            pricelist = Pricelist.search([("currency_id", "=", currency.id),
                                          ("company_id", "in", [False, self.company.id])], limit=1)
            self._pricelists[currency] = pricelist or Pricelist.create({
                "name": self.env._("BigCommerce %s", currency.name), "currency_id": currency.id,
                "company_id": self.company.id})
        return self._pricelists[currency]

    def _common_values(self, order):
        return {
            "company_id": self.company.id,
            "bigcommerce_cart_id": self.cart.id,
            "bigcommerce_order_id": order.id,
            "fiscal_position_id": False,
        }

    def _sale_order_values(self, order, partner, shipping_partner, currency, lines):
        warehouse = {"warehouse_id": self.cart.warehouse_id.id} if self.cart.warehouse_id else {}
        return dict(
            self._common_values(order),
            **warehouse,   # the cart's warehouse ships it (and is what its stock export counts)
            partner_id=partner.id,
            partner_invoice_id=partner.id,
            partner_shipping_id=shipping_partner.id,
            pricelist_id=self._pricelist(currency).id,
            date_order=order.date_created,
            client_order_ref=str(order.id),
            origin=self.env._("BigCommerce order %s", order.id),
            user_id=self.cart.user_id.id,
            note=order.customer_message or False,
            order_line=[(0, 0, self.sale_line_values(line, sequence))
                        for sequence, line in enumerate(lines, 1)],
        )

    @staticmethod
    def sale_line_values(line, sequence):
        return {
            "sequence": sequence,
            "product_id": line.product.id,
            "name": line.name,
            "product_uom_qty": float(line.quantity),
            "product_uom": line.product.uom_id.id,
            "price_unit": float(line.price_unit),
            "discount": 0.0,
            "tax_id": [(6, 0, line.tax.ids)],
            **DocumentValues.line_link_values(line),
        }

    def _invoice_values(self, order, partner, shipping_partner, currency, lines):
        cash_sale = self.cart.import_orders_as == "cash_sale"
        values = dict(
            self._common_values(order),
            move_type="out_invoice",
            partner_id=partner.id,
            partner_shipping_id=shipping_partner.id,
            currency_id=currency.id,
            invoice_date=fields.Date.to_date(order.date_created),
            ref=str(order.id),
            invoice_origin=self.env._("BigCommerce order %s", order.id),
            invoice_user_id=self.cart.user_id.id,
            narration=order.customer_message or False,
            invoice_line_ids=[(0, 0, self.invoice_line_values(line, sequence))
                              for sequence, line in enumerate(lines, 1)],
        )
        if cash_sale:
            values.update(cash_sale_values(self.env, order))
        return values

    @staticmethod
    def invoice_line_values(line, sequence):
        return {
            "sequence": sequence,
            "product_id": line.product.id,
            "name": line.name,
            "quantity": float(line.quantity),
            "product_uom_id": line.product.uom_id.id,
            "price_unit": float(line.price_unit),
            "discount": 0.0,
            "tax_ids": [(6, 0, line.tax.ids)],
            **DocumentValues.line_link_values(line),
        }

    @staticmethod
    def line_link_values(line):
        """Which BigCommerce order line and shipping address the line stands for (deliveries)."""
        if not line.line_id:
            return {}
        return {
            "bigcommerce_line_id": line.line_id,
            "bigcommerce_address_id": line.address_id,
            "bigcommerce_line_type": line.line_type or False,
            "bigcommerce_partner_shipping_id": line.shipping_partner.id if line.shipping_partner else False,
        }

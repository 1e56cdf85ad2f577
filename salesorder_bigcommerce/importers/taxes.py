"""BigCommerce tax rates -> Odoo sales taxes, through the cart's Tax Mapping."""
from decimal import Decimal


class TaxResolver:
    """The Odoo tax of each (rate, tax included) met in a cart's orders.

    The cart's Tax Mapping says which tax stands for a rate; a rate met for
    the first time is mapped to a matching sales tax of the company, or to a
    new one."""

    def __init__(self, cart):
        self.cart = cart
        self.env = cart.env
        self.company = cart.company_id
        self._taxes = {}

    def forget(self):
        """Drop cached taxes: a rolled back savepoint may have taken them with it."""
        self._taxes.clear()

    def known_rates(self, inclusive):
        """The rates (Decimal %) the cart's Tax Mapping knows for this pricing, commonest first."""
        mappings = self.env["bigcommerce.tax.map"].search([
            ("cart_id", "=", self.cart.id), ("price_include", "=", bool(inclusive))])
        return [Decimal(str(m.rate)).normalize() for m in mappings]

    def tax(self, rate, inclusive):
        """The cart's mapped tax for (rate, inclusive), mapping a matching or new sales tax."""
        key = (float(rate), bool(inclusive))
        if key in self._taxes:
            return self._taxes[key]
        TaxMap = self.env["bigcommerce.tax.map"]
        mapping = TaxMap.search([("cart_id", "=", self.cart.id), ("rate", "=", key[0]),
                                 ("price_include", "=", key[1])], limit=1)
        tax = mapping.tax_id
        if not tax:
            Tax = self.env["account.tax"].with_company(self.company)
            candidates = Tax.search([
                ("company_id", "=", self.company.id), ("type_tax_use", "=", "sale"),
                ("amount_type", "=", "percent"), ("amount", "=", key[0])])
            tax = candidates.filtered(lambda t: t.price_include == key[1] and not t.children_tax_ids)[:1]
            if not tax:
                label = self.env._("%(rate)s%% (BigCommerce%(incl)s)", rate=f"{Decimal(rate).normalize():f}",
                                   incl=self.env._(", included") if inclusive else "")
                tax = Tax.create({
                    "name": label,
                    "amount": key[0],
                    "amount_type": "percent",
                    "type_tax_use": "sale",
                    "price_include_override": "tax_included" if inclusive else "tax_excluded",
                    "company_id": self.company.id,
                    "description": label,
                })
            TaxMap.create({"cart_id": self.cart.id, "rate": key[0], "price_include": key[1],
                           "tax_id": tax.id})
        self._taxes[key] = tax
        return tax

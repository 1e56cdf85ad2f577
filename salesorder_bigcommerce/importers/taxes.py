"""BigCommerce tax rates -> Odoo sales taxes, through the cart's Tax Mapping.

A rate the cart's Tax Mapping does not know yet is mapped to a sales tax of
the company with that rate and pricing (tax included or not) that books its
amount on an account, else to a new tax made like the company's own sales
tax: same accounts, tags, country, cash basis setting and tax group
structure, in a tax group of its own rate ("Tax 8.25%"). A tax made here
never books the tax on the income account (DESIGN.md §8).
"""
from decimal import Decimal

from odoo import Command
from odoo.exceptions import UserError

REPARTITION_FIELDS = ("document_type", "repartition_type", "factor_percent", "sequence", "use_in_tax_closing")


def books_tax(tax):
    """Whether every tax repartition line of `tax` has an account (else Odoo books the tax on income)."""
    lines = tax.repartition_line_ids.filtered(lambda line: line.repartition_type == "tax")
    return bool(lines) and all(line.account_id for line in lines)


def percent_label(amount):
    """8.25 -> '8.25', 19.0 -> '19'."""
    return f"{Decimal(str(amount)).normalize():f}"


class TaxResolver:
    """The Odoo tax of each (rate, tax included) met in a cart's orders.

    The cart's Tax Mapping says which tax stands for a rate; a rate met for
    the first time is mapped to a matching sales tax of the company, or to a
    new one made like the company's own sales tax."""

    def __init__(self, cart):
        self.cart = cart
        self.env = cart.env
        self.company = cart.company_id
        self._taxes = {}

    def forget(self):
        """Drop cached taxes: a rolled back savepoint may have taken them with it."""
        self._taxes.clear()

    def known_rates(self, inclusive):
        """The rates (Decimal %) worth preferring when an order's amounts fit several:
        those the cart's Tax Mapping knows for this pricing, then those of the
        company's sales taxes that book their tax on an account."""
        key = ("known", bool(inclusive))
        if key not in self._taxes:
            mappings = self.env["bigcommerce.tax.map"].search([
                ("cart_id", "=", self.cart.id), ("price_include", "=", bool(inclusive))])
            rates = [Decimal(str(m.rate)).normalize() for m in mappings]
            own = self._sale_taxes([("price_include", "=", bool(inclusive))]).filtered(books_tax)
            rates += [rate for rate in (Decimal(str(t.amount)).normalize() for t in own) if rate not in rates]
            self._taxes[key] = rates
        return self._taxes[key]

    def tax(self, rate, inclusive):
        """The cart's mapped tax for (rate, inclusive), mapping a matching or new sales tax."""
        key = (float(rate), bool(inclusive))
        if key in self._taxes:
            return self._taxes[key]
        TaxMap = self.env["bigcommerce.tax.map"]
        mapping = TaxMap.search([("cart_id", "=", self.cart.id), ("rate", "=", key[0]),
                                 ("price_include", "=", key[1])], limit=1)
        if mapping:
            # The mapped tax may have been changed since: never compute with a wrong one.
            problem = mapping._tax_problem()
            if problem:
                raise UserError(self.env._("Tax Mapping of cart %(cart)s: %(problem)s",
                                           cart=self.cart.display_name, problem=problem))
            tax = mapping.tax_id
        else:
            tax = self._matching_tax(*key) or self._new_tax(rate, key[1])
            TaxMap.create({"cart_id": self.cart.id, "rate": key[0], "price_include": key[1],
                           "tax_id": tax.id})
        self._taxes[key] = tax
        self._taxes.pop(("known", key[1]), None)
        return tax

    # ------------------------------------------------------------------
    # An existing tax
    # ------------------------------------------------------------------

    def _sale_taxes(self, domain=()):
        """The company's (and its parents') sales taxes computed as a plain percentage."""
        Tax = self.env["account.tax"].with_company(self.company)
        return Tax.search([
            *Tax._check_company_domain(self.company), ("type_tax_use", "=", "sale"),
            ("amount_type", "=", "percent"), ("children_tax_ids", "=", False), *domain])

    def _matching_tax(self, amount, inclusive):
        """A sales tax of this rate and pricing that books the tax on an account, the
        company's own before its parents'; a tax that would book the tax on the
        income account is left alone (a new, well-booked one is made instead)."""
        candidates = self._sale_taxes([("amount", "=", amount), ("price_include", "=", inclusive)])
        candidates = candidates.filtered(books_tax)
        return candidates.sorted(lambda t: t.company_id != self.company)[:1]

    # ------------------------------------------------------------------
    # A new tax, like the company's own
    # ------------------------------------------------------------------

    def _template(self, inclusive):
        """The tax a new one is made like: the company's default sales tax, else a
        sales tax of the same pricing, one that books the tax on an account first."""
        default = self.company.account_sale_tax_id
        usable = (default.type_tax_use == "sale" and default.amount_type == "percent"
                  and not default.children_tax_ids)
        if usable and books_tax(default):
            return default
        same_kind = self._sale_taxes([("price_include", "=", bool(inclusive))])
        booked = same_kind.filtered(books_tax)
        if booked:
            return booked[0]
        return default if usable else same_kind[:1]

    def _fallback_account(self):
        """Where the tax goes when no sales tax says: the account the company's sales
        taxes (archived ones too) book tax on, else the chart's tax received
        account, else the tax payable account of the company's tax groups."""
        Tax = self.env["account.tax"].with_context(active_test=False)
        taxes = Tax.search([*Tax._check_company_domain(self.company), ("type_tax_use", "=", "sale")])
        accounts = taxes.repartition_line_ids.filtered(lambda line: line.repartition_type == "tax").account_id
        if accounts:
            return accounts[0]
        account = self.env["account.chart.template"].with_company(self.company).ref(
            "tax_received", raise_if_not_found=False)
        if account and account._name == "account.account" and not account.deprecated:
            return account
        Group = self.env["account.tax.group"]
        groups = Group.search([*Group._check_company_domain(self.company),
                               ("tax_payable_account_id", "!=", False)])
        if groups:
            return groups[0].tax_payable_account_id
        raise UserError(self.env._(
            "No account to book the BigCommerce tax on for %(company)s. Set up a sales tax whose "
            "tax distribution line has an account (Invoicing › Configuration › Taxes) and make it the "
            "Default Sales Tax (Invoicing › Settings), or map this rate to a tax on the cart's Tax Mapping.",
            company=self.company.display_name))

    def _repartition(self, template):
        """Create commands copying the template's invoice and refund distribution."""
        commands = []
        for document_type in ("invoice", "refund"):
            lines = template.repartition_line_ids.filtered(
                lambda line, d=document_type: line.document_type == d,
            ).sorted(lambda line: (line.sequence, line.id))
            if not lines:
                lines = [{"document_type": document_type, "repartition_type": "base", "factor_percent": 100,
                          "sequence": 1, "use_in_tax_closing": False, "account_id": False, "tag_ids": []},
                         {"document_type": document_type, "repartition_type": "tax", "factor_percent": 100,
                          "sequence": 2, "use_in_tax_closing": True, "account_id": False, "tag_ids": []}]
            for line in lines:
                values = {name: line[name] for name in REPARTITION_FIELDS}
                account = line["account_id"] or (
                    line["repartition_type"] == "tax" and self._fallback_account())
                tags = line["tag_ids"]
                values.update(account_id=account.id if account else False,
                              tag_ids=[Command.set(tags.ids if tags else [])])
                commands.append(Command.create(values))
        return commands

    def _new_tax(self, rate, inclusive):
        """A new sales tax of `rate` (Decimal %), made like the company's own."""
        template = self._template(inclusive).sudo()
        # Made by whoever imports orders, account manager or not: a copy of the company's set-up.
        Tax = self.env["account.tax"].with_company(self.company).sudo()
        country = template.country_id or self.company.account_fiscal_country_id or self.company.country_id
        label = self.env._("%(rate)s%% (BigCommerce%(incl)s)", rate=percent_label(rate),
                           incl=self.env._(", included") if inclusive else "")
        tax = Tax.create({
            "name": self._free_name(label, country),
            "description": label,
            "amount": float(rate),
            "amount_type": "percent",
            "type_tax_use": "sale",
            "price_include_override": "tax_included" if inclusive else "tax_excluded",
            "company_id": self.company.id,
            "country_id": country.id,
            "tax_group_id": self._tax_group(rate, template, country).id,
            "tax_exigibility": template.tax_exigibility or "on_invoice",
            "cash_basis_transition_account_id": template.cash_basis_transition_account_id.id,
            "repartition_line_ids": self._repartition(template),
        })
        return tax.with_env(self.env)

    def _free_name(self, label, country):
        """`label`, or `label (2)`, ...: Odoo wants tax names unique per company
        tree, use and country (archived taxes count: they may come back)."""
        Tax = self.env["account.tax"].sudo().with_context(active_test=False)
        name, n = label, 1
        while Tax.search_count([("company_id", "child_of", self.company.root_id.id), ("name", "=", name),
                                ("type_tax_use", "=", "sale"), ("country_id", "=", country.id)], limit=1):
            n += 1
            name = self.env._("%(name)s (%(n)s)", name=label, n=n)
        return name

    def _tax_group(self, rate, template, country):
        """A tax group showing `rate`, with the accounts and country of the template's group."""
        Group = self.env["account.tax.group"].with_company(self.company).sudo()
        model = template.tax_group_id or Group.search([
            *Group._check_company_domain(self.company), ("country_id", "in", [country.id, False])], limit=1)
        shown = percent_label(rate) + "%"
        if template and model and f"{percent_label(template.amount)}%" in (model.name or ""):
            # "VAT 20%" -> "VAT 8.25%"
            name = model.name.replace(f"{percent_label(template.amount)}%", shown)
        else:
            name = self.env._("Tax %s", shown)
        group_country = model.country_id if model else country
        existing = Group.search([*Group._check_company_domain(self.company), ("name", "=", name),
                                 ("country_id", "=", group_country.id)], limit=1)
        if existing:
            return existing
        return Group.create({
            "name": name,
            "company_id": self.company.id,
            "country_id": group_country.id,
            "sequence": model.sequence if model else 10,
            "tax_payable_account_id": model.tax_payable_account_id.id,
            "tax_receivable_account_id": model.tax_receivable_account_id.id,
            "advance_tax_payment_account_id": model.advance_tax_payment_account_id.id,
            "preceding_subtotal": model.preceding_subtotal,
        })

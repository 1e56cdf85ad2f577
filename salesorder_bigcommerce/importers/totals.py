"""The document's totals against the store's: equal, rounded to equal, or flagged.

The lines are planned so that Odoo reproduces BigCommerce's untaxed amount,
tax and total exactly (order_maths), under the company's tax rounding method
(per line or globally). What can still differ is sub-cent rounding that Odoo
and BigCommerce settle differently (e.g. the untaxed amount and the tax of a
tax-included total both exactly half a cent away): a difference
within ROUNDING_TOLERANCE smallest units is settled with visible *Rounding*
lines; a larger one is left as it is and flagged on the document.
"""
from decimal import ROUND_HALF_UP, Decimal

from .order_lines import DocumentLine
from .order_maths import currency_step, odoo_tax

# In smallest units of the currency (cents), whatever the number of lines.
ROUNDING_TOLERANCE = 2


class TotalsCheck:

    def __init__(self, cart, document_values):
        self.cart = cart
        self.env = cart.env
        self.document_values = document_values

    @staticmethod
    def amounts(document, currency):
        def dec(value):
            return Decimal(str(currency.round(value)))
        return dec(document.amount_untaxed), dec(document.amount_tax), dec(document.amount_total)

    def reconcile(self, document, order, currency, lines):
        """Make the document's totals equal the store's, or say why they don't.

        Returns (check text, mismatch flag)."""
        # BigCommerce sends 4 decimals; the document holds the currency's.
        cent = currency_step(currency.rounding)
        target = tuple(amount.quantize(cent, ROUND_HALF_UP)
                       for amount in (order.total_ex_tax, order.total_tax, order.total_inc_tax))
        got = self.amounts(document, currency)
        if got == target:
            return self.env._("Totals equal BigCommerce's."), False
        tolerance = cent * ROUNDING_TOLERANCE
        d_untaxed, d_tax = target[0] - got[0], target[1] - got[1]
        if abs(d_untaxed) > tolerance or abs(d_tax) > tolerance:
            return self._mismatch_text(target, got, currency), True
        adjustments = []
        tax = self._main_tax(lines)
        if d_tax and tax:
            adjustments.extend(self._tax_adjustment(d_tax, tax, cent))
        self._add_lines(document, adjustments)
        got = self.amounts(document, currency)
        rest_untaxed = target[0] - got[0]
        if rest_untaxed:
            self._add_lines(document, [DocumentLine(
                self.cart.rounding_product_id, self.env._("Rounding (BigCommerce)"),
                Decimal(1), rest_untaxed, self.env["account.tax"])])
            got = self.amounts(document, currency)
        if got == target:
            return self.env._("Totals equal BigCommerce's after rounding adjustment lines "
                              "(untaxed %(untaxed)s, tax %(tax)s).",
                              untaxed=currency.format(float(d_untaxed)),
                              tax=currency.format(float(d_tax))), False
        return self._mismatch_text(target, got, currency), True

    def _mismatch_text(self, target, got, currency):
        labels = (self.env._("untaxed"), self.env._("tax"), self.env._("total"))
        parts = [self.env._("%(label)s %(odoo)s in Odoo, %(store)s in BigCommerce", label=label,
                            odoo=currency.format(float(o)), store=currency.format(float(t)))
                 for label, o, t in zip(labels, got, target, strict=True) if o != t]
        return self.env._("Totals differ from BigCommerce: %s. Check the document before confirming it.",
                          "; ".join(parts))

    @staticmethod
    def _main_tax(lines):
        weights = {}
        for line in lines:
            if line.tax and len(line.tax) == 1 and line.tax.amount:
                weights[line.tax] = weights.get(line.tax, Decimal(0)) + abs(line.price_unit * line.quantity)
        return max(weights, key=weights.get) if weights else None

    def _tax_adjustment(self, d_tax, tax, step):
        """Two lines of opposite amounts, one taxed, one not, whose tax is `d_tax`."""
        rate = Decimal(str(tax.amount))
        inclusive = tax.price_include
        guess = (d_tax * ((1 + rate / 100) if inclusive else 1) / (rate / 100)).quantize(step, ROUND_HALF_UP)
        for delta in range(0, 50):
            for x in (guess + delta * step, guess - delta * step):
                if x and odoo_tax(x, rate, inclusive, step) == d_tax:
                    name = self.env._("Tax rounding (BigCommerce)")
                    product = self.cart.rounding_product_id
                    return [DocumentLine(product, name, Decimal(1), x, tax),
                            DocumentLine(product, name, Decimal(1), -x, self.env["account.tax"])]
        return []

    def _add_lines(self, document, lines):
        if not lines:
            return
        is_order = document._name == "sale.order"
        start = len(document.order_line if is_order else document.invoice_line_ids) + 100
        make = self.document_values.sale_line_values if is_order else self.document_values.invoice_line_values
        field = "order_line" if is_order else "invoice_line_ids"
        document.write({field: [(0, 0, make(line, start + i)) for i, line in enumerate(lines)]})

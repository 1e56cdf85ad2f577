"""A BigCommerce refund -> the lines of its credit note. Plain Decimal, no ORM.

The lines follow the order's own plan (order_maths.plan_order), so a refund
uses the products and taxes of what it gives back:

* PRODUCT (order line id, quantity): that share of the line's planned amount,
  at its rate; a discount taxed apart (a store taxing before discounts) is
  given back in the same share;
* SHIPPING, HANDLING, GIFT_WRAPPING, FEE: the amount asked for, else the whole
  charge, at the charge's rate (a FEE read back names the order, not the fee: see
  _fee_charges; SHIPPING / HANDLING name a shipping address: on an order shipping
  to several, that address's own line and rate, see _address_charges). The amount
  is read in the pricing basis (the refunds guide's example: shipping 10 + a 10.00
  item taxed 0.83 -> 20.83);
  a store reading it otherwise only changes the adjustment below;
* ORDER: an order-level amount, untaxed ("does not affect tax liability");
* any other type (the spec's AmountBoundItem lists TAX too): its amount, as ORDER.

Then the lines are made to give exactly the refund's ``total_amount`` and
``total_tax``: a tax difference becomes a pair of *Tax rounding* lines at the
refund's main rate, an amount difference one untaxed *Refund adjustment* line.
A company rounding tax globally (``rounding``): Odoo rounds the sum of each
tax's unrounded taxes once; per rate, the store's per-line tax (plus the
refund's tax difference on its main rate) is reached with at most one pair
(x taxed, -x untaxed) per rate, as order_maths.plan_order does.
Amounts are positive (a credit note's lines), in the order's pricing basis.
"""
from decimal import Decimal

from ..services import refunds as bc
from . import order_maths as m
from .rate_maths import ROUND_GLOBALLY, ROUND_PER_LINE, odoo_tax_total

REFUND_ADJUSTMENT = "refund_adjustment"

_CHARGE_KINDS = {bc.SHIPPING: m.SHIPPING, bc.HANDLING: m.HANDLING, bc.GIFT_WRAPPING: m.WRAPPING, bc.FEE: m.FEE}


def plan_refund(refund, order, plan, price_step=m.CENT, step=m.CENT, rounding=ROUND_PER_LINE):
    """[PlannedLine] of the credit note for `refund` (services.refunds.Refund) of
    `order`, whose document was planned as `plan` (order_maths.OrderPlan); `rounding`:
    the company's tax_calculation_rounding_method."""
    inclusive = order.is_tax_inclusive
    lines = []
    quantities = {line.id: line.quantity for line in order.lines}
    for item in refund.items:
        if item.item_type == bc.PRODUCT:
            lines += _product_lines(item, plan, quantities, inclusive, price_step, step)
        elif item.item_type == bc.ORDER:
            if item.requested_amount:
                lines.append(m.PlannedLine(m.ORDER_DISCOUNT, Decimal(1), item.requested_amount, None))
        elif item.item_type in _CHARGE_KINDS:
            lines += _charge_lines(item, plan, inclusive, step)
        elif item.requested_amount:
            # A type this module does not know (e.g. TAX): its amount, settled below like ORDER.
            lines.append(m.PlannedLine(REFUND_ADJUSTMENT, Decimal(1), item.requested_amount, None))
    _settle(lines, refund, inclusive, plan.rates, step, rounding)
    return lines


def _product_lines(item, plan, quantities, inclusive, price_step, step):
    ordered = quantities.get(item.item_id)
    if not ordered or not item.quantity:
        return []
    share = min(item.quantity, ordered) / ordered
    lines = []
    own = [line for line in plan.lines if line.source is not None
           and getattr(line.source, "id", None) == item.item_id and line.kind in (m.ITEM, m.DISCOUNT)]
    by_rate = {}
    for line in own:
        if line.kind == m.ITEM:
            by_rate.setdefault(line.rate, [line.source, m.ZERO_AMOUNT])[1] += line.amount
    for rate, (source, amount) in by_rate.items():
        net = m.round_to(amount * share, step)
        for quantity, price in m.quantity_split(net, item.quantity, rate, inclusive, price_step, step):
            lines.append(m.PlannedLine(m.ITEM, quantity, price, rate, source))
    for line in own:
        if line.kind == m.DISCOUNT:
            lines.append(m.PlannedLine(m.DISCOUNT, Decimal(1), m.round_to(line.amount * share, step), None,
                                       line.source, line.discounts))
    return lines


def _charge_lines(item, plan, inclusive, step):
    kind = _CHARGE_KINDS[item.item_type]
    charges = [line for line in plan.lines if line.kind == kind]
    if kind == m.FEE:
        charges = _fee_charges(item, charges)
    else:
        charges = _address_charges(item, charges)
    if not charges:
        if item.requested_amount:   # nothing to follow: an untaxed amount
            return [m.PlannedLine(REFUND_ADJUSTMENT, Decimal(1), item.requested_amount, None)]
        return []
    charge = charges[0]
    amount = charge.amount if item.requested_amount is None else item.requested_amount
    return [m.PlannedLine(kind, Decimal(1), amount, charge.rate, charge.source)] if amount else []


def _address_charges(item, charges):
    """The shipping or handling a SHIPPING / HANDLING item gives back. Its item_id is
    the order's shipping address id: an order shipping to several has one line per
    address (its source: that address), the item's own; else (one line for the
    order, or an address the plan does not show apart) the order's first line."""
    own = [line for line in charges if line.source is not None
           and getattr(line.source, "id", None) == item.item_id]
    return own or charges


def _fee_charges(item, fees):
    """The fee a FEE item gives back. Its item_id is the fee's id in a refund request,
    the order's id in a refund read back (RefundID_Get): then the fee is told by its rate
    when all fees share one, else by its amount; none found: [] (an untaxed amount)."""
    own = [fee for fee in fees if getattr(fee.source, "id", None) == item.item_id]
    if own:
        return own
    if len({fee.rate for fee in fees}) == 1:
        return fees[:1]
    return [fee for fee in fees if item.requested_amount is not None and fee.amount == item.requested_amount][:1]


def totals(lines, inclusive, step=m.CENT, rounding=ROUND_PER_LINE):
    """(total tax included, tax) Odoo computes on `lines`, under the company's rounding."""
    rates = {line.rate for line in lines if line.rate}
    tax = sum((odoo_tax_total([line.amount for line in lines if line.rate == rate], rate, inclusive, step, rounding)
               for rate in rates), Decimal(0))
    amount = sum((line.amount for line in lines), Decimal(0))
    return (amount if inclusive else amount + tax), tax


def _main_rate(lines, rates):
    used = [line.rate for line in lines if line.rate] or list(rates)
    return max(set(used), key=used.count) if used else None


def _settle(lines, refund, inclusive, rates, step, rounding=ROUND_PER_LINE):
    """Make `lines` give exactly the refund's total and tax (see the module doc)."""
    if rounding == ROUND_GLOBALLY:
        _settle_globally(lines, refund, inclusive, rates, step)
    else:
        _total, tax = totals(lines, inclusive, step)
        d_tax = m.round_to(refund.total_tax, step) - tax
        if d_tax:
            rate = _main_rate(lines, rates)
            pair = m.tax_rounding_pair(d_tax, rate, inclusive, step) if rate else None
            if pair:
                lines += pair
    total, tax = totals(lines, inclusive, step, rounding)
    rest = m.round_to(refund.total_amount, step) - total
    if rest:
        lines.append(m.PlannedLine(REFUND_ADJUSTMENT, Decimal(1), rest, None))


def _settle_globally(lines, refund, inclusive, rates, step):
    """Per rate, the tax the refund's lines give rounded per line (the store's way), the
    refund's tax difference on its main rate; one pair per rate brings Odoo's rounded sum
    there."""
    targets = {rate: odoo_tax_total([line.amount for line in lines if line.rate == rate], rate, inclusive, step)
               for rate in {line.rate for line in lines if line.rate}}
    d_tax = m.round_to(refund.total_tax, step) - sum(targets.values(), Decimal(0))
    rate = _main_rate(lines, rates) if d_tax else None
    if rate:
        targets[rate] = targets.get(rate, Decimal(0)) + d_tax
    for rate, target in sorted(targets.items()):
        amounts = [line.amount for line in lines if line.rate == rate]
        if odoo_tax_total(amounts, rate, inclusive, step, ROUND_GLOBALLY) != target:
            lines += m.global_rounding_pair(sum(amounts, Decimal(0)), target, rate, inclusive, step) or []

"""A BigCommerce order's money -> the lines of an Odoo document. Plain Decimal, no ORM.

BigCommerce taxes each order line on its own amount, rounded to the cent, and
(as its spec says) on the amount *after* that line's discounts; shipping,
handling, wrapping and fees carry their own tax. Odoo, rounding per line,
taxes each document line on its own amount. So the document reproduces the
store's tax exactly when each taxed amount of the order becomes Odoo lines
whose amounts and rates give the same per-line tax (the rate maths are in
rate_maths.py):

* an item becomes one line at its net (discounted) amount, or two lines of
  the same item when the net unit price is not a whole number of the price's
  smallest step (3 for 10.00: 2 x 3.33 + 1 x 3.34, split so that the tax of
  both equals the item's);
* where a store taxed an item *before* its discount (some tax providers do),
  the item keeps its full amount and tax, and the discount is an untaxed line;
* each rate is inferred from (amount, tax): the rate already met in the order
  or known to the cart when it reproduces the tax, else the one with the
  fewest decimals that does; where the rate BigCommerce says it applied is
  given (``hints``, rate_maths.rate_hints of the order's taxes) and
  reproduces the tax, that rate is used first;
* shipping and handling are priced and taxed per shipping address
  (``orderShippingAddress.cost_*``, ``handling_cost_*``): an order shipping to
  several addresses gets one line per address, each at its own rate; one
  address (or addresses that do not add up to the order's) gives one line;
* an order-level discount the lines do not show (such as a shipping coupon)
  is one more line, whose amount and tax come from the order's totals;
* where Odoo and the store round a tax-included line's half cent differently,
  a pair of *Tax rounding* lines (x taxed, -x untaxed) settles it per rate;
* a company that rounds tax globally (``round_globally``) gets, instead, the
  pair per rate that brings the rounded sum of that rate's unrounded taxes to
  the store's tax for the rate.

Amounts are in the order's pricing basis: tax excluded, or tax included when
the store prices with tax (``is_tax_inclusive``).
"""
from dataclasses import dataclass, field
from decimal import Decimal

from ..services.order_payloads import AppliedDiscount
from .rate_maths import (  # noqa: F401 - the rate maths, used through this module by its callers
    CENT,
    HUNDRED,
    MAX_RATE,
    MAX_RATE_PLACES,
    ROUND_GLOBALLY,
    ROUND_PER_LINE,
    ZERO_AMOUNT,
    choose_rate,
    currency_step,
    odoo_tax,
    odoo_tax_total,
    quantity_split,
    rate_hints,
    rate_interval,
    rate_places,
    raw_tax,
    reproduces,
    round_to,
    roundest_rate,
    tax_on,
    taxes_of,
)

# Kinds of planned line.
ITEM = "item"
SHIPPING = "shipping"
HANDLING = "handling"
WRAPPING = "wrapping"
FEE = "fee"
DISCOUNT = "discount"            # an item's discount, taxed before it (untaxed line)
ORDER_DISCOUNT = "order_discount"   # an order-level discount the lines do not show
TAX_ROUNDING = "tax_rounding"       # a half cent settled the store's way (a pair of lines)



@dataclass
class PlannedLine:
    """One line of the document to make: what it stands for, its amount and its rate."""
    kind: str
    quantity: Decimal
    price_unit: Decimal           # in the pricing basis
    rate: Decimal | None          # % ; None: untaxed
    source: object = None         # payloads.OrderLine or Fee, for names and products
    discounts: tuple = ()         # the item's applied discounts folded into its price

    @property
    def amount(self):
        return self.quantity * self.price_unit


@dataclass
class OrderPlan:
    lines: list = field(default_factory=list)
    rates: list = field(default_factory=list)    # the rates used, the most explaining first
    rounding: str = ROUND_PER_LINE               # the company's tax_calculation_rounding_method

    def tax(self, inclusive, step=CENT, rate=None):
        """The tax Odoo computes on the lines (of `rate` only, if given), under `rounding`."""
        rates = {line.rate for line in self.lines if line.rate and rate in (None, line.rate)}
        return sum((odoo_tax_total([line.amount for line in self.lines if line.rate == r], r, inclusive, step,
                                   self.rounding) for r in rates), Decimal(0))


@dataclass
class TaxedUnit:
    """An amount BigCommerce taxed on its own: an item, or a charge.

    `total` is before discounts, `net` after; a store taxes `net` (BigCommerce)
    or, with some tax providers, `total`. The two readings agree without discount."""
    kind: str
    source: object
    total: Decimal
    net: Decimal
    tax: Decimal
    quantity: Decimal = Decimal(1)
    discounts: tuple = ()          # AppliedDiscounts taken off `total`
    rate: Decimal | None = None
    taxed_before: bool = False     # the tax was computed on `total`

    def readings(self):
        """(amount, taxed before the discount?) this unit's tax may have been computed on."""
        if self.total == self.net:
            return [(self.net, False)]
        return [(self.net, False), (self.total, True)] if self.net else [(self.total, True)]


def _units(order, per_address=True):
    """The TaxedUnits of the order: its items, then its charges (shipping and
    handling per shipping address when `per_address` and the order ships to several)."""
    inclusive = order.is_tax_inclusive
    units = []
    for line in order.lines:
        # A bundle's picked items (is_bundled, priced on the bundle's line at 0) stay: they
        # are goods the warehouse ships and BigCommerce counts in its shipments.
        total = line.total_inc_tax if inclusive else line.total_ex_tax
        units.append(TaxedUnit(ITEM, line, total, total - line.discount_amount, line.total_tax,
                               line.quantity, line.applied_discounts))
    charges = _address_charges(order, SHIPPING, "shipping_cost", "cost", per_address) \
        + _address_charges(order, HANDLING, "handling_cost", "handling_cost", per_address) + [
        (WRAPPING, None, order.wrapping_cost_inc_tax if inclusive else order.wrapping_cost_ex_tax,
         order.wrapping_cost_tax),
    ] + [(FEE, fee, fee.cost_inc_tax if inclusive else fee.cost_ex_tax, fee.cost_tax) for fee in order.fees]
    undeclared = _undeclared_discount(order, units)
    charge_units = [TaxedUnit(kind, source, amount, amount, tax)
                    for kind, source, amount, tax in charges if amount or tax]
    shipping = [unit for unit in charge_units if unit.kind == SHIPPING and unit.total > 0]
    if undeclared > 0 and shipping:
        # A shipping coupon may have lowered the taxed shipping: read it both ways. Over
        # several addresses the coupon's split is not given: read it in proportion.
        shares = _proportional(min(undeclared, sum(u.total for u in shipping)), [u.total for u in shipping])
        for unit, share in zip(shipping, shares, strict=True):
            if unit.tax and share:
                unit.net = unit.total - share
                unit.discounts = (AppliedDiscount("shipping", share, "", "", "order"),)
    return units + charge_units


def _address_charges(order, kind, order_prefix, address_prefix, per_address):
    """[(kind, source, amount, tax)] of the order's shipping or handling: one per
    shipping address that has some when the order ships to several and their
    amounts and taxes add up to the order's (source: the ShippingConsignment),
    else one from the order's own fields (source None)."""
    side = "_inc_tax" if order.is_tax_inclusive else "_ex_tax"
    whole = (getattr(order, order_prefix + side), getattr(order, order_prefix + "_tax"))
    parts = [(c, getattr(c, address_prefix + side), getattr(c, address_prefix + "_tax"))
             for c in order.shipping_consignments]
    parts = [part for part in parts if part[1] or part[2]]
    if (per_address and len(parts) > 1
            and (sum(p[1] for p in parts), sum(p[2] for p in parts)) == whole):
        return [(kind, consignment, amount, tax) for consignment, amount, tax in parts]
    return [(kind, None, *whole)]


def _proportional(amount, weights, step=CENT):
    """`amount` split over `weights` in proportion, to the step, adding up exactly
    (the remainder on the largest weight)."""
    total = sum(weights)
    if not total:
        return [Decimal(0)] * len(weights)
    shares = [round_to(amount * w / total, step) for w in weights]
    shares[weights.index(max(weights))] += amount - sum(shares)
    return shares


def _candidate_rates(units, inclusive, known, step):
    """Rates worth trying: the known ones, and the roundest rate of each reading
    and of each pair of readings that one rate could give."""
    readings = [(u, amount, rate_interval(amount, u.tax, inclusive, step))
                for u in units for amount, _before in u.readings()]
    readings = [r for r in readings if r[2] is not None]
    candidates = list(known)
    for i, (unit, amount, interval) in enumerate(readings):
        pairs = [[(amount, unit.tax)]]
        for other, other_amount, other_interval in readings[i + 1:]:
            if other is not unit and other_interval[0] <= interval[1] and interval[0] <= other_interval[1]:
                pairs.append([(amount, unit.tax), (other_amount, other.tax)])
        for pair in pairs:
            rate = roundest_rate(pair, inclusive, step)
            if rate is not None and rate not in candidates:
                candidates.append(rate)
    return candidates


def unit_key(unit):
    """The key of a TaxedUnit in rate hints (rate_maths.rate_hints); None for a fee."""
    if unit.kind == ITEM:
        return (ITEM, unit.source.id)
    if unit.kind in (SHIPPING, HANDLING):
        return (unit.kind, unit.source.id if unit.source is not None else None)
    if unit.kind == WRAPPING:
        return (WRAPPING, None)
    return None


def _taxed_before(unit, rate, inclusive, step):
    """Whether `rate` gives the unit's tax only on its amount before discounts;
    None when it gives it on no reading."""
    readings = [before for amount, before in unit.readings() if unit.tax in taxes_of(amount, rate, inclusive, step)]
    return min(readings) if readings else None


def _assign_hinted(taxed, inclusive, hints, step):
    """Give each taxed unit the rate BigCommerce says it applied, when that rate
    reproduces the unit's tax; takes those units out of `taxed`. Returns the
    rates used, the one explaining most units first."""
    counts = {}
    for unit in list(taxed):
        key = unit_key(unit)
        for rate in (hints.get(key) or ()) if key is not None else ():
            before = _taxed_before(unit, rate, inclusive, step)
            if before is not None:
                unit.rate, unit.taxed_before = rate, before
                counts[rate] = counts.get(rate, 0) + 1
                taxed.remove(unit)
                break
    return sorted(counts, key=lambda rate: -counts[rate])


def _assign_rates(units, inclusive, known, step, hints=None):
    """Give each taxed unit the rate (and reading) that reproduces its tax: the
    rate BigCommerce applied to it when `hints` say so; for the others, using as
    few rates as can: repeatedly the rate that explains most units, a hinted or
    known rate before an unknown one, fewer decimals before more. Returns the rates used."""
    taxed = [u for u in units if u.tax and u.total]
    used = _assign_hinted(taxed, inclusive, hints, step) if hints else []
    if hints:
        known = [r for r in used + hints.get(None, []) + list(known) if r is not None]
        known = [r for i, r in enumerate(known) if r not in known[:i]]
    candidates = _candidate_rates(taxed, inclusive, known, step)
    while taxed:
        best, best_key, best_units = None, None, None
        for rate in candidates:
            covered = [u for u in taxed if any(u.tax in taxes_of(a, rate, inclusive, step)
                                               for a, _b in u.readings())]
            if not covered:
                continue
            key = (len(covered), rate in known or rate in used, -rate_places(rate),
                   sum(abs(u.net) for u in covered))
            if best_key is None or key > best_key:
                best, best_key, best_units = rate, key, covered
        if best is None:
            break    # what no rate explains stays untaxed: the totals check will tell
        if best not in used:
            used.append(best)
        for unit in best_units:
            unit.rate = best
            unit.taxed_before = not any(unit.tax in taxes_of(a, best, inclusive, step)
                                        for a, before in unit.readings() if not before)
            taxed.remove(unit)
    return used


def plan_order(order, known_rates=(), price_step=CENT, step=CENT, rounding=ROUND_PER_LINE, hints=None):
    """The OrderPlan of `order` (payloads.Order): lines whose amounts and taxes
    add up to the store's totals; `hints` (rate_maths.rate_hints: the rates
    BigCommerce applied), then `known_rates` (the cart's) are preferred when they
    reproduce a tax; `rounding` is the company's tax_calculation_rounding_method.

    A rate reproduces a line's tax when Odoo's tax of the line (or BigCommerce's
    rounding of a tax-included half cent, settled by a *Tax rounding* pair) is the
    store's; rounding globally, the pair per rate of _settle_globally follows."""
    inclusive = order.is_tax_inclusive
    units = _units(order)
    plan = OrderPlan()
    plan.rates = _assign_rates(units, inclusive, list(known_rates), step, hints)
    if any(u.kind in (SHIPPING, HANDLING) and u.source is not None and u.tax and u.rate is None for u in units):
        # An address's charge no rate explains (e.g. a shipping coupon split otherwise
        # than in proportion): the order's charges as one line each, as they add up.
        units = _units(order, per_address=False)
        plan.rates = _assign_rates(units, inclusive, list(known_rates), step, hints)
    for unit in units:
        amount = unit.total if unit.taxed_before else unit.net
        folded = () if unit.taxed_before else unit.discounts
        if unit.kind == ITEM:
            plan.lines += [PlannedLine(ITEM, q, p, unit.rate, unit.source, folded)
                           for q, p in quantity_split(amount, unit.quantity, unit.rate, inclusive,
                                                      price_step, step, unit.tax)]
            if unit.taxed_before:
                plan.lines.append(PlannedLine(DISCOUNT, Decimal(1), unit.net - unit.total, None,
                                              unit.source, unit.discounts))
        elif amount or folded:
            # A charge taxed before its coupon keeps its amount; the coupon is the order's rest.
            plan.lines.append(PlannedLine(unit.kind, Decimal(1), amount, unit.rate, unit.source, folded))
    _settle_half_cents(plan, units, inclusive, step)
    _explain_rest(order, plan, units, step)
    if rounding == ROUND_GLOBALLY:
        _settle_globally(plan, inclusive, step)
    return plan


def _settle_globally(plan, inclusive, step):
    """For a company rounding tax globally: Odoo sums the unrounded taxes of each
    tax's lines and rounds the sum once, which may be a cent or more away from the
    store's tax of that rate (the sum of its rounded line taxes, which the lines
    planned so far give rounding per line). The per-line *Tax rounding* pairs go;
    one pair per rate (x taxed, -x untaxed) brings the rounded sum to the store's."""
    targets = {rate: plan.tax(inclusive, step, rate) for rate in {line.rate for line in plan.lines if line.rate}}
    plan.lines = [line for line in plan.lines if line.kind != TAX_ROUNDING]
    plan.rounding = ROUND_GLOBALLY
    for rate, target in sorted(targets.items()):
        amounts = [line.amount for line in plan.lines if line.rate == rate]
        if odoo_tax_total(amounts, rate, inclusive, step, ROUND_GLOBALLY) != target:
            plan.lines += global_rounding_pair(sum(amounts), target, rate, inclusive, step) or []


def global_rounding_pair(amount, target, rate, inclusive, step=CENT):
    """Two TAX_ROUNDING lines, x taxed at `rate` and -x untaxed, that bring the tax
    Odoo rounds once on lines of `rate` adding up to `amount` to `target`; None if none does."""
    guess = round_to(amount * (target / raw_tax(amount, rate, inclusive) - 1), step) if amount else step
    for k in range(200):
        for x in (guess + k * step, guess - k * step):
            if x and round_to(raw_tax(amount + x, rate, inclusive), step) == target:
                return [PlannedLine(TAX_ROUNDING, Decimal(1), x, rate),
                        PlannedLine(TAX_ROUNDING, Decimal(1), -x, None)]
    return None


def _settle_half_cents(plan, units, inclusive, step):
    """Where Odoo's per-line tax differs from the store's (a tax-included amount
    whose untaxed part falls on half a cent), one pair of *Tax rounding* lines per
    rate: x taxed and -x untaxed, whose tax is the difference. Totals unchanged."""
    for rate in plan.rates:
        store = sum((u.tax for u in units if u.rate == rate), Decimal(0))
        delta = store - plan.tax(inclusive, step, rate)
        if delta:
            plan.lines += tax_rounding_pair(delta, rate, inclusive, step) or []


def tax_rounding_pair(delta, rate, inclusive, step=CENT):
    """Two TAX_ROUNDING lines, x taxed at `rate` and -x untaxed, whose tax is `delta`
    and whose amounts cancel out; None when no x gives `delta`."""
    guess = round_to(delta * (HUNDRED + rate if inclusive else HUNDRED) / rate, step)
    for k in range(50):
        for x in (guess + k * step, guess - k * step):
            if x and odoo_tax(x, rate, inclusive, step) == delta:
                return [PlannedLine(TAX_ROUNDING, Decimal(1), x, rate),
                        PlannedLine(TAX_ROUNDING, Decimal(1), -x, None)]
    return None


def _undeclared_discount(order, units):
    """The discount the order declares (coupons, manual) beyond its items' applied discounts."""
    spread = sum((u.total - u.net for u in units if u.kind == ITEM), Decimal(0))
    return order.coupon_discount + order.discount_amount - spread


def _explain_rest(order, plan, units, step):
    """One line for the order-level discount the planned lines do not show (e.g. a
    shipping coupon), with the tax that the totals leave. Only a discount the order
    declares is explained so: any other difference is left for the totals check."""
    inclusive = order.is_tax_inclusive
    target = order.total_inc_tax if inclusive else order.total_ex_tax
    rest = round_to(sum((line.amount for line in plan.lines), Decimal(0)) - target, step)
    if rest <= 0 or rest > round_to(_undeclared_discount(order, units), step):
        return
    rest_tax = plan.tax(inclusive, step) - round_to(order.total_tax, step)
    rate = choose_rate([(rest, rest_tax)], inclusive, plan.rates, step) if rest_tax > 0 else None
    plan.lines.append(PlannedLine(ORDER_DISCOUNT, Decimal(1), -rest, rate))

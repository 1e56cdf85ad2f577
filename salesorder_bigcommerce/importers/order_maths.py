"""A BigCommerce order's money -> the lines of an Odoo document. Plain Decimal, no ORM.

BigCommerce taxes each order line on its own amount, rounded to the cent, and
(as its spec says) on the amount *after* that line's discounts; shipping,
handling, wrapping and fees carry their own tax. Odoo, rounding per line,
taxes each document line on its own amount. So the document reproduces the
store's tax exactly when each taxed amount of the order becomes Odoo lines
whose amounts and rates give the same per-line tax:

* an item becomes one line at its net (discounted) amount, or two lines of
  the same item when the net unit price is not a whole number of the price's
  smallest step (3 for 10.00: 2 x 3.33 + 1 x 3.34, split so that the tax of
  both equals the item's);
* where a store taxed an item *before* its discount (some tax providers do),
  the item keeps its full amount and tax, and the discount is an untaxed line;
* each rate is inferred from (amount, tax): the rate already met in the order
  or known to the cart when it reproduces the tax, else the one with the
  fewest decimals that does;
* an order-level discount the lines do not show (such as a shipping coupon)
  is one more line, whose amount and tax come from the order's totals;
* where Odoo and the store round a tax-included line's half cent differently,
  a pair of *Tax rounding* lines (x taxed, -x untaxed) settles it per rate.

Amounts are in the order's pricing basis: tax excluded, or tax included when
the store prices with tax (``is_tax_inclusive``).
"""
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_DOWN, ROUND_HALF_UP, Decimal

from ..services.order_payloads import AppliedDiscount

CENT = Decimal("0.01")
ZERO_AMOUNT = Decimal(0)
HUNDRED = Decimal(100)
MAX_RATE_PLACES = 4
MAX_RATE = Decimal(100)   # a "rate" above this says the amounts are wrong, not the tax

# Kinds of planned line.
ITEM = "item"
SHIPPING = "shipping"
HANDLING = "handling"
WRAPPING = "wrapping"
FEE = "fee"
DISCOUNT = "discount"            # an item's discount, taxed before it (untaxed line)
ORDER_DISCOUNT = "order_discount"   # an order-level discount the lines do not show
TAX_ROUNDING = "tax_rounding"       # a half cent settled the store's way (a pair of lines)


def round_to(amount, step=CENT):
    return amount.quantize(step, ROUND_HALF_UP)


def tax_on(amount, rate, inclusive, step=CENT):
    """The tax on one line's `amount` at `rate` %, as BigCommerce rounds it (the fake
    store's reading: a tax-included amount's untaxed part is rounded)."""
    if inclusive:
        return amount - round_to(amount / (1 + rate / HUNDRED), step)
    return round_to(amount * rate / HUNDRED, step)


def odoo_tax(amount, rate, inclusive, step=CENT):
    """The tax Odoo computes on one line's `amount` at `rate` %, rounding per line
    (account.tax._get_tax_details: the tax itself is rounded). Tax excluded it is
    BigCommerce's; tax included, the two differ by a cent when the untaxed part
    falls on exactly half a cent."""
    if inclusive:
        return round_to(amount * rate / (HUNDRED + rate), step)
    return round_to(amount * rate / HUNDRED, step)


def taxes_of(amount, rate, inclusive, step=CENT):
    """Both readings of one line's tax (one value where they agree)."""
    return {tax_on(amount, rate, inclusive, step), odoo_tax(amount, rate, inclusive, step)}


def rate_interval(amount, tax, inclusive, step=CENT):
    """The rates (%) that turn `amount` into `tax` once rounded, as (low, high), or None."""
    amount, tax = abs(amount), abs(tax)
    half = step / 2
    if not amount:
        return None
    if inclusive:
        ex = amount - tax
        if ex - half <= 0:
            return None
        return ((amount / (ex + half) - 1) * HUNDRED, (amount / (ex - half) - 1) * HUNDRED)
    return (max(tax - half, Decimal(0)) / amount * HUNDRED, (tax + half) / amount * HUNDRED)


def reproduces(rate, items, inclusive, step=CENT):
    """Whether `rate` gives each (amount, tax) of `items`, rounded either way."""
    return rate > 0 and all(t in taxes_of(a, rate, inclusive, step) for a, t in items)


def roundest_rate(items, inclusive, step=CENT):
    """The rate with the fewest decimals that gives each (amount, tax) of `items`, or None."""
    low, high = Decimal("-Infinity"), Decimal("Infinity")
    for amount, tax in items:
        interval = rate_interval(amount, tax, inclusive, step)
        if interval is None:
            return None
        low, high = max(low, interval[0]), min(high, interval[1])
    high = min(high, MAX_RATE)
    if low > high:
        return None
    for places in range(MAX_RATE_PLACES + 1):
        unit = Decimal(1).scaleb(-places)
        candidate = (low / unit).to_integral_value(rounding=ROUND_CEILING) * unit
        for _ in range(3):   # the bounds are exact up to the half step: look just past them
            if candidate > high + unit:
                break
            if reproduces(candidate, items, inclusive, step):
                return candidate.normalize() if candidate == candidate.to_integral() else candidate
            candidate += unit
    return None


def choose_rate(items, inclusive, known=(), step=CENT):
    """A known rate that gives each (amount, tax), else the roundest one; None if none."""
    for rate in known:
        if reproduces(rate, items, inclusive, step):
            return rate
    return roundest_rate(items, inclusive, step)


def rate_places(rate):
    return max(0, -rate.normalize().as_tuple().exponent)


def quantity_split(net, quantity, rate, inclusive, price_step=CENT, step=CENT, tax=None):
    """[(quantity, unit price)] whose amounts add up to `net` exactly and whose
    per-line taxes at `rate`, as Odoo computes them, add up to `tax` (by default
    the tax of `net`): one line when `net` divides into unit prices of `price_step`."""
    unit = net / quantity
    if unit == unit.quantize(price_step) or quantity <= 1:
        return [(quantity, unit.quantize(price_step) if quantity > 1 else net)]
    want = (odoo_tax(net, rate, inclusive, step) if tax is None else tax) if rate else None
    base = unit.quantize(price_step, ROUND_DOWN)
    first = None
    for k in range(0, 200):
        for price in (base - k * price_step, base + (k + 1) * price_step):
            rest = net - (quantity - 1) * price
            if price < 0 or (rest < 0) != (net < 0):
                continue
            split = [(quantity - 1, price), (Decimal(1), rest)]
            first = first or split
            if want is None or sum(odoo_tax(q * p, rate, inclusive, step) for q, p in split) == want:
                return split
    return first or [(quantity, unit)]


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

    def tax(self, inclusive, step=CENT, rate=None):
        """The tax Odoo computes on the lines (of `rate` only, if given)."""
        return sum((odoo_tax(line.amount, line.rate, inclusive, step)
                    for line in self.lines if line.rate and rate in (None, line.rate)), Decimal(0))


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


def _units(order):
    """The TaxedUnits of the order: its items, then its charges."""
    inclusive = order.is_tax_inclusive
    units = []
    for line in order.lines:
        if line.is_bundled and not line.total_inc_tax:
            continue   # a bundle's items are priced on the bundle's line
        total = line.total_inc_tax if inclusive else line.total_ex_tax
        units.append(TaxedUnit(ITEM, line, total, total - line.discount_amount, line.total_tax,
                               line.quantity, line.applied_discounts))
    charges = [
        (SHIPPING, None, order.shipping_cost_inc_tax if inclusive else order.shipping_cost_ex_tax,
         order.shipping_cost_tax),
        (HANDLING, None, order.handling_cost_inc_tax if inclusive else order.handling_cost_ex_tax,
         order.handling_cost_tax),
        (WRAPPING, None, order.wrapping_cost_inc_tax if inclusive else order.wrapping_cost_ex_tax,
         order.wrapping_cost_tax),
    ] + [(FEE, fee, fee.cost_inc_tax if inclusive else fee.cost_ex_tax, fee.cost_tax) for fee in order.fees]
    undeclared = _undeclared_discount(order, units)
    for kind, source, amount, tax in charges:
        if not (amount or tax):
            continue
        unit = TaxedUnit(kind, source, amount, amount, tax)
        if kind == SHIPPING and tax and amount > 0 and undeclared > 0:
            # A shipping coupon may have lowered the taxed shipping: read it both ways.
            discount = min(undeclared, amount)
            unit.net = amount - discount
            unit.discounts = (AppliedDiscount("shipping", discount, "", "", "order"),)
        units.append(unit)
    return units


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


def _assign_rates(units, inclusive, known, step):
    """Give each taxed unit the rate (and reading) that reproduces its tax, using as
    few rates as can: repeatedly the rate that explains most units, a known rate
    before an unknown one, fewer decimals before more. Returns the rates used."""
    taxed = [u for u in units if u.tax and u.total]
    candidates = _candidate_rates(taxed, inclusive, known, step)
    used = []
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
        used.append(best)
        for unit in best_units:
            unit.rate = best
            unit.taxed_before = not any(unit.tax in taxes_of(a, best, inclusive, step)
                                        for a, before in unit.readings() if not before)
            taxed.remove(unit)
    return used


def plan_order(order, known_rates=(), price_step=CENT, step=CENT):
    """The OrderPlan of `order` (payloads.Order): lines whose amounts and taxes
    add up to the store's totals; `known_rates` (the cart's) are preferred when
    they reproduce a tax."""
    inclusive = order.is_tax_inclusive
    units = _units(order)
    plan = OrderPlan()
    plan.rates = _assign_rates(units, inclusive, list(known_rates), step)
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
    return plan


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

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
  is one more line, whose amount and tax come from the order's totals.

Amounts are in the order's pricing basis: tax excluded, or tax included when
the store prices with tax (``is_tax_inclusive``).
"""
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_DOWN, ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
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


def round_to(amount, step=CENT):
    return amount.quantize(step, ROUND_HALF_UP)


def tax_on(amount, rate, inclusive, step=CENT):
    """The tax on `amount` at `rate` %, rounded as BigCommerce and Odoo round one line."""
    if inclusive:
        return amount - round_to(amount / (1 + rate / HUNDRED), step)
    return round_to(amount * rate / HUNDRED, step)


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
    """Whether `rate` gives each (amount, tax) of `items`."""
    return rate > 0 and all(tax_on(a, rate, inclusive, step) == t for a, t in items)


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


def quantity_split(net, quantity, rate, inclusive, price_step=CENT, step=CENT):
    """[(quantity, unit price)] whose amounts add up to `net` exactly and whose
    per-line taxes at `rate` add up to the tax of `net` (one line when `net`
    divides into unit prices of `price_step`)."""
    unit = net / quantity
    if unit == unit.quantize(price_step) or quantity <= 1:
        return [(quantity, unit.quantize(price_step) if quantity > 1 else net)]
    want = tax_on(net, rate, inclusive, step) if rate else None
    base = unit.quantize(price_step, ROUND_DOWN)
    first = None
    for k in range(0, 200):
        for price in (base - k * price_step, base + (k + 1) * price_step):
            rest = net - (quantity - 1) * price
            if price < 0 or (rest < 0) != (net < 0):
                continue
            split = [(quantity - 1, price), (Decimal(1), rest)]
            first = first or split
            if want is None or sum(tax_on(q * p, rate, inclusive, step) for q, p in split) == want:
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
    rates: list = field(default_factory=list)    # the rates met, most significant first

    def tax(self, inclusive, step=CENT):
        return sum((tax_on(line.amount, line.rate, inclusive, step)
                    for line in self.lines if line.rate), Decimal(0))


def _charges(order):
    """(kind, source, amount in the basis, tax) of the order's charges."""
    inclusive = order.is_tax_inclusive
    charges = [
        (SHIPPING, None, order.shipping_cost_inc_tax if inclusive else order.shipping_cost_ex_tax,
         order.shipping_cost_tax),
        (HANDLING, None, order.handling_cost_inc_tax if inclusive else order.handling_cost_ex_tax,
         order.handling_cost_tax),
        (WRAPPING, None, order.wrapping_cost_inc_tax if inclusive else order.wrapping_cost_ex_tax,
         order.wrapping_cost_tax),
    ]
    charges += [(FEE, fee, fee.cost_inc_tax if inclusive else fee.cost_ex_tax, fee.cost_tax)
                for fee in order.fees]
    return [c for c in charges if c[2] or c[3]]


def _items(order):
    """The order lines that make document lines (a bundle's items are priced on the bundle)."""
    return [line for line in order.lines if not (line.is_bundled and not line.total_inc_tax)]


def item_amounts(line, inclusive):
    """(amount before discounts, discounts, amount after) of an order line, in the basis."""
    total = line.total_inc_tax if inclusive else line.total_ex_tax
    discounts = line.discount_amount
    return total, discounts, total - discounts


def plan_order(order, known_rates=(), price_step=CENT, step=CENT):
    """The OrderPlan of `order` (payloads.Order): lines whose amounts and taxes
    add up to the store's totals; `known_rates` (the cart's) are preferred when
    they reproduce a tax."""
    inclusive = order.is_tax_inclusive
    plan = OrderPlan()
    met = plan.rates
    items, charges = _items(order), _charges(order)
    plain = [(item_amounts(line, inclusive)[0], line.total_tax, line) for line in items
             if not line.discount_amount]
    plain += [(amount, tax, charge) for charge in charges for _k, _s, amount, tax in [charge]]
    rates = {}
    for group, rate in _rate_groups([p for p in plain if p[0] and p[1]], inclusive,
                                    lambda: met + [r for r in known_rates if r not in met], step):
        if rate is not None and rate not in met:
            met.append(rate)
        for _amount, _tax, thing in group:
            rates[id(thing)] = rate

    for line in items:
        total, discounts, net = item_amounts(line, inclusive)
        rate, taxed_before = rates.get(id(line)), False
        if discounts and line.total_tax:
            rate, taxed_before = _discounted_item_rate(
                total, net, line.total_tax, inclusive, met + [r for r in known_rates if r not in met], step)
            if rate is not None and rate not in met:
                met.append(rate)
        split = quantity_split(total if taxed_before else net, line.quantity, rate, inclusive, price_step, step)
        folded = () if taxed_before else line.applied_discounts
        plan.lines += [PlannedLine(ITEM, q, p, rate, line, folded) for q, p in split]
        if taxed_before:
            plan.lines.append(PlannedLine(DISCOUNT, Decimal(1), -discounts, None, line, line.applied_discounts))

    for charge in charges:
        kind, source, amount, _tax = charge
        if amount:
            plan.lines.append(PlannedLine(kind, Decimal(1), amount, rates.get(id(charge)), source))

    _explain_rest(order, plan, met, known_rates, price_step, step)
    return plan


def _rate_groups(taxed, inclusive, known, step):
    """Group (amount, tax, thing) triples by the rate they share: largest amount
    first (its interval is the narrowest), each group takes every other amount
    that one rate still reproduces. Yields (group, rate)."""
    left = sorted(taxed, key=lambda x: -abs(x[0]))
    while left:
        group = [left.pop(0)]
        for candidate in list(left):
            pairs = [(a, t) for a, t, _ in group + [candidate]]
            if roundest_rate(pairs, inclusive, step) is not None or any(
                    reproduces(r, pairs, inclusive, step) for r in known()):
                group.append(candidate)
                left.remove(candidate)
        yield group, choose_rate([(a, t) for a, t, _ in group], inclusive, known(), step)


def _discounted_item_rate(total, net, tax, inclusive, known, step):
    """(rate, taxed before the discount?) of a discounted item whose tax is `tax`.

    BigCommerce taxes the amount after discounts; some tax providers tax it
    before. Both readings usually fit some rate: the one that fits a rate
    already known wins, else the one whose rate has fewer decimals (BigCommerce's
    own reading on a tie)."""
    after = choose_rate([(net, tax)], inclusive, known, step) if net else None
    before = choose_rate([(total, tax)], inclusive, known, step)
    if after is not None and after in known:
        return after, False
    if before is not None and (before in known or after is None
                               or rate_places(before) < rate_places(after)):
        return before, True
    return after, False


def _explain_rest(order, plan, met, known_rates, price_step, step):
    """One line for the order-level discount the planned lines do not show (e.g. a
    shipping coupon), with the tax that the totals leave. Only a discount the order
    declares is explained so: any other difference is left for the totals check."""
    inclusive = order.is_tax_inclusive
    target = order.total_inc_tax if inclusive else order.total_ex_tax
    rest = round_to(sum((line.amount for line in plan.lines), Decimal(0)) - target, step)
    spread = sum((line.discount_amount for line in _items(order)), Decimal(0))
    declared = order.coupon_discount + order.discount_amount - spread
    if rest <= 0 or rest > round_to(declared, step):
        return
    rest_tax = plan.tax(inclusive, step) - round_to(order.total_tax, step)
    rate = None
    if rest_tax > 0:
        rate = choose_rate([(rest, rest_tax)], inclusive, met + list(known_rates), step)
    plan.lines.append(PlannedLine(ORDER_DISCOUNT, Decimal(1), -rest, rate))

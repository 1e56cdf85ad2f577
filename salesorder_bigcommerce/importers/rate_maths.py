"""Tax rates and the tax Odoo computes on amounts. Plain Decimal, no ORM.

BigCommerce taxes each amount on its own, rounded to the cent (``tax_on``).
Odoo computes a line's tax as ``account.tax._get_tax_details`` does
(``odoo_tax``) and then, depending on the company's *Tax Calculation Rounding
Method* (``tax_calculation_rounding_method``):

* ``round_per_line``: each line's tax is rounded, and a tax's total is the sum
  of its lines' rounded taxes;
* ``round_globally``: the unrounded taxes of the lines of one tax are summed
  and that sum is rounded once (``account.tax._round_base_lines_tax_details``:
  ``total_per_tax[...]['raw_tax_amount_currency']`` rounded, the delta spread
  over the lines).

``odoo_tax_total`` gives the tax Odoo books for the lines of one rate either way.

``rate_hints`` turns the taxes BigCommerce says it applied (services.order_taxes)
into the rate of each taxed piece of the order, for order_maths.plan_order.
"""
from decimal import ROUND_CEILING, ROUND_DOWN, ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZERO_AMOUNT = Decimal(0)
HUNDRED = Decimal(100)
MAX_RATE_PLACES = 4
MAX_RATE = Decimal(100)   # a "rate" above this says the amounts are wrong, not the tax

ROUND_PER_LINE = "round_per_line"
ROUND_GLOBALLY = "round_globally"

def round_to(amount, step=CENT):
    return amount.quantize(step, ROUND_HALF_UP)


def currency_step(rounding):
    """The step amounts of a currency round to, from Odoo's float ``rounding``: 0.01,
    0.001 for KWD, 1 for JPY (never 1.0, which would round yen to tenths)."""
    return Decimal(str(rounding)).normalize()


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


def raw_tax(amount, rate, inclusive):
    """The unrounded tax Odoo computes on one line's `amount` at `rate` %."""
    if inclusive:
        return amount * rate / (HUNDRED + rate)
    return amount * rate / HUNDRED


def odoo_tax_total(amounts, rate, inclusive, step=CENT, rounding=ROUND_PER_LINE):
    """The tax Odoo books for lines of `amounts` all at `rate` %, under the company's
    rounding method: the sum of the rounded line taxes, or the rounded sum."""
    if rounding == ROUND_GLOBALLY:
        # The tax is linear in the amount: summed first, the sum is exact, and a sum
        # exactly half a cent away rounds up as Odoo's float_round (with its epsilon) does.
        return round_to(raw_tax(sum(amounts, Decimal(0)), rate, inclusive), step)
    return sum((odoo_tax(a, rate, inclusive, step) for a in amounts), Decimal(0))


# --- the rates BigCommerce says it applied ---------------------------------------------

# line_item_type of an order's tax rows -> the kind of piece (order_maths' kinds).
HINT_KINDS = {"item": "item", "shipping": "shipping", "handling": "handling", "gift-wrapping": "wrapping"}


def clean_rate(rate):
    """8.2500 -> 8.25, 10.0000 -> 10 (equal values, fewest digits)."""
    rate = rate.normalize()
    return rate.quantize(Decimal(1)) if rate == rate.to_integral_value() else rate


def piece_rates(rates_by_priority):
    """The rates (%) of one piece taxed by several rows, {priority: [rate]}: their sum,
    then, when the priorities differ, the rate of each priority compounded on the
    ones before it (the spec only says that priority is "the order in which the tax
    is applied"); only rates Odoo can hold (MAX_RATE_PLACES decimals), none that is 0."""
    total = sum((r for rates in rates_by_priority.values() for r in rates), Decimal(0))
    found = [total]
    if len(rates_by_priority) > 1:
        factor = Decimal(1)
        for priority in sorted(rates_by_priority):
            factor *= 1 + sum(rates_by_priority[priority], Decimal(0)) / HUNDRED
        found.append((factor - 1) * HUNDRED)
    result = []
    for rate in found:
        if 0 < rate <= MAX_RATE and rate_places(rate) <= MAX_RATE_PLACES and clean_rate(rate) not in result:
            result.append(clean_rate(rate))
    return result


def rate_hints(taxes):
    """{piece key: [rates (%), the likeliest first]} of an order's tax rows (OrderTax).

    Keys: ("item", order line id), (kind, order address id) for shipping, handling
    and wrapping, (kind, None) for the whole order's charge of that kind (the rates
    of all its addresses), and None: every rate of the order. Rows that name no
    piece (no details, an unknown type) only add to None."""
    pieces = {}
    for tax in taxes:
        kind = HINT_KINDS.get(tax.line_item_type)
        if kind == "item":
            key = (kind, tax.order_product_id) if tax.order_product_id else None
        else:
            key = (kind, tax.order_address_id or 0) if kind else None
        key = key or ("row", tax.id)
        pieces.setdefault(key, {}).setdefault(tax.priority, []).append(tax.rate)
    hints = {None: []}
    for key, by_priority in pieces.items():
        rates = piece_rates(by_priority)
        if key[0] != "row":
            hints[key] = rates
            if key[0] != "item":
                charge = hints.setdefault((key[0], None), [])
                charge += [r for r in rates if r not in charge]
        hints[None] += [r for r in rates if r not in hints[None]]
    return hints

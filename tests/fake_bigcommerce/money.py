"""How the fake store prices an order: the money contract of ``factory.order``.

BigCommerce documents (orders.v2.oas2.yml, ``orderProducts``): a line's
``total_tax`` is computed on its amount *after* its discounts ("If there is a
manual discount applied total_tax is calculated as the following:
``(price_ex_tax - discount)*tax_rate=total_tax``") and
``discounted_total_inc_tax`` is "the total amount of the line item after
deducting all the discounts and including the tax". That is the default
here. What the documents leave open is an explicit option.

Words
-----
* *Basis*: the side prices are entered on. Exclusive store
  (``is_tax_inclusive_pricing`` false): ex-tax, fields ``*_ex_tax``.
  Inclusive store: inc-tax, fields ``*_inc_tax``. Every amount given to the
  factory (prices, discounts, charges, fees) is in the basis.
* ``tax(A, r)``: the tax in a basis amount A at rate r, to the cent, half up.
  Exclusive: ``round(A * r)``. Inclusive: ``A - round(A / (1 + r))``.
  The other side of A is ``A + tax`` (exclusive) or ``A - tax`` (inclusive).
* Per line i: rate r_i (the line's ``tax_rate``, else the order's),
  ``T_i = base_price * quantity`` (= ``base_total``), ``D_i`` = sum of its
  ``applied_discounts`` amounts, ``N_i = T_i - D_i``.
* Shipping: S = the shipping price entered, d = the shipping coupons'
  discount (types 3, 4), rate r_s; handling H (rate r_h), wrapping W
  (rate r_w), fees F_k (rate r_k). Charges are never discounted otherwise.
* Shipping and handling per shipping address: BigCommerce prices and taxes
  them per address (orderShippingAddress ``base_cost``, ``cost_ex_tax``,
  ``cost_inc_tax``, ``cost_tax``, ``cost_tax_class_id`` and the
  ``*handling_cost*`` set); the order's ``shipping_cost_*`` and
  ``handling_cost_*`` are the sums over its addresses. Here S_a, r_s,a and
  H_a, r_h,a are given per address (lists; one entry when the order ships
  to one address or none), each piece taxed on its own at its address's
  rate. ⚠️ How a shipping coupon splits over several addresses is not
  documented: d is spread in proportion to the S_a (d_a; free shipping
  frees every address), and each address is taxed on S_a - d_a.
* Wrapping W is the order-level ``wrapping_cost`` plus the gift wrapping of
  each line (``line(wrapping=unit price)``: unit x quantity, shown on the
  line's ``*wrapping_cost*`` fields); each piece is taxed on its own at r_w
  and ``wrapping_cost_*`` are the sums of the pieces.

Discounts, in this order, all in the basis
------------------------------------------
1. Line-level ``line(discounts=...)``: product discounts / automatic
   promotions on one line (default id 'line-discount', target 'product').
2. Order promotions ``order(promotions=...)`` (automatic promotions: id = rule
   id e.g. '3', code None, target 'order'), each spread over the lines in
   proportion to what is left of them.
3. Coupons: type 0 ``amount`` off each unit; 1 ``amount`` percent of what is
   left; 2 and 5 ``amount`` off the order, spread in proportion to what is
   left; 3 ``amount`` off shipping; 4 free shipping. Entries on lines have id
   'total-coupon', the coupon's name and code, target 'order'. The coupon row
   (``/orders/{id}/coupons``) ``discount`` is what the coupon took (shipping
   coupons included, in both shipping options). A line-level discount with
   id 'total-coupon' (a coupon share kept on a line by an order edit, see
   lifecycle.py) counts as coupon_discount, not discount_amount.
4. Manual ``discount_amount``: spread in proportion to the undiscounted line
   totals T_i (spec orderProductAppliedDiscounts:
   ``total_manual_discount*price_ex_tax/subtotal_ex_tax``), id
   'manual-discount', name 'Manual Discount', code None, target 'order'.
Every split is to the cent; a rounding remainder goes to the largest line.

Fields, default mode (``tax_before_discount=False``: tax after discounts)
------------------------------------------------------------------------
Line (orderProducts):
* ``base_price`` = unit price (basis); ``price_ex_tax``/``price_inc_tax`` its
  two sides, ``price_tax`` = inc - ex: undiscounted unit amounts.
* ``base_total`` = T_i; ``total_ex_tax``/``total_inc_tax`` = the two sides of
  T_i: UNDISCOUNTED (as in example order 149).
* ``total_tax`` = tax(N_i, r_i): the tax actually charged on the line after
  its discounts. So on a discounted line total_tax != total_inc_tax -
  total_ex_tax (the difference is the tax the discounts saved).
* ``discounted_total_inc_tax`` = N_i inc tax: N_i + tax(N_i) exclusive, N_i
  inclusive: what the shopper pays for the line.
* ``applied_discounts[].amount`` (basis, 4-decimal strings), summing to D_i.
Order (order_Resp):
* ``subtotal_ex_tax``/``subtotal_inc_tax`` = sums of the lines'
  ``total_ex_tax``/``total_inc_tax`` (before discounts); ``subtotal_tax`` =
  subtotal_inc_tax - subtotal_ex_tax (undiscounted; NOT the tax charged).
* ``shipping_cost_tax`` = tax(S - d, r_s) (per address: the sum of
  tax(S_a - d_a, r_s,a)): the shipping tax actually charged, in both
  shipping options below.
  - ``shipping_discount_in_cost=False`` (default): the basis-side field
    (``shipping_cost_ex_tax`` exclusive, ``shipping_cost_inc_tax`` inclusive)
    and ``base_shipping_cost`` are S, BEFORE the shipping coupon; the other
    side is S + shipping_cost_tax (exclusive) or S - shipping_cost_tax
    (inclusive), so ex + tax = inc holds. ``coupon_discount`` INCLUDES d.
  - ``shipping_discount_in_cost=True``: ``base_shipping_cost`` and
    ``shipping_cost_*`` are the two sides of S - d (already net of the
    shipping coupon); ``coupon_discount`` EXCLUDES d (the coupon row still
    shows it).
  Each shipping address carries its own cost_* values (S_a, d_a); with one
  address they are the order's.
* ``handling_cost_*``, ``wrapping_cost_*`` (and ``base_*``): the two sides of
  H and W and their tax; fees (``/orders/{id}/fees``, ``include=fees``):
  ``base_cost``/``cost_ex_tax``/``cost_inc_tax``/``cost_tax`` likewise.
* ``coupon_discount`` = sum of coupon discounts on lines (+ d when
  shipping_discount_in_cost=False).
* ``discount_amount`` = manual discount + line-level discounts + order
  promotions (everything in applied_discounts that is not a coupon).
* ``total_tax`` = sum of line total_tax + shipping_cost_tax +
  handling_cost_tax + wrapping_cost_tax + fees' cost_tax.
* ``total_ex_tax``/``total_inc_tax``: identities below.
* ``*_tax_class_id``: 2 (shipping, handling) or 3 (wrapping) when that
  charge's rate is not 0, else 0; ``tax_provider_id`` 'BasicTaxProvider'
  when any rate is not 0, else '' (in both tax modes).

Option ``tax_before_discount=True`` (some tax providers; example order 149:
line total_tax 9.24 = 16.5 % of 55.99 while 1.59 was discounted, and
discounted_total_inc_tax 63.64 = 65.23 - 1.59). Only the lines change:
* line ``total_tax`` = tax(T_i, r_i) = total_inc_tax - total_ex_tax;
* ``discounted_total_inc_tax`` = total_inc_tax - D_i (exclusive: T_i +
  tax(T_i) - D_i; inclusive: N_i).
Shipping is still taxed after its coupon (free shipping carries no tax).

Identities (exact to the cent, every mode; B = the basis side)
--------------------------------------------------------------
(1) total_inc_tax = total_ex_tax + total_tax
(2) total_tax = sum(line total_tax) + shipping_cost_tax + handling_cost_tax
                + wrapping_cost_tax + sum(fee cost_tax)
(3) total_B = subtotal_B + shipping_cost_B + handling_cost_B
              + wrapping_cost_B + sum(fee cost_B)
              - coupon_discount - discount_amount
(4) what the shopper pays, inc tax:
    total_inc_tax = sum(line discounted_total_inc_tax) + shipping paid inc
                    + handling_cost_inc_tax + wrapping_cost_inc_tax
                    + sum(fee cost_inc_tax)
    shipping paid inc = shipping_cost_inc_tax - d (option False) or
                        shipping_cost_inc_tax (option True).
(5) what the shopper pays, in the basis:
    total_B = sum(N_i) + (S - d) + H + W + sum(F_k)
    (exclusive: total_ex_tax is the pre-tax amount paid; inclusive:
    total_inc_tax is the amount paid).
(6) sum of every line's applied_discounts (+ d with option False)
    = coupon_discount + discount_amount
(7) subtotal_ex_tax + subtotal_tax = subtotal_inc_tax; per line
    total_ex_tax + tax(T_i) = total_inc_tax; price_ex_tax + price_tax =
    price_inc_tax; base_total = base_price * quantity.
(8) per line: total_tax = tax(N_i) (default) or tax(T_i) (before-discount).
"""
from decimal import Decimal

from .store import cents, dec

ZERO = Decimal('0.00')
COUPON_ID = 'total-coupon'    # applied_discounts id of a coupon's share on a line


def rate(value):
    """A tax rate as a Decimal fraction (Decimal('0.2') = 20 %)."""
    r = dec(value)
    if not 0 <= r < 1:
        raise ValueError('tax_rate is a fraction (0.2 = 20%%), got %s' % value)
    return r


def split(basis, r, inclusive):
    """(ex, inc, tax) of a basis amount, tax to the cent (module doc)."""
    basis = cents(basis)
    if inclusive:
        ex = cents(basis / (1 + r))
        return ex, basis, basis - ex
    tax = cents(basis * r)
    return basis, basis + tax, tax


def tax_on(basis, r, inclusive):
    return split(basis, r, inclusive)[2]


def allocate(amount, weights):
    """Split ``amount`` over ``weights`` in proportion, in cents, summing exactly."""
    total = sum(weights)
    if amount == 0:
        return [ZERO] * len(weights)
    if total <= 0:
        raise ValueError('cannot spread a discount over zero-value lines')
    shares = [cents(amount * w / total) for w in weights]
    shares[weights.index(max(weights))] += amount - sum(shares)
    return shares


class Priced:
    """Result of ``price_order`` (plain attributes, Decimals in cents)."""

    def __init__(self, **values):
        self.__dict__.update(values)


def _spread(amount, remaining, applied, entry):
    """Spread one order-level discount over the lines by what is left of them."""
    for i, share in enumerate(allocate(amount, remaining)):
        if share:
            applied[i].append(dict(entry, amount=share))
            remaining[i] -= share


def _wrapping(specs, lines, order_level, charge):
    """The order's wrapping: the order-level amount plus each line's gift
    wrapping (per unit x quantity, set on the line as ``wrapping``), every
    piece taxed on its own at the wrapping rate."""
    for spec, ln in zip(specs, lines, strict=True):
        unit = spec.get('_wrapping') or ZERO
        ln.wrapping = charge(cents(unit * spec['_qty']), order_level.rate) if unit else None
    pieces = [order_level] + [ln.wrapping for ln in lines if ln.wrapping]
    return Priced(rate=order_level.rate, **{k: sum((getattr(p, k) for p in pieces), ZERO)
                                            for k in ('base', 'ex', 'inc', 'tax')})


def _per_address(amounts, rates):
    """([amount], [rate]) of a charge given for the order (scalars) or per address (lists)."""
    amounts = [cents(a) for a in amounts] if isinstance(amounts, (list, tuple)) else [cents(amounts)]
    rates = list(rates) if isinstance(rates, (list, tuple)) else [rates] * len(amounts)
    if len(rates) != len(amounts):
        raise ValueError('one tax rate per address: %d rates for %d amounts' % (len(rates), len(amounts)))
    return amounts, rates


def _total(pieces):
    """The sum of priced pieces (base/ex/inc/tax); its rate is the first non-zero one."""
    return Priced(rate=next((p.rate for p in pieces if p.rate), ZERO),
                  **{k: sum((getattr(p, k) for p in pieces), ZERO) for k in ('base', 'ex', 'inc', 'tax')})


def price_order(specs, *, tax_rate, inclusive, coupons=(), manual=ZERO, promotions=(),  # noqa: C901 - one pass over the spec, step by step as BigCommerce prices an order
                shipping=ZERO, handling=ZERO, wrapping=ZERO, fees=(), shipping_tax_rate=None,
                handling_tax_rate=None, wrapping_tax_rate=None, tax_before_discount=False,
                shipping_discount_in_cost=False):
    """Price line specs (``factory.line``) and charges; see the module doc.

    coupons: ``factory.coupon`` dicts; promotions: dicts {id, name, amount,
    [target]}; fees: dicts {cost, tax_rate or None}. shipping / handling and
    their rates: one amount (rate) for the order, or a list, one per shipping
    address. Returns a ``Priced`` with ``lines`` (one Priced per spec),
    ``coupon_rows``, ``shipping``, ``handling``, ``wrapping`` (Priced
    base/ex/inc/tax/rate; shipping and handling summed over the addresses,
    whose own are in ``shipping_parts`` and ``handling_parts``), ``fees`` and
    the order totals.
    """
    order_rate = rate(tax_rate)

    def rate_or(value):
        return order_rate if value is None else rate(value)
    ship_parts, ship_rates = _per_address(shipping, shipping_tax_rate)
    hand_parts, hand_rates = _per_address(handling, handling_tax_rate)

    # 1. undiscounted line totals and line-level discounts; a line-level entry
    #    with id 'total-coupon' is a coupon share frozen on the line by an edit
    #    (lifecycle.edit_order) and counts as coupon_discount
    totals = [cents(spec['_price'] * spec['_qty']) for spec in specs]
    applied = [[dict(d) for d in spec['_discounts']] for spec in specs]
    other = sum((d['amount'] for ds in applied for d in ds if d['id'] != COUPON_ID), ZERO)
    frozen_coupons = sum((d['amount'] for ds in applied for d in ds if d['id'] == COUPON_ID), ZERO)
    remaining = [t - sum((d['amount'] for d in ds), ZERO) for t, ds in zip(totals, applied)]

    # 2. order-level automatic promotions
    for p in promotions:
        amount = cents(p['amount'])
        _spread(amount, remaining, applied, {
            'id': str(p.get('id', 'promotion')), 'name': p.get('name', 'Promotion'),
            'code': p.get('code'), 'target': p.get('target', 'order')})
        other += amount

    # 3. coupons
    ship_basis = sum(ship_parts, ZERO)
    ship_discount = ZERO
    coupon_rows, line_coupons = [], frozen_coupons
    for c in coupons:
        kind, amount = c['type'], dec(c['amount'])
        entry = {'id': COUPON_ID, 'name': c['name'], 'code': c['code'], 'target': 'order'}
        if kind in (3, 4):  # shipping coupons reduce shipping, not lines
            disc = min(cents(amount) if kind == 3 else ship_basis, ship_basis - ship_discount)
            ship_discount += disc
        elif kind == 0:  # per item: amount off each unit
            disc = ZERO
            for i, (spec, left) in enumerate(zip(specs, remaining)):
                share = min(cents(amount * spec['_qty']), left)
                if share:
                    applied[i].append(dict(entry, amount=share))
                    remaining[i] -= share
                    disc += share
        else:  # 1 percent, 2 / 5 fixed off the order
            base = sum(remaining, ZERO)
            disc = cents(base * amount / 100) if kind == 1 else min(cents(amount), base)
            _spread(disc, remaining, applied, entry)
        if kind not in (3, 4):
            line_coupons += disc
        coupon_rows.append({'coupon_id': c['coupon_id'], 'code': c['code'], 'amount': amount,
                            'type': kind, 'discount': disc})

    # 4. manual discount, in proportion to the undiscounted line totals (spec formula)
    manual = cents(manual)
    if manual:
        for i, share in enumerate(allocate(manual, totals)):
            if share:
                applied[i].append({'id': 'manual-discount', 'amount': share,
                                   'name': 'Manual Discount', 'code': None, 'target': 'order'})
                remaining[i] -= share
        other += manual
    if any(r < 0 for r in remaining):
        raise ValueError('discounts exceed the line totals')

    # 5. lines
    lines = []
    for spec, total, ds, net in zip(specs, totals, applied, remaining):
        r = rate_or(spec['_tax_rate'])
        t_ex, t_inc, t_tax = split(total, r, inclusive)
        if tax_before_discount:
            line_tax = t_tax
            discounted_inc = t_inc - (total - net)
        else:
            _, discounted_inc, line_tax = split(net, r, inclusive)
        lines.append(Priced(rate=r, unit=split(spec['_price'], r, inclusive), total=total,
                            total_ex=t_ex, total_inc=t_inc, undiscounted_tax=t_tax, net=net,
                            total_tax=line_tax, discounted_inc=discounted_inc, applied=ds))

    # 6. charges
    def charge(basis, r):
        ex, inc, tax = split(basis, r, inclusive)
        return Priced(base=cents(basis), ex=ex, inc=inc, tax=tax, rate=r)

    shipped = []
    for part, part_discount, part_rate in zip(ship_parts, allocate(ship_discount, ship_parts) if ship_discount
                                              else [ZERO] * len(ship_parts), ship_rates, strict=True):
        s_rate = rate_or(part_rate)
        if shipping_discount_in_cost:
            shipped.append(charge(part - part_discount, s_rate))
        else:
            s_tax = tax_on(part - part_discount, s_rate, inclusive)
            shipped.append(Priced(base=part, tax=s_tax, rate=s_rate, ex=part - s_tax if inclusive else part,
                                  inc=part if inclusive else part + s_tax))
    ship = _total(shipped)
    coupon_discount = line_coupons + (ZERO if shipping_discount_in_cost else ship_discount)
    handled = [charge(part, rate_or(part_rate)) for part, part_rate in zip(hand_parts, hand_rates, strict=True)]
    hand = _total(handled)
    wrap = _wrapping(specs, lines, charge(wrapping, rate_or(wrapping_tax_rate)), charge)
    fee_rows = [charge(f['cost'], rate_or(f.get('tax_rate'))) for f in fees]

    # 7. totals
    sub_ex = sum((ln.total_ex for ln in lines), ZERO)
    sub_inc = sum((ln.total_inc for ln in lines), ZERO)
    charges = [ship, hand, wrap] + fee_rows
    total_tax = sum((ln.total_tax for ln in lines), ZERO) + sum((c.tax for c in charges), ZERO)
    side = 'inc' if inclusive else 'ex'
    basis_total = ((sub_inc if inclusive else sub_ex)
                   + sum((getattr(c, side) for c in charges), ZERO)
                   - coupon_discount - other)
    if inclusive:
        total_inc, total_ex = basis_total, basis_total - total_tax
    else:
        total_ex, total_inc = basis_total, basis_total + total_tax
    if total_ex < 0:
        raise ValueError('order total below zero')
    rates = [ln.rate for ln in lines] + [c.rate for c in charges + shipped + handled]
    return Priced(lines=lines, coupon_rows=coupon_rows, shipping=ship, ship_discount=ship_discount,
                  shipping_parts=shipped, handling_parts=handled,
                  handling=hand, wrapping=wrap, fees=fee_rows,
                  subtotal=(sub_ex, sub_inc, sub_inc - sub_ex),
                  coupon_discount=coupon_discount, discount_amount=other,
                  total_ex=total_ex, total_inc=total_inc, total_tax=total_tax,
                  taxed=any(rates))


# ---------------------------------------------------------------- refunds
#
# What a refund gives back (lifecycle.create_refund; rules in its module doc).
# Every share is cumulative: refunding a piece in several steps gives back
# exactly the piece, each step within a cent of its exact pro-rata share.


def pro_rata(amount, done, now, whole):
    """The share of ``amount`` for ``now`` more parts after ``done`` of ``whole``:
    ``cents(amount * (done + now) / whole) - cents(amount * done / whole)``."""
    amount, done, now, whole = dec(amount), dec(done), dec(now), dec(whole)
    if whole <= 0:
        return ZERO
    return cents(amount * (done + now) / whole) - cents(amount * done / whole)


def refund_units(paid_basis, paid_tax, done, now, whole, inclusive):
    """Refund of ``now`` units of a line (or of its gift wrapping) of ``whole``
    units, ``done`` units refunded before: the basis share and the tax share
    are each taken pro rata per unit (``pro_rata``) of what the line charged;
    the other side is basis + tax (exclusive) or basis - tax (inclusive).
    Returns Priced(basis, ex, inc, tax)."""
    basis = pro_rata(paid_basis, done, now, whole)
    tax = pro_rata(paid_tax, done, now, whole)
    if inclusive:
        return Priced(basis=basis, ex=basis - tax, inc=basis, tax=tax)
    return Priced(basis=basis, ex=basis, inc=basis + tax, tax=tax)


def refund_amount(paid_side, paid_tax, done, amount, side):
    """Refund of ``amount`` of a charge (shipping, handling, fee) measured on
    ``side`` ('ex' or 'inc'), of which ``paid_side`` was paid and ``done``
    refunded before: tax = ``pro_rata(paid_tax, done, amount, paid_side)``;
    the other side is amount + tax ('ex') or amount - tax ('inc').
    Returns Priced(ex, inc, tax)."""
    amount = cents(amount)
    tax = pro_rata(paid_tax, done, amount, paid_side)
    if side == 'inc':
        return Priced(ex=amount - tax, inc=amount, tax=tax)
    return Priced(ex=amount, inc=amount + tax, tax=tax)

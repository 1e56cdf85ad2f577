"""Random but deterministic orders for property tests of money handling.

    rng = random.Random(7)
    products = factory.catalog(12, variants_every=3, seed=7)
    o = random_orders.random_order(rng, products)          # a factory.order dict
    kw = random_orders.random_order_kwargs(rng, products)  # the arguments, to
    o = factory.order(**kw)                                # know the modes/rates

Everything comes from ``rng`` (a ``random.Random``): the same seed and
catalog give the same orders (coupon ids included; product ids come from the
catalog). Each order draws:

* 1-8 lines from the catalog (a random variant when the product has
  options; ~8 % custom lines, ~3 % free lines at 0.00), qty 1-5, the catalog
  price or a custom unit price;
* 0-3 tax rates among ``RATES`` (0, 5, 7.25, 8.25, 10, 20, 21 %): the first is
  the order's rate, each line, shipping, handling and wrapping takes one of
  them (so zero-rated lines in a taxed order happen);
* shipping (often), handling, wrapping; fees only when ``fee_chance`` > 0;
* discounts: product promotions on lines, an order promotion, one coupon of
  any type 0-5, sometimes also a shipping coupon (type 3 or 4), a manual
  discount. Sizes are bounded so discounts never exceed a line;
* inclusive or exclusive pricing, ``tax_before_discount`` (~25 %),
  ``shipping_discount_in_cost`` (50 %);
* with ``multi_address_chance`` (default 0: one address, the billing one),
  orders ship to 2..``max_addresses`` addresses: each line goes to
  one of them, each address has its own shipping price and its own shipping
  and handling rates (BigCommerce prices and taxes shipping per address);
  a shipping coupon is spread over the addresses as money.py prices it, in
  either way of reporting it (``shipping_discount_in_cost``).

Any option of ``random_order_kwargs`` fixes a choice instead of drawing it;
other keyword arguments are passed to ``factory.order`` unchanged.
"""
import datetime as dt
from decimal import Decimal

from . import factory
from .store import UTC, as_utc, cents

RATES = tuple(Decimal(p) / 100 for p in ('0', '5', '7.25', '8.25', '10', '20', '21'))
CURRENCIES = ('USD', 'USD', 'EUR', 'GBP', 'CAD')
COUNTRIES = ('US', 'US', 'GB', 'DE', 'FR', 'CA', 'NL', 'IE')

_DRAWN = object()


def _money(rng, low, high):
    """A random amount in [low, high] (Decimals, cents)."""
    low, high = int(cents(low) * 100), int(cents(high) * 100)
    return Decimal(rng.randint(low, max(low, high))) / 100


def _line(rng, products, rates, promote):
    """One line; with ``promote`` ~15 % of lines get a product promotion of
    at most 30 % of the line."""
    r, qty = rng.choice(rates), rng.randint(1, 5)
    roll = rng.random()
    if roll < 0.08 or not products:
        spec = factory.line(None, qty, name='Custom item %d' % rng.randint(1, 99),
                            sku='CUSTOM-%d' % rng.randint(1, 99),
                            price=_money(rng, '0.50', '150'), tax_rate=r)
    else:
        p = rng.choice(products)
        options = [v for v in p.get('variants') or [] if v.get('option_values')]
        variant = rng.choice(options) if options else None
        if roll < 0.11:
            price = Decimal('0.00')                      # free gift
        elif roll < 0.40:
            price = _money(rng, '0.10', '300')           # custom price
        else:
            price = None                                 # catalog price
        spec = factory.line(p, qty, variant=variant, price=price, tax_rate=r)
    total = spec['_price'] * spec['_qty']
    if promote and total > 0 and rng.random() < 0.15:
        rule = rng.randint(1, 20)
        spec['_discounts'].append(factory.promotion(
            _money(rng, '0.01', total * Decimal('0.3')), id=rule, name='Promo %d' % rule,
            target='product'))
    return spec


def _coupon(rng, kind, lines_total, min_unit, shipping):
    code = 'RND%d-%d' % (kind, rng.randint(100, 999))
    cid = rng.randint(1, 500)
    if kind == 0:
        amount = _money(rng, '0.01', min_unit * Decimal('0.3'))
    elif kind == 1:
        amount = rng.choice([Decimal('5'), Decimal('10'), Decimal('12.5'), Decimal('15'),
                             Decimal('25')])
    elif kind in (2, 5):
        amount = _money(rng, '0.01', lines_total * Decimal('0.2'))
    elif kind == 3:
        amount = _money(rng, '0.01', max(shipping, Decimal('0.01')) * Decimal('1.2'))
    else:
        amount = Decimal('0')
    name = 'Promotion %s' % code if kind == 5 else None
    return factory.coupon(code, amount, type=kind, coupon_id=cid, name=name)


def random_order_kwargs(rng, products, tax_inclusive=_DRAWN, tax_before_discount=_DRAWN,
                        shipping_discount_in_cost=_DRAWN, rates=RATES, max_lines=8,
                        fee_chance=0.0, discounts=True, max_addresses=3, multi_address_chance=0.0,
                        **order_kwargs):
    """The keyword arguments of one random ``factory.order`` (module doc).

    tax_inclusive / tax_before_discount / shipping_discount_in_cost: fix that
    mode (default: drawn). rates: the rates to draw from (fractions).
    max_lines: 1..max_lines lines. fee_chance: probability of 1-2 fees
    (default 0: no fees). discounts=False: no promotion, coupon or manual
    discount. multi_address_chance: probability of 2..max_addresses shipping
    addresses (module doc; default 0: draws nothing, so seeds keep their
    orders). Other keywords override the drawn ``factory.order`` arguments.
    The line specs are in ``lines`` (their ``_tax_rate`` None = the order's).
    """
    n_rates = rng.randint(0, 3)
    chosen = rng.sample(list(rates), n_rates) if n_rates else [Decimal('0')]
    order_rate = chosen[0]
    lines = [_line(rng, products, chosen, discounts) for _ in range(rng.randint(1, max_lines))]
    totals = [ln['_price'] * ln['_qty'] for ln in lines]
    lines_total = sum(totals, Decimal('0'))

    shipping = _money(rng, '1', '25') if rng.random() < 0.7 else Decimal('0')
    kwargs = dict(
        lines=lines, tax_rate=order_rate,
        tax_inclusive=rng.random() < 0.5 if tax_inclusive is _DRAWN else tax_inclusive,
        tax_before_discount=(rng.random() < 0.25 if tax_before_discount is _DRAWN
                             else tax_before_discount),
        shipping_discount_in_cost=(rng.random() < 0.5 if shipping_discount_in_cost is _DRAWN
                                   else shipping_discount_in_cost),
        shipping_cost=shipping,
        handling_cost=_money(rng, '0.5', '6') if rng.random() < 0.25 else Decimal('0'),
        wrapping_cost=_money(rng, '0.5', '5') if rng.random() < 0.15 else Decimal('0'),
        shipping_tax_rate=rng.choice(chosen), handling_tax_rate=rng.choice(chosen),
        wrapping_tax_rate=rng.choice(chosen),
        currency=rng.choice(CURRENCIES))
    first, last = rng.choice(factory._FIRST), rng.choice(factory._LAST)
    customer_id = 0 if rng.random() < 0.3 else rng.randint(1, 50)
    kwargs.update(customer_id=customer_id, billing=factory.address(
        first, last, '%s.%s%s@example.com' % (first.lower(), factory._slug(last), customer_id or ''),
        country_iso2=rng.choice(COUNTRIES)))

    if fee_chance and rng.random() < fee_chance:
        kwargs['fees'] = [factory.fee('Fee %d' % (k + 1), _money(rng, '0.5', '5'),
                                      tax_rate=rng.choice(chosen))
                          for k in range(rng.randint(1, 2))]

    if discounts and lines_total > 0:
        # an order promotion: at most 10 % of the lines
        if rng.random() < 0.15:
            kwargs['promotions'] = [factory.promotion(
                _money(rng, '0.01', lines_total * Decimal('0.1')), id=str(rng.randint(1, 20)),
                name='Summer promo')]
        # one coupon of any type, sometimes also a shipping coupon
        coupons = []
        if rng.random() < 0.45:
            min_unit = min((ln['_price'] for ln in lines if ln['_price'] > 0), default=Decimal('0'))
            kinds = [k for k in range(6) if k != 0 or min_unit >= Decimal('0.04')]
            coupons.append(_coupon(rng, rng.choice(kinds), lines_total, min_unit, shipping))
            if coupons[0]['type'] not in (3, 4) and rng.random() < 0.25:
                coupons.append(_coupon(rng, rng.choice([3, 4]), lines_total, min_unit, shipping))
        if coupons:
            kwargs['coupon'] = coupons
        # a manual discount: at most 10 % of the lines
        if rng.random() < 0.2:
            kwargs['discount_amount'] = _money(rng, '0.01', lines_total * Decimal('0.1'))
    if multi_address_chance and max_addresses > 1 and rng.random() < multi_address_chance:
        _ship_to_several(rng, kwargs, chosen, rng.randint(2, max_addresses))
    kwargs.update(order_kwargs)
    return kwargs


def _ship_to_several(rng, kwargs, rates, count):
    """Ship the order's lines to ``count`` addresses, each with its own shipping
    price (when the order has shipping) and its own shipping and handling rates."""
    billing = kwargs['billing']
    addresses = [dict(billing)] + [
        factory.address(rng.choice(factory._FIRST), rng.choice(factory._LAST), billing['email'],
                        country_iso2=rng.choice(COUNTRIES)) for _ in range(count - 1)]
    for spec in kwargs['lines']:
        spec['_ship_to'] = rng.randrange(count)
    kwargs['shipping'] = addresses
    if kwargs['shipping_cost']:
        kwargs['shipping_cost'] = [_money(rng, '1', '25') if rng.random() < 0.85 else Decimal('0')
                                   for _ in range(count)]
    kwargs['shipping_tax_rate'] = [rng.choice(rates) for _ in range(count)]
    kwargs['handling_tax_rate'] = [rng.choice(rates) for _ in range(count)]


def random_order(rng, products, **options):
    """A ``factory.order`` dict built from ``random_order_kwargs(rng, products, **options)``."""
    o = factory.order(**random_order_kwargs(rng, products, **options))
    for txn in o['_transactions']:   # from rng, not the process-wide counter
        txn['gateway_transaction_id'] = 'txn_r%08d' % rng.randint(0, 10 ** 8 - 1)
    return o


def random_store_orders(rng, n, products, store=None, statuses=(11,), start=None,
                        step_seconds=3600, **options):
    """``n`` random orders; date_created = start + i * step_seconds (default
    2025-01-01 UTC), status_id cycles through ``statuses``. With ``store``
    they are added and the stored orders returned."""
    start = as_utc(start) if start is not None else dt.datetime(2025, 1, 1, tzinfo=UTC)
    result = []
    for i in range(n):
        o = random_order(rng, products, status_id=statuses[i % len(statuses)],
                         date_created=start + dt.timedelta(seconds=i * step_seconds), **options)
        result.append(store.add_order(o) if store is not None else o)
    return result

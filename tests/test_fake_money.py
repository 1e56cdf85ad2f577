"""The fake store's pricing (money.py through factory.order and random_orders): every
money field of an order as BigCommerce computes it, worked out by hand here (plain
pytest). ``_check_totals`` is shared with the lifecycle and refund tests."""
import collections
import random
from decimal import ROUND_HALF_UP, Decimal

import pytest

from fake_bigcommerce import factory, random_orders
from shared_examples import example
from test_fake_server import http, server  # noqa: F401 - fixtures, used by name

D = Decimal


# ---------------------------------------------------------------- factory money

CENT = D('0.01')


def _tax(amount, rate, inclusive):
    """Tax in a basis amount, to the cent half up (written apart from money.py)."""
    amount, rate = D(amount), D(rate)
    if inclusive:
        return amount - (amount / (1 + rate)).quantize(CENT, ROUND_HALF_UP)
    return (amount * rate).quantize(CENT, ROUND_HALF_UP)


def _check_totals(order, kwargs=None):
    """Every identity of fake_bigcommerce/money.py's docstring, to the cent.

    With ``kwargs`` (the arguments given to factory.order) the options and
    rates are known and the tax of every line and charge is recomputed.
    """
    kwargs = kwargs or {}
    in_cost = kwargs.get('shipping_discount_in_cost', False)
    before = kwargs.get('tax_before_discount', False)
    rows, fees, coupons = order['_products'], order.get('_fees', []), order['_coupons']
    inclusive = order['is_tax_inclusive_pricing']
    B = '_inc_tax' if inclusive else '_ex_tax'
    m = lambda key, row=order: D(row[key])  # noqa: E731
    charges = ('shipping_cost', 'handling_cost', 'wrapping_cost')
    d = sum((D(str(c['discount'])) for c in coupons if c['type'] in (3, 4)), D(0))
    applied = [sum((D(x['amount']) for x in r['applied_discounts']), D(0)) for r in rows]
    nets = [m('base_total', r) - a for r, a in zip(rows, applied, strict=True)]
    fee_b = sum((D(f['cost' + B]) for f in fees), D(0))
    fee_inc = sum((D(f['cost_inc_tax']) for f in fees), D(0))
    # (1) - (6)
    assert m('total_ex_tax') + m('total_tax') == m('total_inc_tax')
    assert m('total_tax') == sum((m('total_tax', r) for r in rows), D(0)) + sum(
        m(k + '_tax') for k in charges) + sum((D(f['cost_tax']) for f in fees), D(0))
    assert m('total' + B) == m('subtotal' + B) + sum(m(k + B) for k in charges) + fee_b \
        - m('coupon_discount') - m('discount_amount')
    ship_paid = m('shipping_cost_inc_tax') - (0 if in_cost else d)
    assert m('total_inc_tax') == sum((m('discounted_total_inc_tax', r) for r in rows), D(0)) \
        + ship_paid + m('handling_cost_inc_tax') + m('wrapping_cost_inc_tax') + fee_inc
    ship_net = m('shipping_cost' + B) - (0 if in_cost else d)
    assert m('total' + B) == sum(nets, D(0)) + ship_net + m('handling_cost' + B) \
        + m('wrapping_cost' + B) + fee_b
    assert sum(applied, D(0)) + (0 if in_cost else d) == m('coupon_discount') + m('discount_amount')
    # (7) subtotal, unit and charge sides
    assert m('subtotal_ex_tax') + m('subtotal_tax') == m('subtotal_inc_tax')
    for side in ('_ex_tax', '_inc_tax'):
        assert m('subtotal' + side) == sum((m('total' + side, r) for r in rows), D(0))
    for k in charges:
        assert m(k + '_ex_tax') + m(k + '_tax') == m(k + '_inc_tax')
        assert m('base_' + k) == m(k + B)
    for f in fees:
        assert D(f['cost_ex_tax']) + D(f['cost_tax']) == D(f['cost_inc_tax'])
    for r in rows:
        assert m('price_ex_tax', r) + m('price_tax', r) == m('price_inc_tax', r)
        assert m('base_total', r) == m('base_price', r) * r['quantity'] == m('total' + B, r)
    # coupon rows agree with the coupon entries on the lines
    line_coupons = sum((D(x['amount']) for r in rows for x in r['applied_discounts']
                        if x['id'] == 'total-coupon'), D(0))
    assert line_coupons == sum((D(str(c['discount'])) for c in coupons if c['type'] not in (3, 4)), D(0))
    assert m('coupon_discount') == line_coupons + (0 if in_cost else d)
    # the first shipping address carries the order's shipping and handling
    if order['_shipping_addresses']:
        first = order['_shipping_addresses'][0]
        for side in ('_ex_tax', '_inc_tax', '_tax'):
            assert first['cost' + side] == order['shipping_cost' + side]
            assert first['handling_cost' + side] == order['handling_cost' + side]
    for key in ('total_ex_tax', 'subtotal_inc_tax', 'shipping_cost_tax', 'discount_amount'):
        assert len(order[key].split('.')[1]) == 4
    if 'lines' not in kwargs:
        return
    # (7), (8): each line's tax from its rate
    order_rate = D(kwargs.get('tax_rate', 0))
    for spec, r, net in zip(kwargs['lines'], rows, nets, strict=True):
        rate = order_rate if spec['_tax_rate'] is None else spec['_tax_rate']
        full = _tax(m('base_total', r), rate, inclusive)
        assert m('total_inc_tax', r) - m('total_ex_tax', r) == full
        if before:
            assert m('total_tax', r) == full
            assert m('discounted_total_inc_tax', r) == m('total_inc_tax', r) - (m('base_total', r) - net)
        else:
            assert m('total_tax', r) == _tax(net, rate, inclusive)
            assert m('discounted_total_inc_tax', r) == net + (0 if inclusive else m('total_tax', r))
    s_rate = kwargs.get('shipping_tax_rate')
    s_rate = order_rate if s_rate is None else D(s_rate)
    assert m('shipping_cost_tax') == _tax(ship_net, s_rate, inclusive)
    for k in ('handling', 'wrapping'):
        rate = kwargs.get(k + '_tax_rate')
        rate = order_rate if rate is None else D(rate)
        assert m(k + '_cost_tax') == _tax(m(k + '_cost' + B), rate, inclusive)


def test_factory_totals_tax_exclusive_with_coupon():
    p = factory.product(price=D('19.99'))
    kw = dict(lines=[factory.line(p, 3), factory.line(None, 1, name='Custom', price=D('7.05'),
                                                      discounts=[D('1.00')])],
              shipping_cost=D('9.99'), handling_cost=D('2.50'), wrapping_cost=D('1.25'),
              tax_rate=D('0.0825'), coupon=factory.coupon('SAVE5', D('5.00')),
              discount_amount=D('2.00'))
    o = factory.order(**kw)
    _check_totals(o, kw)
    assert o['subtotal_ex_tax'] == '67.0200' and o['coupon_discount'] == '5.0000'
    assert o['discount_amount'] == '3.0000'       # manual 2.00 + line-level 1.00
    assert o['total_ex_tax'] == '72.7600'         # 67.02 + 9.99 + 2.50 + 1.25 - 5 - 3
    # coupon 5.00 -> 4.54 / 0.46 (on 59.97 / 6.05), manual 2.00 -> 1.79 / 0.21 (on 59.97 / 7.05);
    # tax on the discounted lines 53.64 / 5.38 -> 4.43 / 0.44, charges 0.82 + 0.21 + 0.10
    rows = o['_products']
    assert [r['discounted_total_inc_tax'] for r in rows] == ['58.0700', '5.8200']
    # line total_tax is the tax on the discounted line (was the undiscounted
    # 4.95 / 0.58 before issue 10); total_* stay undiscounted
    assert [r['total_tax'] for r in rows] == ['4.4300', '0.4400']
    assert [(r['total_ex_tax'], r['total_inc_tax']) for r in rows] == [
        ('59.9700', '64.9200'), ('7.0500', '7.6300')]
    assert o['total_tax'] == '6.0000' and o['total_inc_tax'] == '78.7600'
    assert o['subtotal_tax'] == '5.5300'          # undiscounted line tax 4.95 + 0.58
    assert D(o['total_inc_tax']) == sum(D(r['discounted_total_inc_tax']) for r in rows) + \
        D(o['shipping_cost_inc_tax']) + D(o['handling_cost_inc_tax']) + D(o['wrapping_cost_inc_tax'])
    coupon, = o['_coupons']
    assert coupon == {'id': None, 'coupon_id': coupon['coupon_id'], 'order_id': None,
                      'code': 'SAVE5', 'amount': 5, 'type': 2, 'discount': 5}
    kinds = {(d['id'], d['target']) for r in rows for d in r['applied_discounts']}
    assert kinds == {('total-coupon', 'order'), ('manual-discount', 'order'),
                     ('line-discount', 'product')}


def test_factory_totals_tax_inclusive_with_coupon():
    p = factory.product(price=D('12.00'))
    kw = dict(lines=[factory.line(p, 2), factory.line(p, 1, price=D('5.00'))],
              tax_rate=D('0.20'), tax_inclusive=True, shipping_cost=D('4.95'),
              coupon=factory.coupon('TEN', D('10'), type=1), currency='EUR')
    o = factory.order(**kw)
    _check_totals(o, kw)
    assert o['is_tax_inclusive_pricing'] is True
    assert (o['currency_code'], o['default_currency_code'], o['store_default_currency_code']) == \
        ('EUR', 'EUR', 'EUR')
    assert o['subtotal_inc_tax'] == '29.0000' and o['coupon_discount'] == '2.9000'
    assert o['total_inc_tax'] == '31.0500'        # 29 + 4.95 - 2.90
    row = o['_products'][0]
    assert (row['base_price'], row['price_ex_tax'], row['price_tax']) == ('12.0000', '10.0000', '2.0000')
    # 10 % of 29.00 = 2.90 -> 2.40 / 0.50 (24 : 5); tax in 21.60 / 4.50 inc -> 3.60 / 0.75,
    # shipping 4.95 inc -> 0.82
    assert [r['total_tax'] for r in o['_products']] == ['3.6000', '0.7500']
    assert [r['discounted_total_inc_tax'] for r in o['_products']] == ['21.6000', '4.5000']
    assert (o['total_tax'], o['total_ex_tax']) == ('5.1700', '25.8800')


@pytest.mark.parametrize('seed', range(12))
def test_factory_totals_random(seed):
    rng = random.Random(seed)
    products = factory.catalog(5, variants_every=2, seed=seed)
    coupon = rng.choice([None, factory.coupon('A', D('3'), type=0), factory.coupon('B', D('15'), type=1),
                         factory.coupon('C', D('4.99'), type=2), factory.coupon('D', D('2'), type=3),
                         factory.coupon('E', D('0'), type=4)])
    o, = factory.orders(1, products, seed=seed, tax_rate=rng.choice([D('0'), D('0.07'), D('0.19')]),
                        tax_inclusive=rng.random() < 0.5, coupon=coupon,
                        handling_cost=D(rng.randint(0, 300)) / 100, discount_amount=D('0.50'))
    _check_totals(o)


def test_random_orders_identities_and_line_tax():
    """300 seeded random orders: every identity to the cent, each line taxed on its
    discounted amount (default) or undiscounted amount (tax_before_discount)."""
    rng = random.Random(20240610)
    products = factory.catalog(15, variants_every=3, seed=3)
    seen = collections.Counter()
    for _ in range(300):
        kw = random_orders.random_order_kwargs(rng, products, fee_chance=0.2)
        o = factory.order(**kw)
        _check_totals(o, kw)
        rows = o['_products']
        rates = {kw['tax_rate'] if s['_tax_rate'] is None else s['_tax_rate'] for s in kw['lines']}
        seen['inclusive' if kw['tax_inclusive'] else 'exclusive'] += 1
        seen['before' if kw['tax_before_discount'] else 'after'] += 1
        seen['ship-in-cost' if kw['shipping_discount_in_cost'] else 'ship-before'] += 1
        seen.update('coupon%d' % c['type'] for c in o['_coupons'])
        seen.update(d['id'] for r in rows for d in r['applied_discounts'] if d['id'].isdigit())
        seen['several rates'] += len(rates - {0}) > 1
        seen['zero-rated line in taxed order'] += 0 in rates and len(rates) > 1
        seen['fees'] += bool(o['_fees'])
        seen['manual'] += any(d['id'] == 'manual-discount' for r in rows for d in r['applied_discounts'])
        seen['charge rate differs'] += len({kw['shipping_tax_rate'], kw['handling_tax_rate'],
                                            kw['wrapping_tax_rate'], kw['tax_rate']}) > 1
        # the line tax rule is visible: the old (undiscounted) rule would differ
        seen['discount changes line tax'] += any(
            r['total_tax'] != v2(D(r['total_inc_tax']) - D(r['total_ex_tax'])) for r in rows)
    for key in ('inclusive', 'exclusive', 'before', 'after', 'ship-in-cost', 'ship-before',
                'coupon0', 'coupon1', 'coupon2', 'coupon3', 'coupon4', 'coupon5', 'several rates',
                'zero-rated line in taxed order', 'fees', 'manual', 'charge rate differs',
                'discount changes line tax'):
        assert seen[key] >= 5, (key, seen)
    assert sum(v for k, v in seen.items() if k.isdigit()) >= 20     # promotions (rule ids)


def v2(amount):
    return '%.4f' % amount


def test_random_orders_deterministic():
    products = factory.catalog(6, variants_every=2, seed=1)
    first = random_orders.random_store_orders(random.Random(9), 25, products)
    again = random_orders.random_store_orders(random.Random(9), 25, products)
    assert first == again
    assert len({o['total_inc_tax'] for o in first}) > 20
    assert all(1 <= len(o['_products']) <= 8 for o in first)
    assert all(1 <= r['quantity'] <= 5 for o in first for r in o['_products'])
    dates = [o['date_created'] for o in first]
    assert dates == sorted(dates)


def test_random_store_orders_served_over_http(server, http):
    """Identities hold on the payloads as served (orders, products, coupons, fees)."""
    products = factory.catalog(8, variants_every=2, seed=4, store=server.store)
    rng = random.Random(77)
    for o in random_orders.random_store_orders(rng, 20, products, store=server.store,
                                               shipping_discount_in_cost=False, fee_chance=0.5):
        oid = o['id']
        got = http('GET', 'v2/orders/%s' % oid, params={'include': 'fees'}).json()
        sub = lambda name, oid=oid: (lambda r: r.json() if r.status_code == 200 else [])(  # noqa: E731
            http('GET', 'v2/orders/%s/%s' % (oid, name)))
        got.update(_products=sub('products'), _coupons=sub('coupons'),
                   _shipping_addresses=sub('shipping_addresses'), _fees=got['fees'])
        _check_totals(got)


def _two_rate_coupon_order(inclusive, before):
    """24.99 x 2 at 20 % and 15.00 x 1 at 5 %, a 10.00 coupon, shipping 6.00 at 20 %."""
    p = factory.product(price=D('24.99'))
    kw = dict(lines=[factory.line(p, 2, tax_rate=D('0.20')),
                     factory.line(None, 1, name='Book', price=D('15.00'), tax_rate=D('0.05'))],
              tax_rate=D('0.20'), tax_inclusive=inclusive, tax_before_discount=before,
              shipping_cost=D('6.00'), coupon=factory.coupon('TEN', D('10.00'), type=2))
    o = factory.order(**kw)
    _check_totals(o, kw)
    return o


# Coupon 10.00 spread 49.98 : 15.00 -> 7.69 / 2.31 (10 x 49.98 / 64.98 = 7.6916);
# lines after the coupon 42.29 / 12.69.
@pytest.mark.parametrize('inclusive, before, expected', [
    # exclusive, tax after discounts: 42.29 x 20 % = 8.458 -> 8.46; 12.69 x 5 % = 0.6345 -> 0.63
    (False, False, dict(line_tax=['8.4600', '0.6300'], discounted=['50.7500', '13.3200'],
                        total_tax='10.2900', total_ex='60.9800', total_inc='71.2700')),
    # exclusive, tax before discounts: 49.98 x 20 % = 9.996 -> 10.00; 15 x 5 % = 0.75;
    # discounted = 59.98 - 7.69, 15.75 - 2.31
    (False, True, dict(line_tax=['10.0000', '0.7500'], discounted=['52.2900', '13.4400'],
                       total_tax='11.9500', total_ex='60.9800', total_inc='72.9300')),
    # inclusive, after: 42.29 - 42.29/1.2 (35.2417 -> 35.24) = 7.05; 12.69 - 12.69/1.05
    # (12.0857 -> 12.09) = 0.60; shipping 6.00 - 5.00 = 1.00
    (True, False, dict(line_tax=['7.0500', '0.6000'], discounted=['42.2900', '12.6900'],
                       total_tax='8.6500', total_ex='52.3300', total_inc='60.9800')),
    # inclusive, before: 49.98 - 41.65 = 8.33; 15.00 - 14.29 = 0.71
    (True, True, dict(line_tax=['8.3300', '0.7100'], discounted=['42.2900', '12.6900'],
                      total_tax='10.0400', total_ex='50.9400', total_inc='60.9800')),
])
def test_coupon_over_two_rates(inclusive, before, expected):
    o = _two_rate_coupon_order(inclusive, before)
    rows = o['_products']
    assert [r['applied_discounts'][0]['amount'] for r in rows] == ['7.6900', '2.3100']
    assert [r['total_tax'] for r in rows] == expected['line_tax']
    assert [r['discounted_total_inc_tax'] for r in rows] == expected['discounted']
    assert (o['total_tax'], o['total_ex_tax'], o['total_inc_tax']) == (
        expected['total_tax'], expected['total_ex'], expected['total_inc'])
    assert o['coupon_discount'] == '10.0000' and o['discount_amount'] == '0.0000'
    assert o['shipping_cost_tax'] == ('1.0000' if inclusive else '1.2000')
    # undiscounted line and subtotal amounts, whatever the mode
    if inclusive:
        assert [(r['total_ex_tax'], r['total_inc_tax']) for r in rows] == [
            ('41.6500', '49.9800'), ('14.2900', '15.0000')]
        assert (o['subtotal_ex_tax'], o['subtotal_inc_tax'], o['subtotal_tax']) == (
            '55.9400', '64.9800', '9.0400')
    else:
        assert [(r['total_ex_tax'], r['total_inc_tax']) for r in rows] == [
            ('49.9800', '59.9800'), ('15.0000', '15.7500')]
        assert (o['subtotal_ex_tax'], o['subtotal_inc_tax'], o['subtotal_tax']) == (
            '64.9800', '75.7300', '10.7500')


# mug 20.00 at 10 %, shipping 6.00 at 10 % (exclusive) with a free-shipping coupon
@pytest.mark.parametrize('in_cost, shipping, coupon_discount', [
    (False, ('6.0000', '6.0000', '6.0000', '0.0000'), '6.0000'),
    (True, ('0.0000', '0.0000', '0.0000', '0.0000'), '0.0000'),
])
def test_free_shipping_coupon(in_cost, shipping, coupon_discount):
    p = factory.product(price=D('20.00'))
    kw = dict(lines=[factory.line(p, 1)], tax_rate=D('0.10'), shipping_cost=D('6.00'),
              coupon=factory.coupon('FREESHIP', D('0'), type=4), shipping_discount_in_cost=in_cost)
    o = factory.order(**kw)
    _check_totals(o, kw)
    assert (o['base_shipping_cost'], o['shipping_cost_ex_tax'], o['shipping_cost_inc_tax'],
            o['shipping_cost_tax']) == shipping
    assert o['coupon_discount'] == coupon_discount and o['discount_amount'] == '0.0000'
    assert (o['total_ex_tax'], o['total_tax'], o['total_inc_tax']) == ('20.0000', '2.0000', '22.0000')
    assert o['_coupons'][0]['discount'] == 6 and o['_coupons'][0]['type'] == 4
    assert o['_products'][0]['applied_discounts'] == []
    assert o['_shipping_addresses'][0]['cost_inc_tax'] == shipping[2]


# shipping 10.00 at 20 %, 4.00 off shipping: 6.00 is taxed
@pytest.mark.parametrize('inclusive, in_cost, shipping, coupon_discount, totals', [
    # exclusive: tax 1.20 on 6.00; option False: ex 10.00 before the coupon, inc = ex + tax
    (False, False, ('10.0000', '10.0000', '11.2000', '1.2000'), '4.0000',
     ('36.0000', '7.2000', '43.2000')),
    (False, True, ('6.0000', '6.0000', '7.2000', '1.2000'), '0.0000',
     ('36.0000', '7.2000', '43.2000')),
    # inclusive: 6.00 inc holds 1.00 tax; option False: inc 10.00, ex = 10.00 - 1.00
    (True, False, ('10.0000', '9.0000', '10.0000', '1.0000'), '4.0000',
     ('30.0000', '6.0000', '36.0000')),
    (True, True, ('6.0000', '5.0000', '6.0000', '1.0000'), '0.0000',
     ('30.0000', '6.0000', '36.0000')),
])
def test_fixed_shipping_coupon(inclusive, in_cost, shipping, coupon_discount, totals):
    p = factory.product(price=D('30.00'))
    kw = dict(lines=[factory.line(p, 1)], tax_rate=D('0.20'), shipping_cost=D('10.00'),
              tax_inclusive=inclusive, coupon=factory.coupon('SHIP4', D('4.00'), type=3),
              shipping_discount_in_cost=in_cost)
    o = factory.order(**kw)
    _check_totals(o, kw)
    assert (o['base_shipping_cost'], o['shipping_cost_ex_tax'], o['shipping_cost_inc_tax'],
            o['shipping_cost_tax']) == shipping
    assert o['coupon_discount'] == coupon_discount
    assert (o['total_ex_tax'], o['total_tax'], o['total_inc_tax']) == totals


def test_example_149_both_tax_modes():
    """Verbatim example 149: 55.99 ex at 16.5 %, manual discount 1.59."""
    ex149 = example('order_v2__products_list_order149.json')[0]
    p = factory.product(price=D('55.99'))
    money_keys = ('base_price', 'price_ex_tax', 'price_inc_tax', 'price_tax', 'base_total',
                  'total_ex_tax', 'total_inc_tax', 'total_tax', 'discounted_total_inc_tax')
    kw = dict(lines=[factory.line(p, 1)], tax_rate=D('0.165'), discount_amount=D('1.59'),
              shipping=None, tax_before_discount=True)
    before = factory.order(**kw)
    _check_totals(before, kw)
    row, = before['_products']
    assert {k: row[k] for k in money_keys} == {k: ex149[k] for k in money_keys}
    assert row['applied_discounts'] == ex149['applied_discounts']
    # BigCommerce's documented rule: (55.99 - 1.59) x 16.5 % = 8.976 -> 8.98
    kw['tax_before_discount'] = False
    after = factory.order(**kw)
    _check_totals(after, kw)
    row, = after['_products']
    assert (row['total_ex_tax'], row['total_inc_tax']) == ('55.9900', '65.2300')   # undiscounted
    assert (row['total_tax'], row['discounted_total_inc_tax']) == ('8.9800', '63.3800')
    assert (after['total_ex_tax'], after['total_tax'], after['total_inc_tax']) == (
        '54.4000', '8.9800', '63.3800')


def test_example_240_tax_inclusive_line():
    """Verbatim example 240: 235.00 inc x 4 at 8.25 %, no discount."""
    ex240 = example('order_v2__product_with_variant_240.json')
    p = factory.product(price=D('235.00'))
    o = factory.order(lines=[factory.line(p, 4)], tax_rate=D('0.0825'), tax_inclusive=True)
    row, = o['_products']
    for k in ('base_price', 'price_ex_tax', 'price_inc_tax', 'price_tax', 'base_total',
              'total_ex_tax', 'total_inc_tax', 'total_tax'):
        assert row[k] == ex240[k], k
    assert row['discounted_total_inc_tax'] == '940.0000'


def test_charges_with_own_rates_zero_rated_line_and_fee():
    p = factory.product(price=D('10.00'))
    kw = dict(lines=[factory.line(p, 3), factory.line(None, 1, name='Food', price=D('8.00'),
                                                      tax_rate=0)],
              tax_rate=D('0.21'), shipping_cost=D('5.00'), shipping_tax_rate=D('0.10'),
              handling_cost=D('2.00'), handling_tax_rate=0, wrapping_cost=D('1.50'),
              wrapping_tax_rate=D('0.05'), fees=[factory.fee('Eco fee', D('0.50'))],
              coupon=factory.coupon('C4', D('3.80'), type=2))
    o = factory.order(**kw)
    _check_totals(o, kw)
    rows = o['_products']
    # 3.80 over 30 : 8 -> 3.00 / 0.80; 27.00 x 21 % = 5.67; the food line carries no tax
    assert [r['total_tax'] for r in rows] == ['5.6700', '0.0000']
    assert [r['discounted_total_inc_tax'] for r in rows] == ['32.6700', '7.2000']
    assert (o['shipping_cost_tax'], o['handling_cost_tax'], o['wrapping_cost_tax']) == (
        '0.5000', '0.0000', '0.0800')
    assert (o['shipping_cost_tax_class_id'], o['handling_cost_tax_class_id'],
            o['wrapping_cost_tax_class_id']) == (2, 0, 3)
    fee, = o['_fees']
    assert (fee['id'], fee['display_name_customer'], fee['cost_ex_tax'], fee['cost_tax'],
            fee['cost_inc_tax']) == (1, 'Eco fee', '0.5000', '0.1100', '0.6100')   # 0.105 -> 0.11
    # 38 + 5 + 2 + 1.50 + 0.50 - 3.80; tax 5.67 + 0.50 + 0.08 + 0.11
    assert (o['total_ex_tax'], o['total_tax'], o['total_inc_tax']) == ('43.2000', '6.3600', '49.5600')


def test_promotions():
    """Automatic promotions: rule ids, no code, counted in discount_amount."""
    p = factory.product(price=D('20.00'))
    kw = dict(lines=[factory.line(p, 2, discounts=[factory.promotion(D('4.00'), id=7, name='Mug week',
                                                                     target='product')]),
                     factory.line(None, 1, name='Tea', price=D('12.00'))],
              tax_rate=D('0.10'), promotions=[factory.promotion(D('4.80'))])
    o = factory.order(**kw)
    _check_totals(o, kw)
    first, second = (r['applied_discounts'] for r in o['_products'])
    # order promotion 4.80 over what is left, 36 : 12 -> 3.60 / 1.20
    assert first == [
        {'id': '7', 'amount': '4.0000', 'name': 'Mug week', 'code': None, 'target': 'product'},
        {'id': '3', 'amount': '3.6000', 'name': 'Summer promo', 'code': None, 'target': 'order'}]
    assert second == [
        {'id': '3', 'amount': '1.2000', 'name': 'Summer promo', 'code': None, 'target': 'order'}]
    assert o['discount_amount'] == '8.8000' and o['coupon_discount'] == '0.0000'
    assert [r['total_tax'] for r in o['_products']] == ['3.2400', '1.0800']
    assert (o['total_ex_tax'], o['total_tax'], o['total_inc_tax']) == ('43.2000', '4.3200', '47.5200')

"""The fake store's refunds (orders.v3.yml payment actions): what each refund gives
back, the refusals, quotes, the batch endpoint and the options.

Rules under test: fake_bigcommerce/refunds.py and refund_amounts.py. Expected
amounts are worked out by hand in the comments, not with the fake's own code.
"""
import datetime as dt
import random

import pytest

from fake_bigcommerce import factory, lifecycle, random_orders
from fake_lifecycle_common import (  # noqa: F401 - fixtures (server, store, http) are used by name
    PAYMENT_KEYS,
    REFUND_KEYS,
    T0,
    UTC,
    D,
    address_of,
    http,
    lines_of,
    mug_and_tea,
    rfc,
    served,
    server,
    store,
    view,
)
from test_fake_money import _check_totals

# ---------------------------------------------------------------- refunds

def test_refund_of_items_and_shipping(server, store, http):
    order = mug_and_tea(store)
    oid = order['id']
    mug_row, tea_row = lines_of(store, order)
    address = address_of(store, order)
    store.advance(120)
    refund = store.create_refund(oid, [factory.refund_product(mug_row, 1, reason='Chipped'),
                                       factory.refund_shipping(address, D('5.00'))],
                                 reason='Customer requires a refund.')
    # 1 mug of 3: 55.92 / 3 = 18.64 ex, tax 4.61 / 3 = 1.5367 -> 1.54, inc 20.18;
    # shipping 5.00 of 9.99 ex: tax 0.82 x 5.00 / 9.99 = 0.4104 -> 0.41, inc 5.41
    assert set(refund) == REFUND_KEYS
    assert (refund['total_amount'], refund['total_tax']) == (25.59, 1.95)
    assert refund['created'] == '2025-03-01T09:02:00+00:00' and refund['order_id'] == oid
    assert refund['reason'] == 'Customer requires a refund.' and refund['user_id'] == 0
    assert refund['uses_merchant_override_values'] is False
    assert refund['items'] == [
        {'item_type': 'PRODUCT', 'item_id': mug_row['id'], 'reason': 'Chipped', 'quantity': 1,
         'requested_amount': 18.64},
        {'item_type': 'SHIPPING', 'item_id': address['id'], 'reason': '', 'requested_amount': 5}]
    payment, = refund['payments']
    assert set(payment) == PAYMENT_KEYS | {'transaction_id'}
    assert (payment['provider_id'], payment['amount'], payment['offline'], payment['is_declined']) == (
        'stripe', 25.59, False, False)
    # the refund payment is an Orders V3 transaction (event refund)
    txn = http('GET', 'v3/orders/%s/transactions' % oid).json()['data'][-1]
    assert (txn['event'], txn['amount'], str(txn['id'])) == ('refund', 25.59, payment['transaction_id'])
    # the V2 order and its line
    assert (order['status_id'], order['status'], order['payment_status']) == (
        14, 'Partially Refunded', 'partially refunded')
    assert order['refunded_amount'] == '25.5900'
    assert order['date_modified'] == rfc(T0 + dt.timedelta(minutes=2))
    assert (mug_row['quantity_refunded'], mug_row['is_refunded'], mug_row['refund_amount']) == (
        1, False, '20.1800')
    assert (tea_row['quantity_refunded'], tea_row['is_refunded'], tea_row['refund_amount']) == (
        0, False, '0.0000')
    # money fields of the order do not move; a date_modified cursor sees the change
    _check_totals(view(store, oid))
    assert order['total_inc_tax'] == '87.7400'
    found = http('GET', 'v2/orders', params={'min_date_modified': '2025-03-01T09:01:00Z'}).json()
    assert [(o['id'], o['status_id'], o['refunded_amount']) for o in found] == [(oid, 14, '25.5900')]
    # served as stored
    body = http('GET', 'v3/orders/%s/payment_actions/refunds' % oid).json()
    assert body == {'data': [refund], 'meta': {}}
    assert http('GET', 'v3/orders/payment_actions/refunds/%s' % refund['id']).json() == {
        'data': refund, 'meta': {}}
    assert http('GET', 'v3/orders/payment_actions/refunds/999').status_code == 404
    assert http('GET', 'v3/orders/%s/payment_actions/refunds' % (oid + 50)).status_code == 404
    assert store.refundable(oid) == {
        'total': D('62.15'), 'PRODUCT': {mug_row['id']: 2, tea_row['id']: 2}, 'GIFT_WRAPPING': {},
        'SHIPPING': {address['id']: D('4.99')}, 'HANDLING': {address['id']: D('2.00')}, 'FEE': {}}


def test_two_refunds_then_the_rest_is_a_full_refund(server, store, http):
    order = mug_and_tea(store)
    oid = order['id']
    mug_row, tea_row = lines_of(store, order)
    address = address_of(store, order)
    first = store.create_refund(oid, [factory.refund_product(mug_row, 1),
                                      factory.refund_shipping(address, D('5.00'))])
    store.advance(60)
    second = store.create_refund(oid, [factory.refund_product(mug_row, 2)])
    # the other 2 mugs: 55.92 - 18.64 = 37.28 ex, tax 4.61 - 1.54 = 3.07 (cumulative
    # rounding: all units give back exactly the line)
    assert (second['total_amount'], second['total_tax']) == (40.35, 3.07)
    assert (mug_row['quantity_refunded'], mug_row['is_refunded'], mug_row['refund_amount']) == (
        3, True, '60.5300')
    assert order['status_id'] == 14 and order['refunded_amount'] == '65.9400'
    store.advance(60)
    third = store.refund_everything(oid)
    # tea 13.15 + 1.08; shipping 4.99 left + tax 0.82 - 0.41; handling 2.00 + 0.17
    assert (third['total_amount'], third['total_tax']) == (21.8, 1.66)
    assert sorted((i['item_type'], i.get('quantity'), i['requested_amount']) for i in third['items']) == [
        ('HANDLING', None, 2), ('PRODUCT', 2, 13.15), ('SHIPPING', None, 4.99)]
    total = sum(D(str(r['total_amount'])) for r in (first, second, third))
    tax = sum(D(str(r['total_tax'])) for r in (first, second, third))
    assert (total, tax) == (D('87.74'), D('6.68'))      # the order's total and tax, to the cent
    assert (order['status_id'], order['status'], order['custom_status'], order['payment_status']) == (
        4, 'Refunded', 'Refunded', 'refunded')
    assert order['refunded_amount'] == order['total_inc_tax'] == '87.7400'
    assert all(r['is_refunded'] for r in lines_of(store, order))
    assert tea_row['refund_amount'] == '14.2300'
    body = http('GET', 'v3/orders/%s/payment_actions/refunds' % oid).json()
    assert [r['id'] for r in body['data']] == [first['id'], second['id'], third['id']]
    assert [r['id'] for r in body['data']] == sorted(r['id'] for r in body['data'])
    # nothing is left
    assert store.full_refund_items(oid) == []
    with pytest.raises(lifecycle.RefundError):
        store.create_refund(oid, [factory.refund_order(oid, D('0.01'))])


def test_order_level_and_handling_refund(store):
    order = mug_and_tea(store)
    oid = order['id']
    address = address_of(store, order)
    refund = store.create_refund(oid, [factory.refund_order(order, D('3.00'), reason='Goodwill'),
                                       factory.refund_handling(address, D('2.00'))])
    # ORDER: "tax is not re-calculated" -> 3.00, no tax; handling 2.00 + 0.17
    assert (refund['total_amount'], refund['total_tax']) == (5.17, 0.17)
    assert refund['items'][0] == {'item_type': 'ORDER', 'item_id': oid, 'reason': 'Goodwill',
                                  'requested_amount': 3}
    assert order['refunded_amount'] == '5.1700' and order['status_id'] == 14
    assert all(r['quantity_refunded'] == 0 for r in lines_of(store, order))
    # the order-level amount counts against the order: every item left (85.57)
    # is now more than the 82.57 left to refund
    with pytest.raises(lifecycle.RefundError, match='refundable amount of the order'):
        store.refund_everything(oid)
    assert len(store.order_refunds(oid)) == 1


def test_over_refunds_are_refused_with_422(server, store, http):
    order = mug_and_tea(store, customer_id=0)        # a guest
    oid = order['id']
    mug_row, _tea = lines_of(store, order)
    address = address_of(store, order)
    url = 'v3/orders/%s/payment_actions/refunds' % oid

    def refused(body, title):
        r = http('POST', url, json=body)
        assert r.status_code == 422, r.text
        error, = r.json()['data']          # the documented 422 shape of this endpoint
        assert error['status'] == 422 and error['title'] == title
        assert error['type'].startswith('https://developer.bigcommerce.com/')
        assert store.refunds == {} and order['status_id'] == 11 and order['refunded_amount'] == '0.0000'
        return error

    pay = [{'provider_id': 'stripe', 'amount': 1, 'offline': False}]
    error = refused({'items': [factory.refund_product(mug_row, 4)], 'payments': pay},
                    'Refund quantity exceeds the refundable quantity.')
    assert error['errors'] == {'items.0.quantity': '3 of 3 left to refund.'}
    refused({'items': [factory.refund_product(mug_row, 0)], 'payments': pay}, 'Invalid quantity.')
    refused({'items': [factory.refund_product(mug_row, 2), factory.refund_product(mug_row, 2)],
             'payments': pay}, 'Refund quantity exceeds the refundable quantity.')
    refused({'items': [factory.refund_shipping(address, D('10.00'))], 'payments': pay},
            'Refund amount exceeds the refundable amount.')
    refused({'items': [factory.refund_shipping(address, D('-1'))], 'payments': pay}, 'Invalid refund amount.')
    refused({'items': [factory.refund_order(order, D('87.75'))], 'payments': pay},
            'Refund amount exceeds the refundable amount of the order.')
    refused({'items': [factory.refund_product(999, 1)], 'payments': pay}, 'Order product 999 not found.')
    refused({'items': [{'item_type': 'TAX', 'item_id': 1, 'amount': 1}], 'payments': pay},
            'Invalid item type.')
    refused({'items': [factory.refund_gift_wrapping(mug_row, 1)], 'payments': pay},
            'The order product has no gift wrapping.')
    refused({'items': [factory.refund_product(mug_row, 1)]}, 'JSON data is missing or invalid')
    refused({'items': [factory.refund_product(mug_row, 1)], 'payments': pay},
            'The payments do not match the refund amount.')
    refused({'items': [factory.refund_product(mug_row, 1)],
             'payments': [{'provider_id': 'storecredit', 'amount': 20.18, 'offline': False}]},
            'Unable to provide store credit for a guest customer.')
    # accepted once the payments match; then the rest of the mugs, then no more
    r = http('POST', url, json={'items': [factory.refund_product(mug_row, 1)],
                                'payments': [{'provider_id': 'stripe', 'amount': 20.18, 'offline': False}]})
    assert r.status_code == 201, r.text
    assert r.json()['data']['total_amount'] == 20.18 and r.json()['meta'] == {}
    store.create_refund(oid, [factory.refund_product(mug_row, 2)])
    with pytest.raises(lifecycle.RefundError, match='exceeds the refundable quantity'):
        store.create_refund(oid, [factory.refund_product(mug_row, 1)])
    # an unpaid order cannot be refunded (option refund_requires_payment)
    pending = mug_and_tea(store, payment_status='pending', status_id=7)
    with pytest.raises(lifecycle.RefundError, match='has not been paid'):
        store.create_refund(pending['id'], [factory.refund_order(pending, 1)])
    store.create_refund(pending['id'], [factory.refund_order(pending, 1)], refund_requires_payment=False)


def test_tax_inclusive_store_refund(server, store, http):
    """Inclusive store, 20 %: mug 12.00 x 2, book 5.00, coupon 10 %, shipping 4.95.

    Coupon 2.90 -> 2.40 / 0.50; lines paid 21.60 / 4.50 inc, tax 3.60 / 0.75;
    shipping 4.95 inc holds 0.82 (4.95 / 1.2 = 4.125 -> 4.13); total 31.05, tax 5.17.
    """
    mug = store.add_product(factory.product(name='Mug', sku='MUG', price=D('12.00')))
    order = store.add_order(factory.order(
        lines=[factory.line(mug, 2), factory.line(None, 1, name='Book', price=D('5.00'))],
        tax_rate=D('0.20'), tax_inclusive=True, shipping_cost=D('4.95'), currency='EUR',
        coupon=factory.coupon('TEN', D('10'), type=1)))
    oid = order['id']
    assert (order['total_inc_tax'], order['total_tax']) == ('31.0500', '5.1700')
    mug_row, book_row = lines_of(store, order)
    address = address_of(store, order)
    # amounts are in the basis (tax included): 1 mug = 21.60 / 2 = 10.80 holding
    # 3.60 / 2 = 1.80; shipping 2.00 holds 0.82 x 2.00 / 4.95 = 0.3313 -> 0.33
    r = http('POST', 'v3/orders/%s/payment_actions/refunds' % oid, json={
        'items': [factory.refund_product(mug_row, 1), factory.refund_shipping(address, 2)],
        'payments': [{'provider_id': 'stripe', 'amount': 12.80, 'offline': False}]})
    assert r.status_code == 201, r.text
    first = r.json()['data']
    assert (first['total_amount'], first['total_tax']) == (12.8, 2.13)
    assert [i['requested_amount'] for i in first['items']] == [10.8, 2]
    assert mug_row['refund_amount'] == '10.8000' and order['refunded_amount'] == '12.8000'
    rest = store.refund_everything(oid)
    # mug 10.80 / 1.80, book 4.50 / 0.75, shipping 2.95 / 0.82 - 0.33
    assert (rest['total_amount'], rest['total_tax']) == (18.25, 3.04)
    assert order['refunded_amount'] == '31.0500' and order['status_id'] == 4
    assert D('2.13') + D('3.04') == D(order['total_tax'])
    # the same refund measured ex tax (option refund_charge_side='ex'): 2.00 ex
    # on 4.13 ex paid -> tax 0.82 x 2.00 / 4.13 = 0.3971 -> 0.40, inc 2.40
    again = store.add_order(factory.order(lines=[factory.line(mug, 1)], tax_rate=D('0.20'),
                                          tax_inclusive=True, shipping_cost=D('4.95')))
    quote = store.refund_quote(again['id'], [factory.refund_shipping(address_of(store, again), 2)],
                               refund_charge_side='ex')
    assert (quote['total_refund_amount'], quote['total_refund_tax_amount']) == (2.4, 0.4)
    assert quote['tax_inclusive'] is True


def test_gift_wrapping_and_fee_refunds(store):
    """Exclusive, 10 %: 2 mugs at 10.00 wrapped at 1.50 each, eco fee 1.00.

    Wrapping 3.00 + 0.30 tax, fee 1.00 + 0.10; total 24.00 ex, 26.40 inc."""
    mug = store.add_product(factory.product(name='Mug', sku='MUG', price=D('10.00')))
    order = store.add_order(factory.order(
        lines=[factory.line(mug, 2, wrapping=D('1.50'), wrapping_name='Gift box')], tax_rate=D('0.10'),
        fees=[factory.fee('Eco fee', D('1.00'))], shipping=None))
    _check_totals(view(store, order['id']))
    row, = lines_of(store, order)
    assert (row['wrapping_name'], row['wrapping_cost_ex_tax'], row['wrapping_cost_tax']) == (
        'Gift box', '3.0000', '0.3000')
    assert (order['wrapping_cost_inc_tax'], order['total_ex_tax'], order['total_inc_tax']) == (
        '3.3000', '24.0000', '26.4000')
    fee, = store.order_fees[order['id']]
    refund = store.create_refund(order['id'], [factory.refund_gift_wrapping(row, 1),
                                               factory.refund_fee(fee, D('0.50'))])
    # wrapping of 1 unit 1.50 + 0.15; fee 0.50 + 0.10 x 0.50 / 1.00 = 0.05
    assert (refund['total_amount'], refund['total_tax']) == (2.2, 0.2)
    assert refund['items'] == [
        {'item_type': 'GIFT_WRAPPING', 'item_id': row['id'], 'reason': '', 'requested_amount': 1.5},
        {'item_type': 'FEE', 'item_id': fee['id'], 'reason': '', 'requested_amount': 0.5}]
    assert row['quantity_refunded'] == 0          # the goods were not refunded
    assert store.refundable(order['id'])['GIFT_WRAPPING'] == {row['id']: 1}
    rest = store.refund_everything(order['id'])
    assert D(str(rest['total_amount'])) + D('2.20') == D('26.40')
    assert D(str(rest['total_tax'])) + D('0.20') == D('2.40')


def test_random_refunds_in_steps_give_back_the_order(store):
    """Random orders (every pricing mode, coupons incl. shipping coupons, fees):
    random partial refunds, then the rest: the refunds add up to the order's
    total_inc_tax and total_tax to the cent; each refund is the sum of its items."""
    rng = random.Random(777)
    products = factory.catalog(10, variants_every=3, seed=8, store=store)
    orders = random_orders.random_store_orders(rng, 80, products, store=store, fee_chance=0.4,
                                               wrapping_cost=D('0'))
    steps = 0
    for order in orders:
        oid = order['id']
        if D(order['total_inc_tax']) == 0:
            continue
        for _step in range(rng.randint(0, 3)):
            left = store.refundable(oid)
            items = [factory.refund_product(i, rng.randint(1, q)) for i, q in left['PRODUCT'].items()
                     if q and rng.random() < 0.4]
            for kind, make in (('SHIPPING', factory.refund_shipping), ('HANDLING', factory.refund_handling),
                               ('FEE', factory.refund_fee)):
                items += [make(i, D(rng.randint(1, int(a * 100))) / 100) for i, a in left[kind].items()
                          if a > 0 and rng.random() < 0.5]
            if items:
                refund = store.create_refund(oid, items)
                steps += 1
                assert refund['total_amount'] <= float(order['total_inc_tax'])
        if store.full_refund_items(oid):
            store.refund_everything(oid)
        refunds = store.order_refunds(oid)
        assert sum(D(str(r['total_amount'])) for r in refunds) == D(order['total_inc_tax']), oid
        assert sum(D(str(r['total_tax'])) for r in refunds) == D(order['total_tax']), oid
        assert (order['status_id'], order['payment_status']) == (4, 'refunded')
        assert order['refunded_amount'] == order['total_inc_tax']
        assert all(r['is_refunded'] and r['quantity_refunded'] == r['quantity']
                   for r in lines_of(store, order))
        _check_totals(view(store, oid), store.order_specs[oid])
    assert steps > 60


def _tax_at(basis, rate, inclusive):
    """The tax a basis amount holds at ``rate`` (fraction), to the cent, half up."""
    cent = D('0.01')
    if inclusive:
        return basis - (basis / (1 + rate)).quantize(cent, 'ROUND_HALF_UP')
    return (basis * rate).quantize(cent, 'ROUND_HALF_UP')


def test_shipping_coupon_over_two_addresses_refunds_what_each_address_paid(server, store, http):
    """Shipping 10.00 at 8.25 % to Austin, 7.00 at 5 % to Chicago, a 3.40 shipping coupon.

    The coupon in proportion to each address's shipping (money.py ⚠️): 3.40 x 10 / 17 =
    2.00 off Austin, 1.40 off Chicago. Paid: exclusive, Austin 8.00 + 0.66, Chicago
    5.60 + 0.28; inclusive, Austin 8.00 holding 0.61 (8.00 / 1.0825 = 7.3903 -> 7.39),
    Chicago 5.60 holding 0.27 (5.60 / 1.05 = 5.3333 -> 5.33). The same whichever way the
    order reports the coupon (shipping_discount_in_cost)."""
    book = store.add_product(factory.product(name='Book', sku='BOOK', price=D('40.00')))
    expected = {False: ((8.66, 0.66), (5.88, 0.28)), True: ((8.00, 0.61), (5.60, 0.27))}
    for inclusive in (False, True):
        for in_cost in (False, True):
            order = store.add_order(factory.order(
                lines=[factory.line(book, 1)], tax_rate=D('0.05'), tax_inclusive=inclusive,
                shipping=[factory.address(city='Austin'), factory.address(city='Chicago')],
                shipping_cost=[D('10.00'), D('7.00')], shipping_tax_rate=[D('0.0825'), D('0.05')],
                coupon=factory.coupon('SHIP', D('3.40'), type=3), shipping_discount_in_cost=in_cost))
            oid = order['id']
            austin, chicago = store.order_shipping_addresses[oid]
            assert (austin['cost_tax'], chicago['cost_tax']) == (
                ('0.6100', '0.2700') if inclusive else ('0.6600', '0.2800'))
            assert store.refundable(oid)['SHIPPING'] == {austin['id']: D('8.00'), chicago['id']: D('5.60')}
            # Chicago's shipping over HTTP, as paid: then nothing of it is left
            total, tax = expected[inclusive][1]
            r = http('POST', 'v3/orders/%s/payment_actions/refunds' % oid, json={
                'items': [factory.refund_shipping(chicago, D('5.60'))],
                'payments': [{'provider_id': 'stripe', 'amount': total, 'offline': False}]})
            assert r.status_code == 201, r.text
            assert (r.json()['data']['total_amount'], r.json()['data']['total_tax']) == (total, tax)
            with pytest.raises(lifecycle.RefundError, match='exceeds the refundable amount'):
                store.create_refund(oid, [factory.refund_shipping(chicago, D('0.01'))])
            austin_refund = store.create_refund(oid, [factory.refund_shipping(austin, D('8.00'))])
            assert (austin_refund['total_amount'], austin_refund['total_tax']) == expected[inclusive][0]
            # together: the order's shipping as paid, to the cent
            paid = D(order['shipping_cost_inc_tax']) - (0 if in_cost else D('3.40'))
            assert sum(D(str(r['total_amount'])) for r in store.order_refunds(oid)) == paid
            assert store.refundable(oid)['SHIPPING'] == {austin['id']: D('0.00'), chicago['id']: D('0.00')}


def test_random_multi_address_shipping_refunds_give_back_what_each_address_paid(store):
    """Random orders shipping to several addresses with a shipping coupon (both ways of
    reporting it, both pricing modes): each address's shipping refunded whole gives back
    that address's tax, which its paid amount holds at its own rate; together they are
    the order's shipping paid; the rest of the order is then refundable to the cent."""
    rng = random.Random(4242)
    products = factory.catalog(6, variants_every=3, seed=5, store=store)
    split = 0
    for _n in range(80):
        coupon = factory.coupon('SHIPR', D(rng.randint(1, 3000)) / 100, type=rng.choice((3, 3, 4)))
        kw = random_orders.random_order_kwargs(rng, products, multi_address_chance=1.0, coupon=[coupon],
                                                shipping_discount_in_cost=rng.random() < 0.25,
                                                wrapping_cost=D('0'))
        order = store.add_order(factory.order(**kw))
        oid, inclusive = order['id'], kw['tax_inclusive']
        addresses = store.order_shipping_addresses[oid]
        coupon_off = D(str(store.order_coupons[oid][0]['discount'])).quantize(D('0.01'))
        left = store.refundable(oid)['SHIPPING']
        given = D(0)
        for address, rate in zip(addresses, kw['shipping_tax_rate'], strict=True):
            amount = left[address['id']]
            assert amount >= 0, oid
            if not amount:
                assert D(address['cost_tax']) == 0, oid
                continue
            refund = store.create_refund(oid, [factory.refund_shipping(address, amount)])
            assert D(str(refund['total_tax'])) == D(address['cost_tax']) == _tax_at(amount, rate, inclusive), oid
            given += D(str(refund['total_amount']))
        paid = D(order['shipping_cost_inc_tax']) - (0 if kw['shipping_discount_in_cost'] else coupon_off)
        assert given == paid, oid
        if coupon_off and not kw['shipping_discount_in_cost'] and sum(1 for a in left.values() if a) > 1:
            split += 1
        if store.full_refund_items(oid):
            store.refund_everything(oid)
        refunds = store.order_refunds(oid)
        assert sum(D(str(r['total_amount'])) for r in refunds) == D(order['total_inc_tax']), oid
        assert sum(D(str(r['total_tax'])) for r in refunds) == D(order['total_tax']), oid
    assert split > 15


def test_batch_endpoint_pages_refunds_of_many_orders(server, store, http):
    orders = [mug_and_tea(store) for _i in range(4)]
    created = []
    for n, order in enumerate(orders):
        for _k in range(1 + n % 2):
            store.advance(60)
            row = lines_of(store, order)[0]
            created.append(store.create_refund(order['id'], [factory.refund_product(row, 1)]))
    # refunds 1..6: orders 0, 1, 1, 2, 3, 3
    wanted = {orders[1]['id'], orders[2]['id'], orders[3]['id']}
    ids = ','.join(str(i) for i in sorted(wanted))
    seen, page = [], 1
    while True:
        body = http('GET', 'v3/orders/payment_actions/refunds',
                    params={'order_id:in': ids, 'limit': 2, 'page': page}).json()
        pag = body['meta']['pagination']
        assert (pag['total'], pag['per_page'], pag['current_page'], pag['total_pages']) == (5, 2, page, 3)
        assert pag['count'] == len(body['data'])
        assert pag['links']['current'] == '?order_id:in=%s&page=%d&limit=2' % (ids, page)
        seen += body['data']
        if 'next' not in pag['links']:
            break
        page += 1
    assert [r['id'] for r in seen] == [r['id'] for r in created if r['order_id'] in wanted]
    assert [r['id'] for r in seen] == sorted(r['id'] for r in seen)
    assert seen == [r for r in created if r['order_id'] in wanted]
    # id:in, created:min / created:max (inclusive), transaction_id
    body = http('GET', 'v3/orders/payment_actions/refunds', params={'id:in': '2,5'}).json()
    assert [r['id'] for r in body['data']] == [2, 5]
    body = http('GET', 'v3/orders/payment_actions/refunds', params={
        'created:min': created[2]['created'], 'created:max': '2025-03-01T09:05:00+00:00'}).json()
    assert [r['created'] for r in body['data']] == [c['created'] for c in created[2:5]]
    txn = created[3]['payments'][0]['transaction_id']
    body = http('GET', 'v3/orders/payment_actions/refunds', params={'transaction_id': txn}).json()
    assert [r['id'] for r in body['data']] == [created[3]['id']]
    body = http('GET', 'v3/orders/payment_actions/refunds', params={'order_id:in': '4242'}).json()
    assert body['data'] == [] and body['meta']['pagination']['total'] == 0
    r = http('GET', 'v3/orders/payment_actions/refunds', params={'order_id:in': 'x'})
    assert r.status_code == 422 and r.json()['status'] == 422
    # the spec's metaEmpty_Full reading (option)
    store.refunds_meta = 'empty'
    body = http('GET', 'v3/orders/payment_actions/refunds', params={'limit': 4, 'page': 2}).json()
    assert body['meta'] == {} and [r['id'] for r in body['data']] == [5, 6]


def test_refund_quote_then_refund_over_http(server, store, http):
    order = mug_and_tea(store)
    oid = order['id']
    mug_row, _tea = lines_of(store, order)
    address = address_of(store, order)
    items = [factory.refund_product(mug_row, 1), factory.refund_shipping(address, 5),
             factory.refund_order(order, 1)]
    r = http('POST', 'v3/orders/%s/payment_actions/refund_quotes' % oid, json={'items': items})
    assert r.status_code == 201, r.text
    quote = r.json()['data']
    # 20.18 + 5.41 + 1.00 (untaxed)
    assert (quote['total_refund_amount'], quote['total_refund_tax_amount'],
            quote['order_level_refund_amount']) == (26.59, 1.95, 1)
    assert quote['order_id'] == oid and quote['tax_inclusive'] is False
    method = quote['refund_methods'][0][0]
    assert (method['provider_id'], method['amount'], method['offline']) == ('stripe', 26.59, False)
    assert store.refunds == {} and order['status_id'] == 11        # a quote records nothing
    r = http('POST', 'v3/orders/%s/payment_actions/refund_quotes' % oid,
             json={'items': [factory.refund_product(mug_row, 9)]})
    assert r.status_code == 422 and r.json()['status'] == 422 and 'errors' in r.json()
    r = http('POST', 'v3/orders/%s/payment_actions/refunds' % oid, json={
        'items': items, 'payments': [{'provider_id': method['provider_id'], 'amount': method['amount'],
                                      'offline': method['offline']}]})
    assert r.status_code == 201, r.text
    refund = r.json()['data']
    assert (refund['total_amount'], refund['total_tax']) == (26.59, 1.95)
    assert store.order_refunds(oid) == [refund]
    # merchant override and a tax-only refund
    over = store.create_refund(oid, [factory.refund_order(order, 10)],
                               merchant_calculated_override={'total_amount': 10, 'total_tax': 0})
    assert over['uses_merchant_override_values'] is True and over['total_amount'] == 10
    tax_only = store.create_refund(oid, tax_adjustment_amount=D('0.50'))
    assert (tax_only['items'], tax_only['total_amount'], tax_only['total_tax']) == ([], 0.5, 0.5)
    assert order['refunded_amount'] == '37.0900'


def test_refund_options(store):
    order = mug_and_tea(store, status_id=2)
    mug_row, _tea = lines_of(store, order)
    store.refund_sets_status = False
    store.refund_amount_fields = 'zero'           # "always returns `0`" (orders.v2 spec)
    store.refund_item_amounts = 'null'            # the RefundID_Get example
    store.refund_line_is_refunded = 'any'
    store.refund_transactions = False
    refund = store.create_refund(order['id'], [factory.refund_product(mug_row, 1)])
    assert refund['items'][0]['requested_amount'] is None and 'transaction_id' not in refund['payments'][0]
    assert (order['status_id'], order['payment_status'], order['refunded_amount']) == (
        2, 'partially refunded', '0.0000')
    assert (mug_row['is_refunded'], mug_row['quantity_refunded'], mug_row['refund_amount']) == (
        True, 1, '0.0000')
    assert len(store.order_transactions[order['id']]) == 1
    # per call, the other way
    store.create_refund(order['id'], [factory.refund_product(mug_row, 1)], refund_sets_status=True,
                        refund_amount_fields='sum')
    # second mug: 37.28 - 18.64 ex, tax 3.07 (3.0733) - 1.54 = 1.53 -> 20.17
    assert order['status_id'] == 14 and order['refunded_amount'] == '40.3500'
    with pytest.raises(ValueError):
        store.create_refund(order['id'], [factory.refund_product(mug_row, 1)], refund_amount_fields='x')


def test_refund_scopes(server, store, http):
    order = mug_and_tea(store)
    row = lines_of(store, order)[0]
    url = 'v3/orders/%s/payment_actions/refunds' % order['id']
    body = {'items': [factory.refund_product(row, 1)],
            'payments': [{'provider_id': 'stripe', 'amount': 20.18, 'offline': False}]}
    server.scopes = {'store_v2_transactions_read_only'}
    assert http('GET', url).status_code == 200
    assert http('GET', 'v3/orders/payment_actions/refunds').status_code == 200
    assert http('POST', url, json=body).status_code == 403
    server.scopes = {'store_v2_transactions'}
    assert http('POST', url, json=body).status_code == 201
    server.scopes = {'store_v2_products'}
    assert http('GET', url).status_code == 403

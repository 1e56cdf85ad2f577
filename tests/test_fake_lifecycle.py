"""The fake store after the order is placed: status changes and edits (its refunds:
test_fake_refunds.py).

Rules under test: fake_bigcommerce/lifecycle.py (and money.py for the
pricing an edit reuses). Expected amounts are worked out by hand in the
comments, not with the fake's own code.
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

# ---------------------------------------------------------------- status

def test_status_change_over_http_moves_date_modified(server, store, http):
    orders = [mug_and_tea(store) for _i in range(3)]
    assert all(o['date_modified'] == rfc(T0) for o in orders)
    store.advance(3600)
    r = http('PUT', 'v2/orders/%s' % orders[1]['id'], json={'status_id': 5})
    assert r.status_code == 200, r.text
    body = r.json()
    assert (body['status_id'], body['status'], body['custom_status']) == (5, 'Cancelled', 'Cancelled')
    assert body['date_modified'] == rfc(T0 + dt.timedelta(hours=1))
    # a cursor on date_modified sees it, in its new status, whatever the status filter
    found = http('GET', 'v2/orders', params={'min_date_modified': '2025-03-01T09:30:00Z'}).json()
    assert [(o['id'], o['status_id'], o['status']) for o in found] == [(orders[1]['id'], 5, 'Cancelled')]
    assert http('GET', 'v2/orders', params={'status_id': 5}).json()[0]['id'] == orders[1]['id']
    # the store-side helper: custom label from the status table, a given date
    when = T0 + dt.timedelta(hours=2)
    store.set_status(orders[2]['id'], 10, when=when)
    assert (orders[2]['status'], orders[2]['custom_status']) == ('Completed', 'Completed - Testing')
    assert orders[2]['date_modified'] == rfc(when)
    found = http('GET', 'v2/orders', params={'min_date_modified': rfc(when)}).json()
    assert [o['id'] for o in found] == [orders[2]['id']]
    # nothing else moved
    assert orders[1]['total_inc_tax'] == '87.7400' and orders[1]['payment_status'] == 'captured'
    # refused: an unknown status, over HTTP and in the store
    r = http('PUT', 'v2/orders/%s' % orders[0]['id'], json={'status_id': 15})
    assert r.status_code == 400
    assert r.json() == [{'status': 400, 'message': "The field 'status_id' is invalid."}]
    assert orders[0]['status_id'] == 11 and orders[0]['date_modified'] == rfc(T0)
    with pytest.raises(ValueError):
        store.set_status(orders[0]['id'], 99)
    with pytest.raises(KeyError):
        store.set_status(999, 5)


# ---------------------------------------------------------------- edits

def test_edit_over_http_reprices_and_keeps_identities(server, store, http):
    order = mug_and_tea(store, discount_amount=D('2.00'))
    oid = order['id']
    rows = lines_of(store, order)
    mug_row, tea_row = rows
    ids = [mug_row['id'], tea_row['id']]
    before_discounts = [dict(d) for d in tea_row['applied_discounts']]
    store.advance(600)
    body = {'products': [
        {'id': mug_row['id'], 'quantity': 2},                                  # fewer mugs
        {'name': 'Engraving', 'quantity': 1, 'price_ex_tax': 10, 'price_inc_tax': 10.825},
    ], 'billing_address': {'city': 'Dallas'}}
    r = http('PUT', 'v2/orders/%s' % oid, json=body)
    assert r.status_code == 200, r.text
    assert r.json()['date_modified'] == rfc(T0 + dt.timedelta(minutes=10))
    assert r.json()['billing_address']['city'] == 'Dallas'
    assert r.json()['billing_address']['first_name'] == 'Jane'        # merged, not replaced
    got = served(http, oid)
    _check_totals(got, store.order_specs[oid])
    lines = got['_products']
    assert [li['id'] for li in lines[:2]] == ids and lines[2]['id'] not in ids
    assert [(li['sku'], li['quantity']) for li in lines] == [('MUG', 2), ('TEA', 2), ('', 1)]
    # the changed and the added line lose their discounts (updateAnOrder: "clears all
    # discounts and promotions applied to the changed order line items"); the tea
    # line keeps its coupon and manual-discount shares exactly
    assert lines[0]['applied_discounts'] == [] and lines[2]['applied_discounts'] == []
    assert lines[1]['applied_discounts'] == before_discounts
    tea_coupon = sum(D(d['amount']) for d in before_discounts if d['id'] == 'total-coupon')
    tea_manual = sum(D(d['amount']) for d in before_discounts if d['id'] == 'manual-discount')
    assert D(got['coupon_discount']) == tea_coupon and D(got['discount_amount']) == tea_manual
    assert D(str(got['_coupons'][0]['discount'])) == tea_coupon and got['_coupons'][0]['code'] == 'SAVE5'
    # mug 39.98 ex, tax 3.30 (3.2984); engraving 10.00, tax 0.83 (0.825)
    assert (lines[0]['total_tax'], lines[0]['discounted_total_inc_tax']) == ('3.3000', '43.2800')
    assert (lines[2]['price_inc_tax'], lines[2]['total_tax']) == ('10.8300', '0.8300')
    assert got['items_total'] == 5 and got['_shipping_addresses'][0]['items_total'] == 5
    # the edit is seen by a date_modified cursor
    found = http('GET', 'v2/orders', params={'min_date_modified': '2025-03-01T09:05:00Z'}).json()
    assert [o['id'] for o in found] == [oid]
    # a price change (both sides give the rate) and a removal
    store.advance(60)
    r = http('PUT', 'v2/orders/%s' % oid, json={'products': [
        {'id': tea_row['id'], 'price_ex_tax': 8.00, 'price_inc_tax': 8.66},
        {'id': lines[2]['id'], 'quantity': 0}], 'shipping_cost_ex_tax': 4.50,
        'shipping_cost_inc_tax': 4.95})
    assert r.status_code == 200, r.text
    got = served(http, oid)
    _check_totals(got, store.order_specs[oid])
    assert [(li['sku'], li['base_price']) for li in got['_products']] == [
        ('MUG', '19.9900'), ('TEA', '8.0000')]
    assert got['_products'][1]['applied_discounts'] == []
    assert (got['coupon_discount'], got['discount_amount']) == ('0.0000', '0.0000')
    assert got['_coupons'][0]['discount'] == 0       # the coupon row stays, with nothing left
    # shipping 4.50 at 10 % (0.45 / 4.50), handling unchanged
    assert (got['shipping_cost_ex_tax'], got['shipping_cost_tax'], got['handling_cost_tax']) == (
        '4.5000', '0.4500', '0.1700')
    # mug 39.98 + 3.30, tea 16.00 + 1.32, shipping 4.50 + 0.45, handling 2.00 + 0.17
    assert (got['total_ex_tax'], got['total_tax'], got['total_inc_tax']) == (
        '62.4800', '5.2400', '67.7200')
    assert got['date_modified'] == rfc(T0 + dt.timedelta(minutes=11))


def test_edit_inclusive_order_over_http(server, store, http):
    """On a tax-inclusive order a price pair is read on the inc side: 12.00 inc and
    10.00 ex give 20 %; one side alone keeps the line's rate; a catalog product
    added without prices is taxed at the order's rate."""
    mug = store.add_product(factory.product(name='Mug', sku='MUG', price=D('12.00')))
    pen = store.add_product(factory.product(name='Pen', sku='PEN', price=D('2.40')))
    order = store.add_order(factory.order(lines=[factory.line(mug, 2), factory.line(None, 1, name='Book',
                                                                               price=D('5.00'), tax_rate=0)],
                                          tax_rate=D('0.20'), tax_inclusive=True, shipping_cost=D('4.95')))
    mug_row, book_row = lines_of(store, order)
    r = http('PUT', 'v2/orders/%s' % order['id'], json={'products': [
        {'id': mug_row['id'], 'price_ex_tax': 10.00, 'price_inc_tax': 12.60},      # now 26 %
        {'id': book_row['id'], 'price_ex_tax': 4.00},                              # 0 %: inc 4.00
        {'product_id': pen['id'], 'quantity': 5}]})
    assert r.status_code == 200, r.text
    assert not [k for k in r.json() if k.startswith('_')]          # nothing private is served
    got = served(http, order['id'])
    _check_totals(got, store.order_specs[order['id']])
    rows = got['_products']
    # mug 25.20 inc at 26 %: 25.20 - 25.20 / 1.26 = 5.20; book 4.00 untaxed;
    # pens 12.00 inc at 20 %: 2.00
    assert [(li['sku'], li['base_price'], li['total_tax']) for li in rows] == [
        ('MUG', '12.6000', '5.2000'), ('', '4.0000', '0.0000'), ('PEN', '2.4000', '2.0000')]
    assert got['total_inc_tax'] == '46.1500' and got['total_tax'] == '8.0200'   # + shipping 4.95 / 0.82


def test_edit_keep_mode_equals_a_fresh_factory_order(store):
    """edit_discounts='keep' reprices with the same arguments: the edited order has
    the money fields factory.order gives for the new lines."""
    order = mug_and_tea(store, discount_amount=D('2.00'))
    mug_row, tea_row = lines_of(store, order)
    extra = factory.line(None, 1, name='Card', price=D('3.50'), tax_rate=0)
    store.edit_order(order['id'], quantities={mug_row['id']: 1}, prices={tea_row['id']: D('6.00')},
                     add=[extra], edit_discounts='keep', handling_cost=D('1.00'))
    mug, tea = (store.products[r['product_id']] for r in (mug_row, tea_row))
    fresh = factory.order(lines=[factory.line(mug, 1), factory.line(tea, 2, price=D('6.00')), extra],
                          tax_rate=D('0.0825'), coupon=factory.coupon('SAVE5', D('5.00'), coupon_id=1),
                          shipping_cost=D('9.99'), handling_cost=D('1.00'), discount_amount=D('2.00'))
    for key in lifecycle.ORDER_MONEY_KEYS:
        assert order[key] == fresh[key], key
    for row, want in zip(lines_of(store, order), fresh['_products'], strict=True):
        for key in lifecycle.ROW_MONEY_KEYS:
            assert row[key] == want[key], key
    assert store.order_coupons[order['id']][0]['discount'] == fresh['_coupons'][0]['discount']
    _check_totals(view(store, order['id']), store.order_specs[order['id']])


@pytest.mark.parametrize('mode', ['clear_changed', 'keep'])
def test_random_edits_keep_every_identity(store, mode):
    """Random orders (every pricing mode, coupons, promotions, fees), random edits:
    each identity of money.py holds after every edit, ids of kept lines stay."""
    rng = random.Random(4242)
    products = factory.catalog(10, variants_every=3, seed=5, store=store)
    orders = random_orders.random_store_orders(rng, 60, products, store=store, fee_chance=0.3)
    edited = refused = 0
    for order in orders:
        oid = order['id']
        for _step in range(3):
            rows = lines_of(store, order)
            ids = [r['id'] for r in rows]
            quantities = {i: rng.randint(1, 6) for i in ids if rng.random() < 0.4}
            prices = {i: D(rng.randint(50, 9000)) / 100 for i in ids if rng.random() < 0.3}
            remove = [i for i in ids if rng.random() < 0.15 and i not in quantities
                      and i not in prices][:len(ids) - 1]
            add = [factory.line(None, rng.randint(1, 3), name='Extra', price=D(rng.randint(100, 5000)) / 100,
                                tax_rate=rng.choice([None, D('0'), D('0.2')]))] if rng.random() < 0.4 else []
            extra = {'shipping_cost': D(rng.randint(0, 1500)) / 100} if rng.random() < 0.3 else {}
            before = (dict(order), [dict(r) for r in rows])
            try:
                store.edit_order(oid, quantities=quantities, prices=prices, remove=remove, add=add,
                                 edit_discounts=mode, **extra)
            except ValueError:
                # keep mode: a fixed line discount larger than the edited line
                assert mode == 'keep'
                assert (order, lines_of(store, order)) == before
                refused += 1
                continue
            edited += 1
            _check_totals(view(store, oid), store.order_specs[oid])
            kept = [r['id'] for r in lines_of(store, order)]
            assert [i for i in ids if i not in remove] == kept[:len(ids) - len(remove)]
    assert edited > 100 and refused < edited / 5


def test_edit_refusals_change_nothing(server, store, http):
    order = mug_and_tea(store)
    oid = order['id']
    mug_row, tea_row = lines_of(store, order)
    store.advance(60)
    snapshot = (dict(order), [dict(r) for r in lines_of(store, order)])

    def put(body):
        r = http('PUT', 'v2/orders/%s' % oid, json=body)
        assert r.status_code == 400, r.text
        assert (order, lines_of(store, order)) == snapshot
        error, = r.json()
        assert error['status'] == 400
        return error['message']

    assert put({'products': [{'id': 424242, 'quantity': 1}]}) == "The field 'id' is invalid."
    assert put({'products': [{'id': mug_row['id'], 'quantity': -1}]}) == "The field 'quantity' is invalid."
    assert put({'products': [{'id': mug_row['id'], 'price_ex_tax': 'x'}]}) == \
        "The field 'price_ex_tax' is invalid."
    assert 'needs lines' in put({'products': [{'id': mug_row['id'], 'quantity': 0},
                                              {'id': tea_row['id'], 'quantity': 0}]})
    assert put({'products': [{'id': mug_row['id'], 'name': 'A', 'name_customer': 'B'}]}) == \
        "The fields 'name' and 'name_customer' must have the same value."
    assert put({'products': [{'id': mug_row['id'], 'variant_id': 3}]}).startswith(
        "The field 'variant_id' is not supported")
    assert put({'subtotal_ex_tax': '1.00'}) == \
        "The field 'subtotal_ex_tax' is not supported by the fake store."
    assert put({'total_tax': '1.00'}).startswith("The field 'total_tax' cannot be written to.")
    assert put({'status_id': 2, 'discount_amount': '-1'}) == "The field 'discount_amount' is invalid."
    assert put({'products': [{'id': mug_row['id'], 'quantity': 1}], 'status_id': 'x'}) == \
        "The field 'status_id' is invalid."
    # a line with refunded units cannot go below them
    store.create_refund(oid, [factory.refund_product(mug_row, 2)])
    snapshot = (dict(order), [dict(r) for r in lines_of(store, order)])
    assert 'below what was refunded' in put({'products': [{'id': mug_row['id'], 'quantity': 1}]})
    assert 'cannot be removed' in put({'products': [{'id': mug_row['id'], 'quantity': 0}]})
    # an order not built by factory.order cannot be repriced (its address can change)
    bare = factory.order(lines=[factory.line(None, 1, name='X', price=D('1.00'))])
    del bare['_spec']
    bare = store.add_order(bare)
    with pytest.raises(ValueError, match='cannot reprice'):
        store.edit_order(bare['id'], quantities={lines_of(store, bare)[0]['id']: 2})
    store.edit_order(bare['id'], billing_address={'zip': '12345'})
    assert bare['billing_address']['zip'] == '12345'
    with pytest.raises(TypeError):
        store.edit_order(oid, colour='red')
    with pytest.raises(ValueError):
        store.edit_order(oid, tax_inclusive=True)


def test_edit_shipping_address_fields_and_unknown(server, store, http):
    order = mug_and_tea(store)
    address = address_of(store, order)
    store.advance(5)
    r = http('PUT', 'v2/orders/%s' % order['id'],
             json={'shipping_addresses': [{'id': address['id'], 'street_1': '2 Side St'}]})
    assert r.status_code == 200, r.text
    assert http('GET', 'v2/orders/%s/shipping_addresses' % order['id']).json()[0]['street_1'] == '2 Side St'
    assert order['date_modified'] == rfc(T0 + dt.timedelta(seconds=5))
    r = http('PUT', 'v2/orders/%s' % order['id'],
             json={'shipping_addresses': [{'id': address['id'], 'cost_ex_tax': 1}]})
    assert r.status_code == 400
    r = http('PUT', 'v2/orders/%s' % order['id'], json={'shipping_addresses': [{'city': 'X'}]})
    assert r.status_code == 400 and 'not supported' in r.json()[0]['message']

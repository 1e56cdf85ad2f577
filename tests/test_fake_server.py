"""Tests of the fake BigCommerce server itself (plain pytest + requests)."""
import collections
import datetime as dt
import os
import random
import subprocess
import sys
from decimal import ROUND_HALF_UP, Decimal

import pytest
import requests

from fake_bigcommerce import FakeBigCommerce, factory, random_orders
from fake_bigcommerce.server import ALL_SCOPES
from shared_examples import example

RATE_HEADERS = ('X-Rate-Limit-Time-Window-Ms', 'X-Rate-Limit-Time-Reset-Ms',
                'X-Rate-Limit-Requests-Quota', 'X-Rate-Limit-Requests-Left')
D = Decimal


@pytest.fixture
def server():
    with FakeBigCommerce(store_hash='abc123', access_token='TOKEN', client_id='CLIENTID') as srv:
        yield srv


@pytest.fixture
def http(server):
    """GET/POST/PUT helper: http('GET', 'v2/orders', params=...)."""
    session = requests.Session()
    session.headers.update({'X-Auth-Token': 'TOKEN', 'X-Auth-Client': 'CLIENTID',
                            'Accept': 'application/json'})
    root = '%s/stores/abc123/' % server.base_url

    def call(method, path, **kwargs):
        kwargs.setdefault('timeout', 5)
        return session.request(method, root + path, **kwargs)
    yield call
    session.close()


def _simple(store, n=1, **kw):
    products = [store.add_product(factory.product(name='Item %d' % i, sku='IT-%d' % i, **kw))
                for i in range(n)]
    return products


def _money(row, key):
    return D(row[key])


# ---------------------------------------------------------------- interface

def test_public_interface(server):
    assert server.api_path == '%s/stores/abc123/v3/' % server.base_url
    assert server.base_url.startswith('http://127.0.0.1:')
    assert server.api_key == 'CLIENTID:TOKEN'
    assert server.max_limit_behaviour == 'clamp'
    assert {'store_v2_products', 'store_v2_orders', 'store_v2_information',
            'store_v2_transactions', 'store_v2_marketing', 'store_v2_customers'} <= server.scopes
    assert server.store.info['id'] == 'abc123'
    assert [s['id'] for s in server.store.order_statuses] == list(range(15))


def test_auth_401_and_headers(server, http):
    url = server.api_path + 'catalog/products'
    for headers in ({}, {'X-Auth-Token': 'WRONG'}, {'X-Auth-Client': 'CLIENTID'}):
        r = requests.get(url, headers=headers, timeout=5)
        assert r.status_code == 401
        assert r.json()['status'] == 401 and 'title' in r.json()   # V3-style object (§9)
        assert r.headers['Content-Type'] == 'application/json'
        assert all(h in r.headers for h in RATE_HEADERS)
    # header names are case-insensitive; X-Auth-Client is not needed
    r = requests.get(url, headers={'x-auth-token': 'TOKEN'}, timeout=5)
    assert r.status_code == 200
    rec = server.requests[-1]
    assert rec.method == 'GET' and rec.path == '/stores/abc123/v3/catalog/products'
    assert rec.header('X-AUTH-TOKEN') == 'TOKEN'
    server.reset_requests()
    assert server.requests == []
    server.scopes.clear()
    server.store.add_product(factory.product())
    server.reset()
    assert server.scopes == set(ALL_SCOPES) and server.store.products == {}
    assert requests.get(url, headers={'X-Auth-Token': 'TOKEN'}, timeout=5).json()['data'] == []


def test_scope_403(server, http):
    server.scopes.discard('store_v2_orders')
    r = http('GET', 'v2/orders')
    assert r.status_code == 403 and r.json()['status'] == 403
    assert http('GET', 'v3/catalog/products').status_code == 200
    server.scopes.add('store_v2_orders_read_only')   # read-only scope allows GET only
    assert http('GET', 'v2/orders').status_code == 204
    order = server.store.add_order(factory.order(lines=[factory.line(None, 1, name='X', price=1)]))
    assert http('PUT', 'v2/orders/%s' % order['id'], json={'status_id': 2}).status_code == 403


def test_unknown_store_route_and_method(server, http):
    r = requests.get(server.base_url + '/stores/nope/v2/orders',
                     headers={'X-Auth-Token': 'TOKEN'}, timeout=5)
    assert r.status_code == 404 and r.json() == [
        {'status': 404, 'message': 'The requested resource was not found.'}]
    r = http('GET', 'v2/nothing-here')
    assert r.status_code == 404 and isinstance(r.json(), list)
    r = http('GET', 'v3/nothing/here')
    assert r.status_code == 404
    assert r.json()['title'] == 'The resource at that URL is not found.'
    assert set(r.json()) >= {'status', 'title', 'type'}
    r = http('DELETE', 'v3/catalog/products')
    assert r.status_code == 405 and r.json()['status'] == 405
    assert all(h in r.headers for h in RATE_HEADERS)


# ---------------------------------------------------------------- V2

def test_v2_store_time_statuses(server, http):
    body = http('GET', 'v2/store').json()
    assert body['id'] == 'abc123' and body['currency'] == 'USD'
    server.store.set_now(dt.datetime(2024, 5, 1, 12, 0, tzinfo=dt.timezone.utc))
    assert http('GET', 'v2/time').json() == {'time': 1714564800}
    statuses = http('GET', 'v2/order_statuses').json()
    assert [s['name'] for s in statuses][:3] == ['Incomplete', 'Pending', 'Shipped']
    assert http('GET', 'v2/order_statuses/11').json()['name'] == 'Awaiting Fulfillment'
    assert http('GET', 'v2/order_statuses/99').status_code == 404


def test_v2_orders_bare_array_204_and_links(server, http):
    r = http('GET', 'v2/orders')
    assert r.status_code == 204 and r.content == b''
    assert all(h in r.headers for h in RATE_HEADERS)
    p, = _simple(server.store)
    server.store.add_order(factory.order(id=250, lines=[factory.line(p, 2)]))
    r = http('GET', 'v2/orders')
    assert r.status_code == 200 and isinstance(r.json(), list)
    order = r.json()[0]
    assert order['id'] == 250 and order['status'] == 'Awaiting Fulfillment'
    assert order['date_created'].endswith('+0000') and order['total_inc_tax'] == '20.0000'
    base = '%s/stores/abc123/v2' % server.base_url
    assert order['shipping_addresses'] == {'url': base + '/orders/250/shippingaddresses',
                                           'resource': '/orders/250/shippingaddresses'}
    assert order['products']['resource'] == '/orders/250/products'
    assert order['consignments']['resource'] == '/orders/250/consignments'
    assert http('GET', 'v2/orders', params={'page': 2}).status_code == 204
    assert http('GET', 'v2/orders/250/coupons').status_code == 204
    rows = http('GET', 'v2/orders/250/products').json()
    assert rows[0]['product_id'] == p['id'] and rows[0]['variant_id'] == p['variants'][0]['id']
    assert http('GET', 'v2/orders/250/products/%s' % rows[0]['id']).json() == rows[0]
    addresses = http('GET', 'v2/orders/250/shipping_addresses').json()
    assert addresses[0]['order_id'] == 250 and rows[0]['order_address_id'] == addresses[0]['id']
    r = http('GET', 'v2/orders/999')
    assert r.status_code == 404
    assert r.json() == [{'status': 404, 'message': 'The requested resource was not found.'}]


def test_v2_pagination_limit_clamp_and_413(server, http):
    products = factory.catalog(3, store=server.store)
    factory.orders(260, products, store=server.store)
    assert len(http('GET', 'v2/orders').json()) == 50
    r = http('GET', 'v2/orders', params={'limit': 300})
    assert [o['id'] for o in r.json()] == list(range(100, 350))    # clamped to 250
    assert len(http('GET', 'v2/orders', params={'limit': 250, 'page': 2}).json()) == 10
    assert http('GET', 'v2/orders', params={'limit': 250, 'page': 3}).status_code == 204
    server.max_limit_behaviour = '413'
    r = http('GET', 'v2/orders', params={'limit': 251})
    assert r.status_code == 413 and r.json()[0]['status'] == 413
    r = http('GET', 'v2/orders', params={'limit': 'x'})
    assert r.status_code == 400 and r.json()[0]['message'] == "The field 'limit' is invalid."


def test_v2_filters_sort_and_count(server, http):
    store = server.store
    p, = _simple(store)
    t0 = dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc)
    for i, status in enumerate([11, 11, 1, 10]):
        store.add_order(factory.order(
            lines=[factory.line(p, 1)], status_id=status, customer_id=i,
            billing=factory.address(email='c%d@example.com' % i),
            date_created=t0 + dt.timedelta(days=i)))
    ids = lambda r: [o['id'] for o in r.json()] if r.status_code == 200 else []  # noqa: E731
    assert ids(http('GET', 'v2/orders', params={'status_id': 11})) == [100, 101]
    assert ids(http('GET', 'v2/orders', params={'min_id': 101, 'max_id': 102})) == [101, 102]
    assert ids(http('GET', 'v2/orders', params={'email': 'C2@example.com'})) == [102]
    assert ids(http('GET', 'v2/orders', params={'customer_id': 3})) == [103]
    rfc = 'Tue, 02 Jan 2024 00:00:00 +0000'
    assert ids(http('GET', 'v2/orders', params={'min_date_created': rfc})) == [101, 102, 103]
    iso = '2024-01-02T01:00:00.000+01:00'   # = 00:00 UTC
    assert ids(http('GET', 'v2/orders', params={'max_date_created': iso})) == [100, 101]
    assert ids(http('GET', 'v2/orders', params={'sort': 'date_created:desc'})) == [103, 102, 101, 100]
    assert http('GET', 'v2/orders', params={'sort': 'nope'}).status_code == 400
    # a status change moves date_modified to the store clock
    store.set_now(t0 + dt.timedelta(days=30))
    store.update_order(100, status_id=2)
    r = http('GET', 'v2/orders', params={'min_date_modified': '2024-01-20T00:00:00Z'})
    assert ids(r) == [100] and r.json()[0]['status'] == 'Shipped'
    count = http('GET', 'v2/orders/count').json()
    assert count['count'] == 4 and len(count['statuses']) == 15
    by_id = {s['id']: s['count'] for s in count['statuses']}
    assert by_id[11] == 1 and by_id[2] == 1 and by_id[10] == 1
    assert [s['sort_order'] for s in count['statuses']] == list(range(15))
    assert http('GET', 'v2/orders/count', params={'status_id': 11}).json()['count'] == 1


def test_include_consignments_line_items(server, http):
    p = server.store.add_product(factory.product(
        name='Tee', sku='TEE', variants=[factory.variant('TEE-S', options={'Size': 'S'}),
                                         factory.variant('TEE-L', options={'Size': 'L'})]))
    server.store.add_order(factory.order(
        id=300, lines=[factory.line(p, 1, variant='TEE-S'), factory.line(p, 2, variant='TEE-L')],
        shipping_cost=D('5'), handling_cost=D('1'), tax_rate=D('0.1')))
    params = {'include': 'consignments,consignments.line_items', 'consignment_structure': 'object'}
    order = http('GET', 'v2/orders/300', params=params).json()
    cons = order['consignments']
    assert set(cons) == {'pickups', 'shipping', 'downloads', 'email'}
    assert cons['pickups'] == [] and cons['email'] == {'gift_certificates': []}
    ship, = cons['shipping']
    assert ship['cost_inc_tax'] == 5.5 and ship['handling_cost_ex_tax'] == 1
    assert [li['sku'] for li in ship['line_items']] == ['TEE-S', 'TEE-L']
    assert ship['line_items'] == http('GET', 'v2/orders/300/products').json()
    assert ship['line_items'][1]['product_options'][0]['display_value'] == 'L'
    listed = http('GET', 'v2/orders', params=params).json()[0]
    assert listed['consignments'] == cons
    # include=consignments alone: line items are link objects
    lite = http('GET', 'v2/orders/300', params={'include': 'consignments',
                                                'consignment_structure': 'object'}).json()
    assert set(lite['consignments']['shipping'][0]['line_items'][0]) == {'url', 'resource'}


def test_post_and_put_order(server, http):
    store = server.store
    p, = _simple(store, price=D('12.50'))
    store.set_now(dt.datetime(2024, 3, 1, 10, 0, tzinfo=dt.timezone.utc))
    body = {
        'customer_id': 0,
        'billing_address': {'first_name': 'Jane', 'last_name': 'Doe', 'street_1': '1 Main St',
                            'city': 'Austin', 'state': 'Texas', 'zip': '78751',
                            'country': 'United States', 'country_iso2': 'US',
                            'email': 'jane@example.com'},
        'products': [{'product_id': p['id'], 'quantity': 2},
                     {'name': 'Engraving', 'quantity': 1, 'price_ex_tax': 10,
                      'price_inc_tax': 11, 'sku': 'ENG'}],
        'shipping_cost_ex_tax': 5, 'shipping_cost_inc_tax': 5.5,
    }
    r = http('POST', 'v2/orders', json=body)
    assert r.status_code == 201, r.text
    order = r.json()
    assert order['status_id'] == 1 and order['status'] == 'Pending'   # default status
    assert order['date_created'] == 'Fri, 01 Mar 2024 10:00:00 +0000'
    assert order['subtotal_ex_tax'] == '35.0000' and order['total_tax'] == '1.5000'
    assert order['total_inc_tax'] == '41.5000' and order['order_source'] == 'external'
    lines = http('GET', 'v2/orders/%s/products' % order['id']).json()
    assert [(li['product_id'], li['sku'], li['quantity']) for li in lines] == [
        (p['id'], 'IT-0', 2), (0, 'ENG', 1)]
    assert lines[1]['price_inc_tax'] == '11.0000'

    assert http('POST', 'v2/orders', json={'products': body['products']}).status_code == 400
    bad = dict(body, products=[{'product_id': 9999, 'quantity': 1}])
    r = http('POST', 'v2/orders', json=bad)
    assert r.status_code == 400 and r.json()[0]['message'] == "The field 'product_id' is invalid."
    assert http('POST', 'v2/orders', data=b'{nope', headers={
        'Content-Type': 'application/json'}).status_code == 400

    store.advance(60)
    r = http('PUT', 'v2/orders/%s' % order['id'], json={'status_id': 2})
    assert r.status_code == 200
    assert r.json()['status'] == 'Shipped'
    assert r.json()['date_modified'] == 'Fri, 01 Mar 2024 10:01:00 +0000'
    r = http('PUT', 'v2/orders/%s' % order['id'], json={'id': 5})
    assert r.status_code == 400 and 'cannot be written' in r.json()[0]['message']
    assert http('PUT', 'v2/orders/777', json={'status_id': 2}).status_code == 404


# ---------------------------------------------------------------- V3

def test_v3_products_pagination(server, http):
    factory.catalog(7, store=server.store)
    seen, page = [], 1
    while True:
        body = http('GET', 'v3/catalog/products', params={'limit': 3, 'page': page}).json()
        pag = body['meta']['pagination']
        assert (pag['total'], pag['per_page'], pag['current_page'], pag['total_pages']) == (7, 3, page, 3)
        assert pag['count'] == len(body['data'])
        seen += [p['id'] for p in body['data']]
        assert pag['links']['current'] == '?page=%d&limit=3' % page
        assert ('previous' in pag['links']) == (page > 1)
        if 'next' not in pag['links']:
            break
        page += 1
    assert page == 3 and seen == sorted(seen) and len(set(seen)) == 7
    body = http('GET', 'v3/catalog/products', params={'sort': 'name', 'direction': 'desc'}).json()
    names = [p['name'] for p in body['data']]
    assert names == sorted(names, key=str.lower, reverse=True)
    empty = http('GET', 'v3/catalog/products', params={'id:in': '1,2'})
    assert empty.status_code == 200 and empty.json()['data'] == []


def test_v3_include_variants_only_when_asked(server, http):
    p = server.store.add_product(factory.product(
        name='Hoodie', sku='HOOD', price=D('39.00'), variants=[
            factory.variant('HOOD-S-RED', options={'Size': 'S', 'Color': 'Red'}),
            factory.variant('HOOD-L-RED', options={'Size': 'L', 'Color': 'Red'}, price=D('42')),
        ]))
    plain = http('GET', 'v3/catalog/products/%s' % p['id']).json()
    assert plain['meta'] == {} and 'variants' not in plain['data'] and 'images' not in plain['data']
    assert plain['data']['base_variant_id'] is None and plain['data']['price'] == 39
    listed = http('GET', 'v3/catalog/products').json()['data'][0]
    assert 'variants' not in listed
    full = http('GET', 'v3/catalog/products', params={'include': 'variants,images'}).json()['data'][0]
    assert [v['sku'] for v in full['variants']] == ['HOOD-S-RED', 'HOOD-L-RED']
    assert full['images'] == []
    small, large = full['variants']
    assert small['price'] is None and small['calculated_price'] == 39 and large['calculated_price'] == 42
    # consistent option ids per option name, value ids per label
    assert small['option_values'][1]['option_id'] == large['option_values'][1]['option_id']
    assert small['option_values'][1]['id'] == large['option_values'][1]['id']      # Red
    assert small['option_values'][0]['id'] != large['option_values'][0]['id']      # S vs L
    variants = http('GET', 'v3/catalog/products/%s/variants' % p['id']).json()
    assert variants['meta']['pagination']['total'] == 2
    found = http('GET', 'v3/catalog/variants', params={'sku': 'HOOD-L-RED'}).json()['data']
    assert [v['id'] for v in found] == [large['id']]
    one = http('GET', 'v3/catalog/products/%s/variants/%s' % (p['id'], large['id'])).json()
    assert one['data']['sku'] == 'HOOD-L-RED'
    r = http('GET', 'v3/catalog/products/424242')
    assert r.status_code == 404 and r.json()['status'] == 404 and 'type' in r.json()
    fields = http('GET', 'v3/catalog/products/%s' % p['id'],
                  params={'include_fields': 'name,sku'}).json()['data']
    assert set(fields) == {'id', 'name', 'sku'}


def test_v3_filters(server, http):
    store = server.store
    store.add_product(factory.product(name='Blue Mug', sku='MUG-B', description='<p>ceramic</p>'))
    store.add_product(factory.product(name='Towel', sku='TWL', description='<p>Linen</p>',
                                      is_visible=False))
    store.set_now(dt.datetime(2030, 1, 1, tzinfo=dt.timezone.utc))
    store.add_product(factory.product(name='Jar', sku='JAR'))
    get = lambda **q: [p['sku'] for p in http('GET', 'v3/catalog/products', params=q).json()['data']]  # noqa
    assert get(keyword='LINEN') == ['TWL'] and get(keyword='mug') == ['MUG-B']
    assert get(sku='JAR') == ['JAR'] and get(**{'sku:in': 'JAR,TWL'}) == ['TWL', 'JAR']
    assert get(is_visible='false') == ['TWL']
    assert get(**{'date_modified:min': '2029-12-31T00:00:00Z'}) == ['JAR']
    assert get(name='Towel') == ['TWL']


def test_transactions(server, http):
    p, = _simple(server.store)
    paid = server.store.add_order(factory.order(lines=[factory.line(p, 3)]))
    unpaid = server.store.add_order(factory.order(lines=[factory.line(p, 1)], payment_status='pending'))
    body = http('GET', 'v3/orders/%s/transactions' % paid['id']).json()
    txn, = body['data']
    assert txn['event'] == 'purchase' and txn['amount'] == 30 and txn['currency'] == 'USD'
    assert txn['order_id'] == str(paid['id']) and txn['method'] == 'credit_card'
    assert txn['gateway_transaction_id'] and body['meta']['pagination']['total'] == 1
    assert http('GET', 'v3/orders/%s/transactions' % unpaid['id']).status_code == 204
    assert http('GET', 'v3/orders/999/transactions').status_code == 404


# ---------------------------------------------------------------- failures

def test_inject_429_and_500(server, http):
    server.inject(429, headers={'X-Rate-Limit-Time-Reset-Ms': '250'})
    r = http('GET', 'v3/catalog/products')
    assert r.status_code == 429 and r.content == b''
    assert r.headers['X-Rate-Limit-Time-Reset-Ms'] == '250'
    assert r.headers['X-Rate-Limit-Requests-Left'] == '0'
    assert http('GET', 'v3/catalog/products').status_code == 200   # count=1 consumed
    server.inject(500, count=2, path_contains='/v2/orders')
    assert http('GET', 'v3/catalog/products').status_code == 200    # not matching
    r = http('GET', 'v2/orders')
    assert r.status_code == 500 and r.json()[0]['status'] == 500
    assert http('GET', 'v2/orders').status_code == 500
    assert http('GET', 'v2/orders').status_code == 204
    server.inject(503, body='<html>busy</html>', headers={'X-Rate-Limit-Requests-Left': None})
    r = http('GET', 'v2/store')
    assert r.status_code == 503 and r.text == '<html>busy</html>'
    assert 'X-Rate-Limit-Requests-Left' not in r.headers


def test_quota_mode(server, http):
    server.quota, server.window_ms = 3, 60000
    lefts = [http('GET', 'v2/time').headers['X-Rate-Limit-Requests-Left'] for _ in range(3)]
    assert lefts == ['2', '1', '0']
    r = http('GET', 'v2/time')
    assert r.status_code == 429 and r.content == b''
    assert int(r.headers['X-Rate-Limit-Time-Reset-Ms']) > 0 and r.headers['X-Retry-After'] == '60'


def test_inject_delay(server, http):
    server.inject_delay(0.6, path_contains='v2/time')
    with pytest.raises(requests.exceptions.ReadTimeout):
        http('GET', 'v2/time', timeout=0.2)
    assert http('GET', 'v2/time').status_code == 200


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


def test_store_add_order_assigns_ids_and_dates(server):
    store = server.store
    store.set_now('2024-06-01T08:00:00Z')
    p, = _simple(store)
    shipping = [factory.address('A', 'B'), factory.address('C', 'D', country_iso2='NL')]
    o = store.add_order(factory.order(lines=[factory.line(p, 1)], customer_id=5, shipping=shipping,
                                      coupon=factory.coupon()))
    assert o['date_created'] == o['date_modified'] == 'Sat, 01 Jun 2024 08:00:00 +0000'
    rows = store.order_products[o['id']]
    addresses = store.order_shipping_addresses[o['id']]
    assert rows[0]['id'] and rows[0]['order_id'] == o['id']
    assert addresses[1]['country'] == 'Netherlands' and o['shipping_address_count'] == 2
    assert store.order_coupons[o['id']][0]['order_id'] == o['id']
    store.advance(3600)
    store.update_order(o['id'], status_id=10)
    assert o['status'] == 'Completed' and o['custom_status'] == 'Completed - Testing'
    assert o['date_modified'] == 'Sat, 01 Jun 2024 09:00:00 +0000'


def test_main_sandbox():
    here = os.path.dirname(os.path.abspath(__file__))
    proc = subprocess.Popen([sys.executable, '-m', 'fake_bigcommerce', '--port', '0', '--seed',
                             '--store-hash', 'sandbox', '--token', 'SECRET', '--client-id', 'CID'],
                            cwd=here, stdout=subprocess.PIPE, text=True)
    try:
        lines = [proc.stdout.readline() for _ in range(3)]
        api_path = lines[1].split(': ', 1)[1].strip()
        assert api_path.endswith('/stores/sandbox/v3/') and lines[2].split()[-1] == 'CID:SECRET'
        headers = {'X-Auth-Token': 'SECRET'}
        root = api_path[:-len('v3/')]
        orders = requests.get(root + 'v2/orders', headers=headers, timeout=5).json()
        assert {o['status_id'] for o in orders} >= {1, 9, 10, 11}
        assert any(o['currency_code'] == 'EUR' for o in orders)
        assert any(o['customer_id'] == 0 for o in orders) and any(o['customer_id'] for o in orders)
        assert any(o['coupon_discount'] != '0.0000' for o in orders)
        products = requests.get(api_path + 'catalog/products', params={'include': 'variants'},
                                headers=headers, timeout=5).json()['data']
        assert any(len(p['variants']) > 1 for p in products)
    finally:
        proc.terminate()
        proc.wait(5)

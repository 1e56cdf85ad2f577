"""Tests of the fake BigCommerce server itself (plain pytest + requests)."""
import datetime as dt
import os
import subprocess
import sys
from decimal import Decimal

import pytest
import requests

from fake_bigcommerce import FakeBigCommerce, factory
from fake_bigcommerce.server import ALL_SCOPES

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

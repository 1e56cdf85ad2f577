"""Plain pytest: BigCommerceClient against the fake BigCommerce server."""
import logging
import socket
import time
from datetime import datetime, timedelta
from decimal import Decimal

import pytest

from fake_bigcommerce import FakeBigCommerce, factory

from odoo.addons.salesorder_bigcommerce.services import client as client_module
from odoo.addons.salesorder_bigcommerce.services.client import BigCommerceClient
from odoo.addons.salesorder_bigcommerce.services.errors import BigCommerceError, BigCommercePayloadError

TOKEN = 'sEcReT-t0ken-0123456789abcdef'


@pytest.fixture
def server():
    factory.reset()
    fake = FakeBigCommerce(store_hash='abc123', access_token=TOKEN, client_id='CLIENTID', port=0).start()
    yield fake
    fake.stop()


@pytest.fixture
def sleeps():
    return []


@pytest.fixture
def make_client(server, sleeps):
    def make(api_path=None, api_key=None, **kwargs):
        kwargs.setdefault('sleep', sleeps.append)   # records waits instead of sleeping
        return BigCommerceClient(api_path or server.api_path, api_key or server.api_key, **kwargs)
    return make


@pytest.fixture
def bc(make_client):
    return make_client()


def api_requests(server, contains=''):
    return [r for r in server.requests if contains in r.path]


def closed_port():
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


def add_orders(server, count, **kwargs):
    product = server.store.add_product(factory.product(name='Mug', sku='MUG', price=Decimal('8.50')))
    return [server.store.add_order(factory.order(lines=[factory.line(product, 2)], **kwargs))
            for _ in range(count)]


# --- basics -------------------------------------------------------------------------

def test_get_store_sends_token_header_only(bc, server):
    store = bc.get_store()
    assert (store.store_hash, store.name, store.currency) == ('abc123', 'BigCommerce', 'USD')
    [request] = server.requests
    assert request.path == '/stores/abc123/v2/store'
    assert request.header('X-Auth-Token') == TOKEN
    assert request.header('Accept') == 'application/json'
    assert request.header('X-Auth-Client') is None
    assert bc.request_count == 1
    assert bc.store_hash == 'abc123'
    assert bc.rate_limit_left is not None and bc.rate_limit_reset_ms is not None


def test_one_session_reused(make_client, server):
    import requests
    session = requests.Session()
    calls = []
    original = session.request
    session.request = lambda *a, **kw: calls.append(a[:2]) or original(*a, **kw)
    bc = make_client(session=session)
    bc.get_store()
    bc.get_order_statuses()
    assert [method for method, _url in calls] == ['GET', 'GET']


def test_order_statuses(bc):
    statuses = bc.get_order_statuses()
    assert [s.id for s in statuses] == list(range(15))
    assert statuses[0].custom_label == 'Incomplete - Testing'


def test_bad_config_is_refused_before_any_request(server):
    with pytest.raises(BigCommerceError) as info:
        BigCommerceClient(server.api_path, 'no-colon-here')
    assert info.value.kind == 'config'
    with pytest.raises(BigCommerceError) as info:
        BigCommerceClient('http://example.com/stores/abc123/v3/', server.api_key)
    assert info.value.kind == 'config'
    assert server.requests == []


# --- error kinds --------------------------------------------------------------------

def test_401_wrong_token(make_client, sleeps):
    bc = make_client(api_key='CLIENTID:wrong-token')
    with pytest.raises(BigCommerceError) as info:
        bc.get_store()
    error = info.value
    assert (error.kind, error.status) == ('auth', 401)
    assert 'HTTP 401' in str(error) and 'CLIENT_ID:ACCESS_TOKEN' in str(error)
    assert 'wrong-token' not in str(error)
    assert sleeps == [] and bc.request_count == 1   # not retried


@pytest.mark.parametrize('call, scope, label', [
    (lambda bc: bc.get_store(), 'store_v2_information', 'Information & Settings'),
    (lambda bc: list(bc.iter_products()), 'store_v2_products', 'Products'),
    (lambda bc: list(bc.iter_orders()), 'store_v2_orders', 'Orders'),
    (lambda bc: bc.get_order_statuses(), 'store_v2_orders', 'Orders'),
])
def test_403_missing_scope_names_it(bc, server, call, scope, label):
    server.scopes.discard(scope)
    with pytest.raises(BigCommerceError) as info:
        call(bc)
    assert (info.value.kind, info.value.status) == ('scope', 403)
    assert f'OAuth scope for {label}' in str(info.value)
    assert f'grant read access to {label}' in str(info.value)


def test_404_wrong_store_hash(make_client, server):
    bc = make_client(api_path=server.api_path.replace('abc123', 'zzz999'))
    with pytest.raises(BigCommerceError) as info:
        bc.get_store()
    assert (info.value.kind, info.value.status) == ('not_found', 404)
    message = str(info.value)
    assert 'Store or URL not found (HTTP 404' in message and 'store hash zzz999' in message
    assert 'The requested resource was not found.' in message   # the store's V2 message


def test_unreachable_closed_port(make_client, sleeps):
    bc = make_client(api_path=f'http://127.0.0.1:{closed_port()}/stores/abc123/v3/')
    with pytest.raises(BigCommerceError) as info:
        bc.get_store()
    assert info.value.kind == 'unreachable'
    assert str(info.value).startswith(f'Could not reach {bc.host}:')
    assert 'connection refused' in str(info.value) and '(4 attempts)' in str(info.value)
    assert sleeps == [1.0, 2.0, 4.0]            # exponential backoff, max_retries=3
    assert bc.request_count == 4


# --- quick client (a button the user waits on) ----------------------------------------

def test_quick_client_refused_fails_at_once(make_client, sleeps):
    port = closed_port()
    bc = make_client(api_path=f'http://127.0.0.1:{port}/stores/abc123/v3/', quick=True,
                     sleep=time.sleep)
    started = time.monotonic()
    with pytest.raises(BigCommerceError) as info:
        bc.get_store()
    assert time.monotonic() - started < 2
    assert info.value.kind == 'unreachable' and bc.request_count == 1
    assert str(info.value).startswith(f'Could not reach 127.0.0.1:{port}: connection refused')
    assert 'Cart Connect URL' in str(info.value)


def test_quick_client_unknown_host(make_client, monkeypatch):
    real = socket.getaddrinfo

    def getaddrinfo(host, *args, **kwargs):
        if host == 'no-such-store.invalid':
            raise socket.gaierror(socket.EAI_NONAME, 'Name or service not known')
        return real(host, *args, **kwargs)
    monkeypatch.setattr(socket, 'getaddrinfo', getaddrinfo)
    bc = make_client(api_path='https://no-such-store.invalid/stores/abc123/v3/', quick=True,
                     sleep=time.sleep)
    started = time.monotonic()
    with pytest.raises(BigCommerceError) as info:
        bc.get_store()
    assert time.monotonic() - started < 2
    assert info.value.kind == 'unreachable' and bc.request_count == 1
    assert 'Could not reach no-such-store.invalid: unknown host name' in str(info.value)
    assert TOKEN not in str(info.value)


def test_quick_client_options(make_client, server, sleeps):
    bc = make_client(quick=True)
    assert (bc.timeout, bc.max_retries) == (client_module.const.QUICK_TIMEOUT, 0)
    assert make_client(quick=True, timeout=1).timeout == 1      # never longer than asked
    server.inject(503, count=3)
    with pytest.raises(BigCommerceError) as info:
        bc.get_store()
    assert info.value.status == 503 and bc.request_count == 1 and sleeps == []
    server.clear_injections()
    server.inject(429, headers={'X-Rate-Limit-Time-Reset-Ms': '15000'})
    with pytest.raises(BigCommerceError) as info:
        bc.get_store()
    assert info.value.kind == 'rate_limited' and sleeps == []   # no 15 s wait behind a button
    server.inject(429, headers={'X-Rate-Limit-Time-Reset-Ms': '500'})
    assert bc.get_store().store_hash == 'abc123' and sleeps == [0.5]


def test_timeout_retried_then_success(make_client, server, sleeps):
    bc = make_client(timeout=0.3)
    server.inject_delay(1.0, count=1)
    assert bc.get_store().store_hash == 'abc123'
    assert sleeps == [1.0] and bc.request_count == 2


def test_timeout_persistent(make_client, server, sleeps):
    bc = make_client(timeout=0.2, max_retries=1, backoff=0.5)
    server.inject_delay(0.6, count=2)
    with pytest.raises(BigCommerceError) as info:
        bc.get_store()
    assert info.value.kind == 'timeout'
    assert str(info.value).startswith('BigCommerce did not answer within 0.2 s')
    assert sleeps == [0.5] and bc.request_count == 2


def test_429_waits_reset_then_succeeds(bc, server, sleeps):
    server.inject(429, headers={'X-Rate-Limit-Time-Reset-Ms': '1500'})
    assert bc.get_store().store_hash == 'abc123'
    assert sleeps == [1.5] and bc.request_count == 2


def test_429_retry_after_seconds_when_no_reset_header(bc, server, sleeps):
    server.inject(429, headers={'X-Rate-Limit-Time-Reset-Ms': None, 'X-Retry-After': '7'})
    bc.get_store()
    assert sleeps == [7.0]


def test_429_without_headers_waits_default(bc, server, sleeps):
    server.inject(429, headers={'X-Rate-Limit-Time-Reset-Ms': None, 'X-Retry-After': None})
    bc.get_store()
    assert sleeps == [client_module.const.DEFAULT_RATE_LIMIT_WAIT]


def test_429_too_long_raises_rate_limited_at_once(make_client, server, sleeps):
    bc = make_client(max_rate_limit_wait=60.0)
    server.inject(429, headers={'X-Rate-Limit-Time-Reset-Ms': '120000', 'X-Retry-After': '120'})
    with pytest.raises(BigCommerceError) as info:
        bc.get_store()
    error = info.value
    assert (error.kind, error.status, error.retry_after) == ('rate_limited', 429, 120.0)
    assert str(error) == 'BigCommerce rate limit reached; retry in 120 s.'
    assert sleeps == [] and bc.request_count == 1
    assert bc.rate_limit_left == 0


def test_429_endless_gives_up(bc, server, sleeps):
    server.inject(429, count=100)
    with pytest.raises(BigCommerceError) as info:
        bc.get_store()
    assert info.value.kind == 'rate_limited'
    assert len(sleeps) == client_module.const.MAX_RATE_LIMIT_RETRIES


def test_500_retried_then_success(bc, server, sleeps):
    server.inject(500, count=2)
    assert bc.get_store().store_hash == 'abc123'
    assert sleeps == [1.0, 2.0] and bc.request_count == 3


def test_500_persistent_is_store_error(bc, server, sleeps):
    server.inject(503, count=10, body=[{'status': 503, 'message': 'Down for maintenance'}])
    with pytest.raises(BigCommerceError) as info:
        bc.get_store()
    assert (info.value.kind, info.value.status) == ('store_error', 503)
    assert str(info.value).startswith('BigCommerce store error (HTTP 503')
    assert 'Down for maintenance' in str(info.value)
    assert sleeps == [1.0, 2.0, 4.0] and bc.request_count == 4


def test_422_bad_request_carries_store_message(bc, server):
    body = {'status': 422, 'title': 'Missing Required Fields', 'type': 'x',
            'errors': {'name': 'Please provide a name.'}}
    server.inject(422, body=body)
    with pytest.raises(BigCommerceError) as info:
        list(bc.iter_products())
    assert (info.value.kind, info.value.status) == ('bad_request', 422)
    assert 'Missing Required Fields' in str(info.value) and 'name: Please provide a name.' in str(info.value)


def test_400_v2_message(bc, server):
    server.inject(400, body=[{'status': 400, 'message': "The field 'type' is invalid."}])
    with pytest.raises(BigCommerceError) as info:
        bc.get_order_statuses()
    assert info.value.kind == 'bad_request'
    assert "The field 'type' is invalid." in str(info.value)


def test_post_not_retried_on_500(bc, server, sleeps):
    server.inject(500)
    with pytest.raises(BigCommerceError) as info:
        bc.post_v2('/orders', {'products': []})
    assert info.value.kind == 'store_error' and sleeps == [] and bc.request_count == 1


def test_non_json_success_body_is_payload_error(bc, server):
    server.inject(200, body='<html>maintenance</html>')
    with pytest.raises(BigCommercePayloadError):
        bc.get_store()


# --- token never leaks --------------------------------------------------------------

def test_token_never_in_logs_or_errors(make_client, server, caplog):
    caplog.set_level(logging.DEBUG)
    bc = make_client(timeout=0.3)
    messages = [repr(bc)]
    add_orders(server, 3)
    bc.get_store()
    list(bc.iter_orders())
    # the store echoing the token back must not leak it either
    server.inject(500, count=10, body=[{'status': 500, 'message': f'bad header X-Auth-Token: {TOKEN}'}])
    server.inject_delay(1.0, count=4)
    server.inject(401)
    server.inject(429, headers={'X-Rate-Limit-Time-Reset-Ms': '999999'})
    for _ in range(4):
        with pytest.raises(BigCommerceError) as info:
            bc.get_store()
        messages += [str(info.value), repr(info.value)]
    server.clear_injections()
    for bad in (f'http://127.0.0.1:{closed_port()}/stores/abc123/v3/',):
        with pytest.raises(BigCommerceError) as info:
            make_client(api_path=bad, max_retries=0).get_store()
        messages += [str(info.value), repr(info.value)]
    with pytest.raises(BigCommerceError) as info:
        BigCommerceClient(server.api_path, f'CLIENTID:{TOKEN}:extra')
    messages.append(str(info.value))
    assert any('***' in m for m in messages)                 # the echoed token was scrubbed
    records = [r.getMessage() for r in caplog.records]
    assert any('/v2/orders' in r for r in records)           # DEBUG lines were written
    for text in messages + records:
        assert TOKEN not in text


def test_debug_log_line(bc, caplog):
    caplog.set_level(logging.DEBUG, logger=client_module.__name__)
    bc.get_store()
    [line] = [r.getMessage() for r in caplog.records if r.name == client_module.__name__]
    assert line.startswith('BigCommerce GET /v2/store params={} -> 200 (')


# --- V3 pagination: catalog ---------------------------------------------------------

def test_iter_v3_follows_meta_pagination(bc, server):
    factory.catalog(5, store=server.store)
    rows = list(bc.iter_v3('/catalog/products', {'sort': 'id'}, page_size=2))
    assert len(rows) == 5 and bc.request_count == 3


# --- V2 pagination: orders ----------------------------------------------------------

def test_iter_orders_all_pages_with_lines(bc, server):
    orders = add_orders(server, 7, tax_rate=Decimal('0.2'), shipping_cost=Decimal('5'))
    found = list(bc.iter_orders(page_size=3))
    assert [o.id for o in found] == [o['id'] for o in orders]
    listing = api_requests(server, '/v2/orders')
    assert len(listing) == 3 == bc.request_count      # 3 + 3 + 1: no call per order
    assert all(r.query['include'] == 'consignments,consignments.line_items,fees' for r in listing)
    assert all(r.query['consignment_structure'] == 'object' for r in listing)
    order = found[0]
    assert order.has_lines and len(order.lines) == 1
    [line] = order.lines
    assert (line.sku, line.quantity, line.price_ex_tax) == ('MUG', Decimal('2'), Decimal('8.5'))
    assert order.shipping_consignments[0].line_ids == (line.id,)
    assert order.total_inc_tax == Decimal(orders[0]['total_inc_tax'])
    assert order.is_paid


def test_iter_orders_exact_pages_end_on_204(bc, server):
    add_orders(server, 6)
    assert len(list(bc.iter_orders(page_size=3))) == 6
    assert bc.request_count == 3            # the third page is a 204


def test_iter_orders_none_is_204(bc, server):
    add_orders(server, 2, status_id=11)
    assert list(bc.iter_orders(status_id=5)) == []
    [request] = server.requests
    assert request.query['status_id'] == '5'


def test_iter_orders_without_lines(bc, server):
    add_orders(server, 2)
    orders = list(bc.iter_orders(with_lines=False))
    assert all(not o.has_lines and o.lines == () for o in orders)
    assert 'include' not in server.requests[0].query
    assert bc.request_count == 1


def test_iter_orders_date_filters_rfc2822(bc, server):
    server.store.set_now('2024-05-01T10:00:00Z')
    old = add_orders(server, 1)[0]
    server.store.set_now('2024-05-03T10:00:00Z')
    new = add_orders(server, 1)[0]
    found = list(bc.iter_orders(min_date_modified=datetime(2024, 5, 2)))
    assert [o.id for o in found] == [new['id']] and old['id'] != new['id']
    assert server.requests[0].query['min_date_modified'] == 'Thu, 02 May 2024 00:00:00 +0000'
    assert found[0].date_modified == datetime(2024, 5, 3, 10)


def test_iter_orders_other_sort_uses_page_numbers(bc, server):
    server.store.set_now('2024-05-01T10:00:00Z')
    orders = add_orders(server, 5)
    for i, order in enumerate(reversed(orders)):
        server.store.update_order(order['id'], date_modified=datetime(2024, 5, 2) + timedelta(hours=i))
    found = list(bc.iter_orders(sort='date_modified:asc', page_size=2))
    assert [o.id for o in found] == [o['id'] for o in reversed(orders)]
    assert [r.query.get('page') for r in server.requests] == ['1', '2', '3']


def test_iter_v2_generic(bc, server):
    add_orders(server, 5)
    assert len(list(bc.iter_v2('/orders', page_size=2))) == 5
    assert bc.request_count == 3


def test_bad_order_reported_and_skipped(bc, server):
    orders = add_orders(server, 3)
    server.store.orders[orders[1]['id']]['total_inc_tax'] = 'lots'
    with pytest.raises(BigCommercePayloadError) as info:
        list(bc.iter_orders())
    assert info.value.object_id == orders[1]['id']
    bad = []
    good = list(bc.iter_orders(on_payload_error=lambda error, raw: bad.append(error.object_id)))
    assert [o.id for o in good] == [orders[0]['id'], orders[2]['id']] and bad == [orders[1]['id']]


def test_lines_fallback_when_consignments_hold_links(bc, server, monkeypatch):
    """A store answering without embedded line items: lines read from /products."""
    add_orders(server, 2)
    original = server._render_order

    def links_only(req, order):
        out = original(req, order)
        if isinstance(out.get('consignments'), dict):
            for consignment in out['consignments']['shipping']:
                consignment['line_items'] = [server.store.link(f"/orders/{order['id']}/products/{r['id']}")
                                             for r in server.store.order_products[order['id']]]
        return out
    monkeypatch.setattr(server, '_render_order', links_only)
    found = list(bc.iter_orders())
    assert [len(o.lines) for o in found] == [1, 1] and all(o.has_lines for o in found)
    assert len(api_requests(server, '/products')) == 2


# --- get_orders ---------------------------------------------------------------------

def test_get_orders_dense_ids_one_request(bc, server):
    orders = add_orders(server, 12)
    ids = [o['id'] for o in orders]
    wanted = [ids[5], ids[0], ids[3], ids[4]]
    found = bc.get_orders(wanted)
    assert [o.id for o in found] == wanted                 # in the asked order
    assert bc.request_count == 1
    [request] = server.requests
    assert (request.query['min_id'], request.query['max_id']) == (str(ids[0]), str(ids[5]))
    assert all(o.has_lines for o in found)


def test_get_orders_sparse_ids_one_get_each(bc, server):
    orders = add_orders(server, 3)
    server.store.add_order(factory.order(id=5000, lines=[factory.line(name='Custom', price=Decimal('3'))]))
    wanted = [orders[0]['id'], 5000]
    found = bc.get_orders(wanted)
    assert [o.id for o in found] == wanted
    assert [r.path for r in server.requests] == [
        f"/stores/abc123/v2/orders/{orders[0]['id']}", '/stores/abc123/v2/orders/5000']
    assert found[1].lines[0].is_custom


def test_get_orders_unknown_ids_are_missing(bc, server):
    ids = [o['id'] for o in add_orders(server, 4)]
    found = bc.get_orders([ids[0], ids[1], ids[2], 99999, 99998])
    assert [o.id for o in found] == ids[:3]
    assert bc.get_orders([]) == []


def test_get_orders_other_errors_raise(bc, server):
    orders = add_orders(server, 1)
    server.scopes.discard('store_v2_orders')
    with pytest.raises(BigCommerceError) as info:
        bc.get_orders([orders[0]['id']])
    assert info.value.kind == 'scope'


# --- raw access ------------------------------------------------------------------

def test_get_v2_204_is_none(bc, server):
    assert bc.get_v2('/orders', {'status_id': 4}) is None


def test_post_v2_creates_order(bc, server):
    product = server.store.add_product(factory.product(name='Mug', sku='MUG', price=Decimal('8.50')))
    created = bc.post_v2('/orders', {
        'status_id': 11, 'customer_id': 0,
        'billing_address': {'first_name': 'Ann', 'last_name': 'Lee', 'email': 'ann@example.com',
                            'street_1': '1 Main Street', 'city': 'Austin', 'state': 'Texas',
                            'zip': '78751', 'country': 'United States', 'country_iso2': 'US'},
        'products': [{'product_id': product['id'], 'quantity': 3}],
    })
    assert server.requests[0].method == 'POST'
    assert server.requests[0].header('Content-Type') == 'application/json'
    [order] = bc.get_orders([created['id']])
    assert order.lines[0].quantity == 3 and order.is_guest

"""What the tests of the fake store's after-the-order rules share (test_fake_lifecycle.py,
test_fake_refunds.py): a running fake, an HTTP caller, order views and a worked order."""
import datetime as dt
from decimal import Decimal

import pytest
import requests

from fake_bigcommerce import FakeBigCommerce, factory

D = Decimal
UTC = dt.timezone.utc
T0 = dt.datetime(2025, 3, 1, 9, 0, tzinfo=UTC)
REFUND_KEYS = {'id', 'order_id', 'user_id', 'created', 'reason', 'total_amount', 'total_tax',
               'uses_merchant_override_values', 'items', 'payments'}
PAYMENT_KEYS = {'id', 'provider_id', 'amount', 'offline', 'is_declined', 'declined_message'}


@pytest.fixture
def server():
    with FakeBigCommerce(store_hash='abc123', access_token='TOKEN', client_id='CLIENTID') as srv:
        srv.store.set_now(T0)
        yield srv


@pytest.fixture
def store(server):
    return server.store


@pytest.fixture
def http(server):
    """http('GET', 'v2/orders', params=...)"""
    session = requests.Session()
    session.headers.update({'X-Auth-Token': 'TOKEN', 'Accept': 'application/json'})
    root = '%s/stores/abc123/' % server.base_url

    def call(method, path, **kwargs):
        kwargs.setdefault('timeout', 5)
        return session.request(method, root + path, **kwargs)
    yield call
    session.close()


def view(store, order_id):
    """The stored order in factory.order's shape, for _check_totals."""
    order = store.orders[order_id]
    return dict(order, _products=store.order_products[order_id],
                _coupons=store.order_coupons[order_id],
                _shipping_addresses=store.order_shipping_addresses[order_id],
                _fees=store.order_fees[order_id])


def served(http, order_id):
    """The order as served over HTTP, in factory.order's shape."""
    order = http('GET', 'v2/orders/%s' % order_id, params={'include': 'fees'}).json()

    def rows(name):
        r = http('GET', 'v2/orders/%s/%s' % (order_id, name))
        return r.json() if r.status_code == 200 else []
    order.update(_products=rows('products'), _coupons=rows('coupons'),
                 _shipping_addresses=rows('shipping_addresses'), _fees=order.pop('fees'))
    return order


def rfc(when):
    return dt.datetime.strftime(when, '%a, %d %b %Y %H:%M:%S +0000')


def mug_and_tea(store, **kwargs):
    """Order A (exclusive, 8.25 %): mug 19.99 x 3, tea 7.05 x 2, coupon 5.00,
    shipping 9.99, handling 2.00.

    Coupon 5.00 over 59.97 : 14.10 -> 4.05 / 0.95; lines paid 55.92 / 13.15 ex,
    tax 4.61 (4.6134) / 1.08 (1.0849) -> 60.53 / 14.23 inc; shipping tax 0.82
    (0.8242), handling 0.17 (0.165); total tax 6.68, total 81.06 ex, 87.74 inc.
    """
    mug = store.add_product(factory.product(name='Mug', sku='MUG', price=D('19.99')))
    tea = store.add_product(factory.product(name='Tea', sku='TEA', price=D('7.05')))
    args = dict(lines=[factory.line(mug, 3), factory.line(tea, 2)], tax_rate=D('0.0825'),
                coupon=factory.coupon('SAVE5', D('5.00')), shipping_cost=D('9.99'),
                handling_cost=D('2.00'), customer_id=7)
    args.update(kwargs)
    order = store.add_order(factory.order(**args))
    if 'discount_amount' not in kwargs:
        assert (order['total_inc_tax'], order['total_tax']) == ('87.7400', '6.6800')
    return order


def lines_of(store, order):
    return store.order_products[order['id']]


def address_of(store, order):
    return store.order_shipping_addresses[order['id']][0]

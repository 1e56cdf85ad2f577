"""Fake BigCommerce REST API for tests (stdlib only).

    from fake_bigcommerce import FakeBigCommerce, factory

    with FakeBigCommerce(store_hash='abc123', access_token='TOKEN') as server:
        product = server.store.add_product(factory.product(name='Mug', sku='MUG'))
        server.store.add_order(factory.order(lines=[factory.line(product, 2)]))
        ...  # point the client at server.api_path with server.api_key

After the order is placed (LIFECYCLE-FACTS.md): status changes and edits
(``store.set_status``, ``store.edit_order``, ``PUT /v2/orders/{id}``) and
refunds (``store.create_refund(order_id, [factory.refund_product(line, 1),
...])``, the Orders V3 refund endpoints); rules and options in lifecycle.py.

Behaviour follows shared/bigcommerce/API-FACTS.md; see server.py (routes),
store.py (data, formats), factory.py (payload builders), money.py (money
rules) and lifecycle.py (status changes, edits, refunds).
"""
from . import factory, lifecycle
from .lifecycle import RefundError
from .server import ALL_SCOPES, ApiError, FakeBigCommerce, RecordedRequest, error_body
from .store import FakeStore

__all__ = ['FakeBigCommerce', 'FakeStore', 'RecordedRequest', 'ApiError', 'ALL_SCOPES',
           'error_body', 'factory', 'lifecycle', 'RefundError']

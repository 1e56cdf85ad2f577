"""Fake BigCommerce REST API for tests (stdlib only).

    from fake_bigcommerce import FakeBigCommerce, factory

    with FakeBigCommerce(store_hash='abc123', access_token='TOKEN') as server:
        product = server.store.add_product(factory.product(name='Mug', sku='MUG'))
        server.store.add_order(factory.order(lines=[factory.line(product, 2)]))
        ...  # point the client at server.api_path with server.api_key

Behaviour follows shared/bigcommerce/API-FACTS.md; see server.py (routes),
store.py (data, formats) and factory.py (payload builders, money rules).
"""
from . import factory
from .server import ALL_SCOPES, ApiError, FakeBigCommerce, RecordedRequest, error_body
from .store import FakeStore

__all__ = ['FakeBigCommerce', 'FakeStore', 'RecordedRequest', 'ApiError', 'ALL_SCOPES',
           'error_body', 'factory']

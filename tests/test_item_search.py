"""Catalog reads: the item search (Items (Cart) tab: keyword, main and variant SKUs,
option values) and iter_products.

BigCommerce's `keyword` matches name, description, main SKU or brand, not variant
SKUs nor option values; the search adds /v3/catalog/variants (its `sku` filter, and
a bounded read of the variants for option values). Plain pytest against the fake
store first, then the cart's List Items in Odoo.
"""
import logging
import math

import pytest

from common import BigCommerceCase
from fake_bigcommerce import FakeBigCommerce, factory

from odoo.addons.salesorder_bigcommerce.services import catalog, const
from odoo.addons.salesorder_bigcommerce.services.client import BigCommerceClient
from odoo.addons.salesorder_bigcommerce.services.errors import BigCommercePayloadError


@pytest.fixture
def server():
    factory.reset()
    fake = FakeBigCommerce(store_hash='abc123', access_token='TOKEN-search', port=0).start()
    yield fake
    fake.stop()


@pytest.fixture
def bc(server):
    return BigCommerceClient(server.api_path, server.api_key, sleep=lambda s: None)


@pytest.fixture
def shop(server):
    """A few products; ids in the order they are added."""
    add = server.store.add_product
    return {
        'hoodie': add(factory.product(
            name='Hoodie', sku='HOODIE', description='<p>Cosy hoodie.</p>',
            variants=[factory.variant(f'HD-{s}-{c.upper()}', options={'Size': s, 'Color': c})
                      for s in ('S', 'M', 'L') for c in ('Red', 'Blue')])),
        'scarf': add(factory.product(
            name='Scarf', sku='SCARF', description='<p>Wool scarf.</p>',
            variants=[factory.variant('SC-NAVY', options={'Color': 'Navy Blue'}),
                      factory.variant('SC-GREY', options={'Color': 'Grey'})])),
        'vase': add(factory.product(
            name='Vase', sku='VASE', description='<p>Glass vase.</p>',
            variants=[factory.variant('VS-BB', options={'Flower': 'Bluebell'})])),
        'tee': add(factory.product(
            name='Tee', sku='TEE', description='<p>Cotton tee.</p>',
            variants=[factory.variant('TEE-MD', options={'Size': 'Medium'})])),
        'mug': add(factory.product(name='Coffee Mug', sku='MUG-01', description='<p>Stoneware.</p>')),
        'notebook': add(factory.product(name='Blue Notebook', sku='NB-01', description='<p>A5.</p>')),
    }


def ids(products):
    return [p.id for p in products]


def calls(server):
    """(endpoint, query) of each request, the store prefix cut."""
    prefix = f'/stores/{server.store_hash}/v3'
    return [(r.path.removeprefix(prefix), r.query) for r in server.requests]


def test_variant_sku_lists_its_product(bc, server, shop):
    found = bc.search_products('HD-L-BLUE')
    assert ids(found) == [shop['hoodie']['id']]
    assert len(found[0].variants) == 6                 # the whole product, all its variants
    (p1, q1), (p2, q2), (p3, q3) = calls(server)
    assert (p1, q1['sku']) == ('/catalog/variants', 'HD-L-BLUE')
    assert (p2, q2['keyword']) == ('/catalog/products', 'HD-L-BLUE')
    assert (p3, q3['id:in'], q3['include']) == ('/catalog/products', str(shop['hoodie']['id']), 'variants')
    # An exact SKU: no read of the whole variant list.


def test_variant_sku_in_another_case_or_its_start(bc, server, shop):
    assert ids(bc.search_products('hd-l-blue')) == [shop['hoodie']['id']]
    assert ids(bc.search_products('SC-')) == [shop['scarf']['id']]
    assert ids(bc.search_products('HD-M')) == [shop['hoodie']['id']]


def test_main_sku_and_name_still_found(bc, server, shop):
    assert ids(bc.search_products('MUG-01')) == [shop['mug']['id']]
    # The base variant carries the main SKU: found by both, listed once, no third request.
    assert [p for p, _q in calls(server)] == ['/catalog/variants', '/catalog/products']
    server.reset_requests()
    assert ids(bc.search_products('Coffee')) == [shop['mug']['id']]
    assert ids(bc.search_products('wool')) == [shop['scarf']['id']]   # description
    assert ids(bc.search_products('HOODIE')) == [shop['hoodie']['id']]


def test_option_value_lists_the_products(bc, server, shop):
    found = bc.search_products('blue')
    # Hoodie (Color Blue), Scarf (Navy Blue), the notebook by its name; not the
    # Vase (Bluebell): an option value matches by whole words.
    assert ids(found) == sorted([shop['hoodie']['id'], shop['scarf']['id'], shop['notebook']['id']])
    assert len(ids(found)) == len(set(ids(found)))
    paths = [p for p, _q in calls(server)]
    assert paths == ['/catalog/variants', '/catalog/products', '/catalog/variants', '/catalog/products']
    scan, fetch = calls(server)[2][1], calls(server)[3][1]
    assert 'sku' not in scan and 'product_id' in scan['include_fields']
    assert fetch['id:in'] == f"{shop['hoodie']['id']},{shop['scarf']['id']}"   # one request for both
    assert ids(bc.search_products('Medium')) == [shop['tee']['id']]
    assert ids(bc.search_products('M')) == [shop['hoodie']['id'], shop['mug']['id']]   # Size M; MUG-01
    assert bc.search_products('Purple') == []


def test_empty_search_lists_everything_in_one_request(bc, server, shop):
    assert len(bc.search_products('  ')) == len(shop)
    [(path, query)] = calls(server)
    assert path == '/catalog/products' and 'keyword' not in query


def test_request_count_bounded_on_a_large_catalog(bc, server):
    products = factory.catalog(600, variants_every=5, store=server.store)   # 120 with Size x Color
    variant_count = sum(len(p['variants']) for p in products)
    found = bc.search_products('Blue')
    assert len(found) == 120 and all(p.has_options for p in found)
    scan_pages = math.ceil(variant_count / const.MAX_PAGE_SIZE)
    # sku filter + one keyword page + the variants, 250 a page + one id:in for 120 products
    assert bc.request_count == 1 + 1 + scan_pages + 1 == 8
    assert not any('/catalog/products/' in r.path for r in server.requests)   # no call per product
    server.reset_requests()
    bc.request_count = 0
    assert [p.sku for p in bc.search_products('CAT-00010-L-Blue')] == ['CAT-00010']
    assert bc.request_count == 3


def test_variant_read_is_capped(bc, server, monkeypatch, caplog):
    factory.catalog(600, variants_every=5, store=server.store)   # 1200 variants, 5 pages
    monkeypatch.setattr(const, 'VARIANT_SCAN_MAX_PAGES', 2)
    caplog.set_level(logging.WARNING, logger=catalog.__name__)
    found = bc.search_products('Red')
    scans = [r for r in server.requests if r.path.endswith('/catalog/variants') and 'sku' not in r.query]
    assert len(scans) == 2
    assert 0 < len(found) < 120                    # products of the first 500 variants only
    assert any('first 500 variants' in r.getMessage() for r in caplog.records)


def test_bad_product_reported_once(bc, server, shop):
    bad = server.store.add_product(factory.product(
        name='Blue Lamp', sku='LAMP', variants=[factory.variant('LP-B', options={'Color': 'Blue'})]))
    server.store.products[bad['id']]['price'] = 'abc'
    with pytest.raises(BigCommercePayloadError):
        bc.search_products('Blue')
    errors = []
    found = bc.search_products('Blue', on_payload_error=lambda error, raw: errors.append(raw['id']))
    assert errors == [bad['id']]                   # by keyword and by option value: told once
    assert bad['id'] not in ids(found) and shop['hoodie']['id'] in ids(found)


# --- iter_products: every product, or given ids ---------------------------------------

def test_iter_products_all_pages_one_request_per_250(bc, server):
    factory.catalog(600, variants_every=5, store=server.store)
    products = list(bc.iter_products())
    assert len(products) == 600 and len({p.id for p in products}) == 600
    listing = [r for r in server.requests if '/catalog/products' in r.path]
    assert len(listing) == math.ceil(600 / 250) == bc.request_count
    assert [r.query['page'] for r in listing] == ['1', '2', '3']
    assert all(r.query['include'] == 'variants' and r.query['limit'] == '250' for r in listing)
    with_options = [p for p in products if p.has_options]
    assert len(with_options) == 120
    assert all(len(p.variants) == 6 for p in with_options)
    custom = [v for p in with_options for v in p.variants if v.price is not None]
    assert len(custom) == 120   # one custom-priced variant each, the others inherit
    simple = next(p for p in products if not p.has_options)
    assert len(simple.variants) == 1 and simple.variants[0].is_base


def test_iter_products_small_pages(bc, server):
    factory.catalog(7, store=server.store)
    assert len(list(bc.iter_products(page_size=3))) == 7
    assert bc.request_count == 3


def test_iter_products_filters(bc, server):
    products = factory.catalog(30, store=server.store)
    wanted = [products[i]['id'] for i in (0, 5, 29)]
    found = list(bc.iter_products(ids=wanted + [999999]))
    assert [p.id for p in found] == sorted(wanted)
    [request] = server.requests
    assert request.query['id:in'] == ','.join(map(str, sorted(wanted + [999999])))
    server.reset_requests()
    assert [p.sku for p in bc.iter_products(sku='CAT-00004')] == ['CAT-00004']
    assert list(bc.iter_products(ids=[])) == []


def test_iter_products_many_ids_chunked(bc, server, monkeypatch):
    monkeypatch.setattr(const, 'ID_IN_CHUNK_SIZE', 10)
    products = factory.catalog(25, store=server.store)
    found = list(bc.iter_products(ids=[p['id'] for p in products]))
    assert len(found) == 25 and bc.request_count == 3


def test_iter_products_without_variants(bc, server):
    factory.catalog(3, store=server.store)
    products = list(bc.iter_products(include_variants=False))
    assert all(p.variants == () for p in products)
    assert 'include' not in server.requests[0].query


def test_iter_products_refetches_long_variant_lists(bc, server):
    variants = [factory.variant(f'BIG-{i}', options={'Number': str(i)}) for i in range(260)]
    big = server.store.add_product(factory.product(name='Big', sku='BIG', variants=variants))
    server.store.add_product(factory.product(name='Small', sku='SMALL'))
    products = {p.sku: p for p in bc.iter_products()}
    assert len(products['BIG'].variants) == 260
    assert len(products['SMALL'].variants) == 1
    variant_pages = [r for r in server.requests if f"/catalog/products/{big['id']}/variants" in r.path]
    assert len(variant_pages) == 2          # 260 variants, 250 a page


def test_iter_products_bad_product_reported_and_skipped(bc, server):
    products = factory.catalog(3, store=server.store)
    server.store.products[products[1]['id']]['price'] = 'abc'
    with pytest.raises(BigCommercePayloadError, match=f"Product {products[1]['id']}: price 'abc'"):
        list(bc.iter_products())
    bad = []
    good = list(bc.iter_products(on_payload_error=lambda error, raw: bad.append((error, raw['id']))))
    assert [p.id for p in good] == [products[0]['id'], products[2]['id']]
    assert [raw_id for _, raw_id in bad] == [products[1]['id']]


# --- List Items in Odoo -------------------------------------------------------------

class TestListItems(BigCommerceCase):

    def setUp(self):
        super().setUp()
        factory.populate_sandbox(self.server.store)   # 111-114 simple, 115 Hoodie (Size x Color)
        self.server.reset_requests()

    def list_items(self, search):
        self.cart.item_search = search
        action = self.cart.action_list_items()
        wizard = self.env[action["res_model"]].browse(action["res_id"])
        return wizard, sorted(wizard.line_ids.mapped("bigcommerce_id"))

    def test_variant_sku_lists_its_product(self):
        wizard, listed = self.list_items("HOODIE-L-BLUE")
        self.assertEqual(listed, [115])
        self.assertEqual(wizard.line_ids.sku, "HOODIE")
        self.assertEqual(wizard.line_ids.variant_count, 6)
        self.assertEqual(len(self.server.requests), 3)   # sku filter, keyword, id:in

    def test_option_value_lists_its_product(self):
        _wizard, listed = self.list_items("Blue")
        self.assertEqual(listed, [115])
        self.assertLessEqual(len(self.server.requests), 4)

    def test_main_sku_and_name(self):
        self.assertEqual(self.list_items("MUG-01")[1], [112])
        self.assertEqual(self.list_items("Coffee Mug")[1], [112])
        self.assertEqual(self.list_items("towel")[1], [114])
        self.assertEqual(self.list_items("")[1], [111, 112, 113, 114, 115])

    def test_import_of_a_product_found_by_variant_sku(self):
        wizard, _listed = self.list_items("HOODIE-M-RED")
        wizard.line_ids.selected = True
        wizard.action_import()
        self.assertEqual(wizard.line_ids.status, "created")
        variants = self.env["product.product"].search([("default_code", "=like", "HOODIE-%")])
        self.assertEqual(len(variants), 6)
        self.assertEqual(len(variants.product_tmpl_id), 1)

"""Inventory of the fake store: absolute adjustments and inventory reads.

Follows shared/bigcommerce/inventory.v3.yml, locations.v3.yml and
docs/store-operations_catalog_inventory-adjustments.mdx (LIFECYCLE-FACTS §3):

- ``PUT /v3/inventory/adjustments/absolute``: ``{reason, items[{location_id,
  variant_id | product_id | sku, quantity}]}``, at most 2,000 items; answers
  ``{transaction_id}``. A 422 refuses the whole request ("Incorrect entity"):
  nothing is applied. An item of a product tracked by product addressed by
  variant (or by the SKU of a variant) is refused with the spec's example text
  ``[Item with variant_id 106 is tracked by product, please update stock by
  product id]``; several refused items are listed in the brackets, comma
  separated.
- ``GET /v3/inventory/items`` (ItemResponse, every location) and
  ``GET /v3/inventory/locations/{location_id}/items`` (LocationItemsResponse),
  ``limit`` up to 1,000.
- The catalog's ``inventory_level`` follows (product and variants): "the stock
  levels returned using the Catalog API reflect the total inventory".

Not documented, chosen here (unverified against the real store): more than
2,000 items, an unknown item or location, a negative or too large quantity and
the symmetric "tracked by variant" case also answer 422 with an ``[Item with
...]`` title; writes apply at once (the real store applies them
asynchronously).

The state lives on the FakeStore: ``locations`` (id -> location),
``inventory`` ((location_id, product_id, variant_id) -> quantity; variant_id
0 for a product tracked by product), ``inventory_adjustments`` (each accepted
request body, with its transaction id).
"""
import math
import uuid
from urllib.parse import urlencode

MAX_ADJUSTMENT_ITEMS = 2000     # "Limit of 2000 items for payload length"
MAX_READ_LIMIT = 1000           # "Limit of 1000 items for payload length" (reads)
MAX_QUANTITY = 2147483647       # per location (inventory-adjustments.mdx)
DEFAULT_LOCATIONS = {
    1: {'id': 1, 'code': 'BC-LOCATION-1', 'label': 'Default location', 'enabled': True},
}
_IDENTITIES = ('variant_id', 'product_id', 'sku')


def level(store, product_id, variant_id=0, location_id=1):
    """The quantity the store holds for an item at a location (None: never set)."""
    return store.inventory.get((location_id, int(product_id), int(variant_id or 0)))


def _option_variants(product):
    return [v for v in product.get('variants', []) if v.get('option_values')]


def _inventory_items(store):
    """(product, variant or None) of each inventory item: a product without
    options, or tracked by product, is one item (None); otherwise each variant is."""
    for product in store.products.values():
        variants = _option_variants(product)
        if product.get('inventory_tracking') == 'product' or not variants:
            yield product, None
        else:
            for variant in variants:
                yield product, variant


class InventoryRoutes:
    """Route handlers of FakeBigCommerce (mixed into it) for /v3/inventory."""

    # -- writes ---------------------------------------------------------------

    def _v3_inventory_absolute(self, req):
        from .server import ApiError, error_body
        body = self._json_body(req)
        items = body.get('items')
        if not isinstance(items, list) or not items:
            raise ApiError(422, _problem(error_body('v3', 422, 'Payload contains invalid fields'),
                                         {'items': 'At least one item is required.'}))
        if len(items) > MAX_ADJUSTMENT_ITEMS:
            raise ApiError(422, error_body('v3', 422, 'The payload exceeds the limit of %d items (%d given).'
                                           % (MAX_ADJUSTMENT_ITEMS, len(items))))
        changes, problems = {}, []
        variants = {'variant_id': {}, 'sku': {}}    # one pass over the catalog per request
        for product in self.store.products.values():
            for variant in product.get('variants', []):
                variants['variant_id'][variant['id']] = (product, variant)
                variants['sku'].setdefault(variant.get('sku'), (product, variant))
        for index, item in enumerate(items):
            key, problem = self._adjustment_key(item, index, variants)
            if problem:
                problems.append(problem)
            else:
                changes[key] = item['quantity']
        if problems:   # the whole request is refused
            raise ApiError(422, error_body('v3', 422, '[%s]' % ', '.join(problems)))
        transaction_id = str(uuid.uuid4())
        store = self.store
        store.inventory.update(changes)
        store.inventory_adjustments.append({'transaction_id': transaction_id, 'reason': body.get('reason'),
                                            'items': items})
        for product_id in {key[1] for key in changes}:
            _catalog_levels(store, store.products[product_id])
        return 200, {'transaction_id': transaction_id}

    def _adjustment_key(self, item, index, variants):
        """((location_id, product_id, variant_id), None) or (None, why it is refused)."""
        if not isinstance(item, dict):
            return None, 'Item %d is not an object' % index
        given = [name for name in _IDENTITIES if item.get(name) not in (None, '')]
        if len(given) != 1:
            return None, 'Item %d must have exactly one of variant_id, product_id or sku' % index
        name = given[0]
        value = item[name]
        label = 'Item with %s %s' % (name, value)
        location_id, quantity = item.get('location_id'), item.get('quantity')
        if not isinstance(location_id, int) or isinstance(location_id, bool):
            return None, '%s has no valid location_id' % label
        if location_id not in self.store.locations:
            return None, '%s: location %s does not exist' % (label, location_id)
        if not isinstance(quantity, int) or isinstance(quantity, bool) or not 0 <= quantity <= MAX_QUANTITY:
            return None, '%s has an invalid quantity %r' % (label, quantity)
        product, variant = self._identify(name, value, variants)
        if product is None:
            return None, '%s not found' % label
        tracking = product.get('inventory_tracking')
        if variant is not None and tracking == 'product':
            return None, '%s is tracked by product, please update stock by product id' % label
        if variant is None and tracking == 'variant' and _option_variants(product):
            return None, '%s is tracked by variant, please update stock by variant id' % label
        if variant is None or not _option_variants(product):
            return (location_id, product['id'], 0), None   # a product without options is one item
        return (location_id, product['id'], variant['id']), None

    def _identify(self, name, value, index):
        """(product, variant or None) addressed by an item, or (None, None)."""
        if name == 'product_id':
            product = self.store.products.get(value) if isinstance(value, int) else None
            return product, None
        if not isinstance(value, int if name == 'variant_id' else str):
            return None, None
        return index[name].get(value, (None, None))

    # -- reads ----------------------------------------------------------------

    def _v3_inventory_items(self, req):
        wanted_locations = self._ints(req, 'location_id:in')
        rows = []
        for product, variant in self._filtered_items(req):
            locations = []
            for location in self.store.locations.values():
                if wanted_locations and location['id'] not in wanted_locations:
                    continue
                quantity = _item_level(self.store, product, variant, location['id'])
                locations.append({
                    'location_id': location['id'], 'location_code': location['code'],
                    'location_name': location['label'], 'available_to_sell': quantity,
                    'total_inventory_onhand': quantity, 'location_enabled': location['enabled'],
                    'settings': _settings()})
            rows.append({'identity': _identity(product, variant), 'locations': locations})
        return _page(req, self, rows)

    def _v3_location_items(self, req):
        from .server import ApiError, error_body
        location_id = int(req.params['lid'])
        if location_id not in self.store.locations:
            raise ApiError(404, error_body('v3', 404))
        rows = [{'identity': _identity(product, variant),
                 'available_to_sell': _item_level(self.store, product, variant, location_id),
                 'total_inventory_onhand': _item_level(self.store, product, variant, location_id),
                 'settings': _settings()}
                for product, variant in self._filtered_items(req)]
        return _page(req, self, rows)

    def _filtered_items(self, req):
        variant_ids, product_ids = self._ints(req, 'variant_id:in'), self._ints(req, 'product_id:in')
        skus = {s for s in (req.query.get('sku:in') or '').split(',') if s}
        for product, variant in _inventory_items(self.store):
            identity = _identity(product, variant)
            if variant_ids and identity['variant_id'] not in variant_ids:
                continue
            if product_ids and product['id'] not in product_ids:
                continue
            if skus and identity['sku'] not in skus:
                continue
            yield product, variant


def _identity(product, variant):
    base = (product.get('variants') or [None])[0]
    if variant is None and not _option_variants(product) and base:
        variant = base
    return {'sku': (variant or product).get('sku') or '',
            'variant_id': variant['id'] if variant else None,
            'product_id': product['id'],
            'sku_id': variant.get('sku_id') if variant else None}


def _item_level(store, product, variant, location_id):
    """An item's quantity at a location (0 when never set)."""
    return level(store, product['id'], variant['id'] if variant else 0, location_id) or 0


def _catalog_levels(store, product):
    """inventory_level of the product and its variants: the total over locations."""
    def total(variant):
        return sum(_item_level(store, product, variant, lid) for lid in store.locations)
    option_variants = _option_variants(product)
    if product.get('inventory_tracking') == 'product' or not option_variants:
        product['inventory_level'] = total(None)
        for variant in product.get('variants', []):
            variant['inventory_level'] = product['inventory_level'] if not option_variants else 0
        return
    for variant in option_variants:
        variant['inventory_level'] = total(variant)
    product['inventory_level'] = sum(v['inventory_level'] for v in option_variants)


def _settings():
    return {'safety_stock': 0, 'is_in_stock': True, 'warning_level': 0, 'bin_picking_number': ''}


def _problem(body, errors):
    body['errors'] = errors
    return body


def _page(req, fake, rows):
    """V3 page with meta.pagination; ``limit`` up to 1,000 for inventory reads."""
    from .server import ApiError, error_body
    page, limit = fake._int(req, 'page', 1), fake._int(req, 'limit', 50)
    if page < 1 or limit < 1:
        raise ApiError(422, error_body('v3', 422, 'Invalid field(s): page, limit'))
    limit = min(limit, MAX_READ_LIMIT)
    chunk = rows[(page - 1) * limit:page * limit]
    total_pages = math.ceil(len(rows) / limit)
    others = [(k, v) for k, v in req.query.items() if k not in ('page', 'limit')]
    links = {'current': '?' + urlencode(others + [('page', page), ('limit', limit)], safe=',:')}
    if page < total_pages:
        links['next'] = '?' + urlencode(others + [('page', page + 1), ('limit', limit)], safe=',:')
    if page > 1:
        links['previous'] = '?' + urlencode(others + [('page', page - 1), ('limit', limit)], safe=',:')
    return 200, {'data': chunk, 'meta': {'pagination': {
        'total': len(rows), 'count': len(chunk), 'per_page': limit, 'current_page': page,
        'total_pages': total_pages, 'links': links}}}

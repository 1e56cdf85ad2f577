"""Catalog reads in the fake store: /v3/catalog/products (with the documented
filters, include=variants,options), a product's variants, /v3/catalog/variants.
A mixin of FakeBigCommerce.
"""
from .api import ApiError, _cmp, _select_fields, _sort_key, error_body
from .store import parse_datetime

_V3_PRODUCT_SORTS = {'id', 'name', 'sku', 'price', 'date_modified', 'date_last_imported',
                     'inventory_level', 'is_visible', 'total_sold', 'calculated_price'}  # §2


class CatalogRoutes:

    def _render_product(self, req, product):
        """Product without sub-resources unless ``include`` asks (§2 spec gap:
        emit variants/images only when requested)."""
        includes = set(filter(None, (req.query.get('include') or '').split(',')))
        out = {k: v for k, v in product.items() if k not in ('variants', 'images')}
        out = _select_fields(req, out)
        if 'variants' in includes:
            out['variants'] = product.get('variants', [])   # include_fields applies to the product only
        if 'images' in includes:
            out['images'] = product.get('images', [])
        if 'primary_image' in includes:
            images = product.get('images') or []
            out['primary_image'] = next((i for i in images if i.get('is_thumbnail')), images[0] if images else None)
        if 'options' in includes:
            out['options'] = _options_of(product)
        for name in ('custom_fields', 'bulk_pricing_rules', 'modifiers', 'videos', 'reviews',
                     'parent_relations', 'channels'):
            if name in includes:
                out[name] = []
        return out

    def _product_or_404(self, req):
        product = self.store.products.get(int(req.params['pid']))
        if product is None:
            raise ApiError(404, error_body('v3', 404))
        return product

    def _v3_products(self, req):  # noqa: C901 - one branch per documented filter
        q, rows = req.query, list(self.store.products.values())
        ids = self._ints(req, 'id:in')
        for name, op in (('id', '=='), ('id:min', '>='), ('id:max', '<='),
                         ('id:greater', '>'), ('id:less', '<'), ('brand_id', '==')):
            value = self._int(req, name)
            if value is not None:
                rows = [p for p in rows if _cmp(p.get(name.split(':')[0]), op, value)]
        if ids is not None:
            rows = [p for p in rows if p['id'] in ids]
        not_in = self._ints(req, 'id:not_in')
        if not_in:
            rows = [p for p in rows if p['id'] not in not_in]
        cats = self._ints(req, 'categories:in')
        if cats:
            rows = [p for p in rows if cats & set(p.get('categories') or [])]
        if q.get('name'):
            rows = [p for p in rows if p['name'] == q['name']]
        if q.get('name:like'):
            rows = [p for p in rows if q['name:like'].lower() in p['name'].lower()]
        if 'sku' in q:   # main SKU only; variant SKUs via /catalog/variants (§2)
            rows = [p for p in rows if p['sku'] == q['sku']]
        if q.get('sku:in'):
            skus = set(q['sku:in'].split(','))
            rows = [p for p in rows if p['sku'] in skus]
        if q.get('keyword'):  # name, description or sku, case-insensitive (§2)
            kw = q['keyword'].lower()
            rows = [p for p in rows if any(kw in (p.get(k) or '').lower()
                                           for k in ('name', 'description', 'sku'))]
        for name in ('type', 'availability', 'upc', 'mpn'):
            if q.get(name):
                rows = [p for p in rows if p.get(name) == q[name]]
        visible = self._bool(req, 'is_visible')
        if visible is not None:
            rows = [p for p in rows if bool(p.get('is_visible')) == visible]
        for name, op in (('date_modified', '=='), ('date_modified:min', '>='),
                         ('date_modified:max', '<=')):
            value = self._date(req, name)
            if value is not None:
                rows = [p for p in rows if _cmp(parse_datetime(p['date_modified']), op, value)]
        sort = q.get('sort') or 'id'
        direction = (q.get('direction') or 'asc').lower()
        if sort not in _V3_PRODUCT_SORTS:
            raise self._invalid(req, 'sort')
        if direction not in ('asc', 'desc'):
            raise self._invalid(req, 'direction')
        rows.sort(key=lambda p: (_sort_key(p.get(sort)), p['id']), reverse=direction == 'desc')
        return self._v3_page(req, rows, lambda p: self._render_product(req, p))

    def _v3_product(self, req):
        return 200, {'data': self._render_product(req, self._product_or_404(req)), 'meta': {}}

    def _v3_product_variants(self, req):
        product = self._product_or_404(req)
        return self._v3_page(req, product.get('variants', []),
                             lambda v: _select_fields(req, v, variant=True))

    def _v3_product_variant(self, req):
        product = self._product_or_404(req)
        for v in product.get('variants', []):
            if v['id'] == int(req.params['vid']):
                return 200, {'data': _select_fields(req, v, variant=True), 'meta': {}}
        raise ApiError(404, error_body('v3', 404))

    def _v3_variants(self, req):
        q, rows = req.query, sorted(self.store.iter_variants(), key=lambda v: v['id'])
        for name, key in (('id', 'id'), ('product_id', 'product_id')):
            value = self._int(req, name)
            if value is not None:
                rows = [v for v in rows if v[key] == value]
        for name, key in (('id:in', 'id'), ('product_id:in', 'product_id')):
            values = self._ints(req, name)
            if values is not None:
                rows = [v for v in rows if v[key] in values]
        if 'sku' in q:     # variant SKU (§2)
            rows = [v for v in rows if v['sku'] == q['sku']]
        if q.get('sku:in'):
            skus = set(q['sku:in'].split(','))
            rows = [v for v in rows if v['sku'] in skus]
        if q.get('upc'):
            rows = [v for v in rows if v.get('upc') == q['upc']]
        return self._v3_page(req, rows, lambda v: _select_fields(req, v, variant=True))

    # -- V3 orders ---------------------------------------------------------


def _options_of(product):
    """Variant options (include=options) derived from the variants' option values."""
    options = {}
    for v in product.get('variants', []):
        for ov in v.get('option_values', []):
            opt = options.setdefault(ov['option_id'], {
                'id': ov['option_id'], 'product_id': product['id'],
                'display_name': ov['option_display_name'], 'type': 'rectangles',
                'config': {}, 'sort_order': len(options), 'option_values': []})
            if all(x['id'] != ov['id'] for x in opt['option_values']):
                opt['option_values'].append({'id': ov['id'], 'label': ov['label'],
                                             'sort_order': len(opt['option_values']),
                                             'value_data': None, 'is_default': False})
    return list(options.values())

"""Catalog reads (V3): products with their variants, and the item search.

A mixin of BigCommerceClient: it reads through the client's get_v3 / iter_v3 /
_iter_v3_pages, so every request still goes through the one gateway.
"""
import logging
import re

from . import const
from .errors import BigCommercePayloadError
from .payloads import Product

_logger = logging.getLogger(__name__)


class CatalogReads:

    def iter_products(self, *, keyword=None, sku=None, ids=None, include_variants=True,
                      page_size=const.MAX_PAGE_SIZE, on_payload_error=None):
        """Catalog products (V3) over all pages, with their variants.

        `ids` are fetched with `id:in` in chunks. `on_payload_error(error, raw)`, when
        given, is told about a product that does not parse and the iteration goes on;
        otherwise the error is raised.
        """
        params = {'sort': 'id'}
        if include_variants:
            params['include'] = 'variants'
        if keyword:
            params['keyword'] = keyword
        if sku:
            params['sku'] = sku
        if ids is None:
            batches = [params]
        else:
            ids = sorted({int(i) for i in ids})
            batches = [{**params, 'id:in': ','.join(map(str, ids[i:i + const.ID_IN_CHUNK_SIZE]))}
                       for i in range(0, len(ids), const.ID_IN_CHUNK_SIZE)]
        for batch in batches:
            for raw in self.iter_v3('/catalog/products', batch, page_size):
                try:
                    variants = None
                    embedded = raw.get('variants') if isinstance(raw, dict) else None
                    if include_variants and isinstance(embedded, list) \
                            and len(embedded) >= const.EMBEDDED_VARIANTS_CAP:
                        variants = list(self.iter_v3(f"/catalog/products/{int(raw['id'])}/variants"))
                    yield Product.from_json(raw, variants=variants)
                except BigCommercePayloadError as e:
                    if on_payload_error is None:
                        raise
                    on_payload_error(e, raw)

    def search_products(self, term, *, page_size=const.MAX_PAGE_SIZE, on_payload_error=None):
        """The products a merchant means by `term`, sorted by id, each once.

        BigCommerce's `keyword` matches a product's name, description, main SKU or
        brand, not its variants. So the search also reads /v3/catalog/variants:

        1. `GET /catalog/variants?sku=term`: the product of a variant with exactly
           that SKU (one request; the spec's only SKU filter on variants).
        2. `GET /catalog/products?keyword=term`, all pages.
        3. Unless `term` is exactly a SKU found by 1 or 2, option values and variant
           SKU prefixes: the spec has no filter for option values nor for part of a
           SKU, so the variants are read (only their product_id, sku and
           option_values, 250 a page) and matched here, ignoring case: an option value
           whose words include all the words of `term` ('Blue' finds 'Blue' and 'Navy
           Blue', not 'Bluebell'; 'M' finds 'M', not 'Medium'), or a variant SKU that
           starts with `term` ('HOODIE-L' finds 'HOODIE-L-BLUE'). At most
           const.VARIANT_SCAN_MAX_PAGES pages (the first variants by id): a larger
           catalog is searched in part, and a warning logged.
        4. The products found only by 1 or 3: `id:in`, 250 a request.

        Requests: 1 + the keyword's pages + the scan's pages (bounded) + one per 250
        products found through their variants; never one per product. With an empty
        `term`, every product (iter_products). `on_payload_error` as in iter_products,
        told once per product.
        """
        term = (term or '').strip()
        if not term:
            return list(self.iter_products(page_size=page_size, on_payload_error=on_payload_error))
        found, bad = {}, set()

        def payload_error(error, raw):
            product_id = raw.get('id') if isinstance(raw, dict) else None
            if product_id is not None and product_id in bad:
                return
            bad.add(product_id)
            if on_payload_error is None:
                raise error
            on_payload_error(error, raw)

        folded = term.casefold()
        # SKUs are unique: one page holds the answer. Each row's SKU is compared here too,
        # in case a store's filter is looser than the spec's "Filter items by variant SKU".
        by_variant_sku = {row[0] for row in self._iter_variant_rows({'sku': term}, max_pages=1)
                          if row is not None and row[1].casefold() == folded}
        for product in self.iter_products(keyword=term, page_size=page_size,
                                          on_payload_error=payload_error):
            found[product.id] = product
        wanted = set(by_variant_sku)
        if not by_variant_sku and not any((p.sku or '').casefold() == folded for p in found.values()):
            wanted |= self._scan_variants(term)
        missing = wanted - found.keys() - bad
        if missing:
            for product in self.iter_products(ids=missing, page_size=page_size,
                                              on_payload_error=payload_error):
                found[product.id] = product
        return [found[i] for i in sorted(found)]

    def _iter_variant_rows(self, params, max_pages=None):
        """(product_id, sku, option value labels) of /catalog/variants rows; rows without
        a product id are skipped. Yields None last when `max_pages` cut the list."""
        params = {**params, 'include_fields': 'product_id,sku,option_values'}
        for number, (rows, more) in enumerate(
                self._iter_v3_pages('/catalog/variants', params, const.MAX_PAGE_SIZE), 1):
            for row in rows:
                product_id = row.get('product_id') if isinstance(row, dict) else None
                if not isinstance(product_id, int) or isinstance(product_id, bool):
                    continue
                values = row.get('option_values')
                labels = [str(v.get('label') or '') for v in values if isinstance(v, dict)] \
                    if isinstance(values, list) else []
                yield product_id, str(row.get('sku') or ''), labels
            if more and max_pages is not None and number >= max_pages:
                yield None
                return

    def _scan_variants(self, term):
        """Product ids of the variants with an option value matching `term` or a SKU
        starting with it."""
        words = _words(term)
        folded = term.casefold()
        product_ids = set()
        for row in self._iter_variant_rows({}, max_pages=const.VARIANT_SCAN_MAX_PAGES):
            if row is None:
                _logger.warning(
                    "BigCommerce item search: option values and variant SKUs were searched in "
                    "the first %d variants of the catalog only.",
                    const.VARIANT_SCAN_MAX_PAGES * const.MAX_PAGE_SIZE)
                break
            product_id, sku, labels = row
            if product_id in product_ids:
                continue
            if sku.casefold().startswith(folded) \
                    or (words and any(words <= _words(label) for label in labels)):
                product_ids.add(product_id)
        return product_ids


def _words(text):
    return set(re.findall(r'\w+', text.casefold()))

"""Order reads (V2): orders over all pages with their lines embedded, orders by id, and
the taxes BigCommerce applied to an order.

A mixin of BigCommerceClient: it reads through the client's get_v2 / iter_v2, so
every request still goes through the one gateway.
"""
import math

from . import const
from .errors import BigCommerceError, BigCommercePayloadError, _lt
from .order_taxes import parse_order_taxes
from .parsing import format_rfc2822
from .payloads import Order


class OrderReads:

    def iter_orders(self, *, status_id=None, min_date_modified=None, max_date_modified=None,
                    min_date_created=None, max_date_created=None, min_id=None, max_id=None,
                    sort='id:asc', with_lines=True, page_size=const.MAX_PAGE_SIZE,
                    on_payload_error=None):
        """Orders (V2) over all pages, with their lines embedded (no call per order).

        With the default sort (id:asc) pages are read by id (min_id = last id + 1), so
        an order leaving the filter during the run cannot shift another one out of
        sight; other sorts use page numbers. Dates may be datetimes (naive = UTC) or
        strings. `on_payload_error` as in iter_products.
        """
        params = {'sort': sort}
        for name, value in (('status_id', status_id), ('min_id', min_id), ('max_id', max_id),
                            ('min_date_modified', min_date_modified),
                            ('max_date_modified', max_date_modified),
                            ('min_date_created', min_date_created),
                            ('max_date_created', max_date_created)):
            if value is not None:
                params[name] = value if isinstance(value, (str, int)) else format_rfc2822(value)
        if with_lines:
            params.update(self._order_includes())
        for raw in self._iter_order_rows(params, page_size):
            order = self._parse_order(raw, with_lines, on_payload_error)
            if order is not None:
                yield order

    def _iter_order_rows(self, params, page_size):
        if params.get('sort', 'id:asc') not in ('id', 'id:asc'):
            yield from self.iter_v2('/orders', params, page_size)
            return
        last_id = None
        while True:
            page_params = dict(params, limit=page_size)
            if last_id is not None:
                page_params['min_id'] = last_id + 1
            rows = self.get_v2('/orders', page_params)
            if not rows:
                return
            if not isinstance(rows, list):
                raise BigCommercePayloadError(
                    _lt("BigCommerce answered GET %(path)s with an object where a list was expected."),
                    params={'path': '/v2/orders'})
            yield from rows
            if len(rows) < page_size:
                return
            try:
                last_id = max(int(row['id']) for row in rows)
            except (TypeError, KeyError, ValueError):
                raise BigCommercePayloadError(_lt("BigCommerce sent an order without an id.")) from None

    def get_orders(self, order_ids, *, with_lines=True, page_size=const.MAX_PAGE_SIZE,
                   on_payload_error=None):
        """The given orders, in the given order, with as few requests as possible.

        Ids are read as min_id/max_id ranges wherever a range takes fewer requests (its
        pages, ceil(span / page_size)) than one GET per order (_clusters), however far
        apart they are. Unknown ids are simply missing from the result.
        """
        wanted = list(dict.fromkeys(int(i) for i in order_ids))
        found = {}
        for cluster in _clusters(sorted(wanted), page_size):
            low, high = cluster[0], cluster[-1]
            if len(cluster) > 1 and math.ceil((high - low + 1) / page_size) < len(cluster):
                params = {'sort': 'id:asc', 'min_id': low, 'max_id': high}
                if with_lines:
                    params.update(self._order_includes())
                wanted_here = set(cluster)
                for raw in self._iter_order_rows(params, page_size):
                    if isinstance(raw, dict) and raw.get('id') in wanted_here:
                        order = self._parse_order(raw, with_lines, on_payload_error)
                        if order is not None:
                            found[order.id] = order
                        wanted_here.discard(raw['id'])
                        if not wanted_here:
                            break   # spares the last, possibly empty, page
                continue
            for order_id in cluster:
                try:
                    raw = self.get_v2(f'/orders/{order_id}', self._order_includes() if with_lines else None)
                except BigCommerceError as e:
                    if e.kind == 'not_found':
                        continue
                    raise
                if raw:
                    order = self._parse_order(raw, with_lines, on_payload_error)
                    if order is not None:
                        found[order.id] = order
        return [found[i] for i in wanted if i in found]

    def get_order_taxes(self, order_id, page_size=const.MAX_PAGE_SIZE):
        """[order_taxes.OrderTax] of one order, with details (line_item_type and
        order_product_id): one request per 250 rows, none left when the store answers 204."""
        rows = list(self.iter_v2(f'/orders/{int(order_id)}/taxes', {'details': 'true'}, page_size))
        return parse_order_taxes(rows, order_id)

    @staticmethod
    def _order_includes():
        return {'include': const.ORDER_INCLUDE, 'consignment_structure': const.ORDER_CONSIGNMENT_STRUCTURE}

    def _parse_order(self, raw, with_lines, on_payload_error):
        try:
            order = Order.from_json(raw)
            if with_lines and (not order.has_lines
                               or (not order.lines and _int(raw.get('items_total')) > 0)):
                # Consignments missing or holding mere links: read the lines directly.
                products = list(self.iter_v2(f'/orders/{order.id}/products'))
                addresses = None
                if not order.shipping_consignments:
                    addresses = list(self.iter_v2(f'/orders/{order.id}/shipping_addresses'))
                order = Order.from_json(raw, products=products, shipping_addresses=addresses)
            return order
        except BigCommercePayloadError as e:
            if on_payload_error is None:
                raise
            on_payload_error(e, raw)
            return None


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def _clusters(ids, page_size=const.MAX_PAGE_SIZE):
    """Sorted ids -> the groups that read them in the fewest requests: a run of ids whose
    range takes fewer pages (ceil(span / page_size)) than it has ids is one group (one
    min_id/max_id read), any other id a group of its own (one GET). Dynamic programming
    over the sorted ids; a run is only tried while its pages stay below its ids."""
    best, cut = [0], [0]
    for end in range(1, len(ids) + 1):
        best.append(best[end - 1] + 1)       # the last id on its own
        cut.append(end - 1)
        for start in range(end - 2, -1, -1):
            pages = math.ceil((ids[end - 1] - ids[start] + 1) / page_size)
            if pages >= end:
                break                        # no longer run can do better
            if pages < end - start and best[start] + pages < best[end]:
                best[end], cut[end] = best[start] + pages, start
    groups, end = [], len(ids)
    while end:
        start = cut[end]
        run = list(ids[start:end])
        groups.append(run)
        end = start
    return groups[::-1]

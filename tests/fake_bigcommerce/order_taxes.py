"""The taxes of an order in the fake store: ``GET /v2/orders/{order_id}/taxes``.

Source: ``orders.v2.oas2.yml`` (getOrderTaxes, ``orderTaxes_Base``, example
``orderTaxes_Resp``): a bare array, 204 when the order has no tax, ``page`` /
``limit``; ``?details=true`` adds ``order_product_id`` (the order line id,
a string, for items; null otherwise) and ``line_item_type`` (item, shipping,
handling, gift-wrapping). Each row: id, order_id, order_address_id,
tax_rate_id, sales_tax_id, tax_class_id, name, class, rate ('8.2500', a
percentage), priority, priority_amount, line_amount, order_pickup_method_id.

The rows follow how the store priced the order (money.py, with the arguments
kept in ``FakeStore.order_specs``): one row per taxed piece whose rate is not 0
-- each line (``line_amount`` its ``total_tax``), the shipping and the handling
of each shipping address (its ``cost_tax``, ``handling_cost_tax``), the order's
gift wrapping. An order the factory did not price gets each line's rate from its
own amounts. Fees have no ``line_item_type`` in the spec and get no row.

Option (``FakeStore`` attribute) ``tax_components`` ({}): {rate fraction:
[(name, percent, priority)]}: a rate charged as several taxes (a state tax and a
county tax), one row each; the piece's tax is split over them in proportion to
their percentages, to the cent, the rest on the last row. E.g. ``{Decimal('0.0825'):
[('State Tax', Decimal('6.25'), 0), ('County Tax', Decimal('2'), 0)]}``.
"""
from decimal import Decimal

from . import money
from .store import cents, dec, v2_money

ZERO = Decimal('0')
HUNDRED = Decimal('100')
CLASSES = {'item': 'Default Tax Class', 'shipping': 'Shipping', 'handling': 'Handling',
           'gift-wrapping': 'Gift Wrapping'}
CLASS_IDS = {'item': 0, 'shipping': 2, 'handling': 2, 'gift-wrapping': 3}


def _charge_rate(spec, charge, index):
    """A charge's rate (fraction) for the shipping address at `index` (money.py: one
    rate for the order or a list, one per address; None = the order's rate)."""
    value = spec.get(charge + '_tax_rate')
    if isinstance(value, (list, tuple)):
        value = value[min(index, len(value) - 1)] if value else None
    return money.rate(spec.get('tax_rate') or 0) if value is None else money.rate(value)


def _own_rate(row):
    """The rate of a line the factory did not price: its tax over what it was charged on,
    the line after its discounts (``discounted_total_inc_tax`` less ``total_tax``)."""
    tax = dec(row.get('total_tax'))
    base = dec(row.get('discounted_total_inc_tax')) - tax
    return (tax / base).quantize(Decimal('0.000001')) if base > 0 else ZERO


def taxed_pieces(store, order):
    """[(line_item_type, order_address_id, order_product_id or None, rate fraction, tax)]."""
    oid = order['id']
    spec = store.order_specs.get(oid)
    rows = store.order_products.get(oid, [])
    addresses = store.order_shipping_addresses.get(oid, [])
    line_specs = {ls.get('_row_id'): ls for ls in (spec or {}).get('lines') or ()}
    pieces = []
    for row in rows:
        line_spec = line_specs.get(row['id'])
        if spec is not None and line_spec is not None:
            r = line_spec['_tax_rate'] if line_spec.get('_tax_rate') is not None \
                else money.rate(spec.get('tax_rate') or 0)
        else:
            r = _own_rate(row)
        pieces.append(('item', row.get('order_address_id') or 0, row['id'], r, dec(row.get('total_tax'))))
    for kind, charge, prefix in (('shipping', 'shipping', 'cost'), ('handling', 'handling', 'handling_cost')):
        if addresses:
            for index, address in enumerate(addresses):
                tax = dec(address.get(prefix + '_tax'))
                r = _charge_rate(spec, charge, index) if spec else _rate_of_sides(address, prefix)
                if dec(address.get(prefix + '_ex_tax')) or tax:
                    pieces.append((kind, address['id'], None, r, tax))
        else:
            tax = dec(order.get(charge + '_cost_tax'))
            r = _charge_rate(spec, charge, 0) if spec else _rate_of_sides(order, charge + '_cost')
            if dec(order.get(charge + '_cost_ex_tax')) or tax:
                pieces.append((kind, 0, None, r, tax))
    tax = dec(order.get('wrapping_cost_tax'))
    r = _charge_rate(spec, 'wrapping', 0) if spec else _rate_of_sides(order, 'wrapping_cost')
    if dec(order.get('wrapping_cost_ex_tax')) or tax:
        pieces.append(('gift-wrapping', addresses[0]['id'] if addresses else 0, None, r, tax))
    return [piece for piece in pieces if piece[3]]


def _rate_of_sides(data, prefix):
    ex, inc = dec(data.get(prefix + '_ex_tax')), dec(data.get(prefix + '_inc_tax'))
    return ((inc - ex) / ex).quantize(Decimal('0.000001')) if ex else ZERO


def _components(store, r):
    """[(name, percent, priority)] the rate is charged as."""
    components = (getattr(store, 'tax_components', None) or {}).get(r)
    return list(components) if components else [('Tax', r * HUNDRED, 0)]


def order_tax_rows(store, order, details):
    """The rows of GET /v2/orders/{id}/taxes for `order` (module doc)."""
    rows = []
    for kind, address_id, product_id, r, tax in taxed_pieces(store, order):
        components = _components(store, r)
        total = sum((dec(c[1]) for c in components), ZERO)
        left = tax
        for n, (name, percent, priority) in enumerate(components, 1):
            amount = left if n == len(components) else cents(tax * dec(percent) / total)
            left -= amount
            row = {
                'id': order['id'] * 1000 + len(rows) + 1, 'order_id': order['id'],
                'order_address_id': address_id, 'tax_rate_id': n, 'sales_tax_id': 'TaxId%s' % n,
                'tax_class_id': CLASS_IDS[kind], 'name': name, 'class': CLASSES[kind],
                'rate': v2_money(percent), 'priority': priority,
                'priority_amount': v2_money(amount), 'line_amount': v2_money(amount),
                'order_pickup_method_id': 0,
            }
            if details:
                row['order_product_id'] = str(product_id) if product_id is not None else None
                row['line_item_type'] = kind
            rows.append(row)
    return rows


class OrderTaxRoutes:
    """GET /v2/orders/{order_id}/taxes (mixed into FakeBigCommerce)."""

    def _v2_order_taxes(self, req):
        order = self._order_or_404(req)
        details = (req.query.get('details') or '').lower() in ('true', '1')
        return self._v2_page(req, order_tax_rows(self.store, order, details))
